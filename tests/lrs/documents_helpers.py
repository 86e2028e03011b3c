"""Helpers for the API tests of the document, Activities, Agents and common xAPI rules.

``LRSClient`` speaks to /xapi/ over HTTP through Django's test client, with the Basic
credentials of a real ``lrs.models.Client`` and the version header, as an xAPI client would.
Each one gets a fresh key, so the process-wide memory of verified credentials
(``lrs.auth``) never hands one test's scopes to another.
"""

from __future__ import annotations

import base64
import hashlib
import json
from urllib.parse import urlencode

from django.test import Client as DjangoClient

from tests.lrs.factories import SECRET, ClientFactory

VERSION = "1.0.3"

CLAIRE = {"objectType": "Agent", "name": "Claire Martin", "mbox": "mailto:claire.martin@ac-lyon.fr"}
KARIM = {
    "objectType": "Agent",
    "name": "Karim Benali",
    "account": {"homePage": "https://campus.example.fr", "name": "kbenali"},
}
MODULE = "https://campus.example.fr/modules/fractions-cm2"
OTHER_MODULE = "https://campus.example.fr/modules/lecture-cp"


def basic_auth(key: str, secret: str = SECRET) -> str:
    """The Authorization header value for Basic credentials."""
    return "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()


def etag_of(content: bytes) -> str:
    """The ETag the LRS must give a document: its SHA-1 in quotes."""
    return '"' + hashlib.sha1(content, usedforsecurity=False).hexdigest() + '"'


def create_lrs_client(scopes: list[str], *, name: str = "Plateforme", active: bool = True):
    """A stored LRS client with the given scopes and a fresh random key."""
    return ClientFactory(name=name, scopes=scopes, is_active=active)


class LRSClient:
    """An xAPI client of the LRS under test: credentials, version header, query encoding."""

    def __init__(self, scopes: list[str]):
        self.record = create_lrs_client(scopes)
        self.http = DjangoClient()

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        """The request headers every call carries, plus ``extra``."""
        headers = {
            "Authorization": basic_auth(self.record.key),
            "X-Experience-API-Version": VERSION,
        }
        headers.update(extra or {})
        return headers

    def request(
        self,
        method: str,
        path: str,
        params: dict | None = None,
        body: bytes | str | dict | list | None = None,
        *,
        content_type: str | None = None,
        headers: dict[str, str] | None = None,
    ):
        """Send one request; dict/list params and bodies are JSON-encoded, like xAPI clients do."""
        query = ""
        if params:
            query = "?" + urlencode(
                {k: json.dumps(v) if isinstance(v, dict | list) else v for k, v in params.items()}
            )
        if isinstance(body, dict | list):
            body = json.dumps(body)
            content_type = content_type or "application/json"
        return self.http.generic(
            method,
            f"/xapi/{path}{query}",
            data=body or b"",
            content_type=content_type or "",
            headers=self.headers(headers),
        )

    def get(self, path: str, params: dict | None = None, **kwargs):
        """GET."""
        return self.request("GET", path, params, **kwargs)

    def head(self, path: str, params: dict | None = None, **kwargs):
        """HEAD."""
        return self.request("HEAD", path, params, **kwargs)

    def put(self, path: str, params: dict | None = None, body=None, **kwargs):
        """PUT."""
        return self.request("PUT", path, params, body, **kwargs)

    def post(self, path: str, params: dict | None = None, body=None, **kwargs):
        """POST."""
        return self.request("POST", path, params, body, **kwargs)

    def delete(self, path: str, params: dict | None = None, **kwargs):
        """DELETE."""
        return self.request("DELETE", path, params, **kwargs)


def error_message(response) -> str:
    """The message of an xAPI error body (every 4xx says what is wrong)."""
    body = response.json()
    assert body["error"]["status"] == response.status_code
    return body["error"]["message"]
