"""Reads of the Learning Record Store: one statement, or a filtered page of statements.

Communication §2.1.3 GET Statements. Pages are cut by keyset over ``(stored, seq)``, never by
OFFSET: the `more` cursor holds the last position returned, so reading page 10,000 costs what
page 1 costs, and statements stored meanwhile neither shift nor repeat a page.

A filtered query is driven by the table whose index answers it in order: the agent side table
for ``agent``, the activity side table for ``activity``, the statement table otherwise (its
verb, registration and stored indexes); each side table repeats ``stored`` for that purpose.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core import signing
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from lrs.auth import AuthenticatedClient, ifi_key
from lrs.models import Scope, Statement, StatementActivity, StatementAgent

# Communication §2.1.3 `limit`: "0 indicates return the maximum the server will allow".
MAX_LIMIT = 100
# Filters that, per Communication §2.1.4, also select the statements targeting a match.
_TARGET_FILTERS = ("agent", "verb", "activity", "registration")
_CURSOR_SALT = "lrs.statements.more"


@dataclass(frozen=True)
class Position:
    """Where a page ended: the ``stored`` instant and ``seq`` of its last statement."""

    stored: datetime
    seq: int


@dataclass(frozen=True)
class StatementPage:
    """A page of statements (payloads as stored) and where the next one starts, if any."""

    statements: list[dict[str, Any]]
    next_position: Position | None
    last_stored: datetime | None


def _mine(client: AuthenticatedClient | None, prefix: str = "") -> dict[str, Any]:
    """Restrict a client holding only statements/read/mine to the statements it vouched for."""
    # Communication §4.2 scopes: statements/read/mine reads "statements written by this client".
    if client is None or client.has_any_scope(Scope.STATEMENTS_READ, Scope.ALL_READ):
        return {}
    if client.authority_ifi:
        return {f"{prefix}authority_ifi": client.authority_ifi}
    return {f"{prefix}client_id": client.id}


def consistent_through() -> datetime:
    """The instant up to which every stored statement is visible to queries.

    Statements are written synchronously and visible once their batch commits, so this is now.
    """
    # Communication §2.1.3: X-Experience-API-Consistent-Through.
    return timezone.now()


def statement_get(
    *, statement_id: str, voided: bool = False, client: AuthenticatedClient | None = None
) -> Statement | None:
    """The statement with this id, or None; a voided one only when ``voided`` is true."""
    # Communication §2.1.3: statementId never returns a voided statement; voidedStatementId
    # only returns a voided one (Data §2.3.2).
    return (
        Statement.objects.filter(
            statement_id=uuid.UUID(statement_id), voided=voided, **_mine(client)
        )
        .only("payload", "stored")
        .first()
    )


def _driver(filters: Mapping[str, Any]) -> tuple[QuerySet, str, str]:
    """The queryset answering the main filter, its prefix to Statement and its seq field."""
    agent, activity = filters.get("agent"), filters.get("activity")
    if agent is not None:
        # Communication §2.1.3 `agent` (Actor or Object), `related_agents` (anywhere).
        qs = StatementAgent.objects.filter(ifi=ifi_key(agent))
        if not filters.get("related_agents"):
            qs = qs.filter(direct=True)
        if activity is not None:
            qs = qs.filter(statement__activities__activity_id=activity)
            if not filters.get("related_activities"):
                qs = qs.filter(statement__activities__direct=True)
        return qs, "statement__", "statement"
    if activity is not None:
        # Communication §2.1.3 `activity` (Object), `related_activities` (anywhere).
        qs = StatementActivity.objects.filter(activity_id=activity)
        if not filters.get("related_activities"):
            qs = qs.filter(direct=True)
        return qs, "statement__", "statement"
    return Statement.objects.all(), "", "seq"


def _statement_filters(qs: QuerySet, filters: Mapping[str, Any], prefix: str) -> QuerySet:
    """Apply the filters on the statement itself (verb, registration)."""
    if "verb" in filters:
        qs = qs.filter(**{f"{prefix}verb_id": filters["verb"]})
    if "registration" in filters:
        qs = qs.filter(**{f"{prefix}registration": uuid.UUID(filters["registration"])})
    return qs


def _window(
    qs: QuerySet,
    filters: Mapping[str, Any],
    seq: str,
    after: Position | None,
    ascending: bool,
) -> QuerySet:
    """Apply since/until and the keyset position, then order."""
    # Communication §2.1.3: since is exclusive, until inclusive, both on `stored`.
    if "since" in filters:
        qs = qs.filter(stored__gt=filters["since"])
    if "until" in filters:
        qs = qs.filter(stored__lte=filters["until"])
    if after is not None:
        # The redundant `stored` bound lets the database read one index range.
        if ascending:
            qs = qs.filter(
                Q(stored__gte=after.stored)
                & (Q(stored__gt=after.stored) | Q(**{f"{seq}__gt": after.seq}))
            )
        else:
            qs = qs.filter(
                Q(stored__lte=after.stored)
                & (Q(stored__lt=after.stored) | Q(**{f"{seq}__lt": after.seq}))
            )
    direction = "" if ascending else "-"
    return qs.order_by(f"{direction}stored", f"{direction}{seq}")


def statements_query(
    *,
    filters: Mapping[str, Any],
    client: AuthenticatedClient | None = None,
    after: Position | None = None,
    limit: int = 0,
) -> StatementPage:
    """A page of the statements matching GET /statements filters, newest first by default.

    ``filters`` holds the parsed parameters of :func:`lrs.xapi.formats.validate_statement_query`
    (agent, verb, activity, registration, related_activities, related_agents, since, until,
    ascending). Voided statements are left out; statements targeting a matching statement
    through a StatementRef are included (Communication §2.1.4). Two queries at most.
    """
    limit = MAX_LIMIT if limit <= 0 else min(limit, MAX_LIMIT)
    ascending = bool(filters.get("ascending"))
    driver, prefix, seq = _driver(filters)
    matching = _statement_filters(driver, filters, prefix)
    page = _window(
        matching.filter(**{f"{prefix}voided": False}, **_mine(client, prefix)),
        filters,
        seq,
        after,
        ascending,
    )
    rows = list(page.values_list(seq, "stored", f"{prefix}payload")[: limit + 1])
    if any(name in filters for name in _TARGET_FILTERS):
        rows = _merge(rows, _referring_rows(matching, filters, client, prefix, after, limit))
        if not ascending:
            rows.reverse()
        rows = rows[: limit + 1]
    next_position = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_position = Position(stored=rows[-1][1], seq=rows[-1][0])
    return StatementPage(
        statements=[payload for _seq, _stored, payload in rows],
        next_position=next_position,
        last_stored=max((stored for _seq, stored, _p in rows), default=None),
    )


def _merge(rows: list[tuple], more_rows: list[tuple]) -> list[tuple]:
    """Both row lists, without duplicates, in ascending (stored, seq) order."""
    merged = {row[0]: row for row in rows}
    merged.update((row[0], row) for row in more_rows)
    return sorted(merged.values(), key=lambda row: (row[1], row[0]))


def _referring_rows(
    matching: QuerySet,
    filters: Mapping[str, Any],
    client: AuthenticatedClient | None,
    prefix: str,
    after: Position | None,
    limit: int,
) -> list[tuple]:
    """The unvoided statements whose StatementRef targets a statement matching the filters."""
    # Communication §2.1.4 Filter Conditions for StatementRefs: statements that target a
    # statement matching agent/verb/activity/registration (voided or not) are returned too;
    # since, until and limit apply to the referring statements themselves.
    target = matching.filter(**{f"{prefix}statement_id": OuterRef("object_statement_id")})
    if prefix:
        # The side table repeats `stored`: matching it keeps the probe on one index entry.
        target = target.filter(stored=F("statement__stored"))
    referring = Statement.objects.filter(
        Exists(target), object_statement_id__isnull=False, voided=False, **_mine(client)
    )
    ascending = bool(filters.get("ascending"))
    page = _window(referring, filters, "seq", after, ascending)
    return list(page.values_list("seq", "stored", "payload")[: limit + 1])


def cursor_dumps(params: Mapping[str, str], position: Position) -> str:
    """An opaque, signed `more` token: the original query parameters and where to resume."""
    return signing.dumps(
        {"p": dict(params), "s": position.stored.isoformat(), "n": position.seq},
        salt=_CURSOR_SALT,
        compress=True,
    )


def cursor_loads(token: str) -> tuple[dict[str, str], Position]:
    """Decode a `more` token; raise ``ValueError`` when it is not one of ours."""
    try:
        data = signing.loads(token, salt=_CURSOR_SALT)
        return dict(data["p"]), Position(
            stored=datetime.fromisoformat(data["s"]), seq=int(data["n"])
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise ValueError("not a valid 'more' token") from exc
