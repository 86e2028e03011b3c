"""Writes on the career-recognition record: entries reported by the apps, share links.

The record (« Mon dossier de formation et de reconnaissance ») is never typed in: the apps
report what happened (a module completed, a resource published, a review written…) with
:func:`entry_record`, in plain values, so ``campus`` imports none of them. Each report names
its event with a ``source_key`` (« courses.enrolment:42 »): the entry's unique (user,
source_key) makes a repeated report land once. Entries are never deleted; an event that no
longer stands (a resource withdrawn) is marked with :func:`entry_withdraw`.

Share links (:func:`share_create`, :func:`share_revoke`) are the teacher's own acts: keyword-only,
transactional, with an explicit ``actor``; PermissionDenied for what is not theirs,
:class:`RecognitionError` (a message shown as is) for what the guards refuse.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from campus.models import (
    CompetenceItem,
    EntryKind,
    RecordEntry,
    RecordShare,
    TrainingModality,
)
from campus.services_attestations import attestations_revoke_for_entry
from campus.services_credentials import credentials_revoke_for_entry

if TYPE_CHECKING:
    from campus.models import User

# What a report may say besides its kind, key, title and date (RecordEntry's other columns).
FACTS = frozenset(
    {
        "summary",
        "started_on",
        "modality",
        "distance_minutes",
        "in_person_minutes",
        "result",
        "issuer",
        "competence_items",
        "evidence_url",
        "statement_ids",
        "details",
    }
)
SOURCE_KEY_MAX = RecordEntry._meta.get_field("source_key").max_length
LABEL_MAX = RecordShare._meta.get_field("label").max_length
REASON_MAX = 300


class RecognitionError(Exception):
    """A write on the record the guards refuse; the message is shown to the user as is."""


# --- Checking a report -------------------------------------------------------------------------


def _fit(field: str, value: str) -> str:
    """The text stripped and shortened to the column's length (an ellipsis marks the cut).

    Titles come from other apps' own limits (a Wagtail title holds 255 characters): a long one
    is shortened rather than refused, so that a completion is never lost to a title.
    """
    limit = RecordEntry._meta.get_field(field).max_length
    return Truncator(str(value).strip()).chars(limit) if limit else str(value).strip()


def _competence_items(values: Iterable[CompetenceItem | str]) -> list[CompetenceItem]:
    """Items given as objects or codes (« A.1-3 »); ValueError for an unknown or ambiguous code."""
    items: list[CompetenceItem] = []
    codes: list[str] = []
    for value in values:
        if isinstance(value, CompetenceItem):
            items.append(value)
        elif isinstance(value, str) and value.strip():
            codes.append(value.strip())
        else:
            raise ValueError(f"competence items are CompetenceItem objects or codes, not {value!r}")
    if codes:
        found: dict[str, list[CompetenceItem]] = {}
        for item in CompetenceItem.objects.filter(code__in=codes):
            found.setdefault(item.code, []).append(item)
        unknown = sorted(set(codes) - found.keys())
        if unknown:
            raise ValueError(f"unknown competence item codes: {', '.join(unknown)}")
        ambiguous = sorted(code for code in set(codes) if len(found[code]) > 1)
        if ambiguous:
            raise ValueError(
                f"competence item codes found in several frameworks: {', '.join(ambiguous)}; "
                "give the CompetenceItem objects"
            )
        items += [found[code][0] for code in codes]
    return list({item.pk: item for item in items}.values())


def _minutes(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{name} must be a whole number of minutes, 0 or more, not {value!r}")
    return value


def _evidence_url(value: str) -> str:
    """A page of Campus (« /… ») or an http(s) address; ValueError for anything else."""
    value = value.strip()
    if not value:
        return ""
    is_path = value.startswith("/") and not value.startswith(("//", "/\\"))
    if not (is_path or value.startswith(("https://", "http://"))):
        raise ValueError(f"evidence_url must be a site path or an http(s) URL, not {value!r}")
    if len(value) > RecordEntry._meta.get_field("evidence_url").max_length:
        raise ValueError("evidence_url is longer than 500 characters")
    return value


def _started_on(value: dt.date | dt.datetime | None) -> dt.date | None:
    if value is None or (isinstance(value, dt.date) and not isinstance(value, dt.datetime)):
        return value
    if isinstance(value, dt.datetime):
        if timezone.is_naive(value):
            raise ValueError("started_on must be a date or a timezone-aware datetime")
        return timezone.localdate(value)
    raise ValueError(f"started_on must be a date, not {value!r}")


def _fields(
    *, kind: str, source_key: str, title: str, occurred_at: dt.datetime, facts: dict[str, Any]
) -> tuple[dict[str, Any], list[CompetenceItem]]:
    """The entry's columns and competence items from a report; ValueError names what is wrong."""
    if kind not in EntryKind.values:
        raise ValueError(
            f"unknown record entry kind {kind!r}; expected one of {', '.join(EntryKind.values)}"
        )
    if not isinstance(source_key, str) or not source_key.strip():
        raise ValueError("source_key must name the event (« app.thing:pk »)")
    if len(source_key) > SOURCE_KEY_MAX:
        raise ValueError(f"source_key is longer than {SOURCE_KEY_MAX} characters")
    if not isinstance(title, str) or not title.strip():
        raise ValueError("an entry needs a title")
    if not isinstance(occurred_at, dt.datetime) or timezone.is_naive(occurred_at):
        raise ValueError("occurred_at must be a timezone-aware datetime")
    unknown = sorted(set(facts) - FACTS)
    if unknown:
        raise ValueError(
            f"unknown record entry facts: {', '.join(unknown)}; "
            f"expected some of {', '.join(sorted(FACTS))}"
        )
    modality = facts.get("modality", "")
    if modality not in TrainingModality.values:
        raise ValueError(
            f"unknown modality {modality!r}; expected one of {TrainingModality.values}"
        )
    statement_ids = [str(value) for value in facts.get("statement_ids", ())]
    details = facts.get("details", {})
    if not isinstance(details, dict):
        raise ValueError("details must be a dict")
    try:
        json.dumps(details)
    except TypeError as error:
        raise ValueError(f"details must hold JSON values only: {error}") from error
    fields = {
        "kind": kind,
        "title": _fit("title", title),
        "summary": str(facts.get("summary", "")).strip(),
        "started_on": _started_on(facts.get("started_on")),
        # In local time: the model derives the school year from the date of this value, and
        # 1 September at 00:30 in Paris is still 31 August in UTC.
        "occurred_at": timezone.localtime(occurred_at),
        "modality": modality,
        "distance_minutes": _minutes("distance_minutes", facts.get("distance_minutes", 0)),
        "in_person_minutes": _minutes("in_person_minutes", facts.get("in_person_minutes", 0)),
        "result": _fit("result", facts.get("result", "")),
        "issuer": _fit("issuer", facts.get("issuer", "")),
        "evidence_url": _evidence_url(str(facts.get("evidence_url", ""))),
        "statement_ids": statement_ids,
        "details": details,
    }
    return fields, _competence_items(facts.get("competence_items", ()))


# --- Entries -----------------------------------------------------------------------------------


@transaction.atomic
def entry_record(
    *,
    user: User,
    kind: str,
    source_key: str,
    title: str,
    occurred_at: dt.datetime,
    **facts: Any,
) -> tuple[RecordEntry, bool]:
    """Record an event in the user's record once; return the entry and whether it is new.

    Idempotent on (user, source_key): a second report of the same event changes nothing (not
    even a withdrawn entry's state: see :func:`entry_restore`) and returns ``created=False``.
    ``facts`` are the entry's other columns (:data:`FACTS`); ``competence_items`` may be
    CompetenceItem objects or codes. Every value is checked before anything is written:
    ValueError names an unknown kind, fact, modality or code, a naive datetime, a bad URL.
    """
    fields, items = _fields(
        kind=kind, source_key=source_key, title=title, occurred_at=occurred_at, facts=facts
    )
    # Two reports of one event may race (the progress engine and a backfill): get_or_create
    # inserts in a savepoint and, when the other's INSERT wins on the unique (user,
    # source_key), catches the IntegrityError and reads the row that won. The items are set
    # only by the report that created the entry, in this same transaction.
    entry, created = RecordEntry.objects.get_or_create(
        user=user, source_key=source_key.strip(), defaults=fields
    )
    if created and items:
        entry.competence_items.set(items)
    return entry, created


@transaction.atomic
def entry_withdraw(*, source_key: str, user: User | None, reason: str) -> int:
    """Mark the entries of an event withdrawn (never deleted); return how many were marked.

    ``user`` None withdraws the entry of every holder (a resource's co-authors). The reason is
    kept in ``details["withdrawal_reason"]``; the entries' credentials are revoked with it.
    Already withdrawn entries are left as they are.
    """
    reason = reason.strip()[:REASON_MAX]
    entries = RecordEntry.objects.select_for_update().filter(
        source_key=source_key, withdrawn_at__isnull=True
    )
    if user is not None:
        entries = entries.filter(user=user)
    now = timezone.now()
    count = 0
    for entry in entries:
        entry.withdrawn_at = now
        entry.details = {**entry.details, "withdrawal_reason": reason}
        entry.save(update_fields=["withdrawn_at", "details"])
        credentials_revoke_for_entry(entry, reason)
        attestations_revoke_for_entry(entry, reason)
        count += 1
    return count


@transaction.atomic
def entry_restore(*, source_key: str, user: User) -> RecordEntry | None:
    """Bring back a withdrawn entry when its event stands again (a resource republished).

    Returns the entry (None when there is none); an entry not withdrawn is returned as is.
    Credentials revoked with the withdrawal stay revoked: a new one can be issued.
    """
    entry = RecordEntry.objects.select_for_update().filter(source_key=source_key, user=user).first()
    if entry is not None and entry.withdrawn_at is not None:
        entry.withdrawn_at = None
        entry.details = {k: v for k, v in entry.details.items() if k != "withdrawal_reason"}
        entry.save(update_fields=["withdrawn_at", "details"])
    return entry


# --- Share links -------------------------------------------------------------------------------


@transaction.atomic
def share_create(*, actor: User, label: str, entries: Sequence[RecordEntry]) -> RecordShare:
    """Create a link showing these entries of the actor's record to whoever has it.

    Only the actor's own entries, not withdrawn, one at least (PermissionDenied for someone
    else's; :class:`RecognitionError` for no entry, a withdrawn one, or no label).
    """
    if not actor.is_authenticated:
        raise PermissionDenied
    label = label.strip()
    if not label:
        raise RecognitionError(_("Give the link a name, to recognise it later."))
    if len(label) > LABEL_MAX:
        raise RecognitionError(
            _("The name is too long: %(max)d characters at most.") % {"max": LABEL_MAX}
        )
    pks = {entry.pk for entry in entries}
    if not pks:
        raise RecognitionError(_("Choose at least one entry to share."))
    # Re-read from the database: what the caller holds may be stale or forged.
    rows = list(RecordEntry.objects.filter(pk__in=pks).values_list("pk", "user_id", "withdrawn_at"))
    if len(rows) != len(pks) or any(user_id != actor.pk for _pk, user_id, _w in rows):
        raise PermissionDenied
    if any(withdrawn_at is not None for _pk, _u, withdrawn_at in rows):
        raise RecognitionError(_("A withdrawn entry cannot be shared."))
    share = RecordShare.objects.create(user=actor, label=label)
    share.entries.set(pks)
    return share


@transaction.atomic
def share_revoke(*, actor: User, share: RecordShare) -> RecordShare:
    """Revoke one of the actor's share links: it shows nothing from now on (idempotent)."""
    share = RecordShare.objects.select_for_update().get(pk=share.pk)
    if share.user_id != actor.pk:
        raise PermissionDenied
    if share.revoked_at is None:
        share.revoked_at = timezone.now()
        share.save(update_fields=["revoked_at"])
    return share
