"""Verifiable credentials: the OB 3.0 document, its eddsa-jcs-2022 proof, the status list,
keys and rotation, issuing and revoking, the system check and the offline command."""

from __future__ import annotations

import copy
import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.utils import timezone

from campus import credentials as vc
from campus import services_credentials as services
from campus.models import Credential, EntryKind, RecordEntry
from campus.roles import Role
from tests.campus.certification_helpers import item
from tests.campus.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
SITE = "https://campus.ac-lyon.fr"
# Fixed test seeds (base64url of 32 bytes): never used outside tests.
SEED_NEW = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"
SEED_OLD = "ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8"
SEED_OTHER = "QEFCQ0RFRkdISUpLTE1OT1BRUlNUVVZXWFlaW1xdXl8"


@pytest.fixture(autouse=True)
def credential_settings(settings):
    """A production-like key configuration and public URL for every test of this module."""
    settings.CREDENTIAL_SIGNING_KEYS = {"k1": SEED_NEW}
    settings.SITE_URL = SITE
    settings.CREDENTIAL_ISSUER_NAME = "Campus"
    return settings


@pytest.fixture
def admin(db):
    """Alex, a platform administrator."""
    return UserFactory(
        email="alex.durand@ac-lyon.fr", first_name="Alex", last_name="Durand", roles=[Role.ADMIN]
    )


def make_entry(user, *, kind=EntryKind.MODULE_COMPLETED, codes=("A.1-1", "B.2-3"), **extra):
    """A record entry written straight (the record's services belong to another layer)."""
    defaults = {
        "source_key": f"tests.{kind}:{RecordEntry.objects.count() + 1}",
        "title": "Enseigner avec le numérique en mathématiques",
        "summary": "Concevoir des séances de mathématiques avec des outils numériques.",
        "occurred_at": dt.datetime(2026, 10, 14, 15, 30, tzinfo=dt.UTC),
        "started_on": dt.date(2026, 9, 16),
        "modality": "blended",
        "distance_minutes": 270,
        "in_person_minutes": 360,
        "evidence_url": "/parcours/numerique-maths/",
    }
    if kind == EntryKind.CERTIFICATION:
        defaults.update(
            title="C2i2e — Certificat informatique et internet niveau 2 enseignant",
            summary="27 items validés sur 28.",
            distance_minutes=0,
            in_person_minutes=0,
            result="Certifié",
            evidence_url="",
            details={"framework": "c2i2e", "framework_version": "2011"},
        )
    defaults.update(extra)
    entry = RecordEntry.objects.create(user=user, kind=kind, **defaults)
    entry.competence_items.set([item(code) for code in codes])
    return entry


def issued(user, **kwargs) -> Credential:
    """A credential issued by its holder for a fresh entry."""
    return services.credential_issue(actor=user, entry=make_entry(user, **kwargs))


# --- A compact JSON-schema-like checker -----------------------------------------------------------
# A schema is a type (isinstance), a literal (equality), a callable (predicate), a dict of
# required keys (a key starting with "?" is optional), or a one-item list (every element).


def is_datetime(value) -> bool:
    return vc.parse_datetime(value) is not None


def contains(*wanted):
    return lambda value: isinstance(value, list) and set(wanted) <= set(value)


def nonempty(value) -> bool:
    return isinstance(value, str) and bool(value.strip())


def assert_matches(value, schema, path="$"):
    if isinstance(schema, dict):
        assert isinstance(value, dict), f"{path} is not an object"
        for key, sub in schema.items():
            optional, name = key.startswith("?"), key.lstrip("?")
            if name not in value:
                assert optional, f"{path}.{name} is missing"
                continue
            assert_matches(value[name], sub, f"{path}.{name}")
    elif isinstance(schema, list):
        assert isinstance(value, list) and value, f"{path} is not a non-empty list"
        for index, element in enumerate(value):
            assert_matches(element, schema[0], f"{path}[{index}]")
    elif isinstance(schema, type):
        assert isinstance(value, schema), f"{path} is not a {schema.__name__}: {value!r}"
    elif callable(schema):
        assert schema(value), f"{path} fails its check: {value!r}"
    else:
        assert value == schema, f"{path} is {value!r}, not {schema!r}"


OPEN_BADGE_CREDENTIAL = {
    "@context": lambda v: v[:2] == [vc.VC_CONTEXT, vc.OB3_CONTEXT],
    "id": lambda v: isinstance(v, str) and v.startswith("urn:uuid:"),
    "type": contains("VerifiableCredential", "OpenBadgeCredential"),
    "issuer": {"id": SITE, "type": contains("Profile"), "name": "Campus"},
    "validFrom": is_datetime,
    "name": nonempty,
    "credentialSubject": {
        "type": contains("AchievementSubject"),
        "identifier": [
            {
                "type": "IdentityObject",
                "identityHash": nonempty,
                "identityType": nonempty,
                "hashed": bool,
                "?salt": nonempty,
            }
        ],
        "achievement": {
            "id": nonempty,
            "type": contains("Achievement"),
            "achievementType": lambda v: v in {"Course", "Certificate"},
            "name": nonempty,
            "description": nonempty,
            "criteria": {"narrative": nonempty},
            "?alignment": [
                {
                    "type": contains("Alignment"),
                    "targetName": nonempty,
                    "targetCode": nonempty,
                    "targetFramework": "C2i2e 2011",
                    "targetUrl": lambda v: v.startswith(f"{SITE}/credentials/referentiels/"),
                }
            ],
            "?creditsAvailable": lambda v: isinstance(v, int | float) and v > 0,
        },
        "?result": [{"type": contains("Result"), "value": nonempty}],
        "?creditsEarned": lambda v: isinstance(v, int | float) and v > 0,
    },
    "?evidence": [{"id": nonempty, "type": contains("Evidence"), "name": nonempty}],
    "credentialStatus": {
        "id": lambda v: v.startswith(f"{SITE}/credentials/status/1#"),
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": lambda v: isinstance(v, str) and v.isdigit(),
        "statusListCredential": f"{SITE}/credentials/status/1",
    },
    "proof": {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-jcs-2022",
        "created": is_datetime,
        "verificationMethod": f"{SITE}/credentials/keys/k1#k1",
        "proofPurpose": "assertionMethod",
        "proofValue": lambda v: isinstance(v, str) and v.startswith("z"),
    },
}


# --- The document ---------------------------------------------------------------------------------


def test_credentials_module_document_has_the_open_badges_shape(learner):
    """A completed module issues as an OpenBadgeCredential with every OB 3.0 required field."""
    credential = issued(learner)
    document = credential.document
    assert_matches(document, OPEN_BADGE_CREDENTIAL)
    subject = document["credentialSubject"]
    achievement = subject["achievement"]
    assert document["id"] == f"urn:uuid:{credential.pk}"
    assert achievement["achievementType"] == "Course"
    assert achievement["creditsAvailable"] == subject["creditsEarned"] == 10.5
    assert [a["targetCode"] for a in achievement["alignment"]] == ["A.1-1", "B.2-3"]
    assert achievement["alignment"][0]["targetUrl"].endswith("/referentiels/c2i2e/#A.1-1")
    assert document["evidence"][0]["id"] == f"{SITE}/parcours/numerique-maths/"
    assert document["credentialStatus"]["statusListIndex"] == str(credential.status_index)
    assert subject["activityStartDate"].startswith("2026-09-16")


def test_credentials_certification_document_is_a_certificate_with_its_result(learner):
    """A certification issues as a Certificate carrying its result, without hours."""
    document = issued(learner, kind=EntryKind.CERTIFICATION).document
    assert_matches(document, OPEN_BADGE_CREDENTIAL)
    achievement = document["credentialSubject"]["achievement"]
    assert achievement["achievementType"] == "Certificate"
    assert achievement["id"] == f"{SITE}/credentials/referentiels/c2i2e/"
    assert document["credentialSubject"]["result"] == [{"type": ["Result"], "value": "Certifié"}]
    assert "creditsAvailable" not in achievement
    assert "evidence" not in document


def test_credentials_recipient_email_is_hashed_with_a_salt(learner):
    """The email is never in the credential: only sha256(email + salt), which it matches."""
    document = issued(learner).document
    text = json.dumps(document)
    assert learner.email not in text
    email_id = document["credentialSubject"]["identifier"][0]
    assert email_id["identityType"] == "emailAddress" and email_id["hashed"] is True
    assert email_id["identityHash"] == vc.identity_hash(learner.email, email_id["salt"])
    name_id = document["credentialSubject"]["identifier"][1]
    assert (name_id["identityType"], name_id["identityHash"]) == ("name", "Claire Martin")


# --- The proof ------------------------------------------------------------------------------------


def test_credentials_proof_verifies_the_w3c_eddsa_jcs_2022_test_vector():
    """Our eddsa-jcs-2022 verifies the specification's own signed example (and only it)."""
    # W3C vc-di-eddsa, TestVectors/eddsa-jcs-2022/signedJCS.json and keyPair.json.
    context = [
        "https://www.w3.org/ns/credentials/v2",
        "https://www.w3.org/ns/credentials/examples/v2",
    ]
    method = "https://vc.example/issuers/5678#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
    document = {
        "@context": context,
        "id": "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33",
        "type": ["VerifiableCredential", "AlumniCredential"],
        "name": "Alumni Credential",
        "description": "A minimum viable example of an Alumni Credential.",
        "issuer": "https://vc.example/issuers/5678",
        "validFrom": "2023-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:abcdefgh", "alumniOf": "The School of Examples"},
        "proof": {
            "type": "DataIntegrityProof",
            "cryptosuite": "eddsa-jcs-2022",
            "created": "2023-02-24T23:36:38Z",
            "verificationMethod": method,
            "proofPurpose": "assertionMethod",
            "@context": context,
            "proofValue": "z63t83Y53KfzJ5ZosfKTnqfMcKB2dmTrfjSaQjeNNjAD5srBowQfmWqeRb8rRjmeEuC"
            "BEsddF9LsVogtuTsijJKh4",
        },
    }
    keys = {method: vc.public_key_from_multibase(method.split("#")[1])}
    assert vc.proof_errors(document, keys) == []
    document["credentialSubject"]["alumniOf"] = "Another School"
    assert vc.proof_errors(document, keys) == [vc.SIGNATURE_INVALID]


def test_credentials_issued_credential_verifies(learner):
    """The issued credential verifies with the platform's keys, revocation checked."""
    result = services.credential_verify(issued(learner).document)
    assert result.valid, result.reasons
    assert result.status_checked


def _set_name(d):
    d["credentialSubject"]["identifier"][1]["identityHash"] = "Mallory"


def _set_achievement(d):
    d["credentialSubject"]["achievement"]["name"] = "Agrégation de mathématiques"


def _set_alignment(d):
    d["credentialSubject"]["achievement"]["alignment"][0]["targetCode"] = "B.4-3"


def _set_created(d):
    d["proof"]["created"] = "2020-01-01T00:00:00Z"


def _set_valid_from(d):
    d["validFrom"] = "2020-01-01T00:00:00Z"


def _set_credits(d):
    d["credentialSubject"]["creditsEarned"] = 60


def _set_context(d):
    d["@context"] = [*d["@context"], "https://example.org/other-context.json"]


@pytest.mark.parametrize(
    "tamper",
    [
        _set_name,
        _set_achievement,
        _set_alignment,
        _set_created,
        _set_valid_from,
        _set_credits,
        _set_context,
    ],
)
def test_credentials_tampered_credential_fails(learner, tamper):
    """Changing any signed field, the proof's own options included, breaks the signature."""
    document = copy.deepcopy(issued(learner).document)
    tamper(document)
    result = services.credential_verify(document)
    assert not result.valid
    assert result.codes == [vc.SIGNATURE_INVALID]


def test_credentials_signature_from_another_key_fails(learner):
    """Verified with another public key under the same method id, the proof fails."""
    document = issued(learner).document
    method = document["proof"]["verificationMethod"]
    other = vc.load_signing_keys({"x": SEED_OTHER}, debug=False, secret_key="")[0]
    result = vc.verify_credential(document, {method: other.public_key})
    assert result.codes == [vc.SIGNATURE_INVALID]


def test_credentials_unknown_key_fails(learner):
    """A proof naming a key the verifier does not hold is refused as unknown."""
    document = issued(learner).document
    result = vc.verify_credential(document, {f"{SITE}/credentials/keys/zz#zz": object()})
    assert result.codes == [vc.UNKNOWN_KEY]


def test_credentials_rotated_out_key_still_verifies(learner, credential_settings):
    """After rotation the new key signs, and credentials of the old one still verify."""
    credential_settings.CREDENTIAL_SIGNING_KEYS = {"k0": SEED_OLD}
    old = issued(learner)
    assert old.key_id == "k0"
    credential_settings.CREDENTIAL_SIGNING_KEYS = {"k1": SEED_NEW, "k0": SEED_OLD}
    new = issued(learner, source_key="tests.rotation:2")
    assert new.key_id == "k1"
    assert new.document["proof"]["verificationMethod"].endswith("/credentials/keys/k1#k1")
    assert services.credential_verify(old.document).valid
    assert services.credential_verify(new.document).valid
    credential_settings.CREDENTIAL_SIGNING_KEYS = {"k1": SEED_NEW}
    assert services.credential_verify(old.document).codes == [vc.UNKNOWN_KEY]


def test_credentials_validity_period_is_checked(learner):
    """A credential is refused before its validFrom and after its validUntil."""
    document = issued(learner).document
    keys = services.public_keys()
    before = vc.parse_datetime(document["validFrom"]) - dt.timedelta(days=1)
    assert vc.verify_credential(document, keys, now=before).codes == [vc.NOT_YET_VALID]
    key = services.signing_keys()[0]
    unsigned = {k: v for k, v in document.items() if k != "proof"}
    expiring = vc.sign(
        {**unsigned, "validUntil": "2027-01-01T00:00:00Z"},
        key=key,
        verification_method=services.verification_method(key.kid),
        created=timezone.now(),
    )
    after = dt.datetime(2027, 6, 1, tzinfo=dt.UTC)
    assert vc.verify_credential(expiring, keys, now=after).codes == [vc.EXPIRED]


@pytest.mark.parametrize(
    "document,fragment",
    [
        ([], "a JSON object"),
        ({"name": "x"}, "@context"),
        ({"@context": [vc.VC_CONTEXT, vc.OB3_CONTEXT]}, "type"),
    ],
)
def test_credentials_malformed_documents_are_explained(document, fragment):
    """What is not an OpenBadgeCredential is refused as malformed, saying what is wrong."""
    result = vc.verify_credential(document, {})
    assert not result.valid
    assert set(result.codes) == {vc.MALFORMED}
    assert any(fragment in reason for reason in result.reasons), result.reasons


def test_credentials_missing_achievement_criteria_is_malformed(learner):
    """An achievement without criteria is not OB 3.0, whatever its proof."""
    document = copy.deepcopy(issued(learner).document)
    del document["credentialSubject"]["achievement"]["criteria"]
    assert services.credential_verify(document).reasons == [
        f"{vc.MALFORMED}: achievement.criteria needs a narrative or an id"
    ]


# --- Status list ----------------------------------------------------------------------------------


def test_credentials_status_list_round_trip():
    """Encoded then decoded, the list has exactly the bits set, index 0 the left-most."""
    indexes = {0, 7, 8, 4242, 131_071}
    encoded = vc.encode_status_list(indexes)
    assert encoded.startswith("u")
    bits = vc.decode_status_list(encoded)
    assert len(bits) * 8 == vc.STATUS_LIST_MIN_BITS
    assert bits[0] == 0b1000_0001 and bits[1] == 0b1000_0000
    assert {i for i in range(len(bits) * 8) if vc.status_bit(bits, i)} == indexes


def test_credentials_status_list_grows_past_its_minimum():
    """An index past 131,071 makes the list longer rather than being lost."""
    bits = vc.decode_status_list(vc.encode_status_list([200_000]))
    assert vc.status_bit(bits, 200_000) and not vc.status_bit(bits, 199_999)
    with pytest.raises(IndexError):
        vc.status_bit(bits, len(bits) * 8)


@pytest.mark.parametrize("encoded", ["Hxyz", "u!!!", "u" + "QUJD"])
def test_credentials_status_list_refuses_what_is_not_one(encoded):
    """Not multibase, not base64url or not GZIP: decoding says so."""
    with pytest.raises(ValueError):
        vc.decode_status_list(encoded)


# --- Keys -----------------------------------------------------------------------------------------


def test_credentials_parse_signing_keys_refuses_bad_values():
    """Key configuration errors are named, and the order of the keys is kept."""
    assert list(vc.parse_signing_keys(f"k1:{SEED_NEW}, k0:{SEED_OLD}")) == ["k1", "k0"]
    for raw in ("k1", f"k 1:{SEED_NEW}", "k1:c2hvcnQ", f"k1:{SEED_NEW},k1:{SEED_OLD}"):
        with pytest.raises(ValueError):
            vc.parse_signing_keys(raw)


def test_credentials_development_key_is_derived_in_debug(credential_settings, learner):
    """Without keys, DEBUG derives a stable « dev » key from SECRET_KEY and issues with it."""
    credential_settings.CREDENTIAL_SIGNING_KEYS = {}
    credential_settings.DEBUG = True
    first, again = services.signing_keys(), services.signing_keys()
    assert [k.kid for k in first] == ["dev"]
    assert vc.public_key_multibase(first[0].public_key) == vc.public_key_multibase(
        again[0].public_key
    )
    credential = issued(learner)
    assert credential.key_id == "dev"
    assert services.credential_verify(credential.document).valid


def test_credentials_issuing_refused_without_key_in_production(credential_settings, learner):
    """DEBUG off and no key: issuing refuses with a clear message, and W001 warns."""
    credential_settings.CREDENTIAL_SIGNING_KEYS = {}
    credential_settings.DEBUG = False
    with pytest.raises(services.CredentialError, match="clé de signature"):
        issued(learner)
    assert [m.id for m in services.check_signing_keys()] == ["campus.W001"]
    credential_settings.CREDENTIAL_SIGNING_KEYS = {"k1": SEED_NEW}
    assert services.check_signing_keys() == []


def _check_deploy(extra: dict[str, str]) -> subprocess.CompletedProcess:
    from tests.campus.test_settings_env import PRODUCTION_ENV, _fresh_environment

    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "CREDENTIAL_SIGNING_KEYS"}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_fresh_environment({**env, **extra}),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_credentials_check_deploy_warns_only_without_key():
    """`check --deploy` reports campus.W001 without a signing key, nothing with one."""
    without = _check_deploy({})
    assert without.returncode != 0
    assert "campus.W001" in without.stderr + without.stdout
    with_key = _check_deploy({"CREDENTIAL_SIGNING_KEYS": f"k1:{SEED_NEW}"})
    assert with_key.returncode == 0, with_key.stderr
    assert "no issues" in with_key.stdout


# --- Issuing and revoking -------------------------------------------------------------------------


def test_credentials_issue_once_per_entry(learner):
    """Issuing an entry twice returns its credential; indexes are allocated in turn."""
    entry = make_entry(learner)
    first = services.credential_issue(actor=learner, entry=entry)
    assert services.credential_issue(actor=learner, entry=entry) == first
    second = issued(learner, source_key="tests.other:1")
    assert Credential.objects.count() == 2
    assert second.status_index == first.status_index + 1


@pytest.mark.parametrize("kind", [EntryKind.RESOURCE_PUBLISHED, EntryKind.REVIEW_COMPLETED])
def test_credentials_issue_refuses_other_kinds(learner, kind):
    """Only completed modules and certifications become badges."""
    with pytest.raises(services.CredentialError):
        issued(learner, kind=kind)


def test_credentials_issue_refuses_withdrawn_entry(learner):
    """A withdrawn entry cannot be issued."""
    with pytest.raises(services.CredentialError, match="retirée du dossier"):
        issued(learner, withdrawn_at=timezone.now())


def test_credentials_issue_refuses_someone_elses_entry(learner, trainer, admin):
    """Another teacher may not issue my entry; staff may, for me."""
    entry = make_entry(learner)
    with pytest.raises(PermissionDenied):
        services.credential_issue(actor=trainer, entry=entry)
    credential = services.credential_issue(actor=admin, entry=entry)
    assert credential.user == learner


def test_credentials_revoke_is_for_staff_only(learner, trainer, admin):
    """The holder and other teachers may not revoke; an administrator does, with a reason."""
    credential = issued(learner)
    for actor in (learner, trainer):
        with pytest.raises(PermissionDenied):
            services.credential_revoke(actor=actor, credential=credential, reason="Erreur")
    with pytest.raises(services.CredentialError):
        services.credential_revoke(actor=admin, credential=credential, reason="  ")
    revoked = services.credential_revoke(actor=admin, credential=credential, reason="Erreur")
    assert revoked.revoked_at is not None and revoked.revocation_reason == "Erreur"


def test_credentials_revoked_credential_fails_and_is_not_reissued(learner, admin):
    """Revoked: the status list bit is set, verification says so, the holder cannot reissue."""
    credential = issued(learner)
    services.credential_revoke(actor=admin, credential=credential, reason="Fraude")
    status_list = services.status_list_document()
    bits = vc.decode_status_list(status_list["credentialSubject"]["encodedList"])
    assert vc.status_bit(bits, credential.status_index)
    assert services.credential_verify(credential.document).codes == [vc.REVOKED]
    with pytest.raises(services.CredentialError, match="Fraude"):
        services.credential_issue(actor=learner, entry=credential.entry)


def test_credentials_withdrawn_entry_revokes_its_credentials(learner):
    """The record's withdrawal hook revokes the entry's credentials, once."""
    credential = issued(learner)
    assert services.credentials_revoke_for_entry(credential.entry, "Entrée retirée") == 1
    assert services.credentials_revoke_for_entry(credential.entry, "Entrée retirée") == 0
    credential.refresh_from_db()
    assert credential.revocation_reason == "Entrée retirée"
    assert services.credential_verify(credential.document).codes == [vc.REVOKED]


def test_credentials_status_list_altered_is_refused(learner, admin):
    """A status list altered to un-revoke a credential fails its proof: the result says so."""
    credential = issued(learner)
    services.credential_revoke(actor=admin, credential=credential, reason="Erreur")
    forged = services.status_list_document()
    forged["credentialSubject"]["encodedList"] = vc.encode_status_list([])
    result = vc.verify_credential(credential.document, services.public_keys(), status_list=forged)
    assert result.codes == [vc.STATUS_LIST_INVALID]


# --- The offline command --------------------------------------------------------------------------


@pytest.fixture
def files(tmp_path, learner, admin):
    """A valid and a revoked credential, the keys and the status list, written as files."""
    valid = issued(learner)
    revoked = issued(learner, source_key="tests.revoked:1")
    services.credential_revoke(actor=admin, credential=revoked, reason="Erreur")
    paths = {}
    for name, content in {
        "valid": valid.document,
        "revoked": revoked.document,
        "keys": services.keys_document(),
        "status": services.status_list_document(),
    }.items():
        paths[name] = tmp_path / f"{name}.json"
        paths[name].write_text(json.dumps(content), encoding="utf-8")
    return paths


def test_credentials_command_valid_exits_zero_without_database(
    files, capsys, django_assert_num_queries
):
    """A valid credential: exit status 0, a one-line « valid », no database query."""
    with django_assert_num_queries(0):
        call_command(
            "verify_credential",
            str(files["valid"]),
            keys=str(files["keys"]),
            status_list=str(files["status"]),
        )
    out = capsys.readouterr().out
    assert out.startswith("valid: ") and out.count("\n") == 1


@pytest.mark.parametrize("name,reason", [("revoked", "revoked"), ("tampered", "signature_invalid")])
def test_credentials_command_invalid_exits_one(files, capsys, name, reason):
    """Revoked or tampered: exit status 1 and a one-line reason."""
    if name == "tampered":
        document = json.loads(files["valid"].read_text())
        document["name"] = "Autre chose"
        files["tampered"] = files["valid"].with_name("tampered.json")
        files["tampered"].write_text(json.dumps(document))
    with pytest.raises(SystemExit) as exit_info:
        call_command(
            "verify_credential",
            str(files[name]),
            keys=str(files["keys"]),
            status_list=str(files["status"]),
        )
    assert exit_info.value.code == 1
    assert capsys.readouterr().err.strip() == f"invalid: {reason}"


def test_credentials_command_without_status_list_says_revocation_unchecked(files, capsys):
    """Without --status-list the signature is checked and the output says revocation was not."""
    call_command("verify_credential", str(files["revoked"]), keys=str(files["keys"]))
    assert "revocation not checked" in capsys.readouterr().out


def test_credentials_command_unreadable_json_exits_one(files, capsys, tmp_path):
    """A file that is not JSON is invalid (malformed), exit status 1."""
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify_credential", str(broken), keys=str(files["keys"]))
    assert exit_info.value.code == 1
    assert capsys.readouterr().err.startswith("invalid: malformed")


def test_credentials_concurrent_issues_get_distinct_indexes(reference_data):
    """Issues racing on PostgreSQL each get their own status index (the loser retries)."""
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers: no race to lose")
    holders = [UserFactory() for _ in range(4)]
    entries = [make_entry(holder, codes=()) for holder in holders]
    barrier = threading.Barrier(len(entries))
    errors: list[BaseException] = []

    def issue(holder, entry):
        try:
            barrier.wait()
            services.credential_issue(actor=holder, entry=entry)
        except BaseException as error:  # Reported by the assertion below.
            errors.append(error)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=issue, args=pair) for pair in zip(holders, entries, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(Credential.objects.values_list("status_index", flat=True)) == [0, 1, 2, 3]
