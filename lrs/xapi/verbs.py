"""Verbs (xAPI 1.0.3 §2.4.3)."""

from __future__ import annotations

from lrs.xapi.common import JSONObject, check_iri, check_language_map, check_object, fail

VERB_KEYS = frozenset({"id", "display"})
VOIDED_VERB_ID = "http://adlnet.gov/expapi/verbs/voided"


def validate_verb(data: object, *, path: str = "statement.verb") -> JSONObject:
    """Validate a Verb: a required IRI ``id`` and an optional ``display`` language map."""
    # xAPI 1.0.3 §2.4.3 Verb: id (IRI, required), display (Language Map, optional).
    verb = check_object(data, path, VERB_KEYS)
    if "id" not in verb:
        fail(f"{path}.id", "is required")
    check_iri(verb["id"], f"{path}.id")
    if "display" in verb:
        check_language_map(verb["display"], f"{path}.display")
    return verb
