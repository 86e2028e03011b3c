"""Forwarding stored statements to external LRSs through a durable outbox.

An académie may want every statement Campus stores to reach its own LRS too (Ralph, Learning
Locker…). Sending during the request would make Campus as slow and as fragile as that LRS, so:

1. :func:`forwarding_enqueue` writes one :class:`~lrs.models.ForwardedStatement` row per
   statement and per configured target *inside the transaction that stores the statements*:
   either both are committed or neither is, so a crash loses nothing and sends nothing
   that was rolled back. After commit it schedules the background task (:mod:`lrs.tasks`).
2. :func:`forwarding_send_due` claims due rows, sends them in batches with the target's
   backend, marks them sent, or records the error and retries later with exponential
   back-off (30 s, 1 min, 2 min… capped at 1 h). A target that is down only delays delivery.

Delivery is at least once: a worker that dies after sending but before marking rows sent
sends them again later, which xAPI makes harmless (a statement id the target already holds
is answered 204/200 when identical, 409 otherwise, and both count as sent here).

Targets are configured in ``settings.LRS_FORWARD_TARGETS`` (empty: forwarding off)::

    LRS_FORWARD_TARGETS = {
        "default": {
            "BACKEND": "lrs.forwarding.HTTPForwarder",
            "URL": "https://lrs.example.org/xAPI",  # the xAPI endpoint, without /statements
            "USERNAME": "key", "PASSWORD": "secret", "TIMEOUT": 10, "BATCH_SIZE": 100,
        }
    }

The key ("default") is stored on each outbox row: renaming a target orphans its pending rows.
A backend is any :class:`BaseForwarder` subclass, chosen with ``import_string`` as richie's
``apps/courses/lms`` chooses its LMS backends.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import logging
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F, Min
from django.utils import timezone
from django.utils.module_loading import import_string

from lrs.models import Attachment, ForwardedStatement, ForwardStatus, Statement

logger = logging.getLogger(__name__)

XAPI_VERSION = "1.0.3"
DEFAULT_BACKEND = "lrs.forwarding.HTTPForwarder"
BACKOFF_BASE_SECONDS = 30
BACKOFF_MAX_SECONDS = 3600
# A claimed row is not due again before this: long enough for one send (timeout included),
# short enough that a worker killed mid-send delays its rows by a minute only.
LEASE_SECONDS = 60
# Cache keys that keep the task from being queued once per stored batch (see forwarding_schedule).
SCHEDULED_KEY = "lrs:forwarding:scheduled"
RETRY_KEY = "lrs:forwarding:retry-at"
SCHEDULED_TTL_SECONDS = 60
_MAX_ERROR_LENGTH = 2000
_UNSENT = (ForwardStatus.PENDING, ForwardStatus.FAILED)


class ForwardingError(Exception):
    """The target could not take the batch at all (unreachable, 5xx, refused credentials)."""


# --- Backends -------------------------------------------------------------------------------


class BaseForwarder:
    """A way of delivering statements to one external LRS, configured by a settings entry.

    Subclasses implement :meth:`send`. ``options`` is the target's settings dict (upper-case
    keys); ``BATCH_SIZE`` (default 100) bounds how many statements one :meth:`send` gets.
    """

    def __init__(self, name: str, options: dict[str, Any]) -> None:
        self.name = name
        self.options = options
        self.batch_size = int(options.get("BATCH_SIZE", 100))

    def send(self, statements: list[dict[str, Any]]) -> dict[str, str]:
        """Deliver stored statements; return ``{statement id: error}`` for those refused.

        A statement absent from the returned mapping was delivered (or the target already held
        it). Raise :class:`ForwardingError` when the whole batch failed (the target is down):
        the caller then retries the batch later and stops sending to this target for now.
        """
        raise NotImplementedError


class HTTPForwarder(BaseForwarder):
    """POSTs batches to another LRS's Statements resource (xAPI 1.0.3 Communication §2.1).

    HTTP Basic auth, ``X-Experience-API-Version: 1.0.3``, stdlib ``urllib`` only. Attachments
    whose content Campus holds (no ``fileUrl``) travel in a ``multipart/mixed`` body as §2.1.2
    requires. When the target refuses a batch with 400 or 409, one statement is the cause and
    the others must not wait for it: each statement is then PUT on its own, and a 409 for a
    statement means the target already holds that id, which counts as delivered.
    """

    def __init__(self, name: str, options: dict[str, Any]) -> None:
        super().__init__(name, options)
        url = str(options.get("URL") or "").rstrip("/")
        if urlsplit(url).scheme not in ("http", "https"):
            raise ValueError(f"LRS forwarding target {name!r}: URL must be http(s), got {url!r}")
        self.statements_url = f"{url}/statements"
        self.timeout = float(options.get("TIMEOUT", 10))
        username, password = options.get("USERNAME") or "", options.get("PASSWORD") or ""
        self.authorization = (
            "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
            if username or password
            else ""
        )

    def send(self, statements: list[dict[str, Any]]) -> dict[str, str]:
        """POST the batch; on a 400/409 fall back to one PUT per statement (see the class)."""
        if not statements:
            return {}
        contents = _attachment_contents(statements)
        body, content_type = _request_body(statements, contents)
        status, text = self._request("POST", self.statements_url, body, content_type)
        if status in (200, 204):
            return {}
        if status in (400, 409):
            return self._send_each(statements, contents)
        raise ForwardingError(f"POST {self.statements_url}: HTTP {status} {text}")

    def _send_each(
        self, statements: list[dict[str, Any]], contents: dict[str, tuple[str, bytes]]
    ) -> dict[str, str]:
        """PUT statements one by one (Communication §2.1.1); collect the ones refused."""
        failures: dict[str, str] = {}
        for statement in statements:
            statement_id = statement["id"]
            body, content_type = _request_body(statement, contents)
            url = f"{self.statements_url}?statementId={quote(statement_id)}"
            status, text = self._request("PUT", url, body, content_type)
            if status in (200, 204, 409):
                continue
            if status in (401, 403) or status >= 500:
                raise ForwardingError(f"PUT {url}: HTTP {status} {text}")
            failures[statement_id] = f"PUT {url}: HTTP {status} {text}"
        return failures

    def _request(self, method: str, url: str, body: bytes, content_type: str) -> tuple[int, str]:
        """Send one request; return the status and the start of the body (errors included)."""
        headers = {"Content-Type": content_type, "X-Experience-API-Version": XAPI_VERSION}
        if self.authorization:
            headers["Authorization"] = self.authorization
        # The URL's scheme is checked (http or https) in __init__: no file:// or custom opener.
        request = urllib.request.Request(url, data=body, method=method, headers=headers)  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                return response.status, response.read(500).decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read(500).decode("utf-8", "replace")
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            raise ForwardingError(f"{method} {url}: {reason}") from exc


def _attachment_contents(statements: list[dict[str, Any]]) -> dict[str, tuple[str, bytes]]:
    """Content type and bytes of the attachments sent inline (those without a fileUrl)."""
    wanted = {
        attachment["sha2"]
        for statement in statements
        for attachment in statement.get("attachments", ())
        if "fileUrl" not in attachment
    }
    if not wanted:
        return {}
    return {
        sha2: (content_type, bytes(content))
        for sha2, content_type, content in Attachment.objects.filter(sha2__in=wanted).values_list(
            "sha2", "content_type", "content"
        )
    }


def _request_body(
    statements: dict[str, Any] | list[dict[str, Any]], contents: dict[str, tuple[str, bytes]]
) -> tuple[bytes, str]:
    """The JSON body, or a multipart/mixed one when attachments travel inline (§2.1.2)."""
    document = json.dumps(statements, ensure_ascii=False, separators=(",", ":")).encode()
    batch = statements if isinstance(statements, list) else [statements]
    hashes = [
        attachment["sha2"]
        for statement in batch
        for attachment in statement.get("attachments", ())
        if attachment["sha2"] in contents
    ]
    if not hashes:
        return document, "application/json"
    boundary = uuid.uuid4().hex
    parts = [
        f"--{boundary}\r\nContent-Type: application/json\r\n\r\n".encode() + document + b"\r\n"
    ]
    for sha2 in dict.fromkeys(hashes):  # Each content once, in order of appearance.
        content_type, content = contents[sha2]
        head = (
            f"--{boundary}\r\nContent-Type: {content_type}\r\n"
            f"Content-Transfer-Encoding: binary\r\nX-Experience-API-Hash: {sha2}\r\n\r\n"
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f'multipart/mixed; boundary="{boundary}"'


# --- Configuration --------------------------------------------------------------------------


def forward_targets() -> dict[str, dict[str, Any]]:
    """The configured targets by name (``settings.LRS_FORWARD_TARGETS``); empty when off."""
    return dict(getattr(settings, "LRS_FORWARD_TARGETS", None) or {})


def get_forwarder(name: str) -> BaseForwarder:
    """Instantiate the backend of the target called ``name``."""
    options = forward_targets()[name]
    backend = import_string(options.get("BACKEND") or DEFAULT_BACKEND)
    return backend(name, options)


def backoff_delay(attempts: int) -> dt.timedelta:
    """How long to wait after the ``attempts``-th failed attempt: 30 s * 2^(n-1), at most 1 h."""
    exponent = max(attempts - 1, 0)
    if exponent >= 20:  # Far past the cap; keeps 2**n small.
        return dt.timedelta(seconds=BACKOFF_MAX_SECONDS)
    return dt.timedelta(seconds=min(BACKOFF_BASE_SECONDS * 2**exponent, BACKOFF_MAX_SECONDS))


# --- Services -------------------------------------------------------------------------------


def forwarding_enqueue(*, statement_pks: Iterable[int]) -> int:
    """Put statements in the outbox of every configured target; return the rows written.

    Call it inside the transaction that stores the statements (``statement_store``): the rows
    commit or roll back with them. Rows already present (a statement stored once, enqueued
    twice) are left alone. After commit, the sending task is scheduled.
    """
    targets = list(forward_targets())
    pks = list(dict.fromkeys(statement_pks))
    if not targets or not pks:
        return 0
    now = timezone.now()
    rows = [
        ForwardedStatement(statement_id=pk, target=target, next_attempt_at=now)
        for pk in pks
        for target in targets
    ]
    ForwardedStatement.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
    transaction.on_commit(forwarding_schedule)
    return len(rows)


def forwarding_schedule(*, run_after: dt.datetime | None = None) -> None:
    """Queue the sending task, at most once at a time (or once per retry instant).

    Storing 3,000 statements/s in batches of 100 would otherwise queue 30 tasks a second that
    all find the same rows. A cache key marks "a task is queued" (the task clears it when it
    starts); without a shared cache each process debounces on its own, which is still correct:
    duplicate tasks only find nothing left to claim. A failure to queue is logged and not
    raised: the rows are committed, and the next batch or ``manage.py lrs_forward`` sends them.
    """
    # Imported here: lrs.tasks imports this module.
    from lrs.tasks import forward_statements

    task = forward_statements
    if run_after is None:
        if not cache.add(SCHEDULED_KEY, True, timeout=SCHEDULED_TTL_SECONDS):
            return
    else:
        if not task.get_backend().supports_defer:
            return  # e.g. the immediate backend of tests; the next run retries them.
        queued = cache.get(RETRY_KEY)
        if queued is not None and queued <= run_after:
            return  # A run at or before this instant is already queued.
        delay = (run_after - timezone.now()).total_seconds()
        cache.set(RETRY_KEY, run_after, timeout=max(int(delay) + 1, 1))
        task = task.using(run_after=run_after)
    try:
        task.enqueue()
    except Exception:
        logger.exception("could not queue the LRS forwarding task")
        cache.delete(SCHEDULED_KEY if run_after is None else RETRY_KEY)


def forwarding_send_due(*, limit: int = 500) -> tuple[int, int]:
    """Send up to ``limit`` due outbox rows, target by target; return ``(sent, failed)``.

    A target that fails a whole batch (down, 5xx) is left alone until the next run: its other
    due rows keep their place instead of each waiting for a timeout.
    """
    sent = failed = 0
    for name in forward_targets():
        forwarder = get_forwarder(name)
        while sent + failed < limit:
            size = min(forwarder.batch_size, limit - sent - failed)
            entries = _claim(name, size)
            if not entries:
                break
            batch_sent, batch_failed, target_down = _deliver(forwarder, entries)
            sent, failed = sent + batch_sent, failed + batch_failed
            if target_down:
                break
    return sent, failed


def _claim(target: str, size: int) -> list[ForwardedStatement]:
    """Take up to ``size`` due rows of a target for this worker, oldest statements first.

    On PostgreSQL, ``SELECT … FOR UPDATE SKIP LOCKED`` lets several workers claim at once:
    a worker skips the rows another one is claiming instead of waiting for them (or sending
    them twice). The claim then pushes ``next_attempt_at`` forward by a lease and commits, so
    the rows stay invisible to other workers while this one sends them outside any
    transaction (no lock held during a slow HTTP call); a worker killed mid-send frees them
    when the lease ends. SQLite has no row locks, but Campus opens its SQLite transactions
    with BEGIN IMMEDIATE (settings), which serialises claims between processes just as well.
    """
    now = timezone.now()
    with transaction.atomic():
        due = ForwardedStatement.objects.filter(
            target=target, status__in=_UNSENT, next_attempt_at__lte=now
        ).order_by("next_attempt_at", "statement_id")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        entries = list(due[:size])
        if entries:
            ForwardedStatement.objects.filter(pk__in=[entry.pk for entry in entries]).update(
                next_attempt_at=now + dt.timedelta(seconds=LEASE_SECONDS)
            )
    return entries


def _deliver(forwarder: BaseForwarder, entries: list[ForwardedStatement]) -> tuple[int, int, bool]:
    """Send claimed rows and record each outcome; return ``(sent, failed, target_down)``."""
    payloads = dict(
        Statement.objects.filter(pk__in=[entry.statement_id for entry in entries]).values_list(
            "pk", "payload"
        )
    )
    statements = [payloads[entry.statement_id] for entry in entries]
    target_down = False
    try:
        failures = forwarder.send(statements)
    except ForwardingError as exc:
        target_down = True
        failures = {statement["id"]: str(exc) for statement in statements}
    except Exception as exc:
        # A bug in a backend must not leave rows leased forever without a trace.
        logger.exception("LRS forwarding backend %r failed", forwarder.name)
        target_down = True
        failures = {statement["id"]: f"{type(exc).__name__}: {exc}" for statement in statements}
    now = timezone.now()
    sent_pks, failed_entries = [], []
    for entry, statement in zip(entries, statements, strict=True):
        error = failures.get(statement["id"])
        if error is None:
            sent_pks.append(entry.pk)
            continue
        entry.attempts += 1
        entry.status = ForwardStatus.FAILED
        entry.last_error = error[:_MAX_ERROR_LENGTH]
        entry.next_attempt_at = now + backoff_delay(entry.attempts)
        failed_entries.append(entry)
    if sent_pks:
        ForwardedStatement.objects.filter(pk__in=sent_pks).update(
            status=ForwardStatus.SENT, sent_at=now, attempts=F("attempts") + 1, last_error=""
        )
    if failed_entries:
        ForwardedStatement.objects.bulk_update(
            failed_entries, ["attempts", "status", "last_error", "next_attempt_at"]
        )
        logger.warning(
            "LRS forwarding to %r: %d statement(s) not sent: %s",
            forwarder.name,
            len(failed_entries),
            failed_entries[0].last_error,
        )
    return len(sent_pks), len(failed_entries), target_down


def forwarding_retry(*, entry_pks: Iterable[int]) -> int:
    """Make unsent outbox rows due now (the admin's "retry now"); return how many."""
    count = ForwardedStatement.objects.filter(pk__in=list(entry_pks), status__in=_UNSENT).update(
        next_attempt_at=timezone.now()
    )
    if count:
        transaction.on_commit(forwarding_schedule)
    return count


def next_retry_at() -> dt.datetime | None:
    """When the earliest unsent row falls due (None when the outbox is empty)."""
    return ForwardedStatement.objects.filter(status__in=_UNSENT).aggregate(
        at=Min("next_attempt_at")
    )["at"]
