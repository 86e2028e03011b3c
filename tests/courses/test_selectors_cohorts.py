"""What a trainer may act on: their cohorts, their sessions, their members (404 beyond)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from campus.roles import Role
from courses import selectors_cohorts as selectors
from courses.models import EnrolmentStatus
from courses.selectors_trainer import LEARNER_STATUSES
from tests.campus.factories import UserFactory
from tests.courses import cohort_helpers as c
from tests.courses.trainer_helpers import learner_in

pytestmark = pytest.mark.django_db


def _strangers():
    """Who must not reach Karim's cohort: another trainer, an administrator, a superuser."""
    return [
        UserFactory(roles=[Role.TRAINER]),
        UserFactory(roles=[Role.ADMIN]),
        UserFactory(is_superuser=True, is_staff=True),
    ]


def test_selectors_cohort_for_trainer_is_404_for_anybody_else(
    trainer, module, django_assert_num_queries
):
    """A trainer reads their own cohort with its module in one query; nobody else reads it."""
    group = c.cohort(module=module, trainers=[trainer])

    with django_assert_num_queries(1):
        found = selectors.cohort_for_trainer(trainer, group.pk)
        assert found.module == module
    assert found == group
    for stranger in _strangers():
        with pytest.raises(Http404):
            selectors.cohort_for_trainer(stranger, group.pk)
    assert list(selectors.trainer_cohorts(trainer)) == [group]


def test_selectors_session_for_trainer_is_404_for_anybody_else(
    trainer, module, django_assert_num_queries
):
    """A session is read, with its cohort and module, only by the cohort's trainers."""
    session = c.session(cohort=c.cohort(module=module, trainers=[trainer]))

    with django_assert_num_queries(1):
        found = selectors.session_for_trainer(trainer, session.pk)
        assert found.cohort.module == module
    assert found == session
    for stranger in _strangers():
        with pytest.raises(Http404):
            selectors.session_for_trainer(stranger, session.pk)


def test_selectors_cohort_enrolment_for_trainer_keeps_to_the_cohort(trainer, module):
    """An enrolment is found in its own cohort only, and among ``statuses`` when given."""
    group = c.cohort(module=module, trainers=[trainer])
    active = learner_in(group)
    pending = learner_in(group, status=EnrolmentStatus.PENDING)
    elsewhere = learner_in(c.cohort(module=module, trainers=[trainer], name="Autre"))

    found = selectors.cohort_enrolment_for_trainer(group, active.pk)
    assert (found, found.cohort, found.module) == (active, group, module)
    assert selectors.cohort_enrolment_for_trainer(group, pending.pk) == pending
    with pytest.raises(Http404):
        selectors.cohort_enrolment_for_trainer(group, elsewhere.pk)
    with pytest.raises(Http404):
        selectors.cohort_enrolment_for_trainer(group, pending.pk, statuses=LEARNER_STATUSES)
    learner = selectors.cohort_enrolment_for_trainer(group, active.pk, statuses=LEARNER_STATUSES)
    assert learner == active


def test_selectors_may_run_cohorts_is_the_trainer_role(trainer, learner):
    """Trainers and superusers may run cohorts; administrators, learners and visitors may not."""
    assert selectors.may_run_cohorts(trainer)
    assert selectors.may_run_cohorts(UserFactory(is_superuser=True))
    assert not selectors.may_run_cohorts(UserFactory(roles=[Role.ADMIN]))
    assert not selectors.may_run_cohorts(learner)
    assert not selectors.may_run_cohorts(AnonymousUser())
