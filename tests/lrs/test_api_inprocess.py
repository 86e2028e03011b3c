"""The in-process Python API (lrs.api): Campus's pages record statements without HTTP."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
import tincan

from lrs import api
from lrs.auth import ifi_key
from lrs.models import Activity, Statement, StatementActivity, StatementAgent
from lrs.xapi.errors import XAPIValidationError

MODULE_IRI = "https://campus.example.fr/modules/fractions-cycle-3"
COURSE_IRI = "https://campus.example.fr/parcours/maths-cycle-3"


def _completed_module(registration: uuid.UUID) -> tincan.Statement:
    """Claire completed the fractions module of her course, 17/20, in 25 minutes."""
    return api.statement_for(
        actor=api.agent_for("Claire.Martin@AC-Lyon.fr", "Claire Martin"),
        verb=api.COMPLETED,
        target=api.activity_for(
            MODULE_IRI, name="Les fractions au cycle 3", activity_type=api.ACTIVITY_MODULE
        ),
        result=api.result_for(
            score=(17, 0, 20), success=True, completion=True, duration=dt.timedelta(minutes=25)
        ),
        registration=registration,
        parent=api.activity_for(COURSE_IRI),
    )


@pytest.mark.django_db
def test_api_record_tincan_statement_lands_in_lrs(lrs_client):
    """A statement built with tincan classes is stored, indexed and served by GET."""
    registration = uuid.uuid4()

    statement_id = api.record(_completed_module(registration))

    row = Statement.objects.get(statement_id=statement_id)
    assert row.verb_id == "http://adlnet.gov/expapi/verbs/completed"
    assert row.object_activity_id == MODULE_IRI
    assert row.registration == registration
    assert row.client is None
    assert row.payload["authority"] == api.platform_authority()
    assert row.payload["result"]["score"] == {"scaled": 0.85, "raw": 17, "min": 0, "max": 20}
    assert StatementAgent.objects.filter(
        statement=row, ifi="mbox:mailto:Claire.Martin@ac-lyon.fr", direct=True
    ).exists()
    assert set(
        StatementActivity.objects.filter(statement=row).values_list("activity_id", "direct")
    ) == {(MODULE_IRI, True), (COURSE_IRI, False)}
    assert Activity.objects.get(activity_id=MODULE_IRI).definition["name"] == {
        "fr-FR": "Les fractions au cycle 3"
    }
    response = lrs_client.get("/xapi/statements", {"statementId": statement_id})
    assert response.status_code == 200
    served = json.loads(response.content)
    assert served["id"] == statement_id
    assert served["verb"]["display"] == {"en-US": "completed", "fr-FR": "a terminé"}
    assert served["context"]["registration"] == str(registration)


@pytest.mark.django_db
def test_api_record_dict_statement_returns_given_id():
    """A plain dict is accepted too, and the id it carries is the id returned."""
    statement_id = str(uuid.uuid4())
    statement = {
        "id": statement_id,
        "actor": {"mbox": "mailto:karim.benali@ac-lyon.fr"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/attended"},
        "object": {"id": "https://campus.example.fr/sessions/42"},
    }

    assert api.record(statement) == statement_id
    assert Statement.objects.filter(statement_id=statement_id).exists()
    assert "id" in statement and "stored" not in statement  # The argument is left untouched.


@pytest.mark.django_db
def test_api_record_many_stores_nothing_when_one_is_invalid():
    """One invalid statement raises a validation error naming it, and the batch is not stored."""
    valid = _completed_module(uuid.uuid4())
    invalid = api.serialise(_completed_module(uuid.uuid4()))
    invalid["verb"]["id"] = "completed"  # Not an IRI.

    with pytest.raises(XAPIValidationError) as excinfo:
        api.record_many([valid, invalid])

    assert excinfo.value.path == "statement[1].verb.id"
    assert not Statement.objects.exists()


@pytest.mark.django_db
def test_api_record_many_returns_ids_in_order():
    """A batch is stored at once and its ids come back in the order given."""
    statements = [
        api.statement_for(
            actor=api.agent_for(f"prof{i}@ac-lyon.fr"),
            verb=api.PLAYED,
            target=api.activity_for(
                "https://campus.example.fr/videos/intro", activity_type=api.ACTIVITY_VIDEO
            ),
            statement_id=uuid.uuid4(),
        )
        for i in range(3)
    ]

    ids = api.record_many(statements)

    assert ids == [str(statement.id) for statement in statements]
    assert Statement.objects.count() == 3
    assert api.record_many([]) == []


@pytest.mark.django_db
def test_api_record_uses_lrs_authority_setting(settings):
    """The authority stamped on in-process statements is the LRS_AUTHORITY setting."""
    settings.LRS_AUTHORITY = {
        "objectType": "Agent",
        "name": "Campus Lyon",
        "account": {"homePage": "https://campus.ac-lyon.fr", "name": "campus"},
    }

    statement_id = api.record(_completed_module(uuid.uuid4()))

    row = Statement.objects.get(statement_id=statement_id)
    assert row.payload["authority"]["name"] == "Campus Lyon"
    assert row.authority_ifi == ifi_key(settings.LRS_AUTHORITY)


def test_api_verbs_have_iris_and_french_and_english_display():
    """Every verb constant has its vocabulary IRI and an en-US and a fr-FR display."""
    verbs = {
        "launched": api.LAUNCHED,
        "experienced": api.EXPERIENCED,
        "answered": api.ANSWERED,
        "passed": api.PASSED,
        "failed": api.FAILED,
        "completed": api.COMPLETED,
        "attended": api.ATTENDED,
        "shared": api.SHARED,
    }
    for name, verb in verbs.items():
        assert verb.id == f"http://adlnet.gov/expapi/verbs/{name}"
    for name in ("played", "paused", "seeked"):
        assert getattr(api, name.upper()).id == f"https://w3id.org/xapi/video/verbs/{name}"
    assert api.REVIEWED.id == "http://id.tincanapi.com/verb/reviewed"
    assert api.PUBLISHED.id.startswith("http://activitystrea.ms/schema/1.0/")
    every = [*verbs.values(), api.PLAYED, api.PAUSED, api.SEEKED, api.REVIEWED, api.PUBLISHED]
    for verb in every:
        assert set(verb.display) == {"en-US", "fr-FR"}


def test_api_agent_for_builds_mbox_agent_with_lower_case_domain():
    """agent_for gives an mbox Agent, domain lower-cased, and refuses a non-address."""
    agent = api.agent_for("Sophie.Lefevre@AC-LYON.FR", "Sophie Lefèvre")

    assert json.loads(agent.to_json("1.0.3")) == {
        "objectType": "Agent",
        "name": "Sophie Lefèvre",
        "mbox": "mailto:Sophie.Lefevre@ac-lyon.fr",
    }
    with pytest.raises(ValueError, match="not an e-mail address"):
        api.agent_for("sophie")


def test_api_result_for_scales_the_score_and_checks_bounds():
    """result_for computes scaled from raw, min and max, and refuses a raw out of bounds."""
    result = api.result_for(score=(15, 10, 20), success=False)

    assert json.loads(result.to_json("1.0.3"))["score"] == {
        "scaled": 0.5,
        "raw": 15,
        "min": 10,
        "max": 20,
    }
    with pytest.raises(ValueError, match="between"):
        api.result_for(score=(25, 0, 20))


def test_api_statement_for_refuses_a_naive_timestamp():
    """A timestamp without a time zone is refused rather than read in the server's zone."""
    with pytest.raises(ValueError, match="timezone-aware"):
        api.statement_for(
            actor=api.agent_for("claire@ac-lyon.fr"),
            verb=api.LAUNCHED,
            target=api.activity_for(MODULE_IRI),
            timestamp=dt.datetime(2025, 3, 1, 9, 0),  # noqa: DTZ001 -- naive on purpose
        )
