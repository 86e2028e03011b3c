"""Fixtures of the courses tests: a catalogue, a module with steps, a quiz step, a cohort.

``cohort`` and ``enrolment`` are Karim's cohort of the module and Claire in it, as the
assessment tests use them (built by :mod:`tests.courses.assessment_helpers`); the cohort tests,
which need other settings (an enrolment key, a capacity), override ``cohort`` in their module.
"""

from __future__ import annotations

import pytest
from django.utils import translation

from tests.courses import assessment_helpers
from tests.courses import factories as f


@pytest.fixture
def english():
    """Messages in English (the msgids), whatever the French catalogue says."""
    with translation.override("en"):
        yield


@pytest.fixture
def catalogue(db):
    """The "Offre de formation" under the home page."""
    return f.catalogue_page()


@pytest.fixture
def module(catalogue):
    """A distance module of 3 h for maths teachers, developing A.1-3."""
    return f.module_page(
        catalogue=catalogue,
        title="Enseigner les mathématiques avec GeoGebra",
        degree="second",
        disciplines=("mathematiques",),
        competences=("A.1-3",),
    )


@pytest.fixture
def cohort(module, trainer):
    """Karim's cohort of the module."""
    return assessment_helpers.cohort(module=module, trainers=[trainer])


@pytest.fixture
def enrolment(learner, cohort):
    """Claire, a learner of Karim's cohort."""
    return assessment_helpers.member(user=learner, cohort=cohort)


@pytest.fixture
def private_storage(monkeypatch, tmp_path):
    """Files handed in go to a temporary private storage, never to the project's private/.

    Modules that hand in files use it for every test:
    ``pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_storage")]``.
    """
    return assessment_helpers.use_temporary_private_storage(monkeypatch, tmp_path)


@pytest.fixture
def quiz_step(module):
    """A step with one quiz: single choice, multiple choice, short answer (1 point each)."""
    return f.step_page(
        module=module,
        title="Quiz de positionnement",
        completion_rule="quiz_passed",
        body=[
            f.quiz(
                [
                    f.single_choice(
                        "Quel logiciel de géométrie dynamique est libre ?",
                        [
                            f.choice("GeoGebra", correct=True, feedback="Oui, sous licence libre."),
                            f.choice(
                                "Un tableur", feedback="Non, ce n'est pas un logiciel de géométrie."
                            ),
                        ],
                    ),
                    f.multiple_choice(
                        "Quels outils servent à tracer une figure ?",
                        [
                            f.choice("Compas", correct=True),
                            f.choice("Règle", correct=True),
                            f.choice("Rapporteur de stage"),
                        ],
                    ),
                    f.short_answer("Quelle est la capitale de la France ?", ["Paris"]),
                ],
                pass_mark=70,
                max_attempts=2,
            )
        ],
    )


def quiz_ids(step):
    """(quiz block id, [(question id, [choice ids])…]) of the first quiz of a step."""
    child = next(c for c in step.body if c.block_type == "quiz")
    questions = []
    for question in child.value["questions"]:
        choices = (
            [c.id for c in question.value["choices"].bound_blocks]
            if "choices" in question.value
            else []
        )
        questions.append((question.id, choices))
    return child.id, questions
