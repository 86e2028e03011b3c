"""Agents, Groups, inverse functional identifiers and account objects (xAPI 1.0.3 §2.4.2)."""

from __future__ import annotations

import json
from typing import Any

from lrs.xapi.common import (
    JSONObject,
    check_iri,
    check_irl,
    check_list,
    check_mailto,
    check_object,
    check_sha1_hex,
    check_string,
    fail,
    json_type,
)

IFI_KEYS: tuple[str, ...] = ("mbox", "mbox_sha1sum", "openid", "account")
AGENT_KEYS = frozenset({"objectType", "name", *IFI_KEYS})
GROUP_KEYS = AGENT_KEYS | {"member"}
ACCOUNT_KEYS = frozenset({"homePage", "name"})


def validate_agent(
    data: object,
    *,
    path: str = "agent",
    allow_group: bool = True,
    require_object_type: bool = False,
) -> JSONObject:
    """Validate an Agent, or a Group when ``allow_group`` is true, and return it.

    ``objectType`` decides between Agent and Group; when absent the object is an Agent
    (xAPI 1.0.3 §2.4.2.1), unless ``require_object_type`` is set (e.g. for a Statement
    object, §2.4.4.2).
    """
    if type(data) is not dict:
        fail(path, f"must be an Agent or Group object, got {json_type(data)}")
    object_type = data.get("objectType")
    if object_type is None:
        if "objectType" in data:
            fail(f"{path}.objectType", "must not be null")
        if require_object_type:
            # xAPI 1.0.3 §2.4.4.2 When the "Object" is an Agent or a Group: objectType is required.
            fail(f"{path}.objectType", "is required when the object is an Agent or a Group")
        return _validate_agent_only(data, path)
    if object_type == "Agent":
        return _validate_agent_only(data, path)
    if object_type == "Group":
        if not allow_group:
            fail(f"{path}.objectType", "must be 'Agent' here (a Group is not allowed)")
        return validate_group(data, path=path)
    # xAPI 1.0.3 §2.2: enumerated values are case-sensitive; §2.4.2 objectType is Agent or Group.
    expected = "'Agent' or 'Group'" if allow_group else "'Agent'"
    fail(f"{path}.objectType", f"must be {expected}, got {object_type!r}")


def _validate_agent_only(data: JSONObject, path: str) -> JSONObject:
    # xAPI 1.0.3 §2.4.2.1 When the Actor ObjectType is Agent: objectType, name, and one IFI.
    check_object(data, path, AGENT_KEYS)
    if "name" in data:
        check_string(data["name"], f"{path}.name")
    found = _check_ifis(data, path)
    # xAPI 1.0.3 §2.4.2.1: an Agent MUST be identified by exactly one IFI (§2.4.2.3).
    if len(found) != 1:
        fail(path, _ifi_count_message(found, "an Agent"))
    return data


def validate_group(
    data: object, *, path: str = "group", require_identified: bool = False
) -> JSONObject:
    """Validate a Group (identified or anonymous) and return it."""
    # xAPI 1.0.3 §2.4.2.2 When the Actor ObjectType is Group.
    group = check_object(data, path, GROUP_KEYS)
    if group.get("objectType") != "Group":
        fail(f"{path}.objectType", "must be 'Group'")
    if "name" in group:
        check_string(group["name"], f"{path}.name")
    found = _check_ifis(group, path)
    if len(found) > 1:
        # xAPI 1.0.3 §2.4.2.2 Requirements for Identified Groups: exactly one IFI.
        fail(path, _ifi_count_message(found, "an identified Group"))
    if "member" in group:
        _check_members(group["member"], f"{path}.member")
    elif not found:
        # xAPI 1.0.3 §2.4.2.2 Requirements for Anonymous Groups: "member" is required.
        fail(f"{path}.member", "is required for an anonymous Group (a Group without an IFI)")
    if require_identified and not found:
        fail(path, "must be an identified Group (with mbox, mbox_sha1sum, openid or account)")
    return group


def _check_members(members: object, path: str) -> None:
    # xAPI 1.0.3 §2.4.2.2: member is an unordered array of Agent objects (no nested Groups).
    check_list(members, path)
    for index, member in enumerate(members):  # type: ignore[arg-type]
        member_path = f"{path}[{index}]"
        if type(member) is dict and member.get("objectType") == "Group":
            fail(f"{member_path}.objectType", "a Group member must be an Agent, not a Group")
        validate_agent(member, path=member_path, allow_group=False)


def _check_ifis(data: JSONObject, path: str) -> list[str]:
    """Validate each IFI present and return their names in spec order."""
    # xAPI 1.0.3 §2.4.2.3 Inverse Functional Identifier.
    found = []
    if "mbox" in data:
        check_mailto(data["mbox"], f"{path}.mbox")
        found.append("mbox")
    if "mbox_sha1sum" in data:
        check_sha1_hex(data["mbox_sha1sum"], f"{path}.mbox_sha1sum")
        found.append("mbox_sha1sum")
    if "openid" in data:
        # xAPI 1.0.3 §2.4.2.3: openid is a URI.
        check_iri(data["openid"], f"{path}.openid")
        found.append("openid")
    if "account" in data:
        validate_account(data["account"], path=f"{path}.account")
        found.append("account")
    return found


def _ifi_count_message(found: list[str], what: str) -> str:
    if not found:
        return (
            f"exactly one inverse functional identifier is required for {what}, found none "
            "(use one of mbox, mbox_sha1sum, openid, account)"
        )
    return (
        f"exactly one inverse functional identifier is required, found {len(found)} "
        f"({', '.join(found)})"
    )


def validate_account(data: object, *, path: str = "account") -> JSONObject:
    """Validate an Account object: ``homePage`` (IRL) and ``name`` (string), both required."""
    # xAPI 1.0.3 §2.4.2.4 Account Object.
    account = check_object(data, path, ACCOUNT_KEYS)
    if "homePage" not in account:
        fail(f"{path}.homePage", "is required")
    check_irl(account["homePage"], f"{path}.homePage")
    if "name" not in account:
        fail(f"{path}.name", "is required")
    check_string(account["name"], f"{path}.name")
    return account


def validate_authority(data: object, *, path: str = "statement.authority") -> JSONObject:
    """Validate a Statement authority: an Agent, or an anonymous Group of exactly two Agents."""
    authority = validate_agent(data, path=path)
    if authority.get("objectType") == "Group":
        # xAPI 1.0.3 §2.4.9 Authority: a Group authority is only for 3-legged OAuth and MUST be
        # an anonymous Group of exactly two Agents (the application and the user).
        if any(key in authority for key in IFI_KEYS):
            fail(path, "a Group authority must be an anonymous Group (no IFI)")
        members = authority.get("member")
        if type(members) is not list or len(members) != 2:
            count = len(members) if type(members) is list else 0
            fail(f"{path}.member", f"a Group authority must have exactly 2 members, found {count}")
    return authority


def agent_ifi(agent: JSONObject) -> tuple[str, str]:
    """Return ``(kind, value)`` for the IFI of an Agent or identified Group.

    ``account`` is rendered as ``"homePage|name"``.  Raises ``ValueError`` for an anonymous
    Group (which has no IFI); the object must already be valid.
    """
    # xAPI 1.0.3 §2.4.2.3: an IFI uniquely identifies the Agent or identified Group.
    if "mbox" in agent:
        return "mbox", agent["mbox"]
    if "mbox_sha1sum" in agent:
        return "mbox_sha1sum", agent["mbox_sha1sum"].lower()
    if "openid" in agent:
        return "openid", agent["openid"]
    if "account" in agent:
        account = agent["account"]
        return "account", f"{account['homePage']}|{account['name']}"
    raise ValueError("an anonymous Group has no inverse functional identifier")


def agent_ifi_or_none(agent: JSONObject) -> tuple[str, str] | None:
    """Like :func:`agent_ifi`, but return ``None`` for an anonymous Group."""
    try:
        return agent_ifi(agent)
    except ValueError:
        return None


def parse_json_param(raw: object, name: str) -> Any:
    """Parse the JSON value of a query/form parameter called ``name``."""
    # xAPI 1.0.3 §2.2: parameter values are validated like the same values in Statements.
    if type(raw) is not str:
        fail(name, f"must be a JSON string, got {json_type(raw)}")
    try:
        return json.loads(raw)
    except ValueError as error:
        fail(name, f"is not valid JSON ({error.msg} at position {error.pos})")


def validate_agent_param(
    raw_json: object, *, name: str = "agent", allow_group: bool = True
) -> JSONObject:
    """Parse and validate an ``agent`` query parameter (JSON Agent or identified Group).

    Used for GET /statements ``agent``, and the agent parameter of the State, Agents and Agent
    Profile resources (pass ``allow_group=False`` where only an Agent makes sense).
    """
    data = parse_json_param(raw_json, name)
    agent = validate_agent(data, path=name, allow_group=allow_group)
    if not any(key in agent for key in IFI_KEYS):
        # xAPI 1.0.3 Communication §2.1.3: the agent filter needs an IFI to match Statements.
        fail(name, "must be an Agent or identified Group with an inverse functional identifier")
    return agent
