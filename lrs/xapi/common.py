"""Shared xAPI 1.0.3 data types: IRIs, UUIDs, language maps, timestamps, durations, etc.

Every ``check_*`` helper takes the value and its path, returns the (possibly typed) value and
raises :class:`~lrs.xapi.errors.XAPIValidationError` when the value breaks the rule.  They are
written for speed: compiled module-level regular expressions, no copies, small caches.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, NoReturn

from lrs.xapi.errors import XAPIValidationError

JSONObject = dict[str, Any]


def fail(path: str, message: str) -> NoReturn:
    """Raise an :class:`XAPIValidationError` for ``path``."""
    raise XAPIValidationError(path, message)


def json_type(value: object) -> str:
    """Return the JSON type name of a parsed JSON value, for error messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


# --- Objects and plain JSON types ------------------------------------------------------------


def check_object(value: object, path: str, allowed: frozenset[str]) -> JSONObject:
    """Check that ``value`` is a JSON object whose keys are all in ``allowed`` and not null."""
    if type(value) is not dict:
        fail(path, f"must be an object, got {json_type(value)}")
    # Fast path (C-level set and container operations); the loops below only run on errors.
    if not allowed.issuperset(value):
        for key in value:
            # xAPI 1.0.3 §2.2 Formatting Requirements: reject keys not allowed by the spec and
            # keys whose case does not match (keys are compared case-sensitively).
            if key not in allowed:
                fail(f"{path}.{key}", _unknown_key_message(key, allowed))
    if None in value.values():
        for key, item in value.items():
            # xAPI 1.0.3 §2.2: reject any null value (except inside extensions).
            if item is None:
                fail(f"{path}.{key}", "must not be null")
    return value


def _unknown_key_message(key: str, allowed: frozenset[str]) -> str:
    for candidate in allowed:
        if candidate.lower() == key.lower():
            return f"unknown property {key!r} (names are case-sensitive: use {candidate!r})"
    return f"unknown property {key!r}; allowed here: {', '.join(sorted(allowed))}"


def require(obj: Mapping[str, Any], key: str, path: str) -> Any:
    """Return ``obj[key]``, failing with a 'required' message when it is missing."""
    try:
        return obj[key]
    except KeyError:
        fail(f"{path}.{key}", "is required")


def check_string(value: object, path: str) -> str:
    """Check that ``value`` is a JSON string."""
    if type(value) is not str:
        fail(path, f"must be a string, got {json_type(value)}")
    return value


def check_bool(value: object, path: str) -> bool:
    """Check that ``value`` is a JSON boolean (strings such as "true" are rejected)."""
    # xAPI 1.0.3 §2.2: reject strings where booleans are required.
    if type(value) is not bool:
        fail(path, f"must be a boolean, got {json_type(value)}")
    return value


def check_number(value: object, path: str) -> float | int:
    """Check that ``value`` is a JSON number (booleans and numeric strings are rejected)."""
    # xAPI 1.0.3 §2.2: reject strings where numbers are required, even if they contain numbers.
    if type(value) not in (int, float):
        fail(path, f"must be a number, got {json_type(value)}")
    if value != value or value in (float("inf"), float("-inf")):  # NaN / Infinity are not JSON
        fail(path, "must be a finite number")
    return value  # type: ignore[return-value]


def check_integer(value: object, path: str) -> int:
    """Check that ``value`` is a JSON integer (``27`` or ``27.0``)."""
    if type(value) is int:
        return value
    if type(value) is float and value.is_integer():
        return int(value)
    fail(path, f"must be an integer, got {json_type(value)}")


def check_list(value: object, path: str) -> list[Any]:
    """Check that ``value`` is a JSON array."""
    if type(value) is not list:
        fail(path, f"must be an array, got {json_type(value)}")
    return value


# --- IRIs, IRLs, mailto ------------------------------------------------------------------------

# RFC 3987 / RFC 3986: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":" then a non-empty
# remainder without whitespace, controls or the characters IRIs never allow (< > " { } | \ ^ `).
_IRI_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`\x00-\x1f\x7f]+\Z")
_MAILTO_RE = re.compile(r"mailto:[^@\s<>\"(),:;\[\]\\]+@[^@\s<>\"(),:;\[\]\\]+\Z")
_SHA1_RE = re.compile(r"[0-9a-fA-F]{40}\Z")


_KNOWN_IRIS: set[str] = set()
_KNOWN_IRIS_MAX = 20_000


def is_iri(value: object) -> bool:
    """Return whether ``value`` is a string holding an absolute IRI (a scheme is required)."""
    if type(value) is not str:
        return False
    if value in _KNOWN_IRIS:
        return True
    if _IRI_RE.match(value) is None:
        return False
    if len(_KNOWN_IRIS) < _KNOWN_IRIS_MAX:
        # Verb, Activity and extension IRIs repeat constantly: remember the valid ones.
        _KNOWN_IRIS.add(value)
    return True


def check_iri(value: object, path: str) -> str:
    """Check that ``value`` is an absolute IRI."""
    # xAPI 1.0.3 §2.2: reject IRI values without a scheme, or the empty string, where an IRI is
    # required.  Best-effort validation of the remainder is allowed (§2.2 "MAY use best-effort").
    if type(value) is not str:
        fail(path, f"must be an IRI string, got {json_type(value)}")
    if value in _KNOWN_IRIS:
        return value
    if not is_iri(value):
        fail(path, f"must be an absolute IRI with a scheme (e.g. 'https://...'), got {value!r}")
    return value


def check_irl(value: object, path: str) -> str:
    """Check that ``value`` is an IRL (a locatable IRI; validated as an absolute IRI)."""
    # xAPI 1.0.3 §2.2: IRLs without a scheme are rejected (an IRL is an IRI that resolves).
    if type(value) is not str:
        fail(path, f"must be an IRL string, got {json_type(value)}")
    if not is_iri(value):
        fail(path, f"must be an absolute IRL with a scheme (e.g. 'https://...'), got {value!r}")
    return value


def check_mailto(value: object, path: str) -> str:
    """Check that ``value`` is a ``mailto:`` IRI holding one e-mail address."""
    # xAPI 1.0.3 §2.4.2.3 Inverse Functional Identifier: mbox is "mailto:email address".
    if type(value) is not str:
        fail(path, f"must be a 'mailto:' IRI string, got {json_type(value)}")
    if not value.startswith("mailto:"):
        fail(path, f"mbox must be a 'mailto:' IRI, got {value!r}")
    if _MAILTO_RE.match(value) is None:
        fail(path, f"mbox must be 'mailto:' followed by an e-mail address, got {value!r}")
    return value


def check_sha1_hex(value: object, path: str) -> str:
    """Check that ``value`` is a hex-encoded SHA-1 digest (40 hexadecimal characters)."""
    # xAPI 1.0.3 §2.4.2.3: mbox_sha1sum is the hex-encoded SHA1 hash of a mailto IRI.
    if type(value) is not str:
        fail(path, f"must be a string, got {json_type(value)}")
    if _SHA1_RE.match(value) is None:
        fail(path, "must be a hex-encoded SHA-1 hash (40 hexadecimal characters)")
    return value


# --- UUIDs ----------------------------------------------------------------------------------------

_UUID_RE = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z"
)


def is_uuid(value: object) -> bool:
    """Return whether ``value`` is a UUID in the RFC 4122 standard string form."""
    return type(value) is str and _UUID_RE.match(value) is not None


def check_uuid(value: object, path: str) -> str:
    """Check that ``value`` is a UUID in standard string form (8-4-4-4-12 hex digits)."""
    # xAPI 1.0.3 §4.4 UUIDs: UUIDs MUST be in the standard string form (RFC 4122).
    if type(value) is not str:
        fail(path, f"must be a UUID string, got {json_type(value)}")
    if _UUID_RE.match(value) is None:
        fail(path, f"must be a UUID in standard form (8-4-4-4-12 hex digits), got {value!r}")
    return value


# --- Language tags and language maps ---------------------------------------------------------

# RFC 5646 §2.1 ABNF, written as one regular expression (case-insensitive).
_LANGTAG = (
    r"(?:[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{4}|[a-z]{5,8})"  # language [-extlang]
    r"(?:-[a-z]{4})?"  # script
    r"(?:-(?:[a-z]{2}|[0-9]{3}))?"  # region
    r"(?:-(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*"  # variants
    r"(?:-[a-wyz0-9](?:-[a-z0-9]{2,8})+)*"  # extensions
    r"(?:-x(?:-[a-z0-9]{1,8})+)?"  # private use
)
_IRREGULAR = (
    r"en-gb-oed|i-ami|i-bnn|i-default|i-enochian|i-hak|i-klingon|i-lux|i-mingo|i-navajo|i-pwn"
    r"|i-tao|i-tay|i-tsu|sgn-be-fr|sgn-be-nl|sgn-ch-de"
)
_LANGUAGE_TAG_RE = re.compile(
    rf"(?:{_LANGTAG}|x(?:-[a-z0-9]{{1,8}})+|{_IRREGULAR})\Z", re.IGNORECASE | re.ASCII
)
_KNOWN_TAGS: set[str] = set()
_KNOWN_TAGS_MAX = 4096


def is_language_tag(value: object) -> bool:
    """Return whether ``value`` is a well-formed RFC 5646 language tag."""
    if type(value) is not str:
        return False
    if value in _KNOWN_TAGS:
        return True
    if _LANGUAGE_TAG_RE.match(value) is None:
        return False
    if len(_KNOWN_TAGS) < _KNOWN_TAGS_MAX:
        _KNOWN_TAGS.add(value)
    return True


def check_language_tag(value: object, path: str) -> str:
    """Check that ``value`` is an RFC 5646 language tag (e.g. ``fr-FR``)."""
    # xAPI 1.0.3 §2.2: the LRS MUST at least validate that the sequence of token lengths of
    # language tags matches RFC 5646.
    if type(value) is not str:
        fail(path, f"must be an RFC 5646 language tag string, got {json_type(value)}")
    if not is_language_tag(value):
        fail(path, f"{value!r} is not a valid RFC 5646 language tag")
    return value


def check_language_map(value: object, path: str) -> JSONObject:
    """Check that ``value`` is a language map: RFC 5646 tags mapped to strings."""
    # xAPI 1.0.3 §4.2 Language Maps: keys are RFC 5646 language tags, values are strings.
    if type(value) is not dict:
        fail(path, f"must be a language map object, got {json_type(value)}")
    for tag, text in value.items():
        if tag not in _KNOWN_TAGS and not is_language_tag(tag):
            fail(f"{path}.{tag}", f"{tag!r} is not a valid RFC 5646 language tag")
        if type(text) is not str:
            fail(f"{path}.{tag}", f"language map values must be strings, got {json_type(text)}")
    return value


# --- Timestamps ----------------------------------------------------------------------------------

_TIMESTAMP_RE = re.compile(
    r"(?P<y>\d{4})(?P<dsep>-?)(?P<mo>\d{2})(?P=dsep)(?P<d>\d{2})"
    r"T(?P<h>\d{2})(?:(?P<tsep>:?)(?P<mi>\d{2})(?:(?P=tsep)(?P<s>\d{2})(?:[.,](?P<f>\d+))?)?)?"
    r"(?P<tz>Z|(?P<sign>[+-])(?P<oh>\d{2})(?::?(?P<om>\d{2}))?)?\Z",
    re.ASCII,
)


def parse_timestamp(value: object, path: str) -> datetime:
    """Parse an ISO 8601 combined date and time into an aware ``datetime``.

    A timestamp without a time zone is taken to be UTC.  Raises XAPIValidationError when
    ``value`` is not an ISO 8601 date-time.
    """
    # xAPI 1.0.3 §4.5 ISO 8601 Timestamps: a Timestamp MUST be formatted according to ISO 8601
    # (combined date and time representation, extended or basic format).
    if type(value) is not str:
        fail(path, f"must be an ISO 8601 timestamp string, got {json_type(value)}")
    match = _TIMESTAMP_RE.match(value)
    if match is None:
        fail(path, f"must be an ISO 8601 date and time (e.g. 2024-09-02T08:30:00Z), got {value!r}")
    sign, hours, minutes = match.group("sign", "oh", "om")
    # ISO 8601 / RFC 3339 §4.3: a negative zero offset (-00, -0000, -00:00) means "unknown local
    # offset" and is not a valid time zone designator; the conformance suite rejects it.
    if sign == "-" and hours == "00" and minutes in (None, "00"):
        fail(path, f"a negative zero UTC offset is not allowed (use Z or +00:00): {value!r}")
    try:
        # The regular expression fixed the shape; fromisoformat (C code) checks the ranges.
        moment = datetime.fromisoformat(value)
    except ValueError:
        fail(path, f"is not a valid date and time: {value!r}")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment


def check_timestamp(value: object, path: str) -> str:
    """Check that ``value`` is an ISO 8601 timestamp string and return it unchanged."""
    parse_timestamp(value, path)
    return value  # type: ignore[return-value]


def format_timestamp(moment: datetime) -> str:
    """Serialize an aware datetime as an RFC 3339 UTC timestamp with millisecond precision."""
    # xAPI 1.0.3 §4.5: the LRS SHOULD* return timestamps in UTC, with at least millisecond
    # precision.
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


# --- Durations -------------------------------------------------------------------------------

_NUM = r"\d+(?:[.,]\d+)?"
_DURATION_RE = re.compile(
    rf"P(?:{_NUM}W|(?=\d|T\d)(?:{_NUM}Y)?(?:{_NUM}M)?(?:{_NUM}D)?"
    rf"(?:T(?=\d)(?:{_NUM}H)?(?:{_NUM}M)?(?:{_NUM}S)?)?)\Z",
    re.ASCII,
)


def check_duration(value: object, path: str) -> str:
    """Check that ``value`` is an ISO 8601 duration such as ``PT1H30M`` or ``P4W``."""
    # xAPI 1.0.3 §4.6 ISO 8601 Durations: the format of ISO 8601:2004(E) §4.4.3.2 (PnYnMnDTnHnMnS
    # or PnW); the alternative format of §4.4.3.3 MUST NOT be used.  Weeks cannot be combined.
    if type(value) is not str:
        fail(path, f"must be an ISO 8601 duration string, got {json_type(value)}")
    if _DURATION_RE.match(value) is None:
        fail(path, f"must be an ISO 8601 duration (e.g. PT1H30M or P4W), got {value!r}")
    return value


# --- Extensions, media types, hashes ---------------------------------------------------------


def check_extensions(value: object, path: str) -> JSONObject:
    """Check an extensions map: an object whose keys are IRIs; values are not inspected."""
    # xAPI 1.0.3 §4.1 Extensions: the keys of an extensions map MUST be IRIs; the LRS MUST NOT
    # reject a Statement based on the values (null, "", {} are all accepted).
    if type(value) is not dict:
        fail(path, f"must be an extensions object, got {json_type(value)}")
    for key in value:
        if key not in _KNOWN_IRIS and not is_iri(key):
            fail(f"{path}.{key}", f"extension keys must be absolute IRIs, got {key!r}")
    return value


_TOKEN = r"[A-Za-z0-9!#$%&'*+.^_`|~-]+"  # noqa: S105 (an RFC 7230 token, not a password)
_MIME_RE = re.compile(
    rf"{_TOKEN}/{_TOKEN}(?:[ \t]*;[ \t]*{_TOKEN}=(?:{_TOKEN}|\"(?:[^\"\\]|\\.)*\"))*[ \t]*;?\Z",
    re.ASCII,
)


def check_mime_type(value: object, path: str) -> str:
    """Check that ``value`` is an Internet media type such as ``text/plain; charset=utf-8``."""
    # xAPI 1.0.3 §2.4.11 Attachments: contentType is an Internet Media Type (RFC 2046).
    if type(value) is not str:
        fail(path, f"must be an Internet media type string, got {json_type(value)}")
    if _MIME_RE.match(value) is None:
        fail(path, f"must be an Internet media type (e.g. 'application/pdf'), got {value!r}")
    return value


_SHA2_RE = re.compile(r"(?:[0-9a-fA-F]{56}|[0-9a-fA-F]{64}|[0-9a-fA-F]{96}|[0-9a-fA-F]{128})\Z")


def check_sha2(value: object, path: str) -> str:
    """Check that ``value`` is a hex SHA-2 digest (SHA-224/256/384/512)."""
    # xAPI 1.0.3 §2.4.11 Attachments: sha2 is the SHA-2 hash of the attachment data.
    if type(value) is not str:
        fail(path, f"must be a SHA-2 hex string, got {json_type(value)}")
    if _SHA2_RE.match(value) is None:
        fail(path, "must be a hex-encoded SHA-2 hash (56, 64, 96 or 128 hexadecimal characters)")
    return value
