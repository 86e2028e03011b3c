"""Career recognition: each teacher's record, the attestations and credentials that prove it.

Entries are written by services when something happens (a module completed, a certification
obtained, a resource published…), never typed: :mod:`campus.services_recognition` is the only
writer, and its ``source_key`` makes each event land once however often it is reported. The
other apps describe what happened with plain values (titles, hours, URLs, statement ids), so
``campus`` keeps importing none of them.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def school_year_of(day: dt.date) -> str:
    """The French school year a day belongs to: « 2026-2027 » from 1 September 2026."""
    start = day.year if day.month >= 9 else day.year - 1
    return f"{start}-{start + 1}"


class EntryKind(models.TextChoices):
    MODULE_COMPLETED = "module_completed", _("Module completed")
    CERTIFICATION = "certification", _("Certification obtained")
    RESOURCE_PUBLISHED = "resource_published", _("Resource published")
    RESOURCE_PROMOTED = "resource_promoted", _("Resource promoted")
    REVIEW_COMPLETED = "review_completed", _("Review completed")
    COMMUNITY_ANIMATED = "community_animated", _("Community animated")


class TrainingModality(models.TextChoices):
    DISTANCE = "distance", _("Distance")
    IN_PERSON = "in_person", _("In person")
    BLENDED = "blended", _("Blended")
    NONE = "", _("Not a training")


class RecordEntry(models.Model):
    """One fact of a teacher's record (« Mon dossier de formation et de reconnaissance »)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="record_entries"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=EntryKind.choices)
    # What reported it and about what (« courses.enrolment:42 »): one entry per event.
    source_key = models.CharField(_("source"), max_length=200)
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    started_on = models.DateField(_("started on"), null=True, blank=True)
    occurred_at = models.DateTimeField(_("date"))
    school_year = models.CharField(_("school year"), max_length=9, db_index=True)
    modality = models.CharField(
        _("modality"), max_length=10, choices=TrainingModality.choices, blank=True, default=""
    )
    distance_minutes = models.PositiveIntegerField(_("distance training (minutes)"), default=0)
    in_person_minutes = models.PositiveIntegerField(_("in-person training (minutes)"), default=0)
    result = models.CharField(_("result"), max_length=200, blank=True)
    issuer = models.CharField(_("issuing body"), max_length=200, blank=True)
    competence_items = models.ManyToManyField(
        "campus.CompetenceItem",
        blank=True,
        related_name="record_entries",
        verbose_name=_("competences"),
    )
    evidence_url = models.CharField(_("evidence"), max_length=500, blank=True)
    # The LRS statements behind the entry (ids), and the details each kind carries (objectives,
    # cohort, trainer, community…), for the attestation and the credential.
    statement_ids = models.JSONField(default=list, blank=True)
    details = models.JSONField(default=dict, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("record entry")
        verbose_name_plural = _("record entries")
        constraints = [
            models.UniqueConstraint(fields=["user", "source_key"], name="campus_entry_once")
        ]
        indexes = [models.Index(fields=["user", "-occurred_at"], name="campus_entry_user_date")]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_kind_display()})"

    def save(self, *args, **kwargs):
        self.school_year = school_year_of(self.occurred_at.date())
        super().save(*args, **kwargs)


class RecordShare(models.Model):
    """A link that shows chosen parts of a record to whoever has it, until revoked."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="record_shares"
    )
    label = models.CharField(_("label"), max_length=200)
    entries = models.ManyToManyField(RecordEntry, related_name="shares", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("record share link")
        verbose_name_plural = _("record share links")

    def __str__(self) -> str:
        return self.label


class AttestationKind(models.TextChoices):
    MODULE = "module", _("Training attestation")
    YEARLY = "yearly", _("Yearly summary")
    CERTIFICATION = "certification", _("Certification attestation")


class Attestation(models.Model):
    """An attestation issued once and verifiable by anyone at ``/verify/<id>/``.

    What it attests is frozen in ``content`` when issued: the PDF and the verification page
    show the same facts even if the module's page is edited later.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="attestations"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AttestationKind.choices)
    entry = models.ForeignKey(
        RecordEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="attestations"
    )
    school_year = models.CharField(_("school year"), max_length=9, blank=True)
    content = models.JSONField(default=dict)
    issued_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revocation_reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("attestation")
        verbose_name_plural = _("attestations")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.id}"


class Credential(models.Model):
    """An Open Badges 3.0 ``OpenBadgeCredential`` issued for an entry, signed and revocable.

    ``status_index`` is the credential's bit in the platform's status list: set, it is revoked.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="credentials"
    )
    entry = models.ForeignKey(RecordEntry, on_delete=models.PROTECT, related_name="credentials")
    status_index = models.PositiveIntegerField(unique=True)
    document = models.JSONField(default=dict)
    key_id = models.CharField(_("signing key"), max_length=100)
    issued_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revocation_reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("credential")
        verbose_name_plural = _("credentials")

    def __str__(self) -> str:
        return f"{self.entry.title} ({self.id})"
