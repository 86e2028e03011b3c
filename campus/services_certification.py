"""Writes on certification dossiers: open, add evidence, validate items, issue.

Every function is keyword-only and transactional, with an explicit ``actor``; permissions are
checked here (PermissionDenied) whatever the view did, and refusals about the dossier's state
raise :class:`CertificationError` with a message shown to the user as is. Who may do what is
described in :mod:`campus.selectors_certification`.
"""

from __future__ import annotations

import posixpath
import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.html import linebreaks, strip_tags
from django.utils.translation import gettext as _

from campus.models import (
    CertificationDossier,
    CompetenceItem,
    DossierStatus,
    EntryKind,
    EvidenceKind,
    Framework,
    ItemEvidence,
    ItemValidation,
    RecordEntry,
    ValidationStatus,
)
from campus.sanitize import sanitize_html
from campus.selectors_certification import (
    CANDIDATE_PERMISSION,
    current_statuses,
    dossier_rule,
    framework_key,
    is_jury,
    is_tutor,
    may_open_for_others,
)

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from campus.models import User

# Stored in the record as issued (French, the certificate's official wording), not translated.
CERTIFICATE_TITLES = {
    "c2i2e-2011": "C2i2e — Certificat informatique et internet niveau 2 enseignant",
}
EVIDENCE_EXTENSIONS = (
    "pdf",
    "odt",
    "ods",
    "odp",
    "docx",
    "xlsx",
    "pptx",
    "png",
    "jpg",
    "jpeg",
    "txt",
)
DEFAULT_EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
OBSERVATION_MAX_CHARS = 20_000
COMMENT_MAX_CHARS = 2_000
LINK_KINDS = (
    EvidenceKind.STEP_COMPLETED,
    EvidenceKind.ASSIGNMENT,
    EvidenceKind.RESOURCE_PUBLISHED,
)
_HTML_TAG = re.compile(r"<[a-zA-Z/][^>]*>")


class CertificationError(Exception):
    """A write the guards refuse; the message is shown to the user as is."""


def evidence_max_bytes() -> int:
    """The largest evidence file (setting ``CERTIFICATION_EVIDENCE_MAX_BYTES``, 10 MB)."""
    return int(getattr(settings, "CERTIFICATION_EVIDENCE_MAX_BYTES", DEFAULT_EVIDENCE_MAX_BYTES))


def evidence_file_error(file: UploadedFile) -> str | None:
    """Why a file may not be added as evidence (type, size), or None when it may."""
    extension = posixpath.splitext(file.name or "")[1].lower().lstrip(".")
    if extension not in EVIDENCE_EXTENSIONS:
        return _("Files of this type are not accepted. Accepted types: %(types)s.") % {
            "types": ", ".join(EVIDENCE_EXTENSIONS)
        }
    limit = evidence_max_bytes()
    if file.size is not None and file.size > limit:
        return _("The file is too large: %(limit)s MB at most.") % {
            "limit": f"{limit / (1024 * 1024):g}"
        }
    return None


def evidence_url_error(url: str) -> str | None:
    """Why a link may not be stored (only http(s) and this site's paths), or None."""
    if url.startswith("/"):
        # « //host » and « /\host » are other sites for browsers.
        return None if not url.startswith(("//", "/\\")) else _("This link is not valid.")
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and parts.netloc:
        return None
    return _("Give a web address (https://…) or a page of Campus (/…).")


# --- Guards ----------------------------------------------------------------------------------


def _can_change(dossier: CertificationDossier) -> str | None:
    """Why the dossier's evidence and validations may not change, or None when they may."""
    if dossier.status == DossierStatus.CERTIFIED:
        return _("This dossier is certified: it can no longer change.")
    return None


def _item_belongs(dossier: CertificationDossier, item: CompetenceItem) -> bool:
    return CompetenceItem.objects.filter(
        pk=item.pk, competence__domain__framework_id=dossier.framework_id
    ).exists()


def _can_issue(dossier: CertificationDossier) -> str | None:
    """Why the certification may not be issued, or None when the rule holds."""
    result = dossier_rule(dossier)
    if result.holds:
        return None
    if result.missing_count:
        return _(
            "The rule does not hold yet: %(validated)d of %(total)d items validated, "
            "%(needed)d needed."
        ) % {
            "validated": result.validated_count,
            "total": result.item_count,
            "needed": result.min_validated,
        }
    return _("The rule does not hold yet: too many items not validated in %(competences)s.") % {
        "competences": ", ".join(result.failing_competences)
    }


# --- Dossiers --------------------------------------------------------------------------------


@transaction.atomic
def dossier_open(
    *, actor: User, candidate: User, framework: Framework
) -> tuple[CertificationDossier, bool]:
    """Open the candidate's dossier for the framework, or return the one they have.

    Teachers open their own; a trainer opens one for a teacher and becomes one of its tutors
    (joining the tutors of a dossier opened already). Returns (dossier, created).
    """
    if actor.pk != candidate.pk and not may_open_for_others(actor):
        raise PermissionDenied("Only trainers open a dossier for someone else.")
    if not candidate.is_active or not candidate.has_perm(CANDIDATE_PERMISSION):
        raise CertificationError(_("A certification dossier is for a teacher of Campus."))
    dossier, created = CertificationDossier.objects.get_or_create(
        user=candidate, framework=framework
    )
    if actor.pk != candidate.pk:
        dossier.tutors.add(actor)
    return dossier, created


# --- Evidence --------------------------------------------------------------------------------


def _observation_html(text: str) -> str:
    """Sanitise an observation; plain text keeps its paragraphs and line breaks."""
    text = text.strip()
    if text and not _HTML_TAG.search(text):
        text = linebreaks(text, autoescape=True)
    return sanitize_html(text)


@transaction.atomic
def evidence_add(
    *,
    actor: User,
    dossier: CertificationDossier,
    item: CompetenceItem,
    kind: str,
    title: str = "",
    url: str = "",
    text: str = "",
    file: UploadedFile | None = None,
    record_entry: RecordEntry | None = None,
) -> ItemEvidence:
    """Add a piece of evidence for one item of the dossier.

    The candidate and the tutors add links (a step, an assignment, a resource, possibly taken
    from the candidate's record) and files; only tutors write observations, which are
    sanitised here. A certified dossier no longer changes.
    """
    tutor = is_tutor(actor, dossier)
    if actor.pk != dossier.user_id and not tutor:
        raise PermissionDenied("Only the candidate and their tutors add evidence.")
    if kind == EvidenceKind.OBSERVATION and not tutor:
        raise PermissionDenied("Only a tutor writes observations.")
    if refusal := _can_change(dossier):
        raise CertificationError(refusal)
    if not _item_belongs(dossier, item):
        raise CertificationError(_("This item is not part of the dossier's framework."))
    evidence = ItemEvidence(
        dossier=dossier, item=item, kind=kind, added_by=actor, added_at=timezone.now()
    )
    title = title.strip()
    if kind in LINK_KINDS:
        if record_entry is not None:
            if record_entry.user_id != dossier.user_id or record_entry.withdrawn_at:
                raise CertificationError(_("This entry is not in the candidate's record."))
            evidence.record_entry = record_entry
            title = title or record_entry.title
            url = url.strip() or record_entry.evidence_url
        url = url.strip()
        if not url and record_entry is None:
            raise CertificationError(_("Give the link, or choose an entry of the record."))
        if url and (refusal := evidence_url_error(url)):
            raise CertificationError(refusal)
        if not title:
            raise CertificationError(_("Give the evidence a title."))
        evidence.url = url
    elif kind == EvidenceKind.OBSERVATION:
        if len(text) > OBSERVATION_MAX_CHARS:
            raise CertificationError(_("The observation is too long."))
        evidence.text = _observation_html(text)
        if not strip_tags(evidence.text).strip():
            raise CertificationError(_("Write the observation."))
        title = title or _("Observation during the placement")
    elif kind == EvidenceKind.FILE:
        if not file:
            raise CertificationError(_("Choose a file."))
        if refusal := evidence_file_error(file):
            raise CertificationError(refusal)
        evidence.file = file
        title = title or posixpath.basename(file.name)
    else:
        raise CertificationError(_("Unknown kind of evidence."))
    evidence.title = title[:300]
    evidence.save()
    return evidence


# --- Validations -----------------------------------------------------------------------------


@transaction.atomic
def item_validate(
    *,
    actor: User,
    dossier: CertificationDossier,
    item: CompetenceItem,
    status: str,
    comment: str = "",
) -> ItemValidation:
    """Record a tutor's decision on an item; it becomes the item's current status.

    Earlier decisions are kept as history. The candidate never validates, even if listed
    among the tutors by mistake.
    """
    if not is_tutor(actor, dossier):
        raise PermissionDenied("Only the dossier's tutors validate items.")
    if refusal := _can_change(dossier):
        raise CertificationError(refusal)
    if status not in ValidationStatus.values:
        raise CertificationError(_("Choose a decision."))
    if not _item_belongs(dossier, item):
        raise CertificationError(_("This item is not part of the dossier's framework."))
    comment = comment.strip()
    if len(comment) > COMMENT_MAX_CHARS:
        raise CertificationError(_("The comment is too long."))
    return ItemValidation.objects.create(
        dossier=dossier,
        item=item,
        status=status,
        comment=comment,
        validated_by=actor,
        validated_at=timezone.now(),
    )


# --- Issuing ---------------------------------------------------------------------------------


@transaction.atomic
def certification_issue(*, actor: User, dossier: CertificationDossier) -> CertificationDossier:
    """Issue the certification: the dossier is certified and lands in the candidate's record.

    Only a jury member other than the candidate issues, once the framework's rule holds.
    Issuing again changes nothing: the dossier's row is locked, and the record entry is
    unique per (candidate, source key).
    """
    if not is_jury(actor):
        raise PermissionDenied("Only a jury member issues certifications.")
    if actor.pk == dossier.user_id:
        raise PermissionDenied("Nobody certifies themself.")
    # Locked so that two jury members clicking at once issue once.
    dossier = CertificationDossier.objects.select_for_update().get(pk=dossier.pk)
    if dossier.status == DossierStatus.CERTIFIED:
        return dossier
    if refusal := _can_issue(dossier):
        raise CertificationError(refusal)
    now = timezone.now()
    validated_codes = [
        code
        for code, status in current_statuses(dossier).items()
        if status == ValidationStatus.VALIDATED
    ]
    validated = list(
        CompetenceItem.objects.filter(
            competence__domain__framework_id=dossier.framework_id, code__in=validated_codes
        )
    )
    entry = _record_entry(dossier=dossier, actor=actor, validated=validated, when=now)
    dossier.status = DossierStatus.CERTIFIED
    dossier.certified_at = now
    dossier.certified_by = actor
    dossier.entry = entry
    dossier.save(update_fields=["status", "certified_at", "certified_by", "entry"])
    return dossier


def _record_entry(
    *,
    dossier: CertificationDossier,
    actor: User,
    validated: list[CompetenceItem],
    when,
) -> RecordEntry:
    """The certification's entry in the candidate's record, created once.

    Written here because :mod:`campus.services_recognition`, the record's writer, offered no
    entry-writing function when certification was built. get_or_create on the entry's unique
    (user, source_key) keeps the record's promise all the same: however often the issue is
    repeated, the certification lands once, under the key any later writer would use.
    """
    framework = dossier.framework
    title = CERTIFICATE_TITLES.get(framework_key(framework), f"Certification {framework.name}")
    total = CompetenceItem.objects.filter(competence__domain__framework_id=framework.pk).count()
    entry, created = RecordEntry.objects.get_or_create(
        user_id=dossier.user_id,
        source_key=f"campus.certification:{dossier.pk}",
        defaults={
            "kind": EntryKind.CERTIFICATION,
            "title": title,
            "summary": f"{len(validated)} items validés sur {total}.",
            "occurred_at": when,
            "result": "Certifié",
            "issuer": "Campus",
            "details": {
                "framework": framework.code,
                "framework_version": framework.version,
                "validated_items": [item.code for item in validated],
                "jury": actor.get_full_name() or actor.email,
                "dossier": dossier.pk,
            },
        },
    )
    if created:
        entry.competence_items.set(validated)
    return entry
