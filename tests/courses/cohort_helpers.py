"""Builders of the cohort tests: a cohort of a module, run by a trainer.

A cohort runs from yesterday to a month from now unless told otherwise (so it is open to
joining today), with the given trainers.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from courses.models import Cohort, CohortSession


def cohort(*, module, trainers=(), **fields) -> Cohort:
    """A cohort of ``module`` taught by ``trainers``, open to requests needing approval."""
    today = timezone.localdate()
    fields.setdefault("name", "Session de printemps")
    fields.setdefault("starts_on", today - dt.timedelta(days=1))
    fields.setdefault("ends_on", today + dt.timedelta(days=30))
    built = Cohort.objects.create(module=module, **fields)
    built.trainers.add(*trainers)
    return built


def session(*, cohort: Cohort, days: int = 7, **fields) -> CohortSession:
    """An in-person session of the cohort, ``days`` from now at 9:00."""
    start = timezone.localtime() + dt.timedelta(days=days)
    fields.setdefault("title", "Regroupement")
    fields.setdefault("place", "INSPE de Lyon")
    fields.setdefault("starts_at", start.replace(hour=9, minute=0, second=0, microsecond=0))
    return CohortSession.objects.create(cohort=cohort, **fields)
