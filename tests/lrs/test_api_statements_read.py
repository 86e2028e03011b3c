"""GET /xapi/statements over HTTP: single statements, filters, formats, paging (§2.1.3)."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.lrs.conftest import xapi_client
from tests.lrs.factories import (
    VERB_ATTEMPTED,
    ClientFactory,
    activity,
    agent,
    statement,
    voiding,
)

pytestmark = pytest.mark.django_db
URL = "/xapi/statements"


def post(client, data):
    """POST ``data`` as JSON and check it was stored."""
    response = client.post(URL, json.dumps(data), content_type="application/json")
    assert response.status_code == 200, response.content
    return response.json()


def ids(client, **params):
    """The ids of the statements a GET with ``params`` returns (first page)."""
    response = client.get(URL, params)
    assert response.status_code == 200, response.content
    return [s["id"] for s in response.json()["statements"]]


def test_api_statements_get_single_has_headers(lrs_client):
    """GET by statementId returns the statement with Last-Modified and Consistent-Through."""
    sent = statement()
    post(lrs_client, sent)
    response = lrs_client.get(URL, {"statementId": sent["id"]})
    assert response.status_code == 200
    assert response.json()["id"] == sent["id"]
    assert response["Last-Modified"]
    assert response["X-Experience-API-Consistent-Through"].endswith("Z")


def test_api_statements_get_unknown_is_404_with_consistent_through(lrs_client):
    """An unknown statementId is a 404; a misuse is a 400; both carry Consistent-Through."""
    response = lrs_client.get(URL, {"statementId": "6f1ba4b5-2a52-4a15-8d5a-64e0bd66f2a8"})
    assert response.status_code == 404
    assert "X-Experience-API-Consistent-Through" in response
    response = lrs_client.get(URL, {"statementId": "nope", "verb": VERB_ATTEMPTED})
    assert response.status_code == 400
    assert "X-Experience-API-Consistent-Through" in response


def test_api_statements_get_filters_by_agent_verb_activity(lrs_client):
    """agent, verb and activity filters select on actor/object, verb and object activity."""
    claire = statement()
    karim = statement(actor=agent("karim"), verb={"id": VERB_ATTEMPTED})
    other = statement(object=activity("module-2"))
    post(lrs_client, [claire, karim, other])
    assert ids(lrs_client, agent=json.dumps(agent("karim"))) == [karim["id"]]
    assert ids(lrs_client, verb=VERB_ATTEMPTED) == [karim["id"]]
    assert ids(lrs_client, activity=activity("module-2")["id"]) == [other["id"]]
    both = {"agent": json.dumps(agent()), "activity": activity()["id"]}
    assert ids(lrs_client, **both) == [claire["id"]]


def test_api_statements_get_related_filters_look_further(lrs_client):
    """related_agents and related_activities also match context agents and activities."""
    sent = statement(
        context={
            "instructor": agent("karim"),
            "contextActivities": {"grouping": [activity("course")]},
        }
    )
    post(lrs_client, sent)
    karim = json.dumps(agent("karim"))
    assert ids(lrs_client, agent=karim) == []
    assert ids(lrs_client, agent=karim, related_agents="true") == [sent["id"]]
    course = activity("course")["id"]
    assert ids(lrs_client, activity=course) == []
    assert ids(lrs_client, activity=course, related_activities="true") == [sent["id"]]


def test_api_statements_get_registration_since_until(lrs_client):
    """registration selects on the context; since is exclusive and until inclusive."""
    registration = "9a6b4a8d-4a7e-4b7f-9a84-5c1d3b1e0a11"
    first = statement(context={"registration": registration})
    post(lrs_client, first)
    stored = lrs_client.get(URL, {"statementId": first["id"]}).json()["stored"]
    second = statement()
    post(lrs_client, second)
    assert ids(lrs_client, registration=registration) == [first["id"]]
    assert first["id"] in ids(lrs_client, until=stored)
    assert first["id"] not in ids(lrs_client, since=stored)


def test_api_statements_get_includes_statements_targeting_a_match(lrs_client):
    """A filter also returns statements whose StatementRef targets a matching statement."""
    target = statement(verb={"id": VERB_ATTEMPTED})
    post(lrs_client, target)
    void = voiding(target["id"])
    post(lrs_client, void)
    ref = statement(object={"objectType": "StatementRef", "id": void["id"]})
    post(lrs_client, ref)
    assert ids(lrs_client, verb=VERB_ATTEMPTED) == [void["id"]]


def test_api_statements_get_pages_with_more(lrs_client):
    """limit cuts pages; `more` leads to the next page, stable while statements arrive."""
    sent = [statement() for _ in range(5)]
    post(lrs_client, sent)
    first = lrs_client.get(URL, {"limit": 2, "ascending": "true"}).json()
    assert [s["id"] for s in first["statements"]] == [s["id"] for s in sent[:2]]
    post(lrs_client, statement())  # A newcomer must not shift the pages already cut.
    seen = [s["id"] for s in first["statements"]]
    more = first["more"]
    while more:
        assert parse_qs(urlsplit(more).query).keys() == {"more"}
        page = lrs_client.get(more).json()
        seen += [s["id"] for s in page["statements"]]
        more = page["more"]
    assert seen[:5] == [s["id"] for s in sent]
    assert len(seen) == 6


def test_api_statements_get_descending_by_default(lrs_client):
    """Without ascending, the most recently stored statement comes first."""
    older, newer = statement(), statement()
    post(lrs_client, older)
    post(lrs_client, newer)
    assert ids(lrs_client) == [newer["id"], older["id"]]
    assert ids(lrs_client, ascending="true") == [older["id"], newer["id"]]


def test_api_statements_get_format_ids_and_canonical(lrs_client):
    """format=ids keeps identifiers only; canonical keeps the Accept-Language entry."""
    sent = statement(
        object=activity(name={"en-US": "Module", "fr-FR": "Module (fr)"}),
        verb={"id": VERB_ATTEMPTED, "display": {"en-US": "attempted", "fr-FR": "a essayé"}},
    )
    post(lrs_client, sent)
    body = lrs_client.get(URL, {"statementId": sent["id"], "format": "ids"}).json()
    assert body["object"] == {"id": activity()["id"]}
    assert body["actor"] == {"objectType": "Agent", "mbox": "mailto:claire@ac-lyon.fr"}
    body = lrs_client.get(
        URL, {"statementId": sent["id"], "format": "canonical"}, HTTP_ACCEPT_LANGUAGE="fr-FR"
    ).json()
    assert body["verb"]["display"] == {"fr-FR": "a essayé"}
    assert body["object"]["definition"]["name"] == {"fr-FR": "Module (fr)"}


def test_api_statements_get_rejects_unknown_parameters(lrs_client):
    """Unknown or miscased parameters are a 400."""
    assert lrs_client.get(URL, {"Verb": VERB_ATTEMPTED}).status_code == 400
    assert lrs_client.get(URL, {"more": "forged"}).status_code == 400


def test_api_statements_read_mine_sees_only_its_statements(db):
    """statements/read/mine reads what its client stored; statements/read reads everything."""
    mine = ClientFactory(scopes=["statements/write", "statements/read/mine"])
    theirs = ClientFactory(scopes=["statements/write"])
    own, foreign = statement(), statement()
    post(xapi_client(mine), own)
    post(xapi_client(theirs), foreign)
    assert ids(xapi_client(mine)) == [own["id"]]
    assert xapi_client(mine).get(URL, {"statementId": foreign["id"]}).status_code == 404
    assert xapi_client(theirs).get(URL).status_code == 403
    reader = xapi_client(ClientFactory(scopes=["statements/read"]))
    assert set(ids(reader)) == {own["id"], foreign["id"]}


def test_api_statements_head_has_no_body(lrs_client):
    """HEAD answers like GET without a body."""
    post(lrs_client, statement())
    response = lrs_client.head(URL)
    assert response.status_code == 200
    assert response.content == b""
    assert "X-Experience-API-Consistent-Through" in response


def test_api_statements_alternate_syntax_get_and_put(lrs_client, lrs_credentials):
    """The alternate request syntax (POST ?method=...) reads and writes statements."""
    from django.test import Client

    from tests.lrs.factories import basic_auth

    sent = statement()
    form = {
        "Authorization": basic_auth(lrs_credentials),
        "X-Experience-API-Version": "1.0.3",
        "Content-Type": "application/json",
        "statementId": sent["id"],
        "content": json.dumps(sent),
    }
    from urllib.parse import urlencode

    plain = Client()
    response = plain.post(
        f"{URL}?method=PUT", urlencode(form), content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 204
    form = {key: form[key] for key in ("Authorization", "X-Experience-API-Version")}
    form["statementId"] = sent["id"]
    response = plain.post(
        f"{URL}?method=GET", urlencode(form), content_type="application/x-www-form-urlencoded"
    )
    assert response.json()["id"] == sent["id"]


def test_api_statements_alternate_syntax_takes_real_headers(lrs_client):
    """With the alternate syntax, credentials and version may also come as real headers."""
    from urllib.parse import urlencode

    sent = statement()
    post(lrs_client, sent)
    response = lrs_client.post(
        f"{URL}?method=GET",
        urlencode({"statementId": sent["id"]}),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert response.json()["id"] == sent["id"]
    assert response["Date"]
