"""Writes of the document resources: State, Activity Profile, Agent Profile.

xAPI 1.0.3 Communication §2.3 Document Resources (PUT stores, POST merges JSON objects,
DELETE removes) and §3.1 Concurrency (ETags, If-Match, If-None-Match, 409 and 412). Each
write locks the document's row, checks the client's preconditions against it and writes, in
one transaction, so two clients racing on one document cannot both win.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from lrs.models import Document
from lrs.selectors_documents import DocumentKey

JSON_MEDIA_TYPE = "application/json"
DEFAULT_CONTENT_TYPE = "application/octet-stream"


class DocumentRejected(Exception):
    """A document write the LRS refuses: the HTTP status and a reason for the client."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Preconditions:
    """The client's If-Match / If-None-Match headers, parsed (Communication §3.1).

    ``None`` means the header was absent; otherwise a tuple of bare entity tags (quotes and
    weak markers removed, lower-case) or ``("*",)``. ``required`` is set on the PUTs of the
    profile resources, which must carry one of the two headers.
    """

    if_match: tuple[str, ...] | None = None
    if_none_match: tuple[str, ...] | None = None
    required: bool = False

    @classmethod
    def from_headers(
        cls, if_match: str | None, if_none_match: str | None, *, required: bool = False
    ) -> Preconditions:
        """Parse the raw header values (RFC 7232 §3.1-3.2: "*" or a list of entity tags)."""
        return cls(_entity_tags(if_match), _entity_tags(if_none_match), required)

    def check(self, current: Document | None) -> None:
        """Refuse the write when the preconditions do not hold for ``current``.

        Communication §3.1: a failed If-Match / If-None-Match → 412 Precondition Failed; a
        profile PUT with neither header → 409 Conflict when the document exists. When it does
        not exist the conformance suite (XAPI-00273, XAPI-00293) expects 400, as the
        reference LRS answers: the header is missing from a request that requires it.
        """
        etag = current.etag if current is not None else None
        if self.if_match is not None and (
            current is None or ("*" not in self.if_match and etag not in self.if_match)
        ):
            raise DocumentRejected(
                412,
                "If-Match does not match the document's current ETag"
                if current is not None
                else "If-Match was given but there is no such document",
            )
        if (
            self.if_none_match is not None
            and current is not None
            and ("*" in self.if_none_match or etag in self.if_none_match)
        ):
            raise DocumentRejected(
                412, "If-None-Match: the document already exists (or its ETag is listed)"
            )
        if self.required and self.if_match is None and self.if_none_match is None:
            if current is not None:
                raise DocumentRejected(
                    409,
                    "the document already exists: send If-Match with its ETag to replace it "
                    "(or POST to merge into it)",
                )
            raise DocumentRejected(
                400,
                "a PUT to a profile resource needs If-None-Match: * to create the document "
                "or If-Match with its ETag to replace it",
            )


def _entity_tags(header: str | None) -> tuple[str, ...] | None:
    """The bare entity tags of an If-Match / If-None-Match header, None when it is absent."""
    if header is None:
        return None
    tags = []
    for raw in header.split(","):
        tag = raw.strip()
        if tag.startswith(("W/", "w/")):
            tag = tag[2:]
        tags.append(tag.strip('"').lower())
    return tuple(tag for tag in tags if tag)


def media_type(content_type: str) -> str:
    """The lower-case media type of a Content-Type value, without its parameters."""
    return content_type.split(";", 1)[0].strip().lower()


def is_json(content_type: str) -> bool:
    """Whether a Content-Type value declares JSON (Communication §2.3: "application/json")."""
    return media_type(content_type) == JSON_MEDIA_TYPE


def compute_etag(content: bytes) -> str:
    """A document's entity tag: the SHA-1 of its content, hex (Communication §3.1)."""
    return hashlib.sha1(content, usedforsecurity=False).hexdigest()


def _parse_json(content: bytes, what: str) -> object:
    """``content`` parsed as JSON, or a 400 that says why it is not."""
    try:
        return json.loads(content.decode("utf-8"))
    except UnicodeDecodeError:
        raise DocumentRejected(
            400, f"{what} is declared application/json but is not UTF-8"
        ) from None
    except ValueError as exc:
        raise DocumentRejected(
            400, f"{what} is declared application/json but is not valid JSON: {exc}"
        ) from None


def _locked(key: DocumentKey) -> Document | None:
    """The document ``key`` names, locked until the end of the transaction, or None."""
    return Document.objects.select_for_update().filter(**key.lookup()).first()


def _write(
    key: DocumentKey,
    preconditions: Preconditions,
    build: Callable[[Document | None], tuple[bytes, str]],
) -> Document:
    """Lock, check the preconditions, build the new content from the current one, store it."""
    for attempt in range(2):
        current = _locked(key)
        preconditions.check(current)
        content, content_type = build(current)
        document = current or Document(**key.lookup())
        document.content = content
        document.content_type = content_type
        document.etag = compute_etag(content)
        document.updated = timezone.now()
        try:
            # A savepoint: when a concurrent request created the same document first, the
            # unique constraint refuses ours; read the winner (now committed) and decide again.
            with transaction.atomic():
                document.save()
        except IntegrityError:
            if current is not None or attempt:
                raise
            continue
        return document
    raise AssertionError("unreachable")  # pragma: no cover


@transaction.atomic
def document_put(
    *, key: DocumentKey, content: bytes, content_type: str, preconditions: Preconditions
) -> Document:
    """Store ``content`` as the document, replacing any previous one (Communication §2.3 PUT).

    The content is kept as the bytes sent, with its Content-Type, and returned as sent. A
    body declared ``application/json`` must parse, so later merges stay well defined.
    """
    content_type = content_type or DEFAULT_CONTENT_TYPE
    if is_json(content_type):
        _parse_json(content, "the document")
    return _write(key, preconditions, lambda current: (content, content_type))


@transaction.atomic
def document_post(
    *, key: DocumentKey, content: bytes, content_type: str, preconditions: Preconditions
) -> Document:
    """Merge a JSON object into the document, or create it (Communication §2.3 POST).

    §2.3 "JSON Procedure with Requirements": when the document exists, both it and the posted
    document must be JSON objects sent as ``application/json`` (else 400 and no change); the
    merge replaces each top-level property the posted object carries and keeps the others.
    When the document does not exist, the POST is a PUT.
    """
    content_type = content_type or DEFAULT_CONTENT_TYPE
    posted: dict | None = None
    if is_json(content_type):
        parsed = _parse_json(content, "the posted document")
        if not isinstance(parsed, dict):
            raise DocumentRejected(
                400, "a document POSTed as application/json must be a JSON object"
            )
        posted = parsed

    def merge(current: Document | None) -> tuple[bytes, str]:
        if current is None:
            return content, content_type
        if posted is None:
            raise DocumentRejected(
                400,
                "the document exists: a POST merges JSON objects, so it must be sent as "
                f"application/json (got {media_type(content_type)!r})",
            )
        if not is_json(current.content_type):
            raise DocumentRejected(
                400,
                "the stored document is not application/json "
                f"({media_type(current.content_type)!r}): PUT to replace it instead of POST",
            )
        existing = _parse_json(bytes(current.content), "the stored document")
        if not isinstance(existing, dict):
            raise DocumentRejected(
                400, "the stored document is not a JSON object: PUT to replace it instead of POST"
            )
        merged = {**existing, **posted}
        body = json.dumps(merged, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        return body, JSON_MEDIA_TYPE

    return _write(key, preconditions, merge)


@transaction.atomic
def document_delete(*, key: DocumentKey, preconditions: Preconditions) -> bool:
    """Delete the document (Communication §2.3 DELETE); whether there was one to delete.

    Deleting a document that does not exist is not an error: the outcome the client asked
    for holds.
    """
    current = _locked(key)
    preconditions.check(current)
    if current is None:
        return False
    current.delete()
    return True


@transaction.atomic
def state_documents_delete(*, activity_id: str, agent_ifi: str, registration: str | None) -> int:
    """Delete every state of an activity and agent (Communication §2.4, DELETE without stateId).

    "Deletes all state data for this context (Activity + Agent [+ registration if
    specified])": without a registration, the states of every registration go.
    """
    states = Document.objects.filter(
        kind=Document.Kind.STATE, activity_id=activity_id, agent_ifi=agent_ifi
    )
    if registration is not None:
        states = states.filter(registration=registration)
    deleted, _by_model = states.delete()
    return deleted
