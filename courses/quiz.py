"""Quizzes: scoring an attempt against its block, and recording it in the LRS.

An attempt becomes xAPI statements (recorded through :mod:`lrs.api`, never over HTTP):

* one ``answered`` per question, whose object is the question activity
  ``{step IRI}/quiz/{block id}/{question id}`` with an interaction definition (xAPI 1.0.3
  §2.4.4.1 "Interaction Activities": ``choice`` with its choices, or ``fill-in``);
* one ``passed`` or ``failed`` whose object is the step itself, so the progress engine completes
  a "quiz passed" step from it, with the score, the enrolment's registration, the module as
  parent and the quiz activity ``{step IRI}/quiz/{block id}`` as grouping.

Attempts are counted from those passed/failed statements (registration + verb + step, through
the LRS's indexed columns and its activity side table for the quiz id): no table of our own to
keep in step with the LRS, and statements sent by another copy of Campus count too.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.html import strip_tags

from courses.models import Enrolment, EnrolmentStatus, StepPage
from lrs import api
from lrs.models import Statement

# xAPI 1.0.3 §2.4.4.1: interaction activities have this activity type.
ACTIVITY_INTERACTION = "http://adlnet.gov/expapi/activities/cmi.interaction"
# ADL's "lesson", the type courses.services gives a step: the LRS keeps one definition per id.
ACTIVITY_STEP = "http://adlnet.gov/expapi/activities/lesson"
# Enrolments whose learner may still answer (a completed module can be revised).
ANSWERING_STATUSES = (EnrolmentStatus.ACTIVE, EnrolmentStatus.COMPLETED)


class QuizError(Exception):
    """A quiz attempt that cannot be taken."""


class QuizNotFound(QuizError):
    """The step has no quiz block with that id."""


class QuizAttemptsExhausted(QuizError):
    """The learner has used every attempt the quiz allows."""


@dataclass(frozen=True)
class QuestionFeedback:
    """How one question was answered and what to tell the learner."""

    question_id: str
    kind: str
    correct: bool
    points: int
    max_points: int
    response: list[str] | str
    messages: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class QuizResult:
    """The outcome of an attempt; ``scaled`` lies in [0, 1]."""

    score_raw: int
    score_max: int
    scaled: float
    passed: bool
    questions: list[QuestionFeedback]

    def as_dict(self) -> dict[str, Any]:
        """Plain data (for the session that carries feedback across the redirect)."""
        return asdict(self)

    def feedback_for(self, question_id: str) -> QuestionFeedback | None:
        """The feedback of one question, if it was part of the attempt."""
        return next((q for q in self.questions if q.question_id == question_id), None)


def quiz_iri(step: StepPage, block_id: str) -> str:
    """The activity id of a quiz block of a step."""
    return f"{step.activity_iri}/quiz/{block_id}"


def question_iri(step: StepPage, block_id: str, question_id: str) -> str:
    """The activity id of one question of a quiz."""
    return f"{quiz_iri(step, block_id)}/{question_id}"


def quiz_block(step: StepPage, block_id: str):
    """The value of the quiz block with this id in the step's body."""
    for child in step.body:
        if child.block_type == "quiz" and child.id == block_id:
            return child.value
    raise QuizNotFound(block_id)


def _normalise(text: str, *, case_sensitive: bool) -> str:
    text = " ".join(unicodedata.normalize("NFC", text).split())
    return text if case_sensitive else text.casefold()


def _as_list(answer) -> list[str]:
    if answer is None:
        return []
    if isinstance(answer, str):
        return [answer] if answer else []
    return [str(a) for a in answer if a]


def _score_choice(question_id: str, kind: str, question, answer) -> QuestionFeedback:
    choices = list(question["choices"].bound_blocks)
    known = {child.id for child in choices}
    picked = [a for a in _as_list(answer) if a in known]
    expected = {child.id for child in choices if child.value["correct"]}
    if kind == "single_choice" and len(picked) > 1:
        correct = False  # A forged form ticking two radios gets no point.
    else:
        correct = set(picked) == expected
    messages = [
        child.value["feedback"]
        for child in choices
        if child.id in picked and child.value["feedback"]
    ]
    if question["explanation"]:
        messages.append(question["explanation"])
    points = question["points"] or 0
    return QuestionFeedback(
        question_id=question_id,
        kind=kind,
        correct=correct,
        points=points if correct else 0,
        max_points=points,
        response=picked,
        messages=messages,
    )


def _score_short_answer(question_id: str, question, answer) -> QuestionFeedback:
    given = answer if isinstance(answer, str) else " ".join(_as_list(answer))
    case_sensitive = bool(question["case_sensitive"])
    accepted = {_normalise(a, case_sensitive=case_sensitive) for a in question["accepted_answers"]}
    correct = bool(given.strip()) and _normalise(given, case_sensitive=case_sensitive) in accepted
    message = question["feedback_correct"] if correct else question["feedback_incorrect"]
    points = question["points"] or 0
    return QuestionFeedback(
        question_id=question_id,
        kind="short_answer",
        correct=correct,
        points=points if correct else 0,
        max_points=points,
        response=given.strip(),
        messages=[message] if message else [],
    )


def quiz_score(block_value, answers: Mapping[str, Any]) -> QuizResult:
    """Score answers (question id → choice id(s) or text) against a quiz block's value.

    Single choice: the correct choice. Multiple choice: all or nothing, exactly the correct set.
    Short answer: one of the accepted answers, ignoring extra spaces and (unless the question
    says otherwise) capitals. Passed when raw * 100 >= pass mark * max, in integers, so 7/10
    passes a 70 % mark (0.7 * 100 is 70.00000000000001 in floating point, 0.29 * 100 less
    than 29). A quiz worth no point at all is passed.
    """
    questions = []
    for child in block_value["questions"]:
        answer = answers.get(child.id)
        if child.block_type == "short_answer":
            questions.append(_score_short_answer(child.id, child.value, answer))
        else:
            questions.append(_score_choice(child.id, child.block_type, child.value, answer))
    raw = sum(q.points for q in questions)
    maximum = sum(q.max_points for q in questions)
    pass_mark = block_value["pass_mark"] or 0
    return QuizResult(
        score_raw=raw,
        score_max=maximum,
        scaled=round(raw / maximum, 4) if maximum else 1.0,
        passed=raw * 100 >= pass_mark * maximum,
        questions=questions,
    )


def quiz_answers_from(block_value, data) -> dict[str, Any]:
    """Read a submitted form (a QueryDict): field ``q-<question id>`` per question."""
    answers: dict[str, Any] = {}
    for child in block_value["questions"]:
        name = f"q-{child.id}"
        if child.block_type == "multiple_choice":
            answers[child.id] = data.getlist(name)
        else:
            answers[child.id] = data.get(name, "")
    return answers


def quiz_attempts_used(*, enrolment: Enrolment, step: StepPage, block_id: str) -> int:
    """How many attempts of this quiz the LRS holds for the enrolment (voided ones excluded)."""
    return (
        Statement.objects.filter(
            registration=enrolment.registration,
            verb_id__in=(api.PASSED.id, api.FAILED.id),
            object_activity_id=step.activity_iri,
            voided=False,
            activities__activity_id=quiz_iri(step, block_id),
        )
        # Distinct statements, by key only: the join may repeat one, and DISTINCT over every
        # column would compare the JSON payloads.
        .values("seq")
        .distinct()
        .count()
    )


def _text(value: str, limit: int = 500) -> str:
    """Plain text for an activity's name or description (xAPI language maps are not HTML)."""
    text = " ".join(strip_tags(str(value)).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _question_activity(step: StepPage, block_id: str, child):
    """The question as an xAPI interaction activity (§2.4.4.1)."""
    import tincan

    question = child.value
    activity = api.activity_for(
        question_iri(step, block_id, child.id),
        name=_text(question["prompt"], 200),
        description=_text(question["prompt"]),
        activity_type=ACTIVITY_INTERACTION,
    )
    definition = activity.definition
    if child.block_type == "short_answer":
        definition.interaction_type = "fill-in"
        prefix = "" if question["case_sensitive"] else "{case_matters=false}"
        definition.correct_responses_pattern = [
            f"{prefix}{answer}" for answer in question["accepted_answers"]
        ]
    else:
        definition.interaction_type = "choice"
        choices = list(question["choices"].bound_blocks)
        definition.choices = tincan.InteractionComponentList(
            [
                tincan.InteractionComponent(
                    id=c.id, description=tincan.LanguageMap({"fr-FR": _text(c.value["text"])})
                )
                for c in choices
            ]
        )
        # "[,]" separates the ids of a multiple-choice response (§2.4.4.1, choice).
        definition.correct_responses_pattern = [
            "[,]".join(c.id for c in choices if c.value["correct"])
        ]
    return activity


def _can_answer(*, actor, enrolment: Enrolment, step: StepPage) -> bool:
    """The actor's own enrolment, still open, in the module that holds the step."""
    return (
        enrolment.user_id == actor.pk
        and enrolment.status in ANSWERING_STATUSES
        and step.path[: -step.steplen] == enrolment.module.path
    )


@transaction.atomic
def quiz_submit(
    *, actor, enrolment: Enrolment, step: StepPage, block_id: str, answers: Mapping[str, Any]
) -> QuizResult:
    """Score an attempt at a quiz of a step and record it in the LRS; return the result.

    Raises PermissionDenied when the enrolment is not the actor's (or not in the step's module
    or not open), QuizNotFound for an unknown block and QuizAttemptsExhausted when no attempt
    is left. Statements are recorded as one atomic batch.
    """
    # Lock the enrolment row: two submissions racing (a double click) must not both see the
    # last attempt as still available.
    enrolment = Enrolment.objects.select_for_update().select_related("module").get(pk=enrolment.pk)
    if not _can_answer(actor=actor, enrolment=enrolment, step=step):
        raise PermissionDenied("not enrolled in this module")
    quiz = quiz_block(step, block_id)
    max_attempts = quiz["max_attempts"] or 0
    if max_attempts and (
        quiz_attempts_used(enrolment=enrolment, step=step, block_id=block_id) >= max_attempts
    ):
        raise QuizAttemptsExhausted(block_id)
    result = quiz_score(quiz, answers)

    now = timezone.now()
    agent = api.agent_for(actor.email, actor.get_full_name() or None)
    module = api.activity_for(
        enrolment.module.activity_iri,
        name=enrolment.module.title,
        activity_type=api.ACTIVITY_MODULE,
    )
    step_activity = api.activity_for(
        step.activity_iri, name=step.title, activity_type=ACTIVITY_STEP
    )
    quiz_activity = api.activity_for(
        quiz_iri(step, block_id),
        name=_text(quiz["title"], 200),
        activity_type=api.ACTIVITY_ASSESSMENT,
    )
    statements = []
    for child, feedback in zip(quiz["questions"], result.questions, strict=True):
        response = (
            feedback.response
            if isinstance(feedback.response, str)
            else "[,]".join(feedback.response)
        )
        statements.append(
            api.statement_for(
                actor=agent,
                verb=api.ANSWERED,
                target=_question_activity(step, block_id, child),
                result=api.result_for(
                    score=(feedback.points, 0, feedback.max_points)
                    if feedback.max_points
                    else None,
                    success=feedback.correct,
                    response=response,
                ),
                context=api.context_for(
                    registration=enrolment.registration,
                    parent=step_activity,
                    grouping=[module, quiz_activity],
                ),
                timestamp=now,
            )
        )
    statements.append(
        api.statement_for(
            actor=agent,
            verb=api.PASSED if result.passed else api.FAILED,
            target=step_activity,
            result=api.result_for(
                score=(result.score_raw, 0, result.score_max) if result.score_max else None,
                success=result.passed,
                completion=True,
            ),
            context=api.context_for(
                registration=enrolment.registration, parent=module, grouping=quiz_activity
            ),
            timestamp=now,
        )
    )
    api.record_many(statements)
    return result
