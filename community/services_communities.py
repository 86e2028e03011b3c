"""Writes about communities and who is in them: creating, settings, joining, roles, bans.

Any teacher or trainer may create a community and becomes its owner. How others get in
depends on its access: an open community is joined at once, an on-request one waits for an
animateur's approval (:func:`request_approve`, :func:`request_decline`), an invitation-only
one is entered by accepting an invitation (:func:`community_invite`, :func:`invitation_accept`).

Owners and animateurs "run" the community (approve, invite, ban); only owners make owners and
animateurs, archive the community, and a community always keeps at least one active owner.
A banned person keeps their row (status ``banned``) so that they can neither rejoin nor be
invited until an animateur lifts the ban, which deletes the row.

Every service takes the community's row lock first: membership changes of one community are
then applied one after the other, so two owners leaving at once cannot both be "not the last".
Every guard raises :class:`CommunityError` with a message shown to the user as is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import linebreaks
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campus.models import Academy, Degree, Discipline, User
from campus.sanitize import sanitize_html
from community import recognition
from community.models import (
    Community,
    CommunityAccess,
    CommunityKind,
    MemberRole,
    Membership,
    MembershipStatus,
    NotificationKind,
)
from community.selectors import may_create_community
from community.services_notifications import notification_create_many

# The fields of a community its owners and animateurs set (creation form and settings page).
COMMUNITY_FIELDS = ("name", "description", "kind", "access", "discipline", "degree", "academy")

# First path segments under /communautes/ that are not communities: a community must never
# take one as its slug, or its home would hide a page (see community.urls_communities).
RESERVED_SLUGS = frozenset(
    {
        "nouvelle",
        "invitations",
        "notifications",
        "ressources",
        "relectures",
        "relecture",
        "moderation",
        "salons",
        "recherche",
        "api",
    }
)

RUNNING_ROLES = (MemberRole.OWNER, MemberRole.ANIMATEUR)

# One sentence per role, so that translations can agree (« propriétaire », « animatrice »…).
ROLE_GIVEN = {
    MemberRole.OWNER: gettext_lazy("You are now an owner of « %(community)s »."),
    MemberRole.ANIMATEUR: gettext_lazy("You are now an animateur of « %(community)s »."),
    MemberRole.MEMBER: gettext_lazy("You are now a member of « %(community)s »."),
}


class CommunityError(Exception):
    """A community action the guards refuse; the message is shown to the user as is."""


# --- Notifications ---------------------------------------------------------------------------


def _notify(
    *, recipients: Iterable[User], actor: User, message: str, url: str, **params: object
) -> None:
    """Notify ``recipients`` of a membership event, in the site's language.

    The text is stored once and read later, on a page or in an email, by someone whose
    language is not the actor's: the site's default language is the best guess.
    """
    with translation.override(settings.LANGUAGE_CODE):
        text = str(message) % {key: str(value) for key, value in params.items()}
    notification_create_many(
        recipients=recipients, kind=NotificationKind.MEMBERSHIP, text=text, url=url, actor=actor
    )


def _name(user: User) -> str:
    return user.get_full_name() or user.email


def _home_url(community: Community) -> str:
    return reverse("community:community_detail", kwargs={"slug": community.slug})


def _members_url(community: Community) -> str:
    return reverse("community:community_members", kwargs={"slug": community.slug})


def _runners(community: Community) -> list[User]:
    return [
        m.user
        for m in community.memberships.filter(
            status=MembershipStatus.ACTIVE, role__in=RUNNING_ROLES
        ).select_related("user")
    ]


# --- Guards ----------------------------------------------------------------------------------


def _can_create(actor: User) -> None:
    """Refuse anybody but an active teacher or trainer."""
    if not actor.is_authenticated or not actor.is_active:
        raise CommunityError(_("Log in to create a community."))
    if not may_create_community(actor):
        raise CommunityError(_("Only teachers and trainers may create a community."))


def _logged_in(actor: User) -> None:
    if not actor.is_authenticated or not actor.is_active:
        raise CommunityError(_("Log in to take part in a community."))


def _lock(community: Community) -> Community:
    """Lock the community's row until commit (see the module's docstring)."""
    return Community.objects.select_for_update().get(pk=community.pk)


def _runs(actor: User, community: Community) -> Membership:
    """Refuse anybody but an active owner or animateur; return their membership."""
    _logged_in(actor)
    membership = Membership.objects.filter(user=actor, community=community).first()
    if membership is None or not membership.runs_community:
        raise CommunityError(_("Only the owners and animateurs of this community may do this."))
    return membership


def _owns(actor: User, community: Community) -> Membership:
    """Refuse anybody but an active owner; return their membership."""
    membership = _runs(actor, community)
    if membership.role != MemberRole.OWNER:
        raise CommunityError(_("Only the owners of this community may do this."))
    return membership


def _not_archived(community: Community) -> None:
    if community.archived:
        raise CommunityError(_("This community is archived."))


def _keeps_an_owner(membership: Membership) -> None:
    """Refuse to take away the last active owner of a community (by leaving, demotion, ban)."""
    if not (membership.role == MemberRole.OWNER and membership.is_active):
        return
    others = Membership.objects.filter(
        community_id=membership.community_id,
        role=MemberRole.OWNER,
        status=MembershipStatus.ACTIVE,
    ).exclude(pk=membership.pk)
    if not others.exists():
        raise CommunityError(
            _("A community needs an owner: make another member owner before that.")
        )


def _can_join(actor: User, community: Community, membership: Membership | None) -> None:
    """Why ``actor`` may not join or ask to join (an invitation is accepted elsewhere)."""
    _logged_in(actor)
    _not_archived(community)
    if membership is not None:
        if membership.status == MembershipStatus.BANNED:
            raise CommunityError(_("You can no longer take part in this community."))
        if membership.status == MembershipStatus.ACTIVE:
            raise CommunityError(_("You are already a member of this community."))
        if membership.status == MembershipStatus.PENDING:
            raise CommunityError(_("Your request to join this community is awaiting approval."))
    if community.access == CommunityAccess.INVITATION:
        raise CommunityError(_("This community is open by invitation only."))


def _can_leave(membership: Membership | None) -> Membership:
    if membership is None or membership.status == MembershipStatus.INVITED:
        raise CommunityError(_("You are not a member of this community."))
    if membership.status == MembershipStatus.BANNED:
        # Leaving would delete the row, and with it the ban.
        raise CommunityError(_("You can no longer take part in this community."))
    _keeps_an_owner(membership)
    return membership


def _can_invite(invitee: User | None, membership: Membership | None) -> User:
    if invitee is None:
        raise CommunityError(_("No Campus account uses this email address."))
    if membership is None:
        return invitee
    name = _name(invitee)
    messages = {
        MembershipStatus.ACTIVE: _("%(name)s is already a member of this community."),
        MembershipStatus.INVITED: _("%(name)s is already invited."),
        MembershipStatus.PENDING: _("%(name)s has asked to join: approve their request."),
        MembershipStatus.BANNED: _("%(name)s is banned from this community: lift the ban first."),
    }
    raise CommunityError(messages[membership.status] % {"name": name})


def _invited(actor: User, community: Community) -> Membership:
    _logged_in(actor)
    membership = Membership.objects.filter(
        user=actor, community=community, status=MembershipStatus.INVITED
    ).first()
    if membership is None:
        raise CommunityError(_("You have no invitation to this community."))
    return membership


def _is_request(membership: Membership) -> None:
    if membership.status != MembershipStatus.PENDING:
        raise CommunityError(_("This request has already been answered."))


def _can_change_role(actor_membership: Membership, membership: Membership, role: str) -> None:
    """Only owners make (or unmake) owners and animateurs; the last owner stays one."""
    if role not in MemberRole.values:
        raise CommunityError(_("Unknown role."))
    if not membership.is_active:
        raise CommunityError(_("Only active members have a role."))
    touches_runners = role in RUNNING_ROLES or membership.role in RUNNING_ROLES
    if touches_runners and actor_membership.role != MemberRole.OWNER:
        raise CommunityError(_("Only owners may make or unmake owners and animateurs."))
    if role != MemberRole.OWNER:
        _keeps_an_owner(membership)


def _can_ban(actor_membership: Membership, membership: Membership) -> None:
    """Animateurs ban members; banning an owner or an animateur is the owners'."""
    if membership.pk == actor_membership.pk:
        raise CommunityError(_("You cannot ban yourself."))
    if membership.status == MembershipStatus.BANNED:
        raise CommunityError(_("This person is already banned."))
    if membership.role in RUNNING_ROLES and actor_membership.role != MemberRole.OWNER:
        raise CommunityError(_("Only owners may ban an owner or an animateur."))
    _keeps_an_owner(membership)


def _is_banned(membership: Membership) -> None:
    if membership.status != MembershipStatus.BANNED:
        raise CommunityError(_("This person is not banned."))


# --- Communities -----------------------------------------------------------------------------


_HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>")


def _clean_description(description: str) -> str:
    """Sanitise the description; plain text keeps its paragraphs and line breaks."""
    description = description.strip()
    if description and not _HTML_TAG.search(description):
        description = linebreaks(description, autoescape=True)
    return sanitize_html(description)


def _unique_slug(name: str) -> str:
    base = slugify(name)[:120] or "communaute"
    if base in RESERVED_SLUGS:
        base = f"{base}-communaute"
    slug, n = base, 2
    while Community.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _check_fields(name: str, kind: str, access: str, degree: str) -> None:
    if not name.strip():
        raise CommunityError(_("A community needs a name."))
    if kind not in CommunityKind.values:
        raise CommunityError(_("Unknown kind of community."))
    if access not in CommunityAccess.values:
        raise CommunityError(_("Unknown access mode."))
    if degree and degree not in Degree.values:
        raise CommunityError(_("Unknown degree."))


@transaction.atomic
def community_create(
    *,
    actor: User,
    name: str,
    kind: str,
    description: str = "",
    access: str = CommunityAccess.PUBLIC,
    discipline: Discipline | None = None,
    degree: str = "",
    academy: Academy | None = None,
) -> Community:
    """Create a community; its creator becomes its first (active) owner."""
    _can_create(actor)
    _check_fields(name, kind, access, degree)
    community = Community.objects.create(
        name=name.strip(),
        slug=_unique_slug(name),
        description=_clean_description(description),
        kind=kind,
        access=access,
        discipline=discipline,
        degree=degree,
        academy=academy,
        created_by=actor,
    )
    membership = Membership.objects.create(
        community=community,
        user=actor,
        role=MemberRole.OWNER,
        status=MembershipStatus.ACTIVE,
        joined_at=timezone.now(),
    )
    recognition.community_animated(membership=membership)
    return community


@transaction.atomic
def community_update(
    *,
    actor: User,
    community: Community,
    name: str,
    kind: str,
    description: str = "",
    access: str = CommunityAccess.PUBLIC,
    discipline: Discipline | None = None,
    degree: str = "",
    academy: Academy | None = None,
) -> Community:
    """Change a community's settings (owners and animateurs); its address (slug) stays."""
    community = _lock(community)
    _runs(actor, community)
    _check_fields(name, kind, access, degree)
    community.name = name.strip()
    community.description = _clean_description(description)
    community.kind = kind
    community.access = access
    community.discipline = discipline
    community.degree = degree
    community.academy = academy
    community.save()
    return community


@transaction.atomic
def community_archive(*, actor: User, community: Community) -> Community:
    """Archive a community (owners): nobody joins it any more; members still read it."""
    community = _lock(community)
    _owns(actor, community)
    _not_archived(community)
    community.archived = True
    community.save(update_fields=["archived"])
    return community


@transaction.atomic
def community_unarchive(*, actor: User, community: Community) -> Community:
    """Bring an archived community back (owners)."""
    community = _lock(community)
    _owns(actor, community)
    if not community.archived:
        raise CommunityError(_("This community is not archived."))
    community.archived = False
    community.save(update_fields=["archived"])
    return community


# --- Joining and leaving ---------------------------------------------------------------------


@transaction.atomic
def community_join(*, actor: User, community: Community) -> Membership:
    """Join an open community, ask to join an on-request one, or accept an invitation.

    An on-request community's owners and animateurs are notified of the request.
    """
    community = _lock(community)
    _logged_in(actor)
    membership = Membership.objects.filter(user=actor, community=community).first()
    if membership is not None and membership.status == MembershipStatus.INVITED:
        return invitation_accept(actor=actor, community=community)
    _can_join(actor, community, membership)
    now = timezone.now()
    if community.access == CommunityAccess.PUBLIC:
        return Membership.objects.create(
            community=community, user=actor, status=MembershipStatus.ACTIVE, joined_at=now
        )
    membership = Membership.objects.create(
        community=community, user=actor, status=MembershipStatus.PENDING, created=now
    )
    _notify(
        recipients=_runners(community),
        actor=actor,
        message=gettext_lazy("%(name)s asks to join « %(community)s »."),
        url=_members_url(community) + "#requests",
        name=_name(actor),
        community=community.name,
    )
    return membership


@transaction.atomic
def community_leave(*, actor: User, community: Community) -> None:
    """Leave a community, or withdraw a request to join it; the last owner cannot leave."""
    community = _lock(community)
    _logged_in(actor)
    membership = _can_leave(Membership.objects.filter(user=actor, community=community).first())
    membership.delete()


# --- Invitations -----------------------------------------------------------------------------


@transaction.atomic
def community_invite(*, actor: User, community: Community, email: str) -> Membership:
    """Invite the person with this email address (owners and animateurs); they are notified."""
    community = _lock(community)
    _runs(actor, community)
    _not_archived(community)
    invitee = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    existing = (
        Membership.objects.filter(user=invitee, community=community).first() if invitee else None
    )
    invitee = _can_invite(invitee, existing)
    membership = Membership.objects.create(
        community=community,
        user=invitee,
        status=MembershipStatus.INVITED,
        invited_by=actor,
    )
    _notify(
        recipients=[invitee],
        actor=actor,
        message=gettext_lazy("%(name)s invites you to join « %(community)s »."),
        url=reverse("community:invitations"),
        name=_name(actor),
        community=community.name,
    )
    return membership


@transaction.atomic
def invitation_accept(*, actor: User, community: Community) -> Membership:
    """Accept an invitation: the invitee becomes an active member; the inviter is notified."""
    community = _lock(community)
    membership = _invited(actor, community)
    _not_archived(community)
    membership.status = MembershipStatus.ACTIVE
    membership.joined_at = timezone.now()
    membership.save(update_fields=["status", "joined_at"])
    if membership.invited_by is not None:
        _notify(
            recipients=[membership.invited_by],
            actor=actor,
            message=gettext_lazy("%(name)s accepted your invitation to « %(community)s »."),
            url=_members_url(community),
            name=_name(actor),
            community=community.name,
        )
    return membership


@transaction.atomic
def invitation_decline(*, actor: User, community: Community) -> None:
    """Decline an invitation: it is deleted (a later invitation is possible)."""
    community = _lock(community)
    _invited(actor, community).delete()


# --- Requests, roles and bans (owners and animateurs) ----------------------------------------


def _run_on(actor: User, membership: Membership) -> tuple[Community, Membership, Membership]:
    """Lock the membership's community, check the actor runs it, and re-read the membership.

    Returns the community, the actor's own membership and the membership as it is now
    (another animateur may have answered or removed it since the page was shown).
    """
    community = _lock(membership.community)
    actor_membership = _runs(actor, community)
    current = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(pk=membership.pk)
        .first()
    )
    if current is None:
        raise CommunityError(_("This person is no longer in this community."))
    return community, actor_membership, current


@transaction.atomic
def request_approve(*, actor: User, membership: Membership) -> Membership:
    """Approve a request to join; the requester becomes a member and is notified."""
    community, _actor_membership, membership = _run_on(actor, membership)
    _is_request(membership)
    _not_archived(community)
    membership.status = MembershipStatus.ACTIVE
    membership.joined_at = timezone.now()
    membership.save(update_fields=["status", "joined_at"])
    _notify(
        recipients=[membership.user],
        actor=actor,
        message=gettext_lazy("Your request to join « %(community)s » is approved."),
        url=_home_url(community),
        community=community.name,
    )
    return membership


@transaction.atomic
def request_decline(*, actor: User, membership: Membership) -> None:
    """Decline a request to join: it is deleted (they may ask again) and they are notified."""
    community, _actor_membership, membership = _run_on(actor, membership)
    _is_request(membership)
    user = membership.user
    membership.delete()
    _notify(
        recipients=[user],
        actor=actor,
        message=gettext_lazy("Your request to join « %(community)s » was declined."),
        url=reverse("community:community_list"),
        community=community.name,
    )


@transaction.atomic
def membership_role_change(*, actor: User, membership: Membership, role: str) -> Membership:
    """Give an active member another role; they are notified."""
    community, actor_membership, membership = _run_on(actor, membership)
    _can_change_role(actor_membership, membership, role)
    if membership.role == role:
        return membership
    membership.role = role
    membership.save(update_fields=["role"])
    # Made owner or animateur: the member's record says they run the community.
    recognition.community_animated(membership=membership)
    _notify(
        recipients=[membership.user],
        actor=actor,
        message=ROLE_GIVEN[role],
        url=_home_url(community),
        community=community.name,
    )
    return membership


@transaction.atomic
def membership_ban(*, actor: User, membership: Membership) -> Membership:
    """Ban someone (a member, a requester or an invitee): they can neither rejoin nor post."""
    _community, actor_membership, membership = _run_on(actor, membership)
    _can_ban(actor_membership, membership)
    membership.status = MembershipStatus.BANNED
    membership.role = MemberRole.MEMBER
    membership.save(update_fields=["status", "role"])
    return membership


@transaction.atomic
def membership_unban(*, actor: User, membership: Membership) -> None:
    """Lift a ban: the row goes, and the person may join again like anybody else."""
    _community, _actor_membership, membership = _run_on(actor, membership)
    _is_banned(membership)
    membership.delete()
