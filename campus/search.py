"""Search results ranked in Python, paged like a queryset (shared by the apps' searches)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet


class RankedResults:
    """Search results in relevance order, fetched a page at a time (what Paginator needs).

    ``ids`` are ranked already (by Wagtail search); ordering by rank in SQL would take a CASE
    of one WHEN per result, slow to build past a few hundred, so only a page of objects is
    read from ``queryset`` and put back in the ranking's order.
    """

    def __init__(self, ids: list[Any], queryset: QuerySet):
        self.ids = ids
        self.queryset = queryset

    def count(self) -> int:
        return len(self.ids)

    __len__ = count

    def __getitem__(self, index):
        ids = self.ids[index] if isinstance(index, slice) else [self.ids[index]]
        by_pk = {item.pk: item for item in self.queryset.filter(pk__in=ids)}
        items = [by_pk[pk] for pk in ids if pk in by_pk]
        return items if isinstance(index, slice) else items[0]

    def __iter__(self):
        return iter(self[:])
