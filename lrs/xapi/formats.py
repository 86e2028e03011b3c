"""GET /statements query parameters and the ``format`` parameter (ids / exact / canonical).

References: xAPI 1.0.3 Communication §2.1.3 GET Statements and Data §2.2 (parameter values
validate like the same values in Statements).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from lrs.xapi.agents import IFI_KEYS, validate_agent_param
from lrs.xapi.common import JSONObject, check_iri, check_uuid, fail, parse_timestamp

FORMATS = ("exact", "ids", "canonical")
STATEMENT_QUERY_PARAMS = frozenset(
    {
        "statementId",
        "voidedStatementId",
        "agent",
        "verb",
        "activity",
        "registration",
        "related_activities",
        "related_agents",
        "since",
        "until",
        "limit",
        "format",
        "attachments",
        "ascending",
    }
)
# Communication §2.1.3: with statementId/voidedStatementId only these may also be given.
SINGLE_STATEMENT_EXTRA_PARAMS = frozenset({"format", "attachments"})
_BOOLEAN_PARAMS = ("related_activities", "related_agents", "attachments", "ascending")


# --- Query parameters --------------------------------------------------------------------------


def validate_format_param(value: object) -> str:
    """Return the ``format`` parameter value, which must be ``exact``, ``ids`` or ``canonical``."""
    # Communication §2.1.3: format is one of "ids", "exact", "canonical" (default "exact").
    if value not in FORMATS:
        fail("format", f"must be one of {', '.join(FORMATS)}, got {value!r}")
    return value  # type: ignore[return-value]


def parse_boolean_param(value: object, name: str) -> bool:
    """Parse a boolean query parameter: exactly ``true`` or ``false``."""
    if value == "true":
        return True
    if value == "false":
        return False
    fail(name, f"must be 'true' or 'false', got {value!r}")


def parse_limit_param(value: object) -> int:
    """Parse the ``limit`` parameter: a non-negative integer (0 means the server maximum)."""
    # Communication §2.1.3: limit is a non-negative integer; 0 means "use the server maximum".
    if type(value) is not str or not value.isascii() or not value.isdigit():
        fail("limit", f"must be a non-negative integer, got {value!r}")
    return int(value)


def validate_statement_query(params: Mapping[str, str]) -> dict[str, Any]:
    """Validate GET /statements query parameters and return their parsed values.

    Returns a dict with the same keys: UUIDs and IRIs as strings, ``agent`` as a validated
    dict, ``since``/``until`` as aware datetimes, ``limit`` as int, booleans as bool and
    ``format`` defaulting to ``"exact"``.  Unknown parameters are rejected; callers handling the
    alternate request syntax must strip its extra form fields first.
    """
    for name in params:
        if name not in STATEMENT_QUERY_PARAMS:
            fail(name, "is not a parameter of GET /statements")
    _check_single_statement_params(params)
    parsed: dict[str, Any] = {"format": "exact"}
    for name, value in params.items():
        parsed[name] = _parse_param(name, value)
    return parsed


def _check_single_statement_params(params: Mapping[str, str]) -> None:
    # Communication §2.1.3: the LRS MUST reject a request with statementId or voidedStatementId
    # together with any parameter other than "attachments" and "format".
    if "statementId" in params and "voidedStatementId" in params:
        fail("statementId", "cannot be used together with voidedStatementId")
    for single in ("statementId", "voidedStatementId"):
        if single in params:
            for name in params:
                if name != single and name not in SINGLE_STATEMENT_EXTRA_PARAMS:
                    fail(name, f"cannot be used together with {single}")


def _parse_param(name: str, value: str) -> Any:
    if name in ("statementId", "voidedStatementId", "registration"):
        return check_uuid(value, name)
    if name == "agent":
        return validate_agent_param(value, name="agent")
    if name in ("verb", "activity"):
        return check_iri(value, name)
    if name in ("since", "until"):
        return _parse_time_param(value, name)
    if name == "limit":
        return parse_limit_param(value)
    if name == "format":
        return validate_format_param(value)
    return parse_boolean_param(value, name)


def _parse_time_param(value: str, name: str) -> datetime:
    # Data §2.2: parameter values validate like Statement values, here §4.5 Timestamps.
    return parse_timestamp(value, name)


# --- Accept-Language -----------------------------------------------------------------------------


def parse_accept_language(header: str | None) -> list[str]:
    """Parse an Accept-Language header into language ranges, most preferred first.

    Ranges with ``q=0`` are dropped; ties keep header order; ``*`` is kept as-is.
    """
    if not header:
        return []
    weighted: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        pieces = part.strip().split(";")
        tag = pieces[0].strip()
        if not tag:
            continue
        quality = _quality(pieces[1:])
        if quality > 0:
            weighted.append((-quality, position, tag))
    weighted.sort()
    return [tag for _, _, tag in weighted]


def _quality(parameters: list[str]) -> float:
    for parameter in parameters:
        key, _, value = parameter.strip().partition("=")
        if key.strip().lower() == "q":
            try:
                return max(0.0, min(1.0, float(value)))
            except ValueError:
                return 0.0
    return 1.0


def best_language(language_map: Mapping[str, str], languages: list[str]) -> str | None:
    """Pick the key of ``language_map`` that best matches the ``languages`` preference list.

    Exact (case-insensitive) match first, then a prefix match in either direction
    (``fr`` matches ``fr-FR`` and vice versa), then ``*``; without a match, ``en-US``, ``en``
    or the first key.
    """
    if not language_map:
        return None
    lowered = {tag.lower(): tag for tag in language_map}
    for wanted in languages:
        wanted_lower = wanted.lower()
        if wanted_lower == "*":
            return next(iter(language_map))
        if wanted_lower in lowered:
            return lowered[wanted_lower]
        for tag_lower, tag in lowered.items():
            if tag_lower.startswith(wanted_lower + "-") or wanted_lower.startswith(tag_lower + "-"):
                return tag
    for fallback in ("en-us", "en"):
        if fallback in lowered:
            return lowered[fallback]
    return next(iter(language_map))


# --- Statement formats -------------------------------------------------------------------------


def format_statement(stmt: JSONObject, fmt: str, languages: list[str]) -> JSONObject:
    """Return ``stmt`` rendered in the GET ``format`` ``fmt`` (the input is not modified).

    * ``exact``: the Statement as stored.
    * ``ids``: Agents and identified Groups reduced to objectType + IFI, anonymous Groups to
      objectType + members (themselves reduced), Activities to ``{"id"}``, Verbs to ``{"id"}``.
    * ``canonical``: every language map reduced to the single entry that best matches
      ``languages`` (the Accept-Language preferences, see :func:`parse_accept_language`).
    """
    # Communication §2.1.3 GET Statements, "format" parameter.
    validate_format_param(fmt)
    if fmt == "exact":
        return stmt
    if fmt == "ids":
        return _ids_statement(stmt)
    return _canonical_statement(stmt, languages)


def _ids_agent(agent: JSONObject) -> JSONObject:
    out: JSONObject = {}
    if "objectType" in agent:
        out["objectType"] = agent["objectType"]
    for key in IFI_KEYS:
        if key in agent:
            out[key] = agent[key]
            return out
    # Anonymous Group: "ids" keeps the identifiers of its members.
    out["member"] = [_ids_agent(member) for member in agent.get("member", [])]
    return out


def _ids_object(target: JSONObject) -> JSONObject:
    object_type = target.get("objectType", "Activity")
    if object_type == "Activity":
        return {"id": target["id"]}
    if object_type in ("Agent", "Group"):
        return _ids_agent(target)
    if object_type == "SubStatement":
        return _ids_statement(target)
    return target


def _ids_statement(stmt: JSONObject) -> JSONObject:
    out = dict(stmt)
    out["actor"] = _ids_agent(stmt["actor"])
    out["verb"] = {"id": stmt["verb"]["id"]}
    out["object"] = _ids_object(stmt["object"])
    if "authority" in stmt:
        out["authority"] = _ids_agent(stmt["authority"])
    if "context" in stmt:
        context = dict(stmt["context"])
        for key in ("instructor", "team"):
            if key in context:
                context[key] = _ids_agent(context[key])
        if "contextActivities" in context:
            context["contextActivities"] = {
                key: [{"id": activity["id"]} for activity in _as_list(value)]
                for key, value in context["contextActivities"].items()
            }
        out["context"] = context
    return out


def _as_list(value: Any) -> list[Any]:
    return value if type(value) is list else [value]


def _reduce_map(language_map: Mapping[str, str], languages: list[str]) -> dict[str, str]:
    tag = best_language(language_map, languages)
    return {} if tag is None else {tag: language_map[tag]}


def _canonical_activity(activity: JSONObject, languages: list[str]) -> JSONObject:
    if "definition" not in activity:
        return activity
    definition = dict(activity["definition"])
    for key in ("name", "description"):
        if key in definition:
            definition[key] = _reduce_map(definition[key], languages)
    for key in ("choices", "scale", "source", "target", "steps"):
        if key in definition:
            definition[key] = [
                {**item, "description": _reduce_map(item["description"], languages)}
                if "description" in item
                else item
                for item in definition[key]
            ]
    return {**activity, "definition": definition}


def _canonical_statement(stmt: JSONObject, languages: list[str]) -> JSONObject:
    out = dict(stmt)
    if "display" in stmt["verb"]:
        out["verb"] = {**stmt["verb"], "display": _reduce_map(stmt["verb"]["display"], languages)}
    target = stmt["object"]
    object_type = target.get("objectType", "Activity")
    if object_type == "Activity":
        out["object"] = _canonical_activity(target, languages)
    elif object_type == "SubStatement":
        out["object"] = _canonical_statement(target, languages)
    context = stmt.get("context")
    if context and "contextActivities" in context:
        out["context"] = {
            **context,
            "contextActivities": {
                key: [_canonical_activity(activity, languages) for activity in _as_list(value)]
                for key, value in context["contextActivities"].items()
            },
        }
    if "attachments" in stmt:
        out["attachments"] = [
            _canonical_attachment(item, languages) for item in stmt["attachments"]
        ]
    return out


def _canonical_attachment(attachment: JSONObject, languages: list[str]) -> JSONObject:
    out = dict(attachment)
    for key in ("display", "description"):
        if key in out:
            out[key] = _reduce_map(out[key], languages)
    return out
