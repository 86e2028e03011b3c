"""The trainer's writes: reminding an inactive learner, announcing to a cohort."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone, translation

from courses.models import Announcement, EnrolmentStatus, Reminder
from courses.services_trainer import TrainerActionError, announcement_create, reminder_send
from tests.campus.factories import UserFactory
from tests.courses.learning_helpers import course
from tests.courses.trainer_helpers import cohort, learner_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Emails and refusals read in English, whatever the French catalogue says."""
    with translation.override("en"):
        yield


def test_services_reminder_emails_the_learner_and_records_it(
    trainer, learner, module, django_capture_on_commit_callbacks
):
    """The reminder names the module and the next step, links "resume", and is recorded."""
    read, *_ = course(module)
    group = cohort(module=module, trainers=[trainer], name="Lyon 2026")
    enrolment = learner_in(group, user=learner, last_active_days_ago=30)

    with django_capture_on_commit_callbacks(execute=True):
        reminder = reminder_send(actor=trainer, cohort=group, enrolment=enrolment)

    assert Reminder.objects.get() == reminder
    assert (reminder.enrolment, reminder.sent_by) == (enrolment, trainer)
    (message,) = mail.outbox
    assert message.to == [learner.email]
    assert module.title in message.subject
    assert module.title in message.body
    assert read.title in message.body
    assert f"/parcours/inscriptions/{enrolment.pk}/reprendre/" in message.body


def test_services_reminder_refused_within_24_hours(
    trainer, learner, module, django_capture_on_commit_callbacks
):
    """A second reminder to the same learner within 24 h is refused and sends nothing."""
    group = cohort(module=module, trainers=[trainer])
    enrolment = learner_in(group, user=learner)
    reminder_send(actor=trainer, cohort=group, enrolment=enrolment)

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(TrainerActionError, match="24 hours"),
    ):
        reminder_send(actor=trainer, cohort=group, enrolment=enrolment)

    assert Reminder.objects.count() == 1
    assert mail.outbox == []


def test_services_reminder_allowed_again_after_24_hours(trainer, learner, module):
    """Once the last reminder is more than a day old, another one goes out."""
    group = cohort(module=module, trainers=[trainer])
    enrolment = learner_in(group, user=learner)
    first = reminder_send(actor=trainer, cohort=group, enrolment=enrolment)
    Reminder.objects.filter(pk=first.pk).update(sent_at=timezone.now() - dt.timedelta(hours=25))

    reminder_send(actor=trainer, cohort=group, enrolment=enrolment)

    assert Reminder.objects.count() == 2


def test_services_reminder_refused_to_another_trainer(trainer, learner, module):
    """A trainer who does not run the cohort cannot remind its learners."""
    group = cohort(module=module, trainers=[UserFactory()])
    enrolment = learner_in(group, user=learner)

    with pytest.raises(TrainerActionError):
        reminder_send(actor=trainer, cohort=group, enrolment=enrolment)

    assert not Reminder.objects.exists()


@pytest.mark.parametrize("status", [EnrolmentStatus.COMPLETED, EnrolmentStatus.WITHDRAWN])
def test_services_reminder_only_for_learners_in_progress(trainer, module, status):
    """Completed or withdrawn learners are not reminded."""
    group = cohort(module=module, trainers=[trainer])
    enrolment = learner_in(group, status=status)

    with pytest.raises(TrainerActionError):
        reminder_send(actor=trainer, cohort=group, enrolment=enrolment)


def test_services_reminder_refuses_a_learner_of_another_cohort(trainer, module):
    """A trainer's cohort cannot be used to remind the learner of another cohort."""
    mine, theirs = cohort(module=module, trainers=[trainer]), cohort(module=module)
    stranger = learner_in(theirs)

    with pytest.raises(TrainerActionError):
        reminder_send(actor=trainer, cohort=mine, enrolment=stranger)


def test_services_announcement_emails_active_learners_only(
    trainer, module, django_capture_on_commit_callbacks
):
    """Each active learner gets their own email; pending, withdrawn, others' learners none."""
    group = cohort(module=module, trainers=[trainer], name="Lyon 2026")
    active = [learner_in(group), learner_in(group)]
    learner_in(group, status=EnrolmentStatus.PENDING)
    learner_in(group, status=EnrolmentStatus.WITHDRAWN)
    learner_in(group, is_active=False)  # Deactivated account.
    learner_in(cohort(module=module, trainers=[trainer]))  # Another cohort.

    with django_capture_on_commit_callbacks(execute=True):
        announcement, sent = announcement_create(
            actor=trainer, cohort=group, subject="Salle changée", body="Rendez-vous en B12."
        )

    assert sent == 2
    assert Announcement.objects.get() == announcement
    assert (announcement.author, announcement.cohort) == (trainer, group)
    assert sorted(m.to for m in mail.outbox) == sorted([e.user.email] for e in active)
    message = mail.outbox[0]
    assert message.subject == "[Lyon 2026] Salle changée"
    assert "Rendez-vous en B12." in message.body
    assert "/parcours/ma-formation/" in message.body


def test_services_announcement_refused_to_another_trainer(trainer, module):
    """Only the cohort's trainers may announce to it."""
    group = cohort(module=module, trainers=[UserFactory()])
    learner_in(group)

    with pytest.raises(TrainerActionError):
        announcement_create(actor=trainer, cohort=group, subject="Hop", body="Hop")

    assert not Announcement.objects.exists()
    assert mail.outbox == []


def test_services_announcement_needs_subject_and_body(trainer, module):
    """A blank subject or message is refused."""
    group = cohort(module=module, trainers=[trainer])

    with pytest.raises(TrainerActionError):
        announcement_create(actor=trainer, cohort=group, subject="  ", body="Texte")

    assert not Announcement.objects.exists()
