"""Writes of the Learning Record Store: storing statements.

:func:`statement_store` stores a batch of statements atomically (all or nothing), after small
enrich steps that each implement one rule of the xAPI 1.0.3 Data part (links in comments):
id, stored, timestamp, authority and version. It keeps statements immutable, applies voiding,
writes the side tables GET filters read, upserts the canonical Activity definitions and
announces the batch through :mod:`lrs.signals`.

Speed matters (an LRS ingests in bulk): a batch costs a fixed number of queries whatever its
size: one existence query, one ``bulk_create`` per table, and one or two voiding queries.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from lrs.auth import AuthenticatedClient, ifi_key
from lrs.forwarding import forwarding_enqueue
from lrs.models import Activity, Attachment, Statement, StatementActivity, StatementAgent
from lrs.signals import statements_stored
from lrs.xapi.common import format_timestamp, parse_timestamp
from lrs.xapi.statements import statements_equivalent, validate_statements
from lrs.xapi.verbs import VOIDED_VERB_ID

logger = logging.getLogger(__name__)

DEFAULT_VERSION = "1.0.0"
# Language maps of an Activity definition, merged rather than replaced on upsert.
_DEFINITION_LANGUAGE_MAPS = ("name", "description")


class StatementStoreError(Exception):
    """A batch the LRS refuses to store as a whole."""


class StatementConflictError(StatementStoreError):
    """A statement reuses the id of a stored statement with different content (409)."""


class VoidingError(StatementStoreError):
    """A voiding statement targets another voiding statement (400)."""


# --- Enrich steps --------------------------------------------------------------------------


def _now() -> datetime:
    """The current instant truncated to milliseconds, the precision ``stored`` is shown at."""
    # Truncated so that the `stored` column equals the `stored` string returned to clients:
    # `since`/`until` then agree with what the client sees.
    now = timezone.now()
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def _assign_id(statement: dict[str, Any]) -> None:
    """Give the statement a UUID when the client did not."""
    # Data §2.4.1 Id: "If the Statement does not include an id, the LRS MUST generate one"
    # (a UUID, variant 2 version 4 recommended).
    # https://github.com/adlnet/xAPI-Spec/blob/master/xAPI-Data.md#241-id
    if "id" not in statement:
        statement["id"] = str(uuid.uuid4())


def _assign_stored(statement: dict[str, Any], stored: datetime) -> None:
    """Set ``stored``, the same instant for the whole batch, overwriting any given value."""
    # Data §2.4.8 Stored: "set by the LRS", overwritten if present.
    # https://github.com/adlnet/xAPI-Spec/blob/master/xAPI-Data.md#248-stored
    statement["stored"] = format_timestamp(stored)


def _assign_timestamp(statement: dict[str, Any]) -> None:
    """Default ``timestamp`` to ``stored`` when absent."""
    # Data §2.4.7 Timestamp: "If not provided, LRS should set this to the value of stored
    # time." https://github.com/adlnet/xAPI-Spec/blob/master/xAPI-Data.md#247-timestamp
    statement.setdefault("timestamp", statement["stored"])


def _assign_authority(statement: dict[str, Any], authority: dict | None) -> None:
    """Set ``authority`` to the agent vouching for the statement (the client's)."""
    # Data §2.4.9 Authority: "The LRS SHOULD overwrite the authority on all Statements it
    # stores, based on the credentials used to send the Statement."
    # https://github.com/adlnet/xAPI-Spec/blob/master/xAPI-Data.md#249-authority
    # Without credentials (an in-process caller passing no authority) a given one is kept.
    if authority is not None:
        statement["authority"] = authority


def _assign_version(statement: dict[str, Any]) -> None:
    """Default ``version`` to 1.0.0 when absent."""
    # Data §2.4.10 Version: "If not included, the LRS SHOULD set this to 1.0.0".
    # https://github.com/adlnet/xAPI-Spec/blob/master/xAPI-Data.md#2410-version
    statement.setdefault("version", DEFAULT_VERSION)


def statement_enrich(
    statement: dict[str, Any], *, stored: datetime, authority: dict | None
) -> dict[str, Any]:
    """Return a copy of a valid statement with every LRS-set property filled in."""
    out = dict(statement)
    _assign_id(out)
    _assign_stored(out, stored)
    _assign_timestamp(out)
    _assign_authority(out, authority)
    _assign_version(out)
    return out


# --- What a statement mentions (side tables) -------------------------------------------------


def _object_type(target: dict[str, Any]) -> str:
    return target.get("objectType", "Activity")


def _statement_agents(statement: dict[str, Any]) -> dict[str, bool]:
    """The IFIs a statement mentions, each with whether it is its actor or object."""
    # Communication §2.1.3 GET Statements: `agent` matches the Actor or the Object;
    # `related_agents` also matches Authority, Instructor, Team, and those in a SubStatement.
    found: dict[str, bool] = {}

    def add(agent: dict[str, Any], direct: bool) -> None:
        key = ifi_key(agent)
        if key:
            found[key] = found.get(key, False) or direct
        for member in agent.get("member", ()):
            add(member, False)

    def add_context(context: dict[str, Any]) -> None:
        for key in ("instructor", "team"):
            if key in context:
                add(context[key], False)

    add(statement["actor"], True)
    target = statement["object"]
    object_type = _object_type(target)
    if object_type in ("Agent", "Group"):
        add(target, True)
    add_context(statement.get("context", {}))
    if "authority" in statement:
        add(statement["authority"], False)
    if object_type == "SubStatement":
        add(target["actor"], False)
        if _object_type(target["object"]) in ("Agent", "Group"):
            add(target["object"], False)
        add_context(target.get("context", {}))
    return found


def _context_activities(context: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for value in context.get("contextActivities", {}).values():
        # Validation normalises each value to an array (Data §2.4.6.2).
        yield from value if isinstance(value, list) else [value]


def _statement_activities(statement: dict[str, Any]) -> Iterator[tuple[dict[str, Any], bool]]:
    """The activities a statement mentions, each with whether it is its object."""
    # Communication §2.1.3: `activity` matches the Object; `related_activities` also matches
    # the context Activities, and those in a SubStatement.
    target = statement["object"]
    object_type = _object_type(target)
    if object_type == "Activity":
        yield target, True
    yield from ((activity, False) for activity in _context_activities(statement.get("context", {})))
    if object_type == "SubStatement":
        if _object_type(target["object"]) == "Activity":
            yield target["object"], False
        yield from ((a, False) for a in _context_activities(target.get("context", {})))


# --- Immutability and voiding ----------------------------------------------------------------


def _new_statements(
    prepared: list[tuple[dict[str, Any], dict[str, Any]]],
) -> list[tuple[uuid.UUID, dict[str, Any]]]:
    """Drop the statements already stored with equivalent content; refuse different ones."""
    # Communication §2.1.1/§2.1.2 and Data §2.3.1: a stored statement is immutable; a
    # statement with a known id is ignored when it matches the stored one (204/200) and
    # refused with 409 Conflict when it does not. One query for the whole batch.
    by_id = {uuid.UUID(stored["id"]): (original, stored) for original, stored in prepared}
    existing = Statement.objects.filter(statement_id__in=list(by_id)).values_list(
        "statement_id", "payload"
    )
    for statement_id, payload in existing:
        original, _stored = by_id.pop(statement_id)
        if not statements_equivalent(payload, original):
            raise StatementConflictError(
                f"statement {statement_id} is already stored with different content"
            )
    return [(statement_id, stored) for statement_id, (_o, stored) in by_id.items()]


def _is_voiding(statement: dict[str, Any]) -> bool:
    return statement["verb"]["id"] == VOIDED_VERB_ID


def _voiding_targets(new: list[tuple[uuid.UUID, dict[str, Any]]]) -> set[uuid.UUID]:
    """The statements the batch voids, after refusing to void a voiding statement."""
    # Data §2.3.2 Voiding: a voiding statement's object is a StatementRef to the target;
    # "a Voiding Statement cannot Target another Voiding Statement". A target the LRS does
    # not (yet) hold is not a reason to refuse the voiding statement (nothing to void now).
    targets = {
        uuid.UUID(statement["object"]["id"]): statement
        for _id, statement in new
        if _is_voiding(statement)
    }
    if not targets:
        return set()
    in_batch = dict(new)
    voiding_targets = {
        statement_id
        for statement_id, verb_id in Statement.objects.filter(
            statement_id__in=list(targets)
        ).values_list("statement_id", "verb_id")
        if verb_id == VOIDED_VERB_ID
    }
    voiding_targets.update(t for t in targets if t in in_batch and _is_voiding(in_batch[t]))
    if voiding_targets:
        target = sorted(str(t) for t in voiding_targets)[0]
        raise VoidingError(f"statement {target} is a voiding statement and cannot be voided")
    return set(targets)


def _voided_by_earlier(new: list[tuple[uuid.UUID, dict[str, Any]]]) -> set[uuid.UUID]:
    """New statements an already stored voiding statement targets (voided on arrival)."""
    candidates = [statement_id for statement_id, s in new if not _is_voiding(s)]
    if not candidates:
        return set()
    return set(
        Statement.objects.filter(
            object_statement_id__in=candidates, verb_id=VOIDED_VERB_ID
        ).values_list("object_statement_id", flat=True)
    )


# --- Rows ------------------------------------------------------------------------------------


# Columns written per statement, in COPY order (the model's field names are the columns).
_STATEMENT_COLUMNS = (
    "seq",
    "statement_id",
    "payload",
    "verb_id",
    "object_activity_id",
    "object_statement_id",
    "registration",
    "timestamp",
    "stored",
    "voided",
    "authority_ifi",
    "client_id",
)
_SIDE_COLUMNS = ("statement_id", "direct", "stored")


def _statement_values(
    statement_id: uuid.UUID,
    statement: dict[str, Any],
    *,
    stored: datetime,
    voided: bool,
    client: AuthenticatedClient | None,
) -> dict[str, Any]:
    """The indexed columns of a statement row (all of them but ``seq``)."""
    target = statement["object"]
    object_type = _object_type(target)
    registration = statement.get("context", {}).get("registration")
    return {
        "statement_id": statement_id,
        "payload": statement,
        "verb_id": statement["verb"]["id"],
        "object_activity_id": target["id"] if object_type == "Activity" else "",
        "object_statement_id": uuid.UUID(target["id"]) if object_type == "StatementRef" else None,
        "registration": uuid.UUID(registration) if registration else None,
        "timestamp": parse_timestamp(statement["timestamp"], "timestamp"),
        "stored": stored,
        "voided": voided,
        "authority_ifi": ifi_key(statement["authority"]) if "authority" in statement else "",
        "client_id": client.id if client else None,
    }


def _copy(table: str, columns: tuple[str, ...], rows: Iterable[tuple]) -> None:
    """Write rows with PostgreSQL's COPY (several times faster than a multi-row INSERT)."""
    quote = connection.ops.quote_name
    sql = f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
    # wrap_database_errors: a duplicate id surfaces as Django's IntegrityError, as with INSERT.
    with connection.wrap_database_errors, connection.cursor() as cursor:
        with cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)


def _insert_statements(values: list[dict[str, Any]]) -> list[int]:
    """Insert statement rows; return their ``seq`` in order."""
    if connection.vendor == "postgresql":
        # Django's bulk_create quotes each JSON payload client-side inside an array literal,
        # which costs more than the database work; COPY streams the rows instead. The `seq`
        # values are drawn first so the side tables can point at them.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'seq')) FROM generate_series(1, %s)",
                [Statement._meta.db_table, len(values)],
            )
            seqs = [seq for (seq,) in cursor.fetchall()]
        _copy(
            Statement._meta.db_table,
            _STATEMENT_COLUMNS,
            (
                (seq, *(_copy_value(row[c]) for c in _STATEMENT_COLUMNS[1:]))
                for seq, row in zip(seqs, values, strict=True)
            ),
        )
        return seqs
    rows = Statement.objects.bulk_create([Statement(**row) for row in values])
    return [row.seq for row in rows]


def _copy_value(value: Any) -> Any:
    """A value as COPY takes it: JSON documents serialised, everything else as is."""
    return json.dumps(value) if isinstance(value, dict) else value


def _insert_side_rows(model: type, key: str, rows: list[tuple]) -> None:
    """Insert StatementAgent / StatementActivity rows given as (seq, key, direct, stored)."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        _copy(
            model._meta.db_table,
            (_SIDE_COLUMNS[0], key, *_SIDE_COLUMNS[1:]),
            rows,
        )
        return
    model.objects.bulk_create(
        [
            model(statement_id=seq, **{key: value}, direct=direct, stored=stored)
            for seq, value, direct, stored in rows
        ]
    )


def _merge_definition(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Merge a received Activity definition into the canonical one (language maps merged)."""
    merged = {**old, **new}
    for key in _DEFINITION_LANGUAGE_MAPS:
        if key in old and key in new:
            merged[key] = {**old[key], **new[key]}
    return merged


def _activities_upsert(statements: Iterable[dict[str, Any]]) -> None:
    """Fold the Activity definitions of a batch into the LRS's canonical definitions."""
    # Data §2.4.4.1 Activity Definition: the LRS keeps a canonical definition and "SHOULD
    # update" it from trusted sources; here every authenticated client is trusted and the
    # language maps are merged so that each language received survives.
    received: dict[str, dict[str, Any]] = {}
    for statement in statements:
        for activity, _direct in _statement_activities(statement):
            definition = activity.get("definition")
            if definition:
                key = activity["id"]
                received[key] = _merge_definition(received.get(key, {}), definition)
    if not received:
        return
    existing = dict(
        Activity.objects.filter(activity_id__in=list(received)).values_list(
            "activity_id", "definition"
        )
    )
    to_create, changed = [], {}
    for activity_id, definition in received.items():
        if activity_id not in existing:
            to_create.append(Activity(activity_id=activity_id, definition=definition))
            continue
        merged = _merge_definition(existing[activity_id], definition)
        if merged != existing[activity_id]:
            changed[activity_id] = merged
    if to_create:
        # A concurrent batch may create the same activity: its definition wins this race.
        Activity.objects.bulk_create(to_create, ignore_conflicts=True)
    if changed:
        # Rare (a definition gaining a language or a property): one UPDATE per activity.
        now = timezone.now()
        for activity_id, definition in changed.items():
            Activity.objects.filter(activity_id=activity_id).update(
                definition=definition, updated=now
            )


def _attachments_store(attachments: dict[str, tuple[str, bytes]]) -> None:
    """Keep attachment content, once per SHA-2 (the same file attached twice is one row)."""
    # Data §2.4.11 Attachments: content is identified by its SHA-2 hash.
    Attachment.objects.bulk_create(
        [
            Attachment(sha2=sha2, content_type=content_type, length=len(content), content=content)
            for sha2, (content_type, content) in attachments.items()
        ],
        ignore_conflicts=True,
    )


def _announce(statement_ids: list[str], statements: list[dict[str, Any]]) -> None:
    """Send ``statements_stored``; a failing receiver is logged, never the client's problem."""
    responses = statements_stored.send_robust(
        sender=Statement, statement_ids=statement_ids, statements=statements
    )
    for receiver, response in responses:
        if isinstance(response, Exception):
            logger.error("statements_stored receiver %r failed", receiver, exc_info=response)


# --- The service ---------------------------------------------------------------------------


def statement_store(
    *,
    statements: list[dict],
    client: AuthenticatedClient | None,
    authority: dict | None = None,
    attachments: dict[str, tuple[str, bytes]] | None = None,
    validated: bool = False,
) -> list[str]:
    """Store a batch of statements atomically and return their ids, in batch order.

    ``client`` is the LRS client sending them (None for an in-process caller); ``authority``
    overrides the client's authority agent. ``attachments`` maps a SHA-2 to the content type
    and bytes of attachment parts. Statements are validated unless ``validated`` says the
    caller already ran :func:`lrs.xapi.statements.validate_statements`.

    Raises :class:`lrs.xapi.errors.XAPIValidationError` (invalid statement),
    :class:`StatementConflictError` (known id, different content) or :class:`VoidingError`;
    then nothing of the batch is stored.
    """
    if not validated:
        statements = validate_statements(statements)
    if not statements:
        return []
    stored = _now()
    if authority is None and client is not None:
        authority = client.authority
    prepared = [
        (statement, statement_enrich(statement, stored=stored, authority=authority))
        for statement in statements
    ]
    with transaction.atomic():
        new = _new_statements(prepared)
        if new:
            _store_new(new, stored=stored, client=client)
        if attachments:
            _attachments_store(attachments)
    return [enriched["id"] for _original, enriched in prepared]


def _store_new(
    new: list[tuple[uuid.UUID, dict[str, Any]]],
    *,
    stored: datetime,
    client: AuthenticatedClient | None,
) -> None:
    """Write the rows of the statements not stored yet (inside the batch's transaction)."""
    voided = _voiding_targets(new) | _voided_by_earlier(new)
    values = [
        _statement_values(
            statement_id,
            statement,
            stored=stored,
            voided=statement_id in voided and not _is_voiding(statement),
            client=client,
        )
        for statement_id, statement in new
    ]
    try:
        seqs = _insert_statements(values)
    except IntegrityError:
        # Another request stored one of these ids between our existence query and now. No
        # savepoint needed: raising leaves the batch's atomic block, which rolls back.
        raise StatementConflictError("a statement of this batch was stored concurrently") from None
    targets_stored = voided - {statement_id for statement_id, _s in new}
    if targets_stored:
        # Data §2.3.2: the target is voided, unless it is itself a voiding statement (refused
        # above) — the flag keeps it out of GET results except by voidedStatementId.
        Statement.objects.filter(statement_id__in=targets_stored).update(voided=True)
    payloads = [statement for _id, statement in new]
    agents, activities = [], []
    for seq, statement in zip(seqs, payloads, strict=True):
        agents.extend(
            (seq, ifi, direct, stored) for ifi, direct in _statement_agents(statement).items()
        )
        mentioned: dict[str, bool] = {}
        for activity, direct in _statement_activities(statement):
            mentioned[activity["id"]] = mentioned.get(activity["id"], False) or direct
        activities.extend((seq, key, direct, stored) for key, direct in mentioned.items())
    _insert_side_rows(StatementAgent, "ifi", agents)
    _insert_side_rows(StatementActivity, "activity_id", activities)
    _activities_upsert(payloads)
    statement_ids = [statement["id"] for statement in payloads]
    # The outbox rows commit or roll back with the statements: nothing stored is ever lost to
    # an external LRS that is down, and nothing rolled back is ever forwarded.
    forwarding_enqueue(statement_pks=seqs)
    transaction.on_commit(lambda: _announce(statement_ids, payloads))
