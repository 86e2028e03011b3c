"""Attestations: issued from the record, frozen, downloaded by their holder, checked by anyone."""

from __future__ import annotations

import io
import uuid

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from campus import services_attestations as services
from campus import services_recognition
from campus.attestations import attestation_pdf, verification_url
from campus.models import Attestation, EntryKind, TrainingModality
from campus.roles import Role
from tests.campus.factories import UserFactory

pytestmark = pytest.mark.django_db


def completion(user, key: str = "geogebra", **facts):
    """A module completed in ``user``'s record, through the record's writer."""
    values = {
        "kind": EntryKind.MODULE_COMPLETED,
        "title": "Enseigner les mathématiques avec GeoGebra",
        "occurred_at": timezone.now(),
        "started_on": timezone.localdate(),
        "modality": TrainingModality.BLENDED,
        "distance_minutes": 270,
        "in_person_minutes": 180,
        "result": "Quiz réussi (85 %)",
        "issuer": "INSPE de Lyon",
        "details": {"objectives": "<p>Construire des figures dynamiques.</p>"},
        **facts,
    }
    return services_recognition.entry_record(user=user, source_key=f"tests:{key}", **values)[0]


def _text(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_attestation_pdf_carries_what_a_training_attestation_must(learner):
    """Trainee, title, objectives, nature, durations, result, issuer, and the address to check."""
    attestation = services.attestation_for_entry(actor=learner, entry=completion(learner))

    pdf = attestation_pdf(attestation)

    assert pdf.startswith(b"%PDF")
    text = _text(pdf)
    for fact in (
        learner.get_full_name(),
        "Enseigner les mathématiques avec GeoGebra",
        "Construire des figures dynamiques.",
        "4,5 h",
        "3,0 h",
        "Quiz réussi (85 %)",
        "INSPE de Lyon",
        str(attestation.pk),
    ):
        assert fact in text, fact
    assert "/verifier/" in text


def test_attestation_is_issued_once_and_frozen(learner):
    """A second request returns the same attestation; later edits of the entry change nothing."""
    entry = completion(learner)
    first = services.attestation_for_entry(actor=learner, entry=entry)
    entry.title = "Un autre titre"
    entry.save()

    again = services.attestation_for_entry(actor=learner, entry=entry)

    assert again.pk == first.pk
    assert Attestation.objects.get().content["title"] == "Enseigner les mathématiques avec GeoGebra"


def test_attestation_refused_for_others_and_for_what_is_not_a_training(learner):
    """Only the holder obtains one, and only for a completion or a certification."""
    entry = completion(learner)
    review = completion(learner, "review", kind=EntryKind.REVIEW_COMPLETED, modality="")

    with pytest.raises(PermissionDenied):
        services.attestation_for_entry(actor=UserFactory(), entry=entry)
    with pytest.raises(services.AttestationError):
        services.attestation_for_entry(actor=learner, entry=review)
    assert not Attestation.objects.exists()


def test_attestation_revoked_when_its_entry_is_withdrawn(learner):
    """Withdrawing the entry revokes its attestation, whose page then says so."""
    attestation = services.attestation_for_entry(actor=learner, entry=completion(learner))

    services_recognition.entry_withdraw(source_key="tests:geogebra", user=learner, reason="Erreur")

    attestation.refresh_from_db()
    assert attestation.revoked_at is not None
    assert attestation.revocation_reason == "Erreur"


def test_attestation_revoke_is_for_administrators(learner):
    """A teacher cannot revoke; an administrator can, with a reason."""
    attestation = services.attestation_for_entry(actor=learner, entry=completion(learner))
    admin = UserFactory(roles=[Role.ADMIN])

    with pytest.raises(PermissionDenied):
        services.attestation_revoke(actor=learner, attestation=attestation, reason="x")
    with pytest.raises(services.AttestationError):
        services.attestation_revoke(actor=admin, attestation=attestation, reason=" ")
    services.attestation_revoke(actor=admin, attestation=attestation, reason="Fraude")

    assert Attestation.objects.get().revocation_reason == "Fraude"


# --- Pages -------------------------------------------------------------------------------------


def test_views_attestation_issue_then_download(client, learner):
    """From the entry's page: POST issues it and sends the PDF as a download."""
    entry = completion(learner)
    client.force_login(learner)

    page = client.get(reverse("recognition:record_entry", args=[entry.pk]))
    assert reverse("recognition:attestation_issue", args=[entry.pk]) in page.content.decode()
    response = client.post(reverse("recognition:attestation_issue", args=[entry.pk]))
    attestation = Attestation.objects.get()
    assert response.url == reverse("recognition:attestation_pdf", args=[attestation.pk])
    download = client.get(response.url)

    assert download["Content-Type"] == "application/pdf"
    assert "attachment" in download["Content-Disposition"]
    assert download.content.startswith(b"%PDF")


def test_views_attestation_pdf_is_its_holder_s_only(client, learner):
    """Somebody else gets a 404; an anonymous visitor the log-in page."""
    attestation = services.attestation_for_entry(actor=learner, entry=completion(learner))
    url = reverse("recognition:attestation_pdf", args=[attestation.pk])

    assert client.get(url).status_code == 302
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    other_entry = completion(learner, "other")
    assert (
        client.post(reverse("recognition:attestation_issue", args=[other_entry.pk])).status_code
        == 404
    )


def test_views_attestation_verify_says_authentic_revoked_or_unknown(client, learner):
    """Anyone checks: an issued one is authentic, a revoked one says so, another id is unknown."""
    attestation = services.attestation_for_entry(actor=learner, entry=completion(learner))
    url = reverse("recognition:attestation_verify", args=[attestation.pk])
    assert verification_url(attestation).endswith(url)

    valid = client.get(url)
    assert valid.status_code == 200
    assert "Attestation authentique" in valid.content.decode()
    assert learner.get_full_name() in valid.content.decode()

    services.attestation_revoke(
        actor=UserFactory(roles=[Role.ADMIN]), attestation=attestation, reason="Fraude"
    )
    revoked = client.get(url).content.decode()
    assert "Attestation révoquée" in revoked and "Fraude" in revoked

    unknown = client.get(reverse("recognition:attestation_verify", args=[uuid.uuid4()]))
    assert unknown.status_code == 404
    assert "Attestation inconnue" in unknown.content.decode()
    assert learner.get_full_name() not in unknown.content.decode()


# --- The yearly summary ------------------------------------------------------------------------


def test_attestation_yearly_lists_the_year_s_trainings_with_totals(learner):
    """The year's completions that stand, with their hours; other years, reviews and
    withdrawn entries are left out; asked again unchanged, the same one comes back."""
    first = completion(learner, "a")
    completion(learner, "b", title="Scratch au cycle 4", distance_minutes=60, in_person_minutes=0)
    completion(learner, "review", kind=EntryKind.REVIEW_COMPLETED, modality="")
    completion(learner, "gone", title="Retiré")
    services_recognition.entry_withdraw(source_key="tests:gone", user=learner, reason="Erreur")
    year = first.school_year

    summary = services.attestation_yearly(actor=learner, school_year=year)

    assert [line["title"] for line in summary.content["entries"]] == [
        "Enseigner les mathématiques avec GeoGebra",
        "Scratch au cycle 4",
    ]
    assert summary.content["distance_minutes"] == 330
    assert summary.content["in_person_minutes"] == 180
    assert services.attestation_yearly(actor=learner, school_year=year).pk == summary.pk
    text = _text(attestation_pdf(summary))
    assert "Scratch au cycle 4" in text and year in text and "5,5 h" in text


def test_attestation_yearly_renewed_when_the_year_changes(learner):
    """A module completed since: the next request issues a new summary."""
    year = completion(learner, "a").school_year
    before = services.attestation_yearly(actor=learner, school_year=year)
    completion(learner, "b", title="Scratch au cycle 4")

    after = services.attestation_yearly(actor=learner, school_year=year)

    assert after.pk != before.pk
    assert len(after.content["entries"]) == 2


@pytest.mark.parametrize("year", ["2026", "2026-2028", "abcd-efgh", "1999-2000"])
def test_attestation_yearly_refuses_bad_or_empty_years(learner, year):
    """A malformed year, or one without training, is refused with a message."""
    completion(learner, "a")

    with pytest.raises(services.AttestationError):
        services.attestation_yearly(actor=learner, school_year=year)


def test_views_attestation_yearly_from_the_record(client, learner):
    """The record page offers the year's summary; POST sends its PDF; errors are messages."""
    year = completion(learner, "a").school_year
    client.force_login(learner)
    url = reverse("recognition:attestation_yearly", args=[year])

    assert url in client.get(reverse("recognition:record"), {"annee": year}).content.decode()
    response = client.post(url)
    assert client.get(response.url).content.startswith(b"%PDF")
    refused = client.post(reverse("recognition:attestation_yearly", args=["1999-2000"]))
    assert refused.url == reverse("recognition:record")
