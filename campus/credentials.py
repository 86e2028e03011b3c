"""Open Badges 3.0 credentials: build, canonicalise, sign, verify; the revocation status list.

Pure functions over plain values and JSON-like dicts: no database, no request, so that the
same code signs in the app and verifies offline (``manage.py verify_credential``). What they
implement, and where:

- the credential's shape: 1EdTech Open Badges 3.0, ``OpenBadgeCredential``
  (https://www.imsglobal.org/spec/ob/v3p0/#org.1edtech.ob.v3p0.achievementcredential.class),
  itself a W3C Verifiable Credential 2.0 (https://www.w3.org/TR/vc-data-model-2.0/);
- the proof: W3C Data Integrity EdDSA Cryptosuites v1.0, ``eddsa-jcs-2022``
  (https://www.w3.org/TR/vc-di-eddsa/#eddsa-jcs-2022): JSON Canonicalization Scheme
  (RFC 8785, the ``rfc8785`` package), SHA-256, Ed25519 (``cryptography``);
- the public keys: Multikey verification methods (https://www.w3.org/TR/cid-1.0/#Multikey);
- revocation: W3C Bitstring Status List v1.0 (https://www.w3.org/TR/vc-bitstring-status-list/).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import gzip
import hashlib
import io
import re
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import base58
import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB3_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
MULTIKEY_CONTEXT = "https://w3id.org/security/multikey/v1"
CID_CONTEXT = "https://www.w3.org/ns/cid/v1"
PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-jcs-2022"
PROOF_PURPOSE = "assertionMethod"
# Multicodec prefix of an Ed25519 public key (varint 0xed), as Multikey requires.
ED25519_PUB_PREFIX = b"\xed\x01"
# Bitstring Status List §2.1 / §3.1: at least 16 KB, so one credential hides among 131,072.
STATUS_LIST_MIN_BITS = 131_072
# A decompressed list larger than this is refused (a gzip bomb is a few KB that inflate to GB).
STATUS_LIST_MAX_BYTES = 16 * 1024 * 1024
DEVELOPMENT_KID = "dev"
_KID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_B64URL = re.compile(r"^[A-Za-z0-9_-]+$")


# --- Reasons a verification fails ----------------------------------------------------------

MALFORMED = "malformed"
UNKNOWN_KEY = "unknown_key"
SIGNATURE_INVALID = "signature_invalid"
REVOKED = "revoked"
NOT_YET_VALID = "not_yet_valid"
EXPIRED = "expired"
STATUS_LIST_INVALID = "status_list_invalid"


@dataclass(frozen=True)
class VerificationResult:
    """What verifying a credential found.

    ``reasons`` are failures, each ``"<code>"`` or ``"<code>: <detail>"`` with a code among the
    constants above; ``valid`` is true when there is none. ``status_checked`` says whether
    revocation could be checked (offline, only when a status list was given).
    """

    valid: bool
    reasons: list[str] = field(default_factory=list)
    status_checked: bool = False

    @property
    def codes(self) -> list[str]:
        """The reasons' codes, without their details."""
        return [reason.split(":", 1)[0] for reason in self.reasons]


# --- Keys ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SigningKey:
    """An Ed25519 key of the platform, named by its key id (``kid``)."""

    kid: str
    private_key: Ed25519PrivateKey

    @property
    def public_key(self) -> Ed25519PublicKey:
        return self.private_key.public_key()


def _b64url_decode(value: str) -> bytes:
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def _b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def parse_signing_keys(raw: str) -> dict[str, str]:
    """Parse ``"kid1:<seed>,kid0:<seed>"`` (base64url 32-byte Ed25519 seeds), first one first.

    Raises ValueError naming what is wrong, never echoing a seed.
    """
    keys: dict[str, str] = {}
    for part in (raw or "").split(","):
        part = part.strip()
        if not part:
            continue
        kid, sep, seed = part.partition(":")
        kid, seed = kid.strip(), seed.strip()
        if not sep or not _KID.match(kid):
            raise ValueError(
                "each key is <kid>:<base64url seed>, the kid made of letters, digits, - and _"
            )
        if kid in keys:
            raise ValueError(f"the key id {kid!r} is given twice")
        try:
            if not _B64URL.match(seed):
                raise ValueError
            decoded = _b64url_decode(seed)
        except (binascii.Error, ValueError):
            raise ValueError(f"the seed of {kid!r} is not base64url") from None
        if len(decoded) != 32:
            raise ValueError(f"the seed of {kid!r} must decode to 32 bytes")
        keys[kid] = seed
    return keys


def new_seed() -> str:
    """A fresh random seed, base64url, for ``CREDENTIAL_SIGNING_KEYS``."""
    return _b64url_encode(Ed25519PrivateKey.generate().private_bytes_raw())


def development_seed(secret_key: str) -> bytes:
    """The development key's seed, derived from SECRET_KEY with HKDF-SHA256 (RFC 5869).

    Deterministic, so credentials issued in development still verify after a restart.
    """
    return HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=None,
        info=b"campus credentials development signing key",
    ).derive(secret_key.encode("utf-8"))


def load_signing_keys(
    configured: Mapping[str, str], *, debug: bool, secret_key: str
) -> list[SigningKey]:
    """The platform's keys, the signing one first; a development key when none is set in DEBUG.

    Empty when none is configured outside DEBUG: issuing is then off.
    """
    if configured:
        return [
            SigningKey(kid, Ed25519PrivateKey.from_private_bytes(_b64url_decode(seed)))
            for kid, seed in configured.items()
        ]
    if debug:
        seed = development_seed(secret_key)
        return [SigningKey(DEVELOPMENT_KID, Ed25519PrivateKey.from_private_bytes(seed))]
    return []


def public_key_multibase(public_key: Ed25519PublicKey) -> str:
    """``z`` + base58btc(0xed01 + the raw public key): a Multikey's ``publicKeyMultibase``."""
    raw = public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return "z" + base58.b58encode(ED25519_PUB_PREFIX + raw).decode("ascii")


def public_key_from_multibase(value: str) -> Ed25519PublicKey:
    """The Ed25519 public key of a ``publicKeyMultibase``; ValueError if it is not one."""
    if not isinstance(value, str) or not value.startswith("z"):
        raise ValueError("publicKeyMultibase must be base58btc (start with z)")
    try:
        decoded = base58.b58decode(value[1:])
    except ValueError:
        raise ValueError("publicKeyMultibase is not base58btc") from None
    if len(decoded) != 34 or not decoded.startswith(ED25519_PUB_PREFIX):
        raise ValueError("publicKeyMultibase is not an Ed25519 public key")
    return Ed25519PublicKey.from_public_bytes(decoded[2:])


def verification_method_id(keys_url: str, kid: str) -> str:
    """``<keys_url>#<kid>``: the key's URL, dereferenceable, with the kid as fragment."""
    return f"{keys_url}#{kid}"


def multikey_document(*, method_id: str, controller: str, public_key: Ed25519PublicKey) -> dict:
    """A Multikey verification method, as served at the key's URL."""
    return {
        "@context": MULTIKEY_CONTEXT,
        "id": method_id,
        "type": "Multikey",
        "controller": controller,
        "publicKeyMultibase": public_key_multibase(public_key),
    }


def keys_document(*, controller: str, methods: list[dict]) -> dict:
    """The issuer's controller document listing every public key (Controlled Identifiers §2)."""
    return {
        "@context": [CID_CONTEXT, MULTIKEY_CONTEXT],
        "id": controller,
        "verificationMethod": [
            {key: value for key, value in method.items() if key != "@context"} for method in methods
        ],
        "assertionMethod": [method["id"] for method in methods],
    }


def public_keys_from_document(document: object) -> dict[str, Ed25519PublicKey]:
    """The public keys a keys document lists, by verification method id.

    Accepts the controller document of :func:`keys_document`, one Multikey document, or a list
    of them. Raises ValueError on anything else.
    """
    if isinstance(document, list):
        methods = document
    elif isinstance(document, dict) and "verificationMethod" in document:
        methods = document["verificationMethod"]
    else:
        methods = [document]
    if not isinstance(methods, list):
        raise ValueError("verificationMethod must be a list")
    keys: dict[str, Ed25519PublicKey] = {}
    for method in methods:
        if not isinstance(method, dict) or method.get("type") != "Multikey":
            raise ValueError("every key must be a Multikey verification method")
        if not isinstance(method.get("id"), str):
            raise ValueError("every key needs an id")
        keys[method["id"]] = public_key_from_multibase(method.get("publicKeyMultibase"))
    if not keys:
        raise ValueError("no key found")
    return keys


# --- Data Integrity proof, eddsa-jcs-2022 ----------------------------------------------------


def canonicalize(value: object) -> bytes:
    """The JSON Canonicalization Scheme (RFC 8785) serialisation of a JSON value."""
    return rfc8785.dumps(value)


def format_datetime(moment: dt.datetime) -> str:
    """An XML Schema dateTimeStamp in UTC, to the second (``2026-09-01T08:30:00Z``)."""
    if moment.tzinfo is None:
        raise ValueError("timezone-aware datetimes only")
    return moment.astimezone(dt.UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_datetime(value: object) -> dt.datetime | None:
    """A dateTimeStamp with its time zone, or None when it is not one."""
    if not isinstance(value, str):
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def hash_data(unsecured: dict, proof_options: dict) -> bytes:
    """eddsa-jcs-2022 §3.3.2-3.3.4: SHA-256(JCS(proof config)) || SHA-256(JCS(document)).

    The proof configuration is the proof without ``proofValue``, given the document's
    ``@context`` (§3.3.5 step 4), so a changed context breaks the proof too.
    """
    config = {key: value for key, value in proof_options.items() if key != "proofValue"}
    if "@context" in unsecured:
        config["@context"] = unsecured["@context"]
    document = {key: value for key, value in unsecured.items() if key != "proof"}
    return (
        hashlib.sha256(canonicalize(config)).digest()
        + hashlib.sha256(canonicalize(document)).digest()
    )


def sign(
    unsecured: dict, *, key: SigningKey, verification_method: str, created: dt.datetime
) -> dict:
    """The document with a ``DataIntegrityProof`` (eddsa-jcs-2022) added (VC-DI §4.1)."""
    proof = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": format_datetime(created),
        "verificationMethod": verification_method,
        "proofPurpose": PROOF_PURPOSE,
    }
    document = {key: value for key, value in unsecured.items() if key != "proof"}
    signature = key.private_key.sign(hash_data(document, proof))
    proof["proofValue"] = "z" + base58.b58encode(signature).decode("ascii")
    return {**document, "proof": proof}


def proof_errors(document: dict, keys: Mapping[str, Ed25519PublicKey]) -> list[str]:
    """Why the document's proof does not verify with the given keys (VC-DI §4.2); [] if it does."""
    proof = document.get("proof")
    if not isinstance(proof, dict):
        return [f"{MALFORMED}: proof is missing"]
    if proof.get("type") != PROOF_TYPE or proof.get("cryptosuite") != CRYPTOSUITE:
        return [f"{MALFORMED}: proof is not a {PROOF_TYPE} of the {CRYPTOSUITE} cryptosuite"]
    if proof.get("proofPurpose") != PROOF_PURPOSE:
        return [f"{MALFORMED}: proof purpose is not {PROOF_PURPOSE}"]
    if parse_datetime(proof.get("created")) is None and "created" in proof:
        return [f"{MALFORMED}: proof.created is not a date-time"]
    method = proof.get("verificationMethod")
    public_key = keys.get(method) if isinstance(method, str) else None
    if public_key is None:
        return [f"{UNKNOWN_KEY}: {method}"]
    value = proof.get("proofValue")
    if not isinstance(value, str) or not value.startswith("z"):
        return [f"{MALFORMED}: proofValue must be base58btc (start with z)"]
    try:
        signature = base58.b58decode(value[1:])
    except ValueError:
        return [f"{SIGNATURE_INVALID}: proofValue is not base58btc"]
    try:
        public_key.verify(signature, hash_data(document, proof))
    except InvalidSignature:
        return [SIGNATURE_INVALID]
    return []


# --- Bitstring Status List ---------------------------------------------------------------------


def encode_status_list(set_bits: Iterable[int], *, length: int = STATUS_LIST_MIN_BITS) -> str:
    """``encodedList``: multibase base64url (``u``) of the GZIP of the bitstring (§3.1).

    Bit ``i`` is set for each index given; index 0 is the left-most (most significant) bit of
    the first byte (§3.2). The list grows past ``length`` bits, a byte at a time, if needed.
    """
    indexes = sorted(set(set_bits))
    if indexes and indexes[0] < 0:
        raise ValueError("status indexes are not negative")
    size = max(length, indexes[-1] + 1 if indexes else 0)
    bits = bytearray((size + 7) // 8)
    for index in indexes:
        bits[index // 8] |= 0x80 >> (index % 8)
    # mtime=0: the same list always compresses to the same bytes.
    return "u" + _b64url_encode(gzip.compress(bytes(bits), mtime=0))


def decode_status_list(encoded: str) -> bytes:
    """The bitstring of an ``encodedList``; ValueError if it is not one (§3.2, validate)."""
    if not isinstance(encoded, str) or not encoded.startswith("u"):
        raise ValueError("encodedList must be multibase base64url (start with u)")
    # urlsafe_b64decode skips characters outside the alphabet: check them first.
    if not _B64URL.match(encoded[1:]):
        raise ValueError("encodedList is not base64url")
    try:
        compressed = _b64url_decode(encoded[1:])
    except (binascii.Error, ValueError):
        raise ValueError("encodedList is not base64url") from None
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(compressed)) as stream:
            bits = stream.read(STATUS_LIST_MAX_BYTES + 1)
    except (OSError, EOFError, zlib.error):
        raise ValueError("encodedList is not GZIP data") from None
    if len(bits) > STATUS_LIST_MAX_BYTES:
        raise ValueError("encodedList is too large")
    if not bits:
        raise ValueError("encodedList is empty")
    return bits


def status_bit(bits: bytes, index: int) -> bool:
    """Whether bit ``index`` is set; IndexError past the end of the list."""
    if index < 0 or index // 8 >= len(bits):
        raise IndexError(index)
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def status_list_credential(
    *, list_url: str, issuer: dict, set_bits: Iterable[int], valid_from: dt.datetime
) -> dict:
    """An unsigned ``BitstringStatusListCredential`` of revocations (§2.2)."""
    return {
        "@context": [VC_CONTEXT],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": format_datetime(valid_from),
        "credentialSubject": {
            "id": f"{list_url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encode_status_list(set_bits),
        },
    }


# --- The credential ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Alignment:
    """A competence item the achievement aligns with (C2i2e « A.1-1 »)."""

    code: str
    name: str
    framework: str
    url: str


def identity_hash(identity: str, salt: str) -> str:
    """OB 3.0 IdentityObject hash: ``sha256$`` + hex SHA-256 of the identity then the salt."""
    return "sha256$" + hashlib.sha256((identity + salt).encode("utf-8")).hexdigest()


def build_credential(
    *,
    credential_id: str,
    issuer_id: str,
    issuer_name: str,
    valid_from: dt.datetime,
    name: str,
    email: str,
    email_salt: str,
    holder_name: str,
    achievement_id: str,
    achievement_type: str,
    achievement_name: str,
    description: str,
    criteria: str,
    alignments: list[Alignment],
    hours: float,
    awarded: dt.datetime,
    started: dt.date | None = None,
    result: str = "",
    evidence_url: str = "",
    evidence_name: str = "",
    status_list_url: str,
    status_index: int,
) -> dict:
    """An unsigned OB 3.0 ``OpenBadgeCredential`` from plain values.

    The recipient is named by a salted hash of their email (OB 3.0 §B.1.10 IdentityObject),
    so that a verifier who knows the address can check it without the credential publishing
    it, and by their plain name, as a paper certificate would.
    """
    achievement: dict = {
        "id": achievement_id,
        "type": ["Achievement"],
        "achievementType": achievement_type,
        "name": achievement_name,
        "description": description,
        "criteria": {"narrative": criteria},
    }
    if alignments:
        achievement["alignment"] = [
            {
                "type": ["Alignment"],
                "targetName": alignment.name,
                "targetCode": alignment.code,
                "targetFramework": alignment.framework,
                "targetUrl": alignment.url,
            }
            for alignment in alignments
        ]
    if hours > 0:
        achievement["creditsAvailable"] = hours
    subject: dict = {
        "type": ["AchievementSubject"],
        "identifier": [
            {
                "type": "IdentityObject",
                "identityHash": identity_hash(email.lower(), email_salt),
                "identityType": "emailAddress",
                "hashed": True,
                "salt": email_salt,
            },
            {
                "type": "IdentityObject",
                "identityHash": holder_name,
                "identityType": "name",
                "hashed": False,
            },
        ],
        "achievement": achievement,
        "activityEndDate": format_datetime(awarded),
    }
    if started is not None:
        subject["activityStartDate"] = format_datetime(
            dt.datetime.combine(started, dt.time(), tzinfo=awarded.tzinfo)
        )
    if result:
        subject["result"] = [{"type": ["Result"], "value": result}]
    if hours > 0:
        subject["creditsEarned"] = hours
    document: dict = {
        "@context": [VC_CONTEXT, OB3_CONTEXT],
        "id": credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer_id, "type": ["Profile"], "name": issuer_name},
        "validFrom": format_datetime(valid_from),
        "awardedDate": format_datetime(awarded),
        "name": name,
        "credentialSubject": subject,
    }
    if evidence_url:
        document["evidence"] = [
            {"id": evidence_url, "type": ["Evidence"], "name": evidence_name or name}
        ]
    document["credentialStatus"] = {
        "id": f"{status_list_url}#{status_index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(status_index),
        "statusListCredential": status_list_url,
    }
    return document


# --- Verification ------------------------------------------------------------------------------


def _types(value: object) -> list:
    if isinstance(value, str):
        return [value]
    return value if isinstance(value, list) else []


def _nonempty_str(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def shape_errors(document: object) -> list[str]:
    """What an OpenBadgeCredential lacks of the fields OB 3.0 requires, as ``malformed`` reasons."""
    if not isinstance(document, dict):
        return [f"{MALFORMED}: a credential is a JSON object"]
    errors: list[str] = []

    def need(condition: bool, path: str, what: str) -> None:
        if not condition:
            errors.append(f"{MALFORMED}: {path} {what}")

    context = document.get("@context")
    need(
        isinstance(context, list) and context[:1] == [VC_CONTEXT] and OB3_CONTEXT in context,
        "@context",
        "must start with the VC 2.0 context and hold the OB 3.0 one",
    )
    need(_nonempty_str(document.get("id")), "id", "is missing")
    need(
        {"VerifiableCredential", "OpenBadgeCredential"} <= set(_types(document.get("type"))),
        "type",
        "must hold VerifiableCredential and OpenBadgeCredential",
    )
    issuer = document.get("issuer")
    need(
        isinstance(issuer, dict)
        and _nonempty_str(issuer.get("id"))
        and "Profile" in _types(issuer.get("type")),
        "issuer",
        "must be a Profile with an id",
    )
    need(parse_datetime(document.get("validFrom")) is not None, "validFrom", "is not a date-time")
    if "validUntil" in document:
        need(
            parse_datetime(document.get("validUntil")) is not None,
            "validUntil",
            "is not a date-time",
        )
    need(_nonempty_str(document.get("name")), "name", "is missing")
    subject = document.get("credentialSubject")
    if not isinstance(subject, dict):
        errors.append(f"{MALFORMED}: credentialSubject is missing")
        return errors
    need(
        "AchievementSubject" in _types(subject.get("type")),
        "credentialSubject.type",
        "must hold AchievementSubject",
    )
    need(
        _nonempty_str(subject.get("id")) or isinstance(subject.get("identifier"), list),
        "credentialSubject",
        "needs an id or an identifier",
    )
    for position, identifier in enumerate(_list(subject.get("identifier"))):
        need(
            isinstance(identifier, dict)
            and identifier.get("type") == "IdentityObject"
            and _nonempty_str(identifier.get("identityHash"))
            and _nonempty_str(identifier.get("identityType"))
            and isinstance(identifier.get("hashed"), bool),
            f"credentialSubject.identifier[{position}]",
            "must be an IdentityObject",
        )
    achievement = subject.get("achievement")
    if not isinstance(achievement, dict):
        errors.append(f"{MALFORMED}: credentialSubject.achievement is missing")
        return errors
    need(_nonempty_str(achievement.get("id")), "achievement.id", "is missing")
    need("Achievement" in _types(achievement.get("type")), "achievement.type", "is wrong")
    need(_nonempty_str(achievement.get("name")), "achievement.name", "is missing")
    need(_nonempty_str(achievement.get("description")), "achievement.description", "is missing")
    criteria = achievement.get("criteria")
    need(
        isinstance(criteria, dict)
        and (_nonempty_str(criteria.get("narrative")) or _nonempty_str(criteria.get("id"))),
        "achievement.criteria",
        "needs a narrative or an id",
    )
    status = document.get("credentialStatus")
    if status is not None:
        need(
            isinstance(status, dict)
            and status.get("type") == "BitstringStatusListEntry"
            and _nonempty_str(status.get("statusPurpose"))
            and isinstance(status.get("statusListIndex"), str)
            and status["statusListIndex"].isdigit()
            and _nonempty_str(status.get("statusListCredential")),
            "credentialStatus",
            "must be a BitstringStatusListEntry",
        )
    return errors


def _list(value: object) -> list:
    return value if isinstance(value, list) else []


def _status_errors(
    document: dict, status_list: dict, keys: Mapping[str, Ed25519PublicKey]
) -> list[str]:
    """Why the status list says the credential is revoked or cannot say (Bitstring §3.2)."""
    status = document["credentialStatus"]
    if not isinstance(status_list, dict):
        return [f"{STATUS_LIST_INVALID}: not a JSON object"]
    if status_list.get("id") != status["statusListCredential"]:
        return [f"{STATUS_LIST_INVALID}: it is not the list the credential names"]
    if "BitstringStatusListCredential" not in _types(status_list.get("type")):
        return [f"{STATUS_LIST_INVALID}: not a BitstringStatusListCredential"]
    if proof_errors(status_list, keys):
        return [f"{STATUS_LIST_INVALID}: its proof does not verify"]
    subject = status_list.get("credentialSubject")
    if not isinstance(subject, dict) or subject.get("statusPurpose") != status["statusPurpose"]:
        return [f"{STATUS_LIST_INVALID}: its purpose is not {status['statusPurpose']}"]
    try:
        bits = decode_status_list(subject.get("encodedList"))
        revoked = status_bit(bits, int(status["statusListIndex"]))
    except ValueError as error:
        return [f"{STATUS_LIST_INVALID}: {error}"]
    except IndexError:
        return [f"{STATUS_LIST_INVALID}: the index is past the end of the list"]
    if revoked and status["statusPurpose"] == "revocation":
        return [REVOKED]
    return []


def verify_credential(
    document: object,
    keys: Mapping[str, Ed25519PublicKey],
    *,
    status_list: dict | None = None,
    now: dt.datetime | None = None,
) -> VerificationResult:
    """Verify an OpenBadgeCredential: shape, proof, validity period, revocation.

    ``keys`` are the trusted issuer's public keys by verification method id; ``status_list``
    is the ``BitstringStatusListCredential`` its ``credentialStatus`` names (itself verified
    with the same keys). Without one, revocation is not checked and ``status_checked`` is False.
    """
    errors = shape_errors(document)
    if errors:
        return VerificationResult(valid=False, reasons=errors)
    assert isinstance(document, dict)  # noqa: S101 (shape_errors checked it; for type checkers)
    errors = proof_errors(document, keys)
    if errors:
        return VerificationResult(valid=False, reasons=errors)
    now = now or dt.datetime.now(dt.UTC)
    valid_from = parse_datetime(document["validFrom"])
    if valid_from is not None and valid_from > now:
        errors.append(NOT_YET_VALID)
    valid_until = parse_datetime(document.get("validUntil"))
    if valid_until is not None and valid_until < now:
        errors.append(EXPIRED)
    status_checked = False
    if "credentialStatus" in document and status_list is not None:
        errors += _status_errors(document, status_list, keys)
        status_checked = not any(e.startswith(STATUS_LIST_INVALID) for e in errors)
    return VerificationResult(valid=not errors, reasons=errors, status_checked=status_checked)
