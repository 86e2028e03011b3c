"""Who sees which resource, and the searched, filtered list (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from campus.models import CompetenceItem, Discipline
from community import selectors_resources as selectors
from community.models import Licence, MemberRole, Resource, ResourceKind, ResourceState
from tests.campus.factories import UserFactory
from tests.community.factories import CommunityFactory, member
from tests.community.resources_helpers import make_resource, scenario_content, world

pytestmark = pytest.mark.django_db


@pytest.fixture
def lyon(learner, trainer, inspector):
    return world(author=learner, coauthor=trainer, animateur=inspector)


def _visible(user) -> set[str]:
    return set(selectors.resources_visible_to(user).values_list("title", flat=True))


def _found(user, **filters) -> list[str]:
    return [r.title for r in selectors.resources_filtered(user, **filters)]


# --- Visibility ------------------------------------------------------------------------------


def test_selectors_resource_visibility_by_state_and_person(lyon, outsider, client):
    """Drafts: authors and animateurs; in review: members; published: all; hidden: animateurs."""
    make_resource(lyon.author, lyon.community, title="Brouillon")
    make_resource(lyon.author, lyon.community, title="En relecture", state=ResourceState.IN_REVIEW)
    make_resource(lyon.author, lyon.community, title="Publiée", state=ResourceState.PUBLISHED)
    hidden = make_resource(
        lyon.author, lyon.community, title="Masquée", state=ResourceState.PUBLISHED
    )
    Resource.objects.filter(pk=hidden.pk).update(hidden_at=timezone.now())
    anonymous = client.get("/").wsgi_request.user

    assert _visible(lyon.author) == {"Brouillon", "En relecture", "Publiée"}
    assert _visible(lyon.coauthor) == {"En relecture", "Publiée"}
    assert _visible(lyon.animateur) == {"Brouillon", "En relecture", "Publiée", "Masquée"}
    assert _visible(outsider) == {"Publiée"}
    assert _visible(anonymous) == {"Publiée"}
    # The single-resource check agrees with the queryset, for every person and resource.
    for person in (lyon.author, lyon.coauthor, lyon.animateur, outsider, anonymous):
        for resource in Resource.objects.select_related("community"):
            expected = resource.title in _visible(person)
            assert selectors.resource_visible_to(person, resource) is expected


def test_selectors_resource_visibility_banned_and_other_communities(lyon, outsider):
    """A banned member, or a member of another community, sees only published resources."""
    make_resource(lyon.author, lyon.community, title="En relecture", state=ResourceState.IN_REVIEW)
    banned = UserFactory()
    member(lyon.community, banned, status="banned")
    elsewhere = CommunityFactory()
    member(elsewhere, outsider, role=MemberRole.ANIMATEUR)

    assert _visible(banned) == set()
    assert _visible(outsider) == set()


def test_selectors_may_edit_resource_authors_still_members(lyon):
    """Co-authors edit while members; a co-author who left the community no longer does."""
    resource = make_resource(lyon.author, lyon.community, coauthors=[lyon.coauthor])
    assert selectors.may_edit_resource(lyon.coauthor, resource)
    assert not selectors.may_edit_resource(lyon.animateur, resource)

    lyon.community.memberships.filter(user=lyon.coauthor).delete()
    assert not selectors.may_edit_resource(lyon.coauthor, resource)
    assert selectors.may_edit_resource(lyon.author, resource)


# --- Facets ----------------------------------------------------------------------------------


def test_selectors_resources_filtered_by_facets(lyon):
    """Kind, discipline, level (with its whole cycle), cycle, competence, licence, tag."""
    maths = Discipline.objects.get(slug="mathematiques")
    item = CompetenceItem.objects.filter(code__contains="-").first()
    make_resource(
        lyon.author,
        lyon.community,
        title="Fractions CM1",
        levels=["cm1"],
        disciplines=[maths],
        competences=[item],
        tags=["partage"],
    )
    make_resource(lyon.author, lyon.community, title="Tout le cycle 3", levels=["cycle-3"])
    make_resource(
        lyon.author,
        lyon.community,
        title="Lycée",
        kind=ResourceKind.TOOL_REVIEW,
        levels=["2de"],
        licence=Licence.CC_BY,
    )
    user = lyon.author

    assert _found(user, kind=ResourceKind.TOOL_REVIEW) == ["Lycée"]
    assert _found(user, discipline=maths) == ["Fractions CM1"]
    assert sorted(_found(user, level="cm1")) == ["Fractions CM1", "Tout le cycle 3"]
    assert _found(user, level="cm2") == ["Tout le cycle 3"]
    assert sorted(_found(user, cycle="cycle-3")) == ["Fractions CM1", "Tout le cycle 3"]
    assert _found(user, cycle="lycee") == ["Lycée"]
    assert _found(user, competence=item.code) == ["Fractions CM1"]
    assert _found(user, competence=item.competence.code) == ["Fractions CM1"]
    assert _found(user, licence=Licence.CC_BY) == ["Lycée"]
    assert _found(user, tag="partage") == ["Fractions CM1"]
    assert _found(user, level="bogus") == _found(user)


# --- Full-text search ------------------------------------------------------------------------


def test_selectors_resources_search_title_content_and_tags(lyon, outsider):
    """A search finds words of the title, of the content and of the tags, among what the
    person may read, and respects the facets."""
    make_resource(lyon.author, lyon.community, title="Les fractions au cycle 3")
    make_resource(
        lyon.author,
        lyon.community,
        title="Escape game",
        content=scenario_content(objectives="Résoudre des énigmes.", materials="Cadenas"),
        tags=["coopération"],
        state=ResourceState.PUBLISHED,
    )
    make_resource(
        lyon.author,
        lyon.community,
        title="Un tableur",
        kind=ResourceKind.TOOL_REVIEW,
        content={"tool": "LibreOffice Calc", "uses": "Des tableaux de cadenas"},
        state=ResourceState.PUBLISHED,
    )

    assert _found(lyon.author, q="fractions") == ["Les fractions au cycle 3"]
    assert sorted(_found(lyon.author, q="cadenas")) == ["Escape game", "Un tableur"]
    assert _found(lyon.author, q="cadenas", kind=ResourceKind.TOOL_REVIEW) == ["Un tableur"]
    assert _found(lyon.author, q="coopération") == ["Escape game"]
    # Outsiders do not find Claire's draft.
    assert _found(outsider, q="fractions") == []
    assert sorted(_found(outsider, q="cadenas")) == ["Escape game", "Un tableur"]


def test_selectors_resources_search_follows_new_revisions(lyon):
    """Saving a revision re-indexes the resource: new words are found, removed ones not."""
    from community.services_resources import resource_save

    resource = make_resource(lyon.author, lyon.community)
    resource_save(
        actor=lyon.author,
        resource=resource,
        base_revision=1,
        title=resource.title,
        content=scenario_content(materials="Des bouchons de liège"),
    )

    assert _found(lyon.author, q="bouchons") == [resource.title]
    assert _found(lyon.author, q="ciseaux") == []


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Wagtail's SQLite backend ranks without the title's boost (development only)",
)
def test_selectors_resources_search_ranks_title_matches_first(lyon):
    """A resource with the word in its title comes before one with it in its content."""
    make_resource(
        lyon.author,
        lyon.community,
        title="Des séances de géométrie",
        content=scenario_content(materials="Un débat pour conclure."),
    )
    make_resource(lyon.author, lyon.community, title="Le débat argumenté en classe")

    assert _found(lyon.author, q="débat") == [
        "Le débat argumenté en classe",
        "Des séances de géométrie",
    ]


def test_selectors_resources_search_common_word_ranks_the_latest_matches(lyon, monkeypatch):
    """Past RANKED_CANDIDATES matches, only the most recently updated ones are ranked."""
    monkeypatch.setattr(selectors, "RANKED_CANDIDATES", 2)
    oldest = make_resource(lyon.author, lyon.community, title="Le débat argumenté")
    for title in ("Géométrie", "Lecture"):
        make_resource(
            lyon.author,
            lyon.community,
            title=title,
            content=scenario_content(materials="Un débat pour conclure."),
        )
    Resource.objects.filter(pk=oldest.pk).update(updated=timezone.now() - timedelta(days=1))

    assert sorted(_found(lyon.author, q="débat")) == ["Géométrie", "Lecture"]
    assert not selectors.resources_filtered(lyon.author, q="débat").truncated


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="French stemming is PostgreSQL's (the CI's 2nd run)"
)
def test_selectors_resources_search_french_stemming_on_postgresql(lyon):
    """On PostgreSQL's French configuration, « évaluer » finds « évaluation »."""
    make_resource(
        lyon.author,
        lyon.community,
        title="Une séquence",
        content=scenario_content(assessment="Une évaluation par les pairs."),
        state=ResourceState.PUBLISHED,
    )
    make_resource(
        lyon.author,
        lyon.community,
        title="Une autre",
        content=scenario_content(objectives="Lire", assessment=""),
        state=ResourceState.PUBLISHED,
    )

    assert _found(lyon.author, q="évaluer") == ["Une séquence"]
    assert _found(lyon.author, q="évaluations") == ["Une séquence"]
