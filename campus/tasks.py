"""Background tasks of the campus app (django-tasks; `make worker` runs them)."""

from __future__ import annotations

from django.core.mail import send_mail
from django_tasks import task


@task()
def send_email(*, subject: str, body: str, recipients: list[str]) -> int:
    """Send one plain-text email; services enqueue it so a slow SMTP server never blocks a page.

    Returns the number of messages sent (0 or 1), which the task result records.
    """
    return send_mail(subject, body, None, recipients)
