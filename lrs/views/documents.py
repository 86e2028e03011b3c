"""The document resources (State, Activity Profile, Agent Profile), and Activities and Agents.

xAPI 1.0.3 Communication §2.3 Document Resources, §2.4 State, §2.5 Activities, §2.6 Agents,
§2.7 Activity Profile, §2.8 Agent Profile, and §3.1 Concurrency. The views parse and check
the parameters and the scope, then call :mod:`lrs.selectors_documents` and
:mod:`lrs.services_documents`.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from django.http import HttpResponse, JsonResponse
from django.utils.http import http_date

from lrs.auth import ifi_key
from lrs.http import XAPIError, XAPIRequest, XAPIView
from lrs.models import Document, Scope
from lrs.selectors_documents import (
    DocumentKey,
    activity_object,
    document_get,
    document_ids,
    person_object,
)
from lrs.services_documents import (
    DocumentRejected,
    Preconditions,
    document_delete,
    document_post,
    document_put,
    state_documents_delete,
)
from lrs.xapi.agents import validate_agent_param
from lrs.xapi.common import check_iri, check_uuid, parse_timestamp

# Communication §4.2 scopes: reading is also granted by "all/read" ("all" grants everything).
READ_ANYTHING = (Scope.ALL_READ,)


def _check_params(xreq: XAPIRequest, allowed: frozenset[str]) -> None:
    """Refuse parameters the resource does not define (Communication §3.2, XAPI-00324).

    Names are case-sensitive: "StateId" is not "stateId".
    """
    unknown = sorted(set(xreq.params) - allowed)
    if unknown:
        raise XAPIError(
            400,
            f"unknown parameter(s) {', '.join(map(repr, unknown))} for {xreq.method} here; "
            f"allowed: {', '.join(sorted(allowed))}",
        )


def _required(xreq: XAPIRequest, name: str) -> str:
    """The value of a required parameter, or a 400 naming it."""
    value = xreq.params.get(name)
    if value is None:
        raise XAPIError(400, f"the {name!r} parameter is required")
    return value


def _activity_id(xreq: XAPIRequest) -> str:
    """The ``activityId`` parameter: required, an IRI (Data §2.2)."""
    return check_iri(_required(xreq, "activityId"), "activityId")


def _agent(xreq: XAPIRequest, *, allow_group: bool = True) -> dict:
    """The ``agent`` parameter: required, the JSON of an Agent with one IFI."""
    return validate_agent_param(_required(xreq, "agent"), name="agent", allow_group=allow_group)


def _registration(xreq: XAPIRequest) -> str | None:
    """The optional ``registration`` parameter as a lower-case UUID, None when absent."""
    value = xreq.params.get("registration")
    if value is None:
        return None
    return str(uuid.UUID(check_uuid(value, "registration")))


def _since(xreq: XAPIRequest) -> datetime | None:
    """The optional ``since`` parameter (an ISO 8601 timestamp), None when absent."""
    value = xreq.params.get("since")
    return None if value is None else parse_timestamp(value, "since")


def _document_id(xreq: XAPIRequest, name: str) -> str:
    """A required document id (stateId / profileId): any non-empty string."""
    value = _required(xreq, name)
    if not value:
        raise XAPIError(400, f"the {name!r} parameter must not be empty")
    return value


def _no_content(document: Document | None = None) -> HttpResponse:
    """204 No Content, with the written document's ETag when there is one."""
    response = HttpResponse(status=204)
    if document is not None:
        response["ETag"] = f'"{document.etag}"'
    return response


def _document_response(document: Document) -> HttpResponse:
    """The document as it was sent, with its ETag and Last-Modified (Communication §3.1)."""
    response = HttpResponse(bytes(document.content), content_type=document.content_type)
    response["ETag"] = f'"{document.etag}"'
    response["Last-Modified"] = http_date(document.updated.timestamp())
    return response


class _DocumentView(XAPIView):
    """What the three document resources share: one document by id, or the ids of an owner."""

    kind: str
    id_param: str
    owner_params: frozenset[str]
    read_scopes: tuple[str, ...]
    write_scopes: tuple[str, ...]
    # Communication §3.1: the profile resources require If-Match / If-None-Match on PUT; the
    # State resource permits PUT without them ("state conflicts are unlikely").
    put_requires_precondition = True

    def owner(self, xreq: XAPIRequest) -> tuple[str, str, str | None]:
        """The document owner's (activity_id, agent IFI key, registration or None)."""
        raise NotImplementedError

    def _key(self, xreq: XAPIRequest) -> DocumentKey:
        activity_id, agent_ifi, registration = self.owner(xreq)
        return DocumentKey(
            kind=self.kind,
            document_id=_document_id(xreq, self.id_param),
            activity_id=activity_id,
            agent_ifi=agent_ifi,
            registration=registration or "",
        )

    def _preconditions(self, xreq: XAPIRequest, *, required: bool = False) -> Preconditions:
        return Preconditions.from_headers(
            xreq.headers.get("if-match"), xreq.headers.get("if-none-match"), required=required
        )

    def get(self, xreq: XAPIRequest) -> HttpResponse:
        """One document by id (200 or 404), or the ids of the owner's documents since ``since``."""
        self.require_scope(xreq, *self.read_scopes)
        _check_params(xreq, self.owner_params | {self.id_param, "since"})
        since = _since(xreq)
        if self.id_param in xreq.params:
            # Communication §2.3: "since" only filters the list of ids; with an id it is ignored.
            key = self._key(xreq)
            document = document_get(key=key)
            if document is None:
                raise XAPIError(404, f"no document with {self.id_param} {key.document_id!r}")
            return _document_response(document)
        activity_id, agent_ifi, registration = self.owner(xreq)
        ids = document_ids(
            kind=self.kind,
            activity_id=activity_id,
            agent_ifi=agent_ifi,
            registration=registration,
            since=since,
        )
        return JsonResponse(ids, safe=False)

    def put(self, xreq: XAPIRequest) -> HttpResponse:
        """Store the document as sent (Communication §2.3 PUT), 204."""
        self.require_scope(xreq, *self.write_scopes)
        _check_params(xreq, self.owner_params | {self.id_param})
        key = self._key(xreq)
        preconditions = self._preconditions(xreq, required=self.put_requires_precondition)
        try:
            document = document_put(
                key=key,
                content=xreq.body,
                content_type=self._content_type(xreq),
                preconditions=preconditions,
            )
        except DocumentRejected as exc:
            raise XAPIError(exc.status, exc.message) from None
        return _no_content(document)

    def post(self, xreq: XAPIRequest) -> HttpResponse:
        """Merge a JSON object into the document or create it (Communication §2.3 POST), 204."""
        self.require_scope(xreq, *self.write_scopes)
        _check_params(xreq, self.owner_params | {self.id_param})
        key = self._key(xreq)
        try:
            document = document_post(
                key=key,
                content=xreq.body,
                content_type=self._content_type(xreq),
                preconditions=self._preconditions(xreq),
            )
        except DocumentRejected as exc:
            raise XAPIError(exc.status, exc.message) from None
        return _no_content(document)

    def delete(self, xreq: XAPIRequest) -> HttpResponse:
        """Delete the document (Communication §2.3 DELETE), 204."""
        self.require_scope(xreq, *self.write_scopes)
        _check_params(xreq, self.owner_params | {self.id_param})
        key = self._key(xreq)
        try:
            document_delete(key=key, preconditions=self._preconditions(xreq))
        except DocumentRejected as exc:
            raise XAPIError(exc.status, exc.message) from None
        return _no_content()

    @staticmethod
    def _content_type(xreq: XAPIRequest) -> str:
        """The Content-Type to store: as the client sent it (or as the alternate syntax implied)."""
        return (xreq.headers.get("content-type") or xreq.content_type or "").strip()


class StateView(_DocumentView):
    """/xapi/activities/state (Communication §2.4): an agent's state in an activity."""

    kind = Document.Kind.STATE
    id_param = "stateId"
    owner_params = frozenset({"activityId", "agent", "registration"})
    read_scopes = (Scope.STATE, *READ_ANYTHING)
    write_scopes = (Scope.STATE,)
    put_requires_precondition = False

    def owner(self, xreq: XAPIRequest) -> tuple[str, str, str | None]:
        """activityId, agent and the optional registration."""
        return _activity_id(xreq), ifi_key(_agent(xreq)), _registration(xreq)

    def delete(self, xreq: XAPIRequest) -> HttpResponse:
        """One state by stateId, or without it every state of the activity and agent (§2.4)."""
        if "stateId" in xreq.params:
            return super().delete(xreq)
        self.require_scope(xreq, *self.write_scopes)
        _check_params(xreq, self.owner_params)
        activity_id, agent_ifi, registration = self.owner(xreq)
        state_documents_delete(
            activity_id=activity_id, agent_ifi=agent_ifi, registration=registration
        )
        return _no_content()


class ActivityProfileView(_DocumentView):
    """/xapi/activities/profile (Communication §2.7): documents about an activity."""

    kind = Document.Kind.ACTIVITY_PROFILE
    id_param = "profileId"
    owner_params = frozenset({"activityId"})
    read_scopes = (Scope.PROFILE, *READ_ANYTHING)
    write_scopes = (Scope.PROFILE,)

    def owner(self, xreq: XAPIRequest) -> tuple[str, str, str | None]:
        """The activityId alone."""
        return _activity_id(xreq), "", ""


class AgentProfileView(_DocumentView):
    """/xapi/agents/profile (Communication §2.8): documents about an agent."""

    kind = Document.Kind.AGENT_PROFILE
    id_param = "profileId"
    owner_params = frozenset({"agent"})
    read_scopes = (Scope.PROFILE, *READ_ANYTHING)
    write_scopes = (Scope.PROFILE,)

    def owner(self, xreq: XAPIRequest) -> tuple[str, str, str | None]:
        """The agent alone."""
        return "", ifi_key(_agent(xreq)), ""


# Communication §2.5-2.6: the Activities and Agents resources describe what statements told the
# LRS; any client that may read statements or define activities and actors may read them.
DESCRIBE_SCOPES = (Scope.ALL_READ, Scope.STATEMENTS_READ, Scope.DEFINE)


class ActivitiesView(XAPIView):
    """/xapi/activities (Communication §2.5): the canonical Activity object of an activityId."""

    http_method_names = ["get", "head", "options"]

    def get(self, xreq: XAPIRequest) -> JsonResponse:
        """Return the Activity object the LRS holds for ``activityId``."""
        self.require_scope(xreq, *DESCRIBE_SCOPES)
        _check_params(xreq, frozenset({"activityId"}))
        return JsonResponse(activity_object(activity_id=_activity_id(xreq)))


class AgentsView(XAPIView):
    """/xapi/agents (Communication §2.6): the Person object behind an Agent."""

    http_method_names = ["get", "head", "options"]

    def get(self, xreq: XAPIRequest) -> JsonResponse:
        """Return the Person object for ``agent`` (an Agent, not a Group)."""
        self.require_scope(xreq, *DESCRIBE_SCOPES)
        _check_params(xreq, frozenset({"agent"}))
        return JsonResponse(person_object(agent=_agent(xreq, allow_group=False)))
