"""Reads of assessment: submissions to review, attendance sheets, a learner's sessions.

Permission-aware: a trainer reaches a submission only when they are among the cohort's
trainers, and a learner only their own submissions; anything else is a 404
(:class:`~django.http.Http404`), so that nobody learns what exists beyond their reach. The
cohorts and sessions a trainer may act on are read through :mod:`courses.selectors_cohorts`
(:func:`~courses.selectors_cohorts.cohort_for_trainer`,
:func:`~courses.selectors_cohorts.session_for_trainer`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from courses.models import (
    AssignmentSubmission,
    Attendance,
    Cohort,
    CohortSession,
    Enrolment,
    ModulePage,
    StepPage,
    SubmissionStatus,
)
from courses.services import FOLLOWING

if TYPE_CHECKING:
    from campus.models import User


# --- Learner side ----------------------------------------------------------------------------


def following_enrolment(user: User, step: StepPage) -> Enrolment | None:
    """The user's enrolment following the module of ``step`` (active or completed): one query."""
    if not user.is_authenticated:
        return None
    enrolment = (
        Enrolment.objects.select_related("module")
        .filter(user=user, module__path=step.path[: -step.steplen], status__in=FOLLOWING)
        .first()
    )
    if enrolment is not None:
        enrolment.user = user
    return enrolment


def learner_submission(
    enrolment: Enrolment, step: StepPage, block_id: str
) -> AssignmentSubmission | None:
    """The enrolment's submission for one assignment block of a step, or None: one query."""
    return (
        AssignmentSubmission.objects.select_related("reviewed_by")
        .filter(enrolment=enrolment, step=step, block_id=block_id)
        .first()
    )


def cohort_session_for_step(user: User, step: StepPage) -> CohortSession | None:
    """The first session of the user's cohort that this step announces, or None: one query.

    The cohort is the one of the user's enrolment following the step's module.
    """
    if not user.is_authenticated:
        return None
    return (
        CohortSession.objects.filter(
            step=step,
            cohort__enrolments__user=user,
            cohort__enrolments__status__in=FOLLOWING,
            cohort__enrolments__module__path=step.path[: -step.steplen],
        )
        .order_by("starts_at", "pk")
        .first()
    )


_LONGEST_SESSION = dt.timedelta(days=7)


@dataclass(frozen=True)
class UpcomingSession:
    """A meeting of the learner's cohort ahead of them."""

    title: str
    starts_at: dt.datetime
    duration_minutes: int
    module: ModulePage
    place: str = ""
    address: str = ""
    virtual_class_url: str = ""
    step: StepPage | None = None
    cohort: Cohort | None = None

    @property
    def ends_at(self) -> dt.datetime:
        """When the session ends."""
        return self.starts_at + dt.timedelta(minutes=self.duration_minutes)


def upcoming_sessions_for_learner(
    user: User,
    *,
    enrolments: Iterable[Enrolment] | None = None,
    now: dt.datetime | None = None,
) -> list[UpcomingSession]:
    """The sessions of the user's cohorts that have not ended yet, soonest first.

    Only the modules the user follows (active or completed) count. ``enrolments`` may be the
    user's enrolments already read (with their modules), as "Ma formation" has them: then one
    query, and none at all when none of them is in a cohort; else one more to read them.
    """
    now = now or timezone.now()
    if enrolments is None:
        enrolments = Enrolment.objects.filter(user=user, status__in=FOLLOWING)
    cohorts = {e.cohort_id for e in enrolments if e.cohort_id and e.status in FOLLOWING}
    if not cohorts:
        return []
    # Narrow in SQL by the start (no session lasts a week), then compare the ends exactly.
    sessions = (
        CohortSession.objects.filter(cohort_id__in=cohorts, starts_at__gte=now - _LONGEST_SESSION)
        .select_related("cohort__module", "step")
        .defer("step__body")
    )
    upcoming = [
        UpcomingSession(
            title=s.title,
            starts_at=s.starts_at,
            duration_minutes=s.duration_minutes,
            module=s.cohort.module,
            place=s.place,
            address=s.address,
            virtual_class_url=s.virtual_class_url,
            step=s.step,
            cohort=s.cohort,
        )
        for s in sessions
    ]
    return sorted((s for s in upcoming if s.ends_at > now), key=lambda s: (s.starts_at, s.title))


def submission_for_download(user: User, pk: int) -> AssignmentSubmission:
    """Submission ``pk`` if ``user`` handed it in or trains the learner's cohort; else 404."""
    if not user.is_authenticated:
        raise Http404("No such submission.")
    submission = (
        AssignmentSubmission.objects.filter(pk=pk)
        .filter(Q(enrolment__user=user) | Q(enrolment__cohort__trainers=user))
        .select_related("enrolment")
        .distinct()
        .first()
    )
    if submission is None:
        raise Http404("No such submission.")
    return submission


# --- Trainer side ----------------------------------------------------------------------------


def trainer_submission(user: User, pk: int) -> AssignmentSubmission:
    """Submission ``pk`` if ``user`` trains the learner's cohort; else 404: one query."""
    try:
        return AssignmentSubmission.objects.select_related(
            "enrolment__user", "enrolment__module", "enrolment__cohort", "step", "reviewed_by"
        ).get(pk=pk, enrolment__cohort__trainers=user)
    except AssignmentSubmission.DoesNotExist:
        raise Http404("No such submission.") from None


def cohort_submissions(
    cohort: Cohort, *, status: str | None = None
) -> QuerySet[AssignmentSubmission]:
    """The submissions of the cohort's learners: awaiting review first, then oldest first.

    ``status`` keeps one :class:`~courses.models.SubmissionStatus`. The learner, the step and
    the reviewer come with each row (one query for the whole list).
    """
    rows = AssignmentSubmission.objects.filter(enrolment__cohort=cohort).select_related(
        "enrolment__user", "step", "reviewed_by"
    )
    if status:
        rows = rows.filter(status=status)
    awaiting_first = Case(
        When(status=SubmissionStatus.SUBMITTED, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return rows.order_by(awaiting_first, "submitted_at", "pk")


@dataclass(frozen=True)
class AttendanceLine:
    """One learner of an attendance sheet and what was recorded for them (None: nothing yet)."""

    enrolment: Enrolment
    status: str | None


def attendance_sheet(session: CohortSession) -> list[AttendanceLine]:
    """The cohort's following learners, by name, with their recorded attendance: two queries."""
    enrolments = (
        Enrolment.objects.filter(cohort_id=session.cohort_id, status__in=FOLLOWING)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "pk")
    )
    recorded = dict(
        Attendance.objects.filter(session=session).values_list("enrolment_id", "status")
    )
    return [AttendanceLine(enrolment=e, status=recorded.get(e.pk)) for e in enrolments]
