"""Reads of the training plans: who sees which plan, the dashboard, a teacher's own plans.

Who may do what:

* an inspector space holder (inspector, administrator) sees the plans of their own académie,
  a superuser every plan; anybody else gets a 404 for a plan, a 403 for the list;
* the teachers' names (drill-down, exports) are for the inspectors of the plan's académie
  only (:func:`may_see_names`): an administrator of the académie sees figures, not people;
* a teacher sees the plans targeting them, each with their own status and nobody else's.

A teacher's status in a plan is computed in SQL from their enrolments in the required modules
(:func:`annotated_targets`): *completed* when every required module is completed, otherwise
*late* once the deadline has passed, otherwise *in progress* when enrolled in at least one
(withdrawn enrolments do not count), otherwise *not started*. The dashboard aggregates those
per-teacher rows with a GROUP BY in a handful of queries, whatever the target's size.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import connection
from django.db.models import Case, Count, Exists, Max, OuterRef, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from campus.models import Establishment
from campus.roles import Role
from courses.models import Enrolment, EnrolmentStatus, ModulePage
from courses.models_plans import PlanReminder, PlanStatus, PlanTarget, TrainingPlan

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from campus.models import User

INSPECTOR_PERMISSION = "campus.access_inspector_space"
FURTHEST_BEHIND = 10
MAX_WEEKS = 52

# Metropolitan and overseas departments, by the first three characters of a UAI code.
DEPARTMENTS = dict(
    line.split(" ", 1)
    for line in """001 Ain|002 Aisne|003 Allier|004 Alpes-de-Haute-Provence|005 Hautes-Alpes
006 Alpes-Maritimes|007 Ardèche|008 Ardennes|009 Ariège|010 Aube|011 Aude|012 Aveyron
013 Bouches-du-Rhône|014 Calvados|015 Cantal|016 Charente|017 Charente-Maritime|018 Cher
019 Corrèze|620 Corse-du-Sud|720 Haute-Corse|021 Côte-d'Or|022 Côtes-d'Armor|023 Creuse
024 Dordogne|025 Doubs|026 Drôme|027 Eure|028 Eure-et-Loir|029 Finistère|030 Gard
031 Haute-Garonne|032 Gers|033 Gironde|034 Hérault|035 Ille-et-Vilaine|036 Indre
037 Indre-et-Loire|038 Isère|039 Jura|040 Landes|041 Loir-et-Cher|042 Loire|043 Haute-Loire
044 Loire-Atlantique|045 Loiret|046 Lot|047 Lot-et-Garonne|048 Lozère|049 Maine-et-Loire
050 Manche|051 Marne|052 Haute-Marne|053 Mayenne|054 Meurthe-et-Moselle|055 Meuse
056 Morbihan|057 Moselle|058 Nièvre|059 Nord|060 Oise|061 Orne|062 Pas-de-Calais
063 Puy-de-Dôme|064 Pyrénées-Atlantiques|065 Hautes-Pyrénées|066 Pyrénées-Orientales
067 Bas-Rhin|068 Haut-Rhin|069 Rhône|070 Haute-Saône|071 Saône-et-Loire|072 Sarthe
073 Savoie|074 Haute-Savoie|075 Paris|076 Seine-Maritime|077 Seine-et-Marne|078 Yvelines
079 Deux-Sèvres|080 Somme|081 Tarn|082 Tarn-et-Garonne|083 Var|084 Vaucluse|085 Vendée
086 Vienne|087 Haute-Vienne|088 Vosges|089 Yonne|090 Territoire de Belfort|091 Essonne
092 Hauts-de-Seine|093 Seine-Saint-Denis|094 Val-de-Marne|095 Val-d'Oise|971 Guadeloupe
972 Martinique|973 Guyane|974 La Réunion|976 Mayotte""".replace("\n", "|").split("|")
)


def department_label(code: str) -> str:
    """« 069 Rhône » for a department code, the code alone when unknown."""
    name = DEPARTMENTS.get(code)
    return f"{code} {name}" if name else code or "—"


# --- Permissions -----------------------------------------------------------------------------


def may_view_plans(user: User | AnonymousUser) -> bool:
    """Whether the user reaches the plans of an académie (the inspector space's permission)."""
    return user.is_authenticated and (
        user.is_superuser or (user.has_perm(INSPECTOR_PERMISSION) and user.academy_id is not None)
    )


def may_manage_plans(user: User | AnonymousUser) -> bool:
    """Whether the user creates and edits plans: an inspector with an académie."""
    return user.is_authenticated and user.academy_id is not None and user.has_role(Role.INSPECTOR)


def may_see_names(user: User | AnonymousUser, plan: TrainingPlan) -> bool:
    """Whether the user sees the teachers of the plan by name: its académie's inspectors."""
    return may_manage_plans(user) and user.academy_id == plan.academy_id


def visible_plans(user: User | AnonymousUser) -> QuerySet[TrainingPlan]:
    """The plans the user may see (none unless :func:`may_view_plans`)."""
    if not may_view_plans(user):
        return TrainingPlan.objects.none()
    plans = TrainingPlan.objects.select_related("academy")
    return plans if user.is_superuser else plans.filter(academy_id=user.academy_id)


def plans_with_sizes(user: User) -> QuerySet[TrainingPlan]:
    """The list page: visible plans with their target size (one query)."""
    return visible_plans(user).annotate(target_size=Count("targets"))


def plan_for_viewer(user: User | AnonymousUser, pk: int) -> TrainingPlan:
    """A plan the user may see, or 404 (another académie's plan is not shown to exist)."""
    plan = visible_plans(user).filter(pk=pk).first()
    if plan is None:
        raise Http404
    return plan


def plan_for_manager(user: User | AnonymousUser, pk: int) -> TrainingPlan:
    """A plan the user may edit (an inspector of its académie), or 404."""
    plan = plan_for_viewer(user, pk)
    if not may_see_names(user, plan):
        raise Http404
    return plan


# --- Per-teacher statuses --------------------------------------------------------------------


def required_module_ids(plan: TrainingPlan) -> list[int]:
    """The ids of the plan's required modules (one query)."""
    return list(plan.modules.order_by("pk").values_list("pk", flat=True))


def is_past_deadline(plan: TrainingPlan, today: dt.date | None = None) -> bool:
    """Whether the deadline has passed: the deadline's own day is still on time."""
    return (today or timezone.localdate()) > plan.deadline


def annotated_targets(
    plan: TrainingPlan, module_ids: list[int], *, today: dt.date | None = None
) -> QuerySet[PlanTarget]:
    """The plan's target rows with ``enrolled``, ``done``, ``last_done`` and ``status``.

    Counted in SQL with conditional aggregation over the teacher's enrolments in the required
    modules; ``status`` is a :class:`PlanStatus` value.
    """
    required = Q(user__enrolments__module_id__in=module_ids)
    completed = required & Q(user__enrolments__status=EnrolmentStatus.COMPLETED)
    whens = [When(done__gte=max(len(module_ids), 1), then=Value(PlanStatus.COMPLETED))]
    if is_past_deadline(plan, today):
        whens.append(When(done__gte=0, then=Value(PlanStatus.LATE)))
    whens.append(When(enrolled__gt=0, then=Value(PlanStatus.IN_PROGRESS)))
    return (
        PlanTarget.objects.filter(plan=plan)
        .annotate(
            enrolled=Count(
                "user__enrolments",
                filter=required & ~Q(user__enrolments__status=EnrolmentStatus.WITHDRAWN),
            ),
            done=Count("user__enrolments", filter=completed),
            last_done=Max("user__enrolments__completed_at", filter=completed),
        )
        .annotate(status=Case(*whens, default=Value(PlanStatus.NOT_STARTED)))
        .order_by()
    )


def _inner_sql(plan: TrainingPlan, module_ids: list[int], today: dt.date | None):
    """The per-teacher rows as SQL to aggregate over: (establishment, department, status…)."""
    rows = annotated_targets(plan, module_ids, today=today).values_list(
        "establishment_id", "department", "status", "enrolled", "last_done"
    )
    return rows.query.sql_with_params()


# --- The dashboard ---------------------------------------------------------------------------


@dataclass
class Tally:
    """Status counts of a group of teachers (the whole target, a department, an establishment)."""

    size: int = 0
    enrolled: int = 0
    completed: int = 0
    in_progress: int = 0
    late: int = 0
    not_started: int = 0

    def add(self, other: Tally) -> None:
        for name in ("size", "enrolled", "completed", "in_progress", "late", "not_started"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def completion_percent(self) -> int:
        return round(100 * self.completed / self.size) if self.size else 0

    @property
    def started_percent(self) -> int:
        return round(100 * self.enrolled / self.size) if self.size else 0


@dataclass
class EstablishmentTally(Tally):
    pk: int | None = None
    uai: str = ""
    name: str = ""
    town: str = ""
    department: str = ""


@dataclass
class DepartmentTally(Tally):
    code: str = ""

    @property
    def label(self) -> str:
        return department_label(self.code)


@dataclass
class ModuleTally:
    pk: int
    title: str
    enrolled: int = 0
    completed: int = 0
    target_size: int = 0

    @property
    def completion_percent(self) -> int:
        return round(100 * self.completed / self.target_size) if self.target_size else 0


@dataclass
class Week:
    monday: dt.date
    completions: int
    height: float = 0.0  # Bar height in the chart, 0 to 100.


@dataclass
class Dashboard:
    plan: TrainingPlan
    totals: Tally
    departments: list[DepartmentTally]
    establishments: list[EstablishmentTally]
    furthest_behind: list[EstablishmentTally]
    modules: list[ModuleTally]
    weeks: list[Week] = field(default_factory=list)
    last_reminder: PlanReminder | None = None
    past_deadline: bool = False

    @property
    def max_week(self) -> int:
        return max((w.completions for w in self.weeks), default=0)


_STATUS_SUMS = ", ".join(
    f"SUM(CASE WHEN t.status = '{status}' THEN 1 ELSE 0 END)"
    for status in (
        PlanStatus.COMPLETED,
        PlanStatus.IN_PROGRESS,
        PlanStatus.LATE,
        PlanStatus.NOT_STARTED,
    )
)


def _establishment_tallies(inner: str, params) -> list[EstablishmentTally]:
    """One row per establishment of the target with its status counts (one query)."""
    sql = (
        "SELECT t.establishment_id, t.department, es.uai, es.name, es.town, COUNT(*), "  # noqa: S608
        f"SUM(CASE WHEN t.enrolled > 0 THEN 1 ELSE 0 END), {_STATUS_SUMS} "
        f"FROM ({inner}) t LEFT JOIN {Establishment._meta.db_table} es "
        "ON es.id = t.establishment_id "
        "GROUP BY t.establishment_id, t.department, es.uai, es.name, es.town"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [
        EstablishmentTally(
            pk=pk,
            department=department or "",
            uai=uai or "",
            name=name or "",
            town=town or "",
            size=size,
            enrolled=enrolled or 0,
            completed=completed or 0,
            in_progress=in_progress or 0,
            late=late or 0,
            not_started=not_started or 0,
        )
        for (
            pk,
            department,
            uai,
            name,
            town,
            size,
            enrolled,
            completed,
            in_progress,
            late,
            not_started,
        ) in rows
    ]


def _week_expression() -> str:
    """SQL of the Monday starting the week of ``t.last_done``."""
    if connection.vendor == "postgresql":
        return "date_trunc('week', t.last_done AT TIME ZONE %s)::date"
    # SQLite (tests, development): UTC weeks; 6 days back then the next Monday is the Monday.
    return "date(t.last_done, '-6 days', 'weekday 1')"


def _weeks(inner: str, params) -> list[Week]:
    """Completions of the plan per week, from the first to the current week (one query)."""
    expression = _week_expression()
    week_params = [settings.TIME_ZONE] if "%s" in expression else []
    sql = (
        f"SELECT {expression} AS week, COUNT(*) FROM ({inner}) t "  # noqa: S608
        f"WHERE t.status = '{PlanStatus.COMPLETED}' GROUP BY week ORDER BY week"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*week_params, *params])
        rows = cursor.fetchall()
    counts = {
        (week if isinstance(week, dt.date) else dt.date.fromisoformat(str(week)[:10])): count
        for week, count in rows
        if week is not None
    }
    if not counts:
        return []
    today = timezone.localdate()
    this_monday = today - dt.timedelta(days=today.weekday())
    first = max(min(counts), this_monday - dt.timedelta(weeks=MAX_WEEKS - 1))
    # Completions older than the chart's first week are counted in it.
    older = sum(c for monday, c in counts.items() if monday < first)
    weeks = []
    monday = first
    while monday <= max(this_monday, max(counts)):
        weeks.append(Week(monday=monday, completions=counts.get(monday, 0)))
        monday += dt.timedelta(weeks=1)
    weeks[0].completions += older
    top = max(w.completions for w in weeks) or 1
    for week in weeks:
        week.height = round(100 * week.completions / top, 1)
    return weeks


def _module_tallies(plan: TrainingPlan, size: int) -> list[ModuleTally]:
    """Per required module: the target's teachers enrolled in it and having completed it."""
    modules = {
        pk: ModuleTally(pk=pk, title=title, target_size=size)
        for pk, title in ModulePage.objects.filter(training_plans=plan)
        .order_by("title")
        .values_list("pk", "title")
    }
    counts = (
        Enrolment.objects.filter(
            module_id__in=list(modules),
            user__in=PlanTarget.objects.filter(plan=plan).values("user_id"),
        )
        .values("module_id")
        .annotate(
            enrolled=Count("pk", filter=~Q(status=EnrolmentStatus.WITHDRAWN)),
            completed=Count("pk", filter=Q(status=EnrolmentStatus.COMPLETED)),
        )
        .order_by()
    )
    for row in counts:
        modules[row["module_id"]].enrolled = row["enrolled"]
        modules[row["module_id"]].completed = row["completed"]
    return list(modules.values())


def plan_dashboard(plan: TrainingPlan, *, today: dt.date | None = None) -> Dashboard:
    """Everything the plan's dashboard shows, in five queries whatever the target's size."""
    modules = _module_tallies(plan, 0)
    module_ids = [m.pk for m in modules]
    inner, params = _inner_sql(plan, module_ids, today)
    establishments = _establishment_tallies(inner, params)
    totals = Tally()
    departments: dict[str, DepartmentTally] = {}
    for row in establishments:
        totals.add(row)
        departments.setdefault(row.department, DepartmentTally(code=row.department)).add(row)
    for module in modules:
        module.target_size = totals.size
    establishments.sort(key=lambda e: (e.department, e.name, e.uai))
    behind = sorted(
        (e for e in establishments if e.pk is not None and e.completed < e.size),
        key=lambda e: (e.completion_percent, e.started_percent, -e.size, e.name),
    )[:FURTHEST_BEHIND]
    return Dashboard(
        plan=plan,
        totals=totals,
        departments=sorted(departments.values(), key=lambda d: d.code),
        establishments=establishments,
        furthest_behind=behind,
        modules=modules,
        weeks=_weeks(inner, params),
        last_reminder=PlanReminder.objects.filter(plan=plan).first(),
        past_deadline=is_past_deadline(plan, today),
    )


# --- Teachers (names: inspectors of the académie only) ---------------------------------------


def teacher_rows(plan: TrainingPlan, *, establishment_id: int | None = None):
    """Per teacher: name, email, UAI, establishment, department, counts and status, as tuples.

    Meant for :func:`may_see_names` holders only (the views check). Ordered by establishment
    then name; iterate with ``.iterator(chunk_size=…)`` for exports.
    """
    rows = annotated_targets(plan, required_module_ids(plan))
    if establishment_id is not None:
        rows = rows.filter(establishment_id=establishment_id)
    return rows.order_by("establishment__uai", "user__last_name", "user__first_name").values_list(
        "user__last_name",
        "user__first_name",
        "user__email",
        "establishment__uai",
        "establishment__name",
        "department",
        "done",
        "status",
        "last_done",
    )


def plan_establishment(plan: TrainingPlan, establishment_id: int) -> Establishment:
    """An establishment of the plan's target, or 404."""
    establishment = Establishment.objects.filter(
        pk=establishment_id,
        pk__in=PlanTarget.objects.filter(plan=plan).values("establishment_id"),
    ).first()
    if establishment is None:
        raise Http404
    return establishment


def not_started_users(plan: TrainingPlan) -> QuerySet:
    """The target's active teachers enrolled in none of the required modules."""
    from campus.models import User

    enrolled = Enrolment.objects.filter(
        user=OuterRef("pk"),
        module__training_plans=plan,
    ).exclude(status=EnrolmentStatus.WITHDRAWN)
    return User.objects.filter(plan_targets__plan=plan, is_active=True).exclude(Exists(enrolled))


# --- A teacher's own plans -------------------------------------------------------------------


@dataclass
class TeacherPlan:
    plan: TrainingPlan
    status: str
    done: int
    required: int

    @property
    def status_label(self) -> str:
        return PlanStatus(self.status).label


def plans_of_teacher(user: User | AnonymousUser) -> list[TeacherPlan]:
    """The plans targeting the user, each with the user's own status (two queries)."""
    if not user.is_authenticated:
        return []
    targets = list(
        PlanTarget.objects.filter(user=user).select_related("plan").order_by("plan__deadline")
    )
    if not targets:
        return []
    plans = {t.plan_id: t.plan for t in targets}
    required: dict[int, set[int]] = {pk: set() for pk in plans}
    for plan_id, module_id in TrainingPlan.modules.through.objects.filter(
        trainingplan_id__in=list(plans)
    ).values_list("trainingplan_id", "modulepage_id"):
        required[plan_id].add(module_id)
    statuses = dict(
        Enrolment.objects.filter(
            user=user, module_id__in=set().union(*required.values())
        ).values_list("module_id", "status")
    )
    today = timezone.localdate()
    result = []
    for plan_id, plan in plans.items():
        modules = required[plan_id]
        done = sum(1 for m in modules if statuses.get(m) == EnrolmentStatus.COMPLETED)
        enrolled = any(m in statuses and statuses[m] != EnrolmentStatus.WITHDRAWN for m in modules)
        if modules and done == len(modules):
            status = PlanStatus.COMPLETED
        elif is_past_deadline(plan, today):
            status = PlanStatus.LATE
        elif enrolled:
            status = PlanStatus.IN_PROGRESS
        else:
            status = PlanStatus.NOT_STARTED
        result.append(TeacherPlan(plan=plan, status=status, done=done, required=len(modules)))
    return result
