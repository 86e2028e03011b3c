"""The demo communities: two communities, thirty resources at every review state, history."""

from __future__ import annotations

from collections import Counter

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from campus.demo import DEMO_PASSWORD
from campus.models import User
from campus.roles import Role
from community.demo import (
    COMMUNITIES,
    MATHS_SLUG,
    NUMERIQUE_SLUG,
    TEACHER_EMAIL,
    TRAINER_EMAIL,
    seed_community,
)
from community.models import (
    AuditEntry,
    Community,
    CommunityAccess,
    CommunityKind,
    MemberRole,
    Membership,
    MembershipStatus,
    Message,
    Notification,
    NotificationKind,
    Report,
    ReportStatus,
    Resource,
    ResourceKind,
    ResourceRevision,
    ResourceState,
    ResourceTransition,
    Review,
    ReviewStatus,
    Room,
)
from community.selectors_resources import PUBLISHED_STATES
from community.selectors_review import qualifying_reviews
from community.services_rooms import RATE_LIMIT, room_url
from lrs import api
from lrs.models import Statement
from tests.community.review_helpers import statements
from tests.community.rooms_helpers import fresh_cache


@pytest.fixture
def seeded(db, settings, django_capture_on_commit_callbacks):
    """The demo communities loaded, their after-commit broadcasts sent, a cache of their own.

    The cache keeps the rooms' rate-limit counters of other tests (SQLite gives ids again
    after a rollback) from counting against the demo's messages.
    """
    fresh_cache(settings)
    with django_capture_on_commit_callbacks(execute=True):
        report = seed_community()
    return report


def _community(slug: str) -> Community:
    return Community.objects.get(slug=slug)


def _members(community: Community, **filters) -> set[str]:
    rows = Membership.objects.filter(community=community, **filters)
    return set(rows.values_list("user__email", flat=True))


def test_demo_seed_community_builds_two_communities_of_lyon(seeded):
    """An open maths community with the demo teacher in it, an on-request one run by Karim."""
    maths, numerique = _community(MATHS_SLUG), _community(NUMERIQUE_SLUG)
    assert maths.name == "Mathématiques au cycle 4 — académie de Lyon"
    assert (maths.kind, maths.access, maths.discipline.slug, maths.academy.slug) == (
        CommunityKind.DISCIPLINE,
        CommunityAccess.PUBLIC,
        "mathematiques",
        "lyon",
    )
    assert numerique.name == "Numérique éducatif — INSPE"
    assert (numerique.kind, numerique.access) == (CommunityKind.PROJECT, CommunityAccess.ON_REQUEST)
    assert seeded.communities == [maths.name, numerique.name]

    active = MembershipStatus.ACTIVE
    assert _members(maths, role=MemberRole.OWNER) == {"mehdi.bertrand@campus.localhost"}
    assert _members(maths, role=MemberRole.ANIMATEUR) == {TRAINER_EMAIL}
    assert TEACHER_EMAIL in _members(maths, status=active, role=MemberRole.MEMBER)
    assert len(_members(maths, status=active)) == 9
    assert _members(numerique, role=MemberRole.OWNER) == {TRAINER_EMAIL}
    assert _members(numerique, role=MemberRole.ANIMATEUR) == {"pauline.david@campus.localhost"}
    assert len(_members(numerique, status=active)) == 10
    # A request awaits the animateurs, and the demo teacher has an invitation to accept.
    assert _members(numerique, status=MembershipStatus.PENDING) == {"lea.bernard@campus.localhost"}
    assert _members(numerique, status=MembershipStatus.INVITED) == {TEACHER_EMAIL}
    # The members came in before the rooms and resources began, a few days apart.
    joined = sorted(Membership.objects.filter(community=maths).values_list("joined_at", flat=True))
    assert maths.created <= joined[0] < joined[-1] < Message.objects.order_by("created")[0].created

    # The teachers are the demo cohort's, in the académie de Lyon, with the demo password.
    assert len(seeded.teachers) == 13
    for email in seeded.teachers:
        teacher = User.objects.get(email=email)
        assert teacher.check_password(DEMO_PASSWORD)
        assert teacher.has_role(Role.TEACHER)
        assert teacher.academy.slug == "lyon"
        assert teacher.establishment is not None


def test_demo_seed_community_resources_reach_every_state_and_kind(seeded):
    """Thirty resources, every type and review state, in both communities."""
    resources = Resource.objects.select_related("community")
    assert resources.count() == len(seeded.resources) == 30
    assert set(resources.values_list("state", flat=True)) == set(ResourceState.values)
    assert set(resources.values_list("kind", flat=True)) == set(ResourceKind.values)
    for slug in (MATHS_SLUG, NUMERIQUE_SLUG):
        states = set(resources.filter(community__slug=slug).values_list("state", flat=True))
        assert len(states) >= 8, slug
    for resource in resources:
        assert resource.current_revision is not None
        assert resource.tags.exists() and resource.disciplines.exists(), resource.title
        assert resource.current_revision.content, resource.title
    scenario = resources.get(title="Découvrir le théorème de Pythagore avec GeoGebra")
    content = scenario.current_revision.content
    assert content["duration"] and content["objectives"] and content["prerequisites"]
    assert len(content["phases"]) == 5
    assert scenario.levels == ["4e"]
    assert scenario.competences.exists()
    # Co-authors, and one remix from the maths community into the other.
    assert resources.filter(authors__isnull=False).count() > resources.count()
    remix = resources.get(remixed_from__isnull=False)
    assert remix.community.slug == NUMERIQUE_SLUG
    assert remix.remixed_from.community.slug == MATHS_SLUG
    assert remix.attribution["title"] == remix.remixed_from.title
    assert remix.revisions.count() == 2


def test_demo_seed_community_resources_have_a_history(seeded):
    """Revisions, reviews and answers, logged steps and statements, spread over past weeks."""
    now = timezone.now()
    # Several revisions, a restored one, and changes requested then revised.
    assert ResourceRevision.objects.filter(number__gte=3).exists()
    assert ResourceRevision.objects.filter(restored_from__isnull=False).count() == 1
    revised = ResourceTransition.objects.filter(to_state=ResourceState.REVISED)
    assert revised.count() >= 4
    reviews = Review.objects.all()
    assert reviews.count() == seeded.reviews >= 40
    submitted = reviews.filter(status=ReviewStatus.SUBMITTED)
    for review in submitted:
        assert review.comment and None not in review.scores.values()
        assert not review.resource.authors.filter(pk=review.reviewer_id).exists()
    assert submitted.exclude(author_answer="").count() >= 8
    assert reviews.filter(status=ReviewStatus.DECLINED).count() == 1
    assert reviews.filter(status=ReviewStatus.ASSIGNED).count() >= 4
    # Published resources were published the way the rule says: two good reviews, an animateur.
    for resource in Resource.objects.filter(state__in=PUBLISHED_STATES):
        assert len(qualifying_reviews(resource)) >= 2, resource.title
        assert statements(resource, api.PUBLISHED), resource.title
        steps = [t.to_state for t in resource.transitions.order_by("created", "id")]
        assert steps[0] == ResourceState.SUBMITTED and ResourceState.PUBLISHED in steps
    national = Resource.objects.filter(state=ResourceState.PROMOTED_NATIONAL)
    for resource in national:
        academy, last = list(resource.transitions.order_by("created", "id"))[-2:]
        assert academy.actor.has_role(Role.INSPECTOR)
        assert last.actor.has_role(Role.MODERATOR) or last.actor.has_role(Role.ADMIN)
    # Every step a person took is in the LRS: submitting is « shared », reviewing « reviewed ».
    for resource in Resource.objects.exclude(state=ResourceState.DRAFT):
        assert statements(resource, api.SHARED), resource.title
    assert Statement.objects.filter(verb_id=api.REVIEWED.id).count() == submitted.count()
    # Each resource's history runs forward, in the past, from its first version.
    for resource in Resource.objects.all():
        saved = list(resource.revisions.order_by("number").values_list("created", flat=True))
        moved = list(resource.transitions.order_by("id").values_list("created", flat=True))
        assert saved == sorted(saved) and moved == sorted(moved), resource.title
        assert saved[0] == resource.created < now
        assert max(saved + moved) < now
    assert Resource.objects.filter(created__lt=now - timezone.timedelta(days=60)).exists()


def test_demo_seed_community_rooms_have_a_history(seeded):
    """Three rooms, 15 to 30 messages per community, a mention, an edit, a handled report."""
    assert Room.objects.filter(community__slug=MATHS_SLUG).count() == 2
    assert Room.objects.filter(community__slug=NUMERIQUE_SLUG).count() == 1
    for slug in (MATHS_SLUG, NUMERIQUE_SLUG):
        assert 15 <= Message.objects.filter(room__community__slug=slug).count() <= 30, slug
    for room in Room.objects.all():
        sent = list(room.messages.order_by("id").values_list("created", flat=True))
        assert sent == sorted(sent) and room.created < sent[0] < sent[-1] < timezone.now()
    assert seeded.messages == Message.objects.count() == 42
    edited = Message.objects.get(edited_at__isnull=False)
    assert "mercredi" in edited.body and edited.edited_at > edited.created
    # Mentions are stored and notified: the demo teacher is mentioned in « Brevet blanc ».
    teacher = User.objects.get(email=TEACHER_EMAIL)
    assert Message.objects.filter(mentions=teacher).exists()
    assert Notification.objects.filter(recipient=teacher, kind=NotificationKind.MENTION).exists()
    assert Message.objects.filter(mentions__isnull=False).distinct().count() == 5
    # A member reported a scanned textbook; an animateur hid it and resolved the report.
    report = Report.objects.get()
    assert report.status == ReportStatus.RESOLVED
    assert report.handled_by.email == TRAINER_EMAIL
    hidden = report.target
    assert hidden.hidden_at == report.handled_at > report.created > hidden.created
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert actions == {"report_created", "message_hidden", "report_resolved"}


def test_demo_seed_community_rooms_stay_under_the_rate_limit():
    """Nobody writes more than three times in a room, so several seeds in a row never wait."""
    for community in COMMUNITIES:
        for room in community.rooms:
            writes = Counter(m.author for m in room.messages)
            writes.update(m.author for m in room.messages if m.edit)
            assert max(writes.values()) * 3 <= RATE_LIMIT, room.name


def test_demo_seed_community_pages_show_the_content(seeded, client):
    """The animateur sees both communities, their rooms and every resource and its review."""
    client.force_login(User.objects.get(email=TRAINER_EMAIL))
    for community in Community.objects.all():
        url = reverse("community:community_detail", kwargs={"slug": community.slug})
        assert client.get(url).status_code == 200
    for room in Room.objects.select_related("community"):
        assert client.get(room_url(room)).status_code == 200
    for resource in Resource.objects.all():
        detail = client.get(reverse("community:resource_detail", args=[resource.pk]))
        assert detail.status_code == 200, resource.title
        assert escape(resource.title) in detail.content.decode()
        review = client.get(reverse("community:resource_review", args=[resource.pk]))
        assert review.status_code == 200, resource.title


def test_demo_seed_community_is_idempotent(seeded, django_capture_on_commit_callbacks):
    """A second run creates no account, community, resource, review, message or statement."""
    models = (
        User,
        Community,
        Membership,
        Room,
        Message,
        Resource,
        ResourceRevision,
        ResourceTransition,
        Review,
        Report,
        AuditEntry,
        Notification,
        Statement,
    )

    def counts():
        return [model.objects.count() for model in models]

    before = counts()
    with django_capture_on_commit_callbacks(execute=True):
        report = seed_community()
    assert (report.communities, report.teachers, report.memberships, report.resources) == (
        [],
        [],
        [],
        [],
    )
    assert (report.rooms, report.messages, report.reviews) == ([], 0, 0)
    assert counts() == before


def test_demo_seed_command_loads_the_communities_after_the_offer(db, settings, capsys):
    """seed_demo seeds the communities after the courses: their members are the cohort's."""
    settings.DEBUG = True
    fresh_cache(settings)
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert out.index("Training offer:") < out.index("Communities:")
    assert (
        "Communities: 2 community(ies), 0 teacher account(s), 21 membership(s), "
        "30 resource(s) with 46 review(s), 3 room(s) and 42 message(s) created." in out
    )
    assert "  community « Numérique éducatif — INSPE »" in out
    assert User.objects.count() == 25

    call_command("seed_demo")
    assert "Communities: 0 community(ies)" in capsys.readouterr().out
    assert Community.objects.count() == 2
