"""Storage of the Learning Record Store.

Each statement is kept whole (``payload``, JSONB on PostgreSQL) exactly as it will be returned,
plus indexed columns and two side tables for what the GET filters of xAPI 1.0.3
Communication §2.1.3 select on: agents (``agent``, ``related_agents``) and activities
(``activity``, ``related_activities``). The side tables repeat ``stored``/``seq`` so that a
filtered, ordered page is read from one index range instead of sorting joined rows.
"""

from __future__ import annotations

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _


def generate_client_key() -> str:
    """A new client key: 20 random bytes in hex.

    Hex rather than URL-safe base64: a key is typed on command lines, and one starting
    with "-" would be read as an option.
    """
    return secrets.token_hex(20)


class Scope(models.TextChoices):
    """Client scopes (xAPI 1.0.3 Communication §4.2, OAuth scope list)."""

    STATEMENTS_WRITE = "statements/write", _("Write statements")
    STATEMENTS_READ = "statements/read", _("Read all statements")
    STATEMENTS_READ_MINE = "statements/read/mine", _("Read statements it wrote")
    STATE = "state", _("Read and write the State resource")
    DEFINE = "define", _("Define activities and actors")
    PROFILE = "profile", _("Read and write profile resources")
    ALL_READ = "all/read", _("Read everything")
    ALL = "all", _("Everything")


# Communication §4.2: with no scope given, "statements/write" and "statements/read/mine".
DEFAULT_SCOPES = [Scope.STATEMENTS_WRITE.value, Scope.STATEMENTS_READ_MINE.value]


class Client(models.Model):
    """A system allowed to use the LRS over HTTP Basic auth, with its scopes and authority."""

    name = models.CharField(_("name"), max_length=200)
    key = models.CharField(_("key"), max_length=64, unique=True, default=generate_client_key)
    # A password hash (Django's hasher); the secret itself is shown once, at creation.
    secret_hash = models.CharField(_("secret hash"), max_length=256)
    scopes = models.JSONField(_("scopes"), default=list)
    # The Agent (or OAuth Group) set as `authority` on the statements it stores (§2.4.9).
    authority = models.JSONField(_("authority"))
    is_active = models.BooleanField(_("active"), default=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("LRS client")
        verbose_name_plural = _("LRS clients")

    def __str__(self) -> str:
        return self.name


class Statement(models.Model):
    """One stored statement: the whole JSON plus the columns queries filter and sort on."""

    # `seq` orders statements of the same `stored` instant and anchors `more` cursors.
    seq = models.BigAutoField(primary_key=True)
    statement_id = models.UUIDField(unique=True)
    payload = models.JSONField()
    verb_id = models.TextField()
    # Set when the object is an Activity / a StatementRef (voiding and references).
    object_activity_id = models.TextField(blank=True, default="")
    object_statement_id = models.UUIDField(null=True, blank=True)
    registration = models.UUIDField(null=True, blank=True)
    timestamp = models.DateTimeField()
    stored = models.DateTimeField()
    voided = models.BooleanField(default=False)
    # The authority's identifier, for the statements/read/mine scope.
    authority_ifi = models.TextField(blank=True, default="")
    client = models.ForeignKey(
        Client, null=True, blank=True, on_delete=models.SET_NULL, related_name="statements"
    )

    class Meta:
        indexes = [
            models.Index(fields=["stored", "seq"], name="lrs_stmt_stored"),
            models.Index(fields=["verb_id", "stored", "seq"], name="lrs_stmt_verb"),
            models.Index(fields=["registration", "stored", "seq"], name="lrs_stmt_registration"),
            models.Index(fields=["object_statement_id"], name="lrs_stmt_object_ref"),
            models.Index(fields=["authority_ifi", "stored", "seq"], name="lrs_stmt_authority"),
            # Statements targeting another (StatementRef objects, voiding included), newest
            # first: GET filters also return those whose target matches (Communication
            # §2.1.4), read from this small partial index instead of the whole table.
            models.Index(
                fields=["stored", "seq"],
                condition=models.Q(object_statement_id__isnull=False),
                name="lrs_stmt_refs",
            ),
        ]

    def __str__(self) -> str:
        return str(self.statement_id)


class StatementAgent(models.Model):
    """An agent a statement mentions; `direct` when it is the actor or the object."""

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="agents")
    ifi = models.TextField()  # "kind:value", see lrs.xapi.agents.agent_ifi
    direct = models.BooleanField()
    stored = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["ifi", "stored", "statement"], name="lrs_agent_ifi")]

    def __str__(self) -> str:
        return self.ifi


class StatementActivity(models.Model):
    """An activity a statement mentions; `direct` when it is the statement's object."""

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="activities")
    activity_id = models.TextField()
    direct = models.BooleanField()
    stored = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["activity_id", "stored", "statement"], name="lrs_activity_iri")
        ]

    def __str__(self) -> str:
        return self.activity_id


class Activity(models.Model):
    """The LRS's canonical definition of an activity (the Activities resource)."""

    activity_id = models.TextField(unique=True)
    definition = models.JSONField(default=dict)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "activities"

    def __str__(self) -> str:
        return self.activity_id


class Attachment(models.Model):
    """Raw attachment content, stored once per SHA-2 however many statements carry it."""

    sha2 = models.CharField(max_length=128, primary_key=True)
    content_type = models.CharField(max_length=255)
    length = models.PositiveBigIntegerField()
    content = models.BinaryField()
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.sha2


class Document(models.Model):
    """A document of the State, Activity Profile or Agent Profile resource (§2.3-2.7)."""

    class Kind(models.TextChoices):
        STATE = "state", _("Activity state")
        ACTIVITY_PROFILE = "activity_profile", _("Activity profile")
        AGENT_PROFILE = "agent_profile", _("Agent profile")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    activity_id = models.TextField(blank=True, default="")
    agent_ifi = models.TextField(blank=True, default="")
    # Empty when none: NULLs would be distinct in the unique constraint.
    registration = models.CharField(max_length=36, blank=True, default="")
    document_id = models.TextField()
    content = models.BinaryField()
    content_type = models.CharField(max_length=255)
    etag = models.CharField(max_length=64)
    updated = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "activity_id", "agent_ifi", "registration", "document_id"],
                name="lrs_document_unique",
            )
        ]
        indexes = [
            models.Index(
                fields=["kind", "activity_id", "agent_ifi", "updated"], name="lrs_document_list"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.document_id}"


class ForwardStatus(models.TextChoices):
    """Where a statement stands in the forwarding outbox."""

    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed (will retry)")


class ForwardedStatement(models.Model):
    """Durable outbox: a stored statement waiting to be (or already) sent to an external LRS.

    Written in the same transaction as the statement, so a crash or a down external LRS
    loses nothing; a background task sends pending entries and retries with back-off.
    """

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="forwards")
    target = models.CharField(max_length=100)  # The forwarding backend's name in settings.
    status = models.CharField(
        max_length=10, choices=ForwardStatus.choices, default=ForwardStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    last_error = models.TextField(blank=True, default="")
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="lrs_forward_due")]
        constraints = [
            models.UniqueConstraint(fields=["statement", "target"], name="lrs_forward_unique")
        ]

    def __str__(self) -> str:
        return f"{self.target}:{self.statement_id}"
