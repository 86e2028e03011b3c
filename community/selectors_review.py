"""Reads of the peer review: who runs a community, which reviews count, the review queue.

Shared by the review services (their guards), the views and the panel included in the
resource page, so that what a page offers and what a service accepts never disagree.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Count, F, Prefetch, Q, QuerySet

from campus.models import Academy, User
from community.models import (
    Community,
    MemberRole,
    MembershipStatus,
    Resource,
    ResourceState,
    ResourceTransition,
    Review,
    ReviewStatus,
)
from community.selectors import runs_community

# The default bar a review's rubric average must pass for the review to count towards
# publication (scores go from 1 to 4: 2.5 is the middle of the scale).
DEFAULT_REVIEW_THRESHOLD = 2.5

# States in which reviewers may be assigned or volunteer: the current revision awaits reviews.
REVIEWABLE = (ResourceState.SUBMITTED, ResourceState.IN_REVIEW, ResourceState.REVISED)
# States in which an animateur decides (publish or ask for changes) from the reviews.
DECIDABLE = (ResourceState.IN_REVIEW, ResourceState.REVISED)
PROMOTED = (ResourceState.PROMOTED_ACADEMY, ResourceState.PROMOTED_NATIONAL)


def review_threshold() -> float:
    """The rubric average a review must be above to count (setting COMMUNITY_REVIEW_THRESHOLD)."""
    return float(getattr(settings, "COMMUNITY_REVIEW_THRESHOLD", DEFAULT_REVIEW_THRESHOLD))


def community_runners(community: Community) -> QuerySet[User]:
    """The active owners and animateurs of the community (who decide and moderate)."""
    return User.objects.filter(
        community_memberships__community=community,
        community_memberships__status=MembershipStatus.ACTIVE,
        community_memberships__role__in=(MemberRole.OWNER, MemberRole.ANIMATEUR),
    )


def resource_academy(resource: Resource) -> Academy | None:
    """The académie a resource belongs to: its community's, else its creator's.

    Discipline and project communities often span académies; their resources are then the
    académie's of the teacher who created them, so that an inspector can still promote them.
    """
    if resource.community.academy_id:
        return resource.community.academy
    return resource.created_by.academy if resource.created_by_id else None


def current_reviews(resource: Resource) -> QuerySet[Review]:
    """The submitted reviews of the resource's current revision (older revisions' do not count)."""
    return Review.objects.filter(
        resource=resource,
        revision_id=resource.current_revision_id,
        status=ReviewStatus.SUBMITTED,
    )


def qualifying_reviews(resource: Resource) -> list[Review]:
    """The submitted reviews of the current revision whose rubric average is above the bar."""
    threshold = review_threshold()
    return [
        review
        for review in current_reviews(resource)
        if review.average is not None and review.average > threshold
    ]


def changes_requested_on(resource: Resource) -> ResourceTransition | None:
    """The latest "changes requested" step of the resource (which names the revision)."""
    return (
        resource.transitions.filter(to_state=ResourceState.CHANGES_REQUESTED)
        .order_by("-created", "-id")
        .first()
    )


def review_queue(community: Community, user: User) -> QuerySet[Resource]:
    """The community's resources awaiting reviews, oldest first, with their review counts.

    Hidden resources are left out unless the user runs the community (they may unhide them).
    Each row carries ``submitted_reviews`` and ``open_reviews`` on its current revision.
    """
    on_current = Q(reviews__revision_id=F("current_revision_id"))
    resources = (
        Resource.objects.filter(community=community, state__in=REVIEWABLE)
        .select_related("current_revision")
        .prefetch_related(Prefetch("authors", queryset=User.objects.order_by("last_name")))
        .annotate(
            submitted_reviews=Count(
                "reviews", filter=on_current & Q(reviews__status=ReviewStatus.SUBMITTED)
            ),
            open_reviews=Count(
                "reviews", filter=on_current & Q(reviews__status=ReviewStatus.ASSIGNED)
            ),
        )
        .order_by("updated", "id")
    )
    if not runs_community(user, community):
        resources = resources.filter(hidden_at__isnull=True)
    return resources


def reviews_to_write(user: User, community: Community) -> QuerySet[Review]:
    """The reviews assigned to the user in the community that they have not submitted yet."""
    return (
        Review.objects.filter(
            reviewer=user, resource__community=community, status=ReviewStatus.ASSIGNED
        )
        .exclude(resource__state__in=(ResourceState.WITHDRAWN, *PROMOTED, ResourceState.PUBLISHED))
        .select_related("resource", "revision")
        .order_by("created", "id")
    )


def eligible_reviewers(resource: Resource) -> QuerySet[User]:
    """Active members who may be asked to review the current revision.

    Not its authors (nobody reviews their own work), nor members who already have a review of
    this revision (open, submitted or declined).
    """
    taken = Review.objects.filter(
        resource=resource, revision_id=resource.current_revision_id
    ).values("reviewer_id")
    return (
        User.objects.filter(
            community_memberships__community_id=resource.community_id,
            community_memberships__status=MembershipStatus.ACTIVE,
        )
        .exclude(pk__in=resource.authors.values("pk"))
        .exclude(pk__in=taken)
        .order_by("last_name", "first_name", "email")
    )


def panel_reviews(resource: Resource) -> QuerySet[Review]:
    """Every review of the resource, oldest first, with its reviewer and revision."""
    return resource.reviews.select_related("reviewer", "revision", "assigned_by").order_by(
        "created", "id"
    )


def panel_history(resource: Resource) -> QuerySet[ResourceTransition]:
    """The resource's state changes, oldest first, with who made them and on which revision."""
    return resource.transitions.select_related("actor", "revision").order_by("created", "id")
