"""Assignments: handing in (guards, files, statements) and a trainer's review (progress, email)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from courses import services_assessment as services
from courses.models import (
    AssignmentSubmission,
    EnrolmentStatus,
    StepProgress,
    StepProgressStatus,
    SubmissionStatus,
)
from courses.services import EnrolmentError
from lrs.models import Statement
from tests.campus.factories import UserFactory
from tests.courses import assessment_helpers as h
from tests.courses import factories as f
from tests.courses.learning_helpers import REVIEWED, parents

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_storage")]

SUBMIT = "http://activitystrea.ms/schema/1.0/submit"


@pytest.fixture
def step(module):
    """A step whose assignment expects a text and a file."""
    return h.assignment_step(module, expects_text=True, expects_file=True)


def _submit(learner, enrolment, step, *, text="Ma séance", file=None, block_id=None):
    return h.hand_in(enrolment, step, actor=learner, block=block_id, text=text, file=file)


def _progress(enrolment, step):
    row = StepProgress.objects.filter(enrolment=enrolment, step=step).first()
    return row.status if row else None


# --- Handing in ------------------------------------------------------------------------------


def test_services_assignment_submit_stores_work_and_submitted_statement(
    learner, enrolment, step, module
):
    """Handing in stores the text and file and records "submitted" on the assignment activity."""
    submission = _submit(learner, enrolment, step, file=h.upload())

    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SUBMITTED
    assert submission.text == "Ma séance"
    assert submission.file.read() == b"%PDF-1.4 analyse"
    assert submission.file.name.endswith("/analyse.pdf")
    [statement] = Statement.objects.filter(registration=enrolment.registration, verb_id=SUBMIT)
    block_id = h.block_id(step)
    assert statement.object_activity_id == f"{step.activity_iri}/assignment/{block_id}"
    assert statement.payload["actor"]["mbox"] == f"mailto:{learner.email}"
    assert parents(statement.payload) == [step.activity_iri, module.activity_iri]
    enrolment.refresh_from_db()
    assert enrolment.last_activity_at is not None


@pytest.mark.parametrize("status", [EnrolmentStatus.PENDING, EnrolmentStatus.WITHDRAWN])
def test_services_assignment_submit_refuses_learner_not_following(learner, cohort, step, status):
    """A pending or withdrawn learner cannot hand in, and nothing is stored."""
    enrolment = h.member(user=learner, cohort=cohort, status=status)

    with pytest.raises(EnrolmentError):
        _submit(learner, enrolment, step, file=h.upload())

    assert not AssignmentSubmission.objects.exists()


def test_services_assignment_submit_refuses_somebody_elses_enrolment(enrolment, step):
    """Nobody hands in work on another learner's enrolment."""
    with pytest.raises(EnrolmentError):
        _submit(UserFactory(), enrolment, step, file=h.upload())


def test_services_assignment_submit_refuses_step_of_another_module(learner, enrolment, catalogue):
    """An assignment of another module's step is refused."""
    foreign = h.assignment_step(f.module_page(catalogue=catalogue))

    with pytest.raises(EnrolmentError):
        _submit(learner, enrolment, foreign)


@pytest.mark.parametrize("block", ["no-such-block", "session"])
def test_services_assignment_submit_refuses_unknown_or_other_block(learner, enrolment, step, block):
    """An unknown block id, or the id of a block that is not an assignment, is not found."""
    block_id = h.block_id(step, "session") if block == "session" else block

    with pytest.raises(services.AssignmentNotFound):
        _submit(learner, enrolment, step, file=h.upload(), block_id=block_id)


def test_services_assignment_submit_requires_what_the_block_expects(learner, enrolment, step):
    """A block expecting a text and a file refuses work without either."""
    with pytest.raises(services.AssessmentError, match="attend un fichier"):
        _submit(learner, enrolment, step, text="Ma séance")
    with pytest.raises(services.AssessmentError, match="sous forme de texte"):
        _submit(learner, enrolment, step, text="  ", file=h.upload())
    assert not AssignmentSubmission.objects.exists()


def test_services_assignment_submit_refuses_file_type(learner, enrolment, step):
    """A file whose extension is not accepted is refused, naming the accepted types."""
    with pytest.raises(services.AssessmentError, match="pdf, odt"):
        _submit(learner, enrolment, step, file=h.upload("script.exe", b"MZ"))


def test_services_assignment_submit_refuses_file_too_large(learner, enrolment, step, settings):
    """A file over COURSES_SUBMISSION_MAX_BYTES is refused."""
    settings.COURSES_SUBMISSION_MAX_BYTES = 10

    with pytest.raises(services.AssessmentError, match="trop volumineux"):
        _submit(learner, enrolment, step, file=h.upload(content=b"x" * 11))
    _submit(learner, enrolment, step, file=h.upload(content=b"x" * 10))


def test_services_assignment_submit_again_while_awaiting_review_replaces_work(
    learner, enrolment, step, private_storage, django_capture_on_commit_callbacks
):
    """Handing in again before review replaces text and file (the old file is deleted)."""
    first = _submit(learner, enrolment, step, file=h.upload("v1.pdf"))
    old_name = first.file.name

    with django_capture_on_commit_callbacks(execute=True):
        second = _submit(learner, enrolment, step, text="Version 2", file=h.upload("v2.odt"))

    assert second.pk == first.pk
    second.refresh_from_db()
    assert (second.text, second.status) == ("Version 2", SubmissionStatus.SUBMITTED)
    assert second.file.name.endswith("/v2.odt")
    assert not private_storage.exists(old_name)
    assert AssignmentSubmission.objects.count() == 1


def test_services_assignment_submit_again_after_return_keeps_file(
    learner, trainer, enrolment, step
):
    """After a return the learner may rework the text only: the file handed in is kept."""
    submission = _submit(learner, enrolment, step, file=h.upload())
    services.submission_review(
        actor=trainer, submission=submission, accept=False, feedback="Précisez."
    )

    again = _submit(learner, enrolment, step, text="Précisé")

    again.refresh_from_db()
    assert again.status == SubmissionStatus.SUBMITTED
    assert again.text == "Précisé"
    assert again.file.name == submission.file.name


def test_services_assignment_submit_refused_once_accepted(learner, trainer, enrolment, step):
    """An accepted assignment can no longer be changed."""
    submission = _submit(learner, enrolment, step, file=h.upload())
    services.submission_review(actor=trainer, submission=submission, accept=True)

    with pytest.raises(services.AssessmentError, match="a été accepté"):
        _submit(learner, enrolment, step, text="Autre", file=h.upload())

    submission.refresh_from_db()
    assert submission.text == "Ma séance"


# --- Review ----------------------------------------------------------------------------------


def test_services_assignment_accept_completes_step_and_emails_learner(
    learner, trainer, enrolment, step, module, django_capture_on_commit_callbacks
):
    """Accepting records "reviewed" (success) by the trainer on the step, completing it."""
    submission = _submit(learner, enrolment, step, file=h.upload())

    with django_capture_on_commit_callbacks(execute=True):
        services.submission_review(
            actor=trainer, submission=submission, accept=True, feedback="Très clair."
        )

    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.ACCEPTED
    assert (submission.reviewed_by, submission.feedback) == (trainer, "Très clair.")
    [reviewed] = Statement.objects.filter(registration=enrolment.registration, verb_id=REVIEWED)
    assert reviewed.object_activity_id == step.activity_iri
    assert reviewed.payload["actor"]["mbox"] == f"mailto:{trainer.email}"
    assert reviewed.payload["result"]["success"] is True
    assert parents(reviewed.payload) == [module.activity_iri]
    assert _progress(enrolment, step) == StepProgressStatus.COMPLETED
    [email] = mail.outbox
    assert email.to == [learner.email]
    assert "Très clair." in email.body
    assert step.url in email.body


def test_services_assignment_return_does_not_complete_step(
    learner, trainer, enrolment, step, django_capture_on_commit_callbacks
):
    """Returning records "reviewed" without success: the step stays started until accepted."""
    submission = _submit(learner, enrolment, step, file=h.upload())

    with django_capture_on_commit_callbacks(execute=True):
        services.submission_review(
            actor=trainer, submission=submission, accept=False, feedback="Ajoutez un bilan."
        )

    assert _progress(enrolment, step) == StepProgressStatus.STARTED
    reviewed = Statement.objects.get(registration=enrolment.registration, verb_id=REVIEWED)
    assert reviewed.payload["result"]["success"] is False
    assert "Ajoutez un bilan." in mail.outbox[0].body

    with django_capture_on_commit_callbacks(execute=True):
        again = _submit(learner, enrolment, step, text="Avec bilan")
        services.submission_review(actor=trainer, submission=again, accept=True)
    assert _progress(enrolment, step) == StepProgressStatus.COMPLETED


def test_services_assignment_return_requires_feedback(learner, trainer, enrolment, step):
    """A return without feedback is refused and the submission stays awaiting review."""
    submission = _submit(learner, enrolment, step, file=h.upload())

    with pytest.raises(services.AssessmentError, match="à reprendre"):
        services.submission_review(actor=trainer, submission=submission, accept=False)

    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SUBMITTED


def test_services_assignment_review_only_by_the_cohorts_trainers(
    learner, trainer, enrolment, step, module
):
    """A trainer of another cohort, or the learner, may not review; the cohort's trainer may."""
    submission = _submit(learner, enrolment, step, file=h.upload())
    other = UserFactory()
    h.cohort(module=module, trainers=[other], name="Autre cohorte")

    for intruder in (other, learner):
        with pytest.raises(PermissionDenied):
            services.submission_review(actor=intruder, submission=submission, accept=True)
    assert not Statement.objects.filter(verb_id=REVIEWED).exists()

    services.submission_review(actor=trainer, submission=submission, accept=True)
    assert Statement.objects.filter(verb_id=REVIEWED).count() == 1


def test_services_assignment_review_refused_without_cohort(learner, trainer, module, step):
    """Work of a learner in no cohort has no reviewer."""
    enrolment = f.enrolment(user=learner, module=module)
    submission = _submit(learner, enrolment, step, file=h.upload())

    with pytest.raises(PermissionDenied):
        services.submission_review(actor=trainer, submission=submission, accept=True)


def test_services_assignment_review_refused_twice(learner, trainer, enrolment, step):
    """A submission already reviewed cannot be reviewed again before it is handed in again."""
    submission = _submit(learner, enrolment, step, file=h.upload())
    services.submission_review(actor=trainer, submission=submission, accept=False, feedback="Non")

    with pytest.raises(services.AssessmentError, match="déjà été évalué"):
        services.submission_review(actor=trainer, submission=submission, accept=True)
