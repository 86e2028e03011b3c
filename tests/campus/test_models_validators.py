"""UAI codes are 7 digits and a check letter."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from campus.validators import uai_check_letter, validate_uai


@pytest.mark.parametrize("uai", ["0750655E", "0690026D", "0750654d"])
def test_models_uai_valid_codes_pass(uai):
    """Real UAI codes (Louis-le-Grand, Lycée du Parc, Henri-IV) are accepted in any case."""
    validate_uai(uai)


@pytest.mark.parametrize(
    "uai,code",
    [("0750655F", "uai_checksum"), ("075065E", "uai_format"), ("ABCDEFGH", "uai_format")],
)
def test_models_uai_invalid_codes_fail(uai, code):
    """Wrong check letters and malformed codes are refused with a precise code."""
    with pytest.raises(ValidationError) as excinfo:
        validate_uai(uai)
    assert excinfo.value.code == code


def test_models_uai_check_letter_skips_i_o_q():
    """The check alphabet has 23 letters, without I, O and Q."""
    letters = {uai_check_letter(f"{n:07d}") for n in range(23)}
    assert len(letters) == 23
    assert not letters & {"I", "O", "Q"}
