"""The State resource, /xapi/activities/state (xAPI 1.0.3 Communication §2.3, §2.4, §3.1)."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from lrs.models import Document
from tests.lrs.documents_helpers import (
    CLAIRE,
    KARIM,
    MODULE,
    OTHER_MODULE,
    LRSClient,
    error_message,
    etag_of,
)

PATH = "activities/state"


@pytest.fixture
def player(db):
    """A course player holding the "state" scope, as a SCORM-like package would."""
    return LRSClient(["state"])


@pytest.fixture
def reader(db):
    """A dashboard holding "all/read": it may read state but not write it."""
    return LRSClient(["all/read"])


@pytest.fixture
def outsider(db):
    """A client that may only write statements."""
    return LRSClient(["statements/write"])


def state(state_id: str = "bookmark", **extra) -> dict:
    """The parameters of one of Claire's states in the fractions module."""
    return {"activityId": MODULE, "agent": CLAIRE, "stateId": state_id, **extra}


def test_api_state_put_then_get_returns_the_document_as_sent(player):
    """A PUT stores the bytes and content type sent; GET returns them with ETag, Last-Modified."""
    body = b"\x00\x01 page 12 \xff"
    response = player.put(PATH, state(), body, content_type="application/octet-stream")
    assert response.status_code == 204
    assert response["ETag"] == etag_of(body)

    response = player.get(PATH, state())
    assert response.status_code == 200
    assert response.content == body
    assert response["Content-Type"] == "application/octet-stream"
    assert response["ETag"] == etag_of(body)
    assert response["Last-Modified"].endswith("GMT")
    assert response["X-Experience-API-Version"] == "1.0.3"


def test_api_state_put_keeps_the_content_type_parameters(player):
    """The Content-Type is returned as sent, parameters included."""
    player.put(PATH, state(), "Étape 3", content_type="text/plain; charset=utf-8")
    response = player.get(PATH, state())
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode("utf-8") == "Étape 3"


def test_api_state_put_replaces_without_concurrency_headers(player):
    """The State resource permits a PUT over a document without If-Match (§3.1)."""
    player.put(PATH, state(), {"page": 1})
    assert player.put(PATH, state(), {"page": 2}).status_code == 204
    assert player.get(PATH, state()).json() == {"page": 2}


def test_api_state_put_refuses_invalid_json_declared_as_json(player):
    """A body sent as application/json must be JSON: 400, nothing stored."""
    response = player.put(PATH, state(), '{"page": 1', content_type="application/json")
    assert response.status_code == 400
    assert "not valid JSON" in error_message(response)
    assert not Document.objects.exists()


def test_api_state_post_creates_the_document_when_absent(player):
    """A POST to a document that does not exist stores it, as a PUT would (§2.3)."""
    assert player.post(PATH, state(), {"page": 4}).status_code == 204
    assert player.get(PATH, state()).json() == {"page": 4}


def test_api_state_post_merges_json_objects_one_level_deep(player):
    """A POST merges top-level properties; a posted property replaces the whole stored value."""
    player.post(PATH, state(), {"car": {"make": "Ford", "model": "Escape"}, "driver": "Dale"})
    response = player.post(PATH, state(), {"car": {"make": "Dodge"}, "series": "nextel"})
    assert response.status_code == 204

    response = player.get(PATH, state())
    assert response.json() == {"car": {"make": "Dodge"}, "driver": "Dale", "series": "nextel"}
    assert response["Content-Type"] == "application/json"
    assert response["ETag"] == etag_of(response.content)


def test_api_state_post_refuses_non_json_onto_a_json_document(player):
    """POSTing a non-JSON document onto a JSON one is a 400 and leaves it unchanged."""
    player.post(PATH, state(), {"page": 4})
    response = player.post(PATH, state(), "abcdefg", content_type="not/json")
    assert response.status_code == 400
    assert "application/json" in error_message(response)
    assert player.get(PATH, state()).json() == {"page": 4}


def test_api_state_post_refuses_json_onto_a_non_json_document(player):
    """POSTing JSON onto a stored non-JSON document is a 400 and leaves it unchanged."""
    player.put(PATH, state(), "/ asdf / undefined", content_type="application/octet-stream")
    response = player.post(PATH, state(), {"page": 4})
    assert response.status_code == 400
    assert player.get(PATH, state()).content == b"/ asdf / undefined"


@pytest.mark.parametrize("body", ['{"page": 4}{', "[1, 2]", '"page"'])
def test_api_state_post_refuses_json_that_is_not_an_object(player, body):
    """A POSTed application/json body must parse as a JSON object: 400, nothing changes."""
    player.post(PATH, state(), {"page": 4})
    response = player.post(PATH, state(), body, content_type="application/json")
    assert response.status_code == 400
    assert player.get(PATH, state()).json() == {"page": 4}


def test_api_state_if_match_is_honoured(player):
    """If-Match with the current ETag lets a PUT through; a stale one gets 412 (§3.1)."""
    player.put(PATH, state(), {"page": 1})
    etag = player.get(PATH, state())["ETag"]

    stale = player.put(PATH, state(), {"page": 9}, headers={"If-Match": '"' + "1" * 40 + '"'})
    assert stale.status_code == 412
    assert player.get(PATH, state()).json() == {"page": 1}

    assert player.put(PATH, state(), {"page": 2}, headers={"If-Match": etag}).status_code == 204
    assert player.get(PATH, state()).json() == {"page": 2}


def test_api_state_if_none_match_star_refuses_an_existing_document(player):
    """If-None-Match: * creates a document but gets 412 once it exists (§3.1)."""
    first = player.put(PATH, state(), {"page": 1}, headers={"If-None-Match": "*"})
    assert first.status_code == 204
    again = player.put(PATH, state(), {"page": 2}, headers={"If-None-Match": "*"})
    assert again.status_code == 412
    assert player.get(PATH, state()).json() == {"page": 1}


def test_api_state_registration_separates_documents(player):
    """The same stateId under two registrations, or none, names three documents."""
    first, second = str(uuid.uuid4()), str(uuid.uuid4())
    player.put(PATH, state(), {"attempt": 0})
    player.put(PATH, state(registration=first), {"attempt": 1})
    player.put(PATH, state(registration=second), {"attempt": 2})

    assert player.get(PATH, state()).json() == {"attempt": 0}
    assert player.get(PATH, state(registration=first)).json() == {"attempt": 1}
    # UUIDs compare case-insensitively.
    assert player.get(PATH, state(registration=second.upper())).json() == {"attempt": 2}


def test_api_state_agent_ifi_identifies_the_owner(player):
    """Another agent, or the same agent named differently, is told apart by IFI only."""
    player.put(PATH, state(), {"page": 1})
    renamed = {"mbox": CLAIRE["mbox"], "name": "C. Martin"}
    assert player.get(PATH, state(agent=renamed)).json() == {"page": 1}
    assert player.get(PATH, state(agent=KARIM)).status_code == 404


def test_api_state_get_unknown_document_is_404(player):
    """A GET of a stateId never stored answers 404 with a JSON reason."""
    response = player.get(PATH, state("nowhere"))
    assert response.status_code == 404
    assert "nowhere" in error_message(response)


def test_api_state_get_without_state_id_lists_the_ids(player):
    """Without stateId, GET returns the ids of the agent's states in the activity."""
    player.put(PATH, state("bookmark"), {"page": 1})
    player.put(PATH, state("answers", registration=str(uuid.uuid4())), {"q1": "b"})
    player.put(PATH, {**state("elsewhere"), "activityId": OTHER_MODULE}, {"page": 3})
    player.put(PATH, {**state("karim"), "agent": KARIM}, {"page": 2})

    response = player.get(PATH, {"activityId": MODULE, "agent": CLAIRE})
    assert response.status_code == 200
    assert sorted(response.json()) == ["answers", "bookmark"]


def test_api_state_get_list_narrows_to_the_registration(player):
    """With a registration, only the states of that registration are listed."""
    registration = str(uuid.uuid4())
    player.put(PATH, state("bookmark"), {"page": 1})
    player.put(PATH, state("answers", registration=registration), {"q1": "b"})
    params = {"activityId": MODULE, "agent": CLAIRE, "registration": registration}
    assert player.get(PATH, params).json() == ["answers"]


def test_api_state_get_list_since_returns_only_later_documents(player):
    """The ``since`` parameter keeps the ids of documents stored after it (exclusive)."""
    player.put(PATH, state("old"), {"page": 1})
    player.put(PATH, state("new"), {"page": 2})
    moment = datetime(2025, 9, 1, 8, 0, tzinfo=UTC)
    Document.objects.filter(document_id="old").update(updated=moment - timedelta(days=1))
    Document.objects.filter(document_id="new").update(updated=moment + timedelta(seconds=1))

    params = {"activityId": MODULE, "agent": CLAIRE, "since": "2025-09-01T10:00:00+02:00"}
    assert player.get(PATH, params).json() == ["new"]


def test_api_state_delete_one_document(player):
    """DELETE with a stateId removes that document only."""
    player.put(PATH, state("bookmark"), {"page": 1})
    player.put(PATH, state("answers"), {"q1": "b"})
    assert player.delete(PATH, state("bookmark")).status_code == 204
    assert player.get(PATH, state("bookmark")).status_code == 404
    assert player.get(PATH, state("answers")).status_code == 200


def test_api_state_delete_honours_if_match(player):
    """A DELETE with a stale If-Match gets 412 and deletes nothing."""
    player.put(PATH, state(), {"page": 1})
    response = player.delete(PATH, state(), headers={"If-Match": '"' + "0" * 40 + '"'})
    assert response.status_code == 412
    assert player.get(PATH, state()).status_code == 200


def test_api_state_delete_without_state_id_removes_all_states(player):
    """DELETE without stateId removes all the agent's states in the activity, any registration."""
    player.put(PATH, state("bookmark"), {"page": 1})
    player.put(PATH, state("answers", registration=str(uuid.uuid4())), {"q1": "b"})
    player.put(PATH, {**state("karim"), "agent": KARIM}, {"page": 2})

    assert player.delete(PATH, {"activityId": MODULE, "agent": CLAIRE}).status_code == 204
    assert player.get(PATH, {"activityId": MODULE, "agent": CLAIRE}).json() == []
    assert player.get(PATH, {"activityId": MODULE, "agent": KARIM}).json() == ["karim"]


def test_api_state_delete_without_state_id_narrows_to_the_registration(player):
    """DELETE without stateId but with a registration keeps the other registrations' states."""
    registration = str(uuid.uuid4())
    player.put(PATH, state("bookmark"), {"page": 1})
    player.put(PATH, state("answers", registration=registration), {"q1": "b"})
    params = {"activityId": MODULE, "agent": CLAIRE, "registration": registration}
    assert player.delete(PATH, params).status_code == 204
    assert player.get(PATH, {"activityId": MODULE, "agent": CLAIRE}).json() == ["bookmark"]


@pytest.mark.parametrize("method", ["GET", "PUT", "POST", "DELETE"])
@pytest.mark.parametrize("missing", ["activityId", "agent"])
def test_api_state_refuses_a_missing_owner_parameter(player, method, missing):
    """activityId and agent are required on every method: 400 naming the parameter."""
    params = state()
    del params[missing]
    response = player.request(method, PATH, params, {"page": 1})
    assert response.status_code == 400
    assert missing in error_message(response)


@pytest.mark.parametrize("method", ["PUT", "POST"])
def test_api_state_refuses_a_write_without_state_id(player, method):
    """PUT and POST need a stateId: 400 naming it."""
    response = player.request(method, PATH, {"activityId": MODULE, "agent": CLAIRE}, {"a": 1})
    assert response.status_code == 400
    assert "stateId" in error_message(response)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("activityId", "not an iri"),
        ("agent", "not JSON"),
        ("agent", "true"),
        ("agent", json.dumps({"objectType": "Agent", "name": "No IFI"})),
        ("agent", json.dumps({"mbox": "claire.martin@ac-lyon.fr"})),
        ("registration", "not-a-uuid"),
        ("since", "not a timestamp"),
        ("stateid", "bookmark"),
        ("foo", "bar"),
    ],
)
def test_api_state_refuses_an_invalid_parameter(player, name, value):
    """A malformed, unknown or wrongly cased parameter is a 400 that names it."""
    params = {"activityId": MODULE, "agent": json.dumps(CLAIRE), name: value}
    response = player.get(PATH, params)
    assert response.status_code == 400
    assert name in error_message(response)


def test_api_state_refuses_since_on_delete(player):
    """``since`` is only a GET parameter: a DELETE carrying it is refused."""
    params = {"activityId": MODULE, "agent": CLAIRE, "since": "2025-09-01T00:00:00Z"}
    assert player.delete(PATH, params).status_code == 400


def test_api_state_scope_state_may_read_and_write(player):
    """The "state" scope reads and writes states."""
    assert player.put(PATH, state(), {"page": 1}).status_code == 204
    assert player.get(PATH, state()).status_code == 200
    assert player.delete(PATH, state()).status_code == 204


def test_api_state_scope_all_read_may_read_but_not_write(player, reader):
    """A client holding "all/read" reads states but gets 403 on writes."""
    player.put(PATH, state(), {"page": 1})
    assert reader.get(PATH, state()).json() == {"page": 1}
    response = reader.put(PATH, state(), {"page": 2})
    assert response.status_code == 403
    assert "state" in error_message(response)
    assert reader.delete(PATH, state()).status_code == 403
    assert player.get(PATH, state()).json() == {"page": 1}


def test_api_state_scope_statements_write_is_refused(outsider):
    """A client holding only "statements/write" may neither read nor write states."""
    assert outsider.get(PATH, state()).status_code == 403
    assert outsider.post(PATH, state(), {"page": 1}).status_code == 403
    assert not Document.objects.exists()


def test_api_state_reads_cost_one_query(player, django_assert_num_queries):
    """A document GET and a list GET each read the database once (credentials are remembered)."""
    player.put(PATH, state(), {"page": 1})
    with django_assert_num_queries(1):
        assert player.get(PATH, state()).status_code == 200
    with django_assert_num_queries(1):
        assert player.get(PATH, {"activityId": MODULE, "agent": CLAIRE}).json() == ["bookmark"]
