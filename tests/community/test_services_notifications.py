"""Notifications are stored, then pushed to the recipient's websocket group after commit."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from community import realtime
from community.models import Notification, NotificationKind
from community.services_notifications import (
    notification_create,
    notification_create_many,
    notification_mark_read,
)

# The on-commit push needs real commits; reference_data reloads the académies they flush.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("reference_data")]


def _receive(channel: str) -> dict:
    return async_to_sync(get_channel_layer().receive)(channel)


def _listen(user) -> str:
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(realtime.user_group(user.pk), channel)
    return channel


def test_services_notification_create_stores_and_pushes_after_commit(learner, trainer):
    """The row exists, and the recipient's open pages get a `notification.created` event."""
    channel = _listen(learner)

    notification = notification_create(
        recipient=learner,
        kind=NotificationKind.MENTION,
        text="Karim vous a mentionnée dans « Salle des profs »",
        url="/communautes/maths/salons/profs/",
        actor=trainer,
    )

    assert Notification.objects.get().pk == notification.pk
    event = _receive(channel)
    assert event["type"] == "notification.created"
    assert event["id"] == notification.pk
    assert event["text"] == "Karim vous a mentionnée dans « Salle des profs »"


def test_services_notification_create_many_skips_actor_and_duplicates(learner, trainer):
    """Nobody is notified of their own action, and nobody twice for one event."""
    created = notification_create_many(
        recipients=[learner, trainer, learner],
        kind=NotificationKind.MEMBERSHIP,
        text="Nouvelle demande d'adhésion",
        actor=trainer,
    )

    assert [n.recipient for n in created] == [learner]
    assert Notification.objects.count() == 1


def test_services_notification_mark_read_touches_only_the_actors(learner, trainer):
    """Marking read concerns the actor's own notifications."""
    for recipient in (learner, trainer):
        notification_create(recipient=recipient, kind=NotificationKind.RESOURCE, text="x")

    assert notification_mark_read(actor=learner) == 1
    assert Notification.objects.filter(read_at__isnull=True).get().recipient == trainer
