"""The catalogue's filters, search and listing cost."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from campus.models import Discipline
from courses.catalogue import catalogue_modules, upcoming_sessions_for
from tests.courses import factories as f


@pytest.fixture
def offer(catalogue):
    """Four modules that differ on every filter."""
    return {
        "maths": f.module_page(
            title="Enseigner les mathématiques avec GeoGebra",
            degree="second",
            disciplines=("mathematiques",),
            competences=("B.2-2",),
            distance_hours=Decimal("2.5"),
        ),
        "lecture": f.module_page(
            title="Lire et écrire au cycle 2",
            summary="Des outils pour la fluence et la production d'écrits.",
            degree="premier",
            disciplines=("polyvalent",),
            collection="accompagnee",
            distance_hours=Decimal("4.5"),
        ),
        "c2i2e": f.module_page(
            title="Intégrer le numérique dans sa pratique",
            summary="Des usages numériques raisonnés pour la classe.",
            degree="",
            competences=("A.1-3", "B.3-2"),
            collection="certifiante",
            modality="hybride",
            distance_hours=Decimal("6"),
            in_person_hours=Decimal("3"),
        ),
        "long": f.module_page(title="Devenir formateur", distance_hours=Decimal("12")),
    }


def _titles(**filters):
    return sorted(m.title for m in catalogue_modules(**filters))


def test_selectors_catalogue_filters_by_discipline(offer):
    """Only modules of the discipline are kept."""
    maths = Discipline.objects.get(slug="mathematiques")
    assert _titles(discipline=maths) == [offer["maths"].title]


def test_selectors_catalogue_filters_by_degree_keeping_both_degrees(offer):
    """A degree keeps its modules and those open to both degrees."""
    assert _titles(degree="premier") == sorted(
        [offer["lecture"].title, offer["c2i2e"].title, offer["long"].title]
    )


def test_selectors_catalogue_filters_by_collection_and_modality(offer):
    """Collection and modality are exact filters."""
    assert _titles(collection="accompagnee") == [offer["lecture"].title]
    assert _titles(modality="hybride") == [offer["c2i2e"].title]


@pytest.mark.parametrize(
    ("bucket", "key"),
    [("moins-3h", "maths"), ("3-6h", "lecture"), ("6-9h", None), ("plus-9h", "c2i2e")],
)
def test_selectors_catalogue_filters_by_duration_bucket(offer, bucket, key):
    """Buckets apply to total hours (distance + in-person): 9 h falls in "more than 9 h"."""
    expected = {"plus-9h": sorted([offer["c2i2e"].title, offer["long"].title])}
    titles = _titles(duration=bucket)
    assert titles == expected.get(bucket, [offer[key].title] if key else [])


def test_selectors_catalogue_filters_by_competence_item_or_competence(offer):
    """An item code keeps the modules developing it; a competence code any of its items."""
    assert _titles(competence="A.1-3") == [offer["c2i2e"].title]
    assert _titles(competence="B.3") == [offer["c2i2e"].title]
    assert _titles(competence="B.2") == [offer["maths"].title]


def test_selectors_catalogue_flags_and_filters_upcoming_sessions(offer):
    """A module with a session to come is flagged and kept by open_sessions; a past one is not."""
    now = timezone.now()
    f.step_page(module=offer["c2i2e"], body=[f.session(start=now + dt.timedelta(days=3))])
    f.step_page(module=offer["lecture"], body=[f.session(start=now - dt.timedelta(days=3))])
    assert _titles(open_sessions=True) == [offer["c2i2e"].title]
    flags = upcoming_sessions_for(catalogue_modules())
    assert list(flags) == [offer["c2i2e"].pk]


def test_selectors_catalogue_search_finds_a_word(offer):
    """Search finds a module by a word of its summary."""
    assert _titles(q="fluence") == [offer["lecture"].title]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL full-text only")
def test_selectors_catalogue_search_stems_french_on_postgresql(settings, catalogue):
    """With the French configuration, « numériques » finds « numérique » (stemming, accents)."""
    settings.WAGTAILSEARCH_BACKENDS = {
        "default": {"BACKEND": "wagtail.search.backends.database", "SEARCH_CONFIG": "french"}
    }
    module = f.module_page(title="Intégrer le numérique", summary="Usages raisonnés en classe.")
    f.module_page(
        title="Chanter en chœur", summary="La voix de l'enseignant.", objectives="<p>Chanter.</p>"
    )
    assert [m.pk for m in catalogue_modules(q="numériques")] == [module.pk]
    assert [m.pk for m in catalogue_modules(q="raisonné")] == [module.pk]


def test_pages_catalogue_query_count_is_constant(client, catalogue, django_assert_num_queries):
    """The catalogue page costs the same queries for 2 modules as for 12, filters included."""
    for i in range(2):
        f.module_page(disciplines=("mathematiques",), competences=("A.1-3",), title=f"Module {i}")
    url = catalogue.url + "?degree=second&duration=3-6h"
    client.get(url)  # Warm Wagtail's site root cache.
    with django_assert_num_queries(15) as captured:
        assert client.get(url).status_code == 200
    for i in range(10):
        f.module_page(disciplines=("francais",), competences=("B.2-1",), title=f"Autre {i}")
    with django_assert_num_queries(len(captured.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count("fr-card__title") == 12
