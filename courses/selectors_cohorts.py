"""Reads about cohorts: the open ones a learner may join, and the ones a trainer acts on.

This module owns what a trainer may act on, for every trainer page (cohort set-up, the
trainer's space, assessment): :func:`trainer_cohorts`, and :func:`cohort_for_trainer`,
:func:`session_for_trainer` and :func:`cohort_enrolment_for_trainer`, which answer 404 unless
the user is one of the cohort's ``trainers``. A cohort run by somebody else does not exist for
them, whatever their other roles: neither administrators nor superusers are exempt.
:func:`may_run_cohorts` says who may create cohorts (the trainer role).

Seats are counted the way the services count them (:data:`SEATED`), so the "places left" a
learner reads is the one the join guard enforces.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from campus.models import User
from campus.roles import Role
from courses.models import Cohort, CohortSession, Enrolment, EnrolmentStatus, ModulePage

if TYPE_CHECKING:
    from collections.abc import Iterable

    from django.contrib.auth.models import AnonymousUser

# The statuses that hold a seat in a cohort. A pending request holds one too: a trainer's
# approval then never fails for lack of room, and "places left" never promises a seat that
# approvals already waiting would take. A trainer who declines a request frees its seat.
SEATED = (EnrolmentStatus.PENDING, EnrolmentStatus.ACTIVE, EnrolmentStatus.COMPLETED)


def _today() -> dt.date:
    return timezone.localdate()


def cohorts_open_to_join(*, today: dt.date | None = None) -> QuerySet[Cohort]:
    """Cohorts learners may ask to join: open, not over yet, of a published module."""
    return Cohort.objects.filter(is_open=True, ends_on__gte=today or _today(), module__live=True)


def has_open_cohort(module_ref: OuterRef | int, *, today: dt.date | None = None) -> Exists:
    """An ``Exists`` expression: the module has a cohort open to joining (for annotations)."""
    return Exists(cohorts_open_to_join(today=today).filter(module=module_ref))


def with_seats_taken(cohorts: QuerySet[Cohort]) -> QuerySet[Cohort]:
    """Annotate ``seats_taken``: the cohort's enrolments that hold a seat (see SEATED)."""
    return cohorts.annotate(
        seats_taken=Count("enrolments", filter=Q(enrolments__status__in=SEATED), distinct=True)
    )


def seats_taken(cohort: Cohort) -> int:
    """How many seats of the cohort are taken (pending requests included): one query."""
    return Enrolment.objects.filter(cohort=cohort, status__in=SEATED).count()


def places_left(cohort: Cohort, taken: int) -> int | None:
    """Seats still free given ``taken`` (never negative), or None when there is no limit."""
    if cohort.capacity is None:
        return None
    return max(cohort.capacity - taken, 0)


def open_cohorts_for_module(module: ModulePage, *, today: dt.date | None = None) -> list[Cohort]:
    """The module's cohorts open to joining, soonest first, with sessions and trainers.

    Each cohort carries ``seats_taken`` and ``places_left`` (None: no limit); full ones are
    listed too, so a learner learns that a session exists. Three queries whatever the number
    of cohorts: the cohorts with their seat counts, their sessions, their trainers.
    """
    cohorts = list(
        with_seats_taken(cohorts_open_to_join(today=today).filter(module=module))
        .order_by("starts_on", "name")
        .prefetch_related(
            Prefetch("sessions", queryset=CohortSession.objects.order_by("starts_at")),
            Prefetch("trainers", queryset=User.objects.only("first_name", "last_name", "email")),
        )
    )
    for cohort in cohorts:
        cohort.places_left = places_left(cohort, cohort.seats_taken)
    return cohorts


def learner_cohort_enrolment(user: User | AnonymousUser, module: ModulePage) -> Enrolment | None:
    """The user's enrolment in the module (any status, with its cohort), or None: one query."""
    if not user.is_authenticated:
        return None
    return Enrolment.objects.select_related("cohort").filter(user=user, module=module).first()


def cohort_open_to_join(pk: int) -> Cohort:
    """A cohort a learner may ask to join, with its module; 404 for any other: one query."""
    try:
        return cohorts_open_to_join().select_related("module").get(pk=pk)
    except Cohort.DoesNotExist:
        raise Http404("No such open cohort.") from None


# --- What a trainer may act on ---------------------------------------------------------------


def may_run_cohorts(user: User | AnonymousUser) -> bool:
    """Whether ``user`` may create cohorts and set them up: the trainer role (superusers too).

    Setting up a given cohort also needs to be among its trainers (:func:`cohort_for_trainer`).
    """
    return user.is_authenticated and user.has_role(Role.TRAINER)


def trainer_cohorts(user: User) -> QuerySet[Cohort]:
    """The cohorts ``user`` is a trainer of, with their modules (no query until evaluated)."""
    return Cohort.objects.filter(trainers=user).select_related("module")


def cohort_for_trainer(user: User, pk: int) -> Cohort:
    """Cohort ``pk`` with its module if ``user`` trains it; 404 otherwise: one query."""
    try:
        return trainer_cohorts(user).get(pk=pk)
    except Cohort.DoesNotExist:
        raise Http404("No such cohort.") from None


def session_for_trainer(user: User, pk: int) -> CohortSession:
    """In-person session ``pk`` with its cohort, module and step if ``user`` trains the cohort.

    404 otherwise: one query.
    """
    try:
        return CohortSession.objects.select_related("cohort__module", "step").get(
            pk=pk, cohort__trainers=user
        )
    except CohortSession.DoesNotExist:
        raise Http404("No such session.") from None


def cohort_enrolment_for_trainer(
    cohort: Cohort, pk: int, *, statuses: Iterable[str] | None = None
) -> Enrolment:
    """Enrolment ``pk`` of the cohort (read through :func:`cohort_for_trainer` first).

    With ``statuses``, only an enrolment in one of them. The enrolment comes with its user, and
    the cohort and its module set from ``cohort``; 404 for any other: one query.
    """
    enrolments = Enrolment.objects.select_related("user").filter(cohort=cohort)
    if statuses is not None:
        enrolments = enrolments.filter(status__in=statuses)
    try:
        enrolment = enrolments.get(pk=pk)
    except Enrolment.DoesNotExist:
        raise Http404("No such member.") from None
    enrolment.cohort = cohort
    enrolment.module = cohort.module
    return enrolment


# --- A cohort's members and sessions ---------------------------------------------------------


def cohort_members(cohort: Cohort) -> list[Enrolment]:
    """The cohort's enrolments, pending requests first, then by name: one query."""
    order = {
        EnrolmentStatus.PENDING: 0,
        EnrolmentStatus.ACTIVE: 1,
        EnrolmentStatus.COMPLETED: 2,
        EnrolmentStatus.WITHDRAWN: 3,
    }
    members = list(Enrolment.objects.filter(cohort=cohort).select_related("user"))
    for enrolment in members:
        enrolment.cohort = cohort
        enrolment.module = cohort.module
    members.sort(
        key=lambda e: (order[e.status], e.user.last_name.lower(), e.user.first_name.lower())
    )
    return members


def cohort_sessions(cohort: Cohort) -> QuerySet[CohortSession]:
    """The cohort's in-person sessions in date order, with the step each completes: one query.

    The step's body is left unread: the trainer's pages show its title only.
    """
    return cohort.sessions.select_related("step").defer("step__body").order_by("starts_at")


def modules_for_cohorts() -> QuerySet[ModulePage]:
    """The modules a trainer may run a cohort of: the published ones, by title."""
    return ModulePage.objects.live().order_by("title")
