"""Attendance sheets: upsert, ``attended`` statements, voiding on correction, guards."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from courses import services_assessment as services
from courses.models import (
    Attendance,
    AttendanceStatus,
    CompletionRule,
    EnrolmentStatus,
    StepProgress,
    StepProgressStatus,
    activity_iri,
)
from lrs.models import Statement
from tests.campus.factories import UserFactory
from tests.courses import assessment_helpers as h
from tests.courses import factories as f
from tests.courses.learning_helpers import ATTENDED

pytestmark = pytest.mark.django_db

PRESENT, ABSENT, EXCUSED = (
    AttendanceStatus.PRESENT,
    AttendanceStatus.ABSENT,
    AttendanceStatus.EXCUSED,
)


@pytest.fixture
def step(module):
    """The step announcing the in-person session, completed by attendance."""
    return f.step_page(module=module, title="Regroupement", completion_rule=CompletionRule.ATTENDED)


@pytest.fixture
def session(cohort, step):
    """The cohort's session of that step, begun an hour ago."""
    return h.session(cohort=cohort, step=step)


@pytest.fixture
def claire(learner, cohort):
    """Claire's enrolment in the cohort."""
    return h.member(user=learner, cohort=cohort)


@pytest.fixture
def paul(cohort):
    """Paul's enrolment in the cohort."""
    return h.member(user=UserFactory(first_name="Paul", last_name="Durand"), cohort=cohort)


@pytest.fixture
def sheet(trainer, session, django_capture_on_commit_callbacks):
    """Save marks as Karim, running what waits for the commit (the progress engine)."""

    def sheet(marks):
        with django_capture_on_commit_callbacks(execute=True):
            return services.attendance_record(actor=trainer, session=session, marks=marks)

    return sheet


def _progress(enrolment, step):
    row = StepProgress.objects.filter(enrolment=enrolment, step=step).first()
    return row.status if row else None


def test_services_attendance_present_records_attended_and_completes_step(
    sheet, trainer, session, step, claire, paul
):
    """ "Present" stores an attended statement on the step (id kept) and completes the step."""
    sheet({claire.pk: PRESENT, paul.pk: ABSENT})

    line = Attendance.objects.get(session=session, enrolment=claire)
    assert (line.status, line.recorded_by) == (PRESENT, trainer)
    statement = Statement.objects.get(statement_id=line.statement_id)
    assert statement.verb_id == ATTENDED
    assert statement.registration == claire.registration
    assert statement.object_activity_id == step.activity_iri
    context = statement.payload["context"]
    assert context["instructor"]["mbox"] == f"mailto:{trainer.email}"
    assert context["contextActivities"]["grouping"][0]["id"] == activity_iri("session", session.pk)
    assert _progress(claire, step) == StepProgressStatus.COMPLETED
    absent = Attendance.objects.get(session=session, enrolment=paul)
    assert (absent.status, absent.statement_id) == (ABSENT, None)
    assert not Statement.objects.filter(registration=paul.registration).exists()


def test_services_attendance_correction_voids_statement_and_takes_step_back(
    sheet, session, step, claire
):
    """Correcting "present" to excused voids the statement; progress is rebuilt without it."""
    sheet({claire.pk: PRESENT})
    first = Attendance.objects.get(session=session, enrolment=claire).statement_id

    sheet({claire.pk: EXCUSED})

    line = Attendance.objects.get(session=session, enrolment=claire)
    assert (line.status, line.statement_id) == (EXCUSED, None)
    assert Statement.objects.get(statement_id=first).voided is True
    assert _progress(claire, step) is None
    assert Attendance.objects.count() == 1

    sheet({claire.pk: PRESENT})
    again = Attendance.objects.get(session=session, enrolment=claire).statement_id
    assert again not in (None, first)
    assert _progress(claire, step) == StepProgressStatus.COMPLETED


def test_services_attendance_present_twice_records_once(sheet, session, claire):
    """Saving the sheet again with the same "present" records no second statement."""
    sheet({claire.pk: PRESENT})
    sheet({claire.pk: PRESENT})

    assert Statement.objects.filter(registration=claire.registration, verb_id=ATTENDED).count() == 1


def test_services_attendance_without_step_is_about_the_meeting(trainer, cohort, claire):
    """A session announcing no step records attendance at the meeting activity itself."""
    meeting = h.session(cohort=cohort)

    services.attendance_record(actor=trainer, session=meeting, marks={claire.pk: PRESENT})

    statement = Statement.objects.get(registration=claire.registration, verb_id=ATTENDED)
    assert statement.object_activity_id == activity_iri("session", meeting.pk)


def test_services_attendance_refuses_learners_not_in_the_cohort(
    trainer, session, claire, module, cohort
):
    """A learner of another cohort, or a withdrawn one, is refused and nothing is recorded."""
    elsewhere = h.member(user=UserFactory(), cohort=h.cohort(module=module, name="Autre cohorte"))
    withdrawn = h.member(user=UserFactory(), cohort=cohort, status=EnrolmentStatus.WITHDRAWN)

    for stranger in (elsewhere, withdrawn):
        with pytest.raises(services.AssessmentError, match="ne font pas partie de ce groupe"):
            services.attendance_record(
                actor=trainer, session=session, marks={claire.pk: PRESENT, stranger.pk: PRESENT}
            )

    assert not Attendance.objects.exists()
    assert not Statement.objects.filter(verb_id=ATTENDED).exists()


def test_services_attendance_refuses_unknown_status(trainer, session, claire):
    """A status other than present, absent or excused is refused."""
    with pytest.raises(services.AssessmentError, match="late"):
        services.attendance_record(actor=trainer, session=session, marks={claire.pk: "late"})
    assert not Attendance.objects.exists()


def test_services_attendance_only_by_the_cohorts_trainers(learner, session, claire, module):
    """The learner, or a trainer of another cohort, may not take attendance."""
    other = UserFactory()
    h.cohort(module=module, trainers=[other], name="Autre cohorte")

    for intruder in (learner, other):
        with pytest.raises(PermissionDenied):
            services.attendance_record(actor=intruder, session=session, marks={claire.pk: PRESENT})
    assert not Attendance.objects.exists()


def test_services_attendance_refused_before_the_session(trainer, cohort, step, claire):
    """Nobody is marked present at a session that has not begun."""
    later = h.session(cohort=cohort, step=step, starts_at=timezone.now() + dt.timedelta(days=2))

    with pytest.raises(services.AssessmentError, match="séance commencée"):
        services.attendance_record(actor=trainer, session=later, marks={claire.pk: PRESENT})
