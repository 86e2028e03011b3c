"""The notification digest: one email per person with what they missed, sent once."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.utils import timezone
from django_tasks import task_backends

from community.models import Notification
from community.tasks import DIGEST_MAX_ITEMS, send_notification_digests
from tests.campus.factories import UserFactory
from tests.community.factories import NotificationFactory

pytestmark = pytest.mark.usefixtures("english")


def _old(**kwargs) -> Notification:
    """A notification created an hour ago (past the digest's delay)."""
    return NotificationFactory(created=timezone.now() - dt.timedelta(hours=1), **kwargs)


@pytest.mark.django_db
def test_tasks_digest_sends_one_email_per_person_then_marks(learner, trainer, settings):
    """Each person gets one email with their due notifications; a second run sends nothing."""
    settings.SITE_URL = "https://campus.example.fr"
    settings.LANGUAGE_CODE = "en"
    first = _old(recipient=learner, text="Karim asks to join « Maths ».", url="/communautes/m/")
    _old(recipient=learner, text="Vous êtes animatrice de « Robotique ».", url="")
    _old(recipient=trainer, text="Your request is approved.")

    assert send_notification_digests.call() == {"sent": 2, "failed": 0}

    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert set(by_recipient) == {learner.email, trainer.email}
    claire = by_recipient[learner.email]
    assert claire.subject == "Campus: 2 notifications you missed"
    assert "Hello Claire," in claire.body
    assert "- Karim asks to join « Maths »." in claire.body
    assert f"https://campus.example.fr/communautes/notifications/{first.pk}/" in claire.body
    assert "https://campus.example.fr/communautes/notifications/" in claire.body
    assert "&laquo;" not in claire.body  # Plain text: nothing HTML-escaped.
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()

    mail.outbox.clear()
    assert send_notification_digests.call() == {"sent": 0, "failed": 0}
    assert mail.outbox == []


@pytest.mark.django_db
def test_tasks_digest_skips_read_recent_and_inactive(learner, trainer):
    """Read, fresh (seen live, maybe) and inactive people's notifications are not emailed."""
    read = _old(recipient=learner)
    Notification.objects.filter(pk=read.pk).update(read_at=timezone.now())
    fresh = NotificationFactory(recipient=learner)
    gone = UserFactory(is_active=False)
    _old(recipient=gone)

    assert send_notification_digests.call() == {"sent": 0, "failed": 0}
    assert mail.outbox == []
    fresh.refresh_from_db()
    assert fresh.emailed_at is None

    assert send_notification_digests.call(min_age_minutes=0) == {"sent": 1, "failed": 0}
    assert "Notification" in mail.outbox[0].body


@pytest.mark.django_db
def test_tasks_digest_lists_at_most_the_limit_and_counts_the_rest(learner):
    """A long backlog is summed up: the first ones listed, the rest counted, all marked."""
    for _ in range(DIGEST_MAX_ITEMS + 3):
        _old(recipient=learner)

    send_notification_digests.call()

    (email,) = mail.outbox
    assert email.body.count("\n- ") == DIGEST_MAX_ITEMS
    assert "… et 3 autres." in email.body
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()


class RefusingBackend(EmailBackend):
    """Django's locmem backend, except that one address makes the server refuse."""

    def send_messages(self, messages):
        if any("refuse" in address for m in messages for address in m.to):
            raise ConnectionRefusedError("SMTP server refused")
        return super().send_messages(messages)


@pytest.mark.django_db
def test_tasks_digest_failure_for_one_person_spares_the_others(learner, settings):
    """A refused email leaves that person's notifications for the next run."""
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    refused = UserFactory(email="refuse@example.org")
    kept = _old(recipient=refused)
    _old(recipient=learner)

    assert send_notification_digests.call() == {"sent": 1, "failed": 1}

    assert [m.to for m in mail.outbox] == [[learner.email]]
    kept.refresh_from_db()
    assert kept.emailed_at is None


@pytest.mark.django_db
def test_commands_send_notification_digests_runs_now(learner):
    """The command sends at once and says how many emails went."""
    _old(recipient=learner)
    out = StringIO()
    call_command("send_notification_digests", stdout=out)
    assert out.getvalue().strip() == "sent 1"
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_commands_send_notification_digests_refuses_negative_age():
    """A negative delay is a usage error."""
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        call_command("send_notification_digests", "--min-age", "-1")


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reference_data")
def test_commands_send_notification_digests_enqueue_for_the_worker(learner, settings):
    """--enqueue queues the task in the database; the worker sends the digest."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert type(task_backends["default"]).__name__ == "DatabaseBackend"
    _old(recipient=learner)

    out = StringIO()
    call_command("send_notification_digests", "--enqueue", stdout=out)
    assert out.getvalue().startswith("queued ")
    assert mail.outbox == []

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert [m.to for m in mail.outbox] == [[learner.email]]
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()
