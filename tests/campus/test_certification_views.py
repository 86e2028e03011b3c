"""Pages of the certification dossiers: who sees what, forms, uploads, issuing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from campus.models import (
    CertificationDossier,
    DossierStatus,
    EvidenceKind,
    ItemEvidence,
    ItemValidation,
    RecordEntry,
    ValidationStatus,
)
from campus.roles import Role
from tests.campus.certification_helpers import (
    SIX_SHORT,
    all_codes,
    dossier,
    item,
    make_jury,
    use_temporary_private_storage,
    validate_all_but,
)
from tests.campus.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def private_storage(monkeypatch, tmp_path):
    """Evidence files go to a temporary private storage."""
    return use_temporary_private_storage(monkeypatch, tmp_path)


@pytest.fixture
def folder(learner, trainer):
    """Claire's C2i2e dossier, tutored by Karim."""
    return dossier(candidate=learner, tutors=[trainer])


@pytest.fixture
def other_tutor(db):
    """Léa, a trainer who tutors another teacher's dossier."""
    lea = UserFactory(email="lea.tutrice@ac-lyon.fr", roles=[Role.TRAINER])
    dossier(candidate=UserFactory(roles=[Role.TEACHER]), tutors=[lea])
    return lea


@pytest.fixture
def jury(db):
    """Inès, a trainer the administrator made a jury member."""
    return make_jury(
        UserFactory(email="ines.jury@ac-lyon.fr", first_name="Inès", roles=[Role.TRAINER])
    )


def dossier_url(folder):
    return reverse("recognition:certification_dossier", args=[folder.pk])


def item_url(folder, code, name="certification_item"):
    return reverse(f"recognition:{name}", args=[folder.pk, item(code).pk])


# --- The dossier page ----------------------------------------------------------------------


def test_views_certification_candidate_sees_all_items_and_progress(
    client, folder, learner, trainer, django_assert_num_queries
):
    """The candidate's page lists the 28 items and says how far the rule is."""
    validate_all_but(folder, by=trainer, missing=(*SIX_SHORT, "A.1-2", "A.1-3", "B.1-1"))
    client.force_login(learner)
    # Session, user, permissions (2), dossier, items, evidence counts, validations, tutors,
    # and the header's notification count: the same however many items are validated.
    with django_assert_num_queries(10):
        response = client.get(dossier_url(folder))
    assert response.status_code == 200
    html = response.content.decode()
    for code in all_codes():
        assert f">{code}</a>" in html
    assert "19 / 28" in html
    assert "A.1" in response.context["result"].failing_competences
    assert not response.context["may_issue"]
    assert reverse("recognition:certification_issue", args=[folder.pk]) not in html


@pytest.mark.parametrize("who", ["outsider", "other_tutor", "inspector"])
def test_views_certification_others_get_404(client, folder, request, who):
    """Anyone but the candidate, the tutors and the jury gets a 404, on every page."""
    client.force_login(request.getfixturevalue(who))
    for url in (
        dossier_url(folder),
        item_url(folder, "A.1-1"),
        reverse("recognition:certification_issue", args=[folder.pk]),
    ):
        assert client.get(url).status_code == 404
    response = client.post(
        item_url(folder, "A.1-1", "certification_validate"),
        {"status": ValidationStatus.VALIDATED},
    )
    assert response.status_code == 404
    assert not ItemValidation.objects.exists()


def test_views_certification_anonymous_goes_to_login(client, folder):
    """Anonymous visitors are sent to the log-in page."""
    response = client.get(dossier_url(folder))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_views_certification_item_of_another_framework_is_404(client, folder, learner):
    """An item id outside the dossier's framework is a 404."""
    client.force_login(learner)
    url = reverse("recognition:certification_item", args=[folder.pk, 999_999])
    assert client.get(url).status_code == 404


# --- Evidence and validations --------------------------------------------------------------


def test_views_certification_candidate_adds_evidence_but_cannot_validate(client, folder, learner):
    """The candidate adds a link; posting a validation is forbidden and records nothing."""
    client.force_login(learner)
    page = client.get(item_url(folder, "A.3-2"))
    assert page.context["evidence_form"] is not None
    assert "validation_form" not in page.context
    kinds = dict(page.context["evidence_form"].fields["kind"].choices)
    assert EvidenceKind.OBSERVATION not in kinds
    response = client.post(
        item_url(folder, "A.3-2", "certification_evidence_add"),
        {"kind": EvidenceKind.ASSIGNMENT, "title": "Devoir sur l'ENT", "url": "/parcours/x/"},
    )
    assert response.status_code == 302
    assert ItemEvidence.objects.get().added_by == learner
    response = client.post(
        item_url(folder, "A.3-2", "certification_validate"),
        {"status": ValidationStatus.VALIDATED},
    )
    assert response.status_code == 403
    assert not ItemValidation.objects.exists()


def test_views_certification_evidence_form_errors_shown(client, folder, learner):
    """A link evidence without title nor link is refused with messages on the fields."""
    client.force_login(learner)
    response = client.post(
        item_url(folder, "A.3-2", "certification_evidence_add"),
        {"kind": EvidenceKind.ASSIGNMENT, "url": "javascript:alert(1)"},
    )
    assert response.status_code == 200
    form = response.context["evidence_form"]
    assert set(form.errors) == {"url", "title"}
    assert not ItemEvidence.objects.exists()


def test_views_certification_tutor_observes_and_validates(client, folder, trainer):
    """The tutor writes a sanitised observation and validates the item, shown as current."""
    client.force_login(trainer)
    response = client.post(
        item_url(folder, "B.3-1", "certification_evidence_add"),
        {"kind": EvidenceKind.OBSERVATION, "text": "Très bien<img src=x onerror=alert(1)>"},
    )
    assert response.status_code == 302
    assert ItemEvidence.objects.get().text == "Très bien"
    response = client.post(
        item_url(folder, "B.3-1", "certification_validate"),
        {"status": ValidationStatus.VALIDATED, "comment": "Observé en classe."},
    )
    assert response.status_code == 302
    page = client.get(item_url(folder, "B.3-1"))
    assert page.context["current"].status == ValidationStatus.VALIDATED
    assert "onerror" not in page.content.decode()
    assert "Très bien" in page.content.decode()


def test_views_certification_file_upload_limit_and_download(
    client, folder, learner, trainer, other_tutor, private_storage, settings
):
    """Too large a file is a form error; a kept one is downloaded by the tutor, not by others."""
    settings.CERTIFICATION_EVIDENCE_MAX_BYTES = 100
    client.force_login(learner)
    url = item_url(folder, "A.2-2", "certification_evidence_add")
    big = SimpleUploadedFile("seance.pdf", b"x" * 101, "application/pdf")
    response = client.post(url, {"kind": EvidenceKind.FILE, "file": big})
    assert response.status_code == 200
    assert "file" in response.context["evidence_form"].errors
    assert not ItemEvidence.objects.exists()

    small = SimpleUploadedFile("seance.pdf", b"%PDF small", "application/pdf")
    assert client.post(url, {"kind": EvidenceKind.FILE, "file": small}).status_code == 302
    evidence = ItemEvidence.objects.get()
    download = reverse("recognition:certification_evidence_file", args=[evidence.pk])

    client.force_login(trainer)
    response = client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF small"
    assert "attachment" in response["Content-Disposition"]
    assert {"private", "no-store"} <= set(response["Cache-Control"].replace(",", " ").split())

    client.force_login(other_tutor)
    assert client.get(download).status_code == 404


# --- Opening and lists ---------------------------------------------------------------------


def test_views_certification_trainer_opens_by_email(client, trainer):
    """A trainer opens a teacher's dossier by email and is its tutor; unknown email, an error."""
    teacher = UserFactory(email="stagiaire@ac-lyon.fr", roles=[Role.TEACHER])
    client.force_login(trainer)
    url = reverse("recognition:certification_open")
    response = client.post(url, {"email": "nobody@ac-lyon.fr", "framework": _c2i2e_pk()})
    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    response = client.post(url, {"email": "STAGIAIRE@ac-lyon.fr", "framework": _c2i2e_pk()})
    folder = CertificationDossier.objects.get(user=teacher)
    assert response.status_code == 302
    assert response["Location"] == dossier_url(folder)
    assert list(folder.tutors.all()) == [trainer]


def test_views_certification_teacher_opens_own(client, learner):
    """A teacher opens their own dossier; the form asks no email."""
    client.force_login(learner)
    url = reverse("recognition:certification_open")
    assert "email" not in client.get(url).context["form"].fields
    response = client.post(url, {"framework": _c2i2e_pk()})
    assert response.status_code == 302
    assert CertificationDossier.objects.get().user == learner


def test_views_certification_open_forbidden_without_role(client, outsider):
    """Someone with neither the teacher nor the trainer role may not open a dossier."""
    client.force_login(outsider)
    assert client.get(reverse("recognition:certification_open")).status_code == 403
    assert client.get(reverse("recognition:certification_tutored")).status_code == 403


def test_views_certification_tutor_list(client, folder, trainer, other_tutor, jury, learner):
    """A tutor's list holds their dossiers only; the jury's shows those ready to issue."""
    validate_all_but(folder, by=trainer)
    client.force_login(trainer)
    response = client.get(reverse("recognition:certification_tutored"))
    assert [d for d, _result in response.context["dossiers"]] == [folder]
    assert response.context["ready"] == []
    client.force_login(jury)
    response = client.get(reverse("recognition:certification_tutored"))
    assert [d for d, _result in response.context["ready"]] == [folder]


def test_views_certification_my_dossiers(client, folder, learner):
    """The candidate's own page lists their dossier with its progress."""
    client.force_login(learner)
    response = client.get(reverse("recognition:certification_mine"))
    assert response.status_code == 200
    assert dossier_url(folder) in response.content.decode()


# --- Issuing -------------------------------------------------------------------------------


def test_views_certification_jury_issues_after_confirming(client, folder, trainer, jury, learner):
    """Without the confirmation nothing happens; with it the certificate is in the record."""
    validate_all_but(folder, by=trainer, missing=SIX_SHORT[:5])
    client.force_login(jury)
    page = client.get(dossier_url(folder))
    assert page.context["may_issue"]
    url = reverse("recognition:certification_issue", args=[folder.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {})
    assert response.status_code == 200
    assert "confirm" in response.context["form"].errors
    assert not RecordEntry.objects.exists()
    response = client.post(url, {"confirm": "on"})
    assert response.status_code == 302
    folder.refresh_from_db()
    assert folder.status == DossierStatus.CERTIFIED
    assert client.post(url, {"confirm": "on"}).status_code == 302
    assert RecordEntry.objects.filter(user=learner).count() == 1


def test_views_certification_issue_refused_when_rule_fails(client, folder, trainer, jury):
    """22 items: the confirmation posts back an error, nothing is issued."""
    validate_all_but(folder, by=trainer, missing=SIX_SHORT)
    client.force_login(jury)
    url = reverse("recognition:certification_issue", args=[folder.pk])
    response = client.post(url, {"confirm": "on"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    folder.refresh_from_db()
    assert folder.status == DossierStatus.OPEN


def test_views_certification_tutor_without_permission_cannot_issue(client, folder, trainer):
    """A tutor who is not a jury member sees the dossier but is refused the issue page."""
    validate_all_but(folder, by=trainer)
    client.force_login(trainer)
    assert not client.get(dossier_url(folder)).context["may_issue"]
    url = reverse("recognition:certification_issue", args=[folder.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"confirm": "on"}).status_code == 403
    assert not RecordEntry.objects.exists()


def test_views_certification_jury_cannot_issue_own(client, jury, trainer):
    """A jury member's own dossier: visible, but issuing is forbidden."""
    own = dossier(candidate=jury, tutors=[trainer])
    validate_all_but(own, by=trainer)
    client.force_login(jury)
    assert client.get(dossier_url(own)).context["may_issue"] is False
    url = reverse("recognition:certification_issue", args=[own.pk])
    assert client.post(url, {"confirm": "on"}).status_code == 403
    assert not RecordEntry.objects.exists()


def _c2i2e_pk() -> int:
    from tests.campus.certification_helpers import c2i2e

    return c2i2e().pk


def test_views_certification_tutor_list_queries_do_not_grow(
    client, trainer, django_assert_num_queries
):
    """The tutor's list costs the same number of queries for 1 or 4 dossiers."""
    first = dossier(candidate=UserFactory(roles=[Role.TEACHER]), tutors=[trainer])
    validate_all_but(first, by=trainer)
    client.force_login(trainer)
    url = reverse("recognition:certification_tutored")
    with django_assert_num_queries(9) as one:
        client.get(url)
    for _ in range(3):
        more = dossier(candidate=UserFactory(roles=[Role.TEACHER]), tutors=[trainer])
        validate_all_but(more, by=trainer, missing=SIX_SHORT)
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(url)
    assert len(response.context["dossiers"]) == 4
