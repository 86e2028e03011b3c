"""Notifications: stored, then pushed live to the recipient's open pages.

A notification is a row first (the notifications page and the email digest read them); the
live toast is a best-effort extra sent after commit through ``community.realtime``.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from campus.models import User
from community import realtime
from community.models import Notification, NotificationKind


def _event(notification: Notification) -> dict:
    return {
        "type": "notification.created",
        "id": notification.pk,
        "kind": notification.kind,
        "text": notification.text,
        "url": notification.url,
        "created": notification.created.isoformat(),
    }


@transaction.atomic
def notification_create_many(
    *,
    recipients: Iterable[User],
    kind: NotificationKind | str,
    text: str,
    url: str = "",
    actor: User | None = None,
) -> list[Notification]:
    """Notify each recipient once (the actor never notifies themselves); return the rows."""
    seen: set[int] = set()
    rows = []
    for recipient in recipients:
        if recipient.pk in seen or (actor is not None and recipient.pk == actor.pk):
            continue
        seen.add(recipient.pk)
        rows.append(
            Notification(
                recipient=recipient,
                kind=kind,
                text=text[:300],
                url=url,
                actor=actor,
                created=timezone.now(),
            )
        )
    created = Notification.objects.bulk_create(rows)
    for notification in created:
        realtime.dispatch(realtime.user_group(notification.recipient_id), _event(notification))
    return created


def notification_create(
    *,
    recipient: User,
    kind: NotificationKind | str,
    text: str,
    url: str = "",
    actor: User | None = None,
) -> Notification | None:
    """Notify one person (None when they are the actor)."""
    created = notification_create_many(
        recipients=[recipient], kind=kind, text=text, url=url, actor=actor
    )
    return created[0] if created else None


def notification_mark_read(*, actor: User, ids: Iterable[int] | None = None) -> int:
    """Mark the actor's notifications read (all of them, or those ids); return how many."""
    unread = Notification.objects.filter(recipient=actor, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())
