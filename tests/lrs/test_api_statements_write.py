"""PUT and POST /xapi/statements over HTTP (Communication §2.1.1, §2.1.2)."""

from __future__ import annotations

import json
import uuid

import pytest

from lrs.models import Activity, Statement, StatementActivity, StatementAgent
from tests.lrs.conftest import xapi_client
from tests.lrs.factories import ClientFactory, activity, agent, statement, voiding

pytestmark = pytest.mark.django_db
URL = "/xapi/statements"


def post(client, data, **extra):
    """POST ``data`` as JSON to the statements resource."""
    return client.post(URL, json.dumps(data), content_type="application/json", **extra)


def put(client, data, statement_id):
    """PUT ``data`` as JSON under ``statement_id``."""
    return client.put(
        f"{URL}?statementId={statement_id}", json.dumps(data), content_type="application/json"
    )


def get(client, **params):
    """GET the statements resource with ``params`` and return the response."""
    return client.get(URL, params)


def test_api_statements_post_returns_ids_in_order(lrs_client):
    """POSTing a list stores every statement and answers 200 with their ids in order."""
    first, second = statement(), statement()
    del second["id"]
    response = post(lrs_client, [first, second])
    assert response.status_code == 200
    ids = response.json()
    assert ids[0] == first["id"]
    assert uuid.UUID(ids[1]).version == 4
    assert Statement.objects.count() == 2


def test_api_statements_post_sets_lrs_properties(lrs_client, lrs_credentials):
    """Stored statements get stored, timestamp, version and the client's authority."""
    sent = statement(authority=agent("mallory"))
    post(lrs_client, sent)
    body = get(lrs_client, statementId=sent["id"]).json()
    assert body["stored"] == body["timestamp"]
    assert body["stored"].endswith("Z")
    assert body["version"] == "1.0.0"
    assert body["authority"] == lrs_credentials.authority


def test_api_statements_post_invalid_batch_stores_nothing(lrs_client):
    """One invalid statement in a batch: 400 naming the field, and nothing stored."""
    bad = statement(verb={"id": "not an iri"})
    response = post(lrs_client, [statement(), bad])
    assert response.status_code == 400
    assert "statement[1].verb.id" in response.json()["error"]["message"]
    assert Statement.objects.count() == 0


def test_api_statements_put_stores_under_statement_id(lrs_client):
    """PUT with statementId answers 204 and the statement is then readable."""
    sent = statement()
    statement_id = sent.pop("id")
    assert put(lrs_client, sent, statement_id).status_code == 204
    assert get(lrs_client, statementId=statement_id).json()["id"] == statement_id


def test_api_statements_put_without_statement_id_is_refused(lrs_client):
    """PUT without statementId, or with a different id in the body, is a 400."""
    response = lrs_client.put(URL, json.dumps(statement()), content_type="application/json")
    assert response.status_code == 400
    assert put(lrs_client, statement(), str(uuid.uuid4())).status_code == 400


def test_api_statements_same_id_same_content_is_a_no_op(lrs_client):
    """Re-sending an identical statement is accepted (204 / 200) and changes nothing."""
    sent = statement()
    assert put(lrs_client, sent, sent["id"]).status_code == 204
    stored = get(lrs_client, statementId=sent["id"]).json()["stored"]
    assert put(lrs_client, sent, sent["id"]).status_code == 204
    assert post(lrs_client, [sent]).json() == [sent["id"]]
    assert Statement.objects.count() == 1
    assert get(lrs_client, statementId=sent["id"]).json()["stored"] == stored


def test_api_statements_same_id_other_content_conflicts(lrs_client):
    """Re-using an id for different content is a 409 Conflict, on PUT and on POST."""
    sent = statement()
    post(lrs_client, sent)
    changed = {**sent, "verb": {"id": "http://adlnet.gov/expapi/verbs/attempted"}}
    assert put(lrs_client, changed, sent["id"]).status_code == 409
    assert post(lrs_client, [statement(), changed]).status_code == 409
    assert Statement.objects.count() == 1


def test_api_statements_voiding_hides_the_target(lrs_client):
    """A voided statement is only returned by voidedStatementId; the voiding one stays."""
    target = statement()
    post(lrs_client, target)
    void = voiding(target["id"])
    assert post(lrs_client, void).status_code == 200
    assert get(lrs_client, statementId=target["id"]).status_code == 404
    assert get(lrs_client, voidedStatementId=target["id"]).json()["id"] == target["id"]
    assert get(lrs_client, voidedStatementId=void["id"]).status_code == 404
    listed = [s["id"] for s in get(lrs_client).json()["statements"]]
    assert listed == [void["id"]]


def test_api_statements_voiding_a_voiding_statement_is_refused(lrs_client):
    """Voiding a voiding statement is a 400 and leaves it in place."""
    target = statement()
    void = voiding(target["id"])
    post(lrs_client, [target, void])
    response = post(lrs_client, voiding(void["id"]))
    assert response.status_code == 400
    assert get(lrs_client, statementId=void["id"]).status_code == 200


def test_api_statements_voiding_an_unknown_statement_is_accepted(lrs_client):
    """A voiding statement may target a statement the LRS does not hold (yet)."""
    target = statement()
    assert post(lrs_client, voiding(target["id"])).status_code == 200
    post(lrs_client, target)
    assert get(lrs_client, statementId=target["id"]).status_code == 404
    assert get(lrs_client, voidedStatementId=target["id"]).status_code == 200


def test_api_statements_write_requires_the_write_scope(db):
    """A client without statements/write gets a 403; one with it is allowed."""
    reader = xapi_client(ClientFactory(scopes=["statements/read"]))
    assert post(reader, statement()).status_code == 403
    writer = xapi_client(ClientFactory(scopes=["statements/write"]))
    assert post(writer, statement()).status_code == 200


def test_api_statements_side_tables_index_related_agents_and_activities(lrs_client):
    """Actor/object rows are direct; instructor, authority and context activities related."""
    sent = statement(
        context={
            "instructor": agent("karim"),
            "contextActivities": {"parent": activity("course")},
        }
    )
    post(lrs_client, sent)
    agents = dict(StatementAgent.objects.values_list("ifi", "direct"))
    assert agents["mbox:mailto:claire@ac-lyon.fr"] is True
    assert agents["mbox:mailto:karim@ac-lyon.fr"] is False
    assert agents["account:https://campus.example.fr|campus-tests"] is False
    activities = dict(StatementActivity.objects.values_list("activity_id", "direct"))
    assert activities == {activity()["id"]: True, activity("course")["id"]: False}


def test_api_statements_activity_definitions_merge_languages(lrs_client):
    """Activity definitions received are merged into the canonical one, language by language."""
    post(lrs_client, statement(object=activity(name={"en-US": "Module 1"})))
    post(lrs_client, statement(object=activity(name={"fr-FR": "Module 1 (fr)"})))
    definition = Activity.objects.get(activity_id=activity()["id"]).definition
    assert definition["name"] == {"en-US": "Module 1", "fr-FR": "Module 1 (fr)"}


def test_api_statements_post_needs_json_or_multipart(lrs_client):
    """A body in another content type than application/json or multipart/mixed is a 400."""
    response = lrs_client.post(URL, json.dumps(statement()), content_type="text/plain")
    assert response.status_code == 400


def test_api_statements_requires_credentials_and_version(lrs_credentials):
    """Without credentials: 401; without the version header: 400."""
    from django.test import Client

    assert Client(HTTP_X_EXPERIENCE_API_VERSION="1.0.3").get(URL).status_code == 401
    client = xapi_client(lrs_credentials)
    assert client.get(URL, HTTP_X_EXPERIENCE_API_VERSION="").status_code == 400
