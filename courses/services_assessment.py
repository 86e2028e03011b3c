"""Writes of assessment: assignments handed in and reviewed, attendance at cohort sessions.

Each write records its xAPI statement through :mod:`lrs.api` with the enrolment's registration
and the module as parent (see :func:`courses.services._statement`), so that
:mod:`courses.progress`, which folds statements whose object is a step, completes steps from
them:

* handing in (``submission_submit``) records ``submitted`` by the learner on the assignment
  activity ``{step IRI}/assignment/{block id}`` — its object is not the step, so it never
  completes it;
* reviewing (``submission_review``) records ``reviewed`` by the trainer on the **step**, with
  ``result.success`` (accepted or returned) and the assignment as grouping: the statement a
  step whose rule is "assignment accepted" completes on. Its actor is the trainer (the one who
  reviewed); the registration alone says whose work it is, which is how the progress engine
  reads it (``_NOT_THE_LEARNERS``: a review does not make the learner active);
* the attendance sheet (``attendance_record``) records ``attended`` by the learner on the
  session's step (the trainer as ``context.instructor``, the meeting as grouping) — or on the
  meeting itself when the session announces no step of the module — and voids it when the
  trainer corrects "present"; the progress engine rebuilds the enrolment's progress when one
  of its statements is voided.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING

import tincan
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from campus.tasks import send_email
from courses.models import (
    AssignmentSubmission,
    Attendance,
    AttendanceStatus,
    CohortSession,
    Enrolment,
    StepPage,
    SubmissionStatus,
    activity_iri,
)
from courses.services import (
    FOLLOWING,
    _following,
    _statement,
    _touch,
    learner_agent,
    module_activity,
    step_activity,
)
from lrs import api
from lrs.xapi.verbs import VOIDED_VERB_ID

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from campus.models import User

# --- Vocabulary ------------------------------------------------------------------------------
# Activity Streams 1.0 "submit": "the actor has submitted the object" — the registry's verb
# for handing work in. Kept here, like REGISTERED in courses.services: only assessment says it.
SUBMITTED = tincan.Verb(
    id="http://activitystrea.ms/schema/1.0/submit",
    display=tincan.LanguageMap({"en-US": "submitted", "fr-FR": "a remis"}),
)
# xAPI 1.0.3 Data §2.3.2 Voiding: the reserved verb whose object is the voided statement.
VOIDED = tincan.Verb(
    id=VOIDED_VERB_ID, display=tincan.LanguageMap({"en-US": "voided", "fr-FR": "a annulé"})
)
# The xAPI registry's activity type for work handed in to a teacher.
ACTIVITY_ASSIGNMENT = "http://id.tincanapi.com/activitytype/school-assignment"

# What a learner may hand in: office documents, images, plain text and archives.
SUBMISSION_EXTENSIONS = (
    "pdf",
    "odt",
    "docx",
    "doc",
    "odp",
    "pptx",
    "ods",
    "xlsx",
    "png",
    "jpg",
    "jpeg",
    "txt",
    "zip",
)
DEFAULT_SUBMISSION_MAX_BYTES = 20 * 1024 * 1024
SUBMISSION_TEXT_MAX_CHARS = 50_000


def submission_max_bytes() -> int:
    """The largest file a learner may hand in (setting ``COURSES_SUBMISSION_MAX_BYTES``)."""
    return int(getattr(settings, "COURSES_SUBMISSION_MAX_BYTES", DEFAULT_SUBMISSION_MAX_BYTES))


class AssessmentError(Exception):
    """A write the guards refuse; the message is shown to the user as is."""


class AssignmentNotFound(AssessmentError):
    """The step has no assignment block with that id (a 404 for views)."""


# --- Assignment blocks -----------------------------------------------------------------------


def assignment_iri(step: StepPage, block_id: str) -> str:
    """The activity id of an assignment block of a step (as quizzes: ``{step}/quiz/{id}``)."""
    return f"{step.activity_iri}/assignment/{block_id}"


def assignment_block(step: StepPage, block_id: str):
    """The value of the assignment block with this id in the step's body.

    Raises :class:`AssignmentNotFound` for an unknown id or a block of another type.
    """
    for child in step.body:
        if child.id == block_id and child.block_type == "assignment":
            return child.value
    raise AssignmentNotFound(_("This step has no such assignment."))


def assignment_activity(step: StepPage, block_id: str, block) -> tincan.Activity:
    """The assignment as an xAPI Activity, named after its title."""
    return api.activity_for(
        assignment_iri(step, block_id), name=block["title"], activity_type=ACTIVITY_ASSIGNMENT
    )


def submission_file_error(file: UploadedFile) -> str | None:
    """Why a file may not be handed in (extension, size), or None when it may."""
    extension = posixpath.splitext(file.name or "")[1].lower().lstrip(".")
    if extension not in SUBMISSION_EXTENSIONS:
        return _("Files of this type are not accepted. Accepted types: %(types)s.") % {
            "types": ", ".join(SUBMISSION_EXTENSIONS)
        }
    limit = submission_max_bytes()
    if file.size is not None and file.size > limit:
        return _("The file is too large: %(limit)s MB at most.") % {
            "limit": f"{limit / (1024 * 1024):g}"
        }
    return None


# --- Guards ----------------------------------------------------------------------------------


def _can_resubmit(submission: AssignmentSubmission | None) -> str | None:
    """Why the learner may not hand in (again), or None when they may.

    Handing in again replaces the work while it awaits review or after it was returned; an
    accepted assignment is final.
    """
    if submission is not None and submission.status == SubmissionStatus.ACCEPTED:
        return _("Your assignment has been accepted: it can no longer be changed.")
    return None


def _missing_work(block, *, text: str, file, submission: AssignmentSubmission | None) -> str | None:
    """Why the work handed in does not match what the block expects, or None when it does."""
    if block["expects_text"] and not text.strip():
        return _("This assignment expects a text answer.")
    # A returned assignment keeps its file when the learner only reworks the text.
    has_file = bool(file) or bool(submission and submission.file)
    if block["expects_file"] and not has_file:
        return _("This assignment expects a file.")
    if not text.strip() and not file:
        return _("Write an answer or attach a file.")
    return None


def is_cohort_trainer(user: User, enrolment: Enrolment) -> bool:
    """Whether ``user`` trains the cohort of ``enrolment`` (one query; False without cohort)."""
    if enrolment.cohort_id is None or not user.is_authenticated:
        return False
    return enrolment.cohort.trainers.filter(pk=user.pk).exists()


def _can_review(actor: User, submission: AssignmentSubmission) -> None:
    """Refuse a reviewer who does not train the learner's cohort, or a settled submission."""
    if not is_cohort_trainer(actor, submission.enrolment):
        raise PermissionDenied("not a trainer of this learner's cohort")
    if submission.status != SubmissionStatus.SUBMITTED:
        raise AssessmentError(_("This assignment has already been reviewed."))


# --- Handing in ------------------------------------------------------------------------------


@transaction.atomic
def submission_submit(
    *,
    actor: User,
    enrolment: Enrolment,
    step: StepPage,
    block_id: str,
    text: str = "",
    file: UploadedFile | None = None,
) -> AssignmentSubmission:
    """Hand in (or hand in again) the learner's work for an assignment block of a step.

    Creates or updates the one row of (enrolment, step, block), back to "awaiting review"; a
    new file replaces the previous one (which is deleted after commit). Records ``submitted``
    on the assignment activity. Raises :class:`~courses.services.EnrolmentError` when the
    actor does not follow the step's module, :class:`AssignmentNotFound` for an unknown block,
    and :class:`AssessmentError` when the work is missing, the file refused, or the assignment
    already accepted.
    """
    _following(actor, enrolment, step)
    block = assignment_block(step, block_id)
    if len(text) > SUBMISSION_TEXT_MAX_CHARS:
        raise AssessmentError(_("The answer is too long."))
    if file:
        refusal = submission_file_error(file)
        if refusal:
            raise AssessmentError(refusal)
    # The lock serialises a second click on "hand in" and a trainer's review of the same work:
    # the reviewer never accepts a file that is being replaced under them.
    submission = (
        AssignmentSubmission.objects.select_for_update()
        .filter(enrolment=enrolment, step=step, block_id=block_id)
        .first()
    )
    refusal = _can_resubmit(submission) or _missing_work(
        block, text=text, file=file, submission=submission
    )
    if refusal:
        raise AssessmentError(refusal)
    now = timezone.now()
    if submission is None:
        submission = AssignmentSubmission(enrolment=enrolment, step=step, block_id=block_id)
    replaced = submission.file.name if file and submission.file else None
    submission.text = text.strip()
    submission.status = SubmissionStatus.SUBMITTED
    submission.submitted_at = now
    if file:
        submission.file.save(file.name, file, save=False)
    submission.save()
    if replaced:
        storage = submission.file.storage
        # Only once the new row is committed: a rollback must not lose the file it points to.
        transaction.on_commit(lambda: storage.delete(replaced))
    api.record(
        _statement(
            enrolment=enrolment,
            verb=SUBMITTED,
            target=assignment_activity(step, block_id, block),
            parents=[step_activity(step)],
            timestamp=now,
        )
    )
    _touch(enrolment, now)
    return submission


# --- Review ----------------------------------------------------------------------------------


def _absolute(url: str) -> str:
    """A page URL made absolute with ``SITE_URL`` (Wagtail gives a relative one on one site)."""
    return url if url.startswith(("http://", "https://")) else f"{settings.SITE_URL}{url}"


def _notify_learner(submission: AssignmentSubmission, title: str) -> None:
    """Email the learner the review's outcome and the trainer's feedback, with the step's link."""
    learner = submission.enrolment.user
    context = {
        "learner": learner,
        "submission": submission,
        "accepted": submission.status == SubmissionStatus.ACCEPTED,
        "assignment_title": title,
        "module": submission.enrolment.module,
        "step_url": _absolute(submission.step.get_url() or submission.step.url_path),
    }
    if context["accepted"]:
        subject = _("Your assignment « %(title)s » has been accepted") % {"title": title}
    else:
        subject = _("Your assignment « %(title)s » has been returned for rework") % {"title": title}
    body = render_to_string("courses/assessment/email_review.txt", context)
    transaction.on_commit(
        lambda: send_email.enqueue(subject=subject, body=body, recipients=[learner.email])
    )


@transaction.atomic
def submission_review(
    *, actor: User, submission: AssignmentSubmission, accept: bool, feedback: str = ""
) -> AssignmentSubmission:
    """Accept or return a submission awaiting review, as a trainer of the learner's cohort.

    Records ``reviewed`` on the step with ``result.success`` = ``accept`` (the statement that
    completes a step whose rule is "assignment accepted"), and emails the learner after
    commit. Feedback is required to return the work. Raises PermissionDenied when the actor
    does not train the learner's cohort, :class:`AssessmentError` when the submission was
    already reviewed or feedback is missing.
    """
    submission = (
        AssignmentSubmission.objects.select_for_update(of=("self",))
        .select_related("enrolment__user", "enrolment__module", "enrolment__cohort", "step")
        .get(pk=submission.pk)
    )
    _can_review(actor, submission)
    feedback = feedback.strip()
    if not accept and not feedback:
        raise AssessmentError(_("Say what to rework when you return an assignment."))
    step = submission.step
    try:
        block = assignment_block(step, submission.block_id)
        title = block["title"]
    except AssignmentNotFound:
        # The editor removed the block since: the work is still reviewed, under the step's name.
        block, title = None, step.title
    now = timezone.now()
    submission.status = SubmissionStatus.ACCEPTED if accept else SubmissionStatus.RETURNED
    submission.feedback = feedback
    submission.reviewed_by = actor
    submission.reviewed_at = now
    submission.save(update_fields=["status", "feedback", "reviewed_by", "reviewed_at"])

    enrolment = submission.enrolment
    grouping = (
        [assignment_activity(step, submission.block_id, block)]
        if block is not None
        else [api.activity_for(assignment_iri(step, submission.block_id))]
    )
    context = api.context_for(
        registration=enrolment.registration,
        parent=[module_activity(enrolment.module)],
        grouping=grouping,
    )
    result = api.result_for(success=accept, response=feedback[:1000] if feedback else None)
    api.record(
        api.statement_for(
            actor=learner_agent(actor),
            verb=api.REVIEWED,
            target=step_activity(step),
            result=result,
            context=context,
            timestamp=now,
        )
    )
    _notify_learner(submission, title)
    return submission


# --- Attendance ------------------------------------------------------------------------------


def session_activity(session: CohortSession) -> tincan.Activity:
    """The cohort session as an xAPI meeting activity (``…/xapi/activities/session/<pk>``)."""
    return api.activity_for(
        activity_iri("session", session.pk), name=session.title, activity_type=api.ACTIVITY_MEETING
    )


def _session_step(session: CohortSession) -> StepPage | None:
    """The session's step when it is a step of the cohort's module (else None)."""
    step = session.step
    if step is None or step.path[: -step.steplen] != session.cohort.module.path:
        return None
    return step


def _can_take_attendance(actor: User, session: CohortSession) -> None:
    """Refuse anybody but the cohort's trainers, and a sheet for a session not begun yet."""
    if not session.cohort.trainers.filter(pk=actor.pk).exists():
        raise PermissionDenied("not a trainer of this cohort")
    if session.starts_at > timezone.now():
        raise AssessmentError(_("Attendance can be taken once the session has begun."))


def attendance_timestamp(session: CohortSession) -> dt.datetime:
    """When an ``attended`` statement says the learner was there: the session's start."""
    # Never in the future: a sheet corrected later still dates presence from the session.
    return min(session.starts_at, timezone.now())


def _attended(
    *, actor: User, session: CohortSession, enrolment: Enrolment, step: StepPage | None
) -> tincan.Statement:
    """The learner's ``attended`` statement on the session's step (or on the meeting)."""
    meeting = session_activity(session)
    statement = _statement(
        enrolment=enrolment,
        verb=api.ATTENDED,
        target=step_activity(step) if step is not None else meeting,
        timestamp=attendance_timestamp(session),
    )
    context = statement.context
    if step is not None:
        context.context_activities.grouping = [meeting]
    # learner_agent is any user's Agent: here the trainer who took the attendance.
    context.instructor = learner_agent(actor)
    return statement


def _voiding(*, actor: User, statement_id: uuid.UUID) -> tincan.Statement:
    """A statement by ``actor`` voiding ``statement_id`` (xAPI 1.0.3 Data §2.3.2)."""
    return api.statement_for(
        actor=learner_agent(actor),
        verb=VOIDED,
        target=tincan.StatementRef(id=statement_id),
    )


@transaction.atomic
def attendance_record(
    *, actor: User, session: CohortSession, marks: Mapping[int, str]
) -> list[Attendance]:
    """Record a session's attendance sheet: ``marks`` maps enrolment ids to a status.

    Upserts one :class:`~courses.models.Attendance` per learner marked. A learner newly
    "present" gets an ``attended`` statement (its id kept in the row); one who was "present"
    and is now absent or excused has that statement voided, so the progress engine takes the
    step back. Learners not marked keep their line. Raises PermissionDenied for anybody but
    the cohort's trainers, :class:`AssessmentError` for an unknown status, a session not begun,
    or a learner who does not follow the module in this cohort (nothing is recorded then).
    """
    session = CohortSession.objects.select_related("cohort__module", "step").get(pk=session.pk)
    _can_take_attendance(actor, session)
    statuses = set(AttendanceStatus.values)
    unknown = sorted({str(status) for status in marks.values()} - statuses)
    if unknown:
        raise AssessmentError(
            _("Unknown attendance status: %(statuses)s.") % {"statuses": ", ".join(unknown)}
        )
    enrolments = {
        e.pk: e
        for e in Enrolment.objects.select_related("user", "module").filter(
            cohort=session.cohort, status__in=FOLLOWING, pk__in=list(marks)
        )
    }
    strangers = sorted(set(marks) - enrolments.keys())
    if strangers:
        raise AssessmentError(
            _("These learners are not in this cohort: %(ids)s.")
            % {"ids": ", ".join(map(str, strangers))}
        )
    # Locked: two trainers saving the same sheet must not both record "present" for a learner.
    existing = {
        a.enrolment_id: a
        for a in Attendance.objects.select_for_update().filter(
            session=session, enrolment_id__in=list(enrolments)
        )
    }
    step = _session_step(session)
    attended: dict[int, tincan.Statement] = {}
    voidings: list[tincan.Statement] = []
    rows: list[Attendance] = []
    for enrolment_pk, status in marks.items():
        row = existing.get(enrolment_pk) or Attendance(session=session, enrolment_id=enrolment_pk)
        if status == AttendanceStatus.PRESENT and row.statement_id is None:
            attended[enrolment_pk] = _attended(
                actor=actor, session=session, enrolment=enrolments[enrolment_pk], step=step
            )
        elif status != AttendanceStatus.PRESENT and row.statement_id is not None:
            voidings.append(_voiding(actor=actor, statement_id=row.statement_id))
            row.statement_id = None
        row.status = status
        row.recorded_by = actor
        rows.append(row)
    # One batch, atomic with the sheet (a failure stores no statement and writes no row); the
    # attended statements come first so their ids are the first ones returned.
    ids = api.record_many([*attended.values(), *voidings])
    attended_ids = dict(zip(attended, ids, strict=False))
    for row in rows:
        if row.enrolment_id in attended_ids:
            row.statement_id = uuid.UUID(attended_ids[row.enrolment_id])
    Attendance.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["session", "enrolment"],
        update_fields=["status", "statement_id", "recorded_by", "recorded_at"],
    )
    return rows
