"""A teacher completes a module, downloads its attestation from her record, and anyone, in a
fresh browser, finds it authentic at the address it carries."""

from __future__ import annotations

import time

import pytest

from campus.models import Attestation, RecordEntry
from tests.campus.factories import PASSWORD, UserFactory
from tests.courses import factories as f

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _entry_of(user, timeout: float = 10) -> RecordEntry:
    """The record entry of the completion (the progress hook runs as the visit commits)."""
    deadline = time.monotonic() + timeout
    while not (entry := RecordEntry.objects.filter(user=user).first()):
        assert time.monotonic() < deadline, "no record entry after the step's visit"
        time.sleep(0.2)
    return entry


def test_journey_attestation_downloaded_then_verified_elsewhere(
    reference_data, browser, page, live_server, tmp_path
):
    """Claire reads the only step of a module (which completes it), gets the attestation of
    the record's new entry as a PDF, and a stranger's browser sees it authentic."""
    learner = UserFactory(email="claire.martin@ac-lyon.fr", first_name="Claire", last_name="Martin")
    module = f.module_page(title="Observer pour enseigner")
    step = f.step_page(module=module, title="Observer une séance")
    f.enrolment(user=learner, module=module)

    page.goto("/compte/connexion/")
    page.get_by_label("Adresse électronique").fill(learner.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{live_server.url}/")
    page.goto(step.url)
    entry = _entry_of(learner)

    page.goto("/dossier/")
    page.get_by_role("link", name="Observer pour enseigner").first.click()
    page.wait_for_url(f"**/dossier/entrees/{entry.pk}/")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Obtenir l'attestation (PDF)").click()
    saved = tmp_path / "attestation.pdf"
    download_info.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")
    attestation = Attestation.objects.get(entry=entry)

    stranger = browser.new_context(base_url=live_server.url, locale="fr-FR")
    try:
        other = stranger.new_page()
        other.goto(f"/verifier/{attestation.pk}/")
        assert other.get_by_role("heading", name="Attestation authentique").is_visible()
        assert "Observer pour enseigner" in other.content()
        assert "Claire Martin" in other.content()
    finally:
        stranger.close()
