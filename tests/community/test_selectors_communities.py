"""Who sees which community, and the directory's reads (community/selectors.py)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from community.models import CommunityAccess, MemberRole, MembershipStatus
from community.selectors import (
    communities_visible_to,
    community_directory,
    community_memberships,
    invitations_for,
    my_communities,
    unread_notification_count,
    visible_community,
)
from tests.campus.factories import UserFactory
from tests.community.factories import CommunityFactory, NotificationFactory, member

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("access", [CommunityAccess.ON_REQUEST, CommunityAccess.INVITATION])
def test_selectors_visible_to_members_despite_someone_elses_ban(access, learner, trainer):
    """Banning one person hides the community from that person only, not from its members."""
    community = CommunityFactory(access=access)
    member(community, learner, MemberRole.OWNER)
    member(community, UserFactory(), status=MembershipStatus.BANNED)

    assert visible_community(learner, community.slug) == community
    assert list(communities_visible_to(learner)) == [community]
    member(community, trainer, status=MembershipStatus.BANNED)
    assert visible_community(trainer, community.slug) is None


def test_selectors_visible_to_by_access_and_status(learner, trainer, outsider):
    """Open and on-request ones are listed; invitation-only to members and invitees only."""
    public = CommunityFactory(access=CommunityAccess.PUBLIC)
    on_request = CommunityFactory(access=CommunityAccess.ON_REQUEST)
    private = CommunityFactory(access=CommunityAccess.INVITATION)
    archived = CommunityFactory(archived=True)
    member(private, learner)
    member(archived, learner)
    member(private, trainer, status=MembershipStatus.INVITED)
    member(public, outsider, status=MembershipStatus.BANNED)

    assert set(communities_visible_to(AnonymousUser())) == {public, on_request}
    assert set(communities_visible_to(outsider)) == {public, on_request}
    assert set(communities_visible_to(trainer)) == {public, on_request, private}
    assert set(communities_visible_to(learner)) == {public, on_request, private, archived}


def test_selectors_directory_counts_and_status(learner, trainer, outsider):
    """Each community counts its active members once and carries the reader's status."""
    community = CommunityFactory()
    member(community, learner, MemberRole.OWNER)
    member(community, trainer)
    member(community, outsider, status=MembershipStatus.PENDING)

    (row,) = community_directory(trainer)
    assert (row.member_count, row.my_status) == (2, MembershipStatus.ACTIVE)
    (row,) = community_directory(AnonymousUser())
    assert (row.member_count, row.my_status) == (2, None)
    assert list(my_communities(outsider)) == []
    assert list(my_communities(trainer)) == [community]


def test_selectors_memberships_owners_first_then_names(learner, trainer, outsider):
    """Members are listed owners first, then animateurs, then by name."""
    community = CommunityFactory()
    member(community, outsider)
    member(community, trainer, MemberRole.ANIMATEUR)
    member(community, learner, MemberRole.OWNER)
    member(community, UserFactory(), status=MembershipStatus.PENDING)

    assert [m.user for m in community_memberships(community)] == [learner, trainer, outsider]
    assert community_memberships(community, MembershipStatus.PENDING).count() == 1


def test_selectors_invitations_and_unread_count(learner, trainer):
    """A person's invitations and unread notifications are theirs only."""
    community = CommunityFactory()
    member(community, learner, status=MembershipStatus.INVITED)
    NotificationFactory.create_batch(2, recipient=learner)
    NotificationFactory(recipient=trainer)

    assert [m.community for m in invitations_for(learner)] == [community]
    assert list(invitations_for(trainer)) == []
    assert unread_notification_count(learner) == 2
    assert unread_notification_count(AnonymousUser()) == 0
