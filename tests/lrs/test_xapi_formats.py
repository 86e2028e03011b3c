"""Tests for lrs.xapi.formats: GET query parameters, Accept-Language and statement formats."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from lrs.xapi.errors import XAPIValidationError
from lrs.xapi.formats import (
    best_language,
    format_statement,
    parse_accept_language,
    validate_statement_query,
)
from lrs.xapi.statements import validate_statement
from tests.lrs.test_xapi_samples import CLAIRE, statement

GROUP = {
    "objectType": "Group",
    "name": "Formateurs Lyon",
    "mbox": "mailto:formateurs@ac-lyon.fr",
    "member": [CLAIRE],
}


def test_xapi_query_parses_all_parameters():
    """Every GET /statements parameter is parsed to its Python value."""
    params = {
        "agent": json.dumps(CLAIRE),
        "verb": "http://adlnet.gov/expapi/verbs/completed",
        "activity": "https://campus.example.fr/parcours/differenciation",
        "registration": "ec531277-b57b-4c15-8d91-d292c5b2b8f7",
        "related_activities": "true",
        "related_agents": "false",
        "since": "2024-09-01T00:00:00Z",
        "until": "2024-09-30T00:00:00+02:00",
        "limit": "25",
        "format": "ids",
        "attachments": "false",
        "ascending": "true",
    }
    parsed = validate_statement_query(params)
    assert parsed["agent"] == CLAIRE
    assert parsed["since"] == datetime(2024, 9, 1, tzinfo=UTC)
    assert parsed["limit"] == 25
    assert parsed["related_activities"] is True
    assert parsed["format"] == "ids"


def test_xapi_query_defaults_format_to_exact():
    """format defaults to exact."""
    assert validate_statement_query({}) == {"format": "exact"}


@pytest.mark.parametrize(
    "params",
    [
        {"statementId": "wrong"},
        {"voidedStatementId": "wrong"},
        {"agent": "wrong"},
        {"verb": "not.a.valid.iri.com/verb"},
        {"activity": "not.a.valid.iri.com/activity"},
        {"registration": "wrong"},
        {"since": "hier"},
        {"limit": "-1"},
        {"limit": "dix"},
        {"format": "full"},
        {"ascending": "True"},
        {"attachements": "true"},
    ],
)
def test_xapi_query_rejects_invalid_values(params):
    """Parameter values are validated like the same values in Statements."""
    with pytest.raises(XAPIValidationError):
        validate_statement_query(params)


@pytest.mark.parametrize("other", ["agent", "verb", "limit", "ascending", "voidedStatementId"])
def test_xapi_query_statement_id_excludes_filters(other):
    """statementId can only be combined with format and attachments."""
    uuid = "ec531277-b57b-4c15-8d91-d292c5b2b8f7"
    ok = {"statementId": uuid, "format": "canonical", "attachments": "true"}
    assert validate_statement_query(ok)["statementId"] == uuid
    values = {"agent": json.dumps(CLAIRE), "verb": "http://x.fr/v", "limit": "1"}
    with pytest.raises(XAPIValidationError):
        validate_statement_query({"statementId": uuid, other: values.get(other, "true")})


def test_xapi_accept_language_orders_by_quality():
    """Accept-Language ranges are sorted by q, dropping q=0."""
    header = "en;q=0.5, fr-FR, fr;q=0.9, de;q=0, *;q=0.1"
    assert parse_accept_language(header) == ["fr-FR", "fr", "en", "*"]
    assert parse_accept_language(None) == []


def test_xapi_best_language_matches_exact_then_prefix():
    """Exact tags win, then prefixes, then en-US/en, then the first key."""
    names = {"en-US": "completed", "fr-FR": "a terminé", "fr-CA": "a complété"}
    assert best_language(names, ["fr-CA"]) == "fr-CA"
    assert best_language(names, ["fr"]) == "fr-FR"
    assert best_language(names, ["de"]) == "en-US"
    assert best_language({"it": "x"}, ["de"]) == "it"
    assert best_language({}, ["de"]) is None


def test_xapi_format_exact_returns_statement_unchanged():
    """exact returns the stored Statement."""
    stored = validate_statement(statement())
    assert format_statement(stored, "exact", []) is stored


def test_xapi_format_ids_keeps_only_identifiers():
    """ids reduces Agents/Groups to objectType + IFI, Activities and Verbs to their id."""
    data = statement(object=GROUP)
    del data["context"]["platform"]
    stored = validate_statement(data)
    result = format_statement(stored, "ids", [])
    assert result["actor"] == {"objectType": "Agent", "mbox": "mailto:claire.martin@ac-lyon.fr"}
    assert result["verb"] == {"id": "http://adlnet.gov/expapi/verbs/completed"}
    assert result["object"] == {"objectType": "Group", "mbox": "mailto:formateurs@ac-lyon.fr"}
    assert result["context"]["instructor"] == {"mbox": "mailto:marc.petit@ac-lyon.fr"}
    assert result["context"]["contextActivities"]["parent"] == [
        {"id": "https://campus.example.fr/parcours/differenciation"}
    ]
    assert stored["object"] == GROUP


def test_xapi_format_ids_keeps_anonymous_group_members():
    """ids keeps the members (reduced) of anonymous Groups and reduces activities to id."""
    anonymous = {"objectType": "Group", "name": "Stagiaires", "member": [CLAIRE]}
    sub = {
        "objectType": "SubStatement",
        "actor": anonymous,
        "verb": {"id": "http://adlnet.gov/expapi/verbs/attended", "display": {"fr": "a suivi"}},
        "object": {"objectType": "Activity", "id": "https://campus.example.fr/w"},
    }
    result = format_statement(statement(object=sub, context={}), "ids", [])
    assert result["object"]["actor"] == {
        "objectType": "Group",
        "member": [{"objectType": "Agent", "mbox": "mailto:claire.martin@ac-lyon.fr"}],
    }
    assert result["object"]["object"] == {"id": "https://campus.example.fr/w"}


def test_xapi_format_canonical_keeps_one_language():
    """canonical keeps only the best-matching entry of each language map."""
    stored = validate_statement(statement())
    result = format_statement(stored, "canonical", parse_accept_language("en-GB"))
    assert result["verb"]["display"] == {"en-US": "completed"}
    assert result["object"]["definition"]["name"] == {"en-GB": "Differentiated teaching"}
    assert result["actor"] == CLAIRE
    french = format_statement(stored, "canonical", ["fr"])
    assert french["object"]["definition"]["description"] == {"fr-FR": "Module 2 du parcours"}
    assert len(stored["verb"]["display"]) == 2


def test_xapi_format_rejects_unknown_format():
    """Only exact, ids and canonical exist."""
    with pytest.raises(XAPIValidationError):
        format_statement(statement(), "full", [])
