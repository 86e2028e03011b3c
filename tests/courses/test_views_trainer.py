"""The trainer's space over HTTP: permissions, the grid, reminders, announcements, CSV."""

from __future__ import annotations

import csv
import io

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from campus.roles import Role
from courses.models import Announcement, CohortSession, CompletionRule, EnrolmentStatus, Reminder
from tests.campus.factories import EstablishmentFactory, UserFactory
from tests.courses import assessment_helpers as assessment
from tests.courses import factories as f
from tests.courses.learning_helpers import course
from tests.courses.trainer_helpers import cohort, learner_in, progress

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    """A client logged in as ``user``, reading Campus in English (texts checked below)."""
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _urls(group, enrolment=None) -> dict[str, str]:
    base = f"/parcours/mes-groupes/{group.pk}/"
    urls = {
        "detail": base,
        "export": f"{base}export.csv",
        "announce": f"{base}annonce/",
        "quiz": f"{base}quiz/",
    }
    if enrolment is not None:
        urls["remind"] = f"{base}relances/{enrolment.pk}/"
    return urls


# --- Permissions -----------------------------------------------------------------------------


def test_views_my_cohorts_lists_own_cohorts_with_figures(trainer, module):
    """ "Mes groupes" lists the trainer's cohorts with module, learners, progress, reviews."""
    read, *_ = course(module)
    group = cohort(module=module, trainers=[trainer], name="Lyon printemps")
    anne = learner_in(group)
    learner_in(group)
    progress(anne, read)
    cohort(module=module, trainers=[UserFactory()], name="Grenoble automne")

    response = _client(trainer).get("/parcours/mes-groupes/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Lyon printemps" in html
    assert module.title in html
    assert "Grenoble automne" not in html
    assert f'href="/parcours/mes-groupes/{group.pk}/"' in html
    assert "16 %" in html  # (33 + 0) / 2, rounded down.
    assert "<caption>" in html
    assert 'scope="row"' in html


def test_views_my_cohorts_offers_to_create_a_session(trainer, module, catalogue):
    """A trainer may create a cohort of any module, or of a published one they already run."""
    cohort(module=module, trainers=[trainer])
    draft = f.module_page(catalogue=catalogue, title="Brouillon")
    cohort(module=draft, trainers=[trainer])
    draft.unpublish()

    html = _client(trainer).get("/parcours/mes-groupes/").content.decode()

    assert html.count(">Create a session<") == 2  # One for any module, one for module.
    assert 'href="/parcours/mes-groupes/nouveau/"' in html
    assert f'href="/parcours/mes-groupes/nouveau/?module={module.pk}"' in html
    assert f"?module={draft.pk}" not in html  # No cohort of an unpublished module.
    assert f'<span class="fr-sr-only"> — {module.title}</span>' in html
    french = Client()  # Campus speaks French unless asked otherwise.
    french.force_login(trainer)
    assert "Créer une session" in french.get("/parcours/mes-groupes/").content.decode()


def test_views_my_cohorts_no_creation_for_administrators(trainer, module):
    """An administrator reads "Mes groupes" but is not offered what only trainers may do."""
    administrator = UserFactory(roles=[Role.ADMIN])
    cohort(module=module, trainers=[trainer, administrator])

    html = _client(administrator).get("/parcours/mes-groupes/").content.decode()

    assert module.title in html
    assert "Create a session" not in html
    assert "/parcours/mes-groupes/nouveau/" not in html


@pytest.mark.parametrize("persona", ["learner", "outsider", "inspector"])
def test_views_my_cohorts_refused_without_trainer_role(client, request, persona):
    """Logged-in people without the trainer role get a 403."""
    client.force_login(request.getfixturevalue(persona))
    assert client.get("/parcours/mes-groupes/").status_code == 403


@pytest.mark.parametrize("page", ["detail", "export", "announce", "quiz"])
def test_views_cohort_pages_only_for_its_trainers(trainer, learner, module, page):
    """The cohort's trainer gets 200; another trainer 404; a learner 403; anonymous logs in."""
    group = cohort(module=module, trainers=[trainer])
    learner_in(group, user=learner)
    other_trainer = UserFactory(roles=["trainer"])
    url = _urls(group)[page]

    assert _client(trainer).get(url).status_code == 200
    assert _client(other_trainer).get(url).status_code == 404
    assert _client(learner).get(url).status_code == 403
    anonymous = Client().get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/compte/connexion/?next=")


def test_views_cohort_of_nobody_is_404(trainer):
    """An unknown cohort is a 404, like somebody else's."""
    assert _client(trainer).get("/parcours/mes-groupes/999999/").status_code == 404


# What an administrator (the role) and a superuser may do on a cohort they do not train: the
# trainer space lets administrators in but shows them no cohort of others, the set-up pages
# need the trainer role, assessment pages need only a log-in; no cohort is reached but through
# its trainers. A superuser holds every role, so may create a cohort, but no other one either.
_STAFF_ACCESS = [
    # (method, page, administrator's status, superuser's status)
    ("get", "my_cohorts", 200, 200),
    ("get", "cohort_create", 403, 200),
    ("get", "detail", 404, 404),
    ("get", "export", 404, 404),
    ("get", "announce", 404, 404),
    ("get", "quiz", 404, 404),
    ("post", "remind", 404, 404),
    ("get", "settings", 403, 404),
    ("get", "sessions", 403, 404),
    ("get", "session_edit", 403, 404),
    ("post", "session_delete", 403, 404),
    ("get", "members", 403, 404),
    ("post", "member_approve", 403, 404),
    ("post", "member_remove", 403, 404),
    ("get", "import", 403, 404),
    ("get", "reviews", 404, 404),
    ("get", "submission_review", 404, 404),
    ("get", "submission_file", 404, 404),
    ("get", "attendance_sheet", 404, 404),
]


@pytest.mark.parametrize("persona", ["administrator", "superuser"])
def test_views_staff_act_only_on_the_cohorts_they_train(trainer, learner, module, persona):
    """Administrators and superusers reach no cohort they do not train, on any trainer page."""
    step = assessment.assignment_step(module, expects_text=True, expects_file=False)
    group = cohort(module=module, trainers=[trainer])
    enrolment = learner_in(group, user=learner, enrolled_days_ago=30)
    pending = learner_in(group, status=EnrolmentStatus.PENDING)
    session = assessment.session(cohort=group)
    submission = assessment.hand_in(enrolment, step, text="Ma séance")
    urls = {
        **_urls(group, enrolment),
        "my_cohorts": "/parcours/mes-groupes/",
        "cohort_create": "/parcours/mes-groupes/nouveau/",
        "settings": f"/parcours/mes-groupes/{group.pk}/parametres/",
        "sessions": f"/parcours/mes-groupes/{group.pk}/regroupements/",
        "session_edit": f"/parcours/regroupements/{session.pk}/modifier/",
        "session_delete": f"/parcours/regroupements/{session.pk}/supprimer/",
        "members": f"/parcours/mes-groupes/{group.pk}/membres/",
        "member_approve": f"/parcours/mes-groupes/{group.pk}/membres/{pending.pk}/accepter/",
        "member_remove": f"/parcours/mes-groupes/{group.pk}/membres/{enrolment.pk}/retirer/",
        "import": f"/parcours/mes-groupes/{group.pk}/import/",
        "reviews": f"/parcours/mes-groupes/{group.pk}/devoirs/",
        "submission_review": f"/parcours/devoirs/{submission.pk}/evaluation/",
        "submission_file": f"/parcours/devoirs/{submission.pk}/fichier/",
        "attendance_sheet": f"/parcours/seances/{session.pk}/emargement/",
    }
    if persona == "administrator":
        user = UserFactory(roles=[Role.ADMIN])
    else:
        user = UserFactory(is_superuser=True, is_staff=True)
    client = _client(user)

    for method, page, administrator, superuser in _STAFF_ACCESS:
        expected = administrator if persona == "administrator" else superuser
        assert getattr(client, method)(urls[page]).status_code == expected, page

    assert CohortSession.objects.filter(pk=session.pk).exists()
    pending.refresh_from_db()
    enrolment.refresh_from_db()
    assert (pending.status, enrolment.status) == (EnrolmentStatus.PENDING, EnrolmentStatus.ACTIVE)
    assert not Reminder.objects.exists()


# --- The grid --------------------------------------------------------------------------------


def test_views_cohort_grid_is_an_accessible_table(trainer, module):
    """The grid has a caption, column and row headers, and words besides the symbols."""
    read, quiz, _more, session_step = course(module)
    group = cohort(module=module, trainers=[trainer], inactivity_days=7)
    anne = learner_in(group, first_name="Anne", last_name="Bernard", last_active_days_ago=1)
    zoe = learner_in(group, first_name="Zoé", last_name="Vidal", enrolled_days_ago=20)
    progress(anne, read)
    progress(anne, quiz, "started", score=0.5)
    session = CohortSession.objects.create(
        cohort=group, step=session_step, title="Regroupement", starts_at=group.created
    )

    html = _client(trainer).get(_urls(group)["detail"]).content.decode()

    assert '<caption id="grid-caption">' in html
    assert html.count('<th scope="col" class="campus-grid__step">') == 4
    assert '<th scope="row" class="campus-grid__learner">Anne Bernard' in html
    assert '<span class="fr-sr-only">completed</span>' in html
    assert '<span class="fr-sr-only">started</span> 50 %' in html
    assert '<span class="fr-sr-only">not started</span>' in html
    assert "campus-grid__row--inactive" in html
    assert f"/parcours/mes-groupes/{group.pk}/relances/{zoe.pk}/" in html  # Remind Zoé.
    assert f"/relances/{anne.pk}/" not in html  # Anne is active.
    assert "Regroupement" in html
    assert session.title in html


def test_views_cohort_detail_links_every_page_of_the_cohort(trainer, module):
    """From the grid a trainer reaches members, sessions, import, reviews, each attendance sheet."""
    group = cohort(module=module, trainers=[trainer])
    session = CohortSession.objects.create(cohort=group, title="Atelier", starts_at=group.created)
    base = f"/parcours/mes-groupes/{group.pk}/"

    html = _client(trainer).get(base).content.decode()

    assert f'<a class="fr-btn" href="{base}" aria-current="page">Progress</a>' in html
    for page in ("membres/", "regroupements/", "import/", "parametres/", "quiz/"):
        assert html.count(f'href="{base}{page}"') == 1, page
    assert html.count(f'href="{base}devoirs/"') == 1
    assert html.count(f'href="/parcours/seances/{session.pk}/emargement/"') == 1


def _grid_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _populated_cohort(trainer, catalogue, learners: int, steps: int):
    module = f.module_page(catalogue=catalogue)
    pages = [
        f.step_page(module=module, completion_rule=CompletionRule.QUIZ_PASSED if n else "viewed")
        for n in range(steps)
    ]
    group = cohort(module=module, trainers=[trainer])
    for n in range(learners):
        enrolment = learner_in(group, enrolled_days_ago=30 if n % 2 else 0)
        for page in pages[: n % (steps + 1)]:
            progress(enrolment, page, score=0.8)
        if n % 3 == 0:
            Reminder.objects.create(enrolment=enrolment, sent_by=trainer)
    CohortSession.objects.create(cohort=group, title="Séance", starts_at=group.created)
    Announcement.objects.create(cohort=group, author=trainer, subject="Bienvenue", body="…")
    return group


@pytest.mark.parametrize("page", ["detail", "export", "quiz"])
def test_views_cohort_grid_query_count_is_constant(trainer, catalogue, page):
    """The grid, its export and quiz results cost as many queries for 12 x 5 as for 3 x 2."""
    small = _populated_cohort(trainer, catalogue, learners=3, steps=2)
    large = _populated_cohort(trainer, catalogue, learners=12, steps=5)
    client = _client(trainer)
    client.get(_urls(small)["detail"])  # Warm the site root paths cache.

    small_count = _grid_queries(client, _urls(small)[page])
    large_count = _grid_queries(client, _urls(large)[page])

    assert small_count == large_count
    assert large_count <= 14


# --- Reminders -------------------------------------------------------------------------------


def test_views_remind_sends_once_then_explains_the_refusal(
    trainer, learner, module, django_capture_on_commit_callbacks
):
    """One click emails the learner; a second click within 24 h says why nothing was sent."""
    course(module)
    group = cohort(module=module, trainers=[trainer])
    enrolment = learner_in(group, user=learner, enrolled_days_ago=30)
    url = _urls(group, enrolment)["remind"]
    client = _client(trainer)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == f"/parcours/mes-groupes/{group.pk}/#inactive"
    assert len(mail.outbox) == 1
    assert Reminder.objects.filter(enrolment=enrolment, sent_by=trainer).count() == 1

    response = client.post(url, follow=True)
    html = response.content.decode()
    assert "24 hours" in html
    assert len(mail.outbox) == 1
    assert Reminder.objects.count() == 1


def test_views_remind_is_post_only_and_for_the_cohorts_trainers(trainer, learner, module):
    """GET is refused; another trainer gets 404 and sends nothing; a stranger's learner too."""
    group = cohort(module=module, trainers=[trainer])
    enrolment = learner_in(group, user=learner)
    url = _urls(group, enrolment)["remind"]
    other_group = cohort(module=module, trainers=[trainer])
    stranger = learner_in(cohort(module=module))

    assert _client(trainer).get(url).status_code == 405
    assert _client(UserFactory(roles=["trainer"])).post(url).status_code == 404
    assert _client(trainer).post(_urls(other_group, stranger)["remind"]).status_code == 404
    assert not Reminder.objects.exists()


# --- Announcements ---------------------------------------------------------------------------


def test_views_announce_posts_emails_and_shows_on_my_training(
    trainer, learner, module, django_capture_on_commit_callbacks
):
    """The announcement is emailed to active learners and read on their "Ma formation"."""
    group = cohort(module=module, trainers=[trainer], name="Lyon 2026")
    learner_in(group, user=learner)
    learner_in(group, status=EnrolmentStatus.PENDING)
    url = _urls(group)["announce"]

    with django_capture_on_commit_callbacks(execute=True):
        response = _client(trainer).post(
            url, {"subject": "Salle changée", "body": "Rendez-vous en B12."}
        )

    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [[learner.email]]
    html = _client(learner).get("/parcours/ma-formation/").content.decode()
    assert "Salle changée" in html
    assert "Rendez-vous en B12." in html
    assert "Lyon 2026" in html


def test_views_announce_shows_errors_for_a_blank_form(trainer, module):
    """An empty subject or message is a form error, nothing is posted."""
    group = cohort(module=module, trainers=[trainer])

    response = _client(trainer).post(_urls(group)["announce"], {"subject": "", "body": " "})

    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"subject", "body"}
    assert not Announcement.objects.exists()


def test_views_announce_refused_to_another_trainer(trainer, module):
    """Another trainer's POST is a 404 and stores nothing."""
    group = cohort(module=module, trainers=[UserFactory()])

    response = _client(trainer).post(_urls(group)["announce"], {"subject": "S", "body": "B"})

    assert response.status_code == 404
    assert not Announcement.objects.exists()


# --- CSV export ------------------------------------------------------------------------------


def test_views_export_is_a_french_excel_csv(trainer, module):
    """UTF-8 with a BOM, ";" separated: a header, then one row per learner of the cohort."""
    read, quiz, more, session = course(module)
    group = cohort(module=module, trainers=[trainer], name="Lyon printemps")
    school = EstablishmentFactory()
    anne = learner_in(
        group, first_name="Anne", last_name="Bernard", establishment=school, last_active_days_ago=1
    )
    learner_in(group, first_name="=HYPERLINK(1)", last_name="Vidal")
    learner_in(group, status=EnrolmentStatus.WITHDRAWN)
    progress(anne, read)
    progress(anne, quiz, "started", score=0.45)

    response = _client(trainer).get(_urls(group)["export"])

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="lyon-printemps-')
    raw = b"".join(response.streaming_content)
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    header, *learners = rows
    assert header[:6] == ["Name", "Email", "UAI", "Status", "Progress (%)", "Last activity"]
    assert header[6:10] == [read.title, quiz.title, more.title, session.title]
    assert header[10:] == [f"Score (%) — {quiz.title}"]
    assert len(learners) == 2
    row = learners[0]
    assert row[:5] == ["Anne Bernard", anne.user.email, school.uai, "In progress", "33"]
    assert row[5]  # The last activity date.
    assert row[6:10] == ["completed", "started", "—", "—"]
    assert row[10] == "45"
    assert learners[1][0] == "'=HYPERLINK(1) Vidal"  # Not a formula in a spreadsheet.
