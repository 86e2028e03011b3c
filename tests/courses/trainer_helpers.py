"""Builders of the trainer's space tests: a cohort, its learners, their progress.

A cohort runs from a week ago to two months ahead; learners are active, enrolled through the
cohort, with no activity unless told otherwise (``last_active_days_ago``); their enrolment
date can be moved back (``enrolled_days_ago``) so the inactivity rule has something to judge.
"""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from courses.models import Cohort, Enrolment, EnrolmentStatus, ModulePage, StepProgress
from tests.campus.factories import EstablishmentFactory, UserFactory

_sequence = itertools.count(1)


def cohort(*, module: ModulePage, trainers=(), **fields) -> Cohort:
    """A cohort of ``module`` run by ``trainers``."""
    n = next(_sequence)
    today = timezone.localdate()
    fields.setdefault("name", f"Groupe n°{n}")
    fields.setdefault("starts_on", today - dt.timedelta(days=7))
    fields.setdefault("ends_on", today + dt.timedelta(days=60))
    group = Cohort.objects.create(module=module, **fields)
    group.trainers.set(trainers)
    return group


def learner_in(
    group: Cohort,
    *,
    user=None,
    status: str = EnrolmentStatus.ACTIVE,
    last_active_days_ago: int | None = None,
    enrolled_days_ago: int = 0,
    **user_fields,
) -> Enrolment:
    """A learner enrolled in the cohort (a new teacher with an establishment unless given)."""
    if user is None:
        user_fields.setdefault("establishment", EstablishmentFactory())
        user = UserFactory(**user_fields)
    now = timezone.now()
    enrolment = Enrolment.objects.create(
        user=user,
        module=group.module,
        cohort=group,
        status=status,
        last_activity_at=None
        if last_active_days_ago is None
        else now - dt.timedelta(days=last_active_days_ago),
    )
    if enrolled_days_ago:
        # `created` is auto_now_add: move it back with an UPDATE.
        enrolment.created = now - dt.timedelta(days=enrolled_days_ago)
        Enrolment.objects.filter(pk=enrolment.pk).update(created=enrolment.created)
    return enrolment


def progress(enrolment: Enrolment, step, status: str = "completed", score=None) -> StepProgress:
    """A progress row as the progress engine would have written it."""
    return StepProgress.objects.create(
        enrolment=enrolment,
        step=step,
        status=status,
        score=score,
        completed_at=timezone.now() if status == "completed" else None,
    )
