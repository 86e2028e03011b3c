"""Factories for the LRS: clients with a known secret, and statements.

A client's secret is always ``SECRET`` (hashed like the real ones) and its authority is an
account agent named after the client, so statements it stores carry a predictable authority.
Statements are valid xAPI 1.0.3 by construction; keyword arguments replace top-level parts.
"""

from __future__ import annotations

import base64
import uuid
from typing import Any

import factory

from lrs.auth import hash_secret
from lrs.models import Client

SECRET = "correct-horse-battery-staple"
HOME_PAGE = "https://campus.example.fr"
VERB_COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
VERB_ATTEMPTED = "http://adlnet.gov/expapi/verbs/attempted"
VERB_VOIDED = "http://adlnet.gov/expapi/verbs/voided"


class ClientFactory(factory.django.DjangoModelFactory):
    """An active LRS client holding every scope unless ``scopes`` says otherwise."""

    class Meta:
        model = Client

    name = factory.Sequence(lambda n: f"client-{n}")
    secret_hash = factory.LazyFunction(lambda: hash_secret(SECRET))
    scopes = factory.LazyFunction(lambda: ["all"])
    authority = factory.LazyAttribute(
        lambda o: {"objectType": "Agent", "account": {"homePage": HOME_PAGE, "name": o.name}}
    )


def basic_auth(client: Client) -> str:
    """The Authorization header value of ``client`` (Basic, with the factory's secret)."""
    token = base64.b64encode(f"{client.key}:{SECRET}".encode()).decode()
    return f"Basic {token}"


def agent(name: str = "claire") -> dict[str, Any]:
    """An Agent identified by a mailbox at the académie of Lyon."""
    return {"objectType": "Agent", "name": name.title(), "mbox": f"mailto:{name}@ac-lyon.fr"}


def activity(slug: str = "module-1", **definition: Any) -> dict[str, Any]:
    """An Activity of Campus; ``definition`` keys go into its definition."""
    out: dict[str, Any] = {"objectType": "Activity", "id": f"{HOME_PAGE}/activities/{slug}"}
    if definition:
        out["definition"] = definition
    return out


def statement(**parts: Any) -> dict[str, Any]:
    """A valid statement: Claire completed module-1, with a fresh id; ``parts`` override."""
    out: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "actor": agent(),
        "verb": {"id": VERB_COMPLETED, "display": {"en-US": "completed"}},
        "object": activity(),
    }
    out.update(parts)
    return out


def voiding(target_id: str, **parts: Any) -> dict[str, Any]:
    """A statement voiding ``target_id``."""
    return statement(
        verb={"id": VERB_VOIDED, "display": {"en-US": "voided"}},
        object={"objectType": "StatementRef", "id": target_id},
        **parts,
    )
