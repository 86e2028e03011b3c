"""Tests for lrs.xapi.statements and the object validators it uses (verbs, activities, ...)."""

from __future__ import annotations

import copy

import pytest

from lrs.xapi.errors import XAPIValidationError
from lrs.xapi.statements import statements_equivalent, validate_statement, validate_statements
from tests.lrs.test_xapi_samples import CLAIRE, minimal, statement

SUBSTATEMENT = {
    "objectType": "SubStatement",
    "actor": {"mbox": "mailto:marc.petit@ac-lyon.fr"},
    "verb": {"id": "http://adlnet.gov/expapi/verbs/attended"},
    "object": {"id": "https://campus.example.fr/webinaires/evaluation-positive"},
}
STATEMENT_REF = {"objectType": "StatementRef", "id": "ec531277-b57b-4c15-8d91-d292c5b2b8f7"}


def rejected(data, path=None, match=None):
    """Assert that validate_statement rejects data, optionally at path / with a message."""
    with pytest.raises(XAPIValidationError, match=match) as caught:
        validate_statement(data)
    if path is not None:
        assert caught.value.path == path
    return caught.value


# --- Whole statement -----------------------------------------------------------------------


def test_xapi_statement_accepts_full_example():
    """A realistic Statement with result, context and timestamp is accepted."""
    data = statement()
    assert validate_statement(data)["actor"] == CLAIRE


def test_xapi_statement_normalizes_context_activities_to_lists():
    """A single contextActivities Activity is returned as a list, the input is left intact."""
    data = statement()
    result = validate_statement(data)
    assert result["context"]["contextActivities"]["parent"] == [
        {"id": "https://campus.example.fr/parcours/differenciation"}
    ]
    assert isinstance(data["context"]["contextActivities"]["parent"], dict)


def test_xapi_statement_adds_no_defaults():
    """No objectType (or other default) is added to the normalized Statement."""
    result = validate_statement(minimal())
    assert "objectType" not in result["object"]
    assert set(result) == {"actor", "verb", "object"}


@pytest.mark.parametrize("key", ["actor", "verb", "object"])
def test_xapi_statement_requires_actor_verb_object(key):
    """actor, verb and object are required."""
    data = minimal()
    del data[key]
    rejected(data, f"statement.{key}", "is required")


def test_xapi_statement_rejects_unknown_and_miscased_properties():
    """Unknown or wrongly-cased properties are rejected."""
    rejected(minimal(Actor=CLAIRE), "statement.Actor", "case-sensitive")
    rejected(minimal(comment="bravo"), "statement.comment")


def test_xapi_statement_rejects_null_values():
    """null is rejected everywhere except in extension values."""
    rejected(minimal(result=None), "statement.result", "null")
    data = statement()
    data["context"]["extensions"]["https://campus.example.fr/xapi/ext/vide"] = None
    assert validate_statement(data)


def test_xapi_statement_rejects_non_object():
    """A Statement must be a JSON object."""
    rejected("statement", "statement")


def test_xapi_statement_id_must_be_uuid():
    """id is a UUID."""
    rejected(minimal(id="wrong"), "statement.id")
    rejected(minimal(id=12345), "statement.id")


@pytest.mark.parametrize("version", ["1.0", "1.0.0", "1.0.3", "1.0.9"])
def test_xapi_statement_accepts_version_1_0_x(version):
    """version 1.0 and 1.0.x are accepted."""
    assert validate_statement(minimal(version=version))


@pytest.mark.parametrize("version", ["0.9.9", "1.1.0", "2.0.0", "should fail", "1.0.", 1.0])
def test_xapi_statement_rejects_other_versions(version):
    """Any version not 1.0 / 1.0.x is rejected."""
    rejected(minimal(version=version), "statement.version")


def test_xapi_statement_stored_and_timestamp_must_be_timestamps():
    """stored and timestamp are ISO 8601 timestamps."""
    assert validate_statement(minimal(stored="2024-09-02T06:30:00.000Z"))
    rejected(minimal(stored="yesterday"), "statement.stored")
    rejected(minimal(timestamp="2008-09-15T15:53:00.601-00:00"), "statement.timestamp")


def test_xapi_statement_authority_rules():
    """authority is an Agent or an anonymous two-member Group."""
    assert validate_statement(minimal(authority=CLAIRE))
    rejected(minimal(authority={"objectType": "Group", "member": [CLAIRE]}))


# --- Actor / verb --------------------------------------------------------------------------


def test_xapi_statement_actor_error_path_is_precise():
    """Errors in a batch carry the index and the full path."""
    with pytest.raises(XAPIValidationError) as caught:
        validate_statements([minimal(), minimal(actor={"mbox": "claire.martin@ac-lyon.fr"})])
    assert caught.value.path == "statement[1].actor.mbox"


def test_xapi_verb_requires_iri_id_and_language_map_display():
    """verb.id is a required IRI and display a language map."""
    rejected(minimal(verb={"display": {"fr-FR": "a suivi"}}), "statement.verb.id")
    rejected(minimal(verb={"id": "attended"}), "statement.verb.id")
    rejected(minimal(verb={"id": "http://adlnet.gov/expapi/verbs/attended", "display": "a suivi"}))
    rejected(
        minimal(
            verb={"id": "http://adlnet.gov/expapi/verbs/attended", "display": {"x1234567890": "?"}}
        )
    )


# --- Objects -------------------------------------------------------------------------------


def test_xapi_object_agent_and_group_need_object_type():
    """An Agent or Group used as object must state its objectType."""
    assert validate_statement(minimal(object=CLAIRE))
    rejected(
        minimal(object={"mbox": "mailto:marc.petit@ac-lyon.fr"}), "statement.object.objectType"
    )
    rejected(minimal(object={"member": [CLAIRE]}), "statement.object.objectType")


@pytest.mark.parametrize("object_type", ["activity", "Statement", "SubStatment", 12])
def test_xapi_object_rejects_unknown_object_types(object_type):
    """object.objectType is restricted (case-sensitively) to the five spec values."""
    target = {"objectType": object_type, "id": "https://campus.example.fr/a"}
    rejected(minimal(object=target), "statement.object.objectType")


def test_xapi_activity_requires_iri_id():
    """An Activity needs an IRI id."""
    rejected(minimal(object={"objectType": "Activity"}), "statement.object.id")
    rejected(minimal(object={"id": "campus.example.fr/module"}), "statement.object.id")


def test_xapi_activity_definition_properties_are_typed():
    """Definition name/description are language maps, type an IRI, moreInfo an IRL."""
    base = {"id": "https://campus.example.fr/module-1"}
    bad_definitions = [
        {"name": "Module 1"},
        {"description": 3},
        {"type": "module"},
        {"moreInfo": "campus.example.fr/aide"},
        {"extensions": {"academie": "Lyon"}},
        {"extensions": []},
        {"nom": {"fr": "Module"}},
        "Module 1",
    ]
    for definition in bad_definitions:
        rejected(minimal(object={**base, "definition": definition}))
    good = {
        "name": {"fr": "Module 1"},
        "moreInfo": "https://campus.example.fr/aide",
        "extensions": {},
    }
    assert validate_statement(minimal(object={**base, "definition": good}))


def choice_activity(**definition_overrides):
    """Return a valid choice interaction Activity."""
    definition = {
        "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
        "interactionType": "choice",
        "correctResponsesPattern": ["pedagogie-differenciee"],
        "choices": [
            {"id": "pedagogie-differenciee", "description": {"fr-FR": "Pédagogie différenciée"}},
            {"id": "cours-magistral", "description": {"fr-FR": "Cours magistral"}},
        ],
    }
    definition.update(definition_overrides)
    return {"id": "https://campus.example.fr/quiz/q1", "definition": definition}


def test_xapi_interaction_accepts_valid_choice():
    """A choice interaction with choices and a correctResponsesPattern is accepted."""
    assert validate_statement(minimal(object=choice_activity()))


@pytest.mark.parametrize(
    ("interaction_type", "components"),
    [
        ("true-false", {}),
        ("fill-in", {}),
        ("long-fill-in", {}),
        ("numeric", {}),
        ("other", {}),
        ("sequencing", {"choices": [{"id": "a"}, {"id": "b"}]}),
        ("likert", {"scale": [{"id": "1"}, {"id": "2"}]}),
        ("matching", {"source": [{"id": "a"}], "target": [{"id": "1"}]}),
        ("performance", {"steps": [{"id": "etape-1"}]}),
    ],
)
def test_xapi_interaction_types_accept_their_components(interaction_type, components):
    """Each interactionType accepts its own component lists."""
    definition = {
        "interactionType": interaction_type,
        "correctResponsesPattern": ["x"],
        **components,
    }
    target = {"id": "https://campus.example.fr/quiz/q2", "definition": definition}
    assert validate_statement(minimal(object=target))


@pytest.mark.parametrize(
    ("overrides", "path"),
    [
        ({"interactionType": "Choice"}, "interactionType"),
        ({"interactionType": "multiple-choice"}, "interactionType"),
        ({"interactionType": 1}, "interactionType"),
        ({"interactionType": "true-false"}, "choices"),
        ({"scale": [{"id": "1"}]}, "scale"),
        ({"correctResponsesPattern": "pedagogie-differenciee"}, "correctResponsesPattern"),
        ({"correctResponsesPattern": [1]}, "correctResponsesPattern[0]"),
        ({"choices": [{"id": "a"}, {"id": "a"}]}, "choices[1].id"),
        ({"choices": [{"description": {"fr": "?"}}]}, "choices[0].id"),
        ({"choices": [{"id": "a", "label": "?"}]}, "choices[0].label"),
        ({"choices": {"id": "a"}}, "choices"),
    ],
)
def test_xapi_interaction_rejects_invalid_definitions(overrides, path):
    """Bad interactionTypes, foreign component lists and malformed components are rejected."""
    rejected(minimal(object=choice_activity(**overrides)), f"statement.object.definition.{path}")


@pytest.mark.parametrize("key", ["correctResponsesPattern", "choices"])
def test_xapi_interaction_properties_require_interaction_type(key):
    """correctResponsesPattern and component lists need an interactionType."""
    target = choice_activity()
    del target["definition"]["interactionType"]
    target["definition"] = {key: target["definition"][key]}
    rejected(minimal(object=target), f"statement.object.definition.{key}", "interactionType")


def test_xapi_statement_ref_requires_uuid_id():
    """A StatementRef needs a UUID id and nothing else."""
    assert validate_statement(minimal(object=STATEMENT_REF))
    rejected(minimal(object={"objectType": "StatementRef"}), "statement.object.id")
    rejected(minimal(object={**STATEMENT_REF, "id": "wrong"}), "statement.object.id")
    rejected(minimal(object={**STATEMENT_REF, "verb": {}}), "statement.object.verb")


def test_xapi_substatement_accepted():
    """A SubStatement follows the Statement rules and is accepted."""
    assert validate_statement(minimal(object=copy.deepcopy(SUBSTATEMENT)))


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("id", "ec531277-b57b-4c15-8d91-d292c5b2b8f7"),
        ("stored", "2024-09-02T06:30:00Z"),
        ("version", "1.0.0"),
        ("authority", CLAIRE),
    ],
)
def test_xapi_substatement_rejects_forbidden_properties(key, value):
    """A SubStatement cannot have id, stored, version or authority."""
    rejected(minimal(object={**SUBSTATEMENT, key: value}), f"statement.object.{key}")


def test_xapi_substatement_rejects_nested_substatement():
    """A SubStatement cannot contain another SubStatement."""
    nested = {**SUBSTATEMENT, "object": dict(SUBSTATEMENT)}
    rejected(minimal(object=nested), "statement.object.object.objectType", "another SubStatement")


def test_xapi_substatement_rules_are_recursive():
    """Errors inside a SubStatement are reported with their nested path."""
    inner = {**SUBSTATEMENT, "verb": {"id": "attended"}}
    rejected(minimal(object=inner), "statement.object.verb.id")


def test_xapi_voiding_requires_statement_ref():
    """The voided verb needs a StatementRef object."""
    voided = {"id": "http://adlnet.gov/expapi/verbs/voided"}
    assert validate_statement(minimal(verb=voided, object=STATEMENT_REF))
    rejected(minimal(verb=voided), "statement.object", "StatementRef")


# --- Result ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "score",
    [
        {"scaled": 1},
        {"scaled": -1.0},
        {"raw": 17, "min": 0, "max": 20},
        {"raw": 0, "min": 0},
        {"raw": 20, "max": 20},
        {"raw": 12.125, "min": 0.12123434, "max": 45.45, "scaled": 0.12123434},
    ],
)
def test_xapi_score_accepts_consistent_values(score):
    """Scores within the spec bounds are accepted."""
    assert validate_statement(minimal(result={"score": score}))


@pytest.mark.parametrize(
    ("score", "path"),
    [
        ({"scaled": 1.01}, "scaled"),
        ({"scaled": -1.00001}, "scaled"),
        ({"raw": 21, "max": 20}, "raw"),
        ({"raw": -1, "min": 0}, "raw"),
        ({"min": 20, "max": 10}, "min"),
        ({"min": 10, "max": 10}, "min"),
        ({"raw": "17"}, "raw"),
        ({"raw": True}, "raw"),
        ({"note": 17}, "note"),
    ],
)
def test_xapi_score_rejects_inconsistent_values(score, path):
    """scaled outside [-1, 1], raw outside [min, max], min >= max and non-numbers are rejected."""
    rejected(minimal(result={"score": score}), f"statement.result.score.{path}")


@pytest.mark.parametrize(
    ("result", "path"),
    [
        ({"success": "true"}, "success"),
        ({"completion": 1}, "completion"),
        ({"response": 3}, "response"),
        ({"duration": "45 minutes"}, "duration"),
        ({"extensions": {"note": 1}}, "extensions.note"),
        ({"score": 17}, "score"),
    ],
)
def test_xapi_result_properties_are_typed(result, path):
    """Result properties have strict types."""
    rejected(minimal(result=result), f"statement.result.{path}")


# --- Context -----------------------------------------------------------------------------------


def context_statement(**context):
    """Return a minimal Statement with the given context."""
    return minimal(context=context)


def test_xapi_context_accepts_all_properties():
    """A context using every property is accepted."""
    team = {"objectType": "Group", "member": [CLAIRE]}
    data = context_statement(
        registration="ec531277-b57b-4c15-8d91-d292c5b2b8f7",
        instructor={"objectType": "Group", "mbox": "mailto:formateurs@ac-lyon.fr"},
        team=team,
        contextActivities={"other": [], "grouping": [{"id": "https://campus.example.fr/p"}]},
        revision="v2",
        platform="Campus",
        language="fr-FR",
        statement=STATEMENT_REF,
        extensions={"https://campus.example.fr/xapi/ext/academie": "Lyon"},
    )
    assert validate_statement(data)


@pytest.mark.parametrize(
    ("context", "path"),
    [
        ({"registration": "wrong"}, "registration"),
        ({"instructor": "Marc Petit"}, "instructor"),
        ({"team": CLAIRE}, "team.objectType"),
        ({"team": {"mbox": "mailto:formateurs@ac-lyon.fr"}}, "team.objectType"),
        ({"contextActivities": {"consequences": []}}, "contextActivities.consequences"),
        (
            {"contextActivities": {"parent": "https://campus.example.fr/p"}},
            "contextActivities.parent",
        ),
        ({"contextActivities": {"parent": [{"id": "p"}]}}, "contextActivities.parent[0].id"),
        ({"contextActivities": []}, "contextActivities"),
        ({"revision": 2}, "revision"),
        ({"platform": {"nom": "Campus"}}, "platform"),
        ({"language": "français"}, "language"),
        ({"statement": {"id": "ec531277-b57b-4c15-8d91-d292c5b2b8f7"}}, "statement.objectType"),
        ({"statement": {"objectType": "StatementRef", "id": "x"}}, "statement.id"),
        ({"extensions": {"academie": "Lyon"}}, "extensions.academie"),
    ],
)
def test_xapi_context_rejects_invalid_properties(context, path):
    """Each context property is validated with its own type rule."""
    rejected(context_statement(**context), f"statement.context.{path}")


@pytest.mark.parametrize("key", ["revision", "platform"])
def test_xapi_context_revision_platform_only_with_activity(key):
    """revision/platform are rejected when the object is not an Activity."""
    assert validate_statement(minimal(context={key: "Campus"}))
    rejected(minimal(object=CLAIRE, context={key: "Campus"}), f"statement.context.{key}")
    rejected(minimal(object=STATEMENT_REF, context={key: "Campus"}), f"statement.context.{key}")


# --- Attachments ---------------------------------------------------------------------------


def attachment(**overrides):
    """Return a valid attachment metadata object."""
    data = {
        "usageType": "https://campus.example.fr/xapi/attachments/attestation",
        "display": {"fr-FR": "Attestation de formation"},
        "description": {"fr-FR": "Attestation signée par l'IEN"},
        "contentType": "application/pdf",
        "length": 27,
        "sha2": "495395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a",
        "fileUrl": "https://campus.example.fr/attestations/123.pdf",
    }
    data.update(overrides)
    return data


def test_xapi_attachments_accept_valid_metadata():
    """Valid attachment metadata is accepted."""
    assert validate_statement(minimal(attachments=[attachment()]))


@pytest.mark.parametrize(
    ("overrides", "path"),
    [
        ({"usageType": "attestation"}, "usageType"),
        ({"display": "Attestation"}, "display"),
        ({"description": 3}, "description"),
        ({"contentType": 12345}, "contentType"),
        ({"length": "27"}, "length"),
        ({"length": -1}, "length"),
        ({"sha2": 12345}, "sha2"),
        ({"fileUrl": "campus.example.fr/a.pdf"}, "fileUrl"),
        ({"usageType": "http://adlnet.gov/expapi/attachments/signature"}, "contentType"),
    ],
)
def test_xapi_attachments_reject_invalid_metadata(overrides, path):
    """Each attachment property is validated."""
    rejected(minimal(attachments=[attachment(**overrides)]), f"statement.attachments[0].{path}")


def test_xapi_attachments_require_array_and_required_keys():
    """attachments is an array and usageType/display/contentType/length/sha2 are required."""
    rejected(minimal(attachments=attachment()), "statement.attachments")
    data = attachment()
    del data["sha2"]
    rejected(minimal(attachments=[data]), "statement.attachments[0].sha2")


# --- Batches -----------------------------------------------------------------------------------


def test_xapi_statements_accepts_single_object_or_list():
    """validate_statements accepts one Statement or a list and always returns a list."""
    assert len(validate_statements(minimal())) == 1
    assert len(validate_statements([minimal(), statement()])) == 2
    assert validate_statements([]) == []


def test_xapi_statements_rejects_duplicate_ids_and_scalars():
    """A batch cannot repeat an id, and the payload must be an object or array."""
    with pytest.raises(XAPIValidationError) as caught:
        validate_statements([statement(), statement()])
    assert caught.value.path == "statement[1].id"
    with pytest.raises(XAPIValidationError):
        validate_statements("statement")


# --- Statement comparison --------------------------------------------------------------------


def test_xapi_equivalent_ignores_immutability_exceptions():
    """Differences allowed by the immutability exceptions are ignored."""
    a = statement()
    b = statement(
        stored="2024-09-02T06:31:00Z",
        authority=CLAIRE,
        version="1.0.0",
        timestamp="2024-09-02T06:30:00Z",
    )
    b["verb"]["display"] = {"en-US": "completed"}
    b["object"]["definition"] = {"name": {"en": "Other name"}}
    b["actor"]["mbox"] = "mailto:claire.martin@AC-LYON.FR"
    b["context"]["registration"] = b["context"]["registration"].upper()
    b["context"]["contextActivities"]["parent"] = [b["context"]["contextActivities"]["parent"]]
    b["object"]["objectType"] = "Activity"
    del a["object"]["objectType"]
    assert statements_equivalent(a, b)


def test_xapi_equivalent_ignores_group_member_order():
    """Group members are an unordered list."""
    group = {"objectType": "Group", "member": [CLAIRE, {"mbox": "mailto:marc.petit@ac-lyon.fr"}]}
    reordered = {**group, "member": list(reversed(group["member"]))}
    assert statements_equivalent(minimal(actor=group), minimal(actor=reordered))


@pytest.mark.parametrize(
    "change",
    [
        lambda s: s["result"].update(success=1),
        lambda s: s["result"]["score"].update(raw=18),
        lambda s: s["result"].update(duration="PT45M13S"),
        lambda s: s.update(timestamp="2024-09-02T08:31:00.000+02:00"),
        lambda s: s["actor"].update(name="C. Martin"),
        lambda s: s["object"].update(id="https://campus.example.fr/parcours/autre"),
        lambda s: s["context"].update(language="fr"),
        lambda s: s["verb"].update(id="http://adlnet.gov/expapi/verbs/passed"),
    ],
)
def test_xapi_equivalent_detects_real_differences(change):
    """Any difference outside the immutability exceptions makes Statements different."""
    a, b = statement(), statement()
    change(b)
    assert not statements_equivalent(a, b)
