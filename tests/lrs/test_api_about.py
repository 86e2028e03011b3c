"""The About resource, /xapi/about (xAPI 1.0.3 Communication §2.8)."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.fixture
def anonymous():
    """A client with neither credentials nor version header."""
    return Client()


def test_api_about_is_open_without_credentials_or_version(anonymous):
    """GET /xapi/about answers 200 to anyone, with the supported versions."""
    response = anonymous.get("/xapi/about")
    assert response.status_code == 200
    body = response.json()
    assert "1.0.3" in body["version"]
    assert all(version.startswith("1.0.") for version in body["version"])
    assert body["extensions"] == {}
    assert response["X-Experience-API-Version"] == "1.0.3"


def test_api_about_head_has_no_body(anonymous):
    """HEAD /xapi/about answers like GET, without the body."""
    response = anonymous.head("/xapi/about")
    assert response.status_code == 200
    assert response.content == b""
    assert int(response["Content-Length"]) == len(anonymous.get("/xapi/about").content)


def test_api_about_refuses_writes(anonymous):
    """The About resource is read-only: POST is 405 with a JSON reason."""
    response = anonymous.post("/xapi/about", data="{}", content_type="application/json")
    assert response.status_code == 405
    assert response.json()["error"]["status"] == 405
