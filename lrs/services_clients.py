"""Writes of LRS clients (credentials): create, rotate the secret, deactivate.

Used by ``manage.py lrs_client`` and the Django admin. A secret is generated here, returned
once to be shown to the operator, and only its password hash is stored. Every change that
could revoke access clears the process's memory of verified credentials
(:func:`lrs.auth.forget_verified_credentials`); other processes forget within
``LRS_AUTH_CACHE_SECONDS``.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction

from lrs.auth import forget_verified_credentials, hash_secret
from lrs.models import DEFAULT_SCOPES, Client, Scope, generate_client_key


class UnknownScopeError(ValueError):
    """A scope that is not one of :class:`lrs.models.Scope`."""


def generate_client_secret() -> str:
    """A new client secret: 32 random bytes, URL-safe (43 characters)."""
    return secrets.token_urlsafe(32)


def client_scopes_clean(scopes: Iterable[str] | None) -> list[str]:
    """Check scopes against :class:`~lrs.models.Scope`; default to ``DEFAULT_SCOPES``.

    Duplicates are dropped, order is kept. Raises :class:`UnknownScopeError` naming the first
    unknown scope and the valid ones.
    """
    cleaned = list(dict.fromkeys(scopes or ()))
    valid = set(Scope.values)
    for scope in cleaned:
        if scope not in valid:
            choices = ", ".join(Scope.values)
            raise UnknownScopeError(f"unknown scope {scope!r} (valid scopes: {choices})")
    return cleaned or list(DEFAULT_SCOPES)


def client_default_authority(*, name: str, key: str, home_page: str | None = None) -> dict:
    """The authority Agent of a client (xAPI 1.0.3 §2.4.9): an account named by its key.

    The account's home page is ``home_page``, else ``settings.LRS_CLIENT_HOME_PAGE``, else
    ``settings.SITE_URL``.
    """
    home_page = (
        home_page
        or getattr(settings, "LRS_CLIENT_HOME_PAGE", None)
        or getattr(settings, "SITE_URL", None)
        or "http://localhost"
    )
    return {"objectType": "Agent", "name": name, "account": {"homePage": home_page, "name": key}}


def client_create(
    *, name: str, scopes: Iterable[str] | None = None, home_page: str | None = None
) -> tuple[Client, str]:
    """Create an active client; return it and its secret (shown once, stored hashed)."""
    name = name.strip()
    if not name:
        raise ValueError("a client needs a name")
    cleaned = client_scopes_clean(scopes)
    key = generate_client_key()
    secret = generate_client_secret()
    client = Client.objects.create(
        name=name,
        key=key,
        secret_hash=hash_secret(secret),
        scopes=cleaned,
        authority=client_default_authority(name=name, key=key, home_page=home_page),
    )
    return client, secret


def _forget_now_and_on_commit() -> None:
    """Forget verified credentials now, and again once the change is committed."""
    # Now, so this process refuses the old credentials at once; again after commit, because a
    # request verified against the still-committed old row in between would be remembered.
    forget_verified_credentials()
    transaction.on_commit(forget_verified_credentials)


def client_rotate_secret(*, client: Client) -> str:
    """Give a client a new secret and return it; the old one stops working in this process."""
    secret = generate_client_secret()
    with transaction.atomic():
        client.secret_hash = hash_secret(secret)
        client.save(update_fields=["secret_hash"])
        _forget_now_and_on_commit()
    return secret


def client_deactivate(*, client: Client) -> None:
    """Refuse a client's credentials from now on (kept for its statements' history)."""
    with transaction.atomic():
        client.is_active = False
        client.save(update_fields=["is_active"])
        _forget_now_and_on_commit()
