"""Tests for lrs.xapi.agents: Agents, Groups, IFIs, accounts, authority and agent parameters."""

from __future__ import annotations

import json

import pytest

from lrs.xapi.agents import (
    agent_ifi,
    agent_ifi_or_none,
    validate_agent,
    validate_agent_param,
    validate_authority,
)
from lrs.xapi.errors import XAPIValidationError

CLAIRE = {"objectType": "Agent", "name": "Claire Martin", "mbox": "mailto:claire.martin@ac-lyon.fr"}
ACCOUNT = {"homePage": "https://campus.example.fr", "name": "cmartin"}
TEAM = {
    "objectType": "Group",
    "name": "Équipe de circonscription Lyon 3",
    "mbox": "mailto:equipe.lyon3@ac-lyon.fr",
    "member": [CLAIRE, {"mbox": "mailto:marc.petit@ac-lyon.fr"}],
}


@pytest.mark.parametrize(
    "agent",
    [
        CLAIRE,
        {"mbox": "mailto:claire.martin@ac-lyon.fr"},
        {"mbox_sha1sum": "cd9b00a5611f94eaa7b1661edab976068e364975"},
        {"openid": "https://openid.example.fr/claire"},
        {"account": ACCOUNT, "name": "Claire"},
    ],
)
def test_xapi_agent_accepts_each_single_ifi(agent):
    """An Agent identified by exactly one IFI is accepted, objectType being optional."""
    assert validate_agent(agent, path="statement.actor") is agent


def test_xapi_agent_rejects_two_ifis():
    """An Agent with two IFIs is rejected with a message listing them."""
    agent = {"mbox": "mailto:claire.martin@ac-lyon.fr", "openid": "https://openid.example.fr/c"}
    with pytest.raises(XAPIValidationError) as caught:
        validate_agent(agent, path="statement[3].actor")
    assert str(caught.value) == (
        "statement[3].actor: exactly one inverse functional identifier is required, "
        "found 2 (mbox, openid)"
    )


def test_xapi_agent_rejects_missing_ifi():
    """An Agent without any IFI is rejected."""
    with pytest.raises(XAPIValidationError, match="found none"):
        validate_agent({"objectType": "Agent", "name": "Claire"}, path="actor")


@pytest.mark.parametrize("object_type", ["agent", "Person", 1])
def test_xapi_agent_rejects_bad_object_type(object_type):
    """objectType is case-sensitive and restricted to Agent or Group."""
    with pytest.raises(XAPIValidationError) as caught:
        validate_agent({**CLAIRE, "objectType": object_type}, path="actor")
    assert caught.value.path == "actor.objectType"


def test_xapi_agent_rejects_unknown_property_and_bad_name():
    """Unknown properties and non-string names are rejected."""
    with pytest.raises(XAPIValidationError):
        validate_agent({**CLAIRE, "email": "claire@ac-lyon.fr"}, path="actor")
    with pytest.raises(XAPIValidationError):
        validate_agent({**CLAIRE, "name": {"fr": "Claire"}}, path="actor")


def test_xapi_agent_mbox_must_be_mailto():
    """mbox must be a mailto IRI."""
    with pytest.raises(XAPIValidationError, match="mailto"):
        validate_agent({"mbox": "claire.martin@ac-lyon.fr"}, path="actor")


@pytest.mark.parametrize(
    "account",
    [
        {"name": "cmartin"},
        {"homePage": "https://campus.example.fr"},
        {"homePage": "campus.example.fr", "name": "cmartin"},
        {"homePage": "https://campus.example.fr", "name": {"id": 1}},
        {**ACCOUNT, "id": 3},
    ],
)
def test_xapi_account_requires_homepage_irl_and_name(account):
    """An account needs an IRL homePage and a string name, and nothing else."""
    with pytest.raises(XAPIValidationError):
        validate_agent({"account": account}, path="actor")


def test_xapi_group_identified_with_or_without_members():
    """Identified Groups are accepted with or without members."""
    assert validate_agent(TEAM, path="actor") is TEAM
    no_members = {k: v for k, v in TEAM.items() if k != "member"}
    assert validate_agent(no_members, path="actor") is no_members


def test_xapi_group_anonymous_requires_member():
    """An anonymous Group must list its members."""
    anonymous = {"objectType": "Group", "member": [CLAIRE]}
    assert validate_agent(anonymous, path="actor") is anonymous
    with pytest.raises(XAPIValidationError) as caught:
        validate_agent({"objectType": "Group", "name": "Stagiaires"}, path="actor")
    assert caught.value.path == "actor.member"


def test_xapi_group_member_must_be_agent_array():
    """member is an array of Agents; Groups and invalid Agents are rejected."""
    with pytest.raises(XAPIValidationError):
        validate_agent({**TEAM, "member": CLAIRE}, path="actor")
    with pytest.raises(XAPIValidationError, match="not a Group"):
        validate_agent({**TEAM, "member": [TEAM]}, path="actor")
    with pytest.raises(XAPIValidationError) as caught:
        validate_agent({**TEAM, "member": [CLAIRE, {"name": "?"}]}, path="actor")
    assert caught.value.path == "actor.member[1]"


def test_xapi_group_rejects_two_ifis():
    """An identified Group uses exactly one IFI."""
    with pytest.raises(XAPIValidationError, match="found 2"):
        validate_agent({**TEAM, "openid": "https://openid.example.fr/equipe"}, path="actor")


def test_xapi_agent_only_context_rejects_group():
    """allow_group=False rejects Groups."""
    with pytest.raises(XAPIValidationError):
        validate_agent(TEAM, path="agent", allow_group=False)


def test_xapi_object_agent_requires_object_type():
    """require_object_type demands objectType (Agents used as Statement objects)."""
    with pytest.raises(XAPIValidationError, match="objectType"):
        validate_agent(
            {"mbox": "mailto:claire.martin@ac-lyon.fr"}, path="o", require_object_type=True
        )


def test_xapi_authority_accepts_agent_and_oauth_pair():
    """authority is an Agent or an anonymous Group of exactly two Agents."""
    oauth = {
        "objectType": "Group",
        "member": [
            {
                "account": {
                    "homePage": "https://campus.example.fr/oauth",
                    "name": "appli-evaluation",
                }
            },
            {"mbox": "mailto:claire.martin@ac-lyon.fr"},
        ],
    }
    assert validate_authority(CLAIRE) is CLAIRE
    assert validate_authority(oauth) is oauth


@pytest.mark.parametrize(
    "authority",
    [
        {"objectType": "Group", "member": [CLAIRE]},
        {"objectType": "Group", "member": [CLAIRE, CLAIRE, CLAIRE]},
        TEAM,
    ],
)
def test_xapi_authority_rejects_other_groups(authority):
    """Groups of one or three members, and identified Groups, are not valid authorities."""
    with pytest.raises(XAPIValidationError):
        validate_authority(authority)


@pytest.mark.parametrize(
    ("agent", "expected"),
    [
        (CLAIRE, ("mbox", "mailto:claire.martin@ac-lyon.fr")),
        (
            {"mbox_sha1sum": "CD9B00A5611F94EAA7B1661EDAB976068E364975"},
            ("mbox_sha1sum", "cd9b00a5611f94eaa7b1661edab976068e364975"),
        ),
        ({"openid": "https://openid.example.fr/c"}, ("openid", "https://openid.example.fr/c")),
        ({"account": ACCOUNT}, ("account", "https://campus.example.fr|cmartin")),
        (TEAM, ("mbox", "mailto:equipe.lyon3@ac-lyon.fr")),
    ],
)
def test_xapi_agent_ifi_returns_kind_and_value(agent, expected):
    """agent_ifi returns the IFI kind and its canonical value."""
    assert agent_ifi(agent) == expected


def test_xapi_agent_ifi_anonymous_group_has_none():
    """An anonymous Group has no IFI."""
    anonymous = {"objectType": "Group", "member": [CLAIRE]}
    with pytest.raises(ValueError):
        agent_ifi(anonymous)
    assert agent_ifi_or_none(anonymous) is None


def test_xapi_agent_param_accepts_agent_json():
    """The agent query parameter is a JSON Agent with an IFI."""
    assert validate_agent_param(json.dumps(CLAIRE)) == CLAIRE
    assert validate_agent_param(
        '{"account": {"homePage": "https://campus.example.fr", "name": "c"}}'
    )


@pytest.mark.parametrize(
    "raw",
    [
        "wrong",
        "mailto:claire.martin@ac-lyon.fr",
        "[]",
        '{"name": "Claire"}',
        '{"objectType": "Group", "member": [{"mbox": "mailto:claire.martin@ac-lyon.fr"}]}',
        '{"mbox": "claire.martin@ac-lyon.fr"}',
    ],
)
def test_xapi_agent_param_rejects_invalid_values(raw):
    """Invalid JSON, non-objects, agents without IFI and anonymous Groups are rejected."""
    with pytest.raises(XAPIValidationError) as caught:
        validate_agent_param(raw)
    assert caught.value.path.startswith("agent")
