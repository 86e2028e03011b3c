"""What every xAPI resource shares.

The version header, Basic auth, scopes, the alternate request syntax, CORS, HEAD, and errors
as JSON bodies that say what is wrong.

Resource views subclass :class:`XAPIView` and implement ``get``/``put``/``post``/``delete``
taking an :class:`XAPIRequest` (already authenticated and normalised, whichever syntax the
client used) and returning an ``HttpResponse``. They raise :class:`XAPIError` or
:class:`lrs.xapi.errors.XAPIValidationError` for a 4xx.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import Message
from urllib.parse import parse_qsl

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.decorators import method_decorator
from django.utils.http import http_date
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from lrs.auth import AuthenticatedClient, authenticate
from lrs.xapi.errors import XAPIValidationError

XAPI_VERSION = "1.0.3"
# Communication §3.3 Versioning: accept any 1.0.x the client speaks; answer with ours.
SUPPORTED_VERSION_PREFIX = "1.0."

# Communication §1.3 Alternate Request Syntax: header names allowed as form parameters.
_ALTERNATE_HEADERS = {
    "authorization": "Authorization",
    "x-experience-api-version": "X-Experience-API-Version",
    "content-type": "Content-Type",
    "content-length": "Content-Length",
    "if-match": "If-Match",
    "if-none-match": "If-None-Match",
}
_ALTERNATE_METHODS = {"GET", "PUT", "POST", "DELETE"}

CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "HEAD, GET, POST, PUT, DELETE, OPTIONS",
    "Access-Control-Allow-Headers": (
        "Authorization, Content-Type, X-Experience-API-Version, If-Match, If-None-Match"
    ),
    "Access-Control-Expose-Headers": (
        "ETag, Last-Modified, X-Experience-API-Version, X-Experience-API-Consistent-Through"
    ),
    "Access-Control-Max-Age": "86400",
}


class XAPIError(Exception):
    """A request the LRS refuses: the status code and a reason for the client."""

    def __init__(self, status: int, message: str, headers: Mapping[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = dict(headers or {})


class _Headers(dict):
    """Case-insensitive header mapping (keys are stored lower-case)."""

    def get(self, key: str, default: str | None = None) -> str | None:  # type: ignore[override]
        return super().get(key.lower(), default)

    def __getitem__(self, key: str) -> str:
        return super().__getitem__(key.lower())

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and super().__contains__(key.lower())


@dataclass
class XAPIRequest:
    """A request to an xAPI resource, the same whether sent plainly or in the alternate syntax."""

    method: str
    params: dict[str, str]
    headers: _Headers
    body: bytes
    content_type: str  # Lower-case media type without parameters ("" when absent).
    content_type_params: dict[str, str] = field(default_factory=dict)
    client: AuthenticatedClient | None = None
    django_request: HttpRequest | None = None

    def json_body(self) -> object:
        """The body parsed as JSON, or a 400 that says why it is not JSON."""
        try:
            return json.loads(self.body.decode("utf-8"))
        except UnicodeDecodeError:
            raise XAPIError(400, "the request body is not UTF-8") from None
        except ValueError as exc:
            raise XAPIError(400, f"the request body is not valid JSON: {exc}") from None


def parse_content_type(value: str | None) -> tuple[str, dict[str, str]]:
    """Split a Content-Type header into its lower-case media type and its parameters."""
    if not value:
        return "", {}
    message = Message()
    message["content-type"] = value
    params = {k.lower(): v for k, v in message.get_params()[1:]}
    return message.get_content_type().lower(), params


def error_response(status: int, message: str) -> JsonResponse:
    """A JSON error body: ``{"error": {"status": …, "message": …}}``."""
    return JsonResponse({"error": {"status": status, "message": message}}, status=status)


def _single_valued(pairs: list[tuple[str, str]], where: str) -> dict[str, str]:
    values: dict[str, str] = {}
    for key, value in pairs:
        if key in values:
            raise XAPIError(400, f"the {where} parameter {key!r} is given more than once")
        values[key] = value
    return values


def _plain_request(request: HttpRequest) -> XAPIRequest:
    headers = _Headers({k.lower(): v for k, v in request.headers.items()})
    content_type, ct_params = parse_content_type(headers.get("content-type"))
    params = _single_valued(parse_qsl(request.META.get("QUERY_STRING", ""), True), "query")
    return XAPIRequest(
        method=request.method or "GET",
        params=params,
        headers=headers,
        body=request.body,
        content_type=content_type,
        content_type_params=ct_params,
        django_request=request,
    )


def _alternate_request(request: HttpRequest, query: dict[str, str]) -> XAPIRequest:
    # Communication §1.3: only "method" may be in the query string; everything else, headers
    # included, travels as form fields in the body; the real body is the "content" field.
    if set(query) != {"method"}:
        extra = sorted(set(query) - {"method"})
        raise XAPIError(
            400, f"the alternate request syntax allows only 'method' in the query, got {extra}"
        )
    method = query["method"].upper()
    if method not in _ALTERNATE_METHODS:
        raise XAPIError(400, f"method={query['method']!r} is not an xAPI method")
    outer_type, _params = parse_content_type(request.headers.get("content-type"))
    if outer_type != "application/x-www-form-urlencoded":
        # The conformance suite (Communication 1.3) expects 400 here, not 415.
        raise XAPIError(
            400, "the alternate request syntax must be sent as application/x-www-form-urlencoded"
        )
    form = _single_valued(
        parse_qsl(request.body.decode("utf-8", "replace"), keep_blank_values=True), "form"
    )
    # Headers sent as real headers count too; the form's fields (Communication §1.3 lists the
    # ones a client *may* move there) win where both are given.
    headers = _Headers({k.lower(): v for k, v in request.headers.items()})
    headers.pop("content-type", None)
    headers.pop("content-length", None)
    params: dict[str, str] = {}
    body = b""
    for key, value in form.items():
        lowered = key.lower()
        if lowered in _ALTERNATE_HEADERS:
            headers[lowered] = value
        elif key == "content":
            body = value.encode("utf-8")
        else:
            params[key] = value
    content_type, ct_params = parse_content_type(headers.get("content-type"))
    if body and not content_type:
        content_type = "application/json"
    return XAPIRequest(
        method=method,
        params=params,
        headers=headers,
        body=body,
        content_type=content_type,
        content_type_params=ct_params,
        django_request=request,
    )


@method_decorator(csrf_exempt, name="dispatch")  # Basic auth only: no cookie to forge with.
class XAPIView(View):
    """Base of every xAPI resource view."""

    http_method_names = ["get", "put", "post", "delete", "head", "options"]
    # Set to False on resources open without credentials or version (only /xapi/about).
    requires_auth = True
    requires_version = True

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        """Normalise, check version and credentials, call the handler, add common headers."""
        if request.method == "OPTIONS":
            return self._finish(HttpResponse(status=204))
        try:
            xreq = self._normalise(request)
            handler = getattr(self, xreq.method.lower() if xreq.method != "HEAD" else "get", None)
            if handler is None or xreq.method.lower() not in self.http_method_names:
                raise XAPIError(405, f"{xreq.method} is not allowed on this resource")
            if self.requires_version:
                self._check_version(xreq)
            if self.requires_auth:
                xreq.client = authenticate(xreq.headers.get("authorization"))
                if xreq.client is None:
                    raise XAPIError(
                        401,
                        "valid HTTP Basic credentials of an LRS client are required",
                        {"WWW-Authenticate": 'Basic realm="xAPI"'},
                    )
            response = handler(xreq, *args, **kwargs)
        except XAPIValidationError as exc:
            response = error_response(400, str(exc))
        except XAPIError as exc:
            response = error_response(exc.status, exc.message)
            for name, value in exc.headers.items():
                response[name] = value
        if request.method == "HEAD":
            length = len(response.content) if not response.streaming else None
            response.content = b""
            if length is not None:
                response["Content-Length"] = str(length)
        return self._finish(response)

    def _normalise(self, request: HttpRequest) -> XAPIRequest:
        query = _single_valued(parse_qsl(request.META.get("QUERY_STRING", ""), True), "query")
        if request.method == "POST" and "method" in query:
            return _alternate_request(request, query)
        return _plain_request(request)

    def _check_version(self, xreq: XAPIRequest) -> None:
        version = xreq.headers.get("x-experience-api-version")
        if not version:
            raise XAPIError(400, "the X-Experience-API-Version header is required")
        if not version.startswith(SUPPORTED_VERSION_PREFIX) or version.count(".") != 2:
            raise XAPIError(400, f"X-Experience-API-Version {version!r} is not supported")

    def _finish(self, response: HttpResponse) -> HttpResponse:
        response["X-Experience-API-Version"] = XAPI_VERSION
        # RFC 9110 §6.6.1: a server with a clock sends Date (Daphne does not). Clients compare
        # X-Experience-API-Consistent-Through with it.
        if not response.has_header("Date"):
            response["Date"] = http_date()
        for name, value in CORS_HEADERS.items():
            response.setdefault(name, value)
        return response

    def require_scope(self, xreq: XAPIRequest, *scopes: str) -> None:
        """Refuse (403) a client that holds none of ``scopes``."""
        if xreq.client is None or not xreq.client.has_any_scope(*scopes):
            wanted = " or ".join(scopes)
            raise XAPIError(403, f"this client lacks the scope needed here ({wanted})")
