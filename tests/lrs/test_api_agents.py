"""The Agents resource, /xapi/agents (xAPI 1.0.3 Communication §2.6, Person object)."""

from __future__ import annotations

import json
import uuid

import pytest
from django.utils import timezone

from lrs.auth import ifi_key
from lrs.models import Statement, StatementAgent
from tests.lrs.documents_helpers import CLAIRE, KARIM, MODULE, LRSClient, error_message

PATH = "agents"


@pytest.fixture
def reader(db):
    """A dashboard holding "all/read"."""
    return LRSClient(["all/read"])


def store_statement(actor: dict, **extra) -> Statement:
    """A stored statement by ``actor``, indexed as the Statements resource indexes it."""
    now = timezone.now()
    payload = {
        "id": str(uuid.uuid4()),
        "actor": actor,
        "verb": {"id": "http://adlnet.gov/expapi/verbs/attended"},
        "object": {"objectType": "Activity", "id": MODULE},
        "stored": now.isoformat(),
        **extra,
    }
    statement = Statement.objects.create(
        statement_id=payload["id"],
        payload=payload,
        verb_id=payload["verb"]["id"],
        object_activity_id=MODULE,
        timestamp=now,
        stored=now,
    )
    StatementAgent.objects.create(statement=statement, ifi=ifi_key(actor), direct=True, stored=now)
    return statement


def test_api_agents_returns_a_person_from_the_agent(reader):
    """GET returns a Person with the agent's IFI and name as arrays."""
    response = reader.get(PATH, {"agent": CLAIRE})
    assert response.status_code == 200
    assert response.json() == {
        "objectType": "Person",
        "name": ["Claire Martin"],
        "mbox": ["mailto:claire.martin@ac-lyon.fr"],
    }


def test_api_agents_person_gathers_names_from_statements(reader):
    """Names the agent carried in stored statements are added; other agents' names are not."""
    store_statement({"mbox": CLAIRE["mbox"], "name": "Claire M."})
    store_statement(KARIM, context={"instructor": {"mbox": CLAIRE["mbox"], "name": "Mme Martin"}})
    store_statement({"mbox": CLAIRE["mbox"]})
    response = reader.get(PATH, {"agent": {"mbox": CLAIRE["mbox"]}})
    assert response.json()["name"] == ["Claire M."]


def test_api_agents_person_for_an_account(reader):
    """An agent identified by an account comes back with an array of Account objects."""
    person = reader.get(PATH, {"agent": KARIM}).json()
    assert person["account"] == [KARIM["account"]]
    assert "mbox" not in person


def test_api_agents_person_without_any_name(reader):
    """An agent known by its IFI alone gives a Person without a name."""
    agent = {"openid": "https://id.ac-lyon.fr/claire"}
    assert reader.get(PATH, {"agent": agent}).json() == {
        "objectType": "Person",
        "openid": ["https://id.ac-lyon.fr/claire"],
    }


@pytest.mark.parametrize(
    "agent",
    [
        None,
        "not JSON",
        json.dumps({"objectType": "Agent", "name": "Rick James"}),
        json.dumps({"objectType": "Group", "mbox": "mailto:equipe@ac-lyon.fr"}),
    ],
)
def test_api_agents_refuses_a_missing_or_invalid_agent(reader, agent):
    """A missing agent, or one that is not an Agent with one IFI, is a 400 naming "agent"."""
    response = reader.get(PATH, {} if agent is None else {"agent": agent})
    assert response.status_code == 400
    assert "agent" in error_message(response)


def test_api_agents_scopes(db):
    """ "all/read" may read agents; "profile" alone may not (403)."""
    assert LRSClient(["all/read"]).get(PATH, {"agent": CLAIRE}).status_code == 200
    assert LRSClient(["profile"]).get(PATH, {"agent": CLAIRE}).status_code == 403
