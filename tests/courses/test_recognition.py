"""A module completed through the courses services lands in the learner's record, once."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from campus.models import EntryKind, RecordEntry, TrainingModality
from courses import recognition, services
from courses.models import Enrolment, EnrolmentStatus, Modality
from lrs import api
from tests.courses import factories as f
from tests.courses.assessment_helpers import cohort as make_cohort
from tests.courses.assessment_helpers import member
from tests.courses.learning_helpers import (
    ATTENDED,
    COMPLETED,
    EXPERIENCED,
    PASSED,
    course,
    statements_of,
    step_statement,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(django_capture_on_commit_callbacks):
    """Record statements in process and run what waits for the commit (the progress hook)."""

    def record(*statements):
        with django_capture_on_commit_callbacks(execute=True):
            return api.record_many(list(statements))

    return record


@pytest.fixture
def blended(catalogue):
    """A blended module of the INSPE de Lyon: 6 h at a distance, 3 h in person, A.1-3 and B.2-1."""
    return f.module_page(
        catalogue=catalogue,
        title="Différencier en mathématiques",
        modality=Modality.BLENDED,
        distance_hours=Decimal("6"),
        in_person_hours=Decimal("3"),
        responsible_body="inspe",
        responsible_name="INSPE de Lyon",
        objectives=(
            "<p>Identifier les besoins des élèves&nbsp;;</p><ul><li>Adapter les tâches</li></ul>"
        ),
        competences=("A.1-3", "B.2-1"),
    )


def _complete(enrolment, record, *, quiz_score: float = 0.85, day: str = "2026-03-02"):
    """Every required step of ``course()`` done by statements, as pages and H5P send them."""
    read, quiz, _optional, session = course(enrolment.module)
    record(
        step_statement(enrolment, read, EXPERIENCED, timestamp=f"{day}T09:00:00Z"),
        step_statement(
            enrolment,
            quiz,
            PASSED,
            result={"score": {"scaled": quiz_score}},
            timestamp=f"{day}T09:30:00Z",
        ),
        step_statement(enrolment, session, ATTENDED, timestamp=f"{day}T10:00:00Z"),
    )
    enrolment.refresh_from_db()


def test_recognition_completion_through_services_creates_entry(learner, blended, record):
    """The last required step completes the module and writes its « module completed » entry."""
    enrolment = services.enrolment_create(actor=learner, module=blended)

    _complete(enrolment, record)

    assert enrolment.status == EnrolmentStatus.COMPLETED
    entry = RecordEntry.objects.get(user=learner)
    assert entry.kind == EntryKind.MODULE_COMPLETED
    assert entry.source_key == f"courses.enrolment:{enrolment.pk}"
    assert entry.title == "Différencier en mathématiques"
    assert entry.occurred_at == enrolment.completed_at
    assert entry.started_on == timezone.localdate(enrolment.created)
    assert entry.school_year == "2025-2026"
    assert entry.modality == TrainingModality.BLENDED
    assert (entry.distance_minutes, entry.in_person_minutes) == (360, 180)
    assert entry.issuer == "INSPE de Lyon"
    assert entry.result == "Module terminé — quiz réussi à 85 %"
    assert sorted(entry.competence_items.values_list("code", flat=True)) == ["A.1-3", "B.2-1"]
    assert entry.evidence_url == blended.url
    assert entry.details["objectives"] == "Identifier les besoins des élèves ;\nAdapter les tâches"
    assert entry.details["module_url"] == blended.url
    [completed] = [
        s for s in statements_of(enrolment, COMPLETED) if s["object"]["id"] == blended.activity_iri
    ]
    assert entry.statement_ids == [completed["id"]]
    assert "cohort" not in entry.details


def test_recognition_partial_progress_creates_no_entry(learner, blended, record):
    """Steps done but the session still to attend: no completion, nothing in the record."""
    enrolment = services.enrolment_create(actor=learner, module=blended)
    read, quiz, _optional, _session = course(blended)

    record(
        step_statement(enrolment, read, EXPERIENCED),
        step_statement(enrolment, quiz, PASSED, result={"score": {"scaled": 1}}),
    )

    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.ACTIVE
    assert not RecordEntry.objects.exists()


def test_recognition_completion_is_recorded_once(learner, blended, record):
    """Statements re-sent after completion, a second completion call: still one entry."""
    enrolment = services.enrolment_create(actor=learner, module=blended)
    _complete(enrolment, record)
    read = blended.live_steps().first()

    record(step_statement(enrolment, read, COMPLETED))
    again = services.enrolment_complete(actor=learner, enrolment=enrolment)
    entry, created = recognition.module_completed(
        enrolment=Enrolment.objects.select_related("user", "module").get(pk=enrolment.pk),
        statement_ids=["ignored"],
    )

    assert again is False
    assert created is False
    assert entry.statement_ids != ["ignored"]
    assert RecordEntry.objects.filter(user=learner).count() == 1


def test_recognition_cohort_names_cohort_and_trainers(learner, trainer, module, record):
    """Followed in Karim's cohort: the entry names the cohort and its trainers."""
    cohort = make_cohort(module=module, trainers=[trainer], name="Session de printemps")
    enrolment = member(user=learner, cohort=cohort)

    _complete(enrolment, record, quiz_score=1)

    entry = RecordEntry.objects.get(user=learner)
    assert entry.details["cohort"] == "Session de printemps"
    assert entry.details["trainers"] == ["Karim Benali"]
    assert entry.modality == TrainingModality.DISTANCE
    assert (entry.distance_minutes, entry.in_person_minutes) == (180, 0)
    assert entry.result == "Module terminé — quiz réussi à 100 %"


def test_recognition_module_without_quiz_says_completed(learner, module):
    """No quiz in the module: the result is « Module terminé »."""
    f.step_page(module=module, title="Lire")
    enrolment = services.enrolment_create(actor=learner, module=module)

    services.enrolment_complete(actor=learner, enrolment=enrolment)

    assert RecordEntry.objects.get(user=learner).result == "Module terminé"


def test_recognition_backfill_creates_missing_entries_once(learner, outsider, module, catalogue):
    """Enrolments completed before the record: backfill writes their entries, then nothing."""
    other = f.module_page(catalogue=catalogue, title="Autre module")
    done = f.enrolment(user=learner, module=module, status=EnrolmentStatus.COMPLETED)
    Enrolment.objects.filter(pk=done.pk).update(completed_at=done.created)
    f.enrolment(user=outsider, module=other)  # Active: not completed, no entry.
    already = services.enrolment_create(actor=outsider, module=module)
    services.enrolment_complete(actor=outsider, enrolment=already)

    assert recognition.backfill() == 1
    assert recognition.backfill() == 0
    output = io.StringIO()
    call_command("backfill_record", stdout=output)
    assert output.getvalue() == "0 record entries created.\n"

    entries = RecordEntry.objects.order_by("user__email")
    assert [(e.user, e.title) for e in entries] == [
        (learner, module.title),
        (outsider, module.title),
    ]
    assert entries.get(user=learner).statement_ids == []
