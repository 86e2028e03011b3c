"""Writes of the training plans: creating and editing a plan, its target, its reminders.

Only an inspector of an académie writes its plans (:func:`_guard`). A plan's target is
materialised as :class:`~courses.models_plans.PlanTarget` rows by one set-based
``INSERT … SELECT`` (:func:`plan_targets_rebuild`), run at creation and on every update.
An imported list is read whole and refused whole (:class:`PlanImportError` lists every bad
line), so nothing is ever half-imported. Every guard raises :class:`PlanError`, whose message
is shown as is.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.core.validators import validate_email
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, Value
from django.db.models.functions import Coalesce, Substr
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from campus.models import Establishment, User
from campus.roles import ROLE_GROUPS, Role
from campus.validators import validate_uai
from courses import csv_import
from courses.models_plans import PlanReminder, PlanTarget, TargetKind, TrainingPlan
from courses.selectors_plans import may_manage_plans, not_started_users

if TYPE_CHECKING:
    from campus.models import Academy

REMINDER_INTERVAL = dt.timedelta(hours=24)
IMPORT_MAX_ROWS = 50_000
REMINDER_BATCH = 500


class PlanError(Exception):
    """A plan action the guards refuse; the message is shown to the user as is."""


class PlanImportError(PlanError):
    """An imported list refused as a whole; ``errors`` lists every bad line."""

    def __init__(self, errors: list[str]):
        super().__init__(_("The list was not imported: correct the lines below and try again."))
        self.errors = errors


def _guard(actor: User, academy: Academy | None) -> None:
    """Refuse unless ``actor`` is an inspector of ``academy``."""
    if not may_manage_plans(actor) or academy is None or actor.academy_id != academy.pk:
        raise PlanError(_("Only an inspector of the académie may manage its training plans."))


# --- Imported lists --------------------------------------------------------------------------


@dataclass
class ImportedList:
    """The emails and UAI codes of an imported list, every one checked."""

    emails: list[str] = field(default_factory=list)
    uais: list[str] = field(default_factory=list)


def imported_list_read(*, file: IO[bytes], academy: Academy) -> ImportedList:
    """Read a CSV of teachers' emails or establishments' UAI codes, one per line.

    The first cell of each line counts; a first line that is neither (a header such as
    « email » or « UAI ») is skipped. Every email must be an active teacher of the académie,
    every UAI code valid and an establishment of the académie. Raises
    :class:`PlanImportError` with one message per bad line, or :class:`PlanError` when the
    file cannot be read at all.
    """
    data = file.read(csv_import.MAX_BYTES + 1)
    if len(data) > csv_import.MAX_BYTES:
        raise PlanError(_("The file is larger than 2 MB: split it into several files."))
    try:
        text = csv_import.decode(data)
    except csv_import.CsvFileError as error:
        raise PlanError(str(error)) from None
    if "\x00" in text:
        raise PlanError(_("This is not a CSV file: export it from your spreadsheet as CSV."))
    values: list[tuple[int, str]] = []
    for number, line in enumerate(io.StringIO(text), start=1):
        first = line.strip().replace(",", ";").replace("\t", ";").split(";")[0].strip(' "')
        if first:
            values.append((number, first))
    if values and "@" not in values[0][1]:
        try:
            validate_uai(values[0][1])
        except ValidationError:
            values = values[1:]  # A header line.
    if not values:
        raise PlanError(_("The file is empty."))
    if len(values) > IMPORT_MAX_ROWS:
        raise PlanError(
            _("The file has more than %(max)d lines: split it.") % {"max": IMPORT_MAX_ROWS}
        )
    result, seen = ImportedList(), set()
    errors: list[tuple[int, str]] = []
    for number, value in values:
        if "@" in value:
            email = value.lower()
            try:
                validate_email(email)
            except ValidationError:
                errors.append((number, _("invalid email address « %(email)s »") % {"email": value}))
                continue
            if email not in seen:
                result.emails.append(email)
        else:
            uai = value.upper()
            try:
                validate_uai(uai)
            except ValidationError as error:
                errors.append(
                    (
                        number,
                        _(
                            "neither an email address nor a valid UAI code "
                            "(« %(value)s »: %(error)s)"
                        )
                        % {"value": value, "error": error.messages[0]},
                    )
                )
                continue
            if uai not in seen:
                result.uais.append(uai)
        seen.add(value.lower() if "@" in value else value.upper())
    unknown_emails, unknown_uais = set(result.emails), set(result.uais)
    known_emails = set(
        _teachers(academy).filter(email__in=result.emails).values_list("email", flat=True)
    )
    known_uais = set(
        Establishment.objects.filter(academy=academy, uai__in=result.uais).values_list(
            "uai", flat=True
        )
    )
    for number, value in values:
        if "@" in value and value.lower() in unknown_emails - known_emails:
            errors.append(
                (
                    number,
                    _("%(email)s is not a teacher of the académie of %(academy)s")
                    % {"email": value, "academy": academy.name},
                )
            )
        elif "@" not in value and value.upper() in unknown_uais - known_uais:
            errors.append(
                (
                    number,
                    _("no establishment of the académie of %(academy)s has the UAI code %(uai)s")
                    % {"uai": value.upper(), "academy": academy.name},
                )
            )
    if errors:
        raise PlanImportError([csv_import.line_error(n, m) for n, m in sorted(errors)])
    return result


# --- The target ------------------------------------------------------------------------------


def _teachers(academy: Academy):
    """The active teachers of an académie (the teacher role, through its group)."""
    teacher_group = Group.objects.filter(name=ROLE_GROUPS[Role.TEACHER])
    in_group = User.groups.through.objects.filter(
        user_id=OuterRef("pk"), group_id__in=teacher_group.values("pk")
    )
    return User.objects.filter(academy=academy, is_active=True).filter(Exists(in_group))


def target_users(plan: TrainingPlan):
    """The users the plan's rule selects now (a queryset, not yet materialised).

    Disciplines and degree narrow the discipline, establishment and department rules; an
    imported list is taken as it is (its lines were checked against the académie).
    """
    users = _teachers(plan.academy)
    if plan.target_kind == TargetKind.IMPORTED:
        return users.filter(
            pk__in=User.objects.filter(email__in=plan.imported_emails).values("pk")
        ) | users.filter(establishment__uai__in=plan.imported_uais)
    if plan.target_kind == TargetKind.ESTABLISHMENTS:
        users = users.filter(establishment__uai__in=plan.target_uais)
    elif plan.target_kind == TargetKind.DEPARTMENTS:
        in_departments = Q(pk__in=[])
        for code in plan.target_departments:
            in_departments |= Q(establishment__uai__startswith=code)
        users = users.filter(in_departments)
    disciplines = list(plan.disciplines.values_list("pk", flat=True))
    if disciplines:
        teaches = User.disciplines.through.objects.filter(
            user_id=OuterRef("pk"), discipline_id__in=disciplines
        )
        users = users.filter(Exists(teaches))
    if plan.degree:
        users = users.filter(degree=plan.degree)
    return users


def plan_targets_rebuild(plan: TrainingPlan) -> int:
    """Recompute the plan's target rows in one ``INSERT … SELECT``; return the target size.

    Runs inside the caller's transaction: the old rows are deleted and the new ones inserted
    by the database itself, with the teacher's establishment and department as they are now.
    """
    PlanTarget.objects.filter(plan=plan).delete()
    rows = (
        target_users(plan)
        .order_by()
        .values_list(
            Value(plan.pk),
            "pk",
            "establishment_id",
            Coalesce(Substr("establishment__uai", 1, 3), Value("")),
        )
        .distinct()
    )
    select, params = rows.query.sql_with_params()
    table = PlanTarget._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (plan_id, user_id, establishment_id, department) {select}",
            params,
        )
    plan.targets_computed_at = timezone.now()
    plan.save(update_fields=["targets_computed_at"])
    return PlanTarget.objects.filter(plan=plan).count()


PLAN_FIELDS = ("title", "description", "degree", "target_kind", "deadline")


def _apply(plan: TrainingPlan, data: dict) -> None:
    for name in PLAN_FIELDS:
        setattr(plan, name, data[name])
    kind = data["target_kind"]
    plan.target_uais = (
        sorted(set(data.get("target_uais") or [])) if kind == TargetKind.ESTABLISHMENTS else []
    )
    plan.target_departments = (
        sorted(set(data.get("target_departments") or [])) if kind == TargetKind.DEPARTMENTS else []
    )
    imported: ImportedList | None = data.get("imported")
    if kind != TargetKind.IMPORTED:
        plan.imported_emails, plan.imported_uais = [], []
    elif imported is not None:
        plan.imported_emails, plan.imported_uais = imported.emails, imported.uais
    elif not (plan.imported_emails or plan.imported_uais):
        raise PlanError(_("Import a list of teachers' emails or UAI codes."))


def _check(plan: TrainingPlan, data: dict) -> None:
    if not data.get("modules"):
        raise PlanError(_("Choose at least one required module."))
    if plan.target_kind == TargetKind.DISCIPLINE and not data.get("disciplines"):
        raise PlanError(_("A plan by discipline needs at least one discipline."))
    if plan.target_kind == TargetKind.ESTABLISHMENTS:
        if not plan.target_uais:
            raise PlanError(_("Give at least one UAI code."))
        known = set(
            Establishment.objects.filter(
                academy_id=plan.academy_id, uai__in=plan.target_uais
            ).values_list("uai", flat=True)
        )
        unknown = [uai for uai in plan.target_uais if uai not in known]
        if unknown:
            raise PlanError(
                _("No establishment of your académie has these UAI codes: %(codes)s.")
                % {"codes": ", ".join(unknown)}
            )
    if plan.target_kind == TargetKind.DEPARTMENTS and not plan.target_departments:
        raise PlanError(_("Choose at least one department."))


@transaction.atomic
def plan_create(*, actor: User, data: dict) -> TrainingPlan:
    """Create a plan of the actor's académie and compute its target.

    ``data`` holds the form's cleaned fields: title, description, disciplines, degree,
    target_kind, target_uais, target_departments, imported (an :class:`ImportedList`),
    modules, deadline. Raises :class:`PlanError` when the actor is not an inspector of an
    académie or the data is incomplete.
    """
    _guard(actor, actor.academy)
    plan = TrainingPlan(academy=actor.academy, created_by=actor)
    _apply(plan, data)
    _check(plan, data)
    plan.save()
    plan.disciplines.set(data.get("disciplines") or [])
    plan.modules.set(data["modules"])
    plan_targets_rebuild(plan)
    return plan


@transaction.atomic
def plan_update(*, actor: User, plan: TrainingPlan, data: dict) -> TrainingPlan:
    """Edit a plan (same ``data`` as :func:`plan_create`) and recompute its target.

    Without a new imported list, an imported plan keeps the list it had.
    """
    _guard(actor, plan.academy)
    plan = TrainingPlan.objects.select_for_update().get(pk=plan.pk)
    _apply(plan, data)
    _check(plan, data)
    plan.save()
    plan.disciplines.set(data.get("disciplines") or [])
    plan.modules.set(data["modules"])
    plan_targets_rebuild(plan)
    return plan


# --- Reminders -------------------------------------------------------------------------------


def reminder_refusal(plan: TrainingPlan, now: dt.datetime | None = None) -> str | None:
    """Why the plan's teachers may not be reminded now (once a day), or None."""
    last = PlanReminder.objects.filter(plan=plan).values_list("sent_at", flat=True).first()
    if last is not None and (now or timezone.now()) - last < REMINDER_INTERVAL:
        return _(
            "The teachers of this plan were already reminded on %(date)s: "
            "wait 24 hours before another reminder."
        ) % {"date": timezone.localtime(last).strftime("%d/%m/%Y %H:%M")}
    return None


@transaction.atomic
def plan_reminder_send(*, actor: User, plan: TrainingPlan) -> PlanReminder:
    """Remind by email the plan's teachers who have not started; at most once a day.

    The reminder is recorded at once and the emails sent by a background task after commit
    (one message per teacher: nobody sees another's address). Raises :class:`PlanError` for
    anybody but an inspector of the académie, within 24 hours of the previous reminder, or
    when every teacher has started.
    """
    _guard(actor, plan.academy)
    # Lock the plan: two inspectors clicking at once must not both send a reminder.
    plan = TrainingPlan.objects.select_for_update().get(pk=plan.pk)
    refusal = reminder_refusal(plan)
    if refusal:
        raise PlanError(refusal)
    count = not_started_users(plan).count()
    if not count:
        raise PlanError(_("Every teacher of the plan has started: nobody to remind."))
    reminder = PlanReminder.objects.create(plan=plan, sent_by=actor, recipients=count)
    transaction.on_commit(lambda: send_plan_reminders.enqueue(reminder_id=reminder.pk))
    return reminder


def _reminder_message(plan: TrainingPlan, modules: str, user: User, sender: str) -> EmailMessage:
    body = "\n".join(
        [
            _("Hello %(name)s,") % {"name": user.get_short_name()},
            "",
            _(
                "The training plan « %(plan)s » of your académie asks you to follow %(modules)s "
                "by %(deadline)s."
            )
            % {
                "plan": plan.title,
                "modules": modules,
                "deadline": plan.deadline.strftime("%d/%m/%Y"),
            },
            "",
            _("Your training: %(url)s")
            % {"url": settings.SITE_URL + reverse("courses:my_training")},
            "",
            sender,
        ]
    )
    return EmailMessage(
        subject=_("Training plan « %(plan)s »: you have not started yet") % {"plan": plan.title},
        body=body,
        to=[user.email],
    )


@task()
def send_plan_reminders(*, reminder_id: int) -> int:
    """Email each teacher of the reminder's plan who still has not started; return the count.

    Reads the recipients when it runs (someone who started meanwhile is spared) and sends in
    batches over one SMTP connection.
    """
    reminder = PlanReminder.objects.select_related("plan", "sent_by").get(pk=reminder_id)
    plan = reminder.plan
    sender = (
        (reminder.sent_by.get_full_name() or reminder.sent_by.email) if reminder.sent_by else ""
    )
    sent = 0
    batch: list[EmailMessage] = []
    mail = get_connection()
    modules = ", ".join(f"« {title} »" for title in plan.modules.values_list("title", flat=True))
    for user in not_started_users(plan).only("email", "first_name").iterator(chunk_size=2000):
        batch.append(_reminder_message(plan, modules, user, sender))
        if len(batch) >= REMINDER_BATCH:
            sent += mail.send_messages(batch) or 0
            batch = []
    if batch:
        sent += mail.send_messages(batch) or 0
    return sent
