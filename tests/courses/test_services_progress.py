"""The progress engine: StepProgress and module completion derived from stored statements."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses import services
from courses.models import EnrolmentStatus, StepProgress, StepProgressStatus
from lrs import api
from tests.campus.factories import UserFactory
from tests.courses import factories as f
from tests.courses.learning_helpers import (
    ATTENDED,
    COMPLETED,
    EXPERIENCED,
    FAILED,
    PASSED,
    REVIEWED,
    course,
    statements_of,
    step_statement,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(django_capture_on_commit_callbacks):
    """Record statements in process and run what waits for the commit (the progress hook)."""

    def record(*statements):
        with django_capture_on_commit_callbacks(execute=True):
            return api.record_many(list(statements))

    return record


def _progress(enrolment):
    return {
        p.step_id: (p.status, p.score) for p in StepProgress.objects.filter(enrolment=enrolment)
    }


def test_services_progress_step_view_completes_viewed_step(
    learner, module, django_capture_on_commit_callbacks
):
    """Viewing a step whose rule is "viewed" completes it once the statement is stored."""
    read, *_ = course(module)
    enrolment = f.enrolment(user=learner, module=module)

    with django_capture_on_commit_callbacks(execute=True):
        services.step_view(actor=learner, enrolment=enrolment, step=read)

    progress = StepProgress.objects.get(enrolment=enrolment, step=read)
    assert progress.status == StepProgressStatus.COMPLETED
    assert progress.completed_at is not None


def test_services_progress_experienced_only_starts_quiz_step(learner, module, record):
    """Reading a quiz step starts it; only passing its quiz completes it."""
    _read, quiz, *_ = course(module)
    enrolment = f.enrolment(user=learner, module=module)

    record(step_statement(enrolment, quiz, EXPERIENCED))

    assert _progress(enrolment) == {quiz.pk: (StepProgressStatus.STARTED, None)}


def test_services_progress_quiz_keeps_best_score(learner, module, record):
    """Failed starts the quiz step, passed completes it, and the best scaled score is kept."""
    _read, quiz, *_ = course(module)
    enrolment = f.enrolment(user=learner, module=module)
    score = {"scaled": 0.5, "raw": 1, "min": 0, "max": 2}

    record(step_statement(enrolment, quiz, FAILED, result={"score": score}))
    assert _progress(enrolment) == {quiz.pk: (StepProgressStatus.STARTED, 0.5)}

    record(step_statement(enrolment, quiz, PASSED, result={"score": {"scaled": 0.9}}))
    record(step_statement(enrolment, quiz, FAILED, result={"score": {"scaled": 0.1}}))
    assert _progress(enrolment) == {quiz.pk: (StepProgressStatus.COMPLETED, 0.9)}


def test_services_progress_attended_completes_session_step(learner, module, record):
    """`attended` completes an in-person session step."""
    *_, session = course(module)
    enrolment = f.enrolment(user=learner, module=module)

    record(step_statement(enrolment, session, ATTENDED))

    assert _progress(enrolment)[session.pk][0] == StepProgressStatus.COMPLETED


def test_services_progress_review_accepts_or_returns_assignment(learner, trainer, module, record):
    """A trainer's `reviewed` with success completes an assignment step; without, it starts it."""
    assignment = f.step_page(module=module, completion_rule="assignment_accepted")
    enrolment = f.enrolment(user=learner, module=module)
    karim = {"objectType": "Agent", "mbox": f"mailto:{trainer.email}"}

    record(step_statement(enrolment, assignment, REVIEWED, actor=karim, result={"success": False}))
    assert _progress(enrolment)[assignment.pk][0] == StepProgressStatus.STARTED

    record(step_statement(enrolment, assignment, REVIEWED, actor=karim, result={"success": True}))
    assert _progress(enrolment)[assignment.pk][0] == StepProgressStatus.COMPLETED


def test_services_progress_ignores_step_of_another_module(learner, module, catalogue, record):
    """A statement with the registration about another module's step changes nothing."""
    enrolment = f.enrolment(user=learner, module=module)
    foreign = f.step_page(module=f.module_page(catalogue=catalogue))

    record(step_statement(enrolment, foreign, EXPERIENCED))

    assert _progress(enrolment) == {}


def test_services_progress_ignores_unknown_registration(learner, module, record):
    """A registration that is no enrolment's is somebody else's business."""
    read, *_ = course(module)
    enrolment = f.enrolment(user=learner, module=module)
    enrolment.registration = uuid.uuid4()  # Not saved: a registration Campus does not know.

    record(step_statement(enrolment, read, EXPERIENCED))

    assert not StepProgress.objects.exists()


def test_services_progress_completes_module_exactly_once(learner, module, record):
    """The last required step completes the enrolment and records `completed` on it once."""
    read, quiz, _optional, session = course(module)
    enrolment = services.enrolment_create(actor=learner, module=module)

    march_1st = "2026-03-01T09:00:00Z"
    record(
        step_statement(enrolment, read, EXPERIENCED, timestamp=march_1st),
        step_statement(
            enrolment, quiz, PASSED, result={"score": {"scaled": 1}}, timestamp=march_1st
        ),
    )
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.ACTIVE  # The session is still to attend.

    record(step_statement(enrolment, session, ATTENDED, timestamp="2026-03-02T10:00:00Z"))
    record(step_statement(enrolment, session, ATTENDED), step_statement(enrolment, read, COMPLETED))

    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.COMPLETED
    assert enrolment.completed_at.isoformat() == "2026-03-02T10:00:00+00:00"
    completed = [
        s for s in statements_of(enrolment, COMPLETED) if s["object"]["id"] == module.activity_iri
    ]
    assert len(completed) == 1
    assert completed[0]["result"]["completion"] is True
    assert completed[0]["context"]["registration"] == str(enrolment.registration)


def test_services_progress_withdrawn_enrolment_is_not_completed(learner, module, record):
    """Progress of a withdrawn enrolment is kept, but it is not completed behind its back."""
    (read,) = [f.step_page(module=module)]
    enrolment = f.enrolment(user=learner, module=module, status=EnrolmentStatus.WITHDRAWN)

    record(step_statement(enrolment, read, EXPERIENCED))

    enrolment.refresh_from_db()
    assert _progress(enrolment)[read.pk][0] == StepProgressStatus.COMPLETED
    assert enrolment.status == EnrolmentStatus.WITHDRAWN


def test_services_progress_voiding_undoes_completion_of_step(learner, module, record):
    """Voiding the statement that completed a step takes the completion back."""
    read, quiz, *_ = course(module)
    enrolment = f.enrolment(user=learner, module=module)
    [viewed] = record(step_statement(enrolment, read, EXPERIENCED))
    record(step_statement(enrolment, quiz, FAILED))

    record(
        {
            "actor": {"objectType": "Agent", "mbox": f"mailto:{learner.email}"},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/voided", "display": {"en-US": "voided"}},
            "object": {"objectType": "StatementRef", "id": viewed},
        }
    )

    assert _progress(enrolment) == {quiz.pk: (StepProgressStatus.STARTED, None)}


def _batch_queries(record, enrolments, step) -> int:
    with CaptureQueriesContext(connection) as queries:
        record(*(step_statement(e, step, EXPERIENCED) for e in enrolments))
    return len(queries)


def test_services_progress_batch_costs_fixed_queries(module, record):
    """A batch for ten learners costs the queries of a batch for one."""
    read, *_ = course(module)
    enrolments = [f.enrolment(user=UserFactory(), module=module) for _ in range(11)]

    one = _batch_queries(record, enrolments[:1], read)
    ten = _batch_queries(record, enrolments[1:], read)

    assert ten == one
    assert StepProgress.objects.filter(step=read, status="completed").count() == 11
