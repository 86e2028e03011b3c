"""The C2i2e referential is loaded verbatim from the official 2011 text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from campus.models import Competence, CompetenceItem, Framework

pytestmark = pytest.mark.django_db
OFFICIAL = Path(__file__).resolve().parents[2] / "campus" / "data" / "c2i2e-2011.json"


def test_models_frameworks_c2i2e_has_2_domains_7_competences_28_items():
    """The migration loads the whole referential: 2 domains, 7 competences, 28 items."""
    c2i2e = Framework.objects.get(code="c2i2e")
    assert c2i2e.version == "2011"
    assert c2i2e.domains.count() == 2
    assert Competence.objects.filter(domain__framework=c2i2e).count() == 7
    assert CompetenceItem.objects.filter(competence__domain__framework=c2i2e).count() == 28


def test_models_frameworks_c2i2e_items_are_verbatim_and_ordered():
    """Item codes run A.1-1 … B.4-3 in the official order, with the official wording."""
    official = json.loads(OFFICIAL.read_text(encoding="utf-8"))
    expected = [
        (item["code"], item["title"])
        for domain in official["domains"]
        for competence in domain["competences"]
        for item in competence["items"]
    ]
    loaded = list(
        CompetenceItem.objects.filter(competence__domain__framework__code="c2i2e").values_list(
            "code", "title"
        )
    )
    assert loaded == expected
    assert loaded[0][0] == "A.1-1"
    assert loaded[-1][0] == "B.4-3"
