"""Certification dossiers: a trainee teacher's evidence and validations, item by item.

A dossier follows one teacher towards one framework's certification (C2i2e 2011 now). For each
item of the framework, evidence piles up (a step completed, an assignment, a resource, a tutor's
observation, a file) and tutors validate it or not; validations are never edited, each new one
is added and the latest per item counts, so the history stays. When the framework's rule holds
(:func:`campus.selectors_certification.rule_holds`), a jury member issues the certification,
which lands in the teacher's record (:class:`campus.models_recognition.RecordEntry`).

Evidence links are plain URLs and titles: ``campus`` imports neither ``courses`` nor
``community``, whose steps and resources they point to.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from campus.sanitize import sanitize_html


def private_storage():
    """Storage for files only the candidate, their tutors and the jury may read."""
    return storages["private"]


def evidence_upload_to(instance: ItemEvidence, filename: str) -> str:
    """Files go under an unguessable folder per dossier, keeping the uploader's file name."""
    return f"certification/{instance.dossier_id}/{uuid.uuid4().hex}/{filename}"


class DossierStatus(models.TextChoices):
    OPEN = "open", _("In progress")
    CERTIFIED = "certified", _("Certified")


class CertificationDossier(models.Model):
    """One teacher's way towards one framework's certification, followed by their tutors."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="certification_dossiers",
        verbose_name=_("candidate"),
    )
    framework = models.ForeignKey(
        "campus.Framework",
        on_delete=models.PROTECT,
        related_name="certification_dossiers",
        verbose_name=_("competence framework"),
    )
    tutors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="tutored_dossiers",
        verbose_name=_("tutors"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=DossierStatus.choices, default=DossierStatus.OPEN
    )
    certified_at = models.DateTimeField(_("certified on"), null=True, blank=True)
    certified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("certified by"),
    )
    entry = models.ForeignKey(
        "campus.RecordEntry",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("record entry"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("certification dossier")
        verbose_name_plural = _("certification dossiers")
        constraints = [
            models.UniqueConstraint(fields=["user", "framework"], name="campus_dossier_once")
        ]
        # Given to no role: an administrator grants it to the jury's members one by one.
        permissions = [("issue_certification", _("Can issue certifications (jury member)"))]

    def __str__(self) -> str:
        return f"{self.framework} — {self.user}"


class EvidenceKind(models.TextChoices):
    STEP_COMPLETED = "step_completed", _("Step or module completed")
    ASSIGNMENT = "assignment", _("Assignment")
    RESOURCE_PUBLISHED = "resource_published", _("Resource published")
    OBSERVATION = "observation", _("Tutor's observation")
    FILE = "file", _("File")


class ItemEvidence(models.Model):
    """A piece of evidence for one item of a dossier: a link, an observation or a file."""

    dossier = models.ForeignKey(
        CertificationDossier, on_delete=models.CASCADE, related_name="evidence"
    )
    item = models.ForeignKey("campus.CompetenceItem", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=EvidenceKind.choices)
    title = models.CharField(_("title"), max_length=300)
    url = models.CharField(_("link"), max_length=500, blank=True)
    # An observation's text, sanitised HTML (campus.sanitize) when written.
    text = models.TextField(_("observation"), blank=True)
    file = models.FileField(
        _("file"),
        upload_to=evidence_upload_to,
        storage=private_storage,
        max_length=300,
        blank=True,
    )
    # The record entry the evidence was chosen from, if any (kept if the entry goes).
    record_entry = models.ForeignKey(
        "campus.RecordEntry",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by"),
    )
    added_at = models.DateTimeField(_("added on"), default=timezone.now)

    class Meta:
        ordering = ["added_at", "id"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        indexes = [models.Index(fields=["dossier", "item"], name="campus_evidence_item")]

    def __str__(self) -> str:
        return self.title

    @property
    def observation_html(self) -> SafeString:
        """The observation, sanitised again where it is marked safe for templates."""
        return mark_safe(sanitize_html(self.text))  # noqa: S308 - sanitised just now.


class ValidationStatus(models.TextChoices):
    VALIDATED = "validated", _("Validated")
    NOT_YET = "not_yet", _("Not yet")


class ItemValidation(models.Model):
    """A tutor's decision on one item; the latest per item counts, earlier ones are history."""

    dossier = models.ForeignKey(
        CertificationDossier, on_delete=models.CASCADE, related_name="validations"
    )
    item = models.ForeignKey("campus.CompetenceItem", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("decision"), max_length=10, choices=ValidationStatus.choices)
    comment = models.TextField(_("comment"), blank=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    validated_at = models.DateTimeField(_("date"), default=timezone.now)

    class Meta:
        ordering = ["-validated_at", "-id"]
        verbose_name = _("item validation")
        verbose_name_plural = _("item validations")
        indexes = [
            models.Index(
                fields=["dossier", "item", "-validated_at"], name="campus_validation_latest"
            )
        ]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.status}"
