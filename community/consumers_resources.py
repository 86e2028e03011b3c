"""Live "who is editing" a resource (``ws/communautes/ressources/<id>/edition/``).

Co-authors only (:func:`community.selectors_resources.may_join_editing`, the selector the
pages use); anyone else is accepted then closed with 4003, an unknown resource with 4004.
The consumer keeps no state outside its own connection: who is editing is asked of the
others when a connection opens, and each editor announces itself, so it works the same on
the in-memory layer and across Daphne processes on Redis.

client → server
    ``editing``: "I have the editor open" (the edit page sends it; a reading page does not).
    ``ping``: the heartbeat, answered by ``pong``.
server → client
    ``presence`` {state: "editing" | "left", user: {id, name}, connection}: another
    connection opened or closed the editor (``connection`` tells two tabs of one person
    apart). ``saved`` {revision, author, author_id}: a co-author saved (or restored) a new
    revision — an editor based on an older one is now stale, and its save will come back as
    a conflict to merge. ``error`` {code, message}: the socket stays open.
"""

from __future__ import annotations

import json
import uuid

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.utils.translation import gettext as _

from community import realtime
from community.models import Resource
from community.selectors_resources import may_join_editing
from community.services_resources import author_name

CLOSE_FORBIDDEN = 4003
CLOSE_NOT_FOUND = 4004


def _access(user, pk: int) -> tuple[bool, bool]:
    """(found, allowed) for the user and the resource ``pk``."""
    resource = Resource.objects.select_related("community").filter(pk=pk).first()
    if resource is None:
        return False, False
    return True, may_join_editing(user, resource)


class ResourceEditingConsumer(AsyncJsonWebsocketConsumer):
    """One co-author's page of a resource: hears who edits it and when it is saved."""

    group = None
    editing = False

    async def connect(self) -> None:
        await self.accept()
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        pk = self.scope["url_route"]["kwargs"]["pk"]
        found, allowed = await database_sync_to_async(_access)(user, pk)
        if not found:
            await self.close(code=CLOSE_NOT_FOUND)
            return
        if not allowed:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.me = {"id": user.pk, "name": author_name(user)}
        self.connection = uuid.uuid4().hex
        self.group = realtime.resource_group(pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        # Those already editing answer (editing_query), each to this connection alone.
        await self.channel_layer.group_send(
            self.group, {"type": "editing.query", "reply_to": self.channel_name}
        )

    async def disconnect(self, code: int) -> None:
        if self.group is None:
            return
        if self.editing:
            await self.channel_layer.group_send(self.group, self._presence("left"))
        await self.channel_layer.group_discard(self.group, self.channel_name)

    # --- From the client ----------------------------------------------------------------------

    async def receive(self, text_data=None, bytes_data=None, **kwargs) -> None:
        # Bad JSON gets an error event instead of the base class's exception (a dropped socket).
        try:
            content = json.loads(text_data) if text_data else None
        except ValueError:
            content = None
        if not isinstance(content, dict):
            await self._error("invalid", _('Each frame must be a JSON object with a "type".'))
            return
        await self.receive_json(content)

    async def receive_json(self, content: dict, **kwargs) -> None:
        kind = content.get("type")
        if kind == "ping":
            await self.send_json({"type": "pong"})
        elif kind == "editing":
            if not self.editing:
                self.editing = True
                await self.channel_layer.group_send(self.group, self._presence("editing"))
        else:
            await self._error("unknown_type", _("Unknown message type."))

    # --- From the group -----------------------------------------------------------------------

    async def editing_query(self, event: dict) -> None:
        if self.editing and event["reply_to"] != self.channel_name:
            await self.channel_layer.send(event["reply_to"], self._presence("editing"))

    async def editing_presence(self, event: dict) -> None:
        if event["connection"] == self.connection:
            return  # One's own announcement.
        await self.send_json(
            {
                "type": "presence",
                "state": event["state"],
                "user": event["user"],
                "connection": event["connection"],
            }
        )

    async def resource_saved(self, event: dict) -> None:
        """Sent by the services after a save or a restore commits."""
        await self.send_json(
            {
                "type": "saved",
                "revision": event["revision"],
                "author": event["author"],
                "author_id": event["author_id"],
            }
        )

    # --- Helpers ------------------------------------------------------------------------------

    def _presence(self, state: str) -> dict:
        return {
            "type": "editing.presence",
            "state": state,
            "user": self.me,
            "connection": self.connection,
        }

    async def _error(self, code: str, message: str) -> None:
        await self.send_json({"type": "error", "code": code, "message": message})
