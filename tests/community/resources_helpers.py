"""The co-built resources tests' world: a community of Lyon where Claire and Karim co-write.

Claire (the ``learner`` persona) and Karim (``trainer``) are members of « Maths au collège »,
Sophie (``inspector``) animates it; Olivier (``outsider``) belongs to nothing. Resources are
created by the real services; a state further along the review is set directly (the review's
own transitions are tested with the review), which is said where it is done.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from campus.models import User
from community import services_resources as services
from community.models import (
    Community,
    CommunityKind,
    MemberRole,
    Resource,
    ResourceKind,
    ResourceState,
)
from community.selectors_resources import PUBLISHED_STATES
from tests.community.factories import CommunityFactory, member


def scenario_content(**overrides) -> dict:
    """A small scenario: fractions shared out, in two phases."""
    content = {
        "duration": "2 séances de 55 min",
        "objectives": "Comprendre la fraction comme partage.\n\nÉvaluer ses pairs.",
        "prerequisites": "La division euclidienne.",
        "phases": [
            {
                "title": "Découverte",
                "duration": 20,
                "teacher_activity": "Présente le problème des pizzas.",
                "student_activity": "Partagent des disques en papier.",
                "tools": "Disques en papier",
            },
            {
                "title": "Institutionnalisation",
                "duration": 15,
                "teacher_activity": "Écrit la trace écrite.",
                "student_activity": "Recopient et illustrent.",
                "tools": "",
            },
        ],
        "materials": "Ciseaux, colle.",
        "assessment": "Une évaluation formative en fin de séance.",
        "differentiation": "Disques pré-découpés pour les élèves dyspraxiques.",
    }
    content.update(overrides)
    return content


@dataclass
class World:
    community: Community
    author: User
    coauthor: User
    animateur: User


def world(*, author: User, coauthor: User, animateur: User) -> World:
    """« Maths au collège »: the two authors are members, the animateur runs it."""
    community = CommunityFactory(name="Maths au collège", kind=CommunityKind.DISCIPLINE)
    member(community, author)
    member(community, coauthor)
    member(community, animateur, role=MemberRole.ANIMATEUR)
    return World(community, author, coauthor, animateur)


def make_resource(
    author: User,
    community: Community,
    *,
    title: str = "Les fractions au cycle 3",
    kind: str = ResourceKind.SCENARIO,
    content: dict | None = None,
    state: str = ResourceState.DRAFT,
    coauthors: tuple[User, ...] = (),
    **kwargs,
) -> Resource:
    """A resource created by ``author`` through the services, then put in ``state``.

    A state other than draft is written directly, with ``published_at`` for a published one:
    what these tests check does not depend on how the review got it there.
    """
    if content is None:
        content = scenario_content() if kind == ResourceKind.SCENARIO else {}
    resource = services.resource_create(
        actor=author, community=community, kind=kind, title=title, content=content, **kwargs
    )
    for coauthor in coauthors:
        services.coauthor_add(actor=author, resource=resource, user=coauthor)
    if state != ResourceState.DRAFT:
        published_at = timezone.now() if state in PUBLISHED_STATES else None
        Resource.objects.filter(pk=resource.pk).update(state=state, published_at=published_at)
        resource.refresh_from_db()
    return resource
