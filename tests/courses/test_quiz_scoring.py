"""Scoring a quiz attempt against its block."""

from __future__ import annotations

import pytest

from courses.quiz import quiz_block, quiz_score
from tests.courses import factories as f
from tests.courses.conftest import quiz_ids


def _answers(step, *, single=0, multiple=(0, 1), short="Paris"):
    block_id, questions = quiz_ids(step)
    (q1, c1), (q2, c2), (q3, _c3) = questions
    answers = {q1: c1[single], q2: [c2[i] for i in multiple], q3: short}
    return quiz_block(step, block_id), answers


def test_quiz_score_all_right_passes(quiz_step):
    """Right answers everywhere give full marks and a pass."""
    block, answers = _answers(quiz_step)
    result = quiz_score(block, answers)
    assert (result.score_raw, result.score_max, result.scaled, result.passed) == (3, 3, 1.0, True)
    assert all(q.correct for q in result.questions)


def test_quiz_score_single_choice_wrong_gives_its_feedback(quiz_step):
    """A wrong single choice scores 0 and returns the feedback of the chosen answer."""
    block, answers = _answers(quiz_step, single=1)
    result = quiz_score(block, answers)
    first = result.questions[0]
    assert not first.correct and first.points == 0
    assert first.messages == ["Non, ce n'est pas un logiciel de géométrie."]


def test_quiz_score_multiple_choice_is_all_or_nothing(quiz_step):
    """A multiple choice question missing one correct answer scores nothing."""
    block, answers = _answers(quiz_step, multiple=(0,))
    assert quiz_score(block, answers).questions[1].correct is False
    block, answers = _answers(quiz_step, multiple=(0, 1, 2))
    assert quiz_score(block, answers).questions[1].correct is False


def test_quiz_score_short_answer_ignores_case_and_spaces(quiz_step):
    """A short answer matches whatever its capitals and surrounding spaces."""
    block, answers = _answers(quiz_step, short="  paris ")
    assert quiz_score(block, answers).questions[2].correct is True
    block, answers = _answers(quiz_step, short="Lyon")
    feedback = quiz_score(block, answers).questions[2]
    assert feedback.correct is False
    assert feedback.messages == ["Ce n'est pas la réponse attendue."]


def test_quiz_score_short_answer_case_sensitive_when_asked(module):
    """A case-sensitive short answer refuses the wrong capitals."""
    step = f.step_page(
        module=module, body=[f.quiz([f.short_answer("Sigle ?", ["ENT"], case_sensitive=True)])]
    )
    block_id, [(question, _)] = quiz_ids(step)
    assert quiz_score(quiz_block(step, block_id), {question: "ent"}).passed is False
    assert quiz_score(quiz_block(step, block_id), {question: "ENT"}).passed is True


@pytest.mark.parametrize(
    ("right", "passed"), [(7, True), (6, False)], ids=["at-the-mark", "just-below"]
)
def test_quiz_score_pass_mark_boundary(module, right, passed):
    """7 right out of 10 passes a 70 % mark exactly; 6 out of 10 does not."""
    questions = [
        f.single_choice(f"Question {i}", [f.choice("oui", correct=True), f.choice("non")])
        for i in range(10)
    ]
    step = f.step_page(module=module, body=[f.quiz(questions, pass_mark=70)])
    block_id, ids = quiz_ids(step)
    answers = {q: (c[0] if i < right else c[1]) for i, (q, c) in enumerate(ids)}
    result = quiz_score(quiz_block(step, block_id), answers)
    assert (result.score_raw, result.passed) == (right, passed)
    assert result.scaled == right / 10


def test_quiz_score_unknown_choice_ids_score_nothing(quiz_step):
    """A forged answer (an id that is not a choice of the question) scores nothing."""
    block, answers = _answers(quiz_step)
    first = next(iter(answers))
    answers[first] = "not-a-choice"
    result = quiz_score(block, answers)
    assert result.questions[0].correct is False
    assert result.questions[0].response == []
