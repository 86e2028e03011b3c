"""Activities and Activity Definitions, including interaction activities (xAPI 1.0.3 §2.4.4.1)."""

from __future__ import annotations

from lrs.xapi.common import (
    JSONObject,
    check_extensions,
    check_iri,
    check_irl,
    check_language_map,
    check_list,
    check_object,
    check_string,
    fail,
    json_type,
)

ACTIVITY_KEYS = frozenset({"objectType", "id", "definition"})
COMPONENT_LISTS: tuple[str, ...] = ("choices", "scale", "source", "target", "steps")
DEFINITION_KEYS = frozenset(
    {
        "name",
        "description",
        "type",
        "moreInfo",
        "interactionType",
        "correctResponsesPattern",
        "extensions",
        *COMPONENT_LISTS,
    }
)
INTERACTION_TYPES = frozenset(
    {
        "true-false",
        "choice",
        "fill-in",
        "long-fill-in",
        "matching",
        "performance",
        "sequencing",
        "likert",
        "numeric",
        "other",
    }
)
# xAPI 1.0.3 §2.4.4.1 Interaction Components: which component lists each interactionType uses.
COMPONENTS_BY_TYPE: dict[str, frozenset[str]] = {
    "choice": frozenset({"choices"}),
    "sequencing": frozenset({"choices"}),
    "likert": frozenset({"scale"}),
    "matching": frozenset({"source", "target"}),
    "performance": frozenset({"steps"}),
}
COMPONENT_KEYS = frozenset({"id", "description"})
_NO_COMPONENTS: frozenset[str] = frozenset()


def validate_activity(
    data: object, *, path: str = "statement.object", require_object_type: bool = False
) -> JSONObject:
    """Validate an Activity: optional ``objectType`` "Activity", IRI ``id``, optional definition."""
    # xAPI 1.0.3 §2.4.4.1 When the ObjectType is Activity.
    activity = check_object(data, path, ACTIVITY_KEYS)
    if "objectType" in activity:
        if activity["objectType"] != "Activity":
            fail(f"{path}.objectType", f"must be 'Activity', got {activity['objectType']!r}")
    elif require_object_type:
        fail(f"{path}.objectType", "is required")
    if "id" not in activity:
        # xAPI 1.0.3 §2.4.4.1: an Activity MUST have exactly one id.
        fail(f"{path}.id", "is required")
    check_iri(activity["id"], f"{path}.id")
    if "definition" in activity:
        validate_activity_definition(activity["definition"], path=f"{path}.definition")
    return activity


def validate_activity_definition(data: object, *, path: str = "definition") -> JSONObject:
    """Validate an Activity Definition, including interaction properties."""
    # xAPI 1.0.3 §2.4.4.1 Activity Definition.
    definition = check_object(data, path, DEFINITION_KEYS)
    if "name" in definition:
        check_language_map(definition["name"], f"{path}.name")
    if "description" in definition:
        check_language_map(definition["description"], f"{path}.description")
    if "type" in definition:
        check_iri(definition["type"], f"{path}.type")
    if "moreInfo" in definition:
        check_irl(definition["moreInfo"], f"{path}.moreInfo")
    if "extensions" in definition:
        check_extensions(definition["extensions"], f"{path}.extensions")
    _check_interaction(definition, path)
    return definition


def _check_interaction(definition: JSONObject, path: str) -> None:
    interaction_type = definition.get("interactionType")
    if interaction_type is None:
        # xAPI 1.0.3 §2.4.4.1 Interaction Activities: correctResponsesPattern and the component
        # lists are only meaningful with an interactionType.
        for key in ("correctResponsesPattern", *COMPONENT_LISTS):
            if key in definition:
                fail(f"{path}.{key}", "requires an 'interactionType' in the same definition")
        return
    # xAPI 1.0.3 §2.4.4.1 Interaction Types: interactionType MUST be one of the listed values
    # (case-sensitive, §2.2).
    if type(interaction_type) is not str or interaction_type not in INTERACTION_TYPES:
        fail(
            f"{path}.interactionType",
            f"must be one of {', '.join(sorted(INTERACTION_TYPES))}, got {interaction_type!r}",
        )
    if "correctResponsesPattern" in definition:
        _check_patterns(definition["correctResponsesPattern"], f"{path}.correctResponsesPattern")
    allowed = COMPONENTS_BY_TYPE.get(interaction_type, _NO_COMPONENTS)
    for key in COMPONENT_LISTS:
        if key not in definition:
            continue
        # xAPI 1.0.3 §2.4.4.1 "An LRS, upon consuming a valid interactionType, MAY validate the
        # remaining properties ... and MAY return 400": component lists must match the type.
        if key not in allowed:
            fail(f"{path}.{key}", f"is not used by interactionType {interaction_type!r}")
        _check_components(definition[key], f"{path}.{key}")


def _check_patterns(value: object, path: str) -> None:
    # xAPI 1.0.3 §2.4.4.1 Correct Responses Pattern: an array of strings.
    for index, pattern in enumerate(check_list(value, path)):
        if type(pattern) is not str:
            fail(f"{path}[{index}]", f"must be a string, got {json_type(pattern)}")


def _check_components(value: object, path: str) -> None:
    # xAPI 1.0.3 §2.4.4.1 Interaction Components: objects with id (string) and an optional
    # description (language map); ids MUST be distinct within the array.
    seen: set[str] = set()
    for index, component in enumerate(check_list(value, path)):
        item_path = f"{path}[{index}]"
        check_object(component, item_path, COMPONENT_KEYS)
        if "id" not in component:
            fail(f"{item_path}.id", "is required")
        component_id = check_string(component["id"], f"{item_path}.id")
        if not component_id:
            fail(f"{item_path}.id", "must not be empty")
        if component_id in seen:
            fail(f"{item_path}.id", f"duplicate interaction component id {component_id!r}")
        seen.add(component_id)
        if "description" in component:
            check_language_map(component["description"], f"{item_path}.description")
