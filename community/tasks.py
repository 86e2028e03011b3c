"""Background tasks of the community app (django-tasks; `make worker` runs them)."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task

from community.models import Notification

logger = logging.getLogger(__name__)

# A notification read within this delay (live toast, notifications page) is not emailed.
DIGEST_MIN_AGE_MINUTES = 30
# The most notifications listed in one email; the rest are counted, and all marked emailed.
DIGEST_MAX_ITEMS = 50


def _due(cutoff: dt.datetime):
    """Unread notifications, not emailed yet, created before ``cutoff``, of active people."""
    return Notification.objects.filter(
        read_at__isnull=True,
        emailed_at__isnull=True,
        created__lte=cutoff,
        recipient__is_active=True,
    )


def _site_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _send_digest(recipient_id: int, cutoff: dt.datetime) -> bool:
    """Email one person their due notifications and mark them emailed; False if none left.

    The rows are locked until the email is sent and they are marked (skipping rows another
    worker holds): two digest runs at once never email the same notification twice. If
    sending fails the transaction rolls back, and the next run tries again.
    """
    with transaction.atomic():
        notifications = list(
            _due(cutoff)
            .filter(recipient_id=recipient_id)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("recipient")
            .order_by("created", "pk")
        )
        if not notifications:
            return False
        recipient = notifications[0].recipient
        listed = notifications[:DIGEST_MAX_ITEMS]
        context = {
            "recipient": recipient,
            "count": len(notifications),
            "items": [
                {
                    "notification": n,
                    "url": _site_url(reverse("community:notification_open", args=[n.pk]))
                    if n.url
                    else "",
                }
                for n in listed
            ],
            "more": len(notifications) - len(listed),
            "notifications_url": _site_url(reverse("community:notifications")),
        }
        # The site's language: a background task knows nothing of the person's last page.
        with translation.override(settings.LANGUAGE_CODE):
            subject = "".join(
                render_to_string(
                    "community/emails/notification_digest_subject.txt", context
                ).splitlines()
            )
            body = render_to_string("community/emails/notification_digest_body.txt", context)
        EmailMessage(subject, body, to=[recipient.email]).send()
        Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(
            emailed_at=timezone.now()
        )
    return True


@task()
def send_notification_digests(min_age_minutes: int = DIGEST_MIN_AGE_MINUTES) -> dict[str, int]:
    """Email each person, once, the unread notifications they have not been emailed yet.

    Only notifications older than ``min_age_minutes`` count: what was just seen live needs no
    email. Queued by ``manage.py send_notification_digests --enqueue`` (cron); returns how
    many emails were sent, and how many failed (they are retried by the next run).
    """
    cutoff = timezone.now() - dt.timedelta(minutes=min_age_minutes)
    recipients = list(
        _due(cutoff).order_by("recipient_id").values_list("recipient_id", flat=True).distinct()
    )
    sent = failed = 0
    for recipient_id in recipients:
        try:
            sent += _send_digest(recipient_id, cutoff)
        except Exception:
            # One bad address or a hiccup of the mail server must not stop the others.
            logger.exception("could not send the notification digest to user %s", recipient_id)
            failed += 1
    return {"sent": sent, "failed": failed}
