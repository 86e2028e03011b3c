"""The demo training offer and its cohort: complete, published, real statements, idempotent."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from campus.demo import DEMO_PASSWORD
from campus.models import User
from campus.roles import MODERATION_WORKFLOW
from courses.demo import C2I2E_SLUG, GEOGEBRA_SLUG, TEACHER_EMAIL, TRAINER_EMAIL, seed_courses
from courses.models import (
    AssignmentSubmission,
    Attendance,
    CataloguePage,
    Cohort,
    Enrolment,
    EnrolmentStatus,
    ModulePage,
    StepPage,
    StepProgress,
)
from lrs.models import Statement
from tests.courses.learning_helpers import (
    ATTENDED,
    COMPLETED,
    EXPERIENCED,
    FAILED,
    PASSED,
    REGISTERED,
    statements_of,
)


def test_demo_seed_courses_builds_the_offer(db, client):
    """The C2i2e module has 6 live steps with one quiz, assignment, session and room."""
    report = seed_courses()
    assert len(report.pages) == 1 + 3 + 6 + 3 + 2
    module = ModulePage.objects.get(slug=C2I2E_SLUG)
    assert sorted(module.competences.values_list("code", flat=True)) == [
        "A.1-3",
        "A.2-1",
        "B.2-1",
        "B.3-2",
    ]
    steps = list(module.live_steps())
    assert len(steps) == 6
    kinds = [block.block_type for step in steps for block in step.body]
    for kind in ("quiz", "assignment", "session", "community_room", "document"):
        assert kinds.count(kind) == 1
    quiz = next(b.value for s in steps for b in s.body if b.block_type == "quiz")
    assert (quiz["pass_mark"], quiz["max_attempts"], len(quiz["questions"])) == (70, 3, 4)
    catalogue = CataloguePage.objects.get()
    assert catalogue.get_workflow().name == MODERATION_WORKFLOW
    assert module.get_latest_revision() is not None
    for page in [catalogue, module, *steps]:
        assert client.get(page.url).status_code == 200


def test_demo_seed_courses_is_idempotent(db):
    """A second run creates nothing."""
    seed_courses()
    counts = (ModulePage.objects.count(), StepPage.objects.count())
    report = seed_courses()
    assert report.pages == [] and report.documents == []
    assert (ModulePage.objects.count(), StepPage.objects.count()) == counts


@pytest.fixture
def seeded(db, django_capture_on_commit_callbacks):
    """The demo loaded, with the LRS's on-commit hook run (so progress is derived)."""
    with django_capture_on_commit_callbacks(execute=True):
        report = seed_courses()
    return report


def _module():
    return ModulePage.objects.get(slug=C2I2E_SLUG)


def test_demo_seed_cohort_has_a_trainer_two_sessions_and_20_learners(seeded):
    """« Lyon — <season> »: the demo trainer, two sessions, 20 learners, not the demo teacher."""
    cohort = Cohort.objects.get(module=_module())
    assert cohort.name.startswith("Lyon — ")
    assert list(cohort.trainers.values_list("email", flat=True)) == [TRAINER_EMAIL]
    assert cohort.academy.slug == "lyon"
    assert cohort.starts_on < timezone.localdate() < cohort.ends_on
    past, upcoming = cohort.sessions.order_by("starts_at")
    assert past.starts_at < timezone.now() < upcoming.starts_at
    for session in (past, upcoming):
        assert session.step.slug == "regroupement-inspe"
        assert session.place.startswith("INSPE de Lyon")
    members = Enrolment.objects.filter(cohort=cohort).select_related("user")
    assert members.count() == 20
    assert {e.user.academy.slug for e in members} == {"lyon"}
    assert len({e.user.disciplines.get().slug for e in members}) >= 10
    assert len({e.user.establishment.uai for e in members}) >= 5
    for enrolment in members:
        assert enrolment.user.check_password(DEMO_PASSWORD)
        assert statements_of(enrolment, REGISTERED), enrolment.user.email
    assert seeded.cohorts == [cohort.name]
    assert len(seeded.learners) == 20
    # The demo teacher has GeoGebra begun in « Ma formation »; C2i2e is left to her journey.
    teacher = User.objects.get(email=TEACHER_EMAIL)
    assert not Enrolment.objects.filter(user=teacher, module=_module()).exists()
    enrolment = Enrolment.objects.get(user=teacher)
    assert enrolment.module.slug == GEOGEBRA_SLUG
    assert enrolment.progress.filter(status="completed").count() == 1


def test_demo_seed_cohort_progress_is_derived_from_statements(seeded):
    """Not started, 1 or 2 steps, quiz failed or passed, handed in, accepted, completed, idle."""
    members = list(Enrolment.objects.filter(cohort__module=_module()).select_related("user"))
    done = {
        e.user.email: StepProgress.objects.filter(enrolment=e, status="completed").count()
        for e in members
    }
    assert sorted(done.values()) == [0] * 4 + [1] * 3 + [2] * 5 + [3] * 5 + [4] + [6] * 2
    # Every completed step comes from a statement of the learner's registration.
    for enrolment in members:
        if done[enrolment.user.email]:
            assert statements_of(enrolment, EXPERIENCED)
    failed = [e for e in members if statements_of(e, FAILED)]
    passed = [e for e in members if statements_of(e, PASSED)]
    assert len(passed) == 8
    assert len(failed) == 5  # Two who failed, three who passed at their second attempt.
    assert len(set(failed) & set(passed)) == 3
    assert StepProgress.objects.filter(step__slug="quiz-reperes", status="started").count() == 2
    completed = [e for e in members if e.status == EnrolmentStatus.COMPLETED]
    assert len(completed) == 2
    for enrolment in completed:
        assert statements_of(enrolment, ATTENDED) and statements_of(enrolment, COMPLETED)
    statuses = sorted(AssignmentSubmission.objects.values_list("status", flat=True))
    assert statuses == ["accepted"] * 3 + ["submitted"] * 2
    assert sorted(Attendance.objects.values_list("status", flat=True)) == [
        "excused",
        "present",
        "present",
    ]
    # Four learners last worked more than the cohort's 14 days ago; four never came.
    cohort = Cohort.objects.get(module=_module())
    limit = timezone.now() - dt.timedelta(days=cohort.inactivity_days)
    assert len([e for e in members if e.last_activity_at and e.last_activity_at < limit]) == 4
    assert len([e for e in members if e.last_activity_at is None]) == 4


def test_demo_seed_cohort_is_idempotent(seeded, django_capture_on_commit_callbacks):
    """A second run creates no cohort, account, enrolment, statement or submission."""

    def counts():
        return [
            model.objects.count()
            for model in (Cohort, User, Enrolment, Statement, AssignmentSubmission, Attendance)
        ]

    before = counts()
    with django_capture_on_commit_callbacks(execute=True):
        report = seed_courses()
    assert (report.cohorts, report.learners, report.enrolments) == ([], [], [])
    assert counts() == before


def test_demo_seed_courses_gives_the_inspector_a_plan_with_figures(db):
    """The demo inspector's plan targets the Rhône's teachers, the demo cohort among them."""
    from courses.models_plans import PlanTarget, TrainingPlan
    from courses.selectors_plans import plan_dashboard

    seed_courses()
    seed_courses()
    plan = TrainingPlan.objects.get()
    assert plan.created_by.email == "inspectrice@campus.localhost"
    assert PlanTarget.objects.filter(plan=plan).count() >= 20
    assert plan_dashboard(plan).totals.enrolled >= 20
