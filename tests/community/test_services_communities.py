"""Communities and membership: every guard of community/services_communities.py, both ways."""

from __future__ import annotations

import pytest

from campus.models import Academy, Degree, Discipline
from campus.roles import Role
from community.models import (
    Community,
    CommunityAccess,
    CommunityKind,
    MemberRole,
    Membership,
    MembershipStatus,
    Notification,
)
from community.selectors import is_member, runs_community
from community.services_communities import (
    CommunityError,
    community_archive,
    community_create,
    community_invite,
    community_join,
    community_leave,
    community_unarchive,
    community_update,
    invitation_accept,
    invitation_decline,
    membership_ban,
    membership_role_change,
    membership_unban,
    request_approve,
    request_decline,
)
from tests.campus.factories import UserFactory
from tests.community.factories import CommunityFactory, member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture(autouse=True)
def site_in_english(settings):
    """Notifications are written in the site's language: English here (the msgids)."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def maths(learner):
    """« Maths au collège », open to all, owned by Claire."""
    return community_create(actor=learner, name="Maths au collège", kind=CommunityKind.DISCIPLINE)


@pytest.fixture
def on_request(learner):
    """« Projet robotique », on request, owned by Claire."""
    return community_create(
        actor=learner,
        name="Projet robotique",
        kind=CommunityKind.PROJECT,
        access=CommunityAccess.ON_REQUEST,
    )


@pytest.fixture
def private(learner):
    """« Formateurs Lyon », by invitation only, owned by Claire."""
    return community_create(
        actor=learner,
        name="Formateurs Lyon",
        kind=CommunityKind.ACADEMY,
        access=CommunityAccess.INVITATION,
    )


def _notified(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("text", flat=True))


# --- Creating and settings -------------------------------------------------------------------


def test_services_community_create_makes_the_creator_owner(trainer):
    """A trainer creates a community (sanitised description, unique slug) and owns it."""
    discipline = Discipline.objects.first()
    academy = Academy.objects.get(slug="lyon")
    first = community_create(
        actor=trainer,
        name="Physique-chimie",
        kind=CommunityKind.DISCIPLINE,
        description='<p onclick="x()">Bonjour<script>alert(1)</script></p>',
        discipline=discipline,
        degree=Degree.SECOND,
        academy=academy,
    )
    second = community_create(actor=trainer, name="Physique-chimie", kind=CommunityKind.PROJECT)

    assert first.slug == "physique-chimie"
    assert second.slug == "physique-chimie-2"
    assert first.description == "<p>Bonjour</p>"
    assert (first.discipline, first.degree, first.academy) == (discipline, "second", academy)
    assert runs_community(trainer, first)
    assert Membership.objects.get(community=first).role == MemberRole.OWNER


def test_services_community_create_keeps_plain_text_paragraphs(learner):
    """A plain-text description keeps its paragraphs, with its text escaped."""
    community = community_create(
        actor=learner,
        name="Lettres",
        kind=CommunityKind.DISCIPLINE,
        description="Premier paragraphe <3\n\nSecond",
    )
    assert community.description == "<p>Premier paragraphe &lt;3</p>\n\n<p>Second</p>"


def test_services_community_create_never_takes_a_reserved_slug(learner):
    """A community named like another page of /communautes/ gets another slug."""
    community = community_create(actor=learner, name="Notifications", kind=CommunityKind.PROJECT)
    assert community.slug == "notifications-communaute"


@pytest.mark.parametrize("persona", ["outsider", "inspector", "editor"])
def test_services_community_create_refuses_people_without_teacher_or_trainer_role(request, persona):
    """Only teachers and trainers create communities."""
    with pytest.raises(CommunityError, match="Only teachers and trainers"):
        community_create(
            actor=request.getfixturevalue(persona), name="X", kind=CommunityKind.PROJECT
        )
    assert not Community.objects.exists()


def test_services_community_create_refuses_bad_fields(learner):
    """A blank name or an unknown kind is refused and nothing is stored."""
    with pytest.raises(CommunityError, match="needs a name"):
        community_create(actor=learner, name="  ", kind=CommunityKind.PROJECT)
    with pytest.raises(CommunityError, match="Unknown kind"):
        community_create(actor=learner, name="X", kind="club")
    assert not Community.objects.exists()


def test_services_community_update_by_animateur_not_by_member(maths, trainer, outsider):
    """Animateurs change the settings (slug kept); members may not."""
    member(maths, trainer, MemberRole.ANIMATEUR)
    member(maths, outsider)

    community_update(
        actor=trainer,
        community=maths,
        name="Mathématiques",
        kind=CommunityKind.LEVEL,
        access=CommunityAccess.ON_REQUEST,
    )
    maths.refresh_from_db()
    assert (maths.name, maths.slug) == ("Mathématiques", "maths-au-college")
    assert maths.access == CommunityAccess.ON_REQUEST

    with pytest.raises(CommunityError, match="owners and animateurs"):
        community_update(actor=outsider, community=maths, name="Piraté", kind="project")
    maths.refresh_from_db()
    assert maths.name == "Mathématiques"


def test_services_community_archive_by_owners_only(maths, trainer):
    """An animateur cannot archive; the owner archives, then brings it back."""
    member(maths, trainer, MemberRole.ANIMATEUR)
    with pytest.raises(CommunityError, match="Only the owners"):
        community_archive(actor=trainer, community=maths)

    community_archive(actor=maths.memberships.get(role="owner").user, community=maths)
    maths.refresh_from_db()
    assert maths.archived
    with pytest.raises(CommunityError, match="archived"):
        community_archive(actor=maths.memberships.get(role="owner").user, community=maths)

    community_unarchive(actor=maths.memberships.get(role="owner").user, community=maths)
    maths.refresh_from_db()
    assert not maths.archived


# --- Joining and leaving ---------------------------------------------------------------------


def test_services_community_join_public_is_immediate(maths, trainer):
    """Joining an open community makes an active member at once."""
    membership = community_join(actor=trainer, community=maths)
    assert membership.status == MembershipStatus.ACTIVE
    assert membership.joined_at is not None
    assert is_member(trainer, maths)


def test_services_community_join_on_request_waits_and_notifies_animateurs(
    on_request, learner, trainer, inspector
):
    """A request is pending; the owner and animateurs are notified, not the members."""
    animateur = UserFactory(roles=[Role.TEACHER])
    member(on_request, animateur, MemberRole.ANIMATEUR)
    member(on_request, inspector)

    membership = community_join(actor=trainer, community=on_request)

    assert membership.status == MembershipStatus.PENDING
    assert not is_member(trainer, on_request)
    assert _notified(learner) == ["Karim Benali asks to join « Projet robotique »."]
    assert len(_notified(animateur)) == 1
    assert _notified(inspector) == []


def test_services_community_join_invitation_only_refused_unless_invited(private, trainer):
    """An invitation-only community cannot be joined without an invitation."""
    with pytest.raises(CommunityError, match="invitation only"):
        community_join(actor=trainer, community=private)
    assert not Membership.objects.filter(user=trainer).exists()


def test_services_community_join_twice_or_pending_is_refused(maths, on_request, trainer):
    """Already a member, or already asked: refused with the reason."""
    community_join(actor=trainer, community=maths)
    with pytest.raises(CommunityError, match="already a member"):
        community_join(actor=trainer, community=maths)
    community_join(actor=trainer, community=on_request)
    with pytest.raises(CommunityError, match="awaiting approval"):
        community_join(actor=trainer, community=on_request)


def test_services_community_join_refused_when_archived(maths, learner, trainer):
    """Nobody joins an archived community."""
    community_archive(actor=learner, community=maths)
    with pytest.raises(CommunityError, match="archived"):
        community_join(actor=trainer, community=maths)


def test_services_community_join_refused_to_banned_person(maths, learner, trainer):
    """A banned person cannot rejoin, even an open community."""
    membership = community_join(actor=trainer, community=maths)
    membership_ban(actor=learner, membership=membership)
    with pytest.raises(CommunityError, match="no longer take part"):
        community_join(actor=trainer, community=maths)
    assert not is_member(trainer, maths)


def test_services_community_join_refused_to_anonymous(maths):
    """A visitor must log in first."""
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(CommunityError, match="Log in"):
        community_join(actor=AnonymousUser(), community=maths)


def test_services_community_leave_member_and_pending(maths, on_request, trainer):
    """A member leaves; a requester withdraws their request."""
    community_join(actor=trainer, community=maths)
    community_leave(actor=trainer, community=maths)
    assert not Membership.objects.filter(user=trainer, community=maths).exists()

    community_join(actor=trainer, community=on_request)
    community_leave(actor=trainer, community=on_request)
    assert not Membership.objects.filter(user=trainer, community=on_request).exists()


def test_services_community_leave_refuses_the_last_owner(maths, learner, trainer):
    """The last owner cannot leave; once another owner is named, they can."""
    with pytest.raises(CommunityError, match="needs an owner"):
        community_leave(actor=learner, community=maths)

    membership = community_join(actor=trainer, community=maths)
    membership_role_change(actor=learner, membership=membership, role=MemberRole.OWNER)
    community_leave(actor=learner, community=maths)
    assert not is_member(learner, maths)


def test_services_community_leave_refuses_non_members_and_banned(maths, learner, trainer):
    """Leaving needs a membership, and a ban cannot be erased by leaving."""
    with pytest.raises(CommunityError, match="not a member"):
        community_leave(actor=trainer, community=maths)
    membership_ban(actor=learner, membership=community_join(actor=trainer, community=maths))
    with pytest.raises(CommunityError, match="no longer take part"):
        community_leave(actor=trainer, community=maths)
    assert Membership.objects.get(user=trainer).status == MembershipStatus.BANNED


# --- Invitations -----------------------------------------------------------------------------


def test_services_community_invite_notifies_and_accept_makes_a_member(private, learner, trainer):
    """The invitee is notified, accepts, becomes a member; the inviter is notified."""
    membership = community_invite(actor=learner, community=private, email="KARIM.benali@ac-lyon.fr")

    assert membership.status == MembershipStatus.INVITED
    assert membership.invited_by == learner
    assert _notified(trainer) == ["Claire Martin invites you to join « Formateurs Lyon »."]

    invitation_accept(actor=trainer, community=private)
    assert is_member(trainer, private)
    assert _notified(learner) == ["Karim Benali accepted your invitation to « Formateurs Lyon »."]


def test_services_community_join_accepts_a_pending_invitation(private, learner, trainer):
    """Joining when invited accepts the invitation, whatever the access."""
    community_invite(actor=learner, community=private, email=trainer.email)
    assert community_join(actor=trainer, community=private).status == MembershipStatus.ACTIVE


def test_services_invitation_decline_deletes_it(private, learner, trainer):
    """Declining deletes the invitation; one cannot accept or decline without one."""
    community_invite(actor=learner, community=private, email=trainer.email)
    invitation_decline(actor=trainer, community=private)
    assert not Membership.objects.filter(user=trainer).exists()

    with pytest.raises(CommunityError, match="no invitation"):
        invitation_accept(actor=trainer, community=private)
    with pytest.raises(CommunityError, match="no invitation"):
        invitation_decline(actor=trainer, community=private)


def test_services_community_invite_by_members_is_refused(private, learner, trainer, inspector):
    """Plain members cannot invite; nobody is invited."""
    member(private, inspector)
    with pytest.raises(CommunityError, match="owners and animateurs"):
        community_invite(actor=inspector, community=private, email=trainer.email)
    assert not Membership.objects.filter(user=trainer).exists()


def test_services_community_invite_by_animateur_is_allowed(private, trainer, inspector):
    """Animateurs invite too."""
    member(private, trainer, MemberRole.ANIMATEUR)
    community_invite(actor=trainer, community=private, email=inspector.email)
    assert Membership.objects.get(user=inspector).status == MembershipStatus.INVITED


def test_services_community_invite_refusals(private, learner, trainer, inspector, outsider):
    """Unknown address, member, already invited, requester and banned person are refused."""
    with pytest.raises(CommunityError, match="No Campus account"):
        community_invite(actor=learner, community=private, email="personne@example.org")

    member(private, trainer)
    with pytest.raises(CommunityError, match="already a member"):
        community_invite(actor=learner, community=private, email=trainer.email)

    community_invite(actor=learner, community=private, email=inspector.email)
    with pytest.raises(CommunityError, match="already invited"):
        community_invite(actor=learner, community=private, email=inspector.email)

    member(private, outsider, status=MembershipStatus.PENDING)
    with pytest.raises(CommunityError, match="approve their request"):
        community_invite(actor=learner, community=private, email=outsider.email)

    banned = UserFactory()
    member(private, banned, status=MembershipStatus.BANNED)
    with pytest.raises(CommunityError, match="lift the ban"):
        community_invite(actor=learner, community=private, email=banned.email)


def test_services_community_invite_refused_when_archived(private, learner, trainer):
    """An archived community takes no invitation."""
    community_archive(actor=learner, community=private)
    with pytest.raises(CommunityError, match="archived"):
        community_invite(actor=learner, community=private, email=trainer.email)


# --- Requests --------------------------------------------------------------------------------


def test_services_request_approve_by_animateur_notifies(on_request, learner, trainer):
    """An owner approves a request; the requester becomes a member and is notified."""
    membership = community_join(actor=trainer, community=on_request)
    request_approve(actor=learner, membership=membership)
    assert is_member(trainer, on_request)
    assert _notified(trainer) == ["Your request to join « Projet robotique » is approved."]

    with pytest.raises(CommunityError, match="already been answered"):
        request_approve(actor=learner, membership=membership)


def test_services_request_approve_refused_to_members(on_request, trainer, inspector):
    """A plain member cannot approve a request."""
    member(on_request, inspector)
    membership = community_join(actor=trainer, community=on_request)
    with pytest.raises(CommunityError, match="owners and animateurs"):
        request_approve(actor=inspector, membership=membership)
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.PENDING


def test_services_request_approve_refused_from_another_community(on_request, trainer, inspector):
    """Running one community gives no power over another's requests."""
    community_create(actor=trainer, name="Autre", kind=CommunityKind.PROJECT)
    membership = community_join(actor=inspector, community=on_request)
    with pytest.raises(CommunityError, match="owners and animateurs"):
        request_approve(actor=trainer, membership=membership)
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.PENDING


def test_services_request_decline_deletes_and_notifies(on_request, learner, trainer):
    """Declining deletes the request (they may ask again) and tells them."""
    membership = community_join(actor=trainer, community=on_request)
    request_decline(actor=learner, membership=membership)
    assert not Membership.objects.filter(user=trainer).exists()
    assert _notified(trainer) == ["Your request to join « Projet robotique » was declined."]
    community_join(actor=trainer, community=on_request)


def test_services_request_decline_refused_to_members_and_on_active(
    on_request, learner, trainer, inspector
):
    """A member cannot decline; an active membership is no request."""
    member(on_request, inspector)
    membership = community_join(actor=trainer, community=on_request)
    with pytest.raises(CommunityError, match="owners and animateurs"):
        request_decline(actor=inspector, membership=membership)
    with pytest.raises(CommunityError, match="already been answered"):
        request_decline(actor=learner, membership=on_request.memberships.get(user=inspector))


# --- Roles -----------------------------------------------------------------------------------


def test_services_membership_role_change_by_owner_notifies(maths, learner, trainer):
    """The owner makes a member animateur; the member is notified."""
    membership = community_join(actor=trainer, community=maths)
    membership_role_change(actor=learner, membership=membership, role=MemberRole.ANIMATEUR)
    assert runs_community(trainer, maths)
    assert _notified(trainer) == ["You are now an animateur of « Maths au collège »."]


def test_services_membership_role_change_animateurs_cannot_make_runners(maths, trainer, inspector):
    """An animateur can neither make an animateur nor demote one."""
    member(maths, trainer, MemberRole.ANIMATEUR)
    target = member(maths, inspector)
    with pytest.raises(CommunityError, match="Only owners"):
        membership_role_change(actor=trainer, membership=target, role=MemberRole.ANIMATEUR)
    other = member(maths, UserFactory(), MemberRole.ANIMATEUR)
    with pytest.raises(CommunityError, match="Only owners"):
        membership_role_change(actor=trainer, membership=other, role=MemberRole.MEMBER)
    target.refresh_from_db()
    assert target.role == MemberRole.MEMBER


def test_services_membership_role_change_keeps_an_owner(maths, learner):
    """The last owner cannot step down."""
    own = maths.memberships.get(user=learner)
    with pytest.raises(CommunityError, match="needs an owner"):
        membership_role_change(actor=learner, membership=own, role=MemberRole.MEMBER)


def test_services_membership_role_change_refuses_inactive_and_unknown(on_request, learner, trainer):
    """A requester has no role yet; an unknown role is refused."""
    pending = community_join(actor=trainer, community=on_request)
    with pytest.raises(CommunityError, match="Only active members"):
        membership_role_change(actor=learner, membership=pending, role=MemberRole.MEMBER)
    with pytest.raises(CommunityError, match="Unknown role"):
        membership_role_change(actor=learner, membership=pending, role="king")


def test_services_membership_role_change_refused_to_members(maths, trainer, inspector):
    """A plain member changes nobody's role."""
    member(maths, trainer)
    target = member(maths, inspector)
    with pytest.raises(CommunityError, match="owners and animateurs"):
        membership_role_change(actor=trainer, membership=target, role=MemberRole.MEMBER)


# --- Bans ------------------------------------------------------------------------------------


def test_services_membership_ban_by_animateur_then_unban(maths, trainer, inspector):
    """An animateur bans a member (no longer a member) and lifts the ban (may rejoin)."""
    member(maths, trainer, MemberRole.ANIMATEUR)
    target = member(maths, inspector)

    membership_ban(actor=trainer, membership=target)
    assert not is_member(inspector, maths)
    with pytest.raises(CommunityError, match="already banned"):
        membership_ban(actor=trainer, membership=target)

    membership_unban(actor=trainer, membership=target)
    assert not Membership.objects.filter(user=inspector).exists()
    community_join(actor=inspector, community=maths)
    with pytest.raises(CommunityError, match="not banned"):
        membership_unban(actor=trainer, membership=maths.memberships.get(user=inspector))


def test_services_membership_ban_guards(maths, learner, trainer, inspector):
    """Members ban nobody; animateurs cannot ban runners or themselves; owners can."""
    animateur = member(maths, trainer, MemberRole.ANIMATEUR)
    plain = member(maths, inspector)
    owner = maths.memberships.get(user=learner)

    with pytest.raises(CommunityError, match="owners and animateurs"):
        membership_ban(actor=inspector, membership=animateur)
    with pytest.raises(CommunityError, match="Only owners"):
        membership_ban(actor=trainer, membership=owner)
    with pytest.raises(CommunityError, match="yourself"):
        membership_ban(actor=trainer, membership=animateur)
    assert plain.status == MembershipStatus.ACTIVE

    membership_ban(actor=learner, membership=animateur)
    animateur.refresh_from_db()
    assert (animateur.status, animateur.role) == (MembershipStatus.BANNED, MemberRole.MEMBER)


def test_services_membership_unban_refused_to_members(maths, learner, trainer, inspector):
    """Only those who run the community lift a ban."""
    banned = membership_ban(actor=learner, membership=member(maths, trainer))
    member(maths, inspector)
    with pytest.raises(CommunityError, match="owners and animateurs"):
        membership_unban(actor=inspector, membership=banned)
    assert Membership.objects.get(pk=banned.pk).status == MembershipStatus.BANNED


def test_services_membership_actions_refused_across_communities(maths, learner, trainer):
    """An owner of one community cannot ban in another one."""
    other = CommunityFactory()
    target = member(other, trainer)
    with pytest.raises(CommunityError, match="owners and animateurs"):
        membership_ban(actor=learner, membership=target)
    assert is_member(trainer, other)
