"""Attestations: issued once from a record entry, frozen, verifiable by anyone, revocable.

An attestation freezes what it attests in ``Attestation.content`` when it is issued, so that
the PDF and the public verification page (``/verifier/<id>/``) keep saying the same thing
even if the module's page is edited later. Only the teacher obtains one for their own entry;
only staff revoke one, and withdrawing an entry revokes its attestations.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from campus.models import Attestation, AttestationKind, EntryKind, RecordEntry, User
from campus.roles import Role

ATTESTED_KINDS = {EntryKind.MODULE_COMPLETED, EntryKind.CERTIFICATION}


class AttestationError(ValueError):
    """An attestation that cannot be issued or revoked, with a message for the person."""


def issuer_name() -> str:
    """The body named on attestations when an entry names none."""
    return getattr(settings, "CAMPUS_ISSUER_NAME", "Campus — plateforme de formation continue")


def _content(entry: RecordEntry) -> dict:
    """The facts an attestation carries, as they are when it is issued."""
    user = entry.user
    establishment = user.establishment
    return {
        "trainee": user.get_full_name() or user.email,
        "establishment": (
            f"{establishment.name} ({establishment.town}, {establishment.uai})"
            if establishment
            else ""
        ),
        "academy": user.academy.name if user.academy else "",
        "title": entry.title,
        "kind": entry.kind,
        "objectives": strip_tags(entry.details.get("objectives", "") or entry.summary),
        "modality": entry.get_modality_display() if entry.modality else "",
        "started_on": entry.started_on.isoformat() if entry.started_on else "",
        "ended_on": timezone.localtime(entry.occurred_at).date().isoformat(),
        "distance_minutes": entry.distance_minutes,
        "in_person_minutes": entry.in_person_minutes,
        "result": entry.result,
        "issuer": entry.issuer or issuer_name(),
        "competences": list(entry.competence_items.values_list("code", flat=True)),
        "school_year": entry.school_year,
    }


@transaction.atomic
def attestation_for_entry(*, actor: User, entry: RecordEntry) -> Attestation:
    """The entry's valid attestation, issued now if it has none. The entry's owner only."""
    if actor.pk != entry.user_id:
        raise PermissionDenied(_("Only the holder of the record obtains its attestations."))
    if entry.kind not in ATTESTED_KINDS:
        raise AttestationError(_("Only completed modules and certifications are attested."))
    if entry.withdrawn_at:
        raise AttestationError(_("This entry was withdrawn from the record: it is not attested."))
    entry = RecordEntry.objects.select_for_update().get(pk=entry.pk)
    existing = entry.attestations.filter(revoked_at__isnull=True).first()
    if existing:
        return existing
    kind = (
        AttestationKind.CERTIFICATION
        if entry.kind == EntryKind.CERTIFICATION
        else AttestationKind.MODULE
    )
    return Attestation.objects.create(
        user=entry.user,
        kind=kind,
        entry=entry,
        school_year=entry.school_year,
        content=_content(entry),
    )


def _yearly_line(entry: RecordEntry) -> dict:
    return {
        "title": entry.title,
        "ended_on": timezone.localtime(entry.occurred_at).date().isoformat(),
        "modality": entry.get_modality_display() if entry.modality else "",
        "distance_minutes": entry.distance_minutes,
        "in_person_minutes": entry.in_person_minutes,
        "result": entry.result,
        "issuer": entry.issuer or issuer_name(),
    }


@transaction.atomic
def attestation_yearly(*, actor: User, school_year: str) -> Attestation:
    """The summary of a school year's trainings of the actor (« 2026-2027 »).

    Its completed modules and certifications that stand (not withdrawn), with the year's
    totals. Asked again, the same attestation comes back while the year's entries are the same;
    a new one is issued when they changed (a module completed since).
    """
    match = re.fullmatch(r"(\d{4})-(\d{4})", school_year)
    if not match or int(match[2]) != int(match[1]) + 1:
        raise AttestationError(_("A school year is written « 2026-2027 »."))
    entries = list(
        RecordEntry.objects.filter(
            user=actor,
            school_year=school_year,
            kind__in=ATTESTED_KINDS,
            withdrawn_at__isnull=True,
        ).order_by("occurred_at", "id")
    )
    if not entries:
        raise AttestationError(_("No training of this school year to attest."))
    ids = [entry.pk for entry in entries]
    latest = (
        Attestation.objects.select_for_update()
        .filter(
            user=actor,
            kind=AttestationKind.YEARLY,
            school_year=school_year,
            revoked_at__isnull=True,
        )
        .first()
    )
    if latest and latest.content.get("entry_ids") == ids:
        return latest
    establishment = actor.establishment
    lines = [_yearly_line(entry) for entry in entries]
    content = {
        "trainee": actor.get_full_name() or actor.email,
        "establishment": (
            f"{establishment.name} ({establishment.town}, {establishment.uai})"
            if establishment
            else ""
        ),
        "academy": actor.academy.name if actor.academy else "",
        "title": _("Yearly summary of training, school year %(year)s") % {"year": school_year},
        "kind": "yearly",
        "school_year": school_year,
        "started_on": "",
        "ended_on": timezone.localdate().isoformat(),
        "distance_minutes": sum(line["distance_minutes"] for line in lines),
        "in_person_minutes": sum(line["in_person_minutes"] for line in lines),
        "issuer": issuer_name(),
        "result": "",
        "entries": lines,
        "entry_ids": ids,
    }
    return Attestation.objects.create(
        user=actor, kind=AttestationKind.YEARLY, school_year=school_year, content=content
    )


def attestation_revoke(*, actor: User, attestation: Attestation, reason: str) -> Attestation:
    """Revoke an attestation (staff only): its verification page then says so."""
    if not (actor.is_superuser or actor.has_role(Role.ADMIN)):
        raise PermissionDenied(_("Only administrators revoke attestations."))
    reason = reason.strip()
    if not reason:
        raise AttestationError(_("Give the reason for the revocation."))
    if attestation.revoked_at is None:
        attestation.revoked_at = timezone.now()
        attestation.revocation_reason = reason[:300]
        attestation.save(update_fields=["revoked_at", "revocation_reason"])
    return attestation


def attestations_revoke_for_entry(entry: RecordEntry, reason: str) -> int:
    """Revoke the entry's valid attestations (the entry was withdrawn); returns how many."""
    return entry.attestations.filter(revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revocation_reason=reason[:300]
    )
