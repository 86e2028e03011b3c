"""Signed statements: checking the JWS of a signature attachment (xAPI 1.0.3 Data §2.6).

https://github.com/adlnet/xAPI-Spec/blob/master/xAPI-Data.md#26-signed-statements
The signature is an RFC 7515 JWS in compact serialization. The LRS must reject a signed
statement whose JWS is malformed, uses another algorithm than RS256/RS384/RS512, or whose
payload is not the statement itself (compared as statements are, Data §2.3.1). When the JWS
header carries an ``x5c`` certificate chain, the signature is verified with the first
certificate's public key (the spec makes x5c optional, and without it there is no key to
verify with: trust is then up to the consumer, as the spec says).
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from lrs.xapi.common import fail
from lrs.xapi.errors import XAPIValidationError
from lrs.xapi.statements import statements_equivalent, validate_statement

# Data §2.6: "The JWS signature MUST use an algorithm of RS256, RS384, or RS512."
ALGORITHMS = {"RS256": hashes.SHA256, "RS384": hashes.SHA384, "RS512": hashes.SHA512}


def _b64url(segment: str, path: str) -> bytes:
    """Decode one base64url segment of a compact JWS (padding optional)."""
    try:
        return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (binascii.Error, ValueError):
        fail(path, "is not base64url-encoded")


def _json_segment(segment: str, path: str) -> Any:
    try:
        return json.loads(_b64url(segment, path).decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        fail(path, "is not valid JSON")


def verify_statement_signature(token: bytes, statement: dict[str, Any], *, path: str) -> None:
    """Check that ``token`` is a valid JWS signing ``statement``; raise XAPIValidationError."""
    try:
        text = token.decode("ascii").strip()
    except UnicodeDecodeError:
        fail(path, "the signature is not a compact JWS (non-ASCII content)")
    segments = text.split(".")
    if len(segments) != 3 or not all(segments):
        fail(path, "the signature is not a compact JWS (header.payload.signature)")
    header = _json_segment(segments[0], f"{path}.header")
    if type(header) is not dict:
        fail(f"{path}.header", "must be a JSON object")
    algorithm = header.get("alg")
    if algorithm not in ALGORITHMS:
        fail(f"{path}.header.alg", f"must be RS256, RS384 or RS512, got {algorithm!r}")
    payload = _json_segment(segments[1], f"{path}.payload")
    # Data §2.6: the payload is "a valid JSON serialization of the complete Statement before
    # the signature was added", hence equivalent to the statement received.
    try:
        signed = validate_statement(payload, path=f"{path}.payload")
    except XAPIValidationError as exc:
        fail(f"{path}.payload", f"is not a valid statement ({exc})")
    if not statements_equivalent(signed, statement):
        fail(f"{path}.payload", "does not match the statement it signs")
    if "x5c" in header:
        _verify_with_x5c(header["x5c"], segments, ALGORITHMS[algorithm](), path)


def _verify_with_x5c(chain: object, segments: list[str], algorithm, path: str) -> None:
    """Verify the RSA signature with the public key of the first x5c certificate."""
    if type(chain) is not list or not chain or type(chain[0]) is not str:
        fail(f"{path}.header.x5c", "must be a non-empty array of base64 certificates")
    try:
        certificate = x509.load_der_x509_certificate(base64.b64decode(chain[0]))
    except (binascii.Error, ValueError):
        fail(f"{path}.header.x5c", "the first certificate cannot be read")
    public_key = certificate.public_key()
    if not isinstance(public_key, rsa.RSAPublicKey):
        fail(f"{path}.header.x5c", "the certificate's key is not an RSA key")
    signature = _b64url(segments[2], f"{path}.signature")
    signing_input = f"{segments[0]}.{segments[1]}".encode("ascii")
    try:
        public_key.verify(signature, signing_input, padding.PKCS1v15(), algorithm)
    except InvalidSignature:
        fail(f"{path}.signature", "does not verify with the x5c certificate's key")
