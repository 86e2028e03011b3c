"""The home page and the log-in, in a real browser."""

from __future__ import annotations

import pytest

from campus.demo import DEMO_PASSWORD, seed_people

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_pages_home_demo_teacher_logs_in(reference_data, page, live_server):
    """The demo teacher opens Campus, uses the skip link, logs in and reaches her space."""
    seed_people()
    page.goto("/")
    assert page.title() == "Accueil — Campus"
    assert page.locator("html").get_attribute("lang") == "fr"

    # The first Tab reaches the skip link to the content, which must point at <main>.
    page.keyboard.press("Tab")
    skip = page.locator(".fr-skiplinks a").first
    assert skip.evaluate("el => el === document.activeElement")
    assert skip.get_attribute("href") == "#content"
    assert page.locator("main#content").count() == 1
    page.keyboard.press("Enter")
    assert page.url.endswith("/#content")
    assert page.evaluate("document.activeElement.id") == "content"

    page.get_by_role("link", name="Se connecter").first.click()
    page.wait_for_url("**/compte/connexion/**")
    page.get_by_label("Adresse électronique").fill("enseignante@campus.localhost")
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()

    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_role("heading", name="Bienvenue, Claire").is_visible()
    page.get_by_role("link", name="Ma formation").first.click()
    assert page.title() == "Ma formation — Campus"
    assert page.locator("html").get_attribute("lang") == "fr"
