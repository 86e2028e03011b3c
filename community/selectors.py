"""Who may see and do what in a community: the permission reads shared by views and consumers.

Every view, consumer and service of the community app asks these, so that HTTP and the
websocket always agree (the house rule: one selector per permission).
"""

from __future__ import annotations

from django.db.models import (
    Case,
    CharField,
    Count,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from campus.models import Academy, Discipline, User
from campus.roles import SPACE_PERMISSIONS, Role
from community.models import (
    Community,
    CommunityAccess,
    MemberRole,
    Membership,
    MembershipStatus,
    Notification,
)


def membership_of(user: User, community: Community) -> Membership | None:
    """The user's membership row in the community (any status), or None."""
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(user=user, community=community).first()


def is_member(user: User, community: Community) -> bool:
    """Whether the user is an active member (banned, invited and pending ones are not)."""
    return (
        user.is_authenticated
        and Membership.objects.filter(
            user=user, community=community, status=MembershipStatus.ACTIVE
        ).exists()
    )


def runs_community(user: User, community: Community) -> bool:
    """Whether the user is an active owner or animateur of the community."""
    return (
        user.is_authenticated
        and Membership.objects.filter(
            user=user,
            community=community,
            status=MembershipStatus.ACTIVE,
            role__in=(MemberRole.OWNER, MemberRole.ANIMATEUR),
        ).exists()
    )


def communities_visible_to(user: User) -> QuerySet[Community]:
    """Communities the user may see listed: open and on-request ones, and their own.

    Invitation-only communities are listed only to their members and invitees; archived
    ones only to their members. Banned people do not see a community they are banned from
    unless it is open to all.
    """
    listed = Q(access__in=(CommunityAccess.PUBLIC, CommunityAccess.ON_REQUEST), archived=False)
    if not user.is_authenticated:
        return Community.objects.filter(listed)
    # Subqueries, not joins on memberships: in exclude(), conditions on a multi-valued
    # relation need not hold for the same row, so "this user" and "banned" would match two
    # different people's rows and hide a community from all its members once anyone in it
    # is banned. No join also means no duplicate rows, hence no DISTINCT.
    mine = Membership.objects.filter(user=user)
    theirs = mine.filter(status__in=(MembershipStatus.ACTIVE, MembershipStatus.INVITED))
    banned_from = mine.filter(status=MembershipStatus.BANNED)
    return Community.objects.filter(listed | Q(pk__in=theirs.values("community_id"))).exclude(
        Q(pk__in=banned_from.values("community_id")) & ~Q(access=CommunityAccess.PUBLIC)
    )


# --- Directory, members, invitations, notifications (communities' pages) ---------------------


def _with_counts(communities: QuerySet[Community], user: User) -> QuerySet[Community]:
    """Annotate ``member_count`` (active members) and ``my_status`` (the user's, or None)."""
    communities = communities.select_related("discipline", "academy").annotate(
        member_count=Count("memberships", filter=Q(memberships__status=MembershipStatus.ACTIVE))
    )
    if not user.is_authenticated:
        return communities.annotate(my_status=Value(None, output_field=CharField()))
    mine = Membership.objects.filter(community=OuterRef("pk"), user=user).values("status")[:1]
    return communities.annotate(my_status=Subquery(mine))


def community_directory(
    user: User,
    *,
    kind: str = "",
    discipline: Discipline | None = None,
    degree: str = "",
    academy: Academy | None = None,
    text: str = "",
) -> QuerySet[Community]:
    """The communities the user may see, filtered, with their member count and user's status.

    ``text`` is looked up in the name and the description.
    """
    communities = communities_visible_to(user)
    if kind:
        communities = communities.filter(kind=kind)
    if discipline is not None:
        communities = communities.filter(discipline=discipline)
    if degree:
        communities = communities.filter(degree=degree)
    if academy is not None:
        communities = communities.filter(academy=academy)
    if text := text.strip():
        communities = communities.filter(Q(name__icontains=text) | Q(description__icontains=text))
    return _with_counts(communities, user).order_by("name", "pk")


def my_communities(user: User) -> QuerySet[Community]:
    """The communities the user is an active member of (archived ones too), by name."""
    if not user.is_authenticated:
        return Community.objects.none()
    theirs = Membership.objects.filter(user=user, status=MembershipStatus.ACTIVE).values(
        "community_id"
    )
    return _with_counts(Community.objects.filter(pk__in=theirs), user).order_by("name", "pk")


def visible_community(user: User, slug: str) -> Community | None:
    """The community at ``slug`` if the user may see it (else None: the page is a 404)."""
    return (
        communities_visible_to(user)
        .filter(slug=slug)
        .select_related("discipline", "academy")
        .first()
    )


def member_count(community: Community) -> int:
    """How many active members the community has."""
    return community.memberships.filter(status=MembershipStatus.ACTIVE).count()


_ROLE_ORDER = Case(
    When(role=MemberRole.OWNER, then=Value(0)),
    When(role=MemberRole.ANIMATEUR, then=Value(1)),
    default=Value(2),
)


def community_memberships(
    community: Community, status: MembershipStatus | str = MembershipStatus.ACTIVE
) -> QuerySet[Membership]:
    """The community's memberships of one status with their people: owners, animateurs first."""
    return (
        community.memberships.filter(status=status)
        .select_related("user", "invited_by")
        .order_by(_ROLE_ORDER, "user__last_name", "user__first_name", "user__email")
    )


def invitations_for(user: User) -> QuerySet[Membership]:
    """The invitations waiting for the user's answer, newest first."""
    if not user.is_authenticated:
        return Membership.objects.none()
    return (
        Membership.objects.filter(user=user, status=MembershipStatus.INVITED)
        .select_related("community", "invited_by")
        .order_by("-created", "-pk")
    )


def notifications_for(user: User) -> QuerySet[Notification]:
    """The user's notifications, newest first (unread and read)."""
    return Notification.objects.filter(recipient=user).order_by("-created", "-pk")


def unread_notification_count(user: User) -> int:
    """How many unread notifications the user has (one COUNT query; 0 for visitors)."""
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def may_create_community(user: User) -> bool:
    """Whether the user may create a community: teachers and trainers (and administrators).

    Read through the permissions of the teacher's and trainer's spaces rather than group
    names: the header asks the same permissions, so Django's per-user cache answers both.
    """
    return (
        user.is_authenticated
        and user.is_active
        and any(user.has_perm(SPACE_PERMISSIONS[role]) for role in (Role.TEACHER, Role.TRAINER))
    )
