"""Communities' pages over HTTP: who sees what, who may do what, and what it costs."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import Resolver404, resolve, reverse

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
from community.selectors import is_member
from tests.campus.factories import UserFactory
from tests.community.factories import (
    CommunityFactory,
    NotificationFactory,
    RoomFactory,
    member,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def maths(learner):
    """« Maths au collège », open to all: Claire owns it."""
    community = CommunityFactory(
        name="Maths au collège",
        slug="maths-au-college",
        kind=CommunityKind.DISCIPLINE,
        description="<p>Des <strong>scénarios</strong> pour le cycle 4.</p>",
    )
    member(community, learner, MemberRole.OWNER)
    return community


@pytest.fixture
def robotics(learner):
    """« Projet robotique », on request: Claire owns it."""
    community = CommunityFactory(
        name="Projet robotique", slug="robotique", access=CommunityAccess.ON_REQUEST
    )
    member(community, learner, MemberRole.OWNER)
    return community


@pytest.fixture
def private(learner):
    """« Cercle des formateurs », by invitation only: Claire owns it."""
    community = CommunityFactory(
        name="Cercle des formateurs", slug="cercle", access=CommunityAccess.INVITATION
    )
    member(community, learner, MemberRole.OWNER)
    return community


def _client(user=None) -> Client:
    """A browser in English (the msgids), logged in as ``user`` if given."""
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if user is not None:
        client.force_login(user)
    return client


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def url(name: str, *args) -> str:
    return reverse(f"community:{name}", args=args)


# --- URLs ------------------------------------------------------------------------------------


def test_views_communities_reserved_words_are_not_community_homes():
    """The pages of /communautes/ and the other parts' paths are never taken for a slug."""
    assert resolve("/communautes/notifications/").url_name == "notifications"
    assert resolve("/communautes/nouvelle/").url_name == "community_create"
    assert resolve("/communautes/maths/").url_name == "community_detail"
    for word in ("ressources", "relectures", "moderation"):
        try:
            name = resolve(f"/communautes/{word}/").url_name
        except Resolver404:  # Not (yet) a page of another part: a 404 is fine too.
            name = None
        assert name != "community_detail"


# --- The directory ---------------------------------------------------------------------------


def test_views_community_list_hides_invitation_only_from_outsiders(
    maths, robotics, private, outsider, learner
):
    """Visitors and outsiders see open and on-request communities; members see their own."""
    for client in (_client(), _client(outsider)):
        page = client.get(url("community_list")).content.decode()
        assert "Maths au collège" in page
        assert "Projet robotique" in page
        assert "Cercle des formateurs" not in page

    page = _client(learner).get(url("community_list")).content.decode()
    assert "Cercle des formateurs" in page


def test_views_community_list_filters(learner, outsider):
    """Kind, discipline, degree, académie and text narrow the directory."""
    discipline = Discipline.objects.first()
    lyon = Academy.objects.get(slug="lyon")
    CommunityFactory(name="Alpha", kind=CommunityKind.PROJECT, description="<p>robots</p>")
    CommunityFactory(name="Beta", kind=CommunityKind.DISCIPLINE, discipline=discipline)
    CommunityFactory(name="Gamma", kind=CommunityKind.LEVEL, degree=Degree.FIRST)
    CommunityFactory(name="Delta", kind=CommunityKind.ACADEMY, academy=lyon)
    client = _client(outsider)

    def names(**params) -> list[str]:
        response = client.get(url("community_list"), params)
        return [c.name for c in response.context["communities"]]

    assert names() == ["Alpha", "Beta", "Delta", "Gamma"]
    assert names(kind="project") == ["Alpha"]
    assert names(discipline=discipline.slug) == ["Beta"]
    assert names(degree="premier") == ["Gamma"]
    assert names(academy="lyon") == ["Delta"]
    assert names(text="ROBOT") == ["Alpha"]
    assert names(text="bet") == ["Beta"]


def test_views_community_list_shows_my_communities(maths, robotics, trainer):
    """« My communities » lists the active memberships only."""
    member(maths, trainer)
    member(robotics, trainer, status=MembershipStatus.PENDING)
    response = _client(trainer).get(url("community_list"))
    assert [c.name for c in response.context["mine"]] == ["Maths au collège"]
    assert "Request sent" in response.content.decode()


def test_views_community_list_member_counts_are_right(maths, learner, trainer, outsider):
    """The member count counts active members once, whoever looks."""
    member(maths, trainer)
    member(maths, outsider, status=MembershipStatus.PENDING)
    response = _client(learner).get(url("community_list"))
    (community,) = response.context["communities"]
    assert community.member_count == 2
    assert community.my_status == MembershipStatus.ACTIVE


def test_views_community_list_query_count_is_constant(learner, django_assert_num_queries):
    """The directory costs the same number of queries for 2 or 12 communities."""
    for _ in range(2):
        member(CommunityFactory(), learner)
    client = _client(learner)
    client.get(url("community_list"))  # Warm up the session and the content types.

    # Session, user, count of the page, page, my communities, the header's two permission
    # queries (cached, then read again for the create button), the discipline and académie
    # choices of the filters, the unread badge.
    with django_assert_num_queries(10) as captured:
        client.get(url("community_list"))
    for _ in range(10):
        member(CommunityFactory(), learner, MemberRole.OWNER)
    with django_assert_num_queries(len(captured.captured_queries)):
        client.get(url("community_list"))


# --- Creating --------------------------------------------------------------------------------


def test_views_community_create_by_teacher(learner):
    """A teacher creates a community and lands on its members' page as its owner."""
    response = _client(learner).post(
        url("community_create"),
        {"name": "Histoire-géo", "kind": "discipline", "access": "request", "description": ""},
    )
    community = Community.objects.get()
    assert response.status_code == 302
    assert response.url == url("community_members", community.slug)
    assert Membership.objects.get(community=community).role == MemberRole.OWNER


def test_views_community_create_flash_message_escapes_the_name(learner):
    """A name with markup shows as text in the confirmation (flash messages are not trusted)."""
    response = _client(learner).post(
        url("community_create"),
        {"name": "<script>alert(1)</script>", "kind": "project", "access": "public"},
        follow=True,
    )
    content = response.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content
    assert "<script>alert(1)</script>" not in content


def test_views_community_create_refused_without_role(outsider):
    """Logged-in people without the teacher or trainer role get a 403; visitors log in."""
    assert _client(outsider).get(url("community_create")).status_code == 403
    assert _client(outsider).post(url("community_create"), {"name": "X"}).status_code == 403
    response = _client().get(url("community_create"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert not Community.objects.exists()


def test_views_community_create_invalid_form_shows_errors(learner):
    """A missing name is a form error, nothing is stored."""
    response = _client(learner).post(url("community_create"), {"kind": "project"})
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert not Community.objects.exists()


# --- A community's home ----------------------------------------------------------------------


def test_views_community_detail_for_visitors_and_members(maths, learner, outsider):
    """Everybody reads an open community; only members see its rooms."""
    RoomFactory(community=maths, name="Salle des profs")
    RoomFactory(community=maths, name="Ancien salon", archived=True)

    page = _client().get(url("community_detail", maths.slug)).content.decode()
    assert "<strong>scénarios</strong>" in page
    assert "Log in to join" in page
    assert "Salle des profs" not in page

    page = _client(outsider).get(url("community_detail", maths.slug)).content.decode()
    assert "Join the community" in page
    assert "Salle des profs" not in page

    response = _client(learner).get(url("community_detail", maths.slug))
    page = response.content.decode()
    assert "Salle des profs" in page
    assert "Ancien salon" not in page
    assert "Leave the community" in page
    assert response.context["member_count"] == 1


def test_views_community_detail_invitation_only_is_a_404_to_outsiders(private, trainer):
    """An invitation-only community does not exist for outsiders, and exists for invitees."""
    for client in (_client(), _client(trainer)):
        assert client.get(url("community_detail", private.slug)).status_code == 404
        assert client.get(url("community_members", private.slug)).status_code in (302, 404)

    member(private, trainer, status=MembershipStatus.INVITED)
    page = _client(trainer).get(url("community_detail", private.slug)).content.decode()
    assert "Accept the invitation" in page


def test_views_community_detail_on_request_offers_to_ask(robotics, trainer):
    """An on-request community offers « Ask to join », then shows the pending request."""
    client = _client(trainer)
    assert "Ask to join" in client.get(url("community_detail", robotics.slug)).content.decode()
    client.post(url("community_join", robotics.slug))
    page = client.get(url("community_detail", robotics.slug)).content.decode()
    assert "Withdraw my request" in page


def test_views_community_detail_banned_from_on_request_is_a_404(robotics, trainer):
    """A banned person no longer sees an on-request community."""
    member(robotics, trainer, status=MembershipStatus.BANNED)
    assert _client(trainer).get(url("community_detail", robotics.slug)).status_code == 404


def test_views_community_detail_unknown_slug_is_a_404(outsider):
    """A slug that names no community is a 404."""
    assert _client(outsider).get(url("community_detail", "nulle-part")).status_code == 404


# --- Joining and leaving ---------------------------------------------------------------------


def test_views_community_join_and_leave(maths, trainer):
    """Join then leave an open community through the buttons."""
    client = _client(trainer)
    response = client.post(url("community_join", maths.slug), follow=True)
    assert is_member(trainer, maths)
    assert "Welcome to « Maths au collège »!" in _messages(response)

    response = client.post(url("community_leave", maths.slug), follow=True)
    assert not is_member(trainer, maths)
    assert response.redirect_chain[-1][0] == url("community_list")


def test_views_community_join_refused_to_banned_member(maths, trainer):
    """A banned person sees why, and stays out."""
    member(maths, trainer, status=MembershipStatus.BANNED)
    response = _client(trainer).post(url("community_join", maths.slug), follow=True)
    assert "You can no longer take part in this community." in _messages(response)
    assert Membership.objects.get(user=trainer).status == MembershipStatus.BANNED


def test_views_community_join_needs_login_post_and_csrf(maths, trainer):
    """Visitors are sent to log in; GET is refused; a POST without its token is a 403."""
    response = _client().post(url("community_join", maths.slug))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert _client(trainer).get(url("community_join", maths.slug)).status_code == 405

    strict = Client(enforce_csrf_checks=True)
    strict.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    strict.force_login(trainer)
    assert strict.post(url("community_join", maths.slug)).status_code == 403
    assert not is_member(trainer, maths)


def test_views_community_join_invitation_only_is_a_404_to_outsiders(private, trainer):
    """Posting to an invisible community's buttons is a 404, nothing is stored."""
    assert _client(trainer).post(url("community_join", private.slug)).status_code == 404
    assert not Membership.objects.filter(user=trainer).exists()


def test_views_last_owner_cannot_leave(maths, learner):
    """The last owner is told to hand over first."""
    response = _client(learner).post(url("community_leave", maths.slug), follow=True)
    assert "A community needs an owner: make another member owner before that." in _messages(
        response
    )
    assert is_member(learner, maths)


# --- Invitations -----------------------------------------------------------------------------


def test_views_invitations_list_accept_and_decline(private, maths, learner, trainer):
    """The invitee sees their invitations, accepts one and declines the other."""
    member(private, trainer, status=MembershipStatus.INVITED, invited_by=learner)
    member(maths, trainer, status=MembershipStatus.INVITED, invited_by=learner)
    client = _client(trainer)

    page = client.get(url("invitations")).content.decode()
    assert "Cercle des formateurs" in page
    assert "Invited by Claire Martin" in page

    client.post(url("invitation_accept", private.slug))
    assert is_member(trainer, private)
    response = client.post(url("invitation_decline", maths.slug))
    assert response.url == url("invitations")
    assert not Membership.objects.filter(user=trainer, community=maths).exists()


def test_views_invitations_needs_login():
    """Visitors are sent to log in."""
    response = _client().get(url("invitations"))
    assert response.status_code == 302


# --- Members' page ---------------------------------------------------------------------------


def test_views_community_members_for_members_only(maths, trainer, outsider):
    """Members read the list without the management parts; others get a 403."""
    member(maths, trainer)
    assert _client(outsider).get(url("community_members", maths.slug)).status_code == 403
    response = _client(trainer).get(url("community_members", maths.slug))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Claire" in page and "Karim" in page
    assert "Invite someone" not in page
    assert "Requests to join" not in page


def test_views_community_members_banned_is_refused(maths, trainer):
    """A banned person cannot read the members of an open community."""
    member(maths, trainer, status=MembershipStatus.BANNED)
    assert _client(trainer).get(url("community_members", maths.slug)).status_code == 403


def test_views_community_members_runners_manage(robotics, learner, trainer, outsider):
    """The owner sees requests, invites by email, and sees the invitation listed."""
    member(robotics, trainer, status=MembershipStatus.PENDING)
    client = _client(learner)
    page = client.get(url("community_members", robotics.slug)).content.decode()
    assert "Requests to join" in page
    assert "Karim Benali" in page

    response = client.post(
        url("community_members", robotics.slug), {"email": outsider.email}, follow=True
    )
    assert "Olivier Roux is invited." in _messages(response)
    assert Membership.objects.get(user=outsider).status == MembershipStatus.INVITED
    assert Notification.objects.filter(recipient=outsider).count() == 1


def test_views_community_members_invite_errors_on_the_form(maths, learner, trainer):
    """A bad address or an unknown person is an error on the form, nothing is stored."""
    client = _client(learner)
    response = client.post(url("community_members", maths.slug), {"email": "pas-une-adresse"})
    assert response.status_code == 200
    assert response.context["form"].errors["email"]

    response = client.post(url("community_members", maths.slug), {"email": "x@example.org"})
    assert response.context["form"].errors["email"] == [
        "No Campus account uses this email address."
    ]
    assert Membership.objects.count() == 1


def test_views_community_members_invite_refused_to_members(maths, trainer, outsider):
    """A member posting the invitation form gets a 403."""
    member(maths, trainer)
    response = _client(trainer).post(
        url("community_members", maths.slug), {"email": outsider.email}
    )
    assert response.status_code == 403
    assert not Membership.objects.filter(user=outsider).exists()


def test_views_request_approve_and_decline(robotics, learner, trainer, outsider):
    """The owner approves one request and declines another."""
    asked = member(robotics, trainer, status=MembershipStatus.PENDING)
    other = member(robotics, outsider, status=MembershipStatus.PENDING)
    client = _client(learner)

    response = client.post(url("request_approve", robotics.slug, asked.pk), follow=True)
    assert "Karim Benali is now a member." in _messages(response)
    assert is_member(trainer, robotics)
    client.post(url("request_decline", robotics.slug, other.pk))
    assert not Membership.objects.filter(pk=other.pk).exists()


def test_views_membership_actions_refused_to_members(robotics, trainer, outsider):
    """A plain member gets a 403 on every management button; nothing changes."""
    member(robotics, trainer)
    target = member(robotics, outsider, status=MembershipStatus.PENDING)
    client = _client(trainer)
    for name in ("request_approve", "request_decline", "membership_ban", "membership_unban"):
        assert client.post(url(name, robotics.slug, target.pk)).status_code == 403
    assert (
        client.post(url("membership_role", robotics.slug, target.pk), {"role": "owner"}).status_code
        == 403
    )
    assert client.post(url("community_archive", robotics.slug)).status_code == 403
    target.refresh_from_db()
    assert target.status == MembershipStatus.PENDING


def test_views_membership_actions_on_another_communitys_member_are_a_404(
    maths, robotics, learner, trainer
):
    """A membership of another community is not found through this one."""
    other = CommunityFactory()
    target = member(other, trainer)
    assert _client(learner).post(url("membership_ban", maths.slug, target.pk)).status_code == 404
    assert is_member(trainer, other)


def test_views_membership_role_and_ban_by_owner(maths, learner, trainer, outsider):
    """The owner makes an animateur, bans a member, then lifts the ban."""
    animateur = member(maths, trainer)
    plain = member(maths, outsider)
    client = _client(learner)

    response = client.post(
        url("membership_role", maths.slug, animateur.pk), {"role": "animateur"}, follow=True
    )
    assert "Karim Benali is now animateur." in _messages(response)
    animateur.refresh_from_db()
    assert animateur.role == MemberRole.ANIMATEUR

    client.post(url("membership_ban", maths.slug, plain.pk))
    plain.refresh_from_db()
    assert plain.status == MembershipStatus.BANNED
    page = client.get(url("community_members", maths.slug)).content.decode()
    assert "Lift the ban" in page
    client.post(url("membership_unban", maths.slug, plain.pk))
    assert not Membership.objects.filter(pk=plain.pk).exists()


def test_views_membership_role_bad_value_is_refused(maths, learner, trainer):
    """An unknown role is refused with a message; the role stays."""
    target = member(maths, trainer)
    response = _client(learner).post(
        url("membership_role", maths.slug, target.pk), {"role": "king"}, follow=True
    )
    assert "Choose a role." in _messages(response)
    target.refresh_from_db()
    assert target.role == MemberRole.MEMBER


def test_views_membership_animateur_cannot_ban_owner(maths, learner, trainer):
    """An animateur sees no ban button for the owner, and a forged POST is refused."""
    member(maths, trainer, MemberRole.ANIMATEUR)
    owner = maths.memberships.get(user=learner)
    client = _client(trainer)
    response = client.get(url("community_members", maths.slug))
    rows = {m.user: m for m in response.context["members"]}
    assert not rows[learner].can_ban
    response = client.post(url("membership_ban", maths.slug, owner.pk), follow=True)
    assert "Only owners may ban an owner or an animateur." in _messages(response)
    assert is_member(learner, maths)


def test_views_community_members_query_count_is_constant(maths, learner, django_assert_num_queries):
    """The members' page costs the same for 3 or 30 members (with requests and bans)."""
    for status in (MembershipStatus.ACTIVE, MembershipStatus.PENDING, MembershipStatus.BANNED):
        member(maths, UserFactory(), status=status)
    client = _client(learner)
    client.get(url("community_members", maths.slug))

    # Session, user, community, membership, count and page of the members, the unread badge,
    # the header's two permission queries, requests, invitations, bans.
    with django_assert_num_queries(12) as captured:
        client.get(url("community_members", maths.slug))
    for status in (MembershipStatus.ACTIVE, MembershipStatus.PENDING, MembershipStatus.BANNED):
        for _ in range(9):
            member(maths, UserFactory(), status=status)
    with django_assert_num_queries(len(captured.captured_queries)):
        client.get(url("community_members", maths.slug))


# --- Settings --------------------------------------------------------------------------------


def test_views_community_settings_animateur_saves_member_refused(maths, trainer, outsider):
    """An animateur changes the settings; a member gets a 403."""
    member(maths, trainer, MemberRole.ANIMATEUR)
    member(maths, outsider)
    assert _client(outsider).get(url("community_settings", maths.slug)).status_code == 403
    assert (
        _client(outsider)
        .post(url("community_settings", maths.slug), {"name": "Piraté", "kind": "project"})
        .status_code
        == 403
    )

    response = _client(trainer).post(
        url("community_settings", maths.slug),
        {"name": "Maths cycle 4", "kind": "level", "access": "invitation", "degree": "second"},
    )
    assert response.status_code == 302
    maths.refresh_from_db()
    assert (maths.name, maths.access, maths.degree) == ("Maths cycle 4", "invitation", "second")


def test_views_community_archive_owner_only(maths, learner, trainer):
    """The animateur is told only owners archive; the owner archives and restores."""
    member(maths, trainer, MemberRole.ANIMATEUR)
    response = _client(trainer).post(url("community_archive", maths.slug), follow=True)
    assert "Only the owners of this community may do this." in _messages(response)
    page = _client(trainer).get(url("community_settings", maths.slug)).content.decode()
    assert "Archive the community" not in page

    client = _client(learner)
    client.post(url("community_archive", maths.slug))
    maths.refresh_from_db()
    assert maths.archived
    page = client.get(url("community_detail", maths.slug)).content.decode()
    assert "This community is archived" in page
    client.post(url("community_unarchive", maths.slug))
    maths.refresh_from_db()
    assert not maths.archived


def test_views_archived_community_hidden_from_non_members(maths, outsider):
    """An archived community is listed and shown only to its members."""
    maths.archived = True
    maths.save()
    assert _client(outsider).get(url("community_detail", maths.slug)).status_code == 404


# --- Notifications ---------------------------------------------------------------------------


def test_views_notifications_lists_only_mine(learner, trainer):
    """The page lists the user's notifications, newest first, never another's."""
    NotificationFactory(recipient=learner, text="Première")
    NotificationFactory(recipient=learner, text="Seconde")
    NotificationFactory(recipient=trainer, text="Pas pour Claire")
    page = _client(learner).get(url("notifications")).content.decode()
    assert page.index("Seconde") < page.index("Première")
    assert "Pas pour Claire" not in page


def test_views_notifications_mark_read_one_and_all(learner, trainer):
    """One is marked read by id, then all; another's id marks nothing."""
    first, second = NotificationFactory.create_batch(2, recipient=learner)
    theirs = NotificationFactory(recipient=trainer)
    client = _client(learner)

    client.post(url("notifications_mark_read"), {"id": first.pk})
    client.post(url("notifications_mark_read"), {"id": theirs.pk})
    assert list(Notification.objects.filter(read_at__isnull=False)) == [first]

    client.post(url("notifications_mark_read"))
    assert set(Notification.objects.filter(read_at__isnull=False)) == {first, second}
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_views_notifications_mark_read_rejects_bad_id(learner):
    """A non-numeric id changes nothing."""
    NotificationFactory(recipient=learner)
    response = _client(learner).post(url("notifications_mark_read"), {"id": "1 OR 1=1"})
    assert response.status_code == 302
    assert not Notification.objects.filter(read_at__isnull=False).exists()


def test_views_notification_open_marks_read_and_follows_safe_links(learner, trainer):
    """Opening marks read and goes to the link; an outside link goes to the list instead."""
    inside = NotificationFactory(recipient=learner, url="/communautes/maths/")
    outside = NotificationFactory(recipient=learner, url="https://evil.example/")
    theirs = NotificationFactory(recipient=trainer)
    client = _client(learner)

    response = client.get(url("notification_open", inside.pk))
    assert response.url == "/communautes/maths/"
    inside.refresh_from_db()
    assert inside.read_at is not None

    assert client.get(url("notification_open", outside.pk)).url == url("notifications")
    assert client.get(url("notification_open", theirs.pk)).status_code == 404


def test_views_notifications_need_login():
    """Visitors are sent to log in."""
    assert _client().get(url("notifications")).status_code == 302
    assert _client().post(url("notifications_mark_read")).status_code == 302


def test_views_notifications_query_count_is_constant(learner, django_assert_num_queries):
    """The notifications page costs the same for 3 or 30 notifications."""
    NotificationFactory.create_batch(3, recipient=learner)
    client = _client(learner)
    client.get(url("notifications"))

    # Session, user, count and page of the list, the header's two permission queries, the
    # unread badge.
    with django_assert_num_queries(7) as captured:
        client.get(url("notifications"))
    NotificationFactory.create_batch(27, recipient=learner)
    with django_assert_num_queries(len(captured.captured_queries)):
        client.get(url("notifications"))


# --- Header ----------------------------------------------------------------------------------


def test_views_header_shows_unread_count_and_communities_link(learner, trainer):
    """Logged-in people see their unread count in the header; everybody the nav link."""
    NotificationFactory.create_batch(3, recipient=learner)
    NotificationFactory(recipient=trainer)
    read = NotificationFactory(recipient=learner)
    Notification.objects.filter(pk=read.pk).update(read_at=read.created)

    page = _client(learner).get("/compte/profil/").content.decode()
    assert 'href="/communautes/notifications/"' in page
    assert "(3 unread)" in page
    assert 'href="/communautes/"' in page

    page = _client().get(url("community_list")).content.decode()
    assert 'href="/communautes/notifications/"' not in page
    assert 'href="/communautes/"' in page


def test_views_header_badge_costs_one_query(learner, django_assert_num_queries):
    """The badge is one COUNT, and none for a page that does not show it."""
    from django.template import engines
    from django.test import RequestFactory

    from community.context_processors import notifications

    request = RequestFactory().get("/")
    request.user = learner
    context = notifications(request)
    with django_assert_num_queries(1):
        rendered = (
            engines["django"]
            .from_string("{{ n }}/{{ n }}")
            .render({"n": context["unread_notification_count"]})
        )
    assert rendered == "0/0"

    request.user = AnonymousUser()
    with django_assert_num_queries(0):
        assert notifications(request)["unread_notification_count"]() == 0


# --- Admin -----------------------------------------------------------------------------------


def test_views_admin_lists_communities_and_memberships(maths, trainer):
    """Operators find communities and memberships in the Django admin, with search."""
    admin = UserFactory(is_staff=True, is_superuser=True, roles=[Role.ADMIN])
    member(maths, trainer)
    client = _client(admin)
    response = client.get("/admin/community/community/", {"q": "maths"})
    assert response.status_code == 200
    assert "Maths au collège" in response.content.decode()
    response = client.get("/admin/community/membership/", {"q": "benali"})
    assert response.status_code == 200
    assert "Karim Benali" in response.content.decode()
    assert client.get(f"/admin/community/community/{maths.pk}/change/").status_code == 200
