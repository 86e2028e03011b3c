"""The Agent Profile resource, /xapi/agents/profile (Communication §2.3, §2.8, §3.1)."""

from __future__ import annotations

import json

import pytest

from lrs.models import Document
from tests.lrs.documents_helpers import CLAIRE, KARIM, LRSClient, error_message, etag_of

PATH = "agents/profile"
CREATE = {"If-None-Match": "*"}


@pytest.fixture
def platform(db):
    """Campus itself, holding the "profile" scope."""
    return LRSClient(["profile"])


@pytest.fixture
def reader(db):
    """A dashboard holding "all/read"."""
    return LRSClient(["all/read"])


@pytest.fixture
def outsider(db):
    """A client that may only write statements."""
    return LRSClient(["statements/write"])


def profile(profile_id: str = "preferences", agent: dict = CLAIRE) -> dict:
    """The parameters of one of an agent's profile documents."""
    return {"agent": agent, "profileId": profile_id}


def test_api_agent_profile_put_then_get(platform):
    """A PUT with If-None-Match: * stores the document; GET returns it with its ETag."""
    response = platform.put(PATH, profile(), {"language": "fr"}, headers=CREATE)
    assert response.status_code == 204
    response = platform.get(PATH, profile())
    assert response.json() == {"language": "fr"}
    assert response["ETag"] == etag_of(response.content)
    assert response["ETag"][0] == '"' and len(response["ETag"]) == 42


def test_api_agent_profile_put_without_precondition(platform):
    """Neither If-Match nor If-None-Match: 400 for a new profile, 409 over an existing one."""
    assert platform.put(PATH, profile(), {"language": "fr"}).status_code == 400
    platform.post(PATH, profile(), {"language": "fr"})
    response = platform.put(PATH, profile(), {"language": "en"})
    assert response.status_code == 409
    assert error_message(response)
    assert platform.get(PATH, profile()).json() == {"language": "fr"}


def test_api_agent_profile_if_match(platform):
    """If-Match with the current ETag replaces; with another one it is 412 and changes nothing."""
    platform.post(PATH, profile(), {"language": "fr"})
    etag = platform.get(PATH, profile())["ETag"]
    stale = platform.put(PATH, profile(), {"language": "de"}, headers={"If-Match": '"abc"'})
    assert stale.status_code == 412
    assert (
        platform.put(PATH, profile(), {"language": "en"}, headers={"If-Match": etag}).status_code
        == 204
    )
    assert platform.get(PATH, profile()).json() == {"language": "en"}


def test_api_agent_profile_post_merges(platform):
    """POST merges JSON objects into the agent's profile."""
    platform.post(PATH, profile(), {"language": "fr", "theme": "light"})
    platform.post(PATH, profile(), {"theme": "dark"})
    assert platform.get(PATH, profile()).json() == {"language": "fr", "theme": "dark"}


def test_api_agent_profile_post_refuses_non_json_onto_json(platform):
    """POSTing a non-JSON document onto a JSON profile is 400 and leaves it unchanged."""
    platform.post(PATH, profile(), {"language": "fr"})
    assert platform.post(PATH, profile(), "abc", content_type="not/json").status_code == 400
    assert platform.get(PATH, profile()).json() == {"language": "fr"}


def test_api_agent_profile_lists_the_agent_profile_ids(platform):
    """Without profileId, GET lists the agent's profile ids and no one else's."""
    platform.post(PATH, profile("preferences"), {"language": "fr"})
    platform.post(PATH, profile("badges"), {"count": 2})
    platform.post(PATH, profile("preferences", KARIM), {"language": "ar"})
    assert sorted(platform.get(PATH, {"agent": CLAIRE}).json()) == ["badges", "preferences"]
    assert platform.get(PATH, {"agent": KARIM}).json() == ["preferences"]


def test_api_agent_profile_delete(platform):
    """DELETE removes the profile document."""
    platform.post(PATH, profile(), {"language": "fr"})
    assert platform.delete(PATH, profile()).status_code == 204
    assert platform.get(PATH, profile()).status_code == 404
    assert not Document.objects.exists()


@pytest.mark.parametrize("method", ["GET", "PUT", "POST", "DELETE"])
def test_api_agent_profile_refuses_a_missing_agent(platform, method):
    """agent is required on every method: 400 naming it."""
    response = platform.request(method, PATH, {"profileId": "p"}, {"a": 1}, headers=CREATE)
    assert response.status_code == 400
    assert "agent" in error_message(response)


@pytest.mark.parametrize(
    "agent",
    [
        "true",
        "not JSON",
        json.dumps({"objectType": "Agent", "name": "Rick James"}),
        json.dumps({"objectType": "Group", "member": [CLAIRE]}),
        json.dumps(
            {"mbox": "mailto:claire.martin@ac-lyon.fr", "openid": "https://id.example.fr/c"}
        ),
    ],
)
def test_api_agent_profile_refuses_an_invalid_agent(platform, agent):
    """An agent that is not JSON, has no IFI or two IFIs, is a 400 naming "agent"."""
    response = platform.get(PATH, {"agent": agent, "profileId": "p"})
    assert response.status_code == 400
    assert "agent" in error_message(response)


def test_api_agent_profile_refuses_an_unknown_parameter(platform):
    """A parameter the resource does not define (here activityId) is a 400."""
    params = {"agent": json.dumps(CLAIRE), "profileId": "p", "activityId": "https://x.fr/a"}
    response = platform.get(PATH, params)
    assert response.status_code == 400
    assert "activityId" in error_message(response)


def test_api_agent_profile_scope_all_read_may_read_but_not_write(platform, reader):
    """ "all/read" reads agent profiles; writes need "profile" (403)."""
    platform.post(PATH, profile(), {"language": "fr"})
    assert reader.get(PATH, profile()).json() == {"language": "fr"}
    assert reader.delete(PATH, profile()).status_code == 403
    assert platform.get(PATH, profile()).status_code == 200


def test_api_agent_profile_scope_statements_write_is_refused(outsider):
    """A client holding only "statements/write" gets 403 on agent profiles."""
    assert outsider.get(PATH, profile()).status_code == 403
    assert outsider.post(PATH, profile(), {"language": "fr"}).status_code == 403
