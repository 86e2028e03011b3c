"""Builders and checks of the learning tests (enrolment, recording, progress).

Pages come from ``tests.courses.factories`` (its module is self-training and self-paced by
default). ``urlpatterns`` is a URL configuration with the courses URLs under "parcours/", for
``@pytest.mark.urls`` while campus/urls.py does not include them yet.
"""

from __future__ import annotations

from typing import Any

from django.urls import include, path

from campus.urls import urlpatterns as campus_urlpatterns
from courses.models import CompletionRule, ModulePage, StepPage
from lrs.models import Statement
from tests.courses import factories as f

URLS = "tests.courses.learning_helpers"
urlpatterns = [path("parcours/", include("courses.urls")), *campus_urlpatterns]

REGISTERED = "http://adlnet.gov/expapi/verbs/registered"
LAUNCHED = "http://adlnet.gov/expapi/verbs/launched"
EXPERIENCED = "http://adlnet.gov/expapi/verbs/experienced"
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
PASSED = "http://adlnet.gov/expapi/verbs/passed"
FAILED = "http://adlnet.gov/expapi/verbs/failed"
ATTENDED = "http://adlnet.gov/expapi/verbs/attended"
REVIEWED = "http://id.tincanapi.com/verb/reviewed"
LEFT = "http://activitystrea.ms/schema/1.0/leave"


def course(module: ModulePage) -> tuple[StepPage, StepPage, StepPage, StepPage]:
    """Four steps: read (required), quiz (required), read-more (optional), session (required)."""
    return (
        f.step_page(module=module, title="Lire", completion_rule=CompletionRule.VIEWED),
        f.step_page(module=module, title="Quiz", completion_rule=CompletionRule.QUIZ_PASSED),
        f.step_page(
            module=module, title="Pour aller plus loin", required=False, estimated_minutes=5
        ),
        f.step_page(module=module, title="Regroupement", completion_rule=CompletionRule.ATTENDED),
    )


def statements_of(enrolment, verb: str | None = None) -> list[dict[str, Any]]:
    """Payloads of the statements stored with the enrolment's registration, oldest first."""
    rows = Statement.objects.filter(registration=enrolment.registration).order_by("seq")
    if verb:
        rows = rows.filter(verb_id=verb)
    return [row.payload for row in rows]


def parents(payload: dict[str, Any]) -> list[str]:
    """The ids of a statement's contextActivities parents."""
    return [
        a["id"] for a in payload.get("context", {}).get("contextActivities", {}).get("parent", [])
    ]


def step_statement(
    enrolment,
    step: StepPage,
    verb: str,
    *,
    actor: dict | None = None,
    result: dict | None = None,
    timestamp: str | None = None,
) -> dict[str, Any]:
    """A statement about a step with the enrolment's registration, as external content sends it."""
    statement: dict[str, Any] = {
        "actor": actor or {"objectType": "Agent", "mbox": f"mailto:{enrolment.user.email}"},
        "verb": {"id": verb, "display": {"en-US": verb.rsplit("/", 1)[-1]}},
        "object": {"objectType": "Activity", "id": step.activity_iri},
        "context": {
            "registration": str(enrolment.registration),
            "contextActivities": {"parent": [{"id": enrolment.module.activity_iri}]},
        },
    }
    if result is not None:
        statement["result"] = result
    if timestamp is not None:
        statement["timestamp"] = timestamp
    return statement
