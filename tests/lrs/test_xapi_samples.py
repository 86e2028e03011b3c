"""Shared sample data (French teacher training) for the test_xapi_* modules; no tests here."""

from __future__ import annotations

import copy
from typing import Any

CLAIRE = {"objectType": "Agent", "name": "Claire Martin", "mbox": "mailto:claire.martin@ac-lyon.fr"}
MARC = {"name": "Marc Petit", "mbox": "mailto:marc.petit@ac-lyon.fr"}
COMPLETED = {
    "id": "http://adlnet.gov/expapi/verbs/completed",
    "display": {"fr-FR": "a terminé", "en-US": "completed"},
}
MODULE = {
    "objectType": "Activity",
    "id": "https://campus.example.fr/parcours/differenciation/module-2",
    "definition": {
        "name": {"fr-FR": "Différencier en classe", "en-GB": "Differentiated teaching"},
        "description": {"fr-FR": "Module 2 du parcours", "en-GB": "Module 2"},
        "type": "http://adlnet.gov/expapi/activities/module",
    },
}


def statement(**overrides: Any) -> dict[str, Any]:
    """Return a fresh valid Statement with context and result; overrides replace keys."""
    data: dict[str, Any] = {
        "id": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee",
        "actor": copy.deepcopy(CLAIRE),
        "verb": copy.deepcopy(COMPLETED),
        "object": copy.deepcopy(MODULE),
        "result": {
            "score": {"scaled": 0.85, "raw": 17, "min": 0, "max": 20},
            "success": True,
            "completion": True,
            "duration": "PT45M12S",
        },
        "context": {
            "registration": "ec531277-b57b-4c15-8d91-d292c5b2b8f7",
            "instructor": copy.deepcopy(MARC),
            "contextActivities": {
                "parent": {"id": "https://campus.example.fr/parcours/differenciation"},
                "category": [{"id": "https://campus.example.fr/profils/formation-continue"}],
            },
            "platform": "Campus",
            "language": "fr-FR",
            "extensions": {"https://campus.example.fr/xapi/ext/academie": "Lyon"},
        },
        "timestamp": "2024-09-02T08:30:00.000+02:00",
    }
    data.update(overrides)
    return data


def minimal(**overrides: Any) -> dict[str, Any]:
    """Return a fresh minimal valid Statement (actor, verb, object only)."""
    data: dict[str, Any] = {
        "actor": copy.deepcopy(CLAIRE),
        "verb": {"id": "http://adlnet.gov/expapi/verbs/attended"},
        "object": {"id": "https://campus.example.fr/webinaires/evaluation-positive"},
    }
    data.update(overrides)
    return data
