"""Rules every xAPI resource shares (xAPI 1.0.3 Communication §1.1-1.3, §3.2-3.3, §4).

The version header, Basic authentication, the alternate request syntax, CORS, HEAD and JSON
error bodies, exercised on the document resources.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
from django.test import Client

from tests.lrs.documents_helpers import (
    CLAIRE,
    MODULE,
    LRSClient,
    basic_auth,
    create_lrs_client,
    error_message,
)

STATE = "/xapi/activities/state"
PARAMS = {"activityId": MODULE, "agent": json.dumps(CLAIRE), "stateId": "bookmark"}
FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def platform(db):
    """A client holding every scope."""
    return LRSClient(["all"])


def url(params: dict = PARAMS, path: str = STATE) -> str:
    """The path with its query string."""
    return f"{path}?{urlencode(params)}"


def test_api_common_version_header_is_required(platform):
    """A request without X-Experience-API-Version is a 400 that says so, with our version."""
    response = Client().get(url(), headers={"Authorization": basic_auth(platform.record.key)})
    assert response.status_code == 400
    assert "X-Experience-API-Version" in error_message(response)
    assert response["X-Experience-API-Version"] == "1.0.3"


@pytest.mark.parametrize("version", ["0.9", "0.95", "1.1.0", "2.0.0", "1.0.3.1", "banana"])
def test_api_common_unsupported_version_is_refused(platform, version):
    """A version other than 1.0.x is a 400 naming it."""
    response = platform.get(
        "activities/state", PARAMS, headers={"X-Experience-API-Version": version}
    )
    assert response.status_code == 400
    assert version in error_message(response)


@pytest.mark.parametrize("version", ["1.0.0", "1.0.1", "1.0.2", "1.0.3"])
def test_api_common_any_1_0_x_version_is_accepted(platform, version):
    """Every 1.0.x version is accepted; the response says 1.0.3."""
    response = platform.get(
        "activities/state", PARAMS, headers={"X-Experience-API-Version": version}
    )
    assert response.status_code == 404  # Accepted and processed: there is no such document.
    assert response["X-Experience-API-Version"] == "1.0.3"


def test_api_common_missing_credentials_are_401(db):
    """Without credentials the LRS answers 401 with a Basic challenge."""
    response = Client().get(url(), headers={"X-Experience-API-Version": "1.0.3"})
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Basic")
    assert error_message(response)


@pytest.mark.parametrize(
    "authorization",
    ["wrong-secret", "unknown-key", "Bearer abc", "Basic not-base64!", "Basic " + "Zm9v"],
)
def test_api_common_bad_credentials_are_401(platform, authorization):
    """A wrong secret, an unknown key or a malformed header is a 401."""
    header = {
        "wrong-secret": basic_auth(platform.record.key, "not-the-secret"),
        "unknown-key": basic_auth("nobody"),
    }.get(authorization, authorization)
    response = Client().get(
        url(), headers={"Authorization": header, "X-Experience-API-Version": "1.0.3"}
    )
    assert response.status_code == 401


def test_api_common_inactive_client_is_401(db):
    """A deactivated client's credentials are refused."""
    client = create_lrs_client(["all"], active=False)
    response = Client().get(
        url(),
        headers={"Authorization": basic_auth(client.key), "X-Experience-API-Version": "1.0.3"},
    )
    assert response.status_code == 401


def alternate(platform, method: str, fields: dict, *, query: dict | None = None):
    """A request in the alternate syntax: POST ?method=X, headers and content as form fields."""
    form = {
        "Authorization": basic_auth(platform.record.key),
        "X-Experience-API-Version": "1.0.3",
        **fields,
    }
    return Client().post(
        url({"method": method, **(query or {})}, STATE), data=urlencode(form), content_type=FORM
    )


def test_api_common_alternate_syntax_put_get_delete(platform):
    """PUT, GET and DELETE travel as POST with form fields (Communication §1.3)."""
    content = json.dumps({"page": 7})
    response = alternate(
        platform, "PUT", {**PARAMS, "Content-Type": "application/json", "content": content}
    )
    assert response.status_code == 204
    assert platform.get("activities/state", PARAMS).json() == {"page": 7}

    response = alternate(platform, "GET", PARAMS)
    assert response.status_code == 200
    assert response.json() == {"page": 7}

    assert alternate(platform, "DELETE", PARAMS).status_code == 204
    assert platform.get("activities/state", PARAMS).status_code == 404


def test_api_common_alternate_syntax_carries_concurrency_headers(platform):
    """If-None-Match travels as a form field and is honoured."""
    fields = {**PARAMS, "If-None-Match": "*", "content": json.dumps({"page": 1})}
    assert alternate(platform, "PUT", fields).status_code == 204
    fields["content"] = json.dumps({"page": 2})
    assert alternate(platform, "PUT", fields).status_code == 412
    assert platform.get("activities/state", PARAMS).json() == {"page": 1}


def test_api_common_alternate_syntax_refuses_extra_query_parameters(platform):
    """Only ``method`` may be in the query string of the alternate syntax: 400."""
    response = alternate(
        platform,
        "GET",
        {"agent": PARAMS["agent"], "stateId": "bookmark"},
        query={"activityId": MODULE},
    )
    assert response.status_code == 400
    assert "method" in error_message(response)


def test_api_common_alternate_syntax_needs_credentials_in_the_form(platform):
    """Credentials are form fields in the alternate syntax; without them it is a 401."""
    form = {"X-Experience-API-Version": "1.0.3", **PARAMS}
    response = Client().post(url({"method": "GET"}, STATE), data=urlencode(form), content_type=FORM)
    assert response.status_code == 401


def test_api_common_cors_preflight_needs_no_credentials(db):
    """OPTIONS answers the CORS preflight without credentials or version header."""
    response = Client().options(
        STATE,
        headers={"Origin": "https://player.example.org", "Access-Control-Request-Method": "PUT"},
    )
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "PUT" in response["Access-Control-Allow-Methods"]
    assert "If-Match" in response["Access-Control-Allow-Headers"]
    assert "ETag" in response["Access-Control-Expose-Headers"]


def test_api_common_cors_headers_on_every_response(platform):
    """Responses, errors included, carry the CORS headers so browsers can read them."""
    response = platform.get("activities/state", PARAMS)
    assert response.status_code == 404
    assert response["Access-Control-Allow-Origin"] == "*"


def test_api_common_head_answers_like_get_without_body(platform):
    """HEAD gets GET's status and headers, an empty body and GET's Content-Length."""
    platform.put("activities/state", PARAMS, {"page": 7})
    get = platform.get("activities/state", PARAMS)
    head = platform.head("activities/state", PARAMS)
    assert head.status_code == 200
    assert head.content == b""
    assert head["ETag"] == get["ETag"]
    assert int(head["Content-Length"]) == len(get.content)


def test_api_common_head_of_a_list_and_a_missing_document(platform):
    """HEAD of the id list is 200 and of a missing document 404, both without a body."""
    listing = {k: v for k, v in PARAMS.items() if k != "stateId"}
    assert platform.head("activities/state", listing).status_code == 200
    missing = platform.head("activities/state", PARAMS)
    assert missing.status_code == 404
    assert missing.content == b""


def test_api_common_errors_are_json_that_say_what_is_wrong(platform):
    """A 4xx body is a JSON object with the status and a message naming the problem."""
    response = platform.get("activities/state", {"activityId": MODULE})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "error": {"status": 400, "message": "the 'agent' parameter is required"}
    }


def test_api_common_method_not_allowed_is_405(platform):
    """A method the resource does not offer is a 405 with a JSON reason."""
    response = platform.request("PATCH", "activities/state", PARAMS, {"page": 1})
    assert response.status_code == 405
