"""The in-process Python API: Campus's own pages record statements without an HTTP round trip.

Statements are built with the ``tincan`` package's classes (or given as plain dicts), then
serialised as xAPI 1.0.3 JSON, validated by :mod:`lrs.xapi` exactly as the Statements resource
validates a POST, and stored by :func:`lrs.services.statement_store` with the platform's own
authority (setting ``LRS_AUTHORITY``)::

    from lrs import api

    api.record(
        api.statement_for(
            actor=api.agent_for("claire.martin@ac-lyon.fr", "Claire Martin"),
            verb=api.COMPLETED,
            target=api.activity_for(
                "https://campus.example/modules/fractions",
                name={"fr-FR": "Les fractions au cycle 3"},
                activity_type=api.ACTIVITY_MODULE,
            ),
            result=api.result_for(score=(17, 0, 20), success=True, completion=True),
            registration=enrolment.registration,
        )
    )

A statement that breaks the spec raises :class:`lrs.xapi.errors.XAPIValidationError` naming the
field: that is a bug in the calling page, never something to swallow. Nothing is stored from a
batch that holds one invalid statement (``record_many`` is atomic, like a POST).
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import uuid
from collections.abc import Iterable, Mapping

import tincan
from django.conf import settings
from django.utils import timezone

from lrs.services import statement_store
from lrs.xapi.statements import validate_statements

XAPI_VERSION = "1.0.3"

__all__ = [
    "ACCEPTED",
    "ACTIVITY_ASSESSMENT",
    "ACTIVITY_COMMUNITY",
    "ACTIVITY_COURSE",
    "ACTIVITY_MEETING",
    "ACTIVITY_MODULE",
    "ACTIVITY_QUESTION",
    "ACTIVITY_RESOURCE",
    "ACTIVITY_VIDEO",
    "ANSWERED",
    "ASSIGNED",
    "ATTENDED",
    "COMPLETED",
    "EXPERIENCED",
    "FAILED",
    "LAUNCHED",
    "PASSED",
    "PAUSED",
    "PLAYED",
    "PROMOTED",
    "PUBLISHED",
    "REJECTED",
    "REQUESTED",
    "RETRACTED",
    "REVIEWED",
    "SEEKED",
    "SHARED",
    "UPDATED",
    "activity_for",
    "agent_for",
    "context_for",
    "platform_authority",
    "record",
    "record_many",
    "result_for",
    "serialise",
    "statement_for",
]


# --- Verbs ----------------------------------------------------------------------------------
# xAPI 1.0.3 §2.4.3 Verb: an IRI plus a display language map. The IRIs come from the ADL
# vocabulary (http://adlnet.gov/expapi/verbs/…), the xAPI Video Profile for media
# (https://w3id.org/xapi/video) and, where ADL defines none, Activity Streams 1.0
# (http://activitystrea.ms/schema/1.0/…) or the xAPI registry (id.tincanapi.com).
# These are shared module-level tincan objects: pass them along, never mutate them.


def _verb(iri: str, en: str, fr: str) -> tincan.Verb:
    """A tincan Verb with an English and a French display."""
    return tincan.Verb(id=iri, display=tincan.LanguageMap({"en-US": en, "fr-FR": fr}))


LAUNCHED = _verb("http://adlnet.gov/expapi/verbs/launched", "launched", "a lancé")
EXPERIENCED = _verb("http://adlnet.gov/expapi/verbs/experienced", "experienced", "a consulté")
ANSWERED = _verb("http://adlnet.gov/expapi/verbs/answered", "answered", "a répondu à")
PASSED = _verb("http://adlnet.gov/expapi/verbs/passed", "passed", "a réussi")
FAILED = _verb("http://adlnet.gov/expapi/verbs/failed", "failed", "a échoué à")
COMPLETED = _verb("http://adlnet.gov/expapi/verbs/completed", "completed", "a terminé")
ATTENDED = _verb("http://adlnet.gov/expapi/verbs/attended", "attended", "a participé à")
SHARED = _verb("http://adlnet.gov/expapi/verbs/shared", "shared", "a partagé")
# Neither ADL nor Activity Streams 1.0 has "review": the xAPI registry's verb is the one that
# LRS dashboards (Learning Locker, Ralph's Potsie) already recognise.
REVIEWED = _verb("http://id.tincanapi.com/verb/reviewed", "reviewed", "a évalué")
# Activity Streams 1.0 names "post" the act of authoring an object and publishing it.
PUBLISHED = _verb("http://activitystrea.ms/schema/1.0/post", "published", "a publié")
# The peer review of community resources. Activity Streams 1.0 (activitystrea.ms/schema/1.0):
# "accept" and "reject" name taking on and turning down an assignment, "assign" giving one,
# "request" asking for something (changes), "update" a new version, "retract" taking back
# what was shared.
ASSIGNED = _verb("http://activitystrea.ms/schema/1.0/assign", "assigned", "a attribué")
ACCEPTED = _verb("http://activitystrea.ms/schema/1.0/accept", "accepted", "a accepté")
REJECTED = _verb("http://activitystrea.ms/schema/1.0/reject", "rejected", "a décliné")
REQUESTED = _verb("http://activitystrea.ms/schema/1.0/request", "requested", "a demandé")
UPDATED = _verb("http://activitystrea.ms/schema/1.0/update", "updated", "a mis à jour")
RETRACTED = _verb("http://activitystrea.ms/schema/1.0/retract", "retracted", "a retiré")
# xAPI registry (id.tincanapi.com): the object "is promoted to users in some other way",
# the "valorisation" of a resource in an académie or nationally.
PROMOTED = _verb("http://id.tincanapi.com/verb/promoted", "promoted", "a valorisé")
# xAPI Video Profile (https://w3id.org/xapi/video): what a video player reports.
PLAYED = _verb("https://w3id.org/xapi/video/verbs/played", "played", "a lu")
PAUSED = _verb("https://w3id.org/xapi/video/verbs/paused", "paused", "a mis en pause")
SEEKED = _verb("https://w3id.org/xapi/video/verbs/seeked", "seeked", "a déplacé la lecture de")

# --- Activity types (ADL vocabulary, the xAPI Video Profile, the xAPI registry) ------------
ACTIVITY_COURSE = "http://adlnet.gov/expapi/activities/course"
ACTIVITY_MODULE = "http://adlnet.gov/expapi/activities/module"
ACTIVITY_ASSESSMENT = "http://adlnet.gov/expapi/activities/assessment"
ACTIVITY_QUESTION = "http://adlnet.gov/expapi/activities/question"
ACTIVITY_MEETING = "http://adlnet.gov/expapi/activities/meeting"
ACTIVITY_VIDEO = "https://w3id.org/xapi/video/activity-type/video"
# xAPI registry (id.tincanapi.com) types: a shared resource, and the community it lives in.
ACTIVITY_RESOURCE = "http://id.tincanapi.com/activitytype/resource"
ACTIVITY_COMMUNITY = "http://id.tincanapi.com/activitytype/community-site"


# --- Builders -------------------------------------------------------------------------------


def platform_authority() -> dict:
    """The Agent Campus signs its own statements with (setting ``LRS_AUTHORITY``).

    Defaults to an account Agent on ``SITE_URL`` named "campus" (xAPI 1.0.3 §2.4.9 Authority).
    """
    authority = getattr(settings, "LRS_AUTHORITY", None)
    if authority:
        return copy.deepcopy(authority)
    home_page = getattr(settings, "SITE_URL", "http://localhost")
    return {
        "objectType": "Agent",
        "name": "Campus",
        "account": {"homePage": home_page, "name": "campus"},
    }


def agent_for(email: str, name: str | None = None) -> tincan.Agent:
    """An Agent identified by its e-mail address (the ``mbox`` IFI, xAPI 1.0.3 §2.4.2.3).

    The domain is lower-cased, as the spec compares it case-insensitively; the local part is
    kept as given.
    """
    address = email.strip().removeprefix("mailto:")
    local, at, domain = address.rpartition("@")
    if not at or not local or not domain:
        raise ValueError(f"{email!r} is not an e-mail address")
    agent = tincan.Agent(mbox=f"mailto:{local}@{domain.lower()}")
    if name:
        agent.name = name
    return agent


def _language_map(value: str | Mapping[str, str] | None, language: str) -> tincan.LanguageMap:
    """A LanguageMap from a mapping, or from a plain string in ``language``."""
    if isinstance(value, str):
        return tincan.LanguageMap({language: value})
    return tincan.LanguageMap(dict(value or {}))


def activity_for(
    iri: str,
    *,
    name: str | Mapping[str, str] | None = None,
    description: str | Mapping[str, str] | None = None,
    activity_type: str | None = None,
    language: str = "fr-FR",
) -> tincan.Activity:
    """An Activity with an optional definition (xAPI 1.0.3 §2.4.4.1).

    ``name`` and ``description`` are language maps, or plain strings taken to be in
    ``language``; ``activity_type`` is an activity type IRI such as :data:`ACTIVITY_MODULE`.
    """
    activity = tincan.Activity(id=iri)
    if name or description or activity_type:
        definition = tincan.ActivityDefinition()
        if name:
            definition.name = _language_map(name, language)
        if description:
            definition.description = _language_map(description, language)
        if activity_type:
            definition.type = activity_type
        activity.definition = definition
    return activity


def result_for(
    *,
    score: tuple[float, float, float] | None = None,
    success: bool | None = None,
    completion: bool | None = None,
    response: str | None = None,
    duration: dt.timedelta | None = None,
) -> tincan.Result:
    """A Result (xAPI 1.0.3 §2.4.5); ``score`` is ``(raw, min, max)`` and gets its ``scaled``.

    ``scaled`` is ``raw`` brought to [0, 1] between ``min`` and ``max`` (§2.4.5.1: it must lie
    in [-1, 1], and ``min <= raw <= max``).
    """
    result = tincan.Result()
    if score is not None:
        raw, low, high = score
        if not low <= raw <= high or low == high:
            raise ValueError(f"score {raw} must lie between min {low} and max {high}")
        result.score = tincan.Score(
            raw=raw, min=low, max=high, scaled=round((raw - low) / (high - low), 4)
        )
    if success is not None:
        result.success = success
    if completion is not None:
        result.completion = completion
    if response is not None:
        result.response = response
    if duration is not None:
        result.duration = duration
    return result


def context_for(
    *,
    registration: uuid.UUID | str | None = None,
    parent: tincan.Activity | Iterable[tincan.Activity] | None = None,
    grouping: tincan.Activity | Iterable[tincan.Activity] | None = None,
    instructor: tincan.Agent | None = None,
    language: str | None = "fr-FR",
    platform: str | None = "Campus",
) -> tincan.Context:
    """A Context (xAPI 1.0.3 §2.4.6) with the registration and the parent/grouping activities.

    ``registration`` ties statements to one enrolment (one attempt at a course), as the
    Statements resource's ``registration`` filter and the State resource expect.
    """
    context = tincan.Context()
    if registration is not None:
        context.registration = uuid.UUID(str(registration))
    activities = tincan.ContextActivities()
    if parent is not None:
        activities.parent = [parent] if isinstance(parent, tincan.Activity) else list(parent)
    if grouping is not None:
        activities.grouping = (
            [grouping] if isinstance(grouping, tincan.Activity) else list(grouping)
        )
    if parent is not None or grouping is not None:
        context.context_activities = activities
    if instructor is not None:
        context.instructor = instructor
    if language:
        context.language = language
    if platform:
        context.platform = platform
    return context


def statement_for(
    *,
    actor: tincan.Agent,
    verb: tincan.Verb,
    target: tincan.Activity | tincan.Agent | tincan.StatementRef,
    result: tincan.Result | None = None,
    context: tincan.Context | None = None,
    registration: uuid.UUID | str | None = None,
    parent: tincan.Activity | Iterable[tincan.Activity] | None = None,
    timestamp: dt.datetime | None = None,
    statement_id: uuid.UUID | str | None = None,
) -> tincan.Statement:
    """A Statement ready for :func:`record`: actor, verb, object, timestamped now.

    ``registration`` and ``parent`` are shortcuts that build the context with
    :func:`context_for` when no ``context`` is given. The timestamp must be timezone-aware
    (xAPI 1.0.3 §2.4.7; a naive one would be read in the LRS's time zone).
    """
    if timestamp is None:
        timestamp = timezone.now()
    elif timezone.is_naive(timestamp):
        raise ValueError("statement timestamps must be timezone-aware")
    if context is None and (registration is not None or parent is not None):
        # §2.4.6: "platform" may only be used when the object is an Activity.
        platform = "Campus" if isinstance(target, tincan.Activity) else None
        context = context_for(registration=registration, parent=parent, platform=platform)
    statement = tincan.Statement(actor=actor, verb=verb, object=target, timestamp=timestamp)
    if result is not None:
        statement.result = result
    if context is not None:
        statement.context = context
    if statement_id is not None:
        statement.id = uuid.UUID(str(statement_id))
    return statement


# --- Recording ------------------------------------------------------------------------------


def serialise(statement: tincan.Statement | Mapping) -> dict:
    """The statement as xAPI 1.0.3 JSON data (a new dict; the argument is left untouched)."""
    if isinstance(statement, tincan.Statement):
        return json.loads(statement.to_json(XAPI_VERSION))
    if isinstance(statement, Mapping):
        return json.loads(json.dumps(statement))
    raise TypeError(f"expected a tincan.Statement or a dict, got {type(statement).__name__}")


def record_many(statements: Iterable[tincan.Statement | Mapping]) -> list[str]:
    """Validate and store a batch of statements atomically; return their ids in order.

    Each statement is validated as a POST to the Statements resource would be (xAPI 1.0.3
    Communication §2.1.2) and stored with the platform authority; one invalid statement raises
    :class:`~lrs.xapi.errors.XAPIValidationError` and nothing is stored.
    """
    data = [serialise(statement) for statement in statements]
    if not data:
        return []
    validated = validate_statements(data)
    return statement_store(
        statements=validated, client=None, authority=platform_authority(), validated=True
    )


def record(statement: tincan.Statement | Mapping) -> str:
    """Validate and store one statement with the platform authority; return its id."""
    return record_many([statement])[0]
