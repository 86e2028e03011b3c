"""The Activities resource, /xapi/activities (xAPI 1.0.3 Communication §2.5)."""

from __future__ import annotations

import pytest

from lrs.models import Activity
from tests.lrs.documents_helpers import MODULE, LRSClient, error_message

PATH = "activities"
DEFINITION = {
    "type": "http://adlnet.gov/expapi/activities/module",
    "name": {"fr-FR": "Les fractions au CM2", "en-GB": "Fractions in year 6"},
}


@pytest.fixture
def reader(db):
    """A dashboard holding "all/read"."""
    return LRSClient(["all/read"])


@pytest.fixture
def player(db):
    """A course player holding only the "state" scope."""
    return LRSClient(["state"])


def test_api_activities_returns_the_canonical_activity(reader):
    """GET returns the Activity object with the definition the LRS holds."""
    Activity.objects.create(activity_id=MODULE, definition=DEFINITION)
    response = reader.get(PATH, {"activityId": MODULE})
    assert response.status_code == 200
    assert response.json() == {"objectType": "Activity", "id": MODULE, "definition": DEFINITION}


def test_api_activities_unknown_activity_is_its_id(reader):
    """An activity without a stored definition is returned as an Activity with its id alone."""
    response = reader.get(PATH, {"activityId": MODULE})
    assert response.status_code == 200
    assert response.json() == {"objectType": "Activity", "id": MODULE}


def test_api_activities_head_has_no_body(reader):
    """HEAD answers like GET without the body."""
    response = reader.head(PATH, {"activityId": MODULE})
    assert response.status_code == 200
    assert response.content == b""


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({}, "activityId"),
        ({"activityId": "fractions"}, "activityId"),
        ({"activityId": MODULE, "agent": "{}"}, "agent"),
    ],
)
def test_api_activities_refuses_bad_parameters(reader, params, named):
    """A missing or malformed activityId, or an unknown parameter, is a 400 naming it."""
    response = reader.get(PATH, params)
    assert response.status_code == 400
    assert named in error_message(response)


def test_api_activities_refuses_writes(reader):
    """The Activities resource is read-only: PUT is 405."""
    assert reader.put(PATH, {"activityId": MODULE}, DEFINITION).status_code == 405


def test_api_activities_scopes(db):
    """ "all/read", "statements/read" and "define" may read activities; "state" alone may not."""
    for scopes in (["all/read"], ["statements/read"], ["define"], ["all"]):
        assert LRSClient(scopes).get(PATH, {"activityId": MODULE}).status_code == 200
    response = LRSClient(["state"]).get(PATH, {"activityId": MODULE})
    assert response.status_code == 403
