"""The Statements resource (xAPI 1.0.3 Communication §2.1): PUT, POST and GET /statements.

The view parses and checks the request (body, multipart attachments, signatures, parameters,
scopes), then calls :func:`lrs.services.statement_store` or :mod:`lrs.selectors`, and renders
the answer (JSON, or multipart/mixed with attachments).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

from django.http import HttpResponse
from django.utils.http import http_date

from lrs.http import XAPIError, XAPIRequest, XAPIView
from lrs.jws import verify_statement_signature
from lrs.models import Attachment, Scope
from lrs.multipart import MultipartError, build_multipart, parse_multipart
from lrs.selectors import (
    consistent_through,
    cursor_dumps,
    cursor_loads,
    statement_get,
    statements_query,
)
from lrs.services import StatementConflictError, VoidingError, statement_store
from lrs.xapi.attachments import SIGNATURE_USAGE_TYPE
from lrs.xapi.common import check_uuid, format_timestamp
from lrs.xapi.errors import XAPIValidationError
from lrs.xapi.formats import format_statement, parse_accept_language, validate_statement_query
from lrs.xapi.statements import validate_statements

CONSISTENT_THROUGH = "X-Experience-API-Consistent-Through"
READ_SCOPES = (Scope.STATEMENTS_READ, Scope.STATEMENTS_READ_MINE, Scope.ALL_READ)
# Data §2.4.11: sha2 is a SHA-2 digest; its hex length tells which one.
_SHA2_BY_LENGTH = {56: "sha224", 64: "sha256", 96: "sha384", 128: "sha512"}

Attachments = dict[str, tuple[str, bytes]]


def _json_response(data: object, status: int = 200) -> HttpResponse:
    """A JSON response, UTF-8 without escaping (Communication §1.4 Encoding)."""
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return HttpResponse(body, status=status, content_type="application/json; charset=utf-8")


def _read_body(xreq: XAPIRequest) -> tuple[object, Attachments]:
    """The JSON statement(s) of a PUT/POST and the attachment parts by SHA-2."""
    # Communication §1.5: statements come as application/json, or as multipart/mixed when
    # attachments travel with them; any other Content-Type is a 400.
    if xreq.content_type == "application/json":
        return xreq.json_body(), {}
    if xreq.content_type != "multipart/mixed":
        raise XAPIError(
            400,
            "statements must be sent as application/json or multipart/mixed, "
            f"not {xreq.content_type or 'without Content-Type'}",
        )
    try:
        parts = parse_multipart(xreq.body, xreq.content_type_params.get("boundary", ""))
    except MultipartError as exc:
        raise XAPIError(400, f"malformed multipart/mixed body: {exc}") from None
    # Communication §1.5.2: the first part holds the statement(s) as application/json.
    if parts[0].content_type != "application/json":
        raise XAPIError(400, "the first part of a multipart/mixed body must be application/json")
    try:
        payload = json.loads(parts[0].content.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise XAPIError(400, f"the statement part is not valid JSON: {exc}") from None
    attachments: Attachments = {}
    for index, part in enumerate(parts[1:], start=1):
        attachments.update([_attachment_part(index, part)])
    return payload, attachments


def _attachment_part(index: int, part) -> tuple[str, tuple[str, bytes]]:
    """Check one attachment part's headers and hash; return its SHA-2 and content."""
    # Communication §1.5.2: each other part has Content-Transfer-Encoding: binary and an
    # X-Experience-API-Hash header holding the SHA-2 of its content.
    encoding = part.headers.get("content-transfer-encoding", "")
    if encoding.lower() != "binary":
        raise XAPIError(400, f"part {index}: Content-Transfer-Encoding must be 'binary'")
    sha2 = part.headers.get("x-experience-api-hash", "").lower()
    if not sha2:
        raise XAPIError(400, f"part {index}: the X-Experience-API-Hash header is required")
    algorithm = _SHA2_BY_LENGTH.get(len(sha2))
    if algorithm is None or hashlib.new(algorithm, part.content).hexdigest() != sha2:
        raise XAPIError(400, f"part {index}: X-Experience-API-Hash does not match its content")
    content_type = part.headers.get("content-type") or "application/octet-stream"
    return sha2, (content_type, part.content)


def _statement_attachments(statement: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The attachments of a statement and of its SubStatement, if any."""
    yield from statement.get("attachments", ())
    target = statement["object"]
    if target.get("objectType") == "SubStatement":
        yield from target.get("attachments", ())


def _check_attachments(statements: list[dict[str, Any]], parts: Attachments) -> None:
    """Match attachment parts to the statements' attachments; check signatures."""
    declared: set[str] = set()
    for index, statement in enumerate(statements):
        for attachment in _statement_attachments(statement):
            sha2 = attachment["sha2"].lower()
            declared.add(sha2)
            if sha2 not in parts and "fileUrl" not in attachment:
                # Data §2.4.11: an attachment without fileUrl travels as a part.
                raise XAPIError(400, f"statement[{index}]: attachment {sha2} has no part")
            if attachment["usageType"] == SIGNATURE_USAGE_TYPE:
                if sha2 not in parts:
                    raise XAPIError(400, f"statement[{index}]: the signature part is missing")
                verify_statement_signature(
                    parts[sha2][1], statement, path=f"statement[{index}].signature"
                )
    # Communication §1.5.1: "excess multi-part sections that are not attachments" → 400.
    extra = sorted(set(parts) - declared)
    if extra:
        raise XAPIError(400, f"parts {extra} match no attachment of the statements")


def _store(xreq: XAPIRequest, statements: list[dict[str, Any]], parts: Attachments) -> list[str]:
    """Store the statements; map the service's refusals to HTTP statuses."""
    try:
        return statement_store(
            statements=statements, client=xreq.client, attachments=parts or None, validated=True
        )
    except StatementConflictError as exc:
        # Communication §2.1.1: same id, different content → 409 Conflict.
        raise XAPIError(409, str(exc)) from None
    except VoidingError as exc:
        raise XAPIError(400, str(exc)) from None


class StatementsView(XAPIView):
    """PUT, POST and GET (and HEAD) /xapi/statements."""

    def put(self, xreq: XAPIRequest) -> HttpResponse:
        """Store one statement under the id given as ``statementId``; 204 No Content."""
        # Communication §2.1.1 PUT Statements.
        self.require_scope(xreq, Scope.STATEMENTS_WRITE)
        unknown = sorted(set(xreq.params) - {"statementId"})
        if unknown:
            raise XAPIError(400, f"PUT /statements does not take the parameters {unknown}")
        if "statementId" not in xreq.params:
            raise XAPIError(400, "PUT /statements requires the statementId parameter")
        statement_id = check_uuid(xreq.params["statementId"], "statementId")
        payload, parts = _read_body(xreq)
        if type(payload) is not dict:
            raise XAPIError(400, "PUT /statements takes one statement (a JSON object)")
        statements = validate_statements(payload)
        statement = statements[0]
        if "id" in statement and statement["id"].lower() != statement_id.lower():
            raise XAPIError(400, "the statement's id differs from the statementId parameter")
        _check_attachments(statements, parts)
        _store(xreq, [{**statement, "id": statement.get("id", statement_id)}], parts)
        return HttpResponse(status=204)

    def post(self, xreq: XAPIRequest) -> HttpResponse:
        """Store one statement or an array of statements; 200 with the array of their ids."""
        # Communication §2.1.2 POST Statements.
        self.require_scope(xreq, Scope.STATEMENTS_WRITE)
        if xreq.params:
            raise XAPIError(400, f"POST /statements takes no parameters, got {sorted(xreq.params)}")
        payload, parts = _read_body(xreq)
        statements = validate_statements(payload)
        _check_attachments(statements, parts)
        return _json_response(_store(xreq, statements, parts))

    def get(self, xreq: XAPIRequest) -> HttpResponse:
        """One statement by (voided)StatementId, or a StatementResult page of statements."""
        # Communication §2.1.3: the Consistent-Through header comes with every answer to GET,
        # errors included.
        headers = {CONSISTENT_THROUGH: format_timestamp(consistent_through())}
        try:
            self.require_scope(xreq, *READ_SCOPES)
            response = self._get(xreq)
        except XAPIValidationError as exc:
            raise XAPIError(400, str(exc), headers) from None
        except XAPIError as exc:
            exc.headers.update(headers)
            raise
        for name, value in headers.items():
            response[name] = value
        return response

    def _get(self, xreq: XAPIRequest) -> HttpResponse:
        params = dict(xreq.params)
        after = None
        if "more" in params:
            if len(params) != 1:
                raise XAPIError(400, "the 'more' parameter is used alone")
            try:
                params, after = cursor_loads(params["more"])
            except ValueError as exc:
                raise XAPIError(400, str(exc)) from None
        query = validate_statement_query(params)
        languages = parse_accept_language(xreq.headers.get("accept-language"))
        fmt, with_attachments = query["format"], query.get("attachments", False)
        single_id = query.get("statementId") or query.get("voidedStatementId")
        if single_id:
            stored = statement_get(
                statement_id=single_id,
                voided="voidedStatementId" in query,
                client=xreq.client,
            )
            if stored is None:
                raise XAPIError(404, f"no statement {single_id} to return")
            body = format_statement(stored.payload, fmt, languages)
            response = self._render(body, [stored.payload], with_attachments)
            response["Last-Modified"] = http_date(stored.stored.timestamp())
            return response
        page = statements_query(
            filters=query, client=xreq.client, after=after, limit=query.get("limit", 0)
        )
        more = ""
        if page.next_position is not None:
            path = xreq.django_request.path if xreq.django_request else "/xapi/statements"
            more = f"{path}?more={quote(cursor_dumps(params, page.next_position))}"
        result = {
            "statements": [format_statement(s, fmt, languages) for s in page.statements],
            "more": more,
        }
        response = self._render(result, page.statements, with_attachments)
        if page.last_stored is not None:
            response["Last-Modified"] = http_date(page.last_stored.timestamp())
        return response

    def _render(
        self, body: object, statements: list[dict[str, Any]], with_attachments: bool
    ) -> HttpResponse:
        """JSON, or multipart/mixed with the attachments' content when asked for."""
        if not with_attachments:
            return _json_response(body)
        # Communication §2.1.3 `attachments`: multipart/mixed, the JSON first, then one part
        # per attachment content the LRS holds (fileUrl-only attachments have none).
        wanted = {a["sha2"].lower() for s in statements for a in _statement_attachments(s)}
        parts: list[tuple[dict[str, str], bytes]] = [
            (
                {"Content-Type": "application/json"},
                json.dumps(body, ensure_ascii=False).encode("utf-8"),
            )
        ]
        for attachment in Attachment.objects.filter(sha2__in=sorted(wanted)).order_by("sha2"):
            parts.append(
                (
                    {
                        "Content-Type": attachment.content_type,
                        "Content-Transfer-Encoding": "binary",
                        "X-Experience-API-Hash": attachment.sha2,
                    },
                    bytes(attachment.content),
                )
            )
        content, boundary = build_multipart(parts)
        return HttpResponse(content, content_type=f"multipart/mixed; boundary={boundary}")
