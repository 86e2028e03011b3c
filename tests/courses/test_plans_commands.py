"""manage.py seed_scale with tiny figures: what it builds, and its refusals."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from campus.models import User
from courses import selectors_plans
from courses.management.commands.seed_scale import scale_plan
from courses.models import Enrolment

pytestmark = pytest.mark.django_db


def test_commands_seed_scale_builds_a_plan_and_its_spread(settings, catalogue):
    """Teachers, a plan with exactly the target, and enrolments of every kind."""
    settings.DEBUG = True
    call_command("seed_scale", teachers=300, target=80, modules=3, verbosity=0)
    assert User.objects.filter(email__endswith="@scale.invalid").count() == 301  # + inspector.
    plan = scale_plan()
    assert plan is not None and plan.targets.count() == 80 and plan.modules.count() == 3
    board = selectors_plans.plan_dashboard(plan)
    totals = board.totals
    assert totals.size == 80 and totals.completed > 0 and totals.in_progress > 0
    assert totals.not_started > 0
    assert {d.code for d in board.departments} <= {"069", "042", "001"}
    assert Enrolment.objects.filter(status="completed", completed_at__isnull=True).count() == 0
    assert len(board.weeks) >= 10  # Completions spread over the last 12 weeks.


def test_commands_seed_scale_refuses_twice(settings, catalogue):
    """A second run stops with a clear message instead of duplicating the data set."""
    settings.DEBUG = True
    call_command("seed_scale", teachers=20, target=5, modules=1, verbosity=0)
    with pytest.raises(CommandError, match="already there"):
        call_command("seed_scale", teachers=20, target=5, modules=1, verbosity=0)


def test_commands_seed_scale_refuses_production(settings):
    """With DEBUG off the command needs --allow-production."""
    settings.DEBUG = False
    with pytest.raises(CommandError, match="allow-production"):
        call_command("seed_scale", teachers=20, target=5, verbosity=0)
    assert not User.objects.filter(email__endswith="@scale.invalid").exists()
