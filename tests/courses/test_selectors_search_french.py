"""Catalogue search on PostgreSQL: French stemming from the settings, indexed at publish time."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection

from courses.catalogue import catalogue_modules
from tests.courses import factories as f

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL full-text search only"
)


def test_selectors_search_uses_the_french_configuration_on_postgresql():
    """The production settings give Wagtail's search PostgreSQL's French configuration."""
    assert settings.WAGTAILSEARCH_BACKENDS["default"]["SEARCH_CONFIG"] == "french"


def test_selectors_search_finds_a_published_revision_by_a_word_form(catalogue):
    """Once a revision saying « évaluer » is published, « évaluations » finds the module."""
    module = f.module_page(
        catalogue=catalogue,
        title="Les usages de la classe",
        summary="Des outils pour la classe.",
        objectives="<p>Travailler en équipe.</p>",
    )
    f.module_page(catalogue=catalogue, title="Chanter en chœur", summary="La voix.")
    assert list(catalogue_modules(q="évaluations")) == []

    module.summary = "Évaluer les acquis des élèves avec le numérique."
    module.save_revision().publish()

    assert [m.pk for m in catalogue_modules(q="évaluations")] == [module.pk]
    assert [m.pk for m in catalogue_modules(q="évaluation")] == [module.pk]
