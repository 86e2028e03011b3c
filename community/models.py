"""Teacher communities: members, real-time rooms, co-built resources, peer review, moderation.

The tables only; every write goes through ``community/services*.py`` (transitions are one
service each, with a named guard), every read shared by views and consumers through
``community/selectors*.py``. User-written HTML (descriptions, messages, resource fields) is
stored already cleaned by ``campus.sanitize`` — never rendered from raw input.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from wagtail.search import index

from campus.models import Academy, CompetenceItem, Degree, Discipline

# --- Communities and their members -----------------------------------------------------------


class CommunityKind(models.TextChoices):
    """What brings a community's members together."""

    DISCIPLINE = "discipline", _("Discipline")
    LEVEL = "level", _("Level")
    ACADEMY = "academy", _("Académie")
    PROJECT = "project", _("Project")


class CommunityAccess(models.TextChoices):
    """Who may join: anyone, on request (an animateur approves), or by invitation only."""

    PUBLIC = "public", _("Open to all")
    ON_REQUEST = "request", _("On request")
    INVITATION = "invitation", _("By invitation only")


class Community(models.Model):
    """A professional community of teachers."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=140, unique=True)
    description = models.TextField(_("description"), blank=True)  # Sanitised HTML.
    kind = models.CharField(_("kind"), max_length=12, choices=CommunityKind.choices)
    access = models.CharField(
        _("access"),
        max_length=12,
        choices=CommunityAccess.choices,
        default=CommunityAccess.PUBLIC,
    )
    discipline = models.ForeignKey(
        Discipline,
        verbose_name=_("discipline"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="communities",
    )
    degree = models.CharField(_("degree"), max_length=10, choices=Degree.choices, blank=True)
    academy = models.ForeignKey(
        Academy,
        verbose_name=_("académie"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="communities",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created = models.DateTimeField(_("created"), default=timezone.now)
    archived = models.BooleanField(_("archived"), default=False)

    class Meta:
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class MemberRole(models.TextChoices):
    """A member's role; owners and animateurs run the community."""

    OWNER = "owner", _("Owner")
    ANIMATEUR = "animateur", _("Animateur")
    MEMBER = "member", _("Member")


class MembershipStatus(models.TextChoices):
    """Where a person stands with a community."""

    INVITED = "invited", _("Invited")
    PENDING = "pending", _("Awaiting approval")
    ACTIVE = "active", _("Member")
    BANNED = "banned", _("Banned")


class Membership(models.Model):
    """A person in a community: their role and status (one row per person and community)."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="community_memberships"
    )
    role = models.CharField(
        _("role"), max_length=10, choices=MemberRole.choices, default=MemberRole.MEMBER
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=MembershipStatus.choices,
        default=MembershipStatus.ACTIVE,
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created = models.DateTimeField(_("created"), default=timezone.now)
    joined_at = models.DateTimeField(_("joined"), null=True, blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["community", "user"], name="community_member_once")
        ]
        indexes = [models.Index(fields=["user", "status"], name="community_member_user_idx")]

    def __str__(self) -> str:
        return f"{self.user} — {self.community} ({self.get_role_display()})"

    @property
    def is_active(self) -> bool:
        return self.status == MembershipStatus.ACTIVE

    @property
    def runs_community(self) -> bool:
        """Owners and animateurs moderate, approve members and decide on publication."""
        return self.is_active and self.role in (MemberRole.OWNER, MemberRole.ANIMATEUR)


# --- Real-time rooms --------------------------------------------------------------------------


class Room(models.Model):
    """A discussion room of a community, served over a websocket and plain HTTP."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("slug"), max_length=100)
    topic = models.CharField(_("topic"), max_length=300, blank=True)
    created = models.DateTimeField(_("created"), default=timezone.now)
    archived = models.BooleanField(_("archived"), default=False)

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        ordering = ["community", "name"]
        constraints = [
            models.UniqueConstraint(fields=["community", "slug"], name="community_room_slug")
        ]

    def __str__(self) -> str:
        return f"{self.community} — {self.name}"


class Message(models.Model):
    """A message in a room: stored (and committed) before it is broadcast.

    ``client_id`` is chosen by the sending client so that a message re-sent after a dropped
    connection is stored once. Deleting keeps the row (the history's order and the replies'
    context stay) and blanks the body; hiding is an animateur's, reversible.
    """

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="community_messages"
    )
    body = models.TextField(_("message"))  # Sanitised HTML.
    client_id = models.UUIDField(null=True, blank=True, editable=False)
    created = models.DateTimeField(_("sent"), default=timezone.now)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True)
    hidden_at = models.DateTimeField(_("hidden"), null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    mentions = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="community_mentions"
    )

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["id"]
        indexes = [models.Index(fields=["room", "id"], name="community_message_room_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "client_id"],
                condition=models.Q(client_id__isnull=False),
                name="community_message_client_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.author} in {self.room} #{self.pk}"

    @property
    def is_visible(self) -> bool:
        return self.deleted_at is None and self.hidden_at is None


# --- Notifications ----------------------------------------------------------------------------


class NotificationKind(models.TextChoices):
    MENTION = "mention", _("Mention")
    MEMBERSHIP = "membership", _("Membership")
    REVIEW = "review", _("Review")
    RESOURCE = "resource", _("Resource")
    MODERATION = "moderation", _("Moderation")


class Notification(models.Model):
    """Something a person should know: shown live, on their notifications page, in a digest."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=NotificationKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    text = models.CharField(_("text"), max_length=300)  # Plain text, escaped when shown.
    url = models.CharField(_("link"), max_length=500, blank=True)
    created = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("sent by email"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="community_notif_unread_idx"),
            models.Index(fields=["recipient", "-created"], name="community_notif_recent_idx"),
        ]

    def __str__(self) -> str:
        return self.text


# --- Co-built resources -----------------------------------------------------------------------


class ResourceKind(models.TextChoices):
    SCENARIO = "scenario", _("Pedagogical scenario")
    SEQUENCE = "sequence", _("Sequence")
    TOOL_REVIEW = "tool_review", _("Tool review")
    FREE = "free", _("Resource")


class Licence(models.TextChoices):
    """Chosen at creation; CC BY-SA 4.0 unless the authors say otherwise."""

    CC_BY_SA = "cc-by-sa-4.0", _("Creative Commons BY-SA 4.0")
    CC_BY = "cc-by-4.0", _("Creative Commons BY 4.0")
    CC_BY_NC_SA = "cc-by-nc-sa-4.0", _("Creative Commons BY-NC-SA 4.0")
    ALL_RIGHTS_RESERVED = "all-rights-reserved", _("All rights reserved")


class ResourceState(models.TextChoices):
    """The peer-review life of a resource (one service per transition)."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for review")
    IN_REVIEW = "in_review", _("In review")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    REVISED = "revised", _("Revised")
    PUBLISHED = "published", _("Published")
    PROMOTED_ACADEMY = "promoted_academy", _("Promoted in the académie")
    PROMOTED_NATIONAL = "promoted_national", _("Promoted nationally")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Resource(index.Indexed, models.Model):
    """A co-built resource; its content lives in revisions, the newest being ``current``."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="resources")
    kind = models.CharField(_("type"), max_length=12, choices=ResourceKind.choices)
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220)
    summary = models.TextField(_("summary"), max_length=1000, blank=True)  # Plain text.
    licence = models.CharField(
        _("licence"), max_length=24, choices=Licence.choices, default=Licence.CC_BY_SA
    )
    # The rights check: the authors state they hold the rights to everything they publish
    # (images, texts quoted beyond the exceptions of the law) under the chosen licence.
    rights_confirmed = models.BooleanField(_("rights confirmed"), default=False)
    rights_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rights confirmed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    rights_confirmed_at = models.DateTimeField(_("rights confirmed on"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=20, choices=ResourceState.choices, default=ResourceState.DRAFT
    )
    authors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="community_resources", verbose_name=_("authors")
    )
    disciplines = models.ManyToManyField(
        Discipline, blank=True, related_name="community_resources", verbose_name=_("disciplines")
    )
    # School levels and cycles (codes of community.facets.LEVELS), for the facets.
    levels = models.JSONField(_("levels"), default=list, blank=True)
    competences = models.ManyToManyField(
        CompetenceItem,
        blank=True,
        related_name="community_resources",
        verbose_name=_("competences"),
    )
    tags = TaggableManager(_("tags"), blank=True)
    current_revision = models.ForeignKey(
        "ResourceRevision",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    remixed_from = models.ForeignKey(
        "self",
        verbose_name=_("remixed from"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="remixes",
    )
    # What a remix owes its source, frozen when it was remixed so that it outlives the source:
    # {"title", "authors" (names), "community", "licence", "url", "revision", "upstream" (the
    # source's own attribution, if a remix)} (see services_resources.resource_remix).
    attribution = models.JSONField(_("attribution"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created = models.DateTimeField(_("created"), default=timezone.now)
    updated = models.DateTimeField(_("updated"), default=timezone.now)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    hidden_at = models.DateTimeField(_("hidden"), null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    search_fields = [
        index.SearchField("title", boost=3),
        index.SearchField("summary"),
        index.SearchField("search_body"),
        index.AutocompleteField("title"),
        # What searches are narrowed by (community.selectors_resources): who may see a
        # resource, its facets — many-to-many ones as ``pk__in`` a subquery, hence "id" —,
        # and "updated", the order of a search's first pass.
        index.FilterField("id"),
        index.FilterField("updated"),
        index.FilterField("community_id"),
        index.FilterField("kind"),
        index.FilterField("state"),
        index.FilterField("licence"),
        index.FilterField("hidden_at"),
        index.FilterField("levels"),
    ]

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        ordering = ["-updated", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["community", "slug"], name="community_resource_slug")
        ]
        indexes = [
            models.Index(fields=["state", "-published_at"], name="community_res_state_idx"),
            # Lists and the first pass of a search walk resources newest first.
            models.Index(fields=["-updated", "-id"], name="community_res_updated_idx"),
            # Covers what decides who sees a resource: a list's count is an index-only scan.
            models.Index(
                fields=["state", "hidden_at", "community", "id"], name="community_res_visible_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def search_body(self) -> str:
        """The words of the current revision and the tags: what search finds besides titles."""
        from community.content import content_text  # content.py builds on these models.

        words = [tag.name for tag in self.tags.all()]
        revision = self.current_revision
        if revision is not None:
            words.append(content_text(self.kind, revision.content))
        return "\n".join(words)


class ResourceRevision(models.Model):
    """One save of a resource by a co-author: the whole content, numbered from 1.

    ``content`` holds the type's structured fields (for a scenario: objectives,
    prerequisites, duration, phases with teacher and student activity and tools, materials,
    assessment, differentiation) as sanitised HTML strings; see ``community/content.py``.
    A save names the revision it was based on: a stale base is refused (no lost edits).
    """

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    content = models.JSONField(_("content"), default=dict)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    message = models.CharField(_("message"), max_length=200, blank=True)
    created = models.DateTimeField(_("saved"), default=timezone.now)
    restored_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        ordering = ["resource", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["resource", "number"], name="community_revision_once")
        ]

    def __str__(self) -> str:
        return f"{self.resource} v{self.number}"


def attachment_path(instance: ResourceAttachment, filename: str) -> str:
    return f"community/resources/{instance.resource_id}/{uuid.uuid4().hex}/{filename}"


class ResourceAttachment(models.Model):
    """A file attached to a resource (public once the resource is published)."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=300)
    title = models.CharField(_("title"), max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created", "id"]

    def __str__(self) -> str:
        return self.title


class ResourceTransition(models.Model):
    """The log of a resource's states: who moved it, from what, to what, why."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="transitions")
    from_state = models.CharField(max_length=20, choices=ResourceState.choices)
    to_state = models.CharField(max_length=20, choices=ResourceState.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The revision current when the state changed: "changes requested on v2" is what tells
    # the authors' next save (v3) apart, and the history shows what was published.
    revision = models.ForeignKey(
        ResourceRevision, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    created = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("state change")
        verbose_name_plural = _("state changes")
        ordering = ["created", "id"]

    def __str__(self) -> str:
        return f"{self.resource}: {self.from_state} → {self.to_state}"


# --- Peer review ------------------------------------------------------------------------------


class ReviewStatus(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned")
    SUBMITTED = "submitted", _("Submitted")
    DECLINED = "declined", _("Declined")


_score = [MinValueValidator(1), MaxValueValidator(4)]


class Review(models.Model):
    """A member's review of one revision of a resource, on the rubric, each criterion 1 to 4."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="reviews")
    revision = models.ForeignKey(ResourceRevision, on_delete=models.PROTECT, related_name="+")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="community_reviews"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.ASSIGNED
    )
    scientific_accuracy = models.PositiveSmallIntegerField(
        _("scientific accuracy"), null=True, blank=True, validators=_score
    )
    pedagogical_value = models.PositiveSmallIntegerField(
        _("pedagogical value"), null=True, blank=True, validators=_score
    )
    feasibility = models.PositiveSmallIntegerField(
        _("feasibility in class"), null=True, blank=True, validators=_score
    )
    accessibility = models.PositiveSmallIntegerField(
        _("accessibility and inclusion"), null=True, blank=True, validators=_score
    )
    rights = models.PositiveSmallIntegerField(
        _("rights and licence"), null=True, blank=True, validators=_score
    )
    comment = models.TextField(_("comment"), blank=True)  # Sanitised HTML.
    author_answer = models.TextField(_("authors' answer"), blank=True)  # Sanitised HTML.
    created = models.DateTimeField(_("created"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)

    RUBRIC = ("scientific_accuracy", "pedagogical_value", "feasibility", "accessibility", "rights")

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["created", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["resource", "revision", "reviewer"], name="community_review_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} on {self.resource}"

    @property
    def scores(self) -> dict[str, int | None]:
        return {name: getattr(self, name) for name in self.RUBRIC}

    @property
    def average(self) -> float | None:
        values = [v for v in self.scores.values() if v is not None]
        return sum(values) / len(values) if len(values) == len(self.RUBRIC) else None


# --- Moderation -------------------------------------------------------------------------------


class ReportStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RESOLVED = "resolved", _("Resolved")
    DISMISSED = "dismissed", _("Dismissed")


class Report(models.Model):
    """A member reports a message or a resource to the community's animateurs."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="reports")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"), max_length=1000)
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.OPEN
    )
    created = models.DateTimeField(_("reported"), default=timezone.now)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created", "-id"]
        indexes = [
            models.Index(fields=["community", "status"], name="community_report_open_idx"),
            models.Index(fields=["content_type", "object_id"], name="community_report_target_idx"),
        ]
        constraints = [
            # One open report per person and target: a second click must not flood the queue.
            models.UniqueConstraint(
                fields=["reporter", "content_type", "object_id"],
                condition=models.Q(status="open"),
                name="community_report_open_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.reporter} on {self.content_type.model} #{self.object_id}"


class AuditEntry(models.Model):
    """The moderation audit log of a community: who did what to which thing, and why."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="audit_log")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    action = models.CharField(_("action"), max_length=40)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    target_repr = models.CharField(_("target"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    created = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["community", "-created"], name="community_audit_idx")]

    def __str__(self) -> str:
        return f"{self.actor} {self.action} {self.target_repr}"
