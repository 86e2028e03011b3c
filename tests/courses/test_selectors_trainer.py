"""The trainer's reads: cohorts of a trainer, the progress grid, quiz results, announcements."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from courses import selectors_trainer as selectors
from courses.models import (
    Announcement,
    AssignmentSubmission,
    CohortSession,
    EnrolmentStatus,
    Reminder,
    SubmissionStatus,
)
from courses.quiz import quiz_submit
from tests.campus.factories import UserFactory
from tests.courses import factories as f
from tests.courses.conftest import quiz_ids
from tests.courses.learning_helpers import course
from tests.courses.trainer_helpers import cohort, learner_in, progress

pytestmark = pytest.mark.django_db


def test_selectors_grid_holds_each_learner_step_by_step(trainer, module):
    """The grid lists the cohort's learners by name, each step's status and score, in order."""
    read, quiz, more, session = course(module)
    group = cohort(module=module, trainers=[trainer])
    zoe = learner_in(group, first_name="Zoé", last_name="Vidal")
    anne = learner_in(group, first_name="Anne", last_name="Bernard")
    learner_in(group, first_name="Paul", last_name="Pending", status=EnrolmentStatus.PENDING)
    learner_in(group, first_name="Wanda", last_name="Withdrawn", status=EnrolmentStatus.WITHDRAWN)
    f.enrolment(user=UserFactory(), module=module)  # Same module, no cohort.
    progress(anne, read)
    progress(anne, quiz, "started", score=0.4)
    progress(zoe, read)
    progress(zoe, quiz, score=0.9)

    grid = selectors.cohort_grid(group)

    assert [s.pk for s in grid.steps] == [read.pk, quiz.pk, more.pk, session.pk]
    assert [row.enrolment for row in grid.rows] == [anne, zoe]
    anne_row, zoe_row = grid.rows
    assert anne_row.statuses == ["completed", "started", None, None]
    assert anne_row.scores == [None, 0.4, None, None]
    assert anne_row.percent == 33  # 1 of 3 required steps.
    assert zoe_row.percent == 66
    assert grid.average_percent == 49
    assert grid.quiz_steps == [quiz]


def test_selectors_grid_leaves_out_unpublished_steps(trainer, module):
    """Progress on a step taken offline stays in the table but not in the grid."""
    _read, quiz, *_ = course(module)
    group = cohort(module=module, trainers=[trainer])
    anne = learner_in(group)
    progress(anne, quiz)
    quiz.unpublish()

    grid = selectors.cohort_grid(group)

    assert quiz.pk not in [s.pk for s in grid.steps]
    assert grid.rows[0].statuses == [None, None, None]


def test_selectors_grid_highlights_inactive_learners(trainer, module):
    """Silent for inactivity_days (or never started since enrolling that long ago) is inactive."""
    course(module)
    group = cohort(module=module, trainers=[trainer], inactivity_days=10)
    silent = learner_in(group, last_active_days_ago=11)
    never = learner_in(group, enrolled_days_ago=12)
    recent = learner_in(group, last_active_days_ago=2, enrolled_days_ago=30)
    newcomer = learner_in(group, enrolled_days_ago=3)
    done = learner_in(group, status=EnrolmentStatus.COMPLETED, last_active_days_ago=40)

    grid = selectors.cohort_grid(group)

    inactive = {row.enrolment.pk for row in grid.inactive_rows}
    assert inactive == {silent.pk, never.pk}
    assert not inactive & {recent.pk, newcomer.pk, done.pk}
    never_row = next(r for r in grid.rows if r.enrolment.pk == never.pk)
    assert never_row.last_seen == never.created


def test_selectors_grid_knows_when_a_learner_was_reminded(trainer, module):
    """A reminder sent an hour ago shows as recent; one sent two days ago does not."""
    group = cohort(module=module, trainers=[trainer])
    anne, zoe = learner_in(group), learner_in(group)
    Reminder.objects.create(enrolment=anne, sent_by=trainer)
    old = Reminder.objects.create(enrolment=zoe, sent_by=trainer)
    Reminder.objects.filter(pk=old.pk).update(sent_at=timezone.now() - dt.timedelta(days=2))

    rows = {row.enrolment.pk: row for row in selectors.cohort_grid(group).rows}

    assert rows[anne.pk].reminded_recently
    assert rows[zoe.pk].last_reminded_at is not None
    assert not rows[zoe.pk].reminded_recently


def test_selectors_cohort_summaries_give_each_cohort_its_figures(
    trainer, module, catalogue, django_assert_num_queries
):
    """Learners, average progress, reviews waiting and the next session, per cohort: 5 queries."""
    read, quiz, _more, session = course(module)
    group = cohort(module=module, trainers=[trainer], name="Groupe A")
    anne, zoe = learner_in(group), learner_in(group)
    learner_in(group, status=EnrolmentStatus.PENDING)
    progress(anne, read)
    progress(anne, quiz)
    progress(zoe, read, "started")
    now = timezone.now()
    CohortSession.objects.create(cohort=group, title="Passé", starts_at=now - dt.timedelta(days=1))
    later = CohortSession.objects.create(
        cohort=group, title="Bilan", starts_at=now + dt.timedelta(days=20)
    )
    soon = CohortSession.objects.create(
        cohort=group, title="Lancement", starts_at=now + dt.timedelta(days=2), step=session
    )
    assert later.starts_at > soon.starts_at
    for status in (SubmissionStatus.SUBMITTED, SubmissionStatus.ACCEPTED):
        AssignmentSubmission.objects.create(
            enrolment=anne if status == "submitted" else zoe,
            step=read,
            block_id="b1",
            status=status,
            submitted_at=now,
        )
    empty = cohort(module=f.module_page(catalogue=catalogue), trainers=[trainer], name="Vide")
    cohort(module=module, trainers=[UserFactory()], name="Pas le mien")

    with django_assert_num_queries(5):
        summaries = {s.cohort.name: s for s in selectors.cohort_summaries(trainer)}

    assert set(summaries) == {"Groupe A", "Vide"}
    a = summaries["Groupe A"]
    assert (a.learners, a.average_percent, a.pending_reviews) == (2, 33, 1)
    assert a.next_session == soon
    v = summaries["Vide"]
    assert (v.cohort, v.learners, v.average_percent, v.pending_reviews) == (empty, 0, None, 0)
    assert v.next_session is None


def test_selectors_quiz_results_count_attempts_from_the_lrs(
    trainer, learner, module, quiz_step, django_capture_on_commit_callbacks
):
    """Attempts and passed/failed come from the statements; the best score from progress."""
    group = cohort(module=module, trainers=[trainer])
    claire = learner_in(group, user=learner)
    idle = learner_in(group)
    block_id, questions = quiz_ids(quiz_step)
    (q1, (right, _wrong)), (q2, (c1, c2, _c3)), (q3, _) = questions
    wrong = {q1: _wrong, q2: [c1], q3: "Lyon"}
    good = {q1: right, q2: [c1, c2], q3: "Paris"}
    for answers in (wrong, good):
        with django_capture_on_commit_callbacks(execute=True):  # The progress engine's hook.
            quiz_submit(
                actor=learner, enrolment=claire, step=quiz_step, block_id=block_id, answers=answers
            )

    results = selectors.cohort_quiz_results(group)

    assert results.steps == [quiz_step]
    rows = dict(results.rows)
    claire_cell, idle_cell = rows[claire][0], rows[idle][0]
    assert (claire_cell.attempts, claire_cell.passed, claire_cell.best_percent) == (2, True, 100)
    assert (idle_cell.attempts, idle_cell.passed, idle_cell.best_score) == (0, False, None)
    assert not idle_cell.failed


def test_selectors_learner_announcements_only_from_followed_cohorts(trainer, learner, module):
    """A learner reads the announcements of cohorts they follow, not of those they left."""
    group, left = cohort(module=module, trainers=[trainer]), cohort(module=module)
    mine = learner_in(group, user=learner)
    other = f.module_page(catalogue=module.get_parent().specific)
    gone = learner_in(left, user=UserFactory(), status=EnrolmentStatus.WITHDRAWN)
    gone.module = other
    news = Announcement.objects.create(cohort=group, author=trainer, subject="Salle", body="B12")
    Announcement.objects.create(cohort=left, author=trainer, subject="Autre", body="…")

    assert selectors.learner_announcements([mine]) == [news]
    assert selectors.learner_announcements([gone]) == []
