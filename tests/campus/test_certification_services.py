"""Writes on certification dossiers: opening, evidence, validations and issuing."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from campus import services_certification as services
from campus.models import (
    CertificationDossier,
    DossierStatus,
    EntryKind,
    EvidenceKind,
    ItemValidation,
    RecordEntry,
    ValidationStatus,
)
from campus.roles import Role
from campus.selectors_certification import current_statuses, dossier_table
from tests.campus.certification_helpers import (
    SIX_SHORT,
    c2i2e,
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
def jury(db):
    """Inès, a trainer the administrator made a jury member."""
    return make_jury(
        UserFactory(email="ines.jury@ac-lyon.fr", first_name="Inès", roles=[Role.TRAINER])
    )


# --- Opening -------------------------------------------------------------------------------


def test_services_certification_trainer_opens_for_teacher_and_tutors(learner, trainer):
    """A trainer opens a teacher's dossier and becomes its tutor; again, the same dossier."""
    folder, created = services.dossier_open(actor=trainer, candidate=learner, framework=c2i2e())
    assert created
    assert list(folder.tutors.all()) == [trainer]
    again, created = services.dossier_open(actor=trainer, candidate=learner, framework=c2i2e())
    assert (again.pk, created) == (folder.pk, False)


def test_services_certification_teacher_opens_own_without_tutoring_it(learner):
    """A teacher opens their own dossier and is not its tutor."""
    folder, created = services.dossier_open(actor=learner, candidate=learner, framework=c2i2e())
    assert created
    assert folder.tutors.count() == 0


def test_services_certification_teacher_cannot_open_for_someone_else(learner):
    """A teacher who is not a trainer cannot open a colleague's dossier."""
    colleague = UserFactory(roles=[Role.TEACHER])
    with pytest.raises(PermissionDenied):
        services.dossier_open(actor=learner, candidate=colleague, framework=c2i2e())
    assert not CertificationDossier.objects.exists()


def test_services_certification_dossier_is_for_teachers(trainer, outsider):
    """A dossier cannot be opened for someone without the teacher role."""
    with pytest.raises(services.CertificationError):
        services.dossier_open(actor=trainer, candidate=outsider, framework=c2i2e())


# --- Evidence ------------------------------------------------------------------------------


def test_services_certification_candidate_adds_link_evidence(folder, learner):
    """The candidate adds a link to a step completed, with its title."""
    evidence = services.evidence_add(
        actor=learner,
        dossier=folder,
        item=item("A.1-1"),
        kind=EvidenceKind.STEP_COMPLETED,
        title="Étape « Chercher sur le web »",
        url="/parcours/numerique/etape-2/",
    )
    assert evidence.added_by == learner
    assert evidence.url == "/parcours/numerique/etape-2/"


def test_services_certification_evidence_from_record_entry(folder, learner):
    """Choosing an entry of the candidate's record takes its title and link."""
    entry = RecordEntry.objects.create(
        user=learner,
        kind=EntryKind.RESOURCE_PUBLISHED,
        source_key="community.resource:7",
        title="Fiche « Tableur en 6e »",
        occurred_at=timezone.now(),
        evidence_url="https://campus.example/communautes/ressources/7/",
    )
    evidence = services.evidence_add(
        actor=learner,
        dossier=folder,
        item=item("B.2-1"),
        kind=EvidenceKind.RESOURCE_PUBLISHED,
        record_entry=entry,
    )
    assert (evidence.title, evidence.url) == (entry.title, entry.evidence_url)
    assert evidence.record_entry == entry


def test_services_certification_evidence_refuses_someone_elses_record_entry(folder, learner):
    """An entry of another teacher's record is refused."""
    other = RecordEntry.objects.create(
        user=UserFactory(roles=[Role.TEACHER]),
        kind=EntryKind.MODULE_COMPLETED,
        source_key="courses.enrolment:1",
        title="Module d'un autre",
        occurred_at=timezone.now(),
    )
    with pytest.raises(services.CertificationError):
        services.evidence_add(
            actor=learner,
            dossier=folder,
            item=item("A.1-1"),
            kind=EvidenceKind.STEP_COMPLETED,
            record_entry=other,
        )


@pytest.mark.parametrize("url", ["javascript:alert(1)", "//evil.example/x", "ftp://x/y", "x"])
def test_services_certification_evidence_refuses_unsafe_links(folder, learner, url):
    """Only http(s) addresses and this site's paths are stored as links."""
    with pytest.raises(services.CertificationError):
        services.evidence_add(
            actor=learner,
            dossier=folder,
            item=item("A.1-1"),
            kind=EvidenceKind.ASSIGNMENT,
            title="Devoir",
            url=url,
        )


def test_services_certification_observation_is_sanitised(folder, trainer):
    """A tutor's observation keeps its formatting and loses scripts and handlers."""
    evidence = services.evidence_add(
        actor=trainer,
        dossier=folder,
        item=item("B.3-2"),
        kind=EvidenceKind.OBSERVATION,
        text='<p onclick="x()">Séance <strong>réussie</strong></p><script>alert(1)</script>',
    )
    assert evidence.text == "<p>Séance <strong>réussie</strong></p>"
    assert "<script" not in str(evidence.observation_html)


def test_services_certification_plain_observation_keeps_paragraphs(folder, trainer):
    """An observation typed as plain text keeps its paragraphs, escaped."""
    evidence = services.evidence_add(
        actor=trainer,
        dossier=folder,
        item=item("B.3-2"),
        kind=EvidenceKind.OBSERVATION,
        text="Classe attentive & active.\n\nUsage du TNI maîtrisé.",
    )
    assert evidence.text == "<p>Classe attentive &amp; active.</p>\n\n<p>Usage du TNI maîtrisé.</p>"


def test_services_certification_empty_observation_refused(folder, trainer):
    """An observation with nothing left once sanitised is refused."""
    with pytest.raises(services.CertificationError):
        services.evidence_add(
            actor=trainer,
            dossier=folder,
            item=item("B.3-2"),
            kind=EvidenceKind.OBSERVATION,
            text="<script>alert(1)</script>",
        )


def test_services_certification_candidate_cannot_write_observations(folder, learner):
    """Observations are the tutors': the candidate is refused."""
    with pytest.raises(PermissionDenied):
        services.evidence_add(
            actor=learner,
            dossier=folder,
            item=item("B.3-2"),
            kind=EvidenceKind.OBSERVATION,
            text="Je me suis bien débrouillée.",
        )


def test_services_certification_file_evidence_stored_privately(folder, learner, private_storage):
    """A file is stored in the private storage under the dossier's folder."""
    upload = SimpleUploadedFile("sequence.pdf", b"%PDF-1.4 sequence", "application/pdf")
    evidence = services.evidence_add(
        actor=learner, dossier=folder, item=item("A.2-1"), kind=EvidenceKind.FILE, file=upload
    )
    assert evidence.title == "sequence.pdf"
    assert evidence.file.name.startswith(f"certification/{folder.pk}/")
    assert private_storage.exists(evidence.file.name)


def test_services_certification_file_over_the_limit_refused(
    folder, learner, private_storage, settings
):
    """A file larger than CERTIFICATION_EVIDENCE_MAX_BYTES is refused, one byte under is kept."""
    settings.CERTIFICATION_EVIDENCE_MAX_BYTES = 1000
    big = SimpleUploadedFile("grand.pdf", b"x" * 1001, "application/pdf")
    with pytest.raises(services.CertificationError, match="trop volumineux"):
        services.evidence_add(
            actor=learner, dossier=folder, item=item("A.2-1"), kind=EvidenceKind.FILE, file=big
        )
    fits = SimpleUploadedFile("juste.pdf", b"x" * 1000, "application/pdf")
    services.evidence_add(
        actor=learner, dossier=folder, item=item("A.2-1"), kind=EvidenceKind.FILE, file=fits
    )
    assert folder.evidence.count() == 1


def test_services_certification_file_type_refused(folder, learner, private_storage):
    """An executable is not evidence."""
    upload = SimpleUploadedFile("outil.exe", b"MZ", "application/octet-stream")
    with pytest.raises(services.CertificationError, match="type"):
        services.evidence_add(
            actor=learner, dossier=folder, item=item("A.2-1"), kind=EvidenceKind.FILE, file=upload
        )


def test_services_certification_other_trainer_cannot_add_evidence(folder):
    """A trainer who does not tutor the dossier cannot add to it."""
    stranger = UserFactory(roles=[Role.TRAINER])
    with pytest.raises(PermissionDenied):
        services.evidence_add(
            actor=stranger,
            dossier=folder,
            item=item("A.1-1"),
            kind=EvidenceKind.ASSIGNMENT,
            title="x",
            url="/x/",
        )


# --- Validations ---------------------------------------------------------------------------


def test_services_certification_candidate_cannot_validate(folder, learner):
    """The candidate never validates their own items."""
    with pytest.raises(PermissionDenied):
        services.item_validate(
            actor=learner, dossier=folder, item=item("A.1-1"), status=ValidationStatus.VALIDATED
        )


def test_services_certification_candidate_listed_as_tutor_still_cannot_validate(folder, learner):
    """Even listed among the tutors by mistake, the candidate cannot validate."""
    folder.tutors.add(learner)
    with pytest.raises(PermissionDenied):
        services.item_validate(
            actor=learner, dossier=folder, item=item("A.1-1"), status=ValidationStatus.VALIDATED
        )


def test_services_certification_tutor_of_another_dossier_cannot_validate(folder):
    """A tutor of someone else's dossier cannot validate this one."""
    other_tutor = UserFactory(roles=[Role.TRAINER])
    dossier(candidate=UserFactory(roles=[Role.TEACHER]), tutors=[other_tutor])
    with pytest.raises(PermissionDenied):
        services.item_validate(
            actor=other_tutor,
            dossier=folder,
            item=item("A.1-1"),
            status=ValidationStatus.VALIDATED,
        )


def test_services_certification_latest_validation_wins_and_history_stays(folder, trainer):
    """Validated then « not yet »: the item is not validated now, both decisions are kept."""
    a11 = item("A.1-1")
    services.item_validate(
        actor=trainer, dossier=folder, item=a11, status=ValidationStatus.VALIDATED
    )
    services.item_validate(
        actor=trainer,
        dossier=folder,
        item=a11,
        status=ValidationStatus.NOT_YET,
        comment="Preuve insuffisante après relecture.",
    )
    assert current_statuses(folder) == {"A.1-1": ValidationStatus.NOT_YET}
    assert ItemValidation.objects.filter(dossier=folder, item=a11).count() == 2
    row = dossier_table(folder).domains[0].competences[0].rows[0]
    assert row.item == a11
    assert row.validation.comment == "Preuve insuffisante après relecture."
    assert not row.validated


def test_services_certification_validation_needs_a_known_decision(folder, trainer):
    """An unknown decision is refused."""
    with pytest.raises(services.CertificationError):
        services.item_validate(actor=trainer, dossier=folder, item=item("A.1-1"), status="maybe")


def test_services_certification_item_of_another_framework_refused(folder, trainer):
    """Items are those of the dossier's framework only."""
    from campus.models import Competence, CompetenceItem, Framework, FrameworkDomain

    crcn = Framework.objects.create(code="crcn-edu", name="CRCN-Édu", version="2026")
    domain = FrameworkDomain.objects.create(framework=crcn, code="1", title="Domaine 1")
    competence = Competence.objects.create(domain=domain, code="1.1", title="C")
    foreign = CompetenceItem.objects.create(competence=competence, code="1.1-1", title="I")
    with pytest.raises(services.CertificationError):
        services.item_validate(
            actor=trainer, dossier=folder, item=foreign, status=ValidationStatus.VALIDATED
        )


# --- Issuing -------------------------------------------------------------------------------


def test_services_certification_issue_creates_one_record_entry(folder, trainer, jury, learner):
    """Issuing certifies the dossier and writes one entry; issuing again adds nothing."""
    validate_all_but(folder, by=trainer, missing=SIX_SHORT[:5])
    issued = services.certification_issue(actor=jury, dossier=folder)
    assert issued.status == DossierStatus.CERTIFIED
    assert issued.certified_by == jury
    entry = RecordEntry.objects.get(user=learner)
    assert entry.kind == EntryKind.CERTIFICATION
    assert entry.source_key == f"campus.certification:{folder.pk}"
    assert entry.title == "C2i2e — Certificat informatique et internet niveau 2 enseignant"
    assert entry.competence_items.count() == 23
    assert not entry.competence_items.filter(code__in=SIX_SHORT[:5]).exists()
    assert issued.entry == entry

    again = services.certification_issue(actor=jury, dossier=folder)
    assert again.certified_at == issued.certified_at
    assert RecordEntry.objects.filter(user=learner).count() == 1


def test_services_certification_issue_refused_when_rule_fails(folder, trainer, jury, learner):
    """22 items validated: the jury is refused, nothing lands in the record."""
    validate_all_but(folder, by=trainer, missing=SIX_SHORT)
    with pytest.raises(services.CertificationError, match="22 items validés sur 28"):
        services.certification_issue(actor=jury, dossier=folder)
    folder.refresh_from_db()
    assert folder.status == DossierStatus.OPEN
    assert not RecordEntry.objects.filter(user=learner).exists()


def test_services_certification_non_jury_refused(folder, trainer):
    """A tutor without the jury's permission cannot issue."""
    validate_all_but(folder, by=trainer)
    with pytest.raises(PermissionDenied):
        services.certification_issue(actor=trainer, dossier=folder)


def test_services_certification_jury_cannot_certify_themself(jury, trainer):
    """A jury member cannot issue their own certification."""
    own = dossier(candidate=jury, tutors=[trainer])
    jury.groups.add(*trainer.groups.all())
    validate_all_but(own, by=trainer)
    with pytest.raises(PermissionDenied):
        services.certification_issue(actor=jury, dossier=own)
    assert not RecordEntry.objects.exists()


def test_services_certification_certified_dossier_is_frozen(folder, trainer, jury, learner):
    """Once certified, no evidence or validation is added."""
    validate_all_but(folder, by=trainer)
    services.certification_issue(actor=jury, dossier=folder)
    folder.refresh_from_db()
    with pytest.raises(services.CertificationError):
        services.item_validate(
            actor=trainer, dossier=folder, item=item("A.1-1"), status=ValidationStatus.NOT_YET
        )
    with pytest.raises(services.CertificationError):
        services.evidence_add(
            actor=learner,
            dossier=folder,
            item=item("A.1-1"),
            kind=EvidenceKind.ASSIGNMENT,
            title="Tard",
            url="/x/",
        )


def test_services_certification_demo_trainer_is_a_jury_member():
    """The demo's trainer holds the jury's permission in person; the demo teacher does not."""
    from campus.demo import seed_people
    from campus.models import User
    from campus.selectors_certification import is_jury

    seed_people()
    assert is_jury(User.objects.get(email="formateur@campus.localhost"))
    assert not is_jury(User.objects.get(email="enseignante@campus.localhost"))
