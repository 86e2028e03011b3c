"""Cohort pages: joining from the module page; the trainers' set-up pages and permissions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.utils import timezone

from campus.models import User
from campus.roles import Role
from courses import services_cohorts
from courses.models import Cohort, CohortSession, CompletionRule, Enrolment, EnrolmentStatus
from tests.campus.factories import UserFactory
from tests.courses import cohort_helpers as c
from tests.courses import factories as f
from tests.courses.learning_helpers import REGISTERED, statements_of

pytestmark = pytest.mark.django_db


def _client(user=None) -> Client:
    """A client in English (the msgids), logged in as ``user`` when given."""
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if user is not None:
        client.force_login(user)
    return client


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def cohort(module, trainer):
    """Karim's cohort of the module: key "geo-2025", approval for the others, 10 places."""
    return c.cohort(module=module, trainers=[trainer], enrolment_key="geo-2025", capacity=10)


@pytest.fixture
def other_trainer(db):
    """Nadia, a trainer who does not run Karim's cohort."""
    return UserFactory(email="nadia@ac-lyon.fr", roles=[Role.TRAINER])


# --- The module page and the catalogue -------------------------------------------------------


def _render_open_cohorts(module, user) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return render_to_string(
        "courses/cohorts/open_cohorts.html", {"page": module, "request": request}
    )


def test_views_module_page_lists_open_cohorts_with_places_and_sessions(
    client, module, cohort, trainer
):
    """The module page shows its open cohorts: dates, places left, sessions, key field."""
    c.session(cohort=cohort, title="Regroupement à Lyon", place="INSPE de Lyon")
    services_cohorts.cohort_join(actor=UserFactory(), cohort=cohort)  # A request: 9 left.
    c.cohort(module=module, trainers=[trainer], name="Fermée", is_open=False)
    c.cohort(
        module=module,
        trainers=[trainer],
        name="Passée",
        starts_on=dt.date(2020, 1, 1),
        ends_on=dt.date(2020, 2, 1),
    )

    html = _client().get(module.url).content.decode()

    assert "Session de printemps" in html
    assert "9 places left" in html
    assert "Regroupement à Lyon" in html
    assert "Karim Benali" in html
    assert "Fermée" not in html
    assert "Passée" not in html
    assert "Log in to join" in html  # Anonymous visitors are sent to log in.


def test_views_open_cohorts_partial_offers_the_right_form(learner, module, trainer):
    """Key field for a cohort with a key, "ask to join" with approval only, "full" when full."""
    c.cohort(module=module, trainers=[trainer], name="Avec clé", enrolment_key="k")
    c.cohort(module=module, trainers=[trainer], name="Sur demande")
    c.cohort(module=module, trainers=[trainer], name="Complète", capacity=0)

    html = _render_open_cohorts(module, learner)

    assert html.count('name="key"') == 1
    assert html.count("Ask to join this cohort") == 1
    assert "This cohort is full." in html
    assert "Run a cohort of this module" not in html  # Learners do not run cohorts.
    assert "Run a cohort of this module" in _render_open_cohorts(module, trainer)


def test_views_open_cohorts_partial_shows_the_learners_own_state(learner, module, cohort):
    """A learner who asked sees their request waiting instead of the form."""
    services_cohorts.cohort_join(actor=learner, cohort=cohort)

    html = _render_open_cohorts(module, learner)

    assert "Your request awaits a trainer" in html
    assert 'name="key"' not in html


def test_views_open_cohorts_partial_query_count_is_constant(
    learner, module, trainer, django_assert_num_queries
):
    """The partial costs the same queries for one cohort as for five (with sessions)."""
    c.session(cohort=c.cohort(module=module, trainers=[trainer]))
    with django_assert_num_queries(5) as captured:
        _render_open_cohorts(module, learner)
    for _ in range(4):
        c.session(cohort=c.cohort(module=module, trainers=[trainer, UserFactory()]))
    learner = User.objects.get(pk=learner.pk)  # Roles are cached on the instance.
    with django_assert_num_queries(len(captured.captured_queries)):
        html = _render_open_cohorts(module, learner)
    assert html.count("fr-card__title") == 5


def test_views_catalogue_badges_modules_with_open_cohorts(client, catalogue, module, trainer):
    """A catalogue card says when its module has open sessions."""
    other = f.module_page(catalogue=catalogue, title="Sans session")
    c.cohort(module=module, trainers=[trainer])

    html = _client().get(catalogue.url).content.decode()

    cards = html.split('class="fr-card ')
    [with_cohort] = [card for card in cards if module.title in card]
    [without] = [card for card in cards if other.title in card]
    assert "Open sessions" in with_cohort
    assert "Open sessions" not in without


# --- Joining ---------------------------------------------------------------------------------


def _join_url(cohort) -> str:
    return f"/parcours/groupes/{cohort.pk}/rejoindre/"


def test_views_cohort_join_with_the_key(learner, cohort):
    """The right key makes the learner a member and takes them back to the module page."""
    response = _client(learner).post(_join_url(cohort), {"key": "geo-2025"})

    assert response.status_code == 302
    assert response.url == cohort.module.url
    enrolment = Enrolment.objects.get(user=learner)
    assert (enrolment.status, enrolment.cohort) == (EnrolmentStatus.ACTIVE, cohort)
    assert len(statements_of(enrolment, REGISTERED)) == 1
    assert _messages(response) == ["You have joined the cohort « Session de printemps »."]


def test_views_cohort_join_request(learner, cohort):
    """Without the key, the request is sent and the learner is told so."""
    response = _client(learner).post(_join_url(cohort), {"key": ""})

    assert Enrolment.objects.get(user=learner).status == EnrolmentStatus.PENDING
    assert "sent to its trainers" in _messages(response)[0]


def test_views_cohort_join_wrong_key_says_so(learner, cohort):
    """A wrong key comes back as an error message, and nothing is written."""
    response = _client(learner).post(_join_url(cohort), {"key": "nope"})

    assert response.status_code == 302
    assert not Enrolment.objects.exists()
    assert _messages(response) == ["This enrolment key is not the right one. Check it and retry."]


def test_views_cohort_join_closed_cohort_says_so(learner, module, trainer):
    """A closed cohort refuses with a message."""
    closed = c.cohort(module=module, trainers=[trainer], is_open=False)

    response = _client(learner).post(_join_url(closed), {"key": ""})

    assert _messages(response) == ["This cohort is closed to requests."]
    assert not Enrolment.objects.exists()


def test_views_cohort_join_needs_post_and_login(learner, cohort):
    """Joining is a logged-in POST; an unknown cohort is a 404."""
    assert _client(learner).get(_join_url(cohort)).status_code == 405
    anonymous = _client().post(_join_url(cohort), {"key": "geo-2025"})
    assert anonymous.status_code == 302
    assert anonymous.url.startswith("/compte/connexion/")
    assert _client(learner).post("/parcours/groupes/999999/rejoindre/").status_code == 404
    assert not Enrolment.objects.exists()


# --- Trainers: permissions -------------------------------------------------------------------


def _trainer_urls(cohort, session, enrolment) -> list[tuple[str, str]]:
    base = f"/parcours/mes-groupes/{cohort.pk}"
    return [
        ("get", f"{base}/parametres/"),
        ("get", f"{base}/regroupements/"),
        ("get", f"/parcours/regroupements/{session.pk}/modifier/"),
        ("post", f"/parcours/regroupements/{session.pk}/supprimer/"),
        ("get", f"{base}/membres/"),
        ("post", f"{base}/membres/{enrolment.pk}/accepter/"),
        ("post", f"{base}/membres/{enrolment.pk}/refuser/"),
        ("post", f"{base}/membres/{enrolment.pk}/retirer/"),
        ("get", f"{base}/import/"),
    ]


def test_views_cohort_trainer_pages_permissions(cohort, trainer, other_trainer, learner, outsider):
    """Its trainers reach every set-up page; other trainers get 404, others 403, visitors log in."""
    session = c.session(cohort=cohort)
    enrolment = services_cohorts.cohort_join(actor=learner, cohort=cohort)
    urls = _trainer_urls(cohort, session, enrolment)

    for method, url in urls:
        assert getattr(_client(other_trainer), method)(url).status_code == 404, url
        assert getattr(_client(learner), method)(url).status_code == 403, url
        assert getattr(_client(outsider), method)(url).status_code == 403, url
        anonymous = getattr(_client(), method)(url)
        assert anonymous.status_code == 302 and "/compte/connexion/" in anonymous.url, url
    assert CohortSession.objects.filter(pk=session.pk).exists()
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.PENDING

    for method, url in urls:
        if method == "get":
            assert _client(trainer).get(url).status_code == 200, url


def test_views_cohort_create_permissions(learner, outsider, trainer):
    """Only trainers reach the creation form."""
    assert _client(learner).get("/parcours/mes-groupes/nouveau/").status_code == 403
    assert _client(outsider).get("/parcours/mes-groupes/nouveau/").status_code == 403
    assert _client(trainer).get("/parcours/mes-groupes/nouveau/").status_code == 200


def test_views_cohort_action_on_an_enrolment_of_another_cohort_is_404(
    cohort, trainer, module, learner
):
    """A trainer cannot reach another cohort's enrolment through their own cohort's URL."""
    elsewhere = c.cohort(module=module, trainers=[UserFactory(roles=[Role.TRAINER])])
    enrolment = services_cohorts.cohort_join(actor=learner, cohort=elsewhere)

    url = f"/parcours/mes-groupes/{cohort.pk}/membres/{enrolment.pk}/accepter/"
    assert _client(trainer).post(url).status_code == 404
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.PENDING


# --- Trainers: creating and editing ----------------------------------------------------------


def _cohort_data(module=None, **extra) -> dict:
    today = timezone.localdate()
    data = {
        "name": "Groupe du jeudi",
        "starts_on": today.isoformat(),
        "ends_on": (today + dt.timedelta(days=30)).isoformat(),
        "capacity": "25",
        "is_open": "on",
        "enrolment_key": "",
        "requires_approval": "on",
        "inactivity_days": "14",
    }
    if module is not None:
        data["module"] = str(module.pk)
    return {**data, **extra}


def test_views_cohort_create_makes_the_trainer_its_trainer(trainer, module):
    """Creating a cohort makes the trainer its trainer and leads to its sessions page."""
    response = _client(trainer).post("/parcours/mes-groupes/nouveau/", _cohort_data(module))

    cohort = Cohort.objects.get()
    assert response.status_code == 302
    assert response.url == f"/parcours/mes-groupes/{cohort.pk}/regroupements/"
    assert list(cohort.trainers.all()) == [trainer]
    assert (cohort.name, cohort.capacity, cohort.module) == ("Groupe du jeudi", 25, module)


def test_views_cohort_create_form_errors(trainer, module, catalogue):
    """Dates out of order and an unpublished module are form errors; nothing is created."""
    draft = f.module_page(catalogue=catalogue, title="Brouillon")
    draft.unpublish()
    today = timezone.localdate()

    bad_dates = _client(trainer).post(
        "/parcours/mes-groupes/nouveau/",
        _cohort_data(module, ends_on=(today - dt.timedelta(days=1)).isoformat()),
    )
    bad_module = _client(trainer).post("/parcours/mes-groupes/nouveau/", _cohort_data(draft))

    assert bad_dates.status_code == 200
    assert "The cohort cannot end before it starts." in bad_dates.content.decode()
    assert bad_module.status_code == 200
    assert "module" in bad_module.context["form"].errors
    assert not Cohort.objects.exists()


def test_views_cohort_create_offers_live_modules_and_preselects(trainer, module, catalogue):
    """The module chooser lists published modules only; ?module= preselects one."""
    draft = f.module_page(catalogue=catalogue, title="Brouillon")
    draft.unpublish()

    response = _client(trainer).get(f"/parcours/mes-groupes/nouveau/?module={module.pk}")

    choices = list(response.context["form"].fields["module"].queryset)
    assert choices == [module]
    assert response.context["form"].initial["module"] == str(module.pk)


def test_views_cohort_update_saves_and_shows_service_errors(trainer, cohort, learner):
    """Settings are saved; a capacity under the seats taken is shown as an error."""
    services_cohorts.cohort_join(actor=learner, cohort=cohort)
    url = f"/parcours/mes-groupes/{cohort.pk}/parametres/"
    data = _cohort_data(starts_on=cohort.starts_on.isoformat(), ends_on=cohort.ends_on.isoformat())

    saved = _client(trainer).post(url, {**data, "name": "Renommée"})
    refused = _client(trainer).post(url, {**data, "capacity": "0"})

    assert saved.status_code == 302
    cohort.refresh_from_db()
    assert (cohort.name, cohort.capacity) == ("Renommée", 25)
    assert refused.status_code == 200
    assert "1 seats are already taken" in refused.content.decode()


# --- Trainers: sessions ----------------------------------------------------------------------


def _session_data(**extra) -> dict:
    start = timezone.localtime() + dt.timedelta(days=3)
    return {
        "title": "Regroupement 1",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": "180",
        "place": "INSPE de Lyon",
        "address": "5 rue Anselme",
        "virtual_class_url": "",
        "step": "",
        **extra,
    }


def test_views_cohort_sessions_add_with_an_attended_step(trainer, cohort):
    """A session is added, tied to an "attended" step; other steps are not offered."""
    attended = f.step_page(module=cohort.module, completion_rule=CompletionRule.ATTENDED)
    f.step_page(module=cohort.module, completion_rule=CompletionRule.VIEWED)
    url = f"/parcours/mes-groupes/{cohort.pk}/regroupements/"

    page = _client(trainer).get(url)
    response = _client(trainer).post(url, _session_data(step=str(attended.pk)))

    assert list(page.context["form"].fields["step"].queryset) == [attended]
    assert response.status_code == 302
    session = cohort.sessions.get()
    assert (session.title, session.step) == ("Regroupement 1", attended)


def test_views_cohort_sessions_add_outside_the_cohort_is_an_error(trainer, cohort):
    """A session after the cohort's end is refused on the form."""
    late = timezone.localtime() + dt.timedelta(days=90)
    response = _client(trainer).post(
        f"/parcours/mes-groupes/{cohort.pk}/regroupements/",
        _session_data(starts_at=late.strftime("%Y-%m-%dT%H:%M")),
    )

    assert response.status_code == 200
    assert "between the cohort&#x27;s start and end dates" in response.content.decode()
    assert not cohort.sessions.exists()


def test_views_cohort_session_update_and_delete(trainer, cohort):
    """A session is edited, then deleted (POST only)."""
    session = c.session(cohort=cohort)
    edit = f"/parcours/regroupements/{session.pk}/modifier/"
    delete = f"/parcours/regroupements/{session.pk}/supprimer/"

    response = _client(trainer).post(edit, _session_data(title="Renommé"))
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.title == "Renommé"

    assert _client(trainer).get(delete).status_code == 405
    assert _client(trainer).post(delete).status_code == 302
    assert not CohortSession.objects.exists()


# --- Trainers: members -----------------------------------------------------------------------


def test_views_cohort_members_lists_requests_and_members(trainer, cohort, learner):
    """The members page lists requests to answer and members with their status."""
    asking = UserFactory(first_name="Paul", last_name="Durand")
    services_cohorts.cohort_join(actor=asking, cohort=cohort)
    services_cohorts.cohort_member_add(actor=trainer, cohort=cohort, email=learner.email)

    response = _client(trainer).get(f"/parcours/mes-groupes/{cohort.pk}/membres/")

    assert [e.user for e in response.context["pending"]] == [asking]
    assert [e.user for e in response.context["members"]] == [learner]
    html = response.content.decode()
    assert "2 seats taken out of 10." in html
    assert "Approve" in html
    assert "In progress" in html  # The status in words, not only in colour.


def test_views_cohort_members_approve_decline_remove(trainer, cohort, learner):
    """Approve a request, decline another, remove a member: each redirects with a message."""
    base = f"/parcours/mes-groupes/{cohort.pk}/membres"
    approved = services_cohorts.cohort_join(actor=learner, cohort=cohort)
    declined = services_cohorts.cohort_join(actor=UserFactory(), cohort=cohort)
    client = _client(trainer)

    response = client.post(f"{base}/{approved.pk}/accepter/")
    assert response.status_code == 302
    assert response.url == f"{base}/"
    client.post(f"{base}/{declined.pk}/refuser/")
    approved.refresh_from_db()
    declined.refresh_from_db()
    assert approved.status == EnrolmentStatus.ACTIVE
    assert (declined.status, declined.cohort) == (EnrolmentStatus.WITHDRAWN, None)

    removed = client.post(f"{base}/{approved.pk}/retirer/")
    approved.refresh_from_db()
    assert approved.status == EnrolmentStatus.WITHDRAWN
    assert "removed from the cohort" in _messages(removed)[-1]

    again = client.post(f"{base}/{approved.pk}/retirer/")
    assert _messages(again)[-1] == "This learner has already left the cohort."


def test_views_cohort_members_add_by_email(trainer, cohort, learner):
    """A trainer adds an existing account by email; an unknown address is a form error."""
    url = f"/parcours/mes-groupes/{cohort.pk}/membres/"

    added = _client(trainer).post(url, {"email": learner.email})
    unknown = _client(trainer).post(url, {"email": "personne@ac-lyon.fr"})
    invalid = _client(trainer).post(url, {"email": "pas-une-adresse"})

    assert added.status_code == 302
    assert Enrolment.objects.get(user=learner).cohort == cohort
    assert unknown.status_code == 200
    assert "No active Campus account" in unknown.context["form"].errors["email"][0]
    assert invalid.status_code == 200
    assert "email" in invalid.context["form"].errors


# --- Trainers: CSV import --------------------------------------------------------------------


def _csv(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("inscrits.csv", text.encode("utf-8"), content_type="text/csv")


def test_views_cohort_import_shows_the_counts(trainer, cohort, learner):
    """A good file is imported and the page says how many were created, enrolled, already in."""
    response = _client(trainer).post(
        f"/parcours/mes-groupes/{cohort.pk}/import/",
        {"file": _csv(f"email;prénom;nom\n{learner.email};;\npaul@ac-lyon.fr;Paul;Durand\n")},
    )

    assert response.status_code == 200
    report = response.context["report"]
    assert (report.created_users, report.enrolled, report.already_members) == (1, 2, 0)
    html = response.content.decode()
    assert "2 learners enrolled in the cohort" in html
    assert "1 account created" in html


def test_views_cohort_import_lists_errors_and_imports_nothing(trainer, cohort):
    """A bad file is refused whole: the page lists every error with its line number."""
    response = _client(trainer).post(
        f"/parcours/mes-groupes/{cohort.pk}/import/",
        {"file": _csv("email;prénom;nom\npaul@ac-lyon.fr;Paul;Durand\nbad;X;Y\n")},
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Nothing was imported: the file has 1 error." in html
    assert "Line 3: invalid email address « bad »" in html
    assert not User.objects.filter(email="paul@ac-lyon.fr").exists()
    assert not Enrolment.objects.exists()


def test_views_cohort_import_needs_a_file(trainer, cohort):
    """Sending no file is a form error."""
    response = _client(trainer).post(f"/parcours/mes-groupes/{cohort.pk}/import/", {})

    assert response.status_code == 200
    assert "file" in response.context["form"].errors


def test_views_cohort_members_query_count_is_constant(trainer, cohort, django_assert_num_queries):
    """The members page costs the same queries for 2 people as for 10."""
    url = f"/parcours/mes-groupes/{cohort.pk}/membres/"
    client = _client(trainer)

    def fill(count):
        for _ in range(count):
            services_cohorts.cohort_join(actor=UserFactory(), cohort=cohort)
            services_cohorts.cohort_member_add(
                actor=trainer, cohort=cohort, email=UserFactory().email
            )

    fill(1)
    client.get(url)  # Warm the session and the site caches.
    # One of them is the header's unread-notifications badge (community).
    with django_assert_num_queries(8) as captured:
        assert client.get(url).status_code == 200
    fill(4)
    with django_assert_num_queries(len(captured.captured_queries)):
        response = client.get(url)
    assert len(response.context["pending"]) == 5
    assert len(response.context["members"]) == 5
