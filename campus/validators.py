"""Validators for French education identifiers."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_UAI = re.compile(r"^(\d{7})([A-Z])$")
# The UAI check letter is the 7-digit number modulo 23 read in this alphabet (no I, O, Q).
_UAI_KEYS = "ABCDEFGHJKLMNPRSTUVWXYZ"


def uai_check_letter(digits: str) -> str:
    """Return the check letter of a UAI's seven leading digits."""
    return _UAI_KEYS[int(digits) % 23]


def validate_uai(value: str) -> None:
    """Reject a UAI that is not 7 digits and a letter, or whose check letter is wrong."""
    match = _UAI.match((value or "").strip().upper())
    if not match:
        raise ValidationError(
            _("A UAI code is 7 digits followed by a letter, e.g. 0750655E."), code="uai_format"
        )
    digits, letter = match.groups()
    if uai_check_letter(digits) != letter:
        raise ValidationError(
            _("The check letter of this UAI code is wrong (expected %(letter)s)."),
            code="uai_checksum",
            params={"letter": uai_check_letter(digits)},
        )
