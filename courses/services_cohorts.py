"""Writes about cohorts: creating and editing them, their sessions, and who is in them.

A cohort ("session de formation") is a module run by trainers for a group of learners. Its
trainers fill it by hand (:func:`cohort_member_add`) or by CSV import
(:func:`cohort_import_csv`); learners join it themselves (:func:`cohort_join`) with the
enrolment key, or ask and wait for a trainer's approval (:func:`cohort_request_approve`,
:func:`cohort_request_decline`).

An enrolment is unique per learner and module, so joining a cohort reuses the learner's
enrolment in the module when there is one: a self-enrolment joins the cohort as it is, a
withdrawn one is reactivated with its registration (so its progress picks up). Whenever an
enrolment becomes active, ``registered`` is recorded on the module exactly as self-enrolment
records it (:func:`courses.services.record_registered`).

Seats: pending requests, active and completed enrolments hold a seat (see
:data:`courses.selectors_cohorts.SEATED`). Every service that fills a seat first locks the
cohort's row, so two learners racing for the last seat are served one after the other.

Every guard raises :class:`CohortError` with a message shown to the user as is.
"""

from __future__ import annotations

import datetime as dt
import hmac
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from campus.models import Academy, User
from campus.roles import Role
from campus.tasks import send_email
from courses import csv_import
from courses.models import (
    Cohort,
    CohortSession,
    CompletionRule,
    Enrolment,
    EnrolmentStatus,
    ModulePage,
    StepPage,
)
from courses.selectors_cohorts import SEATED, seats_taken
from courses.services import LEFT, EnrolmentError, _statement, module_activity, record_registered
from lrs import api

if TYPE_CHECKING:
    from collections.abc import Iterable

FOLLOWING = (EnrolmentStatus.ACTIVE, EnrolmentStatus.COMPLETED)


class CohortError(EnrolmentError):
    """A cohort action the guards refuse; the message is shown to the user as is."""


# --- Emails ----------------------------------------------------------------------------------


def _site_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _email_after_commit(template: str, context: dict, recipients: Iterable[str]) -> None:
    """Queue one email per recipient once the transaction commits (nothing if it rolls back).

    ``template`` names ``courses/cohorts/emails/<template>_subject.txt`` and ``…_body.txt``.
    """
    recipients = [r for r in recipients if r]
    if not recipients:
        return
    subject = "".join(
        render_to_string(f"courses/cohorts/emails/{template}_subject.txt", context).splitlines()
    )
    body = render_to_string(f"courses/cohorts/emails/{template}_body.txt", context)
    for recipient in recipients:
        # One email each: learners must not see each other's addresses.
        transaction.on_commit(
            lambda r=recipient: send_email.enqueue(subject=subject, body=body, recipients=[r])
        )


def _module_url(module: ModulePage) -> str:
    url = module.get_url() or ""
    # Wagtail gives a path when the site is the only one, a full URL otherwise.
    return url if url.startswith(("http://", "https://")) else _site_url(url)


def _cohort_email_context(cohort: Cohort, **extra) -> dict:
    return {
        "cohort": cohort,
        "module": cohort.module,
        "module_url": _module_url(cohort.module),
        "site_url": settings.SITE_URL,
        **extra,
    }


def _invitation_context(user: User) -> dict:
    """The password-reset link a new account's owner follows to choose a password."""
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return {
        "user": user,
        "set_password_url": _site_url(path),
        "reset_url": _site_url(reverse("password_reset")),
        "valid_days": max(settings.PASSWORD_RESET_TIMEOUT // 86400, 1),
    }


# --- Guards ----------------------------------------------------------------------------------


def _is_trainer(actor: User) -> None:
    """Refuse a user without the trainer role."""
    if not actor.is_authenticated or not actor.is_active or not actor.has_role(Role.TRAINER):
        raise CohortError(_("Only trainers may run cohorts."))


def _trains(actor: User, cohort: Cohort) -> None:
    """Refuse anybody but the cohort's own trainers (views check it first with a selector)."""
    _is_trainer(actor)
    if not cohort.trainers.filter(pk=actor.pk).exists():
        raise CohortError(_("Only the trainers of this cohort may manage it."))


def _check_dates(starts_on: dt.date, ends_on: dt.date) -> None:
    if ends_on < starts_on:
        raise CohortError(_("The cohort cannot end before it starts."))


def _check_module(module: ModulePage) -> None:
    if not module.live:
        raise CohortError(_("This module is not published: no cohort can run it."))


def _lock(cohort: Cohort) -> Cohort:
    """Lock the cohort's row until commit: seat counts are then read one filler at a time."""
    # of=self: the module's page row stays free for editors while learners join.
    return Cohort.objects.select_for_update(of=("self",)).select_related("module").get(pk=cohort.pk)


def _check_room(cohort: Cohort, needed: int = 1) -> None:
    """Refuse when ``needed`` more seats would overflow the cohort's capacity."""
    if cohort.capacity is None:
        return
    free = cohort.capacity - seats_taken(cohort)
    if needed > free:
        raise CohortError(_("This cohort is full."))


def _check_joinable(actor: User, cohort: Cohort) -> None:
    """Why a learner may not ask to join ``cohort`` (closed, over, module offline)."""
    if not actor.is_authenticated or not actor.is_active:
        raise CohortError(_("Log in to join a cohort."))
    if not cohort.module.live:
        raise CohortError(_("This module is not open."))
    if not cohort.is_open:
        raise CohortError(_("This cohort is closed to requests."))
    if cohort.ends_on < timezone.localdate():
        raise CohortError(_("This cohort is over."))


def _key_matches(cohort: Cohort, key: str) -> bool:
    """Whether ``key`` is the cohort's enrolment key, compared in constant time."""
    if not cohort.enrolment_key:
        return False
    # compare_digest: the time taken does not tell how many leading characters were right.
    return hmac.compare_digest(key.strip().encode(), cohort.enrolment_key.strip().encode())


def _existing_conflict(
    enrolment: Enrolment, cohort: Cohort, *, status: str, by_trainer: bool
) -> None:
    """Refuse to move an enrolment that already belongs elsewhere, or is already here."""
    if enrolment.status == EnrolmentStatus.WITHDRAWN:
        return
    if enrolment.cohort_id == cohort.pk:
        if enrolment.status == EnrolmentStatus.PENDING:
            if status == EnrolmentStatus.ACTIVE:
                return  # The key, or a trainer adding them, settles the request.
            raise CohortError(_("Your request to join this cohort is awaiting approval."))
        raise CohortError(
            _("%(name)s is already a member of this cohort.")
            % {"name": enrolment.user.get_full_name() or enrolment.user.email}
            if by_trainer
            else _("You are already a member of this cohort.")
        )
    if enrolment.cohort_id is not None:
        other = enrolment.cohort.name
        if by_trainer:
            raise CohortError(
                _("%(name)s is already enrolled in this module, in the cohort « %(cohort)s ».")
                % {"name": enrolment.user.get_full_name() or enrolment.user.email, "cohort": other}
            )
        raise CohortError(
            _("You are already enrolled in this module, in the cohort « %(cohort)s ».")
            % {"cohort": other}
        )


def _set(enrolment: Enrolment, *, status: str, cohort: Cohort | None) -> bool:
    """Save the enrolment's status and cohort; return whether it just became active."""
    became_active = status == EnrolmentStatus.ACTIVE and enrolment.status not in FOLLOWING
    if enrolment.status in FOLLOWING and status == EnrolmentStatus.ACTIVE:
        status = enrolment.status  # A self-enrolment joining keeps its own progress state.
    enrolment.status = status
    enrolment.cohort = cohort
    enrolment.save(update_fields=["status", "cohort"])
    return became_active


def _enrol(user: User, cohort: Cohort, *, status: str, by_trainer: bool) -> tuple[Enrolment, bool]:
    """Put ``user`` in ``cohort`` with ``status``, reusing their enrolment in the module.

    Returns the enrolment and whether it just became active (``registered`` recorded then).
    The cohort must be locked by the caller, and the room checked.
    """
    enrolment = (
        # of=self: PostgreSQL refuses FOR UPDATE on the nullable side of the cohort's outer join.
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("cohort")
        .filter(user=user, module=cohort.module)
        .first()
    )
    if enrolment is None:
        enrolment = Enrolment.objects.create(
            user=user, module=cohort.module, cohort=cohort, status=status
        )
        became_active = status == EnrolmentStatus.ACTIVE
    else:
        enrolment.user = user
        _existing_conflict(enrolment, cohort, status=status, by_trainer=by_trainer)
        if status == EnrolmentStatus.PENDING and enrolment.status in FOLLOWING:
            # Asking for approval would stop a learner following the module on their own.
            raise CohortError(
                _(
                    "You already follow this module on your own: give the cohort's enrolment "
                    "key, or ask its trainers to add you."
                )
            )
        became_active = _set(enrolment, status=status, cohort=cohort)
    enrolment.user = user
    enrolment.module = cohort.module
    enrolment.cohort = cohort
    if became_active:
        record_registered(enrolment)
    return enrolment, became_active


def _holds_seat(user: User, cohort: Cohort) -> bool:
    return Enrolment.objects.filter(user=user, cohort=cohort, status__in=SEATED).exists()


# --- Cohorts ---------------------------------------------------------------------------------


@transaction.atomic
def cohort_create(
    *,
    actor: User,
    module: ModulePage,
    name: str,
    starts_on: dt.date,
    ends_on: dt.date,
    academy: Academy | None = None,
    capacity: int | None = None,
    is_open: bool = True,
    enrolment_key: str = "",
    requires_approval: bool = True,
    inactivity_days: int = 14,
) -> Cohort:
    """Create a cohort of a published module, with ``actor`` (a trainer) as its trainer.

    The académie defaults to the trainer's. Raises :class:`CohortError` for a user without the
    trainer role, an unpublished module or an end date before the start date.
    """
    _is_trainer(actor)
    _check_module(module)
    _check_dates(starts_on, ends_on)
    cohort = Cohort.objects.create(
        module=module,
        name=name.strip(),
        academy=academy if academy is not None else actor.academy,
        starts_on=starts_on,
        ends_on=ends_on,
        capacity=capacity,
        is_open=is_open,
        enrolment_key=enrolment_key.strip(),
        requires_approval=requires_approval,
        inactivity_days=inactivity_days,
    )
    cohort.trainers.add(actor)
    return cohort


# What a trainer may change in a cohort (its module never changes), in the forms' order.
COHORT_FIELDS = (
    "name",
    "academy",
    "starts_on",
    "ends_on",
    "capacity",
    "is_open",
    "enrolment_key",
    "requires_approval",
    "inactivity_days",
)


@transaction.atomic
def cohort_update(*, actor: User, cohort: Cohort, **fields) -> Cohort:
    """Change a cohort's settings (any of :data:`COHORT_FIELDS`; the module stays).

    Raises :class:`CohortError` unless ``actor`` trains the cohort, for an end date before the
    start date, and for a capacity below the seats already taken.
    """
    unknown = set(fields).difference(COHORT_FIELDS)
    if unknown:
        raise TypeError(f"cohort_update() got unknown fields {sorted(unknown)}")
    _trains(actor, cohort)
    cohort = _lock(cohort)
    for name, value in fields.items():
        if isinstance(value, str):
            value = value.strip()
        setattr(cohort, name, value)
    _check_dates(cohort.starts_on, cohort.ends_on)
    if cohort.capacity is not None:
        taken = seats_taken(cohort)
        if cohort.capacity < taken:
            raise CohortError(
                _("%(taken)d seats are already taken: the capacity cannot be lower.")
                % {"taken": taken}
            )
    cohort.save()
    return cohort


# --- In-person sessions ----------------------------------------------------------------------

# What describes an in-person session, in the forms' order.
SESSION_FIELDS = (
    "title",
    "starts_at",
    "duration_minutes",
    "place",
    "address",
    "virtual_class_url",
    "step",
)


def _check_session(cohort: Cohort, session: CohortSession) -> None:
    """A session takes place during the cohort, and completes an "attended" step of its module."""
    if timezone.is_naive(session.starts_at):
        raise ValueError("starts_at must be timezone-aware")
    day = timezone.localtime(session.starts_at).date()
    if not cohort.starts_on <= day <= cohort.ends_on:
        raise CohortError(
            _("The session must take place between the cohort's start and end dates.")
        )
    step: StepPage | None = session.step
    if step is not None:
        if step.path[: -step.steplen] != cohort.module.path:
            raise CohortError(_("This step belongs to another module."))
        if step.completion_rule != CompletionRule.ATTENDED:
            raise CohortError(
                _("Only a step completed by attending an in-person session can be linked.")
            )


@transaction.atomic
def cohort_session_add(*, actor: User, cohort: Cohort, **fields) -> CohortSession:
    """Add an in-person (or virtual-class) session to a cohort.

    ``fields`` are among :data:`SESSION_FIELDS`; ``step``, optional, is the module's step
    that attendance completes (its rule must be "attended"). Raises :class:`CohortError`
    unless ``actor`` trains the cohort, or for a date outside the cohort's.
    """
    unknown = set(fields).difference(SESSION_FIELDS)
    if unknown:
        raise TypeError(f"cohort_session_add() got unknown fields {sorted(unknown)}")
    _trains(actor, cohort)
    session = CohortSession(cohort=cohort, **fields)
    _check_session(cohort, session)
    session.save()
    return session


@transaction.atomic
def cohort_session_update(*, actor: User, session: CohortSession, **fields) -> CohortSession:
    """Change an in-person session (fields among :data:`SESSION_FIELDS`), same guards as add."""
    unknown = set(fields).difference(SESSION_FIELDS)
    if unknown:
        raise TypeError(f"cohort_session_update() got unknown fields {sorted(unknown)}")
    cohort = session.cohort
    _trains(actor, cohort)
    for name, value in fields.items():
        setattr(session, name, value)
    _check_session(cohort, session)
    session.save()
    return session


@transaction.atomic
def cohort_session_delete(*, actor: User, session: CohortSession) -> None:
    """Delete an in-person session that has no attendance taken yet.

    Refused once attendance is recorded: "present" lines are ``attended`` statements in the
    LRS, which deleting the session would leave without their sheet.
    """
    _trains(actor, session.cohort)
    if session.attendances.exists():
        raise CohortError(_("Attendance has been taken at this session: it cannot be deleted."))
    session.delete()


# --- Joining ---------------------------------------------------------------------------------


@transaction.atomic
def cohort_join(*, actor: User, cohort: Cohort, key: str | None = None) -> Enrolment:
    """A learner joins a cohort open to requests; return their enrolment in its module.

    * with the cohort's enrolment key: active at once;
    * without a key, when requests need approval: pending, and the trainers are told by email;
    * without a key, when the cohort has no key and needs no approval: active at once.

    Raises :class:`CohortError` when the cohort is closed, over or full, for a wrong key (or
    a key for a cohort that has none, or no key when only the key lets in), and when the
    learner is already in this or another cohort of the module. A self-enrolment in the
    module joins the cohort as it is; a withdrawn enrolment is reactivated.
    """
    cohort = _lock(cohort)
    _check_joinable(actor, cohort)
    key = (key or "").strip()
    if key:
        if not _key_matches(cohort, key):
            raise CohortError(_("This enrolment key is not the right one. Check it and retry."))
        status = EnrolmentStatus.ACTIVE
    elif cohort.requires_approval:
        status = EnrolmentStatus.PENDING
    elif cohort.enrolment_key:
        raise CohortError(_("Give this cohort's enrolment key to join it."))
    else:
        status = EnrolmentStatus.ACTIVE
    if not _holds_seat(actor, cohort):
        _check_room(cohort)
    enrolment, _became_active = _enrol(actor, cohort, status=status, by_trainer=False)
    if status == EnrolmentStatus.PENDING:
        _email_after_commit(
            "request_received",
            _cohort_email_context(
                cohort,
                learner=actor,
                members_url=_site_url(reverse("courses:cohort_members", args=[cohort.pk])),
            ),
            cohort.trainers.values_list("email", flat=True),
        )
    return enrolment


def _pending(actor: User, enrolment: Enrolment) -> Cohort:
    """The cohort of a pending request that ``actor`` trains (refuse anything else)."""
    if enrolment.cohort_id is None:
        raise CohortError(_("This enrolment is not in a cohort."))
    cohort = enrolment.cohort
    _trains(actor, cohort)
    if enrolment.status != EnrolmentStatus.PENDING:
        raise CohortError(_("This request has already been answered."))
    return cohort


def _reload(enrolment: Enrolment) -> Enrolment:
    return (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("user", "module", "cohort__module")
        .get(pk=enrolment.pk)
    )


@transaction.atomic
def cohort_request_approve(*, actor: User, enrolment: Enrolment) -> Enrolment:
    """A trainer approves a pending request: the enrolment becomes active, the learner is told.

    Records ``registered`` on the module. The request already held its seat, so approving
    never overflows the cohort.
    """
    enrolment = _reload(enrolment)
    cohort = _pending(actor, enrolment)
    enrolment.status = EnrolmentStatus.ACTIVE
    enrolment.save(update_fields=["status"])
    record_registered(enrolment)
    _email_after_commit("request_approved", _cohort_email_context(cohort), [enrolment.user.email])
    return enrolment


@transaction.atomic
def cohort_request_decline(*, actor: User, enrolment: Enrolment) -> Enrolment:
    """A trainer declines a pending request: the seat is freed, the learner is told.

    The enrolment is withdrawn and leaves the cohort (the learner never was a member); its
    registration is kept, so a later enrolment in the module picks up any earlier progress.
    """
    enrolment = _reload(enrolment)
    cohort = _pending(actor, enrolment)
    enrolment.status = EnrolmentStatus.WITHDRAWN
    enrolment.cohort = None
    enrolment.save(update_fields=["status", "cohort"])
    _email_after_commit("request_declined", _cohort_email_context(cohort), [enrolment.user.email])
    return enrolment


# --- Members, by hand ------------------------------------------------------------------------


@transaction.atomic
def cohort_member_add(*, actor: User, cohort: Cohort, email: str) -> Enrolment:
    """A trainer adds the user with this email address to the cohort, active at once.

    Works whether the cohort is open to requests or not; a pending request of the user is
    approved. The user is told by email. Raises :class:`CohortError` when no active account
    has this address (a CSV import creates accounts), when the cohort is full, and when the
    user is already a member or in another cohort of the module.
    """
    _trains(actor, cohort)
    cohort = _lock(cohort)
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None:
        raise CohortError(
            _(
                "No active Campus account has the address %(email)s. Import the person with a "
                "CSV file to create their account."
            )
            % {"email": email.strip()}
        )
    if not _holds_seat(user, cohort):
        _check_room(cohort)
    # A pending request of theirs is approved by adding them.
    enrolment, _became_active = _enrol(user, cohort, status=EnrolmentStatus.ACTIVE, by_trainer=True)
    _email_after_commit("member_added", _cohort_email_context(cohort), [user.email])
    return enrolment


@transaction.atomic
def cohort_member_remove(*, actor: User, enrolment: Enrolment) -> Enrolment:
    """A trainer removes an active member: the enrolment is withdrawn and ``left`` recorded.

    The enrolment stays attached to the cohort (the trainers see who left) and keeps its
    registration and progress. Raises :class:`CohortError` for a member who completed the
    module, a pending request (decline it instead) or somebody already withdrawn.
    """
    enrolment = _reload(enrolment)
    if enrolment.cohort_id is None:
        raise CohortError(_("This enrolment is not in a cohort."))
    _trains(actor, enrolment.cohort)
    if enrolment.status == EnrolmentStatus.COMPLETED:
        raise CohortError(_("This learner has completed the module: they stay in the cohort."))
    if enrolment.status == EnrolmentStatus.PENDING:
        raise CohortError(_("This is a request to join: decline it instead."))
    if enrolment.status == EnrolmentStatus.WITHDRAWN:
        raise CohortError(_("This learner has already left the cohort."))
    enrolment.status = EnrolmentStatus.WITHDRAWN
    enrolment.save(update_fields=["status"])
    api.record(_statement(enrolment=enrolment, verb=LEFT, target=module_activity(enrolment.module)))
    return enrolment


# --- Members, by CSV import ------------------------------------------------------------------


@dataclass
class ImportReport:
    """What an import did: accounts created, learners enrolled, learners already members."""

    created_users: int = 0
    enrolled: int = 0
    already_members: int = 0


class CohortImportError(CohortError):
    """An import refused as a whole; ``errors`` lists every problem, by line where it has one."""

    def __init__(self, errors: list[str]):
        super().__init__(errors[0] if errors else "")
        self.errors = errors


def _row_problem(
    row: csv_import.Row,
    user: User | None,
    enrolment: Enrolment | None,
    cohort: Cohort,
    establishments: dict,
) -> str | None:
    """Why the row's person cannot be enrolled in the cohort (needs the database), or None."""
    if row.uai and row.uai not in establishments:
        return _("no establishment is known with the UAI code %(uai)s") % {"uai": row.uai}
    if user is None:
        if not (row.first_name and row.last_name):
            return _("the first and last names are needed to create the account of %(email)s") % {
                "email": row.email
            }
        return None
    if not user.is_active:
        return _("the account of %(email)s is deactivated") % {"email": row.email}
    if (
        enrolment is not None
        and enrolment.status != EnrolmentStatus.WITHDRAWN
        and enrolment.cohort_id is not None
        and enrolment.cohort_id != cohort.pk
    ):
        return _("%(email)s is already enrolled in this module, in the cohort « %(cohort)s »") % {
            "email": row.email,
            "cohort": enrolment.cohort.name,
        }
    return None


@transaction.atomic
def cohort_import_csv(*, actor: User, cohort: Cohort, file: IO[bytes]) -> ImportReport:
    """Enrol the learners a CSV file lists in the cohort, creating missing accounts.

    Columns (see :mod:`courses.csv_import`): email, first name, last name, UAI (optional).
    Every row is checked before anything is written; if any row (or the file) is wrong,
    nothing is imported and :class:`CohortImportError` lists every error, by line number.
    Otherwise, in one transaction: missing accounts are created (teacher role, unusable
    password, the establishment of the UAI, the cohort's académie) and sent an invitation with
    a link to choose their password; everyone is enrolled, active, in the cohort
    (``registered`` recorded for each new member); people already members are counted and
    left as they are. Existing accounts keep their names and establishment; their owners are
    told by email that they are enrolled.
    """
    _trains(actor, cohort)
    cohort = _lock(cohort)
    try:
        parsed = csv_import.parse(file)
    except csv_import.CsvFileError as error:
        raise CohortImportError([str(error)]) from None
    rows = parsed.rows
    errors = list(parsed.errors)
    # Addresses are stored in lower case (UserManager and User.clean), as the rows give them.
    users = {u.email.lower(): u for u in User.objects.filter(email__in=[r.email for r in rows])}
    enrolments = {
        e.user_id: e
        for e in Enrolment.objects.select_related("cohort").filter(
            module=cohort.module, user__in=list(users.values())
        )
    }
    establishments = csv_import.establishments_for(rows)
    to_seat = 0
    for row in rows:
        user = users.get(row.email)
        enrolment = enrolments.get(user.pk) if user is not None else None
        problem = _row_problem(row, user, enrolment, cohort, establishments)
        if problem:
            errors.append((row.line, problem))
        elif not (
            enrolment is not None
            and enrolment.cohort_id == cohort.pk
            and enrolment.status in SEATED
        ):
            to_seat += 1
    # By line, each line's problems in the order they were found.
    errors.sort(key=lambda error: error[0])
    messages = [csv_import.line_error(line, problem) for line, problem in errors]
    if not messages and not rows:
        messages.append(_("The file lists nobody."))
    if not messages and cohort.capacity is not None:
        free = max(cohort.capacity - seats_taken(cohort), 0)
        if to_seat > free:
            messages.append(
                _(
                    "Places left in the cohort: %(free)d; learners the file would add: "
                    "%(count)d. Raise its capacity or shorten the file."
                )
                % {"free": free, "count": to_seat}
            )
    if messages:
        raise CohortImportError(messages)

    report = ImportReport()
    teachers = csv_import.teacher_group()
    for row in rows:
        user = users.get(row.email)
        created_before = report.created_users
        if user is None:
            user = User.objects.create_user(
                email=row.email,
                password=None,  # Unusable: they choose theirs from the invitation's link.
                first_name=row.first_name,
                last_name=row.last_name,
                academy=cohort.academy,
                establishment=establishments.get(row.uai),
            )
            user.groups.add(teachers)
            report.created_users += 1
            _email_after_commit(
                "invitation",
                _cohort_email_context(cohort, **_invitation_context(user)),
                [user.email],
            )
        enrolment = enrolments.get(user.pk)
        if (
            enrolment is not None
            and enrolment.cohort_id == cohort.pk
            and enrolment.status in FOLLOWING
        ):
            report.already_members += 1
            continue
        _enrol(user, cohort, status=EnrolmentStatus.ACTIVE, by_trainer=True)
        report.enrolled += 1
        if report.created_users == created_before:  # An existing account: tell them too.
            _email_after_commit("member_added", _cohort_email_context(cohort), [user.email])
    return report
