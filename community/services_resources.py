"""Writes on co-built resources: creation, revisions, co-authors, attachments, rights, remixes.

A resource's content lives in numbered revisions; ``Resource.current_revision`` is the newest.
Every save names the revision it was based on (:func:`resource_save`): the resource's row is
locked, and a save whose base is no longer the current revision is refused with
:class:`RevisionConflict`, which carries both versions so the author can merge them and save
again — two co-authors saving at once never lose each other's work. Restoring an old revision
makes a new one (:func:`revision_restore`): history only grows.

Every piece of content goes through :func:`community.content.clean_content` (rich text is
sanitised there), whoever calls. A new revision is announced after commit on the resource's
websocket group, so the co-authors' open editors learn that they became stale.

The licence is chosen at creation (CC BY-SA 4.0 unless said otherwise) and frozen once the
resource has been published: Creative Commons licences cannot be taken back. The rights check
(:func:`rights_check_passed`) is what the review asks before submission and publication.

Guards raise ``PermissionDenied`` for someone who may not act at all (a 403) and
:class:`ResourceError` with a message shown to the user as is for a refused action.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from campus.models import CompetenceItem, Discipline, User
from community import realtime
from community.content import clean_content
from community.facets import normalise_levels
from community.models import (
    Community,
    Licence,
    NotificationKind,
    Resource,
    ResourceAttachment,
    ResourceKind,
    ResourceRevision,
)
from community.selectors import is_member
from community.selectors_resources import (
    EDITABLE_STATES,
    is_author,
    is_published,
)
from community.services_notifications import notification_create

# What may be attached: office documents, images, sound and video, archives, and the files of
# the tools teachers share most (GeoGebra, Scratch). No HTML or SVG: once the resource is
# published its files are served from /media/, where they must not run scripts.
ATTACHMENT_EXTENSIONS = (
    "pdf",
    "odt",
    "ods",
    "odp",
    "odg",
    "docx",
    "xlsx",
    "pptx",
    "txt",
    "csv",
    "png",
    "jpg",
    "jpeg",
    "gif",
    "webp",
    "mp3",
    "ogg",
    "mp4",
    "webm",
    "zip",
    "ggb",
    "sb3",
)
MAX_ATTACHMENTS = 20
TITLE_MAX_CHARS = 200
SUMMARY_MAX_CHARS = 1000

# A remix keeps a ShareAlike licence (the "SA" clause); CC BY lets the remixer choose; works
# whose authors reserve all rights cannot be remixed at all.
REMIX_LICENCES: dict[str, tuple[str, ...]] = {
    Licence.CC_BY_SA: (Licence.CC_BY_SA,),
    Licence.CC_BY_NC_SA: (Licence.CC_BY_NC_SA,),
    Licence.CC_BY: (
        Licence.CC_BY_SA,
        Licence.CC_BY,
        Licence.CC_BY_NC_SA,
        Licence.ALL_RIGHTS_RESERVED,
    ),
    Licence.ALL_RIGHTS_RESERVED: (),
}


def attachment_max_bytes() -> int:
    """The largest file one may attach (setting ``COMMUNITY_ATTACHMENT_MAX_BYTES``)."""
    return settings.COMMUNITY_ATTACHMENT_MAX_BYTES


class ResourceError(Exception):
    """A write the guards refuse; the message is shown to the user as is."""


@dataclass(frozen=True)
class RevisionDraft:
    """A version of a resource that was not saved: what an author submitted."""

    title: str
    content: dict[str, Any]
    message: str = ""


class RevisionConflict(ResourceError):
    """A save based on a revision that is no longer the current one.

    Carries both versions: ``theirs`` (what was submitted, cleaned) and ``current`` (the
    revision saved meanwhile by another co-author), for the author to merge.
    """

    def __init__(
        self,
        *,
        resource: Resource,
        base: int,
        current: ResourceRevision,
        theirs: RevisionDraft,
    ):
        self.resource = resource
        self.base = base
        self.current = current
        self.theirs = theirs
        super().__init__(
            _(
                "This resource was saved by %(author)s (version %(number)s) while you were "
                "editing version %(base)s. Your changes were not saved: merge them with "
                "the current version and save again."
            )
            % {"author": author_name(current.author), "number": current.number, "base": base}
        )


def author_name(user: User | None) -> str:
    """How a person is named on resources: their full name, else their first name or email."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_short_name()


def resource_url(resource: Resource) -> str:
    """The path of a resource's page."""
    return reverse("community:resource_detail", kwargs={"pk": resource.pk})


# --- Guards ----------------------------------------------------------------------------------


def _can_contribute(actor: User, community: Community) -> None:
    """Only active members add resources, and not to an archived community."""
    if not is_member(actor, community):
        raise PermissionDenied("not a member of this community")
    if community.archived:
        raise ResourceError(_("This community is archived: no resource can be added to it."))


def _can_act_as_author(actor: User, resource: Resource) -> None:
    """Co-authors who are still active members act on a resource that is not hidden."""
    if resource.hidden_at is not None:
        raise PermissionDenied("the resource is hidden")
    if not is_author(actor, resource) or not is_member(actor, resource.community):
        raise PermissionDenied("not a co-author of this resource")


def _can_edit(actor: User, resource: Resource) -> None:
    """Co-authors edit while the resource is in the authors' hands (not in review, published)."""
    _can_act_as_author(actor, resource)
    if resource.state not in EDITABLE_STATES:
        raise ResourceError(
            _("A resource that is « %(state)s » cannot be edited.")
            % {"state": resource.get_state_display()}
        )


def _can_change_licence(resource: Resource, licence: str) -> None:
    """A licence is known; it cannot change once the resource has been published."""
    if licence not in Licence.values:
        raise ResourceError(_("Choose one of the licences offered."))
    if resource.pk and resource.published_at is not None and licence != resource.licence:
        raise ResourceError(
            _(
                "This resource has been published under %(licence)s: its licence can no "
                "longer change (a licence granted cannot be withdrawn)."
            )
            % {"licence": resource.get_licence_display()}
        )


def _can_remix(actor: User, source: Resource, community: Community) -> None:
    """Published, visible resources whose licence allows derivatives, into one's community."""
    if not is_published(source) or source.hidden_at is not None:
        raise ResourceError(_("Only published resources can be remixed."))
    if not REMIX_LICENCES[source.licence]:
        raise ResourceError(
            _("Its authors reserve all rights on « %(title)s »: it cannot be remixed.")
            % {"title": source.title}
        )
    _can_contribute(actor, community)


def rights_check_passed(resource: Resource) -> bool:
    """The rights check, asked before submission and publication.

    Passed when a co-author confirmed that the authors hold the rights to everything in the
    resource under its licence, and no file was attached since that confirmation.
    """
    if not resource.rights_confirmed or resource.licence not in Licence.values:
        return False
    confirmed_at = resource.rights_confirmed_at
    return (
        confirmed_at is None or not resource.attachments.filter(created__gt=confirmed_at).exists()
    )


# --- Helpers ---------------------------------------------------------------------------------


def _locked(resource: Resource) -> Resource:
    """The resource's row, locked until the transaction ends (saves are serialised)."""
    return (
        Resource.objects.select_for_update(of=("self",))
        .select_related("community", "current_revision__author")
        .get(pk=resource.pk)
    )


def _clean_title(title: str) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise ResourceError(_("Give the resource a title."))
    return title[:TITLE_MAX_CHARS]


def _clean_summary(summary: str) -> str:
    return (summary or "").strip().replace("\r\n", "\n")[:SUMMARY_MAX_CHARS]


def _clean(kind: str, content: Mapping[str, Any] | None) -> dict[str, Any]:
    try:
        return clean_content(kind, content or {})
    except ValidationError as error:
        raise ResourceError(" ".join(error.messages)) from None


def _unique_slug(community: Community, title: str) -> str:
    base = slugify(title)[:200] or "ressource"
    taken = set(
        Resource.objects.filter(community=community, slug__startswith=base).values_list(
            "slug", flat=True
        )
    )
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _set_facets(
    resource: Resource,
    *,
    disciplines: Iterable[Discipline] | None,
    competences: Iterable[CompetenceItem] | None,
    tags: Iterable[str] | None,
) -> None:
    if disciplines is not None:
        resource.disciplines.set(list(disciplines))
    if competences is not None:
        resource.competences.set(list(competences))
    if tags is not None:
        names = {" ".join(t.split())[:100] for t in tags}
        resource.tags.set(sorted(n for n in names if n))


def _confirm_rights(resource: Resource, actor: User, when) -> None:
    resource.rights_confirmed = True
    resource.rights_confirmed_by = actor
    resource.rights_confirmed_at = when


def _withdraw_rights(resource: Resource) -> None:
    resource.rights_confirmed = False
    resource.rights_confirmed_by = None
    resource.rights_confirmed_at = None


def _announce_saved(resource: Resource, revision: ResourceRevision) -> None:
    """Tell the co-authors' open editors that there is a new current revision."""
    realtime.dispatch(
        realtime.resource_group(resource.pk),
        {
            "type": "resource.saved",
            "revision": revision.number,
            "author_id": revision.author_id,
            "author": author_name(revision.author),
        },
    )


def _new_revision(
    resource: Resource,
    *,
    actor: User,
    title: str,
    content: dict[str, Any],
    message: str,
    when,
    restored_from: ResourceRevision | None = None,
) -> ResourceRevision:
    number = resource.current_revision.number + 1 if resource.current_revision else 1
    revision = ResourceRevision.objects.create(
        resource=resource,
        number=number,
        title=title,
        content=content,
        author=actor,
        message=" ".join((message or "").split())[:200],
        created=when,
        restored_from=restored_from,
    )
    resource.current_revision = revision
    resource.title = title
    resource.updated = when
    return revision


# --- Creating and saving ---------------------------------------------------------------------


@transaction.atomic
def resource_create(
    *,
    actor: User,
    community: Community,
    kind: str,
    title: str,
    content: Mapping[str, Any] | None = None,
    summary: str = "",
    licence: str = Licence.CC_BY_SA,
    disciplines: Iterable[Discipline] = (),
    levels: Iterable[str] = (),
    competences: Iterable[CompetenceItem] = (),
    tags: Iterable[str] = (),
    rights_confirmed: bool = False,
    message: str = "",
) -> Resource:
    """A member creates a draft resource in their community, with its first revision.

    The actor is its first author; the licence is CC BY-SA 4.0 unless another is chosen.
    """
    _can_contribute(actor, community)
    if kind not in ResourceKind.values:
        raise ResourceError(_("Choose one of the types of resource offered."))
    title = _clean_title(title)
    cleaned = _clean(kind, content)
    resource = Resource(community=community, kind=kind, licence=licence)
    _can_change_licence(resource, licence)
    now = timezone.now()
    resource.title = title
    resource.slug = _unique_slug(community, title)
    resource.summary = _clean_summary(summary)
    resource.levels = normalise_levels(levels)
    resource.created_by = actor
    resource.created = resource.updated = now
    if rights_confirmed:
        _confirm_rights(resource, actor, now)
    resource.save()
    resource.authors.add(actor)
    _set_facets(resource, disciplines=disciplines, competences=competences, tags=tags)
    _new_revision(resource, actor=actor, title=title, content=cleaned, message=message, when=now)
    # Saved again now that it has content and tags: the search index reads both.
    resource.save()
    return resource


@transaction.atomic
def resource_save(
    *,
    actor: User,
    resource: Resource,
    base_revision: int,
    title: str,
    content: Mapping[str, Any],
    message: str = "",
    summary: str | None = None,
    licence: str | None = None,
    disciplines: Iterable[Discipline] | None = None,
    levels: Iterable[str] | None = None,
    competences: Iterable[CompetenceItem] | None = None,
    tags: Iterable[str] | None = None,
    rights_confirmed: bool | None = None,
) -> ResourceRevision:
    """A co-author saves: revision N+1 if the title or content changed, and the facets.

    ``base_revision`` is the number of the revision the author started from. When it is no
    longer the current one, nothing is saved and :class:`RevisionConflict` carries both
    versions. Returns the new revision, or the current one when the text did not change.
    Facets left to None are kept; ``rights_confirmed`` True or False sets the rights check.
    """
    locked = _locked(resource)
    _can_edit(actor, locked)
    title = _clean_title(title)
    cleaned = _clean(locked.kind, content)
    current = locked.current_revision
    if current is None or current.number != base_revision:
        raise RevisionConflict(
            resource=locked,
            base=base_revision,
            current=current,
            theirs=RevisionDraft(title=title, content=cleaned, message=message),
        )
    now = timezone.now()
    if licence is not None and licence != locked.licence:
        _can_change_licence(locked, licence)
        locked.licence = licence
        # The rights were confirmed under the former licence.
        _withdraw_rights(locked)
    if summary is not None:
        locked.summary = _clean_summary(summary)
    if levels is not None:
        locked.levels = normalise_levels(levels)
    _set_facets(locked, disciplines=disciplines, competences=competences, tags=tags)
    if rights_confirmed and not locked.rights_confirmed:
        _confirm_rights(locked, actor, now)
    elif rights_confirmed is False:
        _withdraw_rights(locked)
    revision = current
    if title != current.title or cleaned != current.content:
        revision = _new_revision(
            locked, actor=actor, title=title, content=cleaned, message=message, when=now
        )
        _announce_saved(locked, revision)
    locked.updated = now
    locked.save()
    resource.refresh_from_db()
    return revision


@transaction.atomic
def revision_restore(
    *, actor: User, resource: Resource, revision: ResourceRevision, message: str = ""
) -> ResourceRevision:
    """A co-author brings back an old revision: it becomes a new revision, N+1.

    Nothing is lost: the revisions in between stay in the history, and the new one names
    the revision it restores (``restored_from``).
    """
    locked = _locked(resource)
    _can_edit(actor, locked)
    if revision.resource_id != locked.pk:
        raise ResourceError(_("This version belongs to another resource."))
    current = locked.current_revision
    if revision.pk == current.pk or (
        revision.title == current.title and revision.content == current.content
    ):
        raise ResourceError(_("This version is the same as the current one."))
    now = timezone.now()
    restored = _new_revision(
        locked,
        actor=actor,
        title=revision.title,
        content=_clean(locked.kind, revision.content),
        message=message,
        when=now,
        restored_from=revision,
    )
    locked.save()
    _announce_saved(locked, restored)
    resource.refresh_from_db()
    return restored


# --- Co-authors ------------------------------------------------------------------------------


@transaction.atomic
def coauthor_add(*, actor: User, resource: Resource, user: User) -> None:
    """A co-author invites another active member of the community to co-author; notified."""
    locked = _locked(resource)
    _can_act_as_author(actor, locked)
    if not is_member(user, locked.community):
        raise ResourceError(
            _("%(name)s is not a member of « %(community)s ».")
            % {"name": author_name(user), "community": locked.community.name}
        )
    if locked.authors.filter(pk=user.pk).exists():
        raise ResourceError(_("%(name)s is already a co-author.") % {"name": author_name(user)})
    locked.authors.add(user)
    notification_create(
        recipient=user,
        kind=NotificationKind.RESOURCE,
        text=_("%(actor)s made you a co-author of « %(title)s ».")
        % {"actor": author_name(actor), "title": locked.title},
        url=resource_url(locked),
        actor=actor,
    )


@transaction.atomic
def coauthor_remove(*, actor: User, resource: Resource, user: User) -> None:
    """A co-author removes another, or themselves; a resource keeps at least one author."""
    locked = _locked(resource)
    if actor.pk != user.pk:
        _can_act_as_author(actor, locked)
    elif not is_author(actor, locked):
        raise PermissionDenied("not a co-author of this resource")
    authors = list(locked.authors.values_list("pk", flat=True))
    if user.pk not in authors:
        raise ResourceError(_("%(name)s is not a co-author.") % {"name": author_name(user)})
    if len(authors) == 1:
        raise ResourceError(_("A resource keeps at least one author."))
    locked.authors.remove(user)


# --- Rights ----------------------------------------------------------------------------------


@transaction.atomic
def resource_rights_confirm(*, actor: User, resource: Resource) -> None:
    """A co-author confirms the authors hold the rights to everything, under the licence."""
    locked = _locked(resource)
    _can_act_as_author(actor, locked)
    _confirm_rights(locked, actor, timezone.now())
    locked.save(update_fields=["rights_confirmed", "rights_confirmed_by", "rights_confirmed_at"])
    resource.refresh_from_db()


# --- Attachments -----------------------------------------------------------------------------


def attachment_file_error(file: UploadedFile) -> str | None:
    """Why a file may not be attached (type, size), or None when it may."""
    extension = posixpath.splitext(file.name or "")[1].lower().lstrip(".")
    if extension not in ATTACHMENT_EXTENSIONS:
        return _("Files of this type are not accepted. Accepted types: %(types)s.") % {
            "types": ", ".join(ATTACHMENT_EXTENSIONS)
        }
    limit = attachment_max_bytes()
    if file.size is None or file.size > limit:
        return _("The file is too large: %(limit)s MB at most.") % {
            "limit": f"{limit / (1024 * 1024):g}"
        }
    return None


@transaction.atomic
def attachment_add(
    *, actor: User, resource: Resource, file: UploadedFile, title: str = ""
) -> ResourceAttachment:
    """A co-author attaches a file; the rights must then be confirmed again.

    The file is kept under MEDIA_ROOT, at a path with a random part. Pages link to it through
    the permission-checking download view; only a published resource's files are sent on to
    their public /media/ address.
    """
    locked = _locked(resource)
    _can_edit(actor, locked)
    if error := attachment_file_error(file):
        raise ResourceError(error)
    if locked.attachments.count() >= MAX_ATTACHMENTS:
        raise ResourceError(
            _("A resource holds %(count)s files at most.") % {"count": MAX_ATTACHMENTS}
        )
    name = posixpath.basename(file.name or "")
    attachment = ResourceAttachment(
        resource=locked,
        title=" ".join((title or "").split())[:200] or name[:200],
        uploaded_by=actor,
        created=timezone.now(),
    )
    # Django's storage picks a free name; the random folder makes it unguessable.
    attachment.file.save(name, file, save=False)
    attachment.save()
    # A new file may carry rights of its own: the authors confirm again.
    _withdraw_rights(locked)
    locked.updated = attachment.created
    locked.save(
        update_fields=["rights_confirmed", "rights_confirmed_by", "rights_confirmed_at", "updated"]
    )
    return attachment


@transaction.atomic
def attachment_remove(*, actor: User, attachment: ResourceAttachment) -> None:
    """A co-author removes a file; it is deleted from the storage once the removal commits."""
    locked = _locked(attachment.resource)
    _can_edit(actor, locked)
    storage, name = attachment.file.storage, attachment.file.name
    attachment.delete()
    locked.updated = timezone.now()
    locked.save(update_fields=["updated"])
    if name:
        transaction.on_commit(lambda: storage.delete(name))


# --- Remix -----------------------------------------------------------------------------------


def _attribution(source: Resource) -> dict[str, Any]:
    """What the remix owes its source, frozen now (the source may change or disappear)."""
    return {
        "title": source.title,
        "authors": [author_name(user) for user in source.authors.order_by("last_name", "pk")],
        "community": source.community.name,
        "licence": source.licence,
        "url": resource_url(source),
        "revision": source.current_revision.number if source.current_revision else None,
        # A remix of a remix owes the earlier authors too (CC BY: attribute every author).
        "upstream": source.attribution or None,
    }


@transaction.atomic
def resource_remix(
    *,
    actor: User,
    resource: Resource,
    community: Community,
    licence: str | None = None,
) -> Resource:
    """Copy a published resource into the actor's community as a draft, lineage kept.

    The remix has the actor as its author, the source's current content, facets, tags and
    files, ``remixed_from`` the source and an attribution to the source's authors. A
    ShareAlike source imposes its licence; a CC BY one lets the remixer choose.
    """
    source = (
        Resource.objects.select_related("community", "current_revision")
        .prefetch_related("disciplines", "competences", "tags", "attachments")
        .get(pk=resource.pk)
    )
    _can_remix(actor, source, community)
    allowed = REMIX_LICENCES[source.licence]
    licence = licence or (source.licence if source.licence in allowed else allowed[0])
    if licence not in allowed:
        raise ResourceError(
            _("The licence of « %(title)s » requires its remixes to be under %(licence)s.")
            % {"title": source.title, "licence": Licence(allowed[0]).label}
        )
    now = timezone.now()
    remix = Resource(
        community=community,
        kind=source.kind,
        title=source.title,
        slug=_unique_slug(community, source.title),
        summary=source.summary,
        licence=licence,
        levels=list(source.levels),
        remixed_from=source,
        attribution=_attribution(source),
        created_by=actor,
        created=now,
        updated=now,
    )
    remix.save()
    remix.authors.add(actor)
    _set_facets(
        remix,
        disciplines=source.disciplines.all(),
        competences=source.competences.all(),
        tags=[tag.name for tag in source.tags.all()],
    )
    content = source.current_revision.content if source.current_revision else {}
    _new_revision(
        remix,
        actor=actor,
        title=source.title,
        content=_clean(source.kind, content),
        message="",
        when=now,
    )
    remix.save()
    for original in source.attachments.all():
        copy = ResourceAttachment(
            resource=remix, title=original.title, uploaded_by=actor, created=now
        )
        try:
            with original.file.open("rb") as handle:
                copy.file.save(posixpath.basename(original.file.name), handle, save=False)
        except FileNotFoundError:
            continue  # A file lost from the storage is not copied; the others are.
        copy.save()
    return remix
