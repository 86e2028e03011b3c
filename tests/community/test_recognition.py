"""Community work lands in the teachers' records: publications, promotions, reviews, animation."""

from __future__ import annotations

import pytest

from campus.models import EntryKind, RecordEntry
from community import services_communities as communities
from community import services_review as review
from community.models import CommunityKind, MemberRole
from lrs import api
from tests.campus.factories import UserFactory
from tests.community import review_helpers as h
from tests.community.factories import member

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(learner, trainer):
    """Claire's draft in Karim's community of Lyon, three reviewers, one banned member."""
    return h.world(animateur=trainer, author=learner)


def _entries(user, kind=None):
    entries = RecordEntry.objects.filter(user=user)
    return entries.filter(kind=kind) if kind else entries


def test_recognition_publish_creates_an_entry_per_author(w):
    """Published: Claire and her co-author each get « resource published », with the facts."""
    co_author = w.reviewers[2]  # Not among the two reviewers h.published() uses.
    w.resource.authors.add(co_author)

    h.published(w)

    w.resource.refresh_from_db()
    for author, other in ((w.author, co_author), (co_author, w.author)):
        [entry] = _entries(author, EntryKind.RESOURCE_PUBLISHED)
        assert entry.source_key == f"community.resource:{w.resource.pk}:published"
        assert entry.title == "Les fractions au cycle 3"
        assert entry.occurred_at == w.resource.published_at
        assert entry.issuer == "Communauté « Maths au collège (Lyon) »"
        assert entry.evidence_url == f"/communautes/ressources/{w.resource.pk}/"
        assert entry.details["co_authors"] == [other.get_full_name()]
        [published] = h.statements(w.resource, api.PUBLISHED)
        assert entry.statement_ids == [published["id"]]
    assert not _entries(w.animateur, EntryKind.RESOURCE_PUBLISHED).exists()


def test_recognition_reviews_create_an_entry_per_reviewer(w):
    """Each submitted review is its reviewer's « review completed »; an open one is nothing."""
    first, second = h.reviewed(w, 3, 4)
    review.review_volunteer(actor=w.reviewers[2], resource=w.resource)  # Open, not submitted.

    entries = RecordEntry.objects.filter(kind=EntryKind.REVIEW_COMPLETED).order_by("id")
    assert [(e.user, e.source_key) for e in entries] == [
        (first.reviewer, f"community.review:{first.pk}"),
        (second.reviewer, f"community.review:{second.pk}"),
    ]
    assert entries[0].title == "Relecture de « Les fractions au cycle 3 »"
    assert entries[0].result == "Grille d'évaluation renseignée (moyenne 3,0 / 4)"
    assert not _entries(w.reviewers[2]).exists()
    assert not _entries(w.author, EntryKind.REVIEW_COMPLETED).exists()


def test_recognition_promotions_create_one_entry_per_level(w, inspector, moderator):
    """Promoted in Lyon, then nationally: one « resource promoted » entry per level."""
    h.published(w)

    review.resource_promote_in_academy(actor=inspector, resource=w.resource)
    review.resource_promote_nationally(actor=moderator, resource=w.resource)

    promoted = _entries(w.author, EntryKind.RESOURCE_PROMOTED).order_by("id")
    assert [(e.details["level"], e.issuer, e.result) for e in promoted] == [
        ("academy", "Académie de Lyon", "Valorisée dans l'académie de Lyon"),
        ("national", "Ministère de l'Éducation nationale", "Valorisée au niveau national"),
    ]
    assert len({e.statement_ids[0] for e in promoted}) == 2


def test_recognition_withdrawal_withdraws_entries_and_republication_restores(w, inspector):
    """Withdrawn: publication and promotion entries are marked, not deleted; published again,
    the publication entry comes back, once."""
    h.published(w)
    review.resource_promote_in_academy(actor=inspector, resource=w.resource)

    review.resource_withdraw(actor=w.animateur, resource=w.resource, note="Erreur.")

    entries = _entries(w.author).filter(
        kind__in=[EntryKind.RESOURCE_PUBLISHED, EntryKind.RESOURCE_PROMOTED]
    )
    assert entries.count() == 2
    assert all(e.withdrawn_at is not None for e in entries)
    assert {e.details["withdrawal_reason"] for e in entries} == {
        "Ressource retirée de sa communauté."
    }
    # Reviews done stay in the reviewers' records.
    assert not RecordEntry.objects.filter(
        kind=EntryKind.REVIEW_COMPLETED, withdrawn_at__isnull=False
    ).exists()

    review.resource_submit(actor=w.author, resource=w.resource)
    for person in w.reviewers[2:]:
        review.review_volunteer(actor=person, resource=w.resource)
    extra = member(w.community, UserFactory()).user
    review.review_volunteer(actor=extra, resource=w.resource)
    for open_review in w.resource.reviews.filter(status="assigned"):
        review.review_submit(
            actor=open_review.reviewer, review=open_review, scores=h.scores(4), comment="Bien."
        )
    review.resource_publish(actor=w.animateur, resource=w.resource)

    [published] = _entries(w.author, EntryKind.RESOURCE_PUBLISHED)
    assert published.withdrawn_at is None
    assert "withdrawal_reason" not in published.details
    [promoted] = _entries(w.author, EntryKind.RESOURCE_PROMOTED)
    assert promoted.withdrawn_at is not None


def test_recognition_animateur_role_creates_one_entry_per_membership(w, outsider):
    """Made animateur, then owner, then animateur again: one « community animated » entry;
    a member made member gets none."""
    membership = member(w.community, outsider)
    owner = member(w.community, UserFactory(), role=MemberRole.OWNER).user

    communities.membership_role_change(
        actor=owner, membership=membership, role=MemberRole.ANIMATEUR
    )
    communities.membership_role_change(actor=owner, membership=membership, role=MemberRole.OWNER)
    communities.membership_role_change(
        actor=owner, membership=membership, role=MemberRole.ANIMATEUR
    )

    [entry] = _entries(outsider)
    assert entry.kind == EntryKind.COMMUNITY_ANIMATED
    assert entry.source_key == f"community.membership:{membership.pk}:animated"
    assert entry.title == "Maths au collège (Lyon)"
    assert entry.issuer == "Académie de Lyon"
    assert entry.evidence_url == f"/communautes/{w.community.slug}/"


def test_recognition_member_role_creates_nothing(w, outsider):
    """An animateur made plain member again keeps their entry; a member gets none."""
    membership = member(w.community, outsider, role=MemberRole.ANIMATEUR)
    owner = member(w.community, UserFactory(), role=MemberRole.OWNER).user

    communities.membership_role_change(actor=owner, membership=membership, role=MemberRole.MEMBER)

    assert not _entries(outsider).exists()


def test_recognition_community_creator_animates_it(trainer):
    """Creating a community makes its creator its owner: « community animated » in their record."""
    community = communities.community_create(
        actor=trainer, name="Projets eTwinning", kind=CommunityKind.PROJECT
    )

    [entry] = _entries(trainer)
    assert entry.kind == EntryKind.COMMUNITY_ANIMATED
    assert entry.details == {
        "community": "Projets eTwinning",
        "community_slug": community.slug,
        "role": MemberRole.OWNER,
    }
    assert entry.issuer == "Campus"
