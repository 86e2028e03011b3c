"""Statements with attachments and signatures over HTTP (Data §2.4.11, §2.6; Comm. §1.5.2)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from lrs.models import Attachment
from lrs.multipart import build_multipart, parse_multipart
from tests.lrs.factories import statement

pytestmark = pytest.mark.django_db
URL = "/xapi/statements"
CONTENT = "Compte rendu de séance : tout s'est bien passé.".encode()
SIGNATURE = "http://adlnet.gov/expapi/attachments/signature"


def described(content: bytes, **extra) -> dict:
    """The attachment object describing ``content`` (text/plain)."""
    return {
        "usageType": "http://id.tincanapi.com/attachment/supporting_media",
        "display": {"fr-FR": "Compte rendu"},
        "contentType": "text/plain",
        "length": len(content),
        "sha2": hashlib.sha256(content).hexdigest(),
        **extra,
    }


def multipart_post(client, data, parts, *, encoding="binary", hash_override=None):
    """POST ``data`` and attachment ``parts`` (content_type, bytes) as multipart/mixed."""
    body_parts = [({"Content-Type": "application/json"}, json.dumps(data).encode())]
    for content_type, content in parts:
        headers = {
            "Content-Type": content_type,
            "Content-Transfer-Encoding": encoding,
            "X-Experience-API-Hash": hash_override or hashlib.sha256(content).hexdigest(),
        }
        body_parts.append((headers, content))
    body, boundary = build_multipart(body_parts)
    return client.post(URL, body, content_type=f"multipart/mixed; boundary={boundary}")


def test_api_statements_attachment_round_trip(lrs_client):
    """An attachment sent as a part is stored and returned with attachments=true."""
    sent = statement(attachments=[described(CONTENT)])
    assert multipart_post(lrs_client, sent, [("text/plain", CONTENT)]).status_code == 200
    assert bytes(Attachment.objects.get().content) == CONTENT
    plain = lrs_client.get(URL, {"statementId": sent["id"]})
    assert plain["Content-Type"].startswith("application/json")
    response = lrs_client.get(URL, {"statementId": sent["id"], "attachments": "true"})
    media_type, _, boundary = response["Content-Type"].partition("; boundary=")
    assert media_type == "multipart/mixed"
    parts = parse_multipart(response.content, boundary)
    assert json.loads(parts[0].content)["id"] == sent["id"]
    assert parts[1].content == CONTENT
    assert parts[1].headers["x-experience-api-hash"] == hashlib.sha256(CONTENT).hexdigest()


def test_api_statements_attachment_file_url_needs_no_part(lrs_client):
    """An attachment with a fileUrl may come as plain JSON; one without needs its part."""
    with_url = statement(attachments=[described(CONTENT, fileUrl="https://example.org/cr.txt")])
    post = lrs_client.post(URL, json.dumps(with_url), content_type="application/json")
    assert post.status_code == 200
    without = statement(attachments=[described(CONTENT)])
    post = lrs_client.post(URL, json.dumps(without), content_type="application/json")
    assert post.status_code == 400


@pytest.mark.parametrize(
    ("case", "kwargs"),
    [
        ("hash mismatch", {"hash_override": "0" * 64}),
        ("not binary", {"encoding": "base64"}),
    ],
)
def test_api_statements_attachment_bad_parts_are_refused(lrs_client, case, kwargs):
    """A part whose hash or transfer encoding is wrong is a 400, and nothing is stored."""
    sent = statement(attachments=[described(CONTENT)])
    response = multipart_post(lrs_client, sent, [("text/plain", CONTENT)], **kwargs)
    assert response.status_code == 400, case
    assert not Attachment.objects.exists()


def test_api_statements_attachment_excess_part_is_refused(lrs_client):
    """A part no statement declares is a 400."""
    sent = statement(attachments=[described(CONTENT)])
    parts = [("text/plain", CONTENT), ("text/plain", b"stray")]
    assert multipart_post(lrs_client, sent, parts).status_code == 400


def _rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def sign(payload: dict, key, alg: str = "RS256", *, x5c: list[str] | None = None) -> bytes:
    """A compact JWS of ``payload`` signed with ``key``."""
    header = {"alg": alg, **({"x5c": x5c} if x5c else {})}
    signing_input = (
        f"{_b64url(json.dumps(header).encode())}.{_b64url(json.dumps(payload).encode())}"
    )
    algorithm = {"RS256": hashes.SHA256, "RS384": hashes.SHA384, "RS512": hashes.SHA512}
    digest = algorithm.get(alg, hashes.SHA256)()
    signature = key.sign(signing_input.encode(), padding.PKCS1v15(), digest)
    return f"{signing_input}.{_b64url(signature)}".encode()


def _certificate(key) -> str:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Campus test signer")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    return base64.b64encode(certificate.public_bytes(serialization.Encoding.DER)).decode()


def signed_post(client, unsigned: dict, jws: bytes):
    """POST ``unsigned`` with ``jws`` as its signature attachment."""
    sent = {
        **unsigned,
        "attachments": [
            {
                "usageType": SIGNATURE,
                "display": {"en-US": "signature"},
                "contentType": "application/octet-stream",
                "length": len(jws),
                "sha2": hashlib.sha256(jws).hexdigest(),
            }
        ],
    }
    return multipart_post(client, sent, [("application/octet-stream", jws)])


@pytest.mark.parametrize("alg", ["RS256", "RS384", "RS512"])
def test_api_statements_signed_with_rs_algorithms_are_accepted(lrs_client, alg):
    """A statement signed with RS256/384/512 over its own content is stored."""
    unsigned = statement()
    assert signed_post(lrs_client, unsigned, sign(unsigned, _rsa_key(), alg)).status_code == 200


def test_api_statements_signed_with_other_content_or_alg_is_refused(lrs_client):
    """A JWS over other content, with another alg, or not a JWS at all is a 400."""
    key = _rsa_key()
    unsigned = statement()
    other = statement(id=unsigned["id"], verb={"id": "http://adlnet.gov/expapi/verbs/failed"})
    assert signed_post(lrs_client, unsigned, sign(other, key)).status_code == 400
    header = _b64url(json.dumps({"alg": "HS256"}).encode())
    forged = f"{header}.{_b64url(json.dumps(unsigned).encode())}.c2ln".encode()
    assert signed_post(lrs_client, unsigned, forged).status_code == 400
    assert signed_post(lrs_client, unsigned, b"not a jws").status_code == 400


def test_api_statements_signed_with_x5c_is_verified(lrs_client):
    """With an x5c certificate, the signature must verify with the certificate's key."""
    key, impostor = _rsa_key(), _rsa_key()
    unsigned = statement()
    good = sign(unsigned, key, x5c=[_certificate(key)])
    assert signed_post(lrs_client, unsigned, good).status_code == 200
    unsigned = statement()
    bad = sign(unsigned, impostor, x5c=[_certificate(key)])
    assert signed_post(lrs_client, unsigned, bad).status_code == 400
