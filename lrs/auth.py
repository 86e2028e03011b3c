"""HTTP Basic authentication of LRS clients, and their scopes.

A client's secret is stored as a slow password hash. Verifying it on every request would cost
~100 ms (the reference ADL LRS spends that on each call); a verified ``key:secret`` pair is
remembered in process memory, keyed by its SHA-256, for ``LRS_AUTH_CACHE_SECONDS`` (30 s by
default). A changed secret or a deactivated client therefore stops working within that delay;
``forget_verified_credentials()`` clears the memory at once in this process (the admin and the
``lrs_client`` command call it).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password

from lrs.models import Client, Scope
from lrs.xapi.agents import agent_ifi_or_none

_MAX_REMEMBERED = 1024
_remembered: OrderedDict[str, tuple[float, AuthenticatedClient]] = OrderedDict()
_lock = threading.Lock()

READ_SCOPES = frozenset({Scope.ALL, Scope.ALL_READ})


@dataclass(frozen=True)
class AuthenticatedClient:
    """What a request needs to know about the client that made it."""

    id: int
    name: str
    scopes: frozenset[str]
    authority: dict
    authority_ifi: str

    def has_any_scope(self, *scopes: str) -> bool:
        """Whether the client holds one of ``scopes``; "all" holds every scope."""
        return Scope.ALL in self.scopes or any(scope in self.scopes for scope in scopes)


def hash_secret(secret: str) -> str:
    """Hash a client secret for storage."""
    return make_password(secret)


def ifi_key(agent: dict) -> str:
    """The index key of an agent's IFI ("kind:value"), or "" for an anonymous group."""
    ifi = agent_ifi_or_none(agent)
    if ifi is None:
        return ""
    return f"{ifi[0]}:{ifi[1]}"


def _parse_basic(header: str) -> tuple[str, str] | None:
    scheme, _space, encoded = header.partition(" ")
    if scheme.lower() != "basic" or not encoded:
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    key, colon, secret = decoded.partition(":")
    if not colon:
        return None
    return key, secret


def authenticate(authorization_header: str | None) -> AuthenticatedClient | None:
    """Return the active client whose Basic credentials the header carries, or None."""
    if not authorization_header:
        return None
    credentials = _parse_basic(authorization_header)
    if credentials is None:
        return None
    key, secret = credentials
    fingerprint = hashlib.sha256(f"{key}\0{secret}".encode()).hexdigest()
    now = time.monotonic()
    with _lock:
        remembered = _remembered.get(fingerprint)
        if remembered and remembered[0] > now:
            _remembered.move_to_end(fingerprint)
            return remembered[1]
    client = Client.objects.filter(key=key, is_active=True).first()
    if client is None or not check_password(secret, client.secret_hash):
        return None
    authenticated = AuthenticatedClient(
        id=client.pk,
        name=client.name,
        scopes=frozenset(client.scopes),
        authority=client.authority,
        authority_ifi=ifi_key(client.authority),
    )
    ttl = getattr(settings, "LRS_AUTH_CACHE_SECONDS", 30)
    with _lock:
        _remembered[fingerprint] = (now + ttl, authenticated)
        while len(_remembered) > _MAX_REMEMBERED:
            _remembered.popitem(last=False)
    return authenticated


def forget_verified_credentials() -> None:
    """Drop every remembered verification in this process (after a secret or scope change)."""
    with _lock:
        _remembered.clear()
