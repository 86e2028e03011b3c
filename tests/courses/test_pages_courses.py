"""Catalogue, module and step pages render, in French, with the DSFR."""

from __future__ import annotations

from tests.courses import factories as f


def _get(client, page):
    response = client.get(page.url)
    assert response.status_code == 200
    return response.content.decode()


def test_pages_catalogue_renders_modules_as_cards(client, module):
    """The catalogue lists its modules as DSFR cards, in French."""
    html = _get(client, module.get_parent().specific)
    assert 'lang="fr"' in html
    assert "fr-card" in html
    assert module.title in html
    assert "1 module" in html


def test_pages_module_renders_indexing_and_steps(client, module, quiz_step):
    """A module page shows its indexing fields, competences with codes and its steps."""
    html = _get(client, module)
    assert "Enseigner les mathématiques avec GeoGebra" in html
    assert "A.1-3" in html
    assert "Mathématiques" in html
    assert quiz_step.title in html
    assert "fr-breadcrumb" in html
    assert "Objectifs" in html


def test_pages_step_renders_body_and_navigation(client, module, quiz_step):
    """A step page shows its body and links to the next step."""
    second = f.step_page(
        module=module, title="Pour aller plus loin", body=[("paragraph", "<p>Suite</p>")]
    )
    html = _get(client, quiz_step)
    assert "Quiz de positionnement" in html
    assert second.title in html
    assert 'rel="next"' in html
    html = _get(client, second)
    assert 'rel="prev"' in html
    assert "<p>Suite</p>" in html


def test_pages_routing_serves_only_live_pages_beneath_the_catalogue(client, module, quiz_step):
    """The catalogue's one-query routing keeps Wagtail's rules: drafts and unknown slugs 404."""
    draft = f.step_page(module=module, title="Brouillon")
    draft.unpublish()

    assert client.get(module.url).status_code == 200
    assert client.get(quiz_step.url).status_code == 200
    assert client.get(f"{module.url}brouillon-inconnu/").status_code == 404
    assert client.get(draft.url or f"{module.url}{draft.slug}/").status_code == 404
    assert client.get(f"{quiz_step.url}plus-profond/").status_code == 404


def test_pages_routing_follows_a_renamed_module(client, module, quiz_step):
    """Steps are found by their current URL once their module's slug changes."""
    old_url = quiz_step.url
    module.slug = "geogebra-au-college"
    module.save_revision().publish()
    quiz_step.refresh_from_db()

    assert quiz_step.url != old_url
    assert client.get(quiz_step.url).status_code == 200
    assert client.get(old_url).status_code == 404


def test_pages_step_page_routes_in_few_queries(
    client, module, quiz_step, django_assert_num_queries
):
    """A visitor's step page: 10 queries, where Wagtail's level-by-level walk made it 12.

    The site and its home page (Wagtail), then the step in one query (the catalogue's routing),
    view restrictions (2), the breadcrumb, the neighbours, and the body's quiz state.
    """
    client.get(quiz_step.url)  # Warm what Wagtail caches (site root paths).
    with django_assert_num_queries(10):
        assert client.get(quiz_step.url).status_code == 200
