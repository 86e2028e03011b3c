"""The certification rule: at least 23 of the 28 C2i2e items, at most 2 short per competence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from campus.models import ValidationStatus
from campus.selectors_certification import (
    CertificationRule,
    FrameworkOutline,
    framework_outline,
    rule_for,
    rule_holds,
)
from tests.campus.certification_helpers import SIX_SHORT, c2i2e

OFFICIAL = Path(__file__).resolve().parents[2] / "campus" / "data" / "c2i2e-2011.json"
VALIDATED = ValidationStatus.VALIDATED
NOT_YET = ValidationStatus.NOT_YET


def official_outline() -> FrameworkOutline:
    """The C2i2e outline built from the official text, without the database."""
    data = json.loads(OFFICIAL.read_text(encoding="utf-8"))
    return FrameworkOutline(
        key="c2i2e-2011",
        competences=tuple(
            (competence["code"], tuple(i["code"] for i in competence["items"]))
            for domain in data["domains"]
            for competence in domain["competences"]
        ),
    )


def statuses_all_but(missing=(), status_of_missing=None) -> dict[str, str]:
    outline = official_outline()
    statuses = {}
    for _competence, codes in outline.competences:
        for code in codes:
            if code not in missing:
                statuses[code] = VALIDATED
            elif status_of_missing:
                statuses[code] = status_of_missing
    return statuses


def test_models_certification_rule_22_validated_fails():
    """22 validated items, no competence short of more than 2: the rule does not hold."""
    result = rule_holds(official_outline(), statuses_all_but(SIX_SHORT))
    assert not result.holds
    assert result.validated_count == 22
    assert result.item_count == 28
    assert result.missing_count == 1
    assert result.failing_competences == ()


def test_models_certification_rule_23_validated_holds():
    """23 validated items spread over the competences: the rule holds (the boundary)."""
    result = rule_holds(official_outline(), statuses_all_but(SIX_SHORT[:5]))
    assert result.holds
    assert result.validated_count == 23
    assert result.missing_count == 0


def test_models_certification_rule_three_short_in_a_competence_fails_with_25():
    """25 validated but 3 not validated in B.2: the rule fails and names B.2."""
    result = rule_holds(official_outline(), statuses_all_but(("B.2-1", "B.2-2", "B.2-3")))
    assert result.validated_count == 25
    assert not result.holds
    assert result.failing_competences == ("B.2",)


def test_models_certification_rule_two_short_in_a_competence_holds():
    """2 not validated in one competence is still allowed."""
    result = rule_holds(official_outline(), statuses_all_but(("B.2-1", "B.2-2")))
    assert result.holds


def test_models_certification_rule_not_yet_counts_as_not_validated():
    """An item marked « not yet » counts as short, like an item nobody assessed."""
    missing = ("A.1-1", "A.1-2", "A.1-3")
    result = rule_holds(official_outline(), statuses_all_but(missing, NOT_YET))
    assert result.failing_competences == ("A.1",)
    assert result.validated_count == 25


def test_models_certification_rule_explicit_rule_overrides_the_setting():
    """A rule passed in wins over the framework's setting."""
    strict = CertificationRule(min_validated=28, max_not_validated_per_competence=0)
    result = rule_holds(official_outline(), statuses_all_but(("A.1-1",)), strict)
    assert not result.holds
    assert result.failing_competences == ("A.1",)


def test_models_certification_rule_from_settings(settings):
    """CERTIFICATION_RULES configures the thresholds per « code-version »."""
    settings.CERTIFICATION_RULES = {
        "c2i2e-2011": {"min_validated": 20, "max_not_validated_per_competence": 3}
    }
    result = rule_holds(official_outline(), statuses_all_but(("B.2-1", "B.2-2", "B.2-3")))
    assert result.holds
    assert result.min_validated == 20


def test_models_certification_rule_malformed_setting_fails_loudly(settings):
    """A malformed rule is a configuration error, never a guess."""
    settings.CERTIFICATION_RULES = {"c2i2e-2011": {"min_validated": "beaucoup"}}
    with pytest.raises(ImproperlyConfigured):
        rule_for("c2i2e-2011", 28)
    settings.CERTIFICATION_RULES = {
        "c2i2e-2011": {"min_validated": -1, "max_not_validated_per_competence": 2}
    }
    with pytest.raises(ImproperlyConfigured):
        rule_for("c2i2e-2011", 28)


def test_models_certification_rule_unknown_framework_needs_every_item():
    """A framework without a configured rule needs all its items validated."""
    assert rule_for("crcn-edu-2026", 16) == CertificationRule(16, 0)


@pytest.mark.django_db
def test_models_certification_outline_of_loaded_c2i2e_matches_official_text():
    """The loaded C2i2e (28 items, 7 competences) gives the official outline and key."""
    outline = framework_outline(c2i2e())
    assert outline == official_outline()
    assert outline.item_count == 28
    assert len(outline.competences) == 7
    assert rule_for(outline.key, 28) == CertificationRule(23, 2)
