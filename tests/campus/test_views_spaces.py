"""Each role's space opens to that role only."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

SPACES = {
    "trainer": "/parcours/mes-groupes/",
    "inspector": "/espace/inspecteur/",
}


@pytest.mark.parametrize(
    "persona", ["learner", "trainer", "inspector", "outsider", "editor", "moderator"]
)
@pytest.mark.parametrize("owner,url", SPACES.items())
def test_views_space_opens_to_its_role_only(client, request, persona, owner, url):
    """A space answers 200 to its role and 403 to every other logged-in persona."""
    client.force_login(request.getfixturevalue(persona))
    expected = 200 if persona == owner else 403
    assert client.get(url).status_code == expected


@pytest.mark.parametrize("url", SPACES.values())
def test_views_space_sends_anonymous_to_login(client, url):
    """An anonymous visitor is redirected to the log-in page, then back."""
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/compte/connexion/?next={url}"


def test_views_home_routes_each_role_to_its_space(client, trainer, learner):
    """The home page shows a trainer their cohorts and a teacher their training, no more."""
    client.force_login(trainer)
    html = client.get("/").content.decode()
    assert 'href="/parcours/mes-groupes/"' in html
    assert 'href="/espace/inspecteur/"' not in html
    assert 'href="/parcours/ma-formation/"' not in html
    client.force_login(learner)
    html = client.get("/").content.decode()
    assert 'href="/parcours/ma-formation/"' in html
    assert 'href="/parcours/mes-groupes/"' not in html


def test_views_home_anonymous_in_french(client):
    """An anonymous visitor gets the French home page, even with an English browser."""
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fr"' in html
    assert 'href="#content"' in html
    assert response["Content-Language"] == "fr"


def test_views_language_switch_to_english(client):
    """Choosing English through the switcher serves the pages in English."""
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = client.get("/")
    assert '<html lang="en"' in response.content.decode()
    assert "Log in" in response.content.decode()


def test_views_pages_send_security_headers(client):
    """Pages carry a CSP that allows only our own script files, and refuse framing."""
    response = client.get("/")
    csp = dict(
        directive.strip().split(" ", 1)
        for directive in response["Content-Security-Policy"].split(";")
    )
    assert csp["script-src"] == "'self'"
    assert csp["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_views_django_admin_for_staff_only(client, learner, django_user_model):
    """Operators (staff) reach /admin/; a teacher is sent to the admin log-in."""
    operator = django_user_model.objects.create_superuser("ops@ac-lyon.fr", "pw")
    client.force_login(learner)
    assert client.get("/admin/").status_code == 302
    client.force_login(operator)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/campus/user/").status_code == 200
