"""``manage.py lrs_client``: credentials for the systems that use the LRS over HTTP."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client as DjangoClient

from lrs.auth import authenticate
from lrs.models import DEFAULT_SCOPES, Client

ROOT = Path(__file__).resolve().parents[2]


def _run(*args: str) -> str:
    """Run the command in-process and return what it printed on stdout."""
    out = StringIO()
    call_command("lrs_client", *args, stdout=out)
    return out.getvalue()


def _basic(key: str, secret: str) -> str:
    """The Authorization header for ``key`` and ``secret``."""
    return "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()


@pytest.mark.django_db
def test_commands_lrs_client_create_prints_exactly_key_and_secret():
    """create prints "KEY SECRET" on one line, and those credentials authenticate."""
    output = _run("create", "Moodle Lyon")

    assert output.endswith("\n") and output.count("\n") == 1
    key, secret = output.strip().split(" ")
    client = Client.objects.get(key=key)
    assert client.name == "Moodle Lyon"
    assert client.scopes == DEFAULT_SCOPES
    assert secret not in client.secret_hash
    assert client.authority == {
        "objectType": "Agent",
        "name": "Moodle Lyon",
        "account": {"homePage": settings.SITE_URL, "name": key},
    }
    authenticated = authenticate(_basic(key, secret))
    assert authenticated is not None and authenticated.id == client.pk


@pytest.mark.django_db
def test_commands_lrs_client_created_credentials_work_over_http():
    """The printed credentials read /xapi/statements; a wrong secret gets 401."""
    key, secret = _run("create", "Tableau de bord", "--scope", "statements/read").split()
    http = DjangoClient(HTTP_X_EXPERIENCE_API_VERSION="1.0.3")

    assert http.get("/xapi/statements", HTTP_AUTHORIZATION=_basic(key, secret)).status_code == 200
    refused = http.get("/xapi/statements", HTTP_AUTHORIZATION=_basic(key, secret + "x"))
    assert refused.status_code == 401


@pytest.mark.django_db
def test_commands_lrs_client_create_keeps_the_scopes_given():
    """Repeated --scope options become the client's scopes, duplicates dropped."""
    key, _secret = _run(
        "create", "Ralph", "--scope", "statements/write", "--scope", "state", "--scope", "state"
    ).split()

    assert Client.objects.get(key=key).scopes == ["statements/write", "state"]


@pytest.mark.django_db
def test_commands_lrs_client_create_refuses_an_unknown_scope_in_process():
    """An unknown scope raises CommandError naming it, and no client is created."""
    with pytest.raises(CommandError, match="unknown scope 'statements/delete'"):
        _run("create", "Moodle", "--scope", "statements/delete")

    assert not Client.objects.exists()


def test_commands_lrs_client_create_bad_scope_exits_non_zero_with_one_line():
    """From the shell, a bad scope exits non-zero with a one-line reason on stderr only."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"}

    completed = subprocess.run(
        [sys.executable, "manage.py", "lrs_client", "create", "Moodle", "--scope", "everything"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert completed.returncode != 0
    assert completed.stdout == ""
    lines = completed.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "unknown scope 'everything'" in lines[0]


@pytest.mark.django_db
def test_commands_lrs_client_rotate_invalidates_the_old_secret():
    """rotate prints a new secret; the old one stops authenticating, the new one works."""
    key, old_secret = _run("create", "Moodle").split()
    assert authenticate(_basic(key, old_secret)) is not None  # Now remembered as verified.

    new_secret = _run("rotate", key).strip()

    assert new_secret and new_secret != old_secret and " " not in new_secret
    assert authenticate(_basic(key, old_secret)) is None
    assert authenticate(_basic(key, new_secret)) is not None


@pytest.mark.django_db
def test_commands_lrs_client_deactivate_refuses_the_credentials():
    """A deactivated client's credentials no longer authenticate, even remembered ones."""
    key, secret = _run("create", "Ancien LMS").split()
    assert authenticate(_basic(key, secret)) is not None

    _run("deactivate", key)

    assert Client.objects.get(key=key).is_active is False
    assert authenticate(_basic(key, secret)) is None


@pytest.mark.django_db
def test_commands_lrs_client_list_shows_every_client():
    """list prints key, state, scopes and name of each client, never a secret."""
    key_a, secret_a = _run("create", "Alpha").split()
    key_b, _secret_b = _run("create", "Beta", "--scope", "all").split()
    _run("deactivate", key_b)

    lines = _run("list").splitlines()

    assert lines == [
        f"{key_a}\tactive\tstatements/write,statements/read/mine\tAlpha",
        f"{key_b}\tinactive\tall\tBeta",
    ]
    assert secret_a not in "\n".join(lines)


@pytest.mark.django_db
def test_commands_lrs_client_unknown_key_fails():
    """rotate and deactivate refuse a key no client has."""
    with pytest.raises(CommandError, match="no LRS client has the key"):
        _run("rotate", "nope")
    with pytest.raises(CommandError, match="no LRS client has the key"):
        _run("deactivate", "nope")
