"""seed_demo loads the demo content once; running it again changes nothing."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from campus.demo import DEMO_PASSWORD
from campus.models import Establishment, User
from campus.roles import Role

pytestmark = pytest.mark.django_db


def test_commands_seed_demo_is_idempotent(settings, capsys):
    """A second run creates nothing and keeps a password the user changed."""
    settings.DEBUG = True
    call_command("seed_demo")
    first = capsys.readouterr().out
    assert "5 account(s) created" in first
    assert "enseignante@campus.localhost" in first
    teacher = User.objects.get(email="enseignante@campus.localhost")
    assert teacher.check_password(DEMO_PASSWORD)
    assert teacher.has_role(Role.TEACHER)
    # A moderator to approve what is submitted in the CMS, printed with the other log-ins.
    assert "moderatrice@campus.localhost" in first
    moderator = User.objects.get(email="moderatrice@campus.localhost")
    assert moderator.roles == {Role.MODERATOR}
    teacher.set_password("changed-by-claire")
    teacher.save()
    counts = (User.objects.count(), Establishment.objects.count())

    call_command("seed_demo")
    assert "0 account(s) created" in capsys.readouterr().out
    assert (User.objects.count(), Establishment.objects.count()) == counts
    teacher.refresh_from_db()
    assert teacher.check_password("changed-by-claire")


def test_commands_seed_demo_calls_each_apps_hook_once_per_content(settings, capsys):
    """Apps' ``seed_demo`` hooks load their content (the training offer) once, in app order."""
    settings.DEBUG = True
    call_command("seed_demo")
    first = capsys.readouterr().out
    # The people come first: the courses hook enrols them.
    assert first.index("account(s) created") < first.index("Training offer: 15 page(s)")
    assert "1 cohort(s), 20 learner account(s) and 21 enrolment(s) created" in first
    assert "enrolment key NUMERIQUE-LYON" in first
    cohorts = apps.get_model("courses", "Cohort").objects
    enrolments = apps.get_model("courses", "Enrolment").objects
    counts = (cohorts.count(), enrolments.count(), User.objects.count())
    assert counts == (1, 21, 25)

    call_command("seed_demo")
    second = capsys.readouterr().out
    assert "Training offer: 0 page(s), 0 document(s), 0 cohort(s)" in second
    assert (cohorts.count(), enrolments.count(), User.objects.count()) == counts


def test_commands_seed_demo_refuses_production(settings):
    """With DEBUG off, seed_demo refuses to create accounts with a published password."""
    settings.DEBUG = False
    with pytest.raises(CommandError, match="refusing to create demo accounts"):
        call_command("seed_demo")
    assert not User.objects.filter(email="enseignante@campus.localhost").exists()
    assert not apps.get_model("courses", "ModulePage").objects.exists()


def test_commands_seed_demo_allows_production_when_asked(settings, capsys):
    """With DEBUG off, --allow-production seeds anyway (a throwaway database, a bench)."""
    settings.DEBUG = False
    call_command("seed_demo", "--allow-production")
    assert "5 account(s) created" in capsys.readouterr().out
    assert apps.get_model("courses", "Cohort").objects.count() == 1
