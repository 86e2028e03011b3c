"""The Django admin of the LRS: clients managed, statements and outbox shown read-only."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from lrs import api
from lrs.auth import authenticate
from lrs.models import Client, ForwardedStatement, ForwardStatus, Statement
from tests.lrs.test_commands_lrs_client import _basic


@pytest.fixture
def admin_client(client, django_user_model):
    """A Django test client logged in as a superuser."""
    user = django_user_model.objects.create_superuser(
        email="admin@campus.example.fr", password="unused-password"
    )
    client.force_login(user)
    return client


def _messages(response) -> list[str]:
    """The messages shown on the page a request ended on."""
    return [str(message) for message in get_messages(response.wsgi_request)]


def _shown_secret(response) -> str:
    """The secret the one credentials message of a page shows."""
    (shown,) = [message for message in _messages(response) if "secret" in message]
    return shown.split("secret ")[1].split(" ")[0]


@pytest.mark.django_db
def test_views_admin_client_add_shows_the_secret_once(admin_client):
    """Adding a client stores scopes and a hash, and shows working credentials once."""
    response = admin_client.post(
        "/admin/lrs/client/add/",
        {"name": "Moodle Lyon", "scopes": ["statements/write", "state"], "is_active": "on"},
        follow=True,
    )

    assert response.status_code == 200
    client = Client.objects.get()
    assert client.scopes == ["statements/write", "state"]
    assert client.authority["account"]["name"] == client.key
    secret = _shown_secret(response)
    assert secret not in client.secret_hash
    assert authenticate(_basic(client.key, secret)) is not None
    page = admin_client.get(f"/admin/lrs/client/{client.pk}/change/").content.decode()
    assert client.secret_hash not in page and secret not in page


@pytest.mark.django_db
def test_views_admin_client_actions_rotate_and_deactivate(admin_client):
    """Rotating shows a new secret that replaces the old; deactivating refuses credentials."""
    created = admin_client.post(
        "/admin/lrs/client/add/",
        {"name": "Ralph", "scopes": ["all"], "is_active": "on"},
        follow=True,
    )
    old_secret = _shown_secret(created)
    client = Client.objects.get()

    response = admin_client.post(
        "/admin/lrs/client/",
        {"action": "rotate_secret", "_selected_action": [client.pk]},
        follow=True,
    )
    secret = _shown_secret(response)
    assert secret != old_secret
    assert authenticate(_basic(client.key, old_secret)) is None
    assert authenticate(_basic(client.key, secret)) is not None

    admin_client.post(
        "/admin/lrs/client/", {"action": "deactivate", "_selected_action": [client.pk]}
    )
    assert authenticate(_basic(client.key, secret)) is None


@pytest.mark.django_db
def test_views_admin_statements_are_searchable_and_read_only(admin_client):
    """Statements are found by id or verb, and cannot be added, changed or deleted."""
    statement_id = api.record(
        api.statement_for(
            actor=api.agent_for("claire@ac-lyon.fr"),
            verb=api.LAUNCHED,
            target=api.activity_for("https://campus.example.fr/modules/1"),
        )
    )
    row = Statement.objects.get()

    assert statement_id in admin_client.get(f"/admin/lrs/statement/?q={statement_id}").text
    assert statement_id in admin_client.get("/admin/lrs/statement/?q=launched").text
    assert statement_id not in admin_client.get("/admin/lrs/statement/?q=completed").text
    assert admin_client.get("/admin/lrs/statement/add/").status_code == 403
    assert admin_client.get(f"/admin/lrs/statement/{row.pk}/delete/").status_code == 403
    for url in ("/admin/lrs/document/", "/admin/lrs/activity/", "/admin/lrs/forwardedstatement/"):
        assert admin_client.get(url).status_code == 200


@pytest.mark.django_db
def test_views_admin_outbox_retry_now_makes_entries_due(admin_client):
    """ "Retry now" makes a failed entry due at once, and leaves sent ones alone."""
    api.record_many(
        [
            api.statement_for(
                actor=api.agent_for(f"prof{i}@ac-lyon.fr"),
                verb=api.ATTENDED,
                target=api.activity_for("https://campus.example.fr/sessions/7"),
            )
            for i in range(2)
        ]
    )
    later = timezone.now() + timezone.timedelta(hours=1)
    failed, sent = (
        ForwardedStatement.objects.create(
            statement=statement, target="default", next_attempt_at=later, status=status
        )
        for statement, status in zip(
            Statement.objects.order_by("seq"),
            [ForwardStatus.FAILED, ForwardStatus.SENT],
            strict=True,
        )
    )

    response = admin_client.post(
        "/admin/lrs/forwardedstatement/",
        {"action": "retry_now", "_selected_action": [failed.pk, sent.pk]},
        follow=True,
    )

    assert _messages(response) == ["1 déclaration sera renvoyée sous peu."]
    failed.refresh_from_db()
    sent.refresh_from_db()
    assert failed.next_attempt_at <= timezone.now()
    assert sent.next_attempt_at == later
