"""Who may see and edit co-built resources, and the searched, filtered lists of them.

The rules (shared by the pages, the attachment downloads and the "who is editing" websocket):

- a published resource (published or promoted) is public, even to anonymous visitors;
- a draft is seen by its authors and by the animateurs of its community;
- a resource in review (submitted, in review, changes requested, revised, withdrawn) is seen
  by the active members of its community and by its authors;
- a hidden resource (moderation) is seen by the animateurs of its community only;
- co-authors who are still active members edit it, while it is in an editable state.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Prefetch, Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.http import Http404
from taggit.models import TaggedItem
from wagtail.search.backends import get_search_backend

from campus.models import CompetenceItem, Discipline, User
from campus.search import RankedResults
from community import facets
from community.models import (
    Community,
    MemberRole,
    Membership,
    MembershipStatus,
    Resource,
    ResourceAttachment,
    ResourceRevision,
    ResourceState,
)
from community.selectors import is_member, runs_community

PUBLISHED_STATES = frozenset(
    {ResourceState.PUBLISHED, ResourceState.PROMOTED_ACADEMY, ResourceState.PROMOTED_NATIONAL}
)
# The authors' working states. A resource in review is frozen (the reviewers read what was
# submitted), and so is a published one: what the community validated is what it shows.
EDITABLE_STATES = frozenset(
    {ResourceState.DRAFT, ResourceState.CHANGES_REQUESTED, ResourceState.REVISED}
)
# The most relevant matches a search reads (20 pages of 12): ranking every match of a word
# found in tens of thousands of resources would cost more than the 100 ms target.
PER_PAGE = 12
SEARCH_LIMIT = PER_PAGE * 20
# How many of the latest matches a search ranks (see _ranked_ids).
RANKED_CANDIDATES = 1000


def is_published(resource: Resource) -> bool:
    """Whether the resource is published or promoted (whatever its moderation)."""
    return resource.state in PUBLISHED_STATES


def is_author(user: User, resource: Resource) -> bool:
    """Whether the user is one of the resource's co-authors."""
    return user.is_authenticated and resource.authors.filter(pk=user.pk).exists()


def resource_visible_to(user: User, resource: Resource) -> bool:
    """Whether the user may read the resource (see the module's rules)."""
    if resource.hidden_at is not None:
        return runs_community(user, resource.community)
    if is_published(resource):
        return True
    if not user.is_authenticated:
        return False
    if is_author(user, resource) or runs_community(user, resource.community):
        return True
    return resource.state != ResourceState.DRAFT and is_member(user, resource.community)


def may_edit_resource(user: User, resource: Resource) -> bool:
    """Whether the user may save a new revision: an active member co-author, not hidden."""
    return (
        resource.hidden_at is None
        and resource.state in EDITABLE_STATES
        and is_author(user, resource)
        and is_member(user, resource.community)
    )


def may_join_editing(user: User, resource: Resource) -> bool:
    """Whether the user may join the "who is editing" channel: co-authors who are members.

    Broader than :func:`may_edit_resource` on purpose: a co-author reading a frozen resource
    still hears that another one restored it, so the page they read does not go stale unseen.
    """
    return (
        resource.hidden_at is None
        and is_author(user, resource)
        and is_member(user, resource.community)
    )


def _visible(user: User) -> Q:
    """The condition on Resource of :func:`resource_visible_to`, for querysets."""
    published = Q(state__in=PUBLISHED_STATES, hidden_at__isnull=True)
    if not user.is_authenticated:
        return published
    active = Membership.objects.filter(user=user, status=MembershipStatus.ACTIVE)
    member_of = active.values("community_id")
    runs = active.filter(role__in=(MemberRole.OWNER, MemberRole.ANIMATEUR)).values("community_id")
    authored = Resource.authors.through.objects.filter(user=user).values("resource_id")
    return (
        published
        | Q(community_id__in=runs)
        | Q(hidden_at__isnull=True, pk__in=authored)
        | (Q(hidden_at__isnull=True, community_id__in=member_of) & ~Q(state=ResourceState.DRAFT))
    )


def resources_visible_to(user: User) -> QuerySet[Resource]:
    """Every resource the user may read."""
    return Resource.objects.filter(_visible(user))


def resource_for_viewer(user: User, pk: int) -> Resource:
    """The resource with its community, if the user may read it; else Http404.

    A resource one may not see is "not found" rather than "forbidden": its title stays private.
    """
    resource = Resource.objects.select_related("community", "current_revision").filter(pk=pk)
    resource = resource.first()
    if resource is None or not resource_visible_to(user, resource):
        raise Http404("No such resource.")
    return resource


def revision_of(resource: Resource, number: int) -> ResourceRevision:
    """The resource's revision of that number, with its author; else Http404."""
    revision = (
        ResourceRevision.objects.select_related("author", "restored_from")
        .filter(resource=resource, number=number)
        .first()
    )
    if revision is None:
        raise Http404("No such revision.")
    return revision


def revisions_of(resource: Resource) -> QuerySet[ResourceRevision]:
    """The resource's revisions, newest first, with their authors (one query)."""
    return (
        ResourceRevision.objects.filter(resource=resource)
        .select_related("author", "restored_from")
        .defer("content")
        .order_by("-number")
    )


def attachment_for_download(user: User, resource_pk: int, pk: int) -> ResourceAttachment:
    """An attachment of a resource the user may read; else Http404."""
    resource = resource_for_viewer(user, resource_pk)
    attachment = resource.attachments.filter(pk=pk).first()
    if attachment is None:
        raise Http404("No such attachment.")
    attachment.resource = resource
    return attachment


def remixes_visible_to(user: User, resource: Resource) -> QuerySet[Resource]:
    """The remixes of the resource the user may read, with their community and authors."""
    return (
        resources_visible_to(user)
        .filter(remixed_from=resource)
        .select_related("community")
        .prefetch_related("authors")
        .order_by("created", "pk")
    )


def contribution_communities(user: User) -> QuerySet[Community]:
    """The communities the user may add resources to (new or remixed): theirs, not archived."""
    if not user.is_authenticated:
        return Community.objects.none()
    return Community.objects.filter(
        memberships__user=user,
        memberships__status=MembershipStatus.ACTIVE,
        archived=False,
    ).order_by("name")


def coauthor_candidates(resource: Resource) -> QuerySet[User]:
    """Active members of the resource's community who are not yet co-authors."""
    return (
        User.objects.filter(
            community_memberships__community=resource.community_id,
            community_memberships__status=MembershipStatus.ACTIVE,
            is_active=True,
        )
        .exclude(community_resources=resource)
        .order_by("last_name", "first_name", "email")
    )


# --- Lists, facets and search ------------------------------------------------------------------


def _has_level(codes: list[str]) -> Q:
    """Resources whose ``levels`` hold one of ``codes``.

    PostgreSQL answers a JSON containment (``@>``). SQLite has none, so its JSON text is
    matched instead (codes are stored quoted and none is a substring of another's quotes),
    in a subquery on "id": Wagtail search accepts filters on its FilterFields only.
    """
    if connection.features.supports_json_field_contains:
        condition = Q()
        for code in codes:
            condition |= Q(levels__contains=[code])
        return condition
    text = Q()
    for code in codes:
        text |= Q(levels_text__contains=f'"{code}"')
    matching = Resource.objects.alias(levels_text=Cast("levels", TextField())).filter(text)
    return Q(pk__in=matching.values("pk"))


def resources_filtered(
    user: User,
    *,
    q: str = "",
    kind: str = "",
    discipline: Discipline | None = None,
    level: str = "",
    cycle: str = "",
    competence: str = "",
    licence: str = "",
    tag: str = "",
    community=None,
    state: str = "",
) -> QuerySet[Resource] | RankedResources:
    """The resources the user may read that match every filter, for the list page.

    ``level`` is a grade code and also finds the resources written for its whole stage;
    ``cycle`` a stage code, and finds the resources of its grades too; ``competence`` an
    item code ("A.1-3") or a competence code ("A.1", any of its items); ``tag`` a tag's
    slug. Newest first, or when searching by relevance (the SEARCH_LIMIT best, as a
    RankedResources). Full-text search goes through Wagtail search: PostgreSQL's French
    configuration there (stemming: « évaluer » finds « évaluation »), SQLite's FTS5 index in
    development. Every filter is on one of Resource's search FilterFields (many-to-many
    facets as subqueries on "id"), so the same queryset serves the list and the search.
    """
    resources = resources_visible_to(user)
    if kind:
        resources = resources.filter(kind=kind)
    if licence:
        resources = resources.filter(licence=licence)
    if state:
        resources = resources.filter(state=state)
    if community is not None:
        resources = resources.filter(community=community)
    # Many-to-many facets as semi-joins: no join that repeats rows, so no DISTINCT to sort.
    if discipline is not None:
        tagged = Resource.disciplines.through.objects.filter(discipline=discipline)
        resources = resources.filter(pk__in=tagged.values("resource_id"))
    if competence:
        tagged = Resource.competences.through.objects.filter(
            Q(competenceitem__code=competence) | Q(competenceitem__competence__code=competence)
        )
        resources = resources.filter(pk__in=tagged.values("resource_id"))
    if tag:
        tagged = TaggedItem.objects.filter(
            content_type=ContentType.objects.get_for_model(Resource), tag__slug=tag
        )
        resources = resources.filter(pk__in=tagged.values("object_id"))
    conditions = []
    if level in facets.GRADE_BY_CODE:
        conditions.append(_has_level(facets.codes_matching_grade(level)))
    elif level in facets.STAGE_BY_CODE:
        conditions.append(_has_level(facets.codes_matching_stage(level)))
    if cycle in facets.STAGE_BY_CODE:
        conditions.append(_has_level(facets.codes_matching_stage(cycle)))
    if conditions:
        resources = resources.filter(*conditions)
    if not q:
        return _for_cards(resources).order_by("-updated", "-pk")
    return RankedResources(_ranked_ids(resources, q), _for_cards(Resource.objects.all()))


@contextmanager
def serial_plans():
    """Run the queries inside without PostgreSQL's parallel workers (in one transaction).

    A list's count and a search's two passes are short queries that stop early (LIMIT):
    starting parallel workers costs them more than the work itself — three to four times
    more on a busy server (docs/performance.md, Community). Elsewhere, a no-op.
    """
    if connection.vendor != "postgresql" or getattr(connection, "serial_plans", False):
        yield  # Not PostgreSQL, or already inside (the list view wraps a search).
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        connection.serial_plans = True
        try:
            yield
        finally:
            connection.serial_plans = False


def _ranked_ids(resources: QuerySet[Resource], q: str) -> list[int]:
    """The ids of ``resources`` matching ``q``, the most relevant first (SEARCH_LIMIT at most).

    In two passes through Wagtail search, so that a word found in most resources costs what a
    rare one does: first the RANKED_CANDIDATES most recently updated matches, unranked (an
    index walk in date order that stops early, or the full-text index for a rare word), then
    those ranked by relevance. A search matching fewer resources than that — nearly every
    search of two words or of a specific one — is ranked whole; for a very common word, the
    most relevant of the latest matches come first.
    """
    backend = get_search_backend()
    latest = resources.order_by("-updated", "-id")
    with serial_plans():
        matches = backend.search(q, latest.only("pk"), operator="and", order_by_relevance=False)
        candidates = _ids(matches[:RANKED_CANDIDATES])
        if not candidates:
            return []
        ranked = backend.search(
            q, Resource.objects.filter(pk__in=candidates).only("pk"), operator="and"
        )
        return _ids(ranked[:SEARCH_LIMIT])


def _ids(results) -> list[int]:
    """The primary keys of Wagtail search results, in their order.

    The database backends' results hold their SQL as a queryset: asking it for the ids alone
    leaves out the text vectors Wagtail selects with each row (half the time of a search).
    """
    get_queryset = getattr(results, "get_queryset", None)
    if get_queryset is None:  # Another backend (Elasticsearch…): its own result objects.
        return [resource.pk for resource in results]
    return list(get_queryset().values_list("pk", flat=True))


def _for_cards(resources: QuerySet[Resource]) -> QuerySet[Resource]:
    """What a resource card shows, fetched with the page: community, authors, disciplines."""
    return resources.select_related("community").prefetch_related(
        "authors",
        Prefetch("disciplines", queryset=Discipline.objects.only("slug", "name")),
    )


class RankedResources(RankedResults):
    """Resources found by a search, in relevance order (see campus.search.RankedResults)."""

    @property
    def truncated(self) -> bool:
        """Whether the search found more than it lists (SEARCH_LIMIT reached)."""
        return len(self.ids) >= SEARCH_LIMIT


def competence_items() -> QuerySet[CompetenceItem]:
    """The competence items a resource may be tagged with, in framework order."""
    return CompetenceItem.objects.select_related("competence")
