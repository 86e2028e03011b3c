"""Reads of the career-recognition record: a teacher's entries, totals, share links.

Only the teacher sees their record: every read here is scoped to one user, and a record's
entry or share link that is not the viewer's is a 404 (its existence is nobody else's
business). A share link shows its non-withdrawn entries to anyone who has it, until revoked.

Totals count entries not withdrawn, per school year (from 1 September, see
:func:`campus.models_recognition.school_year_of`), in one grouped query.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import groupby
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from campus.models import EntryKind, RecordEntry, RecordShare
from campus.models_recognition import school_year_of

if TYPE_CHECKING:
    from collections.abc import Iterable

    from campus.models import User


def _hours(minutes: int) -> Decimal:
    """Minutes as hours, to the hundredth (90 → 1.5)."""
    return (Decimal(minutes) / 60).quantize(Decimal("0.01"))


@dataclass
class RecordTotals:
    """What a record holds for a school year (or all years): hours and entries by kind."""

    distance_minutes: int = 0
    in_person_minutes: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def distance_hours(self) -> Decimal:
        return _hours(self.distance_minutes)

    @property
    def in_person_hours(self) -> Decimal:
        return _hours(self.in_person_minutes)

    @property
    def total_hours(self) -> Decimal:
        return _hours(self.distance_minutes + self.in_person_minutes)

    @property
    def entry_count(self) -> int:
        return sum(self.counts.values())

    def count_rows(self) -> list[tuple[str, str, int]]:
        """(kind, label, count) for every kind, in the kinds' order (0 for none)."""
        return [(kind, label, self.counts.get(kind, 0)) for kind, label in EntryKind.choices]

    def add(self, other: RecordTotals) -> None:
        self.distance_minutes += other.distance_minutes
        self.in_person_minutes += other.in_person_minutes
        for kind, count in other.counts.items():
            self.counts[kind] = self.counts.get(kind, 0) + count


def current_school_year(today: dt.date | None = None) -> str:
    """The school year of today (local date): « 2026-2027 » from 1 September 2026."""
    return school_year_of(today or timezone.localdate())


def totals_by_school_year(user: User) -> dict[str, RecordTotals]:
    """The user's totals per school year, newest first, from one grouped query.

    Withdrawn entries are not counted.
    """
    rows = (
        RecordEntry.objects.filter(user=user, withdrawn_at__isnull=True)
        .values("school_year", "kind")
        .annotate(
            distance=Sum("distance_minutes"),
            in_person=Sum("in_person_minutes"),
            count=Count("id"),
        )
        .order_by("-school_year", "kind")
    )
    years: dict[str, RecordTotals] = {}
    for row in rows:
        totals = years.setdefault(row["school_year"], RecordTotals())
        totals.distance_minutes += row["distance"] or 0
        totals.in_person_minutes += row["in_person"] or 0
        totals.counts[row["kind"]] = row["count"]
    return years


def record_totals(user: User, school_year: str | None = None) -> RecordTotals:
    """The user's totals for one school year, or for all years with None (one query)."""
    entries = RecordEntry.objects.filter(user=user, withdrawn_at__isnull=True)
    if school_year:
        entries = entries.filter(school_year=school_year)
    figures = entries.aggregate(
        distance=Sum("distance_minutes"),
        in_person=Sum("in_person_minutes"),
        **{kind: Count("id", filter=Q(kind=kind)) for kind in EntryKind.values},
    )
    return RecordTotals(
        distance_minutes=figures.pop("distance") or 0,
        in_person_minutes=figures.pop("in_person") or 0,
        counts={kind: count for kind, count in figures.items() if count},
    )


def record_entries(
    user: User, *, school_year: str | None = None, kind: str | None = None
) -> QuerySet[RecordEntry]:
    """The user's entries, newest first, withdrawn ones included (the page marks them).

    Their competence items come prefetched with one more query when evaluated.
    """
    entries = RecordEntry.objects.filter(user=user)
    if school_year:
        entries = entries.filter(school_year=school_year)
    if kind:
        entries = entries.filter(kind=kind)
    return entries.prefetch_related("competence_items").order_by("-occurred_at", "-id")


def by_month(entries: Iterable[RecordEntry]) -> list[tuple[dt.date, list[RecordEntry]]]:
    """Entries (newest first) grouped by the month they occurred in, local time."""

    def month(entry: RecordEntry) -> dt.date:
        return timezone.localtime(entry.occurred_at).date().replace(day=1)

    return [(first_day, list(group)) for first_day, group in groupby(entries, key=month)]


def entry_of_owner(user: User, pk: int) -> RecordEntry:
    """One of the user's entries with its competence items; 404 for anyone else's."""
    entry = (
        RecordEntry.objects.filter(user=user, pk=pk)
        .prefetch_related("competence_items__competence__domain__framework")
        .first()
    )
    if entry is None:
        raise Http404
    return entry


def shareable_entries(user: User) -> QuerySet[RecordEntry]:
    """The entries the user may put in a share link: their own, not withdrawn."""
    return RecordEntry.objects.filter(user=user, withdrawn_at__isnull=True).order_by(
        "-occurred_at", "-id"
    )


def shares_of(user: User) -> QuerySet[RecordShare]:
    """The user's share links, newest first, each with ``entry_count`` (shown entries)."""
    return RecordShare.objects.filter(user=user).annotate(
        entry_count=Count("entries", filter=Q(entries__withdrawn_at__isnull=True))
    )


def share_of_owner(user: User, pk: uuid.UUID) -> RecordShare:
    """One of the user's share links; 404 for anyone else's."""
    share = RecordShare.objects.filter(user=user, pk=pk).first()
    if share is None:
        raise Http404
    return share


def public_share(pk: uuid.UUID) -> tuple[RecordShare, list[RecordEntry]]:
    """A share link that still stands and the entries it shows; 404 once revoked.

    Withdrawn entries are left out, whatever was chosen when the link was made.
    """
    share = (
        RecordShare.objects.select_related("user").filter(pk=pk, revoked_at__isnull=True).first()
    )
    if share is None:
        raise Http404
    entries = list(
        share.entries.filter(withdrawn_at__isnull=True)
        .prefetch_related("competence_items")
        .order_by("-occurred_at", "-id")
    )
    return share, entries
