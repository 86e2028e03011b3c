"""Statement context and Statement References (xAPI 1.0.3 §2.4.6 and §2.4.4.3)."""

from __future__ import annotations

from lrs.xapi.activities import validate_activity
from lrs.xapi.agents import validate_agent, validate_group
from lrs.xapi.common import (
    JSONObject,
    check_extensions,
    check_language_tag,
    check_object,
    check_string,
    check_uuid,
    fail,
    json_type,
)

CONTEXT_KEYS = frozenset(
    {
        "registration",
        "instructor",
        "team",
        "contextActivities",
        "revision",
        "platform",
        "language",
        "statement",
        "extensions",
    }
)
CONTEXT_ACTIVITIES_KEYS = frozenset({"parent", "grouping", "category", "other"})
STATEMENT_REF_KEYS = frozenset({"objectType", "id"})


def validate_statement_ref(data: object, *, path: str) -> JSONObject:
    """Validate a Statement Reference: ``objectType`` "StatementRef" and a UUID ``id``."""
    # xAPI 1.0.3 §2.4.4.3 Statement References: objectType MUST be "StatementRef", id is a UUID.
    ref = check_object(data, path, STATEMENT_REF_KEYS)
    if ref.get("objectType") != "StatementRef":
        if "objectType" not in ref:
            fail(f"{path}.objectType", "is required and must be 'StatementRef'")
        fail(f"{path}.objectType", f"must be 'StatementRef', got {ref['objectType']!r}")
    if "id" not in ref:
        fail(f"{path}.id", "is required")
    check_uuid(ref["id"], f"{path}.id")
    return ref


def validate_context(
    data: object, *, path: str = "statement.context", object_is_activity: bool = True
) -> JSONObject:
    """Validate a Context and return it with every contextActivities value as a list.

    ``object_is_activity`` tells whether the enclosing Statement's object is an Activity,
    which is required for ``revision`` and ``platform``.  The input is not modified.
    """
    # xAPI 1.0.3 §2.4.6 Context.
    context = check_object(data, path, CONTEXT_KEYS)
    if "registration" in context:
        check_uuid(context["registration"], f"{path}.registration")
    if "instructor" in context:
        # §2.4.6: instructor is an Agent or a Group.
        validate_agent(context["instructor"], path=f"{path}.instructor")
    if "team" in context:
        # §2.4.6: team is a Group (objectType "Group" is therefore required).
        team = context["team"]
        if type(team) is dict and team.get("objectType") != "Group":
            fail(f"{path}.team.objectType", "team must be a Group (objectType 'Group')")
        validate_group(team, path=f"{path}.team")
    for key in ("revision", "platform"):
        if key in context:
            check_string(context[key], f"{path}.{key}")
            if not object_is_activity:
                # §2.4.6 Requirements: revision/platform MUST only be used if the Statement's
                # Object is an Activity.
                fail(f"{path}.{key}", f"{key} may only be used when the object is an Activity")
    if "language" in context:
        # §2.4.6: language is an RFC 5646 language tag.
        check_language_tag(context["language"], f"{path}.language")
    if "statement" in context:
        validate_statement_ref(context["statement"], path=f"{path}.statement")
    if "extensions" in context:
        check_extensions(context["extensions"], f"{path}.extensions")
    if "contextActivities" in context:
        activities = _context_activities(context["contextActivities"], f"{path}.contextActivities")
        if activities is not context["contextActivities"]:
            context = {**context, "contextActivities": activities}
    return context


def _context_activities(data: object, path: str) -> JSONObject:
    # xAPI 1.0.3 §2.4.6.2 ContextActivities Property: keys are parent, grouping, category or
    # other; each value is one Activity or an array of Activities; the LRS MUST return arrays.
    activities = check_object(data, path, CONTEXT_ACTIVITIES_KEYS)
    normalized: JSONObject | None = None
    for key, value in activities.items():
        key_path = f"{path}.{key}"
        if type(value) is list:
            for index, activity in enumerate(value):
                validate_activity(activity, path=f"{key_path}[{index}]")
            continue
        if type(value) is not dict:
            fail(key_path, f"must be an Activity or an array of Activities, got {json_type(value)}")
        validate_activity(value, path=key_path)
        if normalized is None:
            normalized = dict(activities)
        normalized[key] = [value]
    return activities if normalized is None else normalized
