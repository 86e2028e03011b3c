"""Co-built resources: creation, revisions and conflicts, restore, co-authors, rights, remix."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from community import services_resources as services
from community.models import (
    Licence,
    MembershipStatus,
    Notification,
    Resource,
    ResourceKind,
    ResourceRevision,
    ResourceState,
)
from tests.community.factories import CommunityFactory, member
from tests.community.resources_helpers import make_resource, scenario_content, world

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def lyon(learner, trainer, inspector):
    return world(author=learner, coauthor=trainer, animateur=inspector)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Attachments land in a temporary MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _save(resource, actor, base, **changes):
    data = {"title": resource.title, "content": resource.current_revision.content, **changes}
    return services.resource_save(actor=actor, resource=resource, base_revision=base, **data)


# --- Creation --------------------------------------------------------------------------------


def test_services_resource_create_makes_a_draft_with_revision_1(lyon):
    """A member's new resource is a CC BY-SA draft, its author first, its content revision 1."""
    resource = make_resource(lyon.author, lyon.community, levels=["cm2", "6e"], tags=["oral"])

    assert resource.state == ResourceState.DRAFT
    assert resource.licence == Licence.CC_BY_SA
    assert list(resource.authors.all()) == [lyon.author]
    revision = resource.current_revision
    assert (revision.number, revision.author, revision.title) == (1, lyon.author, resource.title)
    assert revision.content["phases"][0]["title"] == "Découverte"
    assert resource.levels == ["cm2", "6e"]
    assert [t.name for t in resource.tags.all()] == ["oral"]
    assert resource.slug == "les-fractions-au-cycle-3"


def test_services_resource_create_refuses_non_members(lyon, outsider):
    """Only the community's active members add resources to it (banned ones neither)."""
    with pytest.raises(PermissionDenied):
        make_resource(outsider, lyon.community)
    member(lyon.community, outsider, status=MembershipStatus.BANNED)
    with pytest.raises(PermissionDenied):
        make_resource(outsider, lyon.community)
    assert not Resource.objects.exists()


def test_services_resource_create_sanitises_rich_text(lyon):
    """Script, event handlers and javascript: links never reach a revision."""
    resource = make_resource(
        lyon.author,
        lyon.community,
        content=scenario_content(
            objectives='<p onclick="x()">Lire <script>alert(1)</script>'
            '<a href="javascript:alert(1)">ici</a></p>',
        ),
    )

    stored = resource.current_revision.content["objectives"]
    assert "script" not in stored
    assert "onclick" not in stored
    assert "javascript" not in stored
    assert "Lire" in stored


def test_services_resource_create_licence_chosen_or_refused(lyon):
    """A licence of the list is kept; anything else is refused and nothing is stored."""
    resource = make_resource(lyon.author, lyon.community, licence=Licence.CC_BY_NC_SA)
    assert resource.licence == Licence.CC_BY_NC_SA

    with pytest.raises(services.ResourceError):
        make_resource(lyon.author, lyon.community, title="Autre", licence="gpl-3")
    assert Resource.objects.count() == 1


def test_services_resource_create_slug_unique_in_community(lyon):
    """Two resources of one title get two slugs."""
    first = make_resource(lyon.author, lyon.community)
    second = make_resource(lyon.author, lyon.community)

    assert (first.slug, second.slug) == ("les-fractions-au-cycle-3", "les-fractions-au-cycle-3-2")


# --- Saving, conflicts -----------------------------------------------------------------------


def test_services_resource_save_makes_revision_n_plus_1(lyon):
    """A co-author's save is revision 2, with its author, time and message."""
    resource = make_resource(lyon.author, lyon.community, coauthors=[lyon.coauthor])

    revision = _save(
        resource,
        lyon.coauthor,
        1,
        title="Les fractions en CM2",
        content=scenario_content(materials="Des pizzas en carton."),
        message="Matériel revu",
    )

    assert (revision.number, revision.author, revision.message) == (
        2,
        lyon.coauthor,
        "Matériel revu",
    )
    assert revision.created is not None
    resource.refresh_from_db()
    assert resource.current_revision == revision
    assert resource.title == "Les fractions en CM2"
    assert ResourceRevision.objects.get(resource=resource, number=1).content["materials"] == (
        "Ciseaux, colle."
    )


def test_services_resource_save_refuses_a_stale_base_with_both_versions(lyon):
    """Two co-authors edit version 1: the second save is refused, carrying both versions."""
    resource = make_resource(lyon.author, lyon.community, coauthors=[lyon.coauthor])
    _save(resource, lyon.author, 1, content=scenario_content(materials="Version de Claire"))

    with pytest.raises(services.RevisionConflict) as refused:
        _save(resource, lyon.coauthor, 1, content=scenario_content(materials="Version de Karim"))

    conflict = refused.value
    assert conflict.base == 1
    assert conflict.current.number == 2
    assert conflict.current.content["materials"] == "Version de Claire"
    assert conflict.theirs.content["materials"] == "Version de Karim"
    assert "Claire Martin" in str(conflict)
    assert resource.revisions.count() == 2  # Karim's text was not stored…
    resource.refresh_from_db()
    assert resource.current_revision.number == 2


def test_services_resource_save_after_merge_on_current_base(lyon):
    """Saved again on the current revision, the merged text becomes revision 3."""
    resource = make_resource(lyon.author, lyon.community, coauthors=[lyon.coauthor])
    _save(resource, lyon.author, 1, content=scenario_content(materials="Claire"))
    with pytest.raises(services.RevisionConflict):
        _save(resource, lyon.coauthor, 1, content=scenario_content(materials="Karim"))

    merged = _save(resource, lyon.coauthor, 2, content=scenario_content(materials="Claire, Karim"))

    assert merged.number == 3
    assert merged.content["materials"] == "Claire, Karim"


def test_services_resource_save_unchanged_text_makes_no_revision(lyon):
    """Saving the same title and content keeps the current revision."""
    resource = make_resource(lyon.author, lyon.community)

    revision = _save(resource, lyon.author, 1, tags=["oral"])

    assert revision.number == 1
    assert resource.revisions.count() == 1
    assert [t.name for t in resource.tags.all()] == ["oral"]


def test_services_resource_save_only_co_authors(lyon, outsider):
    """A member who is not a co-author, the animateur, or an outsider may not save."""
    resource = make_resource(lyon.author, lyon.community)

    for someone in (lyon.coauthor, lyon.animateur, outsider):
        with pytest.raises(PermissionDenied):
            _save(resource, someone, 1, title="Autre titre")
    assert resource.revisions.count() == 1


def test_services_resource_save_refused_in_review_and_published(lyon):
    """A resource in review or published is frozen; one with changes requested is not."""
    for state in (ResourceState.SUBMITTED, ResourceState.IN_REVIEW, ResourceState.PUBLISHED):
        resource = make_resource(lyon.author, lyon.community, state=state)
        with pytest.raises(services.ResourceError):
            _save(resource, lyon.author, 1, title="Autre titre")
    resource = make_resource(lyon.author, lyon.community, state=ResourceState.CHANGES_REQUESTED)
    assert _save(resource, lyon.author, 1, title="Autre titre").number == 2


def test_services_resource_save_refuses_a_bad_address(lyon):
    """A tool review's address must be http(s); nothing is saved otherwise."""
    resource = make_resource(
        lyon.author, lyon.community, kind=ResourceKind.TOOL_REVIEW, content={"tool": "Vittascience"}
    )

    with pytest.raises(services.ResourceError):
        _save(resource, lyon.author, 1, content={"url": "javascript:alert(1)"})
    assert resource.revisions.count() == 1


def test_services_resource_save_licence_frozen_once_published(lyon):
    """The licence changes on a draft (rights to confirm again), never after publication."""
    resource = make_resource(lyon.author, lyon.community, rights_confirmed=True)
    _save(resource, lyon.author, 1, licence=Licence.CC_BY)
    resource.refresh_from_db()
    assert resource.licence == Licence.CC_BY
    assert not resource.rights_confirmed

    Resource.objects.filter(pk=resource.pk).update(
        state=ResourceState.CHANGES_REQUESTED, published_at=resource.created
    )
    resource.refresh_from_db()
    with pytest.raises(services.ResourceError):
        _save(resource, lyon.author, 1, licence=Licence.ALL_RIGHTS_RESERVED)
    resource.refresh_from_db()
    assert resource.licence == Licence.CC_BY


# --- Restore ---------------------------------------------------------------------------------


def test_services_revision_restore_makes_a_new_revision(lyon):
    """Restoring version 1 makes version 3 with version 1's text; nothing is lost."""
    resource = make_resource(lyon.author, lyon.community)
    _save(resource, lyon.author, 1, title="Titre changé", content=scenario_content(phases=[]))
    first = resource.revisions.get(number=1)

    restored = services.revision_restore(actor=lyon.author, resource=resource, revision=first)

    assert (restored.number, restored.restored_from) == (3, first)
    assert restored.title == first.title
    assert restored.content == first.content
    resource.refresh_from_db()
    assert resource.current_revision == restored
    assert resource.title == first.title
    assert resource.revisions.count() == 3


def test_services_revision_restore_refuses_the_current_version(lyon):
    """The current version (or one identical to it) is not restored."""
    resource = make_resource(lyon.author, lyon.community)

    with pytest.raises(services.ResourceError):
        services.revision_restore(
            actor=lyon.author, resource=resource, revision=resource.current_revision
        )


# --- Co-authors ------------------------------------------------------------------------------


def test_services_coauthor_add_notifies_and_lets_them_edit(lyon):
    """A co-author added by a member is notified and may then save."""
    resource = make_resource(lyon.author, lyon.community)

    services.coauthor_add(actor=lyon.author, resource=resource, user=lyon.coauthor)

    assert set(resource.authors.all()) == {lyon.author, lyon.coauthor}
    notification = Notification.objects.get(recipient=lyon.coauthor)
    assert "co-author" in notification.text
    assert notification.url == f"/communautes/ressources/{resource.pk}/"
    assert _save(resource, lyon.coauthor, 1, title="Titre de Karim").number == 2


def test_services_coauthor_add_refuses_non_members_and_non_authors(lyon, outsider):
    """Co-authors are members; only co-authors add them."""
    resource = make_resource(lyon.author, lyon.community)

    with pytest.raises(services.ResourceError):
        services.coauthor_add(actor=lyon.author, resource=resource, user=outsider)
    with pytest.raises(PermissionDenied):
        services.coauthor_add(actor=lyon.coauthor, resource=resource, user=lyon.coauthor)
    assert list(resource.authors.all()) == [lyon.author]


def test_services_coauthor_remove_keeps_one_author(lyon):
    """A co-author leaves; the last author cannot."""
    resource = make_resource(lyon.author, lyon.community, coauthors=[lyon.coauthor])

    services.coauthor_remove(actor=lyon.coauthor, resource=resource, user=lyon.coauthor)
    assert list(resource.authors.all()) == [lyon.author]
    with pytest.raises(services.ResourceError):
        services.coauthor_remove(actor=lyon.author, resource=resource, user=lyon.author)


# --- Rights and attachments ------------------------------------------------------------------


def test_services_rights_check_confirmed_then_reset_by_a_new_file(lyon, media):
    """The rights check passes once confirmed, and fails again when a file is attached."""
    resource = make_resource(lyon.author, lyon.community)
    assert not services.rights_check_passed(resource)

    services.resource_rights_confirm(actor=lyon.author, resource=resource)
    assert services.rights_check_passed(resource)
    assert resource.rights_confirmed_by == lyon.author

    services.attachment_add(
        actor=lyon.author,
        resource=resource,
        file=SimpleUploadedFile("fiche.pdf", b"%PDF-1.4", content_type="application/pdf"),
    )
    resource.refresh_from_db()
    assert not services.rights_check_passed(resource)


def test_services_rights_check_fails_for_a_file_added_behind_its_back(lyon):
    """A file newer than the confirmation fails the check, however it got there."""
    resource = make_resource(lyon.author, lyon.community, rights_confirmed=True)
    resource.attachments.create(title="x", file="x.pdf", uploaded_by=lyon.author)

    assert not services.rights_check_passed(resource)


def test_services_attachment_add_limits_type_and_size(lyon, settings, media):
    """HTML, SVG and files over the limit are refused; a PDF is stored under MEDIA_ROOT."""
    settings.COMMUNITY_ATTACHMENT_MAX_BYTES = 10
    resource = make_resource(lyon.author, lyon.community)

    for name, data in (("page.html", b"<p>"), ("logo.svg", b"<svg/>"), ("gros.pdf", b"x" * 11)):
        with pytest.raises(services.ResourceError):
            services.attachment_add(
                actor=lyon.author, resource=resource, file=SimpleUploadedFile(name, data)
            )
    attachment = services.attachment_add(
        actor=lyon.author, resource=resource, file=SimpleUploadedFile("fiche.pdf", b"%PDF")
    )

    assert attachment.title == "fiche.pdf"
    assert (media / attachment.file.name).read_bytes() == b"%PDF"
    assert attachment.file.name.startswith(f"community/resources/{resource.pk}/")
    assert resource.attachments.count() == 1


def test_services_attachment_remove_deletes_the_file(
    lyon, media, django_capture_on_commit_callbacks
):
    """A removed file leaves the storage once the removal commits."""
    resource = make_resource(lyon.author, lyon.community)
    attachment = services.attachment_add(
        actor=lyon.author, resource=resource, file=SimpleUploadedFile("fiche.pdf", b"%PDF")
    )
    path = media / attachment.file.name

    with django_capture_on_commit_callbacks(execute=True):
        services.attachment_remove(actor=lyon.author, attachment=attachment)

    assert not path.exists()
    assert not resource.attachments.exists()


# --- Remix -----------------------------------------------------------------------------------


def test_services_resource_remix_keeps_lineage_and_attribution(lyon, outsider, media):
    """A published scenario remixed into another community: a draft of the remixer's, with
    the source's content, facets and files, its lineage and its authors credited."""
    source = make_resource(
        lyon.author,
        lyon.community,
        coauthors=[lyon.coauthor],
        levels=["cm1"],
        tags=["partage"],
    )
    services.attachment_add(
        actor=lyon.author, resource=source, file=SimpleUploadedFile("fiche.pdf", b"%PDF")
    )
    Resource.objects.filter(pk=source.pk).update(
        state=ResourceState.PUBLISHED, published_at=source.created
    )
    source.refresh_from_db()
    elsewhere = CommunityFactory(name="Cycle 3 en Ardèche")
    member(elsewhere, outsider)

    remix = services.resource_remix(actor=outsider, resource=source, community=elsewhere)

    assert remix.community == elsewhere
    assert remix.state == ResourceState.DRAFT
    assert remix.remixed_from == source
    assert list(remix.authors.all()) == [outsider]
    assert remix.licence == Licence.CC_BY_SA
    assert remix.current_revision.content == source.current_revision.content
    assert remix.current_revision.author == outsider
    assert remix.levels == source.levels
    assert [t.name for t in remix.tags.all()] == ["partage"]
    copy = remix.attachments.get()
    assert copy.file.name != source.attachments.get().file.name
    assert (media / copy.file.name).read_bytes() == b"%PDF"
    assert remix.attribution["title"] == "Les fractions au cycle 3"
    assert remix.attribution["authors"] == ["Karim Benali", "Claire Martin"]
    assert remix.attribution["community"] == "Maths au collège"
    assert remix.attribution["url"] == f"/communautes/ressources/{source.pk}/"
    assert list(source.remixes.all()) == [remix]


def test_services_resource_remix_of_a_remix_credits_everyone(lyon, outsider):
    """The attribution of a remix of a remix names the first authors too."""
    source = make_resource(lyon.author, lyon.community, state=ResourceState.PUBLISHED)
    first = services.resource_remix(actor=lyon.coauthor, resource=source, community=lyon.community)
    Resource.objects.filter(pk=first.pk).update(state=ResourceState.PUBLISHED)
    first.refresh_from_db()
    elsewhere = CommunityFactory()
    member(elsewhere, outsider)

    second = services.resource_remix(actor=outsider, resource=first, community=elsewhere)

    assert second.attribution["authors"] == ["Karim Benali"]
    assert second.attribution["upstream"]["authors"] == ["Claire Martin"]


def test_services_resource_remix_guards(lyon, outsider):
    """No remix of a draft, of an « all rights reserved » work, or into someone else's
    community; a ShareAlike licence is kept, CC BY lets the remixer choose."""
    draft = make_resource(lyon.author, lyon.community)
    with pytest.raises(services.ResourceError):
        services.resource_remix(actor=lyon.coauthor, resource=draft, community=lyon.community)
    reserved = make_resource(
        lyon.author,
        lyon.community,
        licence=Licence.ALL_RIGHTS_RESERVED,
        state=ResourceState.PUBLISHED,
    )
    with pytest.raises(services.ResourceError):
        services.resource_remix(actor=lyon.coauthor, resource=reserved, community=lyon.community)
    shared = make_resource(lyon.author, lyon.community, state=ResourceState.PUBLISHED)
    with pytest.raises(PermissionDenied):
        services.resource_remix(actor=outsider, resource=shared, community=lyon.community)
    with pytest.raises(services.ResourceError):
        services.resource_remix(
            actor=lyon.coauthor,
            resource=shared,
            community=lyon.community,
            licence=Licence.CC_BY,
        )
    open_one = make_resource(
        lyon.author, lyon.community, licence=Licence.CC_BY, state=ResourceState.PUBLISHED
    )
    remix = services.resource_remix(
        actor=lyon.coauthor,
        resource=open_one,
        community=lyon.community,
        licence=Licence.ALL_RIGHTS_RESERVED,
    )
    assert remix.licence == Licence.ALL_RIGHTS_RESERVED
    assert Resource.objects.filter(remixed_from__isnull=False).count() == 1
