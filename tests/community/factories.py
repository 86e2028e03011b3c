"""Factories of the community app (shared by every part of it: add to this file).

A community is open to all and not archived unless told otherwise; a membership is an
active member's (``joined_at`` set) unless a status is given, in which case ``joined_at``
is set only for active ones, so that rows stay coherent with what the services write.
"""

from __future__ import annotations

import factory
from django.utils import timezone

from community.models import (
    Community,
    CommunityAccess,
    CommunityKind,
    MemberRole,
    Membership,
    MembershipStatus,
    Message,
    Notification,
    NotificationKind,
    Resource,
    ResourceKind,
    ResourceRevision,
    Review,
    ReviewStatus,
    Room,
)
from tests.campus.factories import UserFactory


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Community

    name = factory.Sequence(lambda n: f"Communauté n°{n}")
    slug = factory.Sequence(lambda n: f"communaute-{n}")
    description = "<p>Échanges de pratiques.</p>"
    kind = CommunityKind.PROJECT
    access = CommunityAccess.PUBLIC


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    community = factory.SubFactory(CommunityFactory)
    user = factory.SubFactory(UserFactory)
    role = MemberRole.MEMBER
    status = MembershipStatus.ACTIVE
    joined_at = factory.LazyAttribute(
        lambda m: timezone.now() if m.status == MembershipStatus.ACTIVE else None
    )


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Room

    community = factory.SubFactory(CommunityFactory)
    name = factory.Sequence(lambda n: f"Salon {n}")
    slug = factory.Sequence(lambda n: f"salon-{n}")


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    kind = NotificationKind.MEMBERSHIP
    text = factory.Sequence(lambda n: f"Notification {n}")
    url = "/communautes/"


def member(community: Community, user, role: str = MemberRole.MEMBER, **kwargs) -> Membership:
    """Put ``user`` in ``community`` with ``role`` (active unless ``status`` is given)."""
    return MembershipFactory(community=community, user=user, role=role, **kwargs)


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Message

    room = factory.SubFactory(RoomFactory)
    author = factory.SubFactory(UserFactory)
    body = "<p>Bonjour à toutes et à tous.</p>"


class ResourceFactory(factory.django.DjangoModelFactory):
    """A draft scenario, rights checked under CC BY-SA, its first revision current.

    ``authors`` defaults to ``[created_by]`` (a new teacher when not given); revision 1 is by
    the first author. Pass ``state`` for a resource further along (no transitions are logged:
    use the review services to get there the way users do).
    """

    class Meta:
        model = Resource
        skip_postgeneration_save = True

    community = factory.SubFactory(CommunityFactory)
    kind = ResourceKind.SCENARIO
    title = factory.Sequence(lambda n: f"Les fractions au cycle 3 ({n})")
    slug = factory.Sequence(lambda n: f"fractions-cycle-3-{n}")
    summary = "Une séquence de découverte des fractions par le partage."
    rights_confirmed = True
    created_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def authors(self, create: bool, extracted, **kwargs) -> None:
        if not create:
            return
        people = list(extracted) if extracted else [self.created_by]
        self.authors.set(people)
        self.current_revision = ResourceRevision.objects.create(
            resource=self, number=1, title=self.title, content={}, author=people[0]
        )
        self.save(update_fields=["current_revision"])


def new_revision(resource: Resource, author=None, message: str = "") -> ResourceRevision:
    """Save the next revision of ``resource`` and make it current (as an editing save does)."""
    number = resource.revisions.count() + 1
    revision = ResourceRevision.objects.create(
        resource=resource,
        number=number,
        title=resource.title,
        content={"objectives": f"<p>Version {number}</p>"},
        author=author or resource.authors.first(),
        message=message,
    )
    resource.current_revision = revision
    resource.save(update_fields=["current_revision"])
    return revision


class ReviewFactory(factory.django.DjangoModelFactory):
    """A review of the resource's current revision: open, or submitted when ``score`` is given
    (every criterion scored that, with a comment and its submission time)."""

    class Meta:
        model = Review

    class Params:
        score = None

    resource = factory.SubFactory(ResourceFactory)
    revision = factory.LazyAttribute(lambda o: o.resource.current_revision)
    reviewer = factory.SubFactory(UserFactory)
    status = factory.LazyAttribute(
        lambda o: ReviewStatus.SUBMITTED if o.score is not None else ReviewStatus.ASSIGNED
    )
    scientific_accuracy = factory.SelfAttribute("score")
    pedagogical_value = factory.SelfAttribute("score")
    feasibility = factory.SelfAttribute("score")
    accessibility = factory.SelfAttribute("score")
    rights = factory.SelfAttribute("score")
    comment = factory.LazyAttribute(lambda o: "<p>Très clair.</p>" if o.score else "")
    submitted_at = factory.LazyAttribute(lambda o: timezone.now() if o.score else None)
