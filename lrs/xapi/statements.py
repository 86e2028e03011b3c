"""Whole Statements and SubStatements (xAPI 1.0.3 §2.2-§2.4), and Statement comparison (§2.3.1)."""

from __future__ import annotations

import json
import re
from typing import Any

from lrs.xapi.activities import validate_activity
from lrs.xapi.agents import IFI_KEYS, validate_agent, validate_authority
from lrs.xapi.attachments import validate_attachments
from lrs.xapi.common import (
    JSONObject,
    check_object,
    check_string,
    check_timestamp,
    check_uuid,
    fail,
    json_type,
    parse_timestamp,
)
from lrs.xapi.context import validate_context, validate_statement_ref
from lrs.xapi.errors import XAPIValidationError
from lrs.xapi.results import validate_result
from lrs.xapi.verbs import VOIDED_VERB_ID, validate_verb

STATEMENT_KEYS = frozenset(
    {
        "id",
        "actor",
        "verb",
        "object",
        "result",
        "context",
        "timestamp",
        "stored",
        "authority",
        "version",
        "attachments",
    }
)
SUBSTATEMENT_KEYS = frozenset(
    {"objectType", "actor", "verb", "object", "result", "context", "timestamp", "attachments"}
)
# xAPI 1.0.3 §2.4.4.3 SubStatements: a SubStatement MUST NOT have these properties.
SUBSTATEMENT_FORBIDDEN = ("id", "stored", "version", "authority")
OBJECT_TYPES = ("Activity", "Agent", "Group", "StatementRef", "SubStatement")
_VERSION_RE = re.compile(r"1\.0(?:\.\d+)?\Z", re.ASCII)


def validate_statements(payload: object) -> list[JSONObject]:
    """Validate a POSTed Statement or array of Statements and return them normalized.

    Paths look like ``statement[2].verb.id`` for arrays and ``statement.verb.id`` for a
    single Statement.  An empty array is accepted (and yields an empty list).
    """
    # xAPI 1.0.3 Communication §2.1.2 POST Statements: the body is a Statement or an array of
    # Statements.  The spec does not forbid an empty array; the caller stores nothing.
    if type(payload) is dict:
        return [validate_statement(payload)]
    if type(payload) is not list:
        fail(
            "statement", f"must be a Statement or an array of Statements, got {json_type(payload)}"
        )
    statements = [
        validate_statement(item, path=f"statement[{i}]") for i, item in enumerate(payload)
    ]
    _check_batch_ids(statements)
    return statements


def _check_batch_ids(statements: list[JSONObject]) -> None:
    # xAPI 1.0.3 §2.4.1 ID: ids are unique; a batch repeating an id cannot be stored atomically.
    seen: dict[str, int] = {}
    for index, statement in enumerate(statements):
        statement_id = statement.get("id")
        if statement_id is None:
            continue
        key = statement_id.lower()
        if key in seen:
            fail(f"statement[{index}].id", f"duplicates the id of statement[{seen[key]}]")
        seen[key] = index


def validate_statement(data: object, *, path: str = "statement") -> JSONObject:
    """Validate one parsed JSON Statement and return it normalized (input is not modified).

    Normalization: contextActivities values become arrays (§2.4.6.2).  No objectType or other
    default is added.  Raises XAPIValidationError on the first violation.
    """
    # xAPI 1.0.3 §2.2 Formatting Requirements: known keys only, no nulls.
    statement = check_object(data, path, STATEMENT_KEYS)
    if "id" in statement:
        # §2.4.1 ID: a UUID.
        check_uuid(statement["id"], f"{path}.id")
    normalized = _validate_core(statement, path, in_substatement=False)
    if "stored" in statement:
        # §2.4.8 Stored: a Timestamp (the LRS overwrites it).
        check_timestamp(statement["stored"], f"{path}.stored")
    if "authority" in statement:
        validate_authority(statement["authority"], path=f"{path}.authority")
    if "version" in statement:
        _check_version(statement["version"], f"{path}.version")
    # §2.3.2 Voiding: a Statement with the verb "voided" MUST have a StatementRef object.
    if statement["verb"]["id"] == VOIDED_VERB_ID:
        target = statement["object"]
        if target.get("objectType") != "StatementRef":
            fail(f"{path}.object", "a voiding Statement's object must be a StatementRef")
    return normalized


def _check_version(value: object, path: str) -> None:
    # xAPI 1.0.3 §2.4.10 Version: the LRS MUST reject a version that does not start with "1.0."
    # (accepting "1.0" and "1.0.x").
    check_string(value, path)
    if _VERSION_RE.match(value) is None:  # type: ignore[arg-type]
        fail(path, f"must be '1.0' or '1.0.x' (xAPI 1.0.3), got {value!r}")


def _validate_core(statement: JSONObject, path: str, *, in_substatement: bool) -> JSONObject:
    """Validate the properties Statements and SubStatements share; return a normalized copy."""
    # xAPI 1.0.3 §2.2: a Statement MUST use "actor", "verb" and "object".
    for key in ("actor", "verb", "object"):
        if key not in statement:
            fail(f"{path}.{key}", "is required")
    # §2.4.2 Actor: an Agent or a Group.
    validate_agent(statement["actor"], path=f"{path}.actor")
    validate_verb(statement["verb"], path=f"{path}.verb")
    target = _validate_object(statement["object"], f"{path}.object", in_substatement)
    normalized = statement
    if target is not statement["object"]:
        normalized = {**statement, "object": target}
    if "result" in statement:
        validate_result(statement["result"], path=f"{path}.result")
    if "context" in statement:
        is_activity = target.get("objectType", "Activity") == "Activity"
        context = validate_context(
            statement["context"], path=f"{path}.context", object_is_activity=is_activity
        )
        if context is not statement["context"]:
            normalized = {**normalized, "context": context}
    if "timestamp" in statement:
        # §2.4.7 Timestamp: an ISO 8601 timestamp (§4.5).
        check_timestamp(statement["timestamp"], f"{path}.timestamp")
    if "attachments" in statement:
        validate_attachments(statement["attachments"], path=f"{path}.attachments")
    return normalized


def _validate_object(data: object, path: str, in_substatement: bool) -> JSONObject:
    # xAPI 1.0.3 §2.4.4 Object: Activity (default), Agent, Group, StatementRef or SubStatement.
    if type(data) is not dict:
        fail(path, f"must be an object, got {json_type(data)}")
    object_type = data.get("objectType", "Activity")
    if object_type == "Activity":
        if "objectType" not in data and ("member" in data or any(k in data for k in IFI_KEYS)):
            # §2.4.4.2: an Agent or Group used as an object MUST specify "objectType".
            fail(f"{path}.objectType", "is required when the object is an Agent or a Group")
        return validate_activity(data, path=path)
    if object_type in ("Agent", "Group"):
        return validate_agent(data, path=path, require_object_type=True)
    if object_type == "StatementRef":
        return validate_statement_ref(data, path=path)
    if object_type == "SubStatement":
        if in_substatement:
            # §2.4.4.3 SubStatements: a SubStatement MUST NOT contain a SubStatement.
            fail(f"{path}.objectType", "a SubStatement cannot contain another SubStatement")
        return _validate_substatement(data, path)
    if object_type is None:
        fail(f"{path}.objectType", "must not be null")
    fail(f"{path}.objectType", f"must be one of {', '.join(OBJECT_TYPES)}, got {object_type!r}")


def _validate_substatement(data: JSONObject, path: str) -> JSONObject:
    # xAPI 1.0.3 §2.4.4.3 SubStatements: same rules as a Statement, except that id, stored,
    # version and authority MUST NOT be used.
    for key in SUBSTATEMENT_FORBIDDEN:
        if key in data:
            fail(f"{path}.{key}", f"a SubStatement must not have an '{key}' property")
    check_object(data, path, SUBSTATEMENT_KEYS)
    return _validate_core(data, path, in_substatement=True)


# --- Statement comparison (xAPI 1.0.3 §2.3.1 Statement Comparison Requirements) -------------


def statements_equivalent(a: JSONObject, b: JSONObject) -> bool:
    """Tell whether two valid Statements match per the Statement Comparison Requirements.

    Differences that the immutability exceptions allow are ignored (xAPI 1.0.3 §2.3.1): id,
    authority, stored, version and a missing timestamp (LRS-assigned), timestamps in other
    time zones, Verb display and Activity definitions, member order of Groups, attachments,
    single vs. array contextActivities, default objectTypes and the case of case-insensitive
    values (UUIDs, the mailto scheme and e-mail domain, mbox_sha1sum).  Everything else must
    be identical, with JSON types respected (``true`` is not ``1``).
    """
    if _timestamps_differ(a.get("timestamp"), b.get("timestamp")):
        return False
    left = _comparable_statement(a, substatement=False)
    right = _comparable_statement(b, substatement=False)
    return _same_json(left, right)


def _timestamps_differ(left: object, right: object) -> bool:
    # §2.3.1: a timestamp may be assigned by the LRS, or serialized in another time zone.
    if left is None or right is None:
        return False
    try:
        return parse_timestamp(left, "timestamp") != parse_timestamp(right, "timestamp")
    except XAPIValidationError:
        return left != right


def _comparable_statement(statement: JSONObject, *, substatement: bool) -> JSONObject:
    ignored = ("id", "authority", "stored", "version", "timestamp", "attachments")
    out: JSONObject = {k: v for k, v in statement.items() if k not in ignored}
    if substatement and "timestamp" in statement:
        out["timestamp"] = _timestamp_key(statement["timestamp"])
    out["actor"] = _comparable_agent(statement["actor"])
    out["verb"] = statement["verb"]["id"]
    out["object"] = _comparable_object(statement["object"])
    if "result" in statement:
        out["result"] = _comparable_result(statement["result"])
    if "context" in statement:
        out["context"] = _comparable_context(statement["context"])
    return out


def _timestamp_key(value: object) -> object:
    try:
        return parse_timestamp(value, "timestamp")
    except XAPIValidationError:
        return value


def _comparable_object(target: JSONObject) -> Any:
    object_type = target.get("objectType", "Activity")
    if object_type == "Activity":
        return ("Activity", target["id"])
    if object_type in ("Agent", "Group"):
        return _comparable_agent(target)
    if object_type == "StatementRef":
        return ("StatementRef", target["id"].lower())
    return ("SubStatement", _comparable_statement(target, substatement=True))


def _comparable_agent(agent: JSONObject) -> JSONObject:
    out: JSONObject = {k: v for k, v in agent.items() if k != "member"}
    out["objectType"] = agent.get("objectType", "Agent")
    if "mbox" in agent:
        out["mbox"] = _normalize_mbox(agent["mbox"])
    if "mbox_sha1sum" in agent:
        out["mbox_sha1sum"] = agent["mbox_sha1sum"].lower()
    if "member" in agent:
        members = [_comparable_agent(member) for member in agent["member"]]
        # §2.3.1: the list of Agents in a Group is unordered.
        out["member"] = sorted(members, key=_sort_key)
    return out


def _sort_key(value: object) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def _normalize_mbox(mbox: str) -> str:
    # §2.3.1 Case sensitivity: the domain portion of an e-mail address is case insensitive.
    local, _, domain = mbox[len("mailto:") :].rpartition("@")
    return f"mailto:{local}@{domain.lower()}"


def _comparable_result(result: JSONObject) -> JSONObject:
    out = dict(result)
    if "duration" in result:
        # §2.3.1: duration is compared as a string, §4.6: ignoring precision beyond 0.01 s.
        out["duration"] = re.sub(r"([.,]\d{2})\d+S", r"\1S", result["duration"])
    return out


def _comparable_context(context: JSONObject) -> JSONObject:
    out = dict(context)
    if "registration" in context:
        out["registration"] = context["registration"].lower()
    if "instructor" in context:
        out["instructor"] = _comparable_agent(context["instructor"])
    if "team" in context:
        out["team"] = _comparable_agent(context["team"])
    if "statement" in context:
        out["statement"] = context["statement"]["id"].lower()
    if "contextActivities" in context:
        out["contextActivities"] = {
            key: [activity["id"] for activity in (value if type(value) is list else [value])]
            for key, value in context["contextActivities"].items()
        }
    return out


def _same_json(left: Any, right: Any) -> bool:
    """Deep equality that keeps JSON types apart (``True != 1``, but ``1 == 1.0``)."""
    if type(left) is bool or type(right) is bool:
        return type(left) is type(right) and left == right
    if isinstance(left, dict):
        if not isinstance(right, dict) or left.keys() != right.keys():
            return False
        return all(_same_json(left[key], right[key]) for key in left)
    if isinstance(left, list | tuple):
        if not isinstance(right, list | tuple) or len(left) != len(right):
            return False
        return all(_same_json(x, y) for x, y in zip(left, right, strict=True))
    if left != right:
        return False
    # Equal numbers may differ in type (1 and 1.0); a string never equals a number anyway.
    return type(left) is type(right) or not isinstance(left, str)
