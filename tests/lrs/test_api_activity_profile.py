"""The Activity Profile resource, /xapi/activities/profile (Communication §2.3, §2.7, §3.1)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lrs.models import Document
from tests.lrs.documents_helpers import MODULE, OTHER_MODULE, LRSClient, error_message, etag_of

PATH = "activities/profile"
STALE = '"' + "1" * 40 + '"'
CREATE = {"If-None-Match": "*"}


@pytest.fixture
def author(db):
    """An authoring tool holding the "profile" scope."""
    return LRSClient(["profile"])


@pytest.fixture
def reader(db):
    """A dashboard holding "all/read"."""
    return LRSClient(["all/read"])


@pytest.fixture
def player(db):
    """A course player holding only the "state" scope."""
    return LRSClient(["state"])


def profile(profile_id: str = "settings", **extra) -> dict:
    """The parameters of a profile document of the fractions module."""
    return {"activityId": MODULE, "profileId": profile_id, **extra}


def test_api_activity_profile_put_with_if_none_match_creates(author):
    """PUT with If-None-Match: * stores a new document, returned as sent with its ETag."""
    response = author.put(PATH, profile(), {"passmark": 0.8}, headers=CREATE)
    assert response.status_code == 204
    response = author.get(PATH, profile())
    assert response.status_code == 200
    assert response.json() == {"passmark": 0.8}
    assert response["ETag"] == etag_of(response.content)


def test_api_activity_profile_put_without_precondition_to_a_new_document_is_400(author):
    """A PUT creating a profile must say If-None-Match: * (400 otherwise, as the suite wants)."""
    response = author.put(PATH, profile(), {"passmark": 0.8})
    assert response.status_code == 400
    assert "If-None-Match" in error_message(response)
    assert not Document.objects.exists()


def test_api_activity_profile_put_without_precondition_over_a_document_is_409(author):
    """A PUT over an existing profile with neither header is a 409 that explains (§3.1)."""
    author.post(PATH, profile(), {"passmark": 0.8})
    response = author.put(PATH, profile(), {"passmark": 0.5})
    assert response.status_code == 409
    assert "If-Match" in error_message(response)
    assert author.get(PATH, profile()).json() == {"passmark": 0.8}


def test_api_activity_profile_put_with_the_current_etag_replaces(author):
    """If-Match with the current ETag replaces the document."""
    author.put(PATH, profile(), {"passmark": 0.8}, headers=CREATE)
    etag = author.get(PATH, profile())["ETag"]
    response = author.put(PATH, profile(), {"passmark": 0.5}, headers={"If-Match": etag})
    assert response.status_code == 204
    assert author.get(PATH, profile()).json() == {"passmark": 0.5}


def test_api_activity_profile_put_with_a_stale_etag_is_412(author):
    """If-Match with another ETag is 412 Precondition Failed and changes nothing."""
    author.put(PATH, profile(), {"passmark": 0.8}, headers=CREATE)
    response = author.put(PATH, profile(), {"passmark": 0.5}, headers={"If-Match": STALE})
    assert response.status_code == 412
    assert author.get(PATH, profile()).json() == {"passmark": 0.8}


def test_api_activity_profile_put_if_match_on_a_missing_document_is_412(author):
    """If-Match cannot hold for a document that does not exist."""
    response = author.put(PATH, profile(), {"passmark": 0.5}, headers={"If-Match": "*"})
    assert response.status_code == 412
    assert not Document.objects.exists()


def test_api_activity_profile_put_if_none_match_over_a_document_is_412(author):
    """If-None-Match: * on an existing document is 412 and changes nothing."""
    author.put(PATH, profile(), {"passmark": 0.8}, headers=CREATE)
    response = author.put(PATH, profile(), {"passmark": 0.5}, headers=CREATE)
    assert response.status_code == 412
    assert author.get(PATH, profile()).json() == {"passmark": 0.8}


def test_api_activity_profile_post_creates_then_merges(author):
    """POST creates the document, then merges JSON objects into it."""
    assert author.post(PATH, profile(), {"passmark": 0.8}).status_code == 204
    assert author.post(PATH, profile(), {"attempts": 3}).status_code == 204
    assert author.get(PATH, profile()).json() == {"passmark": 0.8, "attempts": 3}


def test_api_activity_profile_post_refuses_non_json_onto_json(author):
    """POSTing a non-JSON document onto a JSON profile is 400; the profile is unchanged."""
    author.post(PATH, profile(), {"passmark": 0.8})
    response = author.post(PATH, profile(), b"\x00\x01", content_type="application/octet-stream")
    assert response.status_code == 400
    assert author.get(PATH, profile()).json() == {"passmark": 0.8}


def test_api_activity_profile_post_refuses_invalid_json(author):
    """A POST of broken JSON sent as application/json is 400, even to a new profile."""
    response = author.post(PATH, profile(), '{"passmark": 0.8}[', content_type="application/json")
    assert response.status_code == 400
    assert not Document.objects.exists()


def test_api_activity_profile_get_lists_ids_since(author):
    """Without profileId, GET lists the activity's profile ids, after ``since`` if given."""
    author.post(PATH, profile("old"), {"a": 1})
    author.post(PATH, profile("new"), {"b": 2})
    author.post(PATH, {"activityId": OTHER_MODULE, "profileId": "other"}, {"c": 3})
    moment = datetime(2025, 9, 1, 8, 0, tzinfo=UTC)
    Document.objects.filter(document_id="old").update(updated=moment - timedelta(hours=1))

    assert sorted(author.get(PATH, {"activityId": MODULE}).json()) == ["new", "old"]
    since = {"activityId": MODULE, "since": "2025-09-01T08:00:00Z"}
    assert author.get(PATH, since).json() == ["new"]


def test_api_activity_profile_delete(author):
    """DELETE removes the document; GET then answers 404."""
    author.post(PATH, profile(), {"passmark": 0.8})
    assert author.delete(PATH, profile()).status_code == 204
    assert author.get(PATH, profile()).status_code == 404


@pytest.mark.parametrize("method", ["GET", "PUT", "POST", "DELETE"])
def test_api_activity_profile_refuses_a_missing_activity_id(author, method):
    """activityId is required on every method: 400 naming it."""
    response = author.request(method, PATH, {"profileId": "settings"}, {"a": 1}, headers=CREATE)
    assert response.status_code == 400
    assert "activityId" in error_message(response)


@pytest.mark.parametrize("method", ["PUT", "POST", "DELETE"])
def test_api_activity_profile_refuses_a_missing_profile_id(author, method):
    """profileId is required to write or delete: 400 naming it."""
    response = author.request(method, PATH, {"activityId": MODULE}, {"a": 1}, headers=CREATE)
    assert response.status_code == 400
    assert "profileId" in error_message(response)


@pytest.mark.parametrize(
    ("name", "value"),
    [("activityId", "fractions"), ("since", "true"), ("agent", "{}"), ("ProfileId", "x")],
)
def test_api_activity_profile_refuses_an_invalid_parameter(author, name, value):
    """A malformed or unknown parameter is a 400 naming it."""
    response = author.get(PATH, {"activityId": MODULE, name: value})
    assert response.status_code == 400
    assert name in error_message(response)


def test_api_activity_profile_scope_all_read_may_read_but_not_write(author, reader):
    """ "all/read" reads profiles; writing needs "profile" (403)."""
    author.post(PATH, profile(), {"passmark": 0.8})
    assert reader.get(PATH, profile()).status_code == 200
    assert reader.post(PATH, profile(), {"passmark": 0}).status_code == 403
    assert author.get(PATH, profile()).json() == {"passmark": 0.8}


def test_api_activity_profile_scope_state_is_refused(player):
    """The "state" scope does not reach profiles: 403."""
    assert player.get(PATH, profile()).status_code == 403
    assert player.put(PATH, profile(), {"a": 1}, headers=CREATE).status_code == 403
