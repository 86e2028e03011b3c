"""Log-in by email, log-out, password reset and the profile page."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from campus.models import Establishment
from tests.campus.factories import PASSWORD, EstablishmentFactory

pytestmark = pytest.mark.django_db


def test_views_login_with_email_case_insensitive(client, learner):
    """A teacher logs in with their email address, whatever its case."""
    response = client.post(
        "/compte/connexion/", {"username": "Claire.Martin@AC-LYON.fr", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(learner.pk)


def test_views_login_wrong_password_shows_error(client, learner):
    """A wrong password re-displays the form with an error and logs nobody in."""
    response = client.post("/compte/connexion/", {"username": learner.email, "password": "nope"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert (
        "fr-input-group--error" in response.content.decode()
        or response.context["form"].non_field_errors()
    )


def test_views_logout_needs_post(client, learner):
    """Log-out is a POST (CSRF-protected), after which the user is anonymous."""
    client.force_login(learner)
    assert client.get("/compte/deconnexion/").status_code == 405
    response = client.post("/compte/deconnexion/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_views_password_reset_sends_a_working_link(client, learner):
    """The reset email carries a link that lets the teacher choose a new password."""
    response = client.post("/compte/mot-de-passe/oubli/", {"email": learner.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [learner.email]
    link = re.search(r"https?://[^/]+(/compte/mot-de-passe/reinitialiser/\S+)", mail.outbox[0].body)
    assert link, mail.outbox[0].body
    form_page = client.get(link.group(1), follow=True)
    assert form_page.status_code == 200
    new_password = "Un-nouveau-mot-de-passe-2026"
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.check_password(new_password)


def test_views_password_reset_unknown_email_sends_nothing(client, learner):
    """An unknown address gets the same answer and no email (no account enumeration)."""
    response = client.post("/compte/mot-de-passe/oubli/", {"email": "personne@ac-lyon.fr"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_views_profile_requires_login(client):
    """An anonymous visitor is sent to the log-in page."""
    response = client.get("/compte/profil/")
    assert response.status_code == 302
    assert response["Location"].startswith("/compte/connexion/?next=")


def test_views_profile_saves_known_establishment(client, learner):
    """A known UAI links the teacher to that establishment."""
    establishment = EstablishmentFactory(uai="0690026D", name="Lycée du Parc")
    client.force_login(learner)
    response = client.post(
        "/compte/profil/",
        {"first_name": "Claire", "last_name": "Martin-Roy", "degree": "second", "uai": "0690026d"},
    )
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.last_name == "Martin-Roy"
    assert learner.establishment == establishment


def test_views_profile_new_uai_needs_name_and_town(client, learner):
    """An unknown UAI asks for the establishment's name and town, then creates it."""
    client.force_login(learner)
    data = {"first_name": "Claire", "last_name": "Martin", "degree": "second", "uai": "0750655E"}
    response = client.post("/compte/profil/", data)
    assert response.status_code == 200
    assert "establishment_name" in response.context["form"].errors
    assert not Establishment.objects.filter(uai="0750655E").exists()
    data |= {"establishment_name": "Lycée Louis-le-Grand", "establishment_town": "Paris"}
    assert client.post("/compte/profil/", data).status_code == 302
    learner.refresh_from_db()
    assert learner.establishment.name == "Lycée Louis-le-Grand"


def test_views_profile_rejects_bad_uai_check_letter(client, learner):
    """A UAI with a wrong check letter is refused with the expected letter."""
    client.force_login(learner)
    response = client.post(
        "/compte/profil/",
        {"first_name": "Claire", "last_name": "Martin", "degree": "second", "uai": "0750655F"},
    )
    assert response.status_code == 200
    assert "E" in str(response.context["form"].errors["uai"])
    learner.refresh_from_db()
    assert learner.establishment is None
