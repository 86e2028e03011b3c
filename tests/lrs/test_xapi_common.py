"""Tests for lrs.xapi.common: IRIs, UUIDs, language tags, timestamps, durations, etc."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from lrs.xapi import common
from lrs.xapi.errors import XAPIValidationError


def test_xapi_error_str_is_path_and_message():
    """XAPIValidationError exposes path and message and renders as 'path: message'."""
    error = XAPIValidationError("statement[3].actor.mbox", "mbox must be a 'mailto:' IRI")
    assert error.path == "statement[3].actor.mbox"
    assert error.message == "mbox must be a 'mailto:' IRI"
    assert str(error) == "statement[3].actor.mbox: mbox must be a 'mailto:' IRI"


@pytest.mark.parametrize(
    "value",
    [
        "https://campus.example.fr/parcours/differenciation",
        "http://adlnet.gov/expapi/verbs/completed",
        "urn:uuid:6690e6c9-3ef0-4ed3-8b37-7f3964730bee",
        "https://campus.example.fr/ressources/écrire-au-cycle-3",
        "tag:campus.example.fr,2024:formation",
    ],
)
def test_xapi_iri_accepts_absolute_iris(value):
    """Absolute IRIs with a scheme, including non-ASCII characters, are accepted."""
    assert common.check_iri(value, "p") == value


@pytest.mark.parametrize(
    "value",
    [
        "",
        "campus.example.fr/parcours",
        "not.a.valid.iri.com/verb",
        "ab=c://should.fail.com",
        "https://campus.example.fr/a b",
        "1http://campus.example.fr",
        "https:",
        12345,
    ],
)
def test_xapi_iri_rejects_values_without_scheme(value):
    """Values without a valid scheme, empty strings, whitespace and non-strings are rejected."""
    with pytest.raises(XAPIValidationError) as caught:
        common.check_iri(value, "statement.verb.id")
    assert caught.value.path == "statement.verb.id"


def test_xapi_irl_rejects_missing_scheme():
    """An IRL (e.g. moreInfo) needs a scheme too."""
    assert common.check_irl("https://campus.example.fr/aide", "p")
    with pytest.raises(XAPIValidationError):
        common.check_irl("campus.example.fr/aide", "p")


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("mailto:claire.martin@ac-lyon.fr", True),
        ("mailto:claire.martin+formation@ac-lyon.fr", True),
        ("claire.martin@ac-lyon.fr", False),
        ("mailto:ac-lyon.fr", False),
        ("http://ac-lyon.fr", False),
        ("mailto:claire martin@ac-lyon.fr", False),
    ],
)
def test_xapi_mailto_requires_mailto_email(value, ok):
    """mbox must be 'mailto:' followed by one e-mail address."""
    if ok:
        assert common.check_mailto(value, "p") == value
    else:
        with pytest.raises(XAPIValidationError):
            common.check_mailto(value, "p")


def test_xapi_sha1_requires_40_hex_characters():
    """mbox_sha1sum must be 40 hexadecimal characters."""
    assert common.check_sha1_hex("cd9b00a5611f94eaa7b1661edab976068e364975", "p")
    for bad in ("cd9b00a5611f94eaa7b1661edab976068e36497", "zz" * 20, {"key": "value"}):
        with pytest.raises(XAPIValidationError):
            common.check_sha1_hex(bad, "p")


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("6690e6c9-3ef0-4ed3-8b37-7f3964730bee", True),
        ("AA97B177-9383-4934-8543-0F91A7A02836", True),
        ("AA97B177-9383-4934-8543-0F91A7A028368", False),
        ("MA97B177-9383-4934-8543-0F91A7A02836", False),
        ("6690e6c93ef04ed38b377f3964730bee", False),
        ("", False),
        (12345, False),
    ],
)
def test_xapi_uuid_requires_standard_string_form(value, ok):
    """UUIDs must be in the 8-4-4-4-12 hexadecimal string form."""
    if ok:
        assert common.check_uuid(value, "p") == value
    else:
        with pytest.raises(XAPIValidationError):
            common.check_uuid(value, "p")


@pytest.mark.parametrize(
    "tag", ["fr", "fr-FR", "en-GB", "zh-Hant-TW", "es-419", "sgn-BE-FR", "x-campus", "de-CH-1996"]
)
def test_xapi_language_tag_accepts_rfc5646_tags(tag):
    """Well-formed RFC 5646 language tags are accepted."""
    assert common.check_language_tag(tag, "p") == tag


@pytest.mark.parametrize("tag", ["a12345678", "something", "fr_FR", "", "fr-", "f", 12])
def test_xapi_language_tag_rejects_malformed_tags(tag):
    """Tags whose subtag lengths do not follow RFC 5646 are rejected."""
    with pytest.raises(XAPIValidationError):
        common.check_language_tag(tag, "p")


def test_xapi_language_map_requires_tags_and_strings():
    """A language map maps RFC 5646 tags to strings."""
    assert common.check_language_map({"fr-FR": "a terminé", "en": "completed"}, "p")
    with pytest.raises(XAPIValidationError) as caught:
        common.check_language_map({"a12345678": "x"}, "verb.display")
    assert caught.value.path == "verb.display.a12345678"
    for bad in ("a terminé", {"fr-FR": 3}, {"fr-FR": None}, ["fr-FR"]):
        with pytest.raises(XAPIValidationError):
            common.check_language_map(bad, "p")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-09-02T08:30:00Z", datetime(2024, 9, 2, 8, 30, tzinfo=UTC)),
        ("2024-09-02T10:30:00.123+02:00", datetime(2024, 9, 2, 8, 30, 0, 123000, tzinfo=UTC)),
        ("2024-09-02T10:30:00+0200", datetime(2024, 9, 2, 8, 30, tzinfo=UTC)),
        ("2024-09-02T03:30:00-05", datetime(2024, 9, 2, 8, 30, tzinfo=UTC)),
        ("20240902T083000Z", datetime(2024, 9, 2, 8, 30, tzinfo=UTC)),
        ("2024-09-02T08:30:00", datetime(2024, 9, 2, 8, 30, tzinfo=UTC)),
    ],
)
def test_xapi_timestamp_parses_iso8601(value, expected):
    """ISO 8601 date-times (extended or basic, any offset, or none = UTC) are accepted."""
    assert common.parse_timestamp(value, "p") == expected
    assert common.check_timestamp(value, "p") == value


@pytest.mark.parametrize(
    "value",
    [
        "should fail",
        "01/011/2015",
        "2008-09-15T15:53:00.601-00",
        "2008-09-15T15:53:00.601-0000",
        "2008-09-15T15:53:00.601-00:00",
        "2024-02-30T08:30:00Z",
        "2024-09-02",
        "2024-09-02 08:30:00Z",
        1725265800,
    ],
)
def test_xapi_timestamp_rejects_invalid_values(value):
    """Non ISO 8601 values, impossible dates and negative zero offsets are rejected."""
    with pytest.raises(XAPIValidationError):
        common.parse_timestamp(value, "statement.timestamp")


def test_xapi_timestamp_format_is_utc_milliseconds():
    """format_timestamp renders UTC with millisecond precision."""
    moment = datetime(2024, 9, 2, 10, 30, 0, 123456, tzinfo=timezone(timedelta(hours=2)))
    assert common.format_timestamp(moment) == "2024-09-02T08:30:00.123Z"


@pytest.mark.parametrize(
    "value", ["PT1H0M0.1S", "PT4H35M59.14S", "PT16559.14S", "P3Y1M29DT4H35M59.14S", "P3Y", "P4W"]
)
def test_xapi_duration_accepts_iso8601_durations(value):
    """ISO 8601 durations (including weeks on their own) are accepted."""
    assert common.check_duration(value, "p") == value


@pytest.mark.parametrize(
    "value", ["PA1H0M0S", "P4W1D", "P", "PT", "P1DT", "P0003-01-29T04:35:59", "45 min", 12345]
)
def test_xapi_duration_rejects_invalid_values(value):
    """Malformed durations, week mixes and the alternative format are rejected."""
    with pytest.raises(XAPIValidationError):
        common.check_duration(value, "p")


def test_xapi_extensions_keys_must_be_iris():
    """Extension keys must be IRIs while any value, even null, is accepted."""
    ext = {"https://campus.example.fr/xapi/ext/academie": None, "https://campus.example.fr/x": {}}
    assert common.check_extensions(ext, "p") is ext
    with pytest.raises(XAPIValidationError) as caught:
        common.check_extensions({"example.com/extension/wrong": 1}, "result.extensions")
    assert caught.value.path == "result.extensions.example.com/extension/wrong"


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("application/pdf", True),
        ("text/plain; charset=ascii", True),
        ('multipart/mixed; boundary="abc def"', True),
        ("pdf", False),
        ("text /plain", False),
        (12345, False),
    ],
)
def test_xapi_mime_type_requires_type_slash_subtype(value, ok):
    """contentType must be an Internet media type."""
    if ok:
        assert common.check_mime_type(value, "p") == value
    else:
        with pytest.raises(XAPIValidationError):
            common.check_mime_type(value, "p")


def test_xapi_sha2_requires_hex_digest():
    """sha2 must be a SHA-224/256/384/512 hex digest."""
    assert common.check_sha2(
        "495395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a", "p"
    )
    for bad in ("495395e7", 12345, "g" * 64):
        with pytest.raises(XAPIValidationError):
            common.check_sha2(bad, "p")


def test_xapi_check_object_rejects_unknown_and_null_keys():
    """Objects reject unknown keys (case-sensitively) and null values."""
    allowed = frozenset({"id", "display"})
    assert common.check_object({"id": "x"}, "verb", allowed)
    with pytest.raises(XAPIValidationError, match="case-sensitive"):
        common.check_object({"ID": "x"}, "verb", allowed)
    with pytest.raises(XAPIValidationError, match="must not be null") as caught:
        common.check_object({"id": None}, "verb", allowed)
    assert caught.value.path == "verb.id"


def test_xapi_numbers_and_booleans_are_strictly_typed():
    """Numeric strings, booleans-as-numbers and boolean strings are rejected."""
    assert common.check_number(0.5, "p") == 0.5
    assert common.check_bool(False, "p") is False
    for bad in ("17", True, None):
        with pytest.raises(XAPIValidationError):
            common.check_number(bad, "p")
    with pytest.raises(XAPIValidationError):
        common.check_bool("true", "p")
