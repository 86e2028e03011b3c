"""The peer review tests' world: a community of Lyon, its animateur, an author, reviewers.

Karim (the ``trainer`` persona) runs the community; Claire (``learner``) wrote the resource;
three other teachers are members who may review; one member is banned. Resources are moved
along by the real services, so every state reached here was reached the way users reach it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from campus.models import Academy, User
from community import services_review as review
from community.models import (
    Community,
    CommunityKind,
    MemberRole,
    MembershipStatus,
    Resource,
    ResourceState,
    Review,
)
from lrs.models import Statement
from tests.campus.factories import UserFactory
from tests.community.factories import (
    CommunityFactory,
    ResourceFactory,
    member,
    new_revision,
)


@dataclass
class World:
    community: Community
    animateur: User
    author: User
    reviewers: list[User]
    banned: User
    resource: Resource
    others: dict = field(default_factory=dict)


def world(*, animateur: User, author: User) -> World:
    """The community of Lyon with its people and Claire's draft scenario."""
    community = CommunityFactory(
        name="Maths au collège (Lyon)",
        kind=CommunityKind.DISCIPLINE,
        academy=Academy.objects.get(slug="lyon"),
    )
    member(community, animateur, role=MemberRole.ANIMATEUR)
    member(community, author)
    reviewers = [member(community, UserFactory()).user for _ in range(3)]
    banned = member(community, UserFactory(), status=MembershipStatus.BANNED).user
    resource = ResourceFactory(
        community=community, created_by=author, title="Les fractions au cycle 3"
    )
    return World(community, animateur, author, reviewers, banned, resource)


def submitted(w: World) -> Resource:
    review.resource_submit(actor=w.author, resource=w.resource)
    return w.resource


def in_review(w: World, *, reviewers: int = 1) -> list[Review]:
    """Submit, then the first ``reviewers`` reviewers volunteer; return their open reviews."""
    if w.resource.state == ResourceState.DRAFT:
        submitted(w)
    return [
        review.review_volunteer(actor=person, resource=w.resource)
        for person in w.reviewers[:reviewers]
    ]


def scores(value: int) -> dict[str, int]:
    return dict.fromkeys(Review.RUBRIC, value)


def reviewed(w: World, *values: int) -> list[Review]:
    """In review with one submitted review per value (every criterion scored that value)."""
    open_reviews = in_review(w, reviewers=len(values))
    return [
        review.review_submit(
            actor=r.reviewer, review=r, scores=scores(value), comment="Clair et faisable."
        )
        for r, value in zip(open_reviews, values, strict=True)
    ]


def published(w: World) -> Resource:
    reviewed(w, 3, 4)
    review.resource_publish(actor=w.animateur, resource=w.resource)
    return w.resource


def changes_requested(w: World) -> list[Review]:
    """Two reviews (3 and 2), then the animateur asks for changes; return the reviews."""
    reviews = reviewed(w, 3, 2)
    review.resource_request_changes(actor=w.animateur, resource=w.resource, note="Voir les avis.")
    return reviews


def revised(w: World) -> Resource:
    """Changes requested, answered, a new revision saved, marked revised."""
    for r in changes_requested(w):
        review.review_answer(actor=w.author, review=r, answer="Corrigé en phase 2.")
    new_revision(w.resource, message="Phase 2 reprise")
    review.resource_revise(actor=w.author, resource=w.resource)
    return w.resource


def statements(resource: Resource, verb) -> list[dict]:
    """The stored xAPI statements with that verb about the resource, oldest first."""
    activity = review.resource_activity(resource).id
    rows = Statement.objects.filter(verb_id=verb.id, object_activity_id=activity).order_by("seq")
    return [row.payload for row in rows]
