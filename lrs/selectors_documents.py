"""Reads of the document resources, and of the Activities and Agents resources.

xAPI 1.0.3 Communication §2.3 Document Resources, §2.4 State, §2.5 Activities, §2.6 Agents,
§2.7 Activity Profile, §2.8 Agent Profile. The writes are in :mod:`lrs.services_documents`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lrs.auth import ifi_key
from lrs.models import Activity, Document, Statement

# How many of an agent's latest statements the Agents resource reads names from: enough to
# gather the names in use, bounded so a very active agent costs the same as any other.
PERSON_STATEMENTS_READ = 50


@dataclass(frozen=True)
class DocumentKey:
    """What identifies one document: its resource, its owner(s) and its id.

    ``activity_id`` is "" for agent profiles, ``agent_ifi`` is "" for activity profiles and
    ``registration`` is "" outside the State resource or when the client gave none.
    """

    kind: str
    document_id: str
    activity_id: str = ""
    agent_ifi: str = ""
    registration: str = ""

    def lookup(self) -> dict[str, str]:
        """The field lookups that select this document."""
        return {
            "kind": self.kind,
            "activity_id": self.activity_id,
            "agent_ifi": self.agent_ifi,
            "registration": self.registration,
            "document_id": self.document_id,
        }


def document_get(*, key: DocumentKey) -> Document | None:
    """The document ``key`` names, or None (Communication §2.3, single document GET)."""
    return Document.objects.filter(**key.lookup()).first()


def document_ids(
    *,
    kind: str,
    activity_id: str = "",
    agent_ifi: str = "",
    registration: str | None = None,
    since: datetime | None = None,
) -> list[str]:
    """The ids of the documents of one owner, optionally only those updated after ``since``.

    Communication §2.4 (State: "Activity + Agent [+ registration if specified]", so without a
    registration the states of every registration), §2.7 and §2.8 (profiles): "Only ids of
    [documents] stored since the specified Timestamp (exclusive) are returned". The lookups
    follow the ``lrs_document_list`` index (kind, activity_id, agent_ifi, updated).
    """
    documents = Document.objects.filter(kind=kind, activity_id=activity_id, agent_ifi=agent_ifi)
    if registration is not None:
        documents = documents.filter(registration=registration)
    if since is not None:
        documents = documents.filter(updated__gt=since)
    return list(documents.order_by("updated", "pk").values_list("document_id", flat=True))


def activity_object(*, activity_id: str) -> dict[str, Any]:
    """The canonical Activity object the LRS holds for ``activity_id`` (Communication §2.5).

    An activity the LRS has no definition for is still an Activity: any IRI names one, so
    the LRS answers with what it knows, the id alone, rather than a 404.
    """
    definition = (
        Activity.objects.filter(activity_id=activity_id)
        .values_list("definition", flat=True)
        .first()
    )
    activity: dict[str, Any] = {"objectType": "Activity", "id": activity_id}
    if definition:
        activity["definition"] = definition
    return activity


def person_object(*, agent: dict[str, Any]) -> dict[str, Any]:
    """The Person object for ``agent`` (Communication §2.6 Agents Resource, Person Object).

    The LRS links no identifiers together, so the Person carries the agent's one IFI, and
    every name seen for that IFI in the agent's latest statements (plus the name given).
    """
    key = ifi_key(agent)
    names: list[str] = []
    if isinstance(agent.get("name"), str):
        names.append(agent["name"])
    payloads = (
        Statement.objects.filter(agents__ifi=key)
        .order_by("-stored", "-seq")
        .values_list("payload", flat=True)[:PERSON_STATEMENTS_READ]
    )
    for payload in payloads:
        for seen in _agents_in(payload):
            name = seen.get("name")
            if isinstance(name, str) and name not in names and _ifi_key_or_none(seen) == key:
                names.append(name)
    person: dict[str, Any] = {"objectType": "Person"}
    if names:
        person["name"] = names
    for ifi in ("mbox", "mbox_sha1sum", "openid", "account"):
        if ifi in agent:
            person[ifi] = [agent[ifi]]
            break
    return person


def _ifi_key_or_none(agent: dict[str, Any]) -> str | None:
    """The IFI key of an agent found in a stored statement, None if it has no usable IFI."""
    try:
        return ifi_key(agent)
    except (KeyError, TypeError, AttributeError):
        return None


def _agents_in(statement: Any) -> Iterator[dict[str, Any]]:
    """The Agents and Groups (and Group members) in a statement's agent positions.

    Data §2.4.2 actor, §2.4.4 object, §2.4.6 context instructor and team, §2.4.9 authority,
    and the same positions inside a SubStatement object.
    """
    if not isinstance(statement, dict):
        return
    context = statement.get("context") if isinstance(statement.get("context"), dict) else {}
    target = statement.get("object")
    candidates = [
        statement.get("actor"),
        statement.get("authority"),
        context.get("instructor"),
        context.get("team"),
    ]
    if isinstance(target, dict):
        if target.get("objectType") in ("Agent", "Group"):
            candidates.append(target)
        elif target.get("objectType") == "SubStatement":
            yield from _agents_in(target)
    for candidate in candidates:
        if isinstance(candidate, dict):
            yield candidate
            members = candidate.get("member")
            if isinstance(members, list):
                yield from (member for member in members if isinstance(member, dict))
