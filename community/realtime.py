"""Broadcasts to websocket groups, called by services after their transaction commits.

Group names are built here and nowhere else, so a consumer and a service always agree.
Consumers only relay what arrives on their groups (see community/consumers*.py); the
database is the source of truth, so a broadcast lost with a dropped connection is fetched
again by the client when it reconnects.
"""

from __future__ import annotations

from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction


def user_group(user_id: int) -> str:
    """The group of one person's connections: live notifications (toasts)."""
    return f"user.{user_id}"


def room_group(room_id: int) -> str:
    """The group of the connections to one room: messages, edits, presence, typing."""
    return f"room.{room_id}"


def resource_group(resource_id: int) -> str:
    """The group of the people editing one resource: "who is editing"."""
    return f"resource.{resource_id}"


def dispatch(group: str, event: dict[str, Any]) -> None:
    """Send ``event`` (its ``type`` names the consumer handler) to ``group`` after commit.

    Called inside a service's transaction: nothing is announced that a rollback would undo.
    Outside a transaction it is sent at once.
    """
    layer = get_channel_layer()
    if layer is None:
        return
    transaction.on_commit(lambda: async_to_sync(layer.group_send)(group, event))
