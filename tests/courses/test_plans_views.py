"""Training plans over HTTP: permissions, the form, dashboard, drill-down, exports, reminder."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.conf import settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from campus.models import Discipline
from campus.roles import Role
from courses.models import PlanReminder, TrainingPlan
from tests.campus.factories import UserFactory
from tests.courses import factories as f
from tests.courses.plan_helpers import active, completed, establishment, plan, teacher

pytestmark = pytest.mark.django_db


def _client(user=None) -> Client:
    """A client (logged in as ``user`` when given), reading Campus in English."""
    client = Client()
    if user is not None:
        client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def modules(catalogue):
    return [f.module_page(catalogue=catalogue, title=t) for t in ("GeoGebra", "Évaluer")]


@pytest.fixture
def school(db):
    return establishment("069", name="Collège Jean Moulin")


@pytest.fixture
def the_plan(inspector, modules, school):
    """Sophie's plan for the maths teachers of Lyon: Claire (started), Paul (not started)."""
    claire = teacher(at=school, first_name="Claire", last_name="Martin", email="c@ac-lyon.fr")
    teacher(at=school, first_name="Paul", last_name="Durand", email="p@ac-lyon.fr")
    active(claire, modules[0])
    return plan(inspector, modules)


@pytest.fixture
def lyon_admin(db):
    """An administrator of the académie of Lyon (inspector space, but no inspector role)."""
    return UserFactory(email="admin@ac-lyon.fr", roles=[Role.ADMIN])


@pytest.fixture
def grenoble_inspector(db):
    return teacher(academy="grenoble", roles=(Role.INSPECTOR,), email="ipr@ac-grenoble.fr")


def _urls(p) -> dict[str, str]:
    base = f"/parcours/plans/{p.pk}/"
    return {
        "dashboard": base,
        "update": f"{base}modifier/",
        "csv": f"{base}export.csv",
        "xlsx": f"{base}export.xlsx",
        "remind": f"{base}relance/",
    }


# --- Permissions -----------------------------------------------------------------------------


def test_views_plans_anonymous_sent_to_log_in(the_plan):
    """Anonymous visitors are sent to the log-in page for every plan page."""
    for url in ["/parcours/plans/", "/parcours/plans/nouveau/", *_urls(the_plan).values()]:
        response = _client().get(url)
        assert response.status_code == 302 and "/compte/connexion/" in response["Location"]


@pytest.mark.parametrize("persona", ["learner", "trainer", "outsider"])
def test_views_plans_refused_without_inspector_space(request, the_plan, persona):
    """Teachers, trainers and people without a role get a 403 everywhere."""
    client = _client(request.getfixturevalue(persona))
    for url in ["/parcours/plans/", "/parcours/plans/nouveau/", *_urls(the_plan).values()]:
        assert client.get(url).status_code == 403, url


def test_views_plans_other_academie_is_404(the_plan, grenoble_inspector):
    """An inspector of another académie does not see the plan: 404, and not in the list."""
    client = _client(grenoble_inspector)
    for url in _urls(the_plan).values():
        assert client.get(url).status_code == 404, url
    assert client.post(_urls(the_plan)["remind"]).status_code == 404
    response = client.get("/parcours/plans/")
    assert response.status_code == 200 and the_plan.title not in response.content.decode()


def test_views_plans_inspector_sees_everything(the_plan, inspector, school):
    """The académie's inspector sees the list, dashboard, drill-down with names, exports."""
    client = _client(inspector)
    assert the_plan.title in client.get("/parcours/plans/").content.decode()
    dashboard = client.get(_urls(the_plan)["dashboard"]).content.decode()
    assert "Collège Jean Moulin" in dashboard and "Martin" not in dashboard
    drill = client.get(f"/parcours/plans/{the_plan.pk}/etablissements/{school.pk}/")
    assert drill.status_code == 200
    assert "Claire Martin" in drill.content.decode() and "Paul Durand" in drill.content.decode()
    for key in ("csv", "xlsx", "remind", "update"):
        assert client.get(_urls(the_plan)[key]).status_code == 200, key


def test_views_plans_admin_sees_figures_not_names(the_plan, lyon_admin, school):
    """An administrator of the académie sees the dashboard, but no names, exports or actions."""
    client = _client(lyon_admin)
    response = client.get(_urls(the_plan)["dashboard"])
    assert response.status_code == 200
    assert f"/etablissements/{school.pk}/" not in response.content.decode()
    assert (
        client.get(f"/parcours/plans/{the_plan.pk}/etablissements/{school.pk}/").status_code == 403
    )
    for key in ("csv", "xlsx"):
        assert client.get(_urls(the_plan)[key]).status_code == 403
    assert client.get(_urls(the_plan)["remind"]).status_code == 404
    assert client.get("/parcours/plans/nouveau/").status_code == 403


def test_views_plans_drill_down_unknown_establishment_404(the_plan, inspector):
    """An establishment outside the plan's target is a 404."""
    other = establishment("069")
    url = f"/parcours/plans/{the_plan.pk}/etablissements/{other.pk}/"
    assert _client(inspector).get(url).status_code == 404


def test_views_inspector_space_links_to_plans(inspector):
    """The inspector space links to the plans list."""
    assert "/parcours/plans/" in _client(inspector).get("/espace/inspecteur/").content.decode()


# --- The form --------------------------------------------------------------------------------


def _form(required, **overrides) -> dict:
    data = {
        "title": "Plan GeoGebra",
        "description": "",
        "disciplines": [Discipline.objects.get(slug="mathematiques").pk],
        "degree": "",
        "target_kind": "discipline",
        "target_uais": "",
        "modules": [m.pk for m in required],
        "deadline": (timezone.localdate() + dt.timedelta(days=60)).isoformat(),
    }
    data.update(overrides)
    return data


def test_views_plan_create(inspector, modules, school):
    """A valid form creates the plan of the inspector's académie and shows its dashboard."""
    teacher(at=school)
    response = _client(inspector).post("/parcours/plans/nouveau/", _form(modules))
    created = TrainingPlan.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/parcours/plans/{created.pk}/"
    assert created.academy == inspector.academy and created.targets.count() == 1
    assert set(created.modules.all()) == set(modules)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"deadline": "2020-01-01"}, "The deadline cannot be in the past."),
        ({"disciplines": []}, "A plan by discipline needs at least one discipline."),
        ({"modules": []}, "This field is required."),
        ({"target_kind": "etablissements", "target_uais": "1234"}, "7 digits"),
        ({"target_kind": "etablissements", "target_uais": ""}, "Give at least one UAI code."),
        ({"target_kind": "departements"}, "Choose at least one department."),
        ({"target_kind": "liste"}, "Import a list"),
    ],
)
def test_views_plan_create_invalid(inspector, modules, school, overrides, message):
    """Each invalid form is shown again with its error, and nothing is created."""
    response = _client(inspector).post("/parcours/plans/nouveau/", _form(modules, **overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not TrainingPlan.objects.exists()


def test_views_plan_create_imported_list_errors(inspector, modules, school):
    """An imported list with bad lines is refused whole, each line's error shown."""
    good = teacher(at=school)
    upload = SimpleUploadedFile("liste.csv", f"{good.email}\nnobody@ac-lyon.fr\n".encode())
    response = _client(inspector).post(
        "/parcours/plans/nouveau/",
        _form(modules, target_kind="liste", disciplines=[], imported_file=upload),
    )
    assert response.status_code == 200
    assert (
        "Line 2" in response.content.decode() and "nobody@ac-lyon.fr" in response.content.decode()
    )
    assert not TrainingPlan.objects.exists()


def test_views_plan_create_imported_list(inspector, modules, school):
    """A good imported list becomes the target."""
    good = teacher(at=school, disciplines=("svt",))
    upload = SimpleUploadedFile("liste.csv", f"courriel\n{good.email}\n".encode())
    response = _client(inspector).post(
        "/parcours/plans/nouveau/",
        _form(modules, target_kind="liste", disciplines=[], imported_file=upload),
    )
    assert response.status_code == 302
    assert list(TrainingPlan.objects.get().targets.values_list("user", flat=True)) == [good.pk]


def test_views_plan_update(the_plan, inspector, modules):
    """Editing the title keeps the plan and recomputes its target."""
    response = _client(inspector).post(
        _urls(the_plan)["update"],
        _form(modules, title="Nouveau titre", deadline=the_plan.deadline.isoformat()),
    )
    assert response.status_code == 302
    the_plan.refresh_from_db()
    assert the_plan.title == "Nouveau titre" and the_plan.targets.count() == 2


# --- Dashboard -------------------------------------------------------------------------------


def test_views_plan_dashboard_figures_and_chart(the_plan, inspector, modules):
    """The figures, the SVG chart and its data table are on the page."""
    claire = the_plan.targets.get(user__first_name="Claire").user
    completed(claire, modules[1])
    claire.enrolments.filter(module=modules[0]).update(
        status="completed", completed_at=timezone.now()
    )
    page = _client(inspector).get(_urls(the_plan)["dashboard"]).content.decode()
    assert '<svg role="img"' in page and "Completions per week (data of the chart)" in page
    assert "Establishments furthest behind" in page


def _count_queries(client, url, django_assert_num_queries, expected):
    with django_assert_num_queries(expected):
        assert client.get(url).status_code == 200


def test_views_plan_dashboard_query_count_pinned(inspector, modules, django_assert_num_queries):
    """The dashboard costs the same queries for 3 teachers in 1 school as for 12 in 4."""
    schools = [establishment("069"), establishment("042")]
    for n in range(3):
        completed(teacher(at=schools[n % 2]), modules[0])
    small = plan(inspector, modules)
    more = [establishment("069"), establishment("001")]
    for n in range(12):
        active(teacher(at=(schools + more)[n % 4]), modules[n % 2])
    large = plan(inspector, modules, title="Grand plan")
    client = _client(inspector)
    client.get(_urls(small)["dashboard"])  # Warm the site root paths cache.
    # Session, user; the plan; modules, module counts, establishments, weeks, last reminder;
    # the page furniture: permissions (user, group), groups (roles), unread notifications.
    _count_queries(client, _urls(small)["dashboard"], django_assert_num_queries, 12)
    _count_queries(client, _urls(large)["dashboard"], django_assert_num_queries, 12)


# --- Exports ---------------------------------------------------------------------------------


def test_views_plan_export_csv(the_plan, inspector, school):
    """The CSV lists every teacher with UAI, status and modules completed, French style."""
    response = _client(inspector).get(_urls(the_plan)["csv"])
    assert response.streaming and response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:3] == ["Last name", "First name", "Email"]
    body = {row[1]: row for row in rows[1:]}
    assert set(body) == {"Claire", "Paul"}
    assert body["Claire"][3] == school.uai and body["Claire"][7] == "In progress"
    assert body["Paul"][7] == "Not started" and body["Paul"][6] == "0"


def test_views_plan_export_xlsx(the_plan, inspector):
    """The workbook holds the summary, establishments, modules and teachers sheets."""
    response = _client(inspector).get(_urls(the_plan)["xlsx"])
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Summary", "Establishments", "Modules", "Teachers"]
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(values_only=True)}
    assert summary["Target"] == 2 and summary["Enrolled"] == 1
    teachers = list(book["Teachers"].iter_rows(values_only=True))
    assert len(teachers) == 3 and {t[1] for t in teachers[1:]} == {"Claire", "Paul"}


# --- Reminder --------------------------------------------------------------------------------


def test_views_plan_remind_confirm_then_send_once(
    the_plan, inspector, django_capture_on_commit_callbacks
):
    """GET shows how many; POST emails the not-started teacher; a second POST is refused."""
    client = _client(inspector)
    assert (
        "1 teacher of the plan has not started"
        in client.get(_urls(the_plan)["remind"]).content.decode()
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_urls(the_plan)["remind"], follow=True)
    assert [m.to for m in mail.outbox] == [["p@ac-lyon.fr"]]
    assert "A reminder is being emailed to 1 teacher" in response.content.decode()
    response = client.post(_urls(the_plan)["remind"], follow=True)
    assert "wait 24 hours" in response.content.decode()
    assert PlanReminder.objects.count() == 1 and len(mail.outbox) == 1
    assert "wait 24 hours" in client.get(_urls(the_plan)["remind"]).content.decode()


# --- The teacher's side ----------------------------------------------------------------------


def test_views_my_training_lists_own_plans_only(the_plan):
    """A teacher of the target sees the plan with their own status, nobody else's."""
    claire = the_plan.targets.get(user__first_name="Claire").user
    page = _client(claire).get("/parcours/ma-formation/").content.decode()
    assert the_plan.title in page and "In progress" in page and "0 of 2" in page
    assert "Paul" not in page and "Durand" not in page
    outsider = teacher(disciplines=("svt",))
    assert the_plan.title not in _client(outsider).get("/parcours/ma-formation/").content.decode()


def test_views_plans_superuser_sees_figures_of_any_academie(the_plan):
    """A superuser (no académie) sees every plan's dashboard but no teacher's name."""
    admin = UserFactory(email="root@example.org", academy=None, is_superuser=True, is_staff=True)
    client = _client(admin)
    assert the_plan.title in client.get("/parcours/plans/").content.decode()
    assert client.get(_urls(the_plan)["dashboard"]).status_code == 200
    assert client.get(_urls(the_plan)["csv"]).status_code == 403
