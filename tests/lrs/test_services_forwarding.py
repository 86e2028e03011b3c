"""Forwarding to an external LRS through the durable outbox (lrs.forwarding, lrs.tasks).

The "external" LRS is Campus itself, served by pytest-django's ``live_server`` and reached
with credentials of its own LRS client. Because it shares the test database, a forwarded
statement is one it already holds with the same content: it answers 200 as xAPI requires
for an identical re-send, which exercises the whole exchange (Basic auth, version header,
batch POST, multipart attachments) without faking the target. A down target is a loopback
port nobody listens on.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import socket
import uuid
from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client as DjangoClient
from django.utils import timezone

from lrs import api
from lrs.forwarding import (
    RETRY_KEY,
    SCHEDULED_KEY,
    HTTPForwarder,
    backoff_delay,
    forwarding_enqueue,
    forwarding_send_due,
)
from lrs.models import ForwardedStatement, ForwardStatus, Scope, Statement
from lrs.services import StatementConflictError, statement_store
from lrs.services_clients import client_create

XAPI_HEADERS = {"HTTP_X_EXPERIENCE_API_VERSION": "1.0.3"}


@pytest.fixture(autouse=True)
def _no_scheduled_run() -> Iterator[None]:
    """The debounce keys live in the cache, which outlives a test: start and end clean."""
    cache.delete_many([SCHEDULED_KEY, RETRY_KEY])
    yield
    cache.delete_many([SCHEDULED_KEY, RETRY_KEY])


@pytest.fixture
def external_credentials(transactional_db) -> tuple[str, str]:
    """Key and secret of the client the forwarder uses on the "external" LRS."""
    client, secret = client_create(
        name="LRS académique", scopes=[Scope.STATEMENTS_WRITE, Scope.STATEMENTS_READ]
    )
    return client.key, secret


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A loopback port bound but not listening: connecting to it is refused at once."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


def _target(url: str, key: str = "", secret: str = "") -> dict:
    """A settings entry for an HTTPForwarder target."""
    return {
        "BACKEND": "lrs.forwarding.HTTPForwarder",
        "URL": url,
        "USERNAME": key,
        "PASSWORD": secret,
        "TIMEOUT": 5,
        "BATCH_SIZE": 2,
    }


def _learner_statements(count: int) -> list:
    """``count`` statements of teachers experiencing a module, built with the tincan API."""
    return [
        api.statement_for(
            actor=api.agent_for(f"prof{i}@ac-lyon.fr", f"Professeur {i}"),
            verb=api.EXPERIENCED,
            target=api.activity_for(
                "https://campus.example.fr/modules/evaluer-par-competences",
                name="Évaluer par compétences",
                activity_type=api.ACTIVITY_MODULE,
            ),
        )
        for i in range(count)
    ]


def _record_and_enqueue(count: int) -> list[str]:
    """Store statements: statement_store puts them in the outbox in the same transaction."""
    return api.record_many(_learner_statements(count))


def _external_get(live_server, key: str, secret: str, statement_id: str) -> dict:
    """GET a statement from the external LRS with its own credentials."""
    auth = base64.b64encode(f"{key}:{secret}".encode()).decode()
    response = DjangoClient().get(
        "/xapi/statements",
        {"statementId": statement_id},
        HTTP_AUTHORIZATION=f"Basic {auth}",
        **XAPI_HEADERS,
    )
    assert response.status_code == 200, response.content
    return json.loads(response.content)


@pytest.mark.django_db
def test_services_forwarding_enqueue_writes_one_pending_entry_per_target(settings):
    """Each statement gets a pending, due entry per target; enqueuing again adds nothing."""
    settings.LRS_FORWARD_TARGETS = {
        "default": _target("http://127.0.0.1:9/xapi"),
        "ralph": _target("http://127.0.0.1:9/ralph/xAPI"),
    }
    ids = api.record_many(_learner_statements(3))
    pks = list(Statement.objects.filter(statement_id__in=ids).values_list("pk", flat=True))
    assert ForwardedStatement.objects.count() == 6  # Written by statement_store itself.

    forwarding_enqueue(statement_pks=pks)  # Enqueuing again adds nothing.

    entries = ForwardedStatement.objects.all()
    assert entries.count() == 6
    assert {entry.target for entry in entries} == {"default", "ralph"}
    assert all(entry.status == ForwardStatus.PENDING for entry in entries)
    assert all(entry.attempts == 0 for entry in entries)
    assert all(entry.next_attempt_at <= timezone.now() for entry in entries)


@pytest.mark.django_db
def test_services_forwarding_enqueue_does_nothing_when_forwarding_is_off(settings):
    """Without targets (no LRS_FORWARD_URL) no outbox row is written."""
    settings.LRS_FORWARD_TARGETS = {}
    ids = api.record_many(_learner_statements(2))
    pks = list(Statement.objects.filter(statement_id__in=ids).values_list("pk", flat=True))

    assert forwarding_enqueue(statement_pks=pks) == 0
    assert not ForwardedStatement.objects.exists()


@pytest.mark.django_db
def test_services_forwarding_rolled_back_batch_leaves_no_outbox_entry(settings):
    """A batch refused as a whole (409 on one statement) writes no statement and no entry."""
    settings.LRS_FORWARD_TARGETS = {"default": _target("http://127.0.0.1:9/xapi")}
    first = {**api.serialise(_learner_statements(1)[0]), "id": str(uuid.uuid4())}
    api.record(first)
    changed = {**first, "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"}}
    fresh = {**api.serialise(_learner_statements(1)[0]), "id": str(uuid.uuid4())}
    with pytest.raises(StatementConflictError):
        statement_store(statements=[fresh, changed], client=None)
    assert ForwardedStatement.objects.count() == 1
    assert not Statement.objects.filter(statement_id=fresh["id"]).exists()


def test_services_forwarding_sends_after_commit_to_external_lrs(
    live_server, external_credentials, settings
):
    """Entries committed with their statements are sent by the task and marked sent."""
    key, secret = external_credentials
    settings.LRS_FORWARD_TARGETS = {"default": _target(f"{live_server.url}/xapi", key, secret)}

    # Committing runs the task at once (the immediate tasks backend of the test settings).
    ids = _record_and_enqueue(5)

    entries = ForwardedStatement.objects.order_by("statement_id")
    assert [entry.status for entry in entries] == [ForwardStatus.SENT] * 5
    assert all(entry.attempts == 1 and entry.sent_at is not None for entry in entries)
    assert all(entry.last_error == "" for entry in entries)
    assert _external_get(live_server, key, secret, ids[0])["id"] == ids[0]
    assert forwarding_send_due() == (0, 0)


def test_services_forwarding_down_target_keeps_entries_and_backs_off(
    live_server, external_credentials, closed_port, settings
):
    """A down target leaves entries failed with attempts, error and back-off, then they go."""
    key, secret = external_credentials
    settings.LRS_FORWARD_TARGETS = {
        "default": _target(f"http://127.0.0.1:{closed_port}/xapi", key, secret)
    }

    before = timezone.now()
    _record_and_enqueue(3)  # The task runs after commit and finds the target down.

    entries = list(ForwardedStatement.objects.order_by("statement_id"))
    assert len(entries) == 3
    # It stops at the first failed batch (BATCH_SIZE is 2): the third was not even tried.
    tried = [entry for entry in entries if entry.attempts == 1]
    untried = [entry for entry in entries if entry.attempts == 0]
    assert len(tried) == 2 and len(untried) == 1
    for entry in tried:
        assert entry.status == ForwardStatus.FAILED
        assert "refused" in entry.last_error.lower()
        delay = entry.next_attempt_at - before
        assert dt.timedelta(seconds=29) < delay < dt.timedelta(seconds=40)

    # Not due yet: a new run leaves the failed entries alone and fails the untried one.
    assert forwarding_send_due() == (0, 1)
    # Time passes: the next attempt fails again and waits twice as long.
    ForwardedStatement.objects.update(next_attempt_at=timezone.now())
    before = timezone.now()
    assert forwarding_send_due() == (0, 2)
    second = ForwardedStatement.objects.filter(attempts=2)
    assert second.count() == 2
    for entry in second:
        delay = entry.next_attempt_at - before
        assert dt.timedelta(seconds=59) < delay < dt.timedelta(seconds=70)

    # The target is back (same name, new address): everything is delivered, nothing lost.
    settings.LRS_FORWARD_TARGETS = {"default": _target(f"{live_server.url}/xapi", key, secret)}
    ForwardedStatement.objects.update(next_attempt_at=timezone.now())
    assert forwarding_send_due() == (3, 0)
    assert set(ForwardedStatement.objects.values_list("status", flat=True)) == {ForwardStatus.SENT}
    assert ForwardedStatement.objects.filter(last_error="").count() == 3


def test_services_forwarding_refused_credentials_keep_entries_pending(
    live_server, external_credentials, settings
):
    """A target refusing the credentials (401) is an error that is retried, not a loss."""
    key, _secret = external_credentials
    settings.LRS_FORWARD_TARGETS = {
        "default": _target(f"{live_server.url}/xapi", key, "not-the-secret")
    }

    _record_and_enqueue(1)

    entry = ForwardedStatement.objects.get()
    assert entry.status == ForwardStatus.FAILED
    assert entry.attempts == 1
    assert "HTTP 401" in entry.last_error


def test_services_forwarding_conflict_409_counts_as_sent(live_server, external_credentials):
    """A statement the target holds with other content (409) is reported delivered."""
    key, secret = external_credentials
    held = api.record(_learner_statements(1)[0])
    conflicting = api.serialise(_learner_statements(1)[0])
    conflicting["id"] = held
    conflicting["verb"] = {"id": "http://adlnet.gov/expapi/verbs/passed"}
    fresh = {**api.serialise(_learner_statements(1)[0]), "id": str(uuid.uuid4())}
    fresh["id"] = str(uuid.uuid4())
    forwarder = HTTPForwarder("default", _target(f"{live_server.url}/xapi", key, secret))

    # The batch is refused as a whole (409), then each statement is PUT on its own.
    assert forwarder.send([conflicting, fresh]) == {}

    kept = _external_get(live_server, key, secret, held)
    assert kept["verb"]["id"] == "http://adlnet.gov/expapi/verbs/experienced"
    assert _external_get(live_server, key, secret, fresh["id"])["id"] == fresh["id"]


def test_services_forwarding_sends_attachments_inline(live_server, external_credentials, settings):
    """A statement whose attachment content Campus holds is forwarded as multipart/mixed."""
    key, secret = external_credentials
    settings.LRS_FORWARD_TARGETS = {"default": _target(f"{live_server.url}/xapi", key, secret)}
    content = "Compte rendu de la séance du 3 mars".encode()
    sha2 = hashlib.sha256(content).hexdigest()
    statement = api.serialise(_learner_statements(1)[0])
    statement["attachments"] = [
        {
            "usageType": "http://id.tincanapi.com/attachment/supporting_media",
            "display": {"fr-FR": "Compte rendu"},
            "contentType": "text/plain",
            "length": len(content),
            "sha2": sha2,
        }
    ]
    statement_store(
        statements=[statement],
        client=None,
        authority=api.platform_authority(),
        attachments={sha2: ("text/plain", content)},
    )

    entry = ForwardedStatement.objects.get()
    assert entry.status == ForwardStatus.SENT, entry.last_error


def test_services_forwarding_backoff_doubles_from_30_seconds_up_to_an_hour():
    """The wait after the n-th failure is 30 s * 2^(n-1), capped at one hour."""
    waits = [backoff_delay(n).total_seconds() for n in range(1, 10)]

    assert waits == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]
    assert backoff_delay(500) == dt.timedelta(hours=1)


def test_commands_lrs_forward_runs_once(
    live_server, external_credentials, closed_port, settings, capsys
):
    """manage.py lrs_forward sends the due entries once and says how many."""
    key, secret = external_credentials
    down = f"http://127.0.0.1:{closed_port}/xapi"
    settings.LRS_FORWARD_TARGETS = {"default": _target(down, key, secret)}
    _record_and_enqueue(2)  # The target is down: the entries wait.
    settings.LRS_FORWARD_TARGETS = {"default": _target(f"{live_server.url}/xapi", key, secret)}
    ForwardedStatement.objects.update(next_attempt_at=timezone.now())

    call_command("lrs_forward")

    assert capsys.readouterr().out.strip() == "sent 2"
    assert ForwardedStatement.objects.filter(status=ForwardStatus.SENT).count() == 2
