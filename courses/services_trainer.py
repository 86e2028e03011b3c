"""Writes of the trainer's space: reminding an inactive learner, announcing to a cohort.

Every service takes the acting trainer and refuses (:class:`TrainerActionError`, whose message
is shown as is) when they do not run the cohort; views check it first with
:func:`courses.selectors_cohorts.cohort_for_trainer`, which answers 404. Emails are queued
through :func:`campus.tasks.send_email` once the transaction commits, so a rolled-back write
never sends anything and a slow mail server never holds a page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from campus.tasks import send_email
from courses.models import Announcement, Cohort, Enrolment, EnrolmentStatus, Reminder
from courses.selectors import next_step
from courses.selectors_trainer import REMINDER_INTERVAL

if TYPE_CHECKING:
    from campus.models import User


class TrainerActionError(Exception):
    """An action the guards refuse; the message is shown to the trainer as is."""


def _runs(actor: User, cohort: Cohort) -> None:
    """Refuse unless ``actor`` is one of the cohort's trainers."""
    if not cohort.trainers.filter(pk=actor.pk).exists():
        raise TrainerActionError(_("You do not run this cohort."))


def _queue_email(*, subject: str, body: str, recipient: str) -> None:
    """Queue one email to one recipient once the transaction commits.

    One message per learner, never a shared recipient list: learners must not see each
    other's addresses.
    """
    transaction.on_commit(
        lambda: send_email.enqueue(subject=subject, body=body, recipients=[recipient])
    )


def _can_remind(enrolment: Enrolment, cohort: Cohort, now) -> str | None:
    """Why the learner of ``enrolment`` may not be reminded now, or None when they may."""
    if enrolment.cohort_id != cohort.pk:
        return _("This learner is not in this cohort.")
    if enrolment.status != EnrolmentStatus.ACTIVE:
        return _("Only learners still in progress can be reminded.")
    last = enrolment.reminders.order_by("-sent_at").values_list("sent_at", flat=True).first()
    if last is not None and now - last < REMINDER_INTERVAL:
        return _(
            "%(learner)s was already reminded on %(date)s: wait 24 hours before another reminder."
        ) % {
            "learner": enrolment.user.get_full_name() or enrolment.user.email,
            "date": timezone.localtime(last).strftime("%d/%m/%Y %H:%M"),
        }
    return None


@transaction.atomic
def reminder_send(*, actor: User, cohort: Cohort, enrolment: Enrolment) -> Reminder:
    """Email an inactive learner a reminder to resume the module, and record it.

    The email names the module, the next step and the "resume" link. Raises
    :class:`TrainerActionError` when ``actor`` does not run the cohort, the learner is not an
    active learner of it, or was already reminded less than 24 hours ago.
    """
    _runs(actor, cohort)
    # Lock the enrolment: two trainers clicking "remind" at once must not both send one.
    enrolment = (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("user", "module")
        .get(pk=enrolment.pk)
    )
    now = timezone.now()
    refusal = _can_remind(enrolment, cohort, now)
    if refusal:
        raise TrainerActionError(refusal)
    reminder = Reminder.objects.create(enrolment=enrolment, sent_by=actor)
    step = next_step(enrolment)
    learner = enrolment.user
    lines = [
        _("Hello %(name)s,") % {"name": learner.get_short_name()},
        "",
        _(
            "We have not seen you in the module « %(module)s » of the cohort « %(cohort)s » "
            "for a while."
        )
        % {"module": enrolment.module.title, "cohort": cohort.name},
    ]
    if step is not None:
        lines.append(_("Your next step: %(step)s.") % {"step": step.title})
    lines += [
        "",
        _("Pick up where you left off: %(url)s")
        % {"url": settings.SITE_URL + reverse("courses:resume", args=[enrolment.pk])},
        "",
        _("See you soon,"),
        actor.get_full_name() or actor.email,
    ]
    _queue_email(
        subject=_("Your training « %(module)s » is waiting for you")
        % {"module": enrolment.module.title},
        body="\n".join(lines),
        recipient=learner.email,
    )
    return reminder


@transaction.atomic
def announcement_create(
    *, actor: User, cohort: Cohort, subject: str, body: str
) -> tuple[Announcement, int]:
    """Post an announcement to a cohort and email it to each of its active learners.

    Returns the announcement and the number of learners it is emailed to.
    Learners whose enrolment is pending, withdrawn or completed, and deactivated accounts, get
    no email (they still read it on "Ma formation" while they follow the module). Raises
    :class:`TrainerActionError` when ``actor`` does not run the cohort.
    """
    _runs(actor, cohort)
    subject, body = subject.strip(), body.strip()
    if not subject or not body:
        raise TrainerActionError(_("An announcement needs a subject and a message."))
    announcement = Announcement.objects.create(
        cohort=cohort, author=actor, subject=subject, body=body
    )
    recipients = list(
        Enrolment.objects.filter(
            cohort=cohort, status=EnrolmentStatus.ACTIVE, user__is_active=True
        ).values_list("user__email", flat=True)
    )
    footer = _("— %(author)s, for the cohort « %(cohort)s ». Your training: %(url)s") % {
        "author": actor.get_full_name() or actor.email,
        "cohort": cohort.name,
        "url": settings.SITE_URL + reverse("courses:my_training"),
    }
    for email in recipients:
        _queue_email(
            subject=f"[{cohort.name}] {subject}", body=f"{body}\n\n{footer}", recipient=email
        )
    return announcement, len(recipients)
