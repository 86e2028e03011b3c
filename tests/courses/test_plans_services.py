"""Training plans' services and selectors: targets, imported lists, statuses, dashboard."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core import mail
from django.test import TestCase
from django.utils import timezone

from campus.models import Academy, Discipline
from campus.roles import Role
from courses import selectors_plans as selectors
from courses import services_plans as services
from courses.models import EnrolmentStatus, PlanReminder, PlanTarget, TrainingPlan
from tests.courses import factories as f
from tests.courses.plan_helpers import active, completed, establishment, plan, plan_data, teacher

pytestmark = pytest.mark.django_db


@pytest.fixture
def modules(catalogue):
    """Two required modules."""
    return [f.module_page(catalogue=catalogue, title=t) for t in ("GeoGebra", "Évaluer")]


@pytest.fixture
def schools(db):
    """Two establishments in the Rhône (069), one in the Loire (042)."""
    return establishment("069"), establishment("069"), establishment("042")


def _target(p: TrainingPlan) -> set[str]:
    return set(PlanTarget.objects.filter(plan=p).values_list("user__email", flat=True))


def test_services_plan_target_by_discipline(inspector, modules, schools):
    """Active maths teachers of the académie are in; other subjects, académies, roles are out."""
    inside = teacher(at=schools[0], email="in@ac-lyon.fr")
    teacher(at=schools[0], disciplines=("francais",), email="french@ac-lyon.fr")
    teacher(academy="grenoble", email="grenoble@ac-grenoble.fr")
    teacher(at=schools[0], roles=(Role.TRAINER,), email="trainer@ac-lyon.fr")
    teacher(at=schools[0], is_active=False, email="gone@ac-lyon.fr")
    created = plan(inspector, modules)
    assert _target(created) == {inside.email}
    row = PlanTarget.objects.get(plan=created)
    assert (row.establishment, row.department) == (schools[0], "069")
    assert created.academy.slug == "lyon"


def test_services_plan_target_by_degree_narrows(inspector, modules, schools):
    """A degree narrows a plan by discipline."""
    second = teacher(at=schools[0], degree="second")
    teacher(at=schools[0], degree="premier")
    assert _target(plan(inspector, modules, degree="second")) == {second.email}


def test_services_plan_target_by_uai_list(inspector, modules, schools):
    """A plan by establishment takes the teachers of the listed UAI codes (any discipline)."""
    a = teacher(at=schools[0], disciplines=("francais",))
    teacher(at=schools[1])
    created = plan(
        inspector,
        modules,
        target_kind="etablissements",
        target_uais=[schools[0].uai],
        disciplines=[],
    )
    assert _target(created) == {a.email}


def test_services_plan_target_uai_of_another_academie_refused(inspector, modules):
    """A UAI code outside the inspector's académie is refused with the code named."""
    other = establishment("038", academy="grenoble")
    with pytest.raises(services.PlanError, match=other.uai):
        plan(inspector, modules, target_kind="etablissements", target_uais=[other.uai])
    assert not TrainingPlan.objects.exists()


def test_services_plan_target_by_department(inspector, modules, schools):
    """A plan by department takes the teachers whose establishment's UAI starts with its code."""
    rhone = {teacher(at=schools[0]).email, teacher(at=schools[1]).email}
    teacher(at=schools[2])
    teacher(at=None)
    created = plan(inspector, modules, target_kind="departements", target_departments=["069"])
    assert _target(created) == rhone


def test_services_imported_list_emails_and_uais(inspector, modules, schools):
    """An imported list of emails and UAI codes becomes the target, header line skipped."""
    by_email = teacher(at=schools[2], disciplines=("francais",))
    at_school = teacher(at=schools[1], disciplines=("svt",))
    teacher(at=schools[0])
    data = f"email\n{by_email.email.upper()}\n{schools[1].uai}\n".encode()
    imported = services.imported_list_read(file=io.BytesIO(data), academy=inspector.academy)
    assert imported.emails == [by_email.email] and imported.uais == [schools[1].uai]
    created = plan(inspector, modules, target_kind="liste", disciplines=[], imported=imported)
    assert _target(created) == {by_email.email, at_school.email}


def test_services_imported_list_errors_row_by_row(inspector, schools):
    """Every bad line is reported with its number; nothing is kept."""
    known = teacher(at=schools[0])
    teacher(academy="grenoble", email="far@ac-grenoble.fr")
    data = (
        f"{known.email}\nnot-an-email@\n0690000Z\nfar@ac-grenoble.fr\n"
        f"{establishment('038', academy='grenoble').uai}\n"
    ).encode()
    with pytest.raises(services.PlanImportError) as raised:
        services.imported_list_read(file=io.BytesIO(data), academy=inspector.academy)
    lines = [e.split(":")[0] for e in raised.value.errors]
    assert len(lines) == 4
    assert [line.split()[-1] for line in lines] == ["2", "3", "4", "5"]


def test_services_plan_create_refused_to_non_inspectors(trainer, learner, modules):
    """Only an inspector with an académie creates a plan."""
    for actor in (trainer, learner):
        with pytest.raises(services.PlanError):
            plan(actor, modules)
    assert not TrainingPlan.objects.exists()


def test_services_plan_update_recomputes_target(inspector, modules, schools):
    """Editing the disciplines recomputes the target rows."""
    maths = teacher(at=schools[0])
    french = teacher(at=schools[0], disciplines=("francais",))
    created = plan(inspector, modules)
    assert _target(created) == {maths.email}
    services.plan_update(
        actor=inspector,
        plan=created,
        data=plan_data(modules, disciplines=list(Discipline.objects.filter(slug="francais"))),
    )
    assert _target(created) == {french.email}


# --- Statuses --------------------------------------------------------------------------------


def _status(p, user, today=None):
    rows = selectors.annotated_targets(p, selectors.required_module_ids(p), today=today)
    return rows.get(user=user).status


def test_selectors_plan_statuses_at_the_boundaries(inspector, modules, schools):
    """Completed needs every module; late from the day after the deadline; withdrawn is idle."""
    done, half, withdrawn, idle = (teacher(at=schools[0]) for _ in range(4))
    for module in modules:
        completed(done, module)
    completed(half, modules[0])
    active(withdrawn, modules[0], status=EnrolmentStatus.WITHDRAWN)
    p = plan(inspector, modules)
    deadline = p.deadline
    assert _status(p, done, deadline) == "completed"
    assert _status(p, half, deadline) == "in_progress"
    assert _status(p, withdrawn, deadline) == "not_started"
    assert _status(p, idle, deadline) == "not_started"
    after = deadline + dt.timedelta(days=1)
    assert _status(p, done, after) == "completed"
    assert _status(p, half, after) == "late"
    assert _status(p, idle, after) == "late"


def test_selectors_plans_of_teacher_own_status_only(inspector, modules, schools):
    """A teacher's plans carry their own status and count of modules completed."""
    claire, other = teacher(at=schools[0]), teacher(at=schools[0])
    completed(claire, modules[0])
    for module in modules:
        completed(other, module)
    p = plan(inspector, modules)
    (mine,) = selectors.plans_of_teacher(claire)
    assert (mine.plan, mine.status, mine.done, mine.required) == (p, "in_progress", 1, 2)
    assert selectors.plans_of_teacher(teacher(at=schools[0], disciplines=("svt",))) == []


# --- Dashboard -------------------------------------------------------------------------------


def test_selectors_dashboard_figures(inspector, modules, schools):
    """Totals, departments, establishments, modules and weeks add up."""
    a, b, c, _d = (teacher(at=s) for s in (schools[0], schools[0], schools[1], schools[2]))
    week_ago = timezone.now() - dt.timedelta(days=7)
    for module in modules:
        completed(a, module, when=week_ago)
        completed(b, module)
    active(c, modules[1])
    p = plan(inspector, modules)
    board = selectors.plan_dashboard(p)
    t = board.totals
    assert (t.size, t.enrolled, t.completed, t.in_progress, t.late, t.not_started) == (
        4, 3, 2, 1, 0, 1,
    )  # fmt: skip
    assert {(dep.code, dep.size, dep.completed) for dep in board.departments} == {
        ("069", 3, 2),
        ("042", 1, 0),
    }
    by_uai = {e.uai: e for e in board.establishments}
    assert by_uai[schools[0].uai].completed == 2 and by_uai[schools[2].uai].not_started == 1
    assert [e.uai for e in board.furthest_behind][:2] == sorted(
        [schools[1].uai, schools[2].uai], key=lambda u: by_uai[u].started_percent
    )
    assert {(m.title, m.enrolled, m.completed) for m in board.modules} == {
        ("GeoGebra", 2, 2),
        ("Évaluer", 3, 2),
    }
    assert sum(w.completions for w in board.weeks) == 2
    assert board.weeks[-1].monday <= timezone.localdate()
    assert teacher(at=schools[0]) and selectors.plan_dashboard(p).totals.size == 4  # Snapshot.


# --- Reminders -------------------------------------------------------------------------------


def test_services_reminder_emails_not_started_once_a_day(inspector, modules, schools):
    """Only teachers with no enrolment are emailed, one message each; again only after 24 h."""
    idle1, idle2, busy = (teacher(at=schools[0]) for _ in range(3))
    active(busy, modules[0])
    p = plan(inspector, modules)
    with pytest.raises(services.PlanError):
        services.plan_reminder_send(actor=teacher(at=schools[0]), plan=p)
    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        reminder = services.plan_reminder_send(actor=inspector, plan=p)
    assert reminder.recipients == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([idle1.email, idle2.email])
    assert all(len(m.to) == 1 and p.title in m.subject for m in mail.outbox)
    with pytest.raises(services.PlanError, match="24"):
        services.plan_reminder_send(actor=inspector, plan=p)
    PlanReminder.objects.update(sent_at=timezone.now() - dt.timedelta(hours=25))
    services.plan_reminder_send(actor=inspector, plan=p)
    assert PlanReminder.objects.count() == 2


def test_services_reminder_refused_when_everybody_started(inspector, modules, schools):
    """Nobody to remind: refused, nothing recorded."""
    active(teacher(at=schools[0]), modules[0])
    p = plan(inspector, modules)
    with pytest.raises(services.PlanError):
        services.plan_reminder_send(actor=inspector, plan=p)
    assert not PlanReminder.objects.exists()


def test_services_plan_create_needs_an_academy(modules):
    """An inspector without an académie cannot create a plan."""
    from tests.campus.factories import UserFactory

    nowhere = UserFactory(academy=None, roles=[Role.INSPECTOR])
    with pytest.raises(services.PlanError):
        plan(nowhere, modules)
    assert Academy.objects.filter(slug="lyon").exists()
