"""Verifiable credentials of the record: issue, revoke, publish keys and the status list, verify.

A record entry of kind « module completed » or « certification obtained » can be issued as an
Open Badges 3.0 ``OpenBadgeCredential`` signed with the platform's Ed25519 key (see
:mod:`campus.credentials` for the formats and the specifications they follow). Writes are
keyword-only and transactional, with an explicit ``actor``: PermissionDenied for who may not,
:class:`CredentialError` (a message shown as is) for what the entry's state refuses.

URLs in credentials are absolute, built on ``settings.SITE_URL``: a credential leaves the site
and must keep naming its issuer, its keys and its status list.
"""

from __future__ import annotations

import secrets
import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.core import checks
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from campus import credentials as vc
from campus.models import CompetenceItem, Credential, EntryKind, Framework, RecordEntry
from campus.roles import Role

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    from django.contrib.auth.models import AnonymousUser

    from campus.models import User

CREDENTIAL_KINDS = (EntryKind.MODULE_COMPLETED, EntryKind.CERTIFICATION)
ACHIEVEMENT_TYPES = {EntryKind.MODULE_COMPLETED: "Course", EntryKind.CERTIFICATION: "Certificate"}
# The one revocation list for now; Bitstring Status List lists hold 131,072 entries at least
# and grow past that (campus.credentials.encode_status_list).
STATUS_LIST_ID = 1
# How frameworks are named in alignments (« C2i2e 2011 »); others by their full name.
FRAMEWORK_LABELS = {"c2i2e": "C2i2e"}
REASON_MAX_CHARS = 300
# Two issues racing for the same status index: the loser takes the next one.
_INDEX_ATTEMPTS = 5


class CredentialError(Exception):
    """A credential operation the guards refuse; the message is shown to the user as is."""


# --- Keys, URLs, status list -------------------------------------------------------------------


def signing_keys() -> list[vc.SigningKey]:
    """The platform's keys, the signing one first (empty: issuing is off)."""
    return vc.load_signing_keys(
        settings.CREDENTIAL_SIGNING_KEYS, debug=settings.DEBUG, secret_key=settings.SECRET_KEY
    )


def credentials_enabled() -> bool:
    """Whether a signing key is configured (or derived in development)."""
    return bool(signing_keys())


def absolute_url(path: str) -> str:
    """A site path (« /parcours/… ») made absolute on SITE_URL; absolute URLs unchanged."""
    if path.startswith(("http://", "https://")):
        return path
    return settings.SITE_URL + path


def issuer_id() -> str:
    """The issuer's id (and the keys' controller): the site's URL."""
    return settings.SITE_URL


def issuer_profile() -> dict:
    """The issuer as OB 3.0 describes it (a ``Profile``)."""
    return {"id": issuer_id(), "type": ["Profile"], "name": settings.CREDENTIAL_ISSUER_NAME}


def key_url(kid: str) -> str:
    """Where the public key ``kid`` is published."""
    return absolute_url(reverse("recognition:credentials_key", args=[kid]))


def verification_method(kid: str) -> str:
    """The verification method id a proof names for the key ``kid``."""
    return vc.verification_method_id(key_url(kid), kid)


def status_list_url() -> str:
    """The URL of the revocation list credentials point to."""
    return absolute_url(reverse("recognition:credentials_status_list", args=[STATUS_LIST_ID]))


def _multikey(key: vc.SigningKey) -> dict:
    return vc.multikey_document(
        method_id=verification_method(key.kid), controller=issuer_id(), public_key=key.public_key
    )


def multikey_for(kid: str) -> dict | None:
    """The Multikey document of the platform's key ``kid``, or None if there is no such key."""
    return next((_multikey(key) for key in signing_keys() if key.kid == kid), None)


def keys_document() -> dict:
    """Every public key, signing and rotated out, as one controller document."""
    return vc.keys_document(controller=issuer_id(), methods=[_multikey(k) for k in signing_keys()])


def public_keys() -> dict[str, Ed25519PublicKey]:
    """The platform's public keys by verification method id, for verification."""
    return {verification_method(key.kid): key.public_key for key in signing_keys()}


def _signing_key() -> vc.SigningKey:
    keys = signing_keys()
    if not keys:
        raise CredentialError(
            _(
                "Digital credentials are not available on this platform yet: "
                "its signing key is not configured."
            )
        )
    return keys[0]


def status_list_document() -> dict:
    """The signed ``BitstringStatusListCredential``: bit i set when credential i is revoked."""
    key = _signing_key()
    now = timezone.now()
    revoked = Credential.objects.filter(revoked_at__isnull=False).values_list(
        "status_index", flat=True
    )
    document = vc.status_list_credential(
        list_url=status_list_url(), issuer=issuer_profile(), set_bits=revoked, valid_from=now
    )
    return vc.sign(document, key=key, verification_method=verification_method(key.kid), created=now)


def credential_verify(document: object) -> vc.VerificationResult:
    """Verify a credential against the platform's keys and its current status list."""
    status_list = None
    if credentials_enabled() and isinstance(document, dict):
        status = document.get("credentialStatus")
        if isinstance(status, dict) and status.get("statusListCredential") == status_list_url():
            status_list = status_list_document()
    return vc.verify_credential(document, public_keys(), status_list=status_list)


# --- Who may do what ---------------------------------------------------------------------------


def may_manage_credentials(user: User | AnonymousUser) -> bool:
    """Whether the user may act on anyone's credentials (staff and administrators)."""
    return user.is_authenticated and (user.is_staff or user.has_role(Role.ADMIN))


def may_see_credential(user: User | AnonymousUser, credential: Credential) -> bool:
    """The credential's holder, staff and administrators see it; nobody else."""
    return user.is_authenticated and (credential.user_id == user.pk or may_manage_credentials(user))


def _can_issue(entry: RecordEntry) -> str | None:
    """Why the entry may not be issued as a credential, or None when it may."""
    if entry.kind not in CREDENTIAL_KINDS:
        return _("Only completed modules and certifications can be issued as digital badges.")
    if entry.withdrawn_at is not None:
        return _("This entry was withdrawn from the record: it cannot be issued.")
    return None


def may_issue(entry: RecordEntry) -> bool:
    """Whether the entry is of a kind and state that can be issued (permission aside)."""
    return _can_issue(entry) is None


def credential_of_entry(entry: RecordEntry) -> Credential | None:
    """The entry's credential, the valid one first, or None."""
    return (
        Credential.objects.filter(entry=entry)
        .order_by(F("revoked_at").asc(nulls_first=True), "-issued_at")
        .first()
    )


# --- The credential document -------------------------------------------------------------------


def _framework_label(framework: Framework) -> str:
    return f"{FRAMEWORK_LABELS.get(framework.code, framework.name)} {framework.version}"


def framework_url(framework: Framework) -> str:
    """The public page of a framework, which alignments point to (items are its anchors)."""
    return absolute_url(reverse("recognition:credentials_framework", args=[framework.code]))


def _alignments(entry: RecordEntry) -> list[vc.Alignment]:
    items = CompetenceItem.objects.filter(record_entries=entry).select_related(
        "competence__domain__framework"
    )
    return [
        vc.Alignment(
            code=item.code,
            name=item.title,
            framework=_framework_label(item.competence.domain.framework),
            url=f"{framework_url(item.competence.domain.framework)}#{item.code}",
        )
        for item in items
    ]


def _achievement(entry: RecordEntry) -> dict[str, str]:
    """The achievement's id, description and criteria, in French as the record states them."""
    details = entry.details if isinstance(entry.details, dict) else {}
    if entry.kind == EntryKind.CERTIFICATION:
        framework = Framework.objects.filter(code=details.get("framework", "")).first()
        label = _framework_label(framework) if framework else entry.title
        return {
            "id": framework_url(framework)
            if framework
            else f"urn:campus:certification:{slugify(entry.title)}",
            "description": f"{entry.title}. Certification délivrée par un jury après "
            f"validation des items du référentiel {label}.",
            "criteria": f"Valider les items du référentiel {label} selon la règle de "
            "certification, preuves à l'appui, puis obtenir la décision d'un jury.",
        }
    module_url = details.get("module_url") or ""
    return {
        "id": absolute_url(module_url)
        if module_url
        else f"urn:campus:module:{slugify(entry.title)}",
        "description": entry.summary or f"Module de formation « {entry.title} ».",
        "criteria": "Suivre le module de formation jusqu'à son terme : toutes les étapes "
        "attendues achevées, présence aux sessions en présentiel le cas échéant.",
    }


def _document(entry: RecordEntry, *, credential_id: uuid.UUID, status_index: int) -> dict:
    """The signed OpenBadgeCredential of the entry."""
    key = _signing_key()
    now = timezone.now()
    user = entry.user
    achievement = _achievement(entry)
    minutes = entry.distance_minutes + entry.in_person_minutes
    document = vc.build_credential(
        credential_id=f"urn:uuid:{credential_id}",
        issuer_id=issuer_id(),
        issuer_name=settings.CREDENTIAL_ISSUER_NAME,
        valid_from=now,
        name=entry.title,
        email=user.email,
        email_salt=secrets.token_hex(16),
        holder_name=user.get_full_name(),
        achievement_id=achievement["id"],
        achievement_type=ACHIEVEMENT_TYPES[entry.kind],
        achievement_name=entry.title,
        description=achievement["description"],
        criteria=achievement["criteria"],
        alignments=_alignments(entry),
        hours=round(minutes / 60, 2),
        awarded=entry.occurred_at,
        started=entry.started_on,
        result=entry.result,
        evidence_url=absolute_url(entry.evidence_url) if entry.evidence_url else "",
        evidence_name=entry.title,
        status_list_url=status_list_url(),
        status_index=status_index,
    )
    return vc.sign(document, key=key, verification_method=verification_method(key.kid), created=now)


# --- Writes ------------------------------------------------------------------------------------


@transaction.atomic
def credential_issue(*, actor: User, entry: RecordEntry) -> Credential:
    """Issue the entry as a signed credential, or return the one it has.

    The entry's holder issues their own (staff may for anyone); only completed modules and
    certifications, not withdrawn. A credential revoked by staff is not replaced: the holder
    gets the refusal with its reason.
    """
    if actor.pk != entry.user_id and not may_manage_credentials(actor):
        raise PermissionDenied("Only the entry's holder issues its credential.")
    # Locked so that two clicks issue once (one credential per entry).
    entry = RecordEntry.objects.select_for_update().select_related("user").get(pk=entry.pk)
    if refusal := _can_issue(entry):
        raise CredentialError(refusal)
    existing = credential_of_entry(entry)
    if existing is not None and existing.revoked_at is None:
        return existing
    if existing is not None:
        raise CredentialError(
            _("The digital badge of this entry was revoked: %(reason)s")
            % {"reason": existing.revocation_reason or _("no reason given")}
        )
    key = _signing_key()
    credential_id = uuid.uuid4()
    for _attempt in range(_INDEX_ATTEMPTS):
        # The next free index. Two issues at once may read the same one: the unique constraint
        # refuses the second, which takes the next (a savepoint keeps the transaction usable).
        last = Credential.objects.aggregate(last=Max("status_index"))["last"]
        index = 0 if last is None else last + 1
        try:
            with transaction.atomic():
                return Credential.objects.create(
                    id=credential_id,
                    user=entry.user,
                    entry=entry,
                    status_index=index,
                    document=_document(entry, credential_id=credential_id, status_index=index),
                    key_id=key.kid,
                )
        except IntegrityError:
            continue
    raise CredentialError(_("The digital badge could not be issued; please try again."))


@transaction.atomic
def credential_revoke(*, actor: User, credential: Credential, reason: str) -> Credential:
    """Revoke a credential (staff and administrators): its bit is set in the status list.

    Revoking twice keeps the first revocation.
    """
    if not may_manage_credentials(actor):
        raise PermissionDenied("Only staff and administrators revoke credentials.")
    reason = (reason or "").strip()
    if not reason:
        raise CredentialError(_("Give the reason for the revocation."))
    if len(reason) > REASON_MAX_CHARS:
        raise CredentialError(
            _("The reason is too long: %(max)d characters at most.") % {"max": REASON_MAX_CHARS}
        )
    credential = Credential.objects.select_for_update().get(pk=credential.pk)
    if credential.revoked_at is None:
        credential.revoked_at = timezone.now()
        credential.revocation_reason = reason
        credential.save(update_fields=["revoked_at", "revocation_reason"])
    return credential


@transaction.atomic
def credentials_revoke_for_entry(entry: RecordEntry, reason: str) -> int:
    """Revoke every valid credential of an entry; the record calls it when it withdraws one.

    No actor: withdrawing the entry was the permission-checked act. Returns how many were
    revoked.
    """
    return Credential.objects.filter(entry=entry, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revocation_reason=reason[:REASON_MAX_CHARS]
    )


# --- System check ------------------------------------------------------------------------------


def check_signing_keys(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """campus.W001: without CREDENTIAL_SIGNING_KEYS in production, credentials are off."""
    if settings.DEBUG or settings.CREDENTIAL_SIGNING_KEYS:
        return []
    return [
        checks.Warning(
            "Verifiable credentials (Open Badges) are disabled: CREDENTIAL_SIGNING_KEYS is "
            "not set.",
            hint=(
                "Set CREDENTIAL_SIGNING_KEYS=<kid>:<seed>, the seed made by "
                '`python -c "from campus.credentials import new_seed; print(new_seed())"`.'
            ),
            id="campus.W001",
        )
    ]
