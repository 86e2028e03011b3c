"""Reads of the catalogue: the modules an "offre de formation" lists, filtered and searched.

Search goes through Wagtail search (the database backend: PostgreSQL full-text there, with the
configuration named by ``WAGTAILSEARCH_BACKENDS["default"]["SEARCH_CONFIG"]`` — "french" for
French stemming —, SQLite FTS5 in development). Every other filter is plain SQL on the page
tables; a listing costs the same few queries whatever the number of modules.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from django.core.paginator import Paginator
from django.db.models import F, OuterRef, Prefetch, Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from campus.models import CompetenceItem, Discipline
from campus.search import RankedResults
from courses.forms import CatalogueFilterForm, DurationBucket
from courses.models import CataloguePage, ModulePage, StepPage
from courses.selectors_cohorts import has_open_cohort

PER_PAGE = 12
# The most relevant results a search lists (20 pages): reading every match of a word found in
# all 1,000 modules costs more than the 100 ms target, and nobody pages that far.
SEARCH_LIMIT = PER_PAGE * 20

# (lowest included, highest excluded) total hours; the top bucket has no ceiling.
DURATION_BOUNDS: dict[str, tuple[Decimal | None, Decimal | None]] = {
    DurationBucket.UNDER_3: (None, Decimal(3)),
    DurationBucket.FROM_3_TO_6: (Decimal(3), Decimal(6)),
    DurationBucket.FROM_6_TO_9: (Decimal(6), Decimal(9)),
    DurationBucket.OVER_9: (Decimal(9), None),
}
# How a session block looks in the JSON of a step's body, on SQLite and in PostgreSQL's jsonb
# text output alike: a cheap LIKE before the bodies are read.
_SESSION_MARK = '"type": "session"'


def _upcoming_sessions(steps: QuerySet[StepPage], now: dt.datetime) -> dict[str, dt.datetime]:
    """Module path → start of its next in-person session, from the session blocks of steps."""
    rows = (
        steps.annotate(body_text=Cast("body", TextField()))
        .filter(body_text__contains=_SESSION_MARK)
        .values_list("path", "body_text")
    )
    upcoming: dict[str, dt.datetime] = {}
    for path, body in rows:
        module_path = path[: -StepPage.steplen]
        for block in json.loads(body):
            if block.get("type") != "session":
                continue
            start = parse_datetime(str(block["value"].get("start") or ""))
            if start is None:
                continue
            if timezone.is_naive(start):
                start = timezone.make_aware(start)
            if start > now and (module_path not in upcoming or start < upcoming[module_path]):
                upcoming[module_path] = start
    return upcoming


def upcoming_sessions_for(modules, *, now: dt.datetime | None = None) -> dict[int, dt.datetime]:
    """Module id → start of its next in-person session, for the given modules (one query)."""
    modules = list(modules)
    if not modules:
        return {}
    prefixes = Q()
    for module in modules:
        prefixes |= Q(path__startswith=module.path)
    steps = StepPage.objects.live().filter(prefixes, depth=modules[0].depth + 1)
    by_path = _upcoming_sessions(steps, now or timezone.now())
    return {m.pk: by_path[m.path] for m in modules if m.path in by_path}


def catalogue_modules(
    *,
    catalogue: CataloguePage | None = None,
    q: str = "",
    discipline: Discipline | None = None,
    degree: str = "",
    collection: str = "",
    duration: str = "",
    modality: str = "",
    competence: str = "",
    open_sessions: bool = False,
    now: dt.datetime | None = None,
) -> QuerySet[ModulePage] | RankedModules:
    """The live modules of the catalogue (all catalogues if None) matching every filter given.

    ``degree`` keeps modules open to both degrees too; ``competence`` is an item code
    ("A.1-3") or a competence code ("A.1", any of its items); ``open_sessions`` keeps modules
    with an in-person session still to come. Ordered by title, or when searching by relevance
    (the SEARCH_LIMIT best, as a RankedModules); disciplines and competences are prefetched.
    """
    modules = ModulePage.objects.live()
    if catalogue is not None:
        modules = modules.descendant_of(catalogue)
    if discipline:
        modules = modules.filter(disciplines=discipline)
    if degree:
        modules = modules.filter(Q(degree=degree) | Q(degree=""))
    if collection:
        modules = modules.filter(collection=collection)
    if modality:
        modules = modules.filter(modality=modality)
    if duration in DURATION_BOUNDS:
        low, high = DURATION_BOUNDS[duration]
        modules = modules.alias(hours=F("distance_hours") + F("in_person_hours"))
        if low is not None:
            modules = modules.filter(hours__gte=low)
        if high is not None:
            modules = modules.filter(hours__lt=high)
    if competence:
        modules = modules.filter(
            Q(competences__code=competence) | Q(competences__competence__code=competence)
        )
    if open_sessions:
        paths = _upcoming_sessions(StepPage.objects.live(), now or timezone.now())
        modules = modules.filter(path__in=list(paths))
    if discipline or competence:
        modules = modules.distinct()

    # A subquery in the same SELECT: the "open sessions" badge costs no query.
    modules = modules.annotate(
        has_open_cohort=has_open_cohort(OuterRef("pk"), today=timezone.localdate(now))
    ).prefetch_related(
        Prefetch("disciplines", queryset=Discipline.objects.only("slug", "name")),
        Prefetch(
            "competences", queryset=CompetenceItem.objects.only("code", "title", "competence_id")
        ),
    )
    if not q:
        return modules.order_by("title")
    # Search first, then filter by id: Wagtail search only filters on FilterFields, and the
    # disciplines and competences are many-to-many.
    found = ModulePage.objects.live().only("pk")
    if catalogue is not None:
        found = found.descendant_of(catalogue)
    ranked = [page.pk for page in found.search(q)[:SEARCH_LIMIT]]
    kept = set(modules.filter(pk__in=ranked).values_list("pk", flat=True))
    return RankedModules([pk for pk in ranked if pk in kept], modules)


class RankedModules(RankedResults):
    """Modules found by a search, in relevance order (see campus.search.RankedResults)."""


def catalogue_context(request, catalogue: CataloguePage) -> dict:
    """What the catalogue page shows: the filter form, a page of modules, their sessions."""
    form = CatalogueFilterForm(request.GET or None)
    modules = catalogue_modules(catalogue=catalogue, **form.filters())
    paginator = Paginator(modules, PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "filter_form": form,
        "modules": page,
        "page_links": list(paginator.get_elided_page_range(page.number, on_each_side=2)),
        "upcoming_sessions": upcoming_sessions_for(page.object_list),
        "filters_querystring": query.urlencode(),
    }
