"""Builders of the assessment tests: cohorts and their learners, assignment steps, sessions.

Cohorts run from a month ago to two months ahead; a session starts an hour ago unless told
otherwise, so its attendance can be taken. Submissions' files go to a temporary private
storage (:func:`use_temporary_private_storage`), never to the project's ``private/`` folder.
"""

from __future__ import annotations

import datetime as dt

from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from courses import services_assessment
from courses.models import (
    AssignmentSubmission,
    Cohort,
    CohortSession,
    CompletionRule,
    Enrolment,
    EnrolmentStatus,
    ModulePage,
    StepPage,
)
from tests.courses import factories as f


def use_temporary_private_storage(monkeypatch, path) -> FileSystemStorage:
    """Point the submissions' file field at a storage in ``path`` for one test."""
    storage = FileSystemStorage(location=path)
    monkeypatch.setattr(AssignmentSubmission._meta.get_field("file"), "storage", storage)
    return storage


def cohort(*, module: ModulePage, trainers=(), name: str = "Cohorte de Lyon", **fields) -> Cohort:
    """A cohort of the module, run by ``trainers``, from a month ago to two months ahead."""
    today = timezone.localdate()
    fields.setdefault("starts_on", today - dt.timedelta(days=30))
    fields.setdefault("ends_on", today + dt.timedelta(days=60))
    group = Cohort.objects.create(module=module, name=name, **fields)
    group.trainers.set(trainers)
    return group


def member(*, user, cohort: Cohort, status: str = EnrolmentStatus.ACTIVE) -> Enrolment:
    """The user enrolled in the cohort's module, as a learner of the cohort."""
    return Enrolment.objects.create(user=user, module=cohort.module, cohort=cohort, status=status)


def assignment(
    *, title: str = "Analyse d'une séance", expects_text: bool = True, expects_file: bool = False
):
    """An assignment block, as a (type, value) stream item."""
    value = {
        "title": title,
        "instructions": "<p>Décrivez une séance menée avec GeoGebra.</p>",
        "expects_text": expects_text,
        "expects_file": expects_file,
    }
    return ("assignment", value)


def assignment_step(module: ModulePage, **block) -> StepPage:
    """A step completed when its assignment is accepted, with a paragraph and a session first."""
    return f.step_page(
        module=module,
        title="Production : analyse de séance",
        completion_rule=CompletionRule.ASSIGNMENT_ACCEPTED,
        body=[("paragraph", "<p>À vous.</p>"), f.session(), assignment(**block)],
    )


def block_id(step: StepPage, block_type: str = "assignment") -> str:
    """The id of the first block of this type in the step's body."""
    return next(child.id for child in step.body if child.block_type == block_type)


def hand_in(
    enrolment: Enrolment,
    step: StepPage,
    *,
    actor=None,
    block: str | None = None,
    days_ago: int = 0,
    **work,
) -> AssignmentSubmission:
    """Work handed in through the service by the enrolment's learner (or ``actor``).

    ``work`` is the ``text`` and ``file`` handed in; ``block`` is the id of the assignment
    block (the step's first by default); ``days_ago`` moves the hand-in date back.
    """
    submission = services_assessment.submission_submit(
        actor=actor or enrolment.user,
        enrolment=enrolment,
        step=step,
        block_id=block or block_id(step),
        **work,
    )
    if days_ago:
        submission.submitted_at = timezone.now() - dt.timedelta(days=days_ago)
        AssignmentSubmission.objects.filter(pk=submission.pk).update(
            submitted_at=submission.submitted_at
        )
    return submission


def session(
    *, cohort: Cohort, step: StepPage | None = None, starts_at: dt.datetime | None = None, **fields
) -> CohortSession:
    """A session of the cohort, begun an hour ago unless told otherwise."""
    fields.setdefault("title", "Regroupement à l'INSPE")
    fields.setdefault("place", "INSPE de Lyon, site de la Croix-Rousse")
    return CohortSession.objects.create(
        cohort=cohort,
        step=step,
        starts_at=starts_at or timezone.now() - dt.timedelta(hours=1),
        **fields,
    )


def upload(name: str = "analyse.pdf", content: bytes = b"%PDF-1.4 analyse") -> SimpleUploadedFile:
    """A file as a browser uploads it."""
    return SimpleUploadedFile(name, content)
