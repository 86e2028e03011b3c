"""manage.py rebuild_progress: StepProgress and completion rebuilt from the LRS."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from courses.models import EnrolmentStatus, StepProgress
from lrs import api
from tests.courses import factories as f
from tests.courses.learning_helpers import (
    ATTENDED,
    COMPLETED,
    EXPERIENCED,
    FAILED,
    PASSED,
    course,
    statements_of,
    step_statement,
)

pytestmark = pytest.mark.django_db


def _table():
    return sorted(
        StepProgress.objects.values_list(
            "enrolment_id", "step_id", "status", "score", "completed_at"
        )
    )


def _learn(enrolment, steps, *, capture=None):
    read, quiz, optional, _session = steps
    statements = [
        step_statement(enrolment, read, EXPERIENCED),
        step_statement(enrolment, quiz, FAILED, result={"score": {"scaled": 0.4}}),
        step_statement(enrolment, quiz, PASSED, result={"score": {"scaled": 0.8}}),
        step_statement(enrolment, optional, EXPERIENCED),
    ]
    if capture is None:
        return api.record_many(statements)
    with capture(execute=True):
        return api.record_many(statements)


def test_commands_rebuild_progress_reproduces_the_table(
    learner, trainer, module, django_capture_on_commit_callbacks
):
    """Deleted, the progress table comes back identical from the statements."""
    steps = course(module)
    for user in (learner, trainer):
        _learn(
            f.enrolment(user=user, module=module), steps, capture=django_capture_on_commit_callbacks
        )
    before = _table()
    assert len(before) == 6
    StepProgress.objects.all().delete()

    call_command("rebuild_progress")

    assert _table() == before


def test_commands_rebuild_progress_is_idempotent(
    learner, module, django_capture_on_commit_callbacks
):
    """Running it twice changes nothing."""
    _learn(
        f.enrolment(user=learner, module=module),
        course(module),
        capture=django_capture_on_commit_callbacks,
    )

    call_command("rebuild_progress")
    once = _table()
    call_command("rebuild_progress")

    assert _table() == once


def test_commands_rebuild_progress_completes_missed_enrolments(learner, module):
    """Statements stored while nobody listened complete the enrolment, recording it once."""
    steps = course(module)
    enrolment = f.enrolment(user=learner, module=module)
    _learn(enrolment, steps)  # No commit in this test: the progress hook never ran.
    api.record(step_statement(enrolment, steps[3], ATTENDED))
    assert not StepProgress.objects.exists()

    call_command("rebuild_progress")
    call_command("rebuild_progress")

    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.COMPLETED
    on_module = [
        s for s in statements_of(enrolment, COMPLETED) if s["object"]["id"] == module.activity_iri
    ]
    assert len(on_module) == 1


def test_commands_rebuild_progress_for_one_module(learner, module, catalogue):
    """With --module, only that module's enrolments are rebuilt."""
    other = f.module_page(catalogue=catalogue)
    kept = f.step_page(module=other)
    other_enrolment = f.enrolment(user=learner, module=other)
    stale = StepProgress.objects.create(enrolment=other_enrolment, step=kept, status="completed")
    enrolment = f.enrolment(user=learner, module=module)
    _learn(enrolment, course(module))

    call_command("rebuild_progress", module=module.pk)

    assert StepProgress.objects.filter(enrolment=enrolment).count() == 3
    assert StepProgress.objects.filter(pk=stale.pk).exists()


def test_commands_rebuild_progress_refuses_unknown_module(db):
    """An unknown module id is an error, not a silent no-op."""
    with pytest.raises(CommandError, match="No module"):
        call_command("rebuild_progress", module=999_999)
