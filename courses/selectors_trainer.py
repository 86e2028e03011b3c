"""Reads of the trainer's space ("Mes groupes"): cohorts, their progress grid, quiz results.

A trainer only ever reads the cohorts they run (``cohort.trainers``): the views read a cohort
through :func:`courses.selectors_cohorts.cohort_for_trainer`, which answers 404 for anybody
else's cohort (so that another trainer cannot even tell that it exists), and the selectors here
that take a user start from :func:`courses.selectors_cohorts.trainer_cohorts`.

Query counts are fixed whatever the number of learners and steps (see each docstring): the
grid of a 300 learners x 30 steps cohort reads the steps, the enrolments with their users and
the progress rows (as plain tuples, not model instances) in one query each.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count, F, Func, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from courses.models import (
    Announcement,
    AssignmentSubmission,
    Cohort,
    CohortSession,
    CompletionRule,
    Enrolment,
    EnrolmentStatus,
    Reminder,
    StepPage,
    StepProgress,
    StepProgressStatus,
    SubmissionStatus,
)
from courses.selectors import _STEP_FIELDS
from courses.selectors_cohorts import trainer_cohorts
from lrs import api
from lrs.models import Statement

if TYPE_CHECKING:
    from campus.models import User

# Learners of a cohort are its enrolments that follow the module; pending ones are requests
# to join and withdrawn ones have left, so neither shows in the grid nor gets announcements.
LEARNER_STATUSES = (EnrolmentStatus.ACTIVE, EnrolmentStatus.COMPLETED)
_LEARNER_FIELDS = (
    "id",
    "status",
    "registration",
    "cohort_id",
    "module_id",
    "created",
    "completed_at",
    "last_activity_at",
    "user__id",
    "user__first_name",
    "user__last_name",
    "user__email",
    "user__establishment__id",
    "user__establishment__uai",
)
# A trainer may remind the same learner once per this period.
REMINDER_INTERVAL = dt.timedelta(hours=24)


# --- Figures of a trainer's cohorts ----------------------------------------------------------


def _count(queryset: QuerySet) -> Subquery:
    """A correlated COUNT(*) of ``queryset`` (filtered on OuterRef) as an integer annotation."""
    # COUNT as a plain function, not an aggregate: no GROUP BY, one row per outer cohort.
    counted = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _pending_reviews(cohort_ref: OuterRef) -> Subquery:
    """How many assignments of the cohort's learners await a review."""
    return _count(
        AssignmentSubmission.objects.filter(
            enrolment__cohort=cohort_ref, status=SubmissionStatus.SUBMITTED
        )
    )


@dataclass
class CohortSummary:
    """One line of "Mes groupes": a cohort and its figures."""

    cohort: Cohort
    learners: int
    average_percent: int | None  # None when the cohort has no learner yet.
    pending_reviews: int
    next_session: CohortSession | None


def _percent(enrolment_status: str, done: int, required: int) -> int:
    """A learner's progress in percent, as :attr:`ModuleProgress.percent` computes it."""
    if enrolment_status == EnrolmentStatus.COMPLETED:
        return 100
    return 100 * done // required if required else 0


def cohort_summaries(user: User) -> list[CohortSummary]:
    """The cohorts ``user`` runs with their figures: five queries, whatever their numbers.

    One query for the cohorts (with their module, learner count, pending reviews), one for
    their upcoming sessions, one for the required steps of their modules, one for the
    learners' statuses and one for the completed required steps per learner.
    """
    now = timezone.now()
    cohorts = list(
        trainer_cohorts(user).annotate(
            learner_count=_count(
                Enrolment.objects.filter(cohort=OuterRef("pk"), status__in=LEARNER_STATUSES)
            ),
            pending_review_count=_pending_reviews(OuterRef("pk")),
        )
    )
    if not cohorts:
        return []
    next_sessions: dict[int, CohortSession] = {}
    for session in CohortSession.objects.filter(cohort__in=cohorts, starts_at__gte=now).order_by(
        "-starts_at"
    ):
        next_sessions[session.cohort_id] = session  # The earliest is written last.
    required: dict[str, int] = {}
    for path in (
        StepPage.objects.live()
        .filter(_children_of({c.module.path for c in cohorts}), required=True)
        .values_list("path", flat=True)
    ):
        module_path = path[: -StepPage.steplen]
        required[module_path] = required.get(module_path, 0) + 1
    done = dict(
        StepProgress.objects.filter(
            enrolment__cohort__in=cohorts,
            enrolment__status__in=LEARNER_STATUSES,
            status=StepProgressStatus.COMPLETED,
            step__required=True,
            step__live=True,
        )
        .values("enrolment_id")
        .annotate(n=Count("id"))
        .values_list("enrolment_id", "n")
    )
    percents: dict[int, list[int]] = {}
    learners = Enrolment.objects.filter(cohort__in=cohorts, status__in=LEARNER_STATUSES)
    module_of = {c.pk: c.module.path for c in cohorts}
    for pk, cohort_id, status in learners.values_list("pk", "cohort_id", "status"):
        percent = _percent(status, done.get(pk, 0), required.get(module_of[cohort_id], 0))
        percents.setdefault(cohort_id, []).append(percent)
    return [
        CohortSummary(
            cohort=cohort,
            learners=cohort.learner_count,
            average_percent=_average(percents.get(cohort.pk, [])),
            pending_reviews=cohort.pending_review_count,
            next_session=next_sessions.get(cohort.pk),
        )
        for cohort in cohorts
    ]


def _average(values: list[int]) -> int | None:
    """The mean of ``values`` rounded down, None for no value."""
    return sum(values) // len(values) if values else None


def _children_of(module_paths: set[str]) -> Q:
    """The pages directly beneath the pages at these tree paths."""
    condition = Q(pk__in=[])
    for path in module_paths:
        condition |= Q(path__startswith=path, depth=len(path) // StepPage.steplen + 1)
    return condition


# --- The progress grid -----------------------------------------------------------------------


@dataclass
class GridRow:
    """One learner of the grid: each step's status and score, and whether they fell silent.

    ``statuses`` and ``scores`` follow the grid's steps. They are plain lists rather than one
    object per cell: a 300 x 30 grid would otherwise allocate 9,000 objects per page.
    """

    enrolment: Enrolment
    statuses: list[str | None]  # StepProgressStatus values, None where never touched.
    scores: list[float | None]  # Scaled best scores.
    inactive: bool
    last_reminded_at: dt.datetime | None
    percent: int = 0  # Required steps completed, as ModuleProgress.percent counts them.

    @property
    def last_seen(self) -> dt.datetime:
        """The learner's last activity, or their enrolment when they never started."""
        return self.enrolment.last_activity_at or self.enrolment.created

    @property
    def reminded_recently(self) -> bool:
        """Whether a reminder went out less than :data:`REMINDER_INTERVAL` ago."""
        return (
            self.last_reminded_at is not None
            and timezone.now() - self.last_reminded_at < REMINDER_INTERVAL
        )


@dataclass
class CohortGrid:
    """A cohort's learners x steps progress, in step order and learner name order."""

    cohort: Cohort
    steps: list[StepPage]
    rows: list[GridRow] = field(default_factory=list)

    @property
    def quiz_steps(self) -> list[StepPage]:
        """The steps completed by passing a quiz."""
        return [s for s in self.steps if s.completion_rule == CompletionRule.QUIZ_PASSED]

    @property
    def inactive_rows(self) -> list[GridRow]:
        """The learners highlighted as inactive."""
        return [row for row in self.rows if row.inactive]

    @property
    def average_percent(self) -> int | None:
        """The learners' mean progress in percent (rounded down), None without learners."""
        return _average([row.percent for row in self.rows])


def inactive_since(cohort: Cohort, now: dt.datetime | None = None) -> dt.datetime:
    """The instant before which a learner's last activity makes them inactive in ``cohort``."""
    return (now or timezone.now()) - dt.timedelta(days=cohort.inactivity_days)


def is_inactive(enrolment: Enrolment, threshold: dt.datetime) -> bool:
    """Whether an active enrolment has had no activity (or no start) since ``threshold``.

    A learner who never came back is judged on their enrolment date; a completed learner is
    never inactive.
    """
    if enrolment.status != EnrolmentStatus.ACTIVE:
        return False
    return (enrolment.last_activity_at or enrolment.created) < threshold


def cohort_learners(cohort: Cohort) -> QuerySet[Enrolment]:
    """The cohort's learners (active or completed) with their user and establishment.

    Each carries ``last_reminded_at``, the date of the last reminder sent, or None.
    """
    last_reminder = Reminder.objects.filter(enrolment=OuterRef("pk")).order_by("-sent_at")
    return (
        Enrolment.objects.filter(cohort=cohort, status__in=LEARNER_STATUSES)
        .select_related("user", "user__establishment")
        # Only what the grid, the export and the reminders show: hundreds of rows are built.
        .only(*_LEARNER_FIELDS)
        .annotate(last_reminded_at=Subquery(last_reminder.values("sent_at")[:1]))
        .order_by("user__last_name", "user__first_name", "user__email")
    )


def cohort_steps(cohort: Cohort) -> list[StepPage]:
    """The live steps of the cohort's module, in order, without their bodies: one query."""
    return list(cohort.module.live_steps().only(*_STEP_FIELDS))


def cohort_grid(cohort: Cohort) -> CohortGrid:
    """The cohort's progress grid: three queries whatever its size.

    ``cohort.module`` must be loaded (:func:`~courses.selectors_cohorts.cohort_for_trainer`
    does). One query for the steps, one for the learners with their users, one for their
    progress rows, read as tuples: for 300 learners x 30 steps that is 9,000 tuples, not 9,000
    model instances.
    """
    steps = cohort_steps(cohort)
    threshold = inactive_since(cohort)
    rows: dict[int, GridRow] = {}
    for enrolment in cohort_learners(cohort):
        enrolment.module = cohort.module
        rows[enrolment.pk] = GridRow(
            enrolment=enrolment,
            statuses=[None] * len(steps),
            scores=[None] * len(steps),
            inactive=is_inactive(enrolment, threshold),
            last_reminded_at=enrolment.last_reminded_at,
        )
    if rows:
        index = {step.pk: position for position, step in enumerate(steps)}
        progress_rows = StepProgress.objects.filter(
            enrolment__cohort=cohort, enrolment__status__in=LEARNER_STATUSES
        ).values_list("enrolment_id", "step_id", "status", "score")
        for enrolment_pk, step_pk, status, score in progress_rows:
            position = index.get(step_pk)
            row = rows.get(enrolment_pk)
            if position is not None and row is not None:  # Unpublished steps are not shown.
                row.statuses[position], row.scores[position] = status, score
        required = [position for position, step in enumerate(steps) if step.required]
        for row in rows.values():
            done = sum(1 for p in required if row.statuses[p] == StepProgressStatus.COMPLETED)
            row.percent = _percent(row.enrolment.status, done, len(required))
    return CohortGrid(cohort=cohort, steps=steps, rows=list(rows.values()))


def cohort_pending_reviews(cohort: Cohort) -> int:
    """How many assignments of the cohort's learners await a review: one query."""
    return AssignmentSubmission.objects.filter(
        enrolment__cohort=cohort, status=SubmissionStatus.SUBMITTED
    ).count()


def cohort_announcements(cohort: Cohort, limit: int = 5) -> list[Announcement]:
    """The cohort's latest announcements with their authors: one query."""
    return list(Announcement.objects.filter(cohort=cohort).select_related("author")[:limit])


# --- Quiz results ----------------------------------------------------------------------------


@dataclass
class QuizCell:
    """One learner's results at one quiz step."""

    attempts: int = 0
    passed: bool = False
    best_score: float | None = None  # Scaled, in [0, 1].

    @property
    def failed(self) -> bool:
        """Tried, never passed."""
        return self.attempts > 0 and not self.passed

    @property
    def best_percent(self) -> int | None:
        """The best score in percent, rounded."""
        return None if self.best_score is None else round(self.best_score * 100)


@dataclass
class QuizResults:
    """The cohort's quiz steps and, per learner, their results at each."""

    steps: list[StepPage]
    rows: list[tuple[Enrolment, list[QuizCell]]]


def cohort_quiz_results(cohort: Cohort) -> QuizResults:
    """Per quiz step of the module and per learner: best score, attempts, passed: 4 queries.

    The quiz steps are those completed by passing a quiz, plus any step that the LRS holds
    ``passed``/``failed`` statements about for the cohort (a quiz in another step, H5P).
    Attempts and the passed flag are counted from those statements (voided ones excluded),
    grouped in the database by registration and step; the best score is StepProgress's.
    """
    steps = cohort_steps(cohort)
    learners = list(cohort_learners(cohort))
    step_of_iri = {step.activity_iri: step for step in steps}
    tally: dict[tuple, dict[str, int]] = {}
    if learners:
        verbs = (api.PASSED.id, api.FAILED.id)
        outcomes = (
            Statement.objects.filter(
                registration__in=Subquery(
                    Enrolment.objects.filter(cohort=cohort).values("registration")
                ),
                verb_id__in=verbs,
                object_activity_id__in=list(step_of_iri),
                voided=False,
            )
            .values("registration", "object_activity_id", "verb_id")
            .annotate(n=Count("seq"))
            .order_by()
        )
        for row in outcomes:
            key = (row["registration"], step_of_iri[row["object_activity_id"]].pk)
            tally.setdefault(key, {})[row["verb_id"]] = row["n"]
    tried = {step_pk for _registration, step_pk in tally}
    quiz_steps = [
        s for s in steps if s.completion_rule == CompletionRule.QUIZ_PASSED or s.pk in tried
    ]
    scored = StepProgress.objects.filter(
        enrolment__cohort=cohort, step__in=quiz_steps, score__isnull=False
    ).values_list("enrolment_id", "step_id", "score")
    scores = {(enrolment_pk, step_pk): score for enrolment_pk, step_pk, score in scored}
    rows = []
    for enrolment in learners:
        cells = []
        for step in quiz_steps:
            counts = tally.get((enrolment.registration, step.pk), {})
            cells.append(
                QuizCell(
                    attempts=sum(counts.values()),
                    passed=counts.get(api.PASSED.id, 0) > 0,
                    best_score=scores.get((enrolment.pk, step.pk)),
                )
            )
        rows.append((enrolment, cells))
    return QuizResults(steps=quiz_steps, rows=rows)


# --- What a learner sees ---------------------------------------------------------------------


def learner_announcements(enrolments: list[Enrolment], limit: int = 5) -> list[Announcement]:
    """The latest announcements of the cohorts the learner follows: one query, none if none.

    ``enrolments`` are the learner's own (as :func:`courses.selectors.learner_modules` lists
    them); pending and withdrawn ones are left out, so only learners read a cohort's news.
    """
    cohort_ids = {e.cohort_id for e in enrolments if e.cohort_id and e.status in LEARNER_STATUSES}
    if not cohort_ids:
        return []
    return list(
        Announcement.objects.filter(cohort_id__in=cohort_ids).select_related("cohort", "author")[
            :limit
        ]
    )
