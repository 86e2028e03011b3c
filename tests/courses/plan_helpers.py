"""Builders of the training plan tests: establishments in two departments, teachers, a plan.

Teachers hold the teacher role, an académie (Lyon unless told) and an establishment; the
plan is created through the service, so its target is computed as in production.
"""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from campus.models import Academy, Discipline, Establishment
from campus.roles import Role
from campus.validators import uai_check_letter
from courses import services_plans
from courses.models import Enrolment, EnrolmentStatus
from tests.campus.factories import UserFactory

_sequence = itertools.count(1)


def establishment(department: str = "069", academy: str = "lyon", name: str = "") -> Establishment:
    """An establishment whose UAI code starts with the department's code."""
    n = next(_sequence)
    digits = f"{department}{n:04d}"
    return Establishment.objects.create(
        uai=digits + uai_check_letter(digits),
        name=name or f"Collège {department}-{n}",
        town="Lyon" if department == "069" else "Saint-Étienne",
        academy=Academy.objects.get(slug=academy),
    )


def teacher(
    *,
    at: Establishment | None = None,
    disciplines: tuple[str, ...] = ("mathematiques",),
    academy: str = "lyon",
    roles=(Role.TEACHER,),
    **fields,
):
    """A teacher of the académie, at an establishment, teaching the disciplines."""
    n = next(_sequence)
    fields.setdefault("email", f"prof{n}@ac-{academy}.fr")
    fields.setdefault("last_name", f"Prof{n:03d}")
    user = UserFactory(
        academy=Academy.objects.get(slug=academy), establishment=at, roles=list(roles), **fields
    )
    user.disciplines.set(Discipline.objects.filter(slug__in=disciplines))
    return user


def plan_data(modules, **overrides) -> dict:
    """The cleaned data of a plan by discipline (maths), due in a month."""
    data = {
        "title": "Plan mathématiques 2026",
        "description": "",
        "disciplines": list(Discipline.objects.filter(slug="mathematiques")),
        "degree": "",
        "target_kind": "discipline",
        "target_uais": [],
        "target_departments": [],
        "imported": None,
        "modules": list(modules),
        "deadline": timezone.localdate() + dt.timedelta(days=30),
    }
    data.update(overrides)
    return data


def plan(actor, modules, **overrides):
    """A plan created by ``actor`` through the service."""
    return services_plans.plan_create(actor=actor, data=plan_data(modules, **overrides))


def completed(user, module, *, when: dt.datetime | None = None) -> Enrolment:
    """The user's completed enrolment in the module (completed ``when``, now by default)."""
    return Enrolment.objects.create(
        user=user,
        module=module,
        status=EnrolmentStatus.COMPLETED,
        completed_at=when or timezone.now(),
    )


def active(user, module, status: str = EnrolmentStatus.ACTIVE) -> Enrolment:
    """The user's enrolment in the module, in progress unless told otherwise."""
    return Enrolment.objects.create(user=user, module=module, status=status)
