"""The resources' pages over HTTP: who may see and do what, editing, conflicts, diff, files."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from community import services_resources as services
from community.models import Licence, Resource, ResourceKind, ResourceState
from tests.community.factories import CommunityFactory, member
from tests.community.resources_helpers import make_resource, scenario_content, world

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def lyon(learner, trainer, inspector):
    return world(author=learner, coauthor=trainer, animateur=inspector)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _url(resource, name="resource_detail", *args) -> str:
    from django.urls import reverse

    return reverse(f"community:{name}", args=[resource.pk, *args])


def _edit_data(resource, **overrides) -> dict:
    """What the edit form posts for ``resource`` unchanged, plus ``overrides``."""
    revision = resource.current_revision
    content = revision.content
    data = {
        "base_revision": str(revision.number),
        "title": resource.title,
        "summary": resource.summary,
        "licence": resource.licence,
        "message": "",
        "tags": "",
    }
    for key, value in content.items():
        if isinstance(value, list):
            data[f"{key}-TOTAL_FORMS"] = str(len(value))
            data[f"{key}-INITIAL_FORMS"] = str(len(value))
            for index, item in enumerate(value):
                for name, item_value in item.items():
                    data[f"{key}-{index}-{name}"] = "" if item_value is None else str(item_value)
                data[f"{key}-{index}-ORDER"] = str(index + 1)
        else:
            data[f"content-{key}"] = "" if value is None else str(value)
    data.update(overrides)
    return data


# --- Reading: who sees what ------------------------------------------------------------------


def test_views_resource_detail_published_is_public(lyon, client):
    """Anyone, even anonymous, reads a published resource: content, authors, licence link."""
    resource = make_resource(
        lyon.author, lyon.community, coauthors=[lyon.coauthor], state=ResourceState.PUBLISHED
    )

    response = client.get(_url(resource))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Les fractions au cycle 3" in page
    assert "Partagent des disques en papier." in page
    assert "Claire Martin" in page and "Karim Benali" in page
    assert 'href="https://creativecommons.org/licenses/by-sa/4.0/deed.fr"' in page
    assert 'rel="license noopener"' in page


@pytest.mark.parametrize(
    ("state", "allowed", "refused"),
    [
        (ResourceState.DRAFT, ("author", "animateur"), ("coauthor", "outsider", "anonymous")),
        (ResourceState.IN_REVIEW, ("author", "coauthor", "animateur"), ("outsider", "anonymous")),
    ],
)
def test_views_resource_detail_unpublished_both_ways(
    lyon, outsider, client, state, allowed, refused
):
    """Unpublished resources are read by those the rules allow; others get a 404."""
    resource = make_resource(lyon.author, lyon.community, state=state)
    people = {
        "author": lyon.author,
        "coauthor": lyon.coauthor,  # A member who is not (yet) a co-author.
        "animateur": lyon.animateur,
        "outsider": outsider,
        "anonymous": None,
    }
    for name in allowed + refused:
        client.logout()
        if people[name] is not None:
            client.force_login(people[name])
        expected = 200 if name in allowed else 404
        assert client.get(_url(resource)).status_code == expected, name


def test_views_resource_detail_hidden_for_animateurs_only(lyon, client):
    """A hidden resource is a 404 even to its author; its animateur reads it."""
    resource = make_resource(lyon.author, lyon.community, state=ResourceState.PUBLISHED)
    Resource.objects.filter(pk=resource.pk).update(hidden_at=timezone.now())

    client.force_login(lyon.author)
    assert client.get(_url(resource)).status_code == 404
    client.force_login(lyon.animateur)
    response = client.get(_url(resource))
    assert response.status_code == 200
    assert "Masqué par la modération" in response.content.decode()


def test_views_resource_detail_escapes_and_sanitises(lyon, client):
    """Plain fields are escaped, rich ones sanitised: nothing a visitor wrote runs."""
    resource = make_resource(
        lyon.author,
        lyon.community,
        title="<script>alert(1)</script>",
        content=scenario_content(
            duration='<img src=x onerror="alert(1)">',
            objectives='<p>Objectif <a href="javascript:alert(1)">lien</a></p><svg onload=x>',
        ),
        state=ResourceState.PUBLISHED,
    )

    page = client.get(_url(resource)).content.decode()

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img" not in page
    assert "javascript:" not in page
    assert "<svg" not in page


def test_views_resource_list_search_and_facets(lyon, outsider, client):
    """The list shows what one may read, searched and filtered by the GET parameters."""
    make_resource(lyon.author, lyon.community, title="Brouillon de Claire")
    make_resource(
        lyon.author,
        lyon.community,
        title="Escape game",
        content=scenario_content(materials="Cadenas"),
        state=ResourceState.PUBLISHED,
        levels=["4e"],
    )
    make_resource(
        lyon.author,
        lyon.community,
        title="Vittascience",
        kind=ResourceKind.TOOL_REVIEW,
        content={"tool": "Vittascience"},
        state=ResourceState.PUBLISHED,
    )

    page = client.get("/communautes/ressources/").content.decode()
    assert "Escape game" in page and "Vittascience" in page
    assert "Brouillon de Claire" not in page
    page = client.get("/communautes/ressources/", {"q": "cadenas"}).content.decode()
    assert "Escape game" in page and "Vittascience" not in page
    page = client.get("/communautes/ressources/", {"kind": "tool_review"}).content.decode()
    assert "Vittascience" in page and "Escape game" not in page
    page = client.get("/communautes/ressources/", {"cycle": "cycle-4"}).content.decode()
    assert "Escape game" in page and "Vittascience" not in page
    client.force_login(lyon.author)
    page = client.get("/communautes/ressources/", {"state": "draft"}).content.decode()
    assert "Brouillon de Claire" in page and "Escape game" not in page


def test_views_resource_list_queries_do_not_grow(lyon, client, django_assert_max_num_queries):
    """The list costs the same few queries for 3 or 15 resources on the page."""
    for n in range(15):
        make_resource(
            lyon.author,
            lyon.community,
            title=f"Ressource {n}",
            state=ResourceState.PUBLISHED,
            coauthors=[lyon.coauthor] if n % 2 else (),
        )
    client.force_login(lyon.author)
    client.get("/communautes/ressources/")  # Warm the caches (content types, sessions).

    with django_assert_max_num_queries(14):
        response = client.get("/communautes/ressources/")
    assert response.status_code == 200
    assert response.content.decode().count("fr-card__title") == 12


# --- Creating and editing --------------------------------------------------------------------


def test_views_resource_create_then_edit(lyon, client):
    """A member creates a draft in their community and lands on its editor."""
    client.force_login(lyon.author)
    assert client.get("/communautes/ressources/nouvelle/").status_code == 200

    response = client.post(
        "/communautes/ressources/nouvelle/",
        {
            "community": lyon.community.slug,
            "kind": ResourceKind.SCENARIO,
            "title": "Le cycle de l'eau",
            "licence": Licence.CC_BY,
            "levels": ["cm1", "cm2"],
            "tags": "eau, sciences",
        },
    )

    resource = Resource.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _url(resource, "resource_edit")
    assert (resource.licence, resource.levels) == (Licence.CC_BY, ["cm1", "cm2"])
    assert sorted(t.name for t in resource.tags.all()) == ["eau", "sciences"]
    assert client.get(response["Location"]).status_code == 200


def test_views_resource_create_refuses_other_communities(lyon, outsider, client):
    """Nobody creates a resource in a community they are not a member of."""
    client.force_login(outsider)
    response = client.post(
        "/communautes/ressources/nouvelle/",
        {"community": lyon.community.slug, "kind": "scenario", "title": "Intrus"},
    )

    assert response.status_code == 400
    assert not Resource.objects.exists()


def test_views_resource_edit_permissions_both_ways(lyon, outsider, client):
    """Co-authors open the editor; a member who is not one gets 403, an outsider 404,
    anonymous visitors the log-in page."""
    resource = make_resource(lyon.author, lyon.community, state=ResourceState.CHANGES_REQUESTED)
    url = _url(resource, "resource_edit")

    assert client.get(url).status_code == 302
    client.force_login(lyon.author)
    assert client.get(url).status_code == 200
    client.force_login(lyon.coauthor)
    assert client.get(url).status_code == 403
    assert client.post(url, _edit_data(resource, title="Pirate")).status_code == 403
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    assert resource.revisions.count() == 1


def test_views_resource_edit_saves_a_revision(lyon, client):
    """Posting the editor saves version 2 with the message, phases reordered and removed."""
    resource = make_resource(lyon.author, lyon.community)
    client.force_login(lyon.author)
    data = _edit_data(
        resource,
        message="Phases inversées",
        **{"phases-0-ORDER": "2", "phases-1-ORDER": "1", "content-materials": "Des pizzas"},
    )

    response = client.post(_url(resource, "resource_edit"), data)

    assert response.status_code == 302
    revision = resource.revisions.get(number=2)
    assert revision.message == "Phases inversées"
    assert [p["title"] for p in revision.content["phases"]] == [
        "Institutionnalisation",
        "Découverte",
    ]
    assert revision.content["materials"] == "Des pizzas"
    data = _edit_data(resource, **{"base_revision": "2", "phases-0-DELETE": "on"})
    data.update({f"phases-{i}-ORDER": str(i + 1) for i in range(2)})
    client.post(_url(resource, "resource_edit"), data)
    assert [p["title"] for p in resource.revisions.get(number=3).content["phases"]] == [
        "Institutionnalisation"
    ]


def test_views_resource_edit_add_phase_without_javascript(lyon, client):
    """« Add a phase » shows the form again with one more phase, and saves nothing."""
    resource = make_resource(lyon.author, lyon.community)
    client.force_login(lyon.author)

    response = client.post(
        _url(resource, "resource_edit"),
        _edit_data(resource, add_item="phases", **{"content-materials": "Tapé avant"}),
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="phases-TOTAL_FORMS" value="3"' in page
    assert "Phase 3" in page
    assert "Tapé avant" in page
    assert resource.revisions.count() == 1


def test_views_resource_edit_conflict_shows_both_versions(lyon, client):
    """A save based on a stale version gets the conflict page (409) with both versions and a
    form holding the author's text on the current version; saving it again works."""
    resource = make_resource(lyon.author, lyon.community, coauthors=[lyon.coauthor])
    stale = _edit_data(resource, **{"content-materials": "Version de Karim <b>gras</b>"})
    services.resource_save(
        actor=lyon.author,
        resource=resource,
        base_revision=1,
        title=resource.title,
        content=scenario_content(materials="Version de Claire"),
    )
    client.force_login(lyon.coauthor)

    response = client.post(_url(resource, "resource_edit"), stale)

    assert response.status_code == 409
    page = response.content.decode()
    assert "pas été enregistrées" in page
    # Side by side, the differing words marked; what Karim typed is shown escaped.
    assert "Version de <del>Claire</del>" in page
    assert "Version de <ins>Karim &lt;b&gt;gras&lt;/b&gt;</ins>" in page
    assert re.search(r'name="base_revision" value="2"', page)
    assert resource.revisions.count() == 2

    merged = dict(stale, base_revision="2", **{"content-materials": "Claire et Karim"})
    assert client.post(_url(resource, "resource_edit"), merged).status_code == 302
    assert resource.revisions.get(number=3).content["materials"] == "Claire et Karim"


def test_views_resource_edit_bad_input_is_a_form_error(lyon, client):
    """An invalid address or a missing title is a 400 with the form, nothing saved."""
    resource = make_resource(
        lyon.author, lyon.community, kind=ResourceKind.TOOL_REVIEW, content={"tool": "X"}
    )
    client.force_login(lyon.author)

    response = client.post(
        _url(resource, "resource_edit"),
        _edit_data(resource, title="", **{"content-url": "pas une adresse"}),
    )

    assert response.status_code == 400
    assert resource.revisions.count() == 1


# --- History, diff, restore ------------------------------------------------------------------


def test_views_revision_compare_side_by_side_and_unified(lyon, client):
    """Two versions compared: changed words marked, markup escaped, in both displays."""
    resource = make_resource(lyon.author, lyon.community)
    services.resource_save(
        actor=lyon.author,
        resource=resource,
        base_revision=1,
        title="Les fractions <em>au cycle 3</em>",
        content=scenario_content(materials="Ciseaux, colle et règles."),
    )
    client.force_login(lyon.author)
    url = _url(resource, "revision_compare")

    page = client.get(url, {"de": 1, "a": 2}).content.decode()
    assert "<del>colle.</del>" in page
    assert "<ins>colle et règles.</ins>" in page
    assert "&lt;em&gt;au" in page

    page = client.get(url, {"de": 1, "a": 2, "vue": "unifiee"}).content.decode()
    assert '<span class="community-diff-unified__remove">-Ciseaux, colle.</span>' in page
    assert '<span class="community-diff-unified__add">+Ciseaux, colle et règles.</span>' in page

    assert client.get(url, {"de": "x"}).status_code == 400
    assert client.get(url, {"de": 1, "a": 9}).status_code == 404


def test_views_revision_history_and_restore(lyon, client):
    """The history lists every version; a co-author restores one, others may not."""
    resource = make_resource(lyon.author, lyon.community, coauthors=[lyon.coauthor])
    services.resource_save(
        actor=lyon.author,
        resource=resource,
        base_revision=1,
        title="Nouveau titre",
        content=scenario_content(),
        message="Titre",
    )
    client.force_login(lyon.author)
    page = client.get(_url(resource, "revision_history")).content.decode()
    assert "Version 2" in page and "Version 1" in page and "Titre" in page

    client.force_login(lyon.animateur)
    assert client.post(_url(resource, "revision_restore", 1)).status_code == 403
    client.force_login(lyon.coauthor)
    response = client.post(_url(resource, "revision_restore", 1))

    assert response.status_code == 302
    restored = resource.revisions.get(number=3)
    assert restored.restored_from.number == 1
    assert restored.author == lyon.coauthor
    resource.refresh_from_db()
    assert resource.title == "Les fractions au cycle 3"


# --- Co-authors, rights, files, remix --------------------------------------------------------


def test_views_coauthor_add_and_rights(lyon, client):
    """An author adds a member as co-author and confirms the rights over HTTP."""
    resource = make_resource(lyon.author, lyon.community)
    client.force_login(lyon.author)

    client.post(_url(resource, "coauthor_add"), {"user": lyon.coauthor.pk})
    client.post(_url(resource, "resource_rights_confirm"))

    assert set(resource.authors.all()) == {lyon.author, lyon.coauthor}
    resource.refresh_from_db()
    assert services.rights_check_passed(resource)
    client.force_login(lyon.animateur)
    assert client.post(_url(resource, "resource_rights_confirm")).status_code == 403


def test_views_attachments_private_until_published(lyon, outsider, client, media):
    """A draft's file is streamed to its authors only; a published one's sent to /media/."""
    resource = make_resource(lyon.author, lyon.community)
    client.force_login(lyon.author)
    client.post(
        _url(resource, "attachment_add"),
        {"file": SimpleUploadedFile("fiche.pdf", b"%PDF-1.4"), "title": "Fiche élève"},
    )
    attachment = resource.attachments.get()
    url = _url(resource, "attachment_download", attachment.pk)

    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4"
    assert response["Content-Disposition"].startswith("attachment")
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 404

    Resource.objects.filter(pk=resource.pk).update(state=ResourceState.PUBLISHED)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/media/{attachment.file.name}"


def test_views_attachment_add_refused_type(lyon, client):
    """An HTML file is refused with a message; nothing is attached."""
    resource = make_resource(lyon.author, lyon.community)
    client.force_login(lyon.author)

    response = client.post(
        _url(resource, "attachment_add"),
        {"file": SimpleUploadedFile("page.html", b"<script>")},
        follow=True,
    )

    assert "Les fichiers de ce type ne sont pas acceptés" in response.content.decode()
    assert not resource.attachments.exists()


def test_views_resource_remix_shows_lineage_both_ways(lyon, outsider, client):
    """Remixed over HTTP: the remix says « remix of … by … », the original « remixed as »
    once the remix may be read."""
    source = make_resource(lyon.author, lyon.community, state=ResourceState.PUBLISHED)
    elsewhere = CommunityFactory(name="Cycle 3 en Ardèche")
    member(elsewhere, outsider)
    client.force_login(outsider)
    assert client.get(_url(source, "resource_remix")).status_code == 200

    response = client.post(_url(source, "resource_remix"), {"community": elsewhere.slug})

    remix = Resource.objects.get(remixed_from=source)
    assert response["Location"] == _url(remix)
    page = client.get(_url(remix)).content.decode()
    assert "Remix de" in page
    assert "Les fractions au cycle 3" in page and "Claire Martin" in page
    # The draft remix is not listed on the original for others until it may be read.
    client.force_login(lyon.author)
    assert "Remixé en" not in client.get(_url(source)).content.decode()
    Resource.objects.filter(pk=remix.pk).update(state=ResourceState.PUBLISHED)
    assert "Remixé en" in client.get(_url(source)).content.decode()


def test_views_resource_remix_refused_for_drafts(lyon, client):
    """A draft cannot be remixed (400 with the reason)."""
    resource = make_resource(lyon.author, lyon.community)
    client.force_login(lyon.author)

    response = client.post(_url(resource, "resource_remix"), {"community": lyon.community.slug})

    assert response.status_code == 400
    assert "Seules les ressources publiées peuvent être remixées." in response.content.decode()
