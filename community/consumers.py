"""Websocket consumers of the community app: a room's live conversation, and live toasts.

Both stay thin: permission comes from the same selectors as the HTTP views
(:func:`community.selectors_rooms.room_access`), writes from the services
(:mod:`community.services_rooms`), which broadcast after commit; the consumers relay what
their groups receive (a room's group through the process's hub, :mod:`community.hub`).
Refusals follow the house rule: accept, then close with 4003 (not allowed) or 4004 (no such
room), so that browsers see the code.

The room protocol (JSON text frames, each with a ``type``):

client → server
    ``message.send`` {body, client_id}: post; answered by ``message.ack`` {client_id, id,
    message} once stored (a re-send with the same ``client_id`` is acknowledged again, not
    stored twice). ``message.edit`` {id, body}, ``message.delete`` {id}: own messages.
    ``typing``: relayed to the others (at most one per :data:`TYPING_EVERY` seconds).
    ``history.before`` {before}: the page of older messages. ``presence.ping``: the
    heartbeat (every 30 s), answered by ``pong`` {last: the newest message id}; it also
    re-checks the membership.
server → client
    ``history`` {messages, has_more, before} on connect and per ``history.before``;
    ``presence`` {users} on connect, then ``presence.joined`` / ``presence.left`` {user};
    ``message.created`` / ``message.updated`` {message}; ``room.updated`` {room};
    ``typing`` {user}; ``error`` {code, message, client_id?}: the socket stays open.
"""

from __future__ import annotations

import json
import time
from typing import Any

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from community import realtime
from community import selectors_rooms as selectors
from community import services_rooms as services
from community.hub import hub_join, hub_leave
from community.presence import presence_for
from community.selectors import is_member

CLOSE_FORBIDDEN = 4003
CLOSE_NOT_FOUND = 4004
TYPING_EVERY = 2.0  # Seconds between two typing events relayed for one connection.


def _language(scope: dict) -> str:
    """The language of the person's pages: their language cookie, else the site's."""
    language = scope.get("cookies", {}).get(settings.LANGUAGE_COOKIE_NAME)
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _decode(text_data: str | None) -> Any:
    """A frame's JSON, or None when it is not JSON (binary frames included)."""
    try:
        return json.loads(text_data) if text_data else None
    except ValueError:
        return None


def _frame(kind: str, **payload: Any) -> str:
    return json.dumps({"type": kind, **payload}, separators=(",", ":"), ensure_ascii=False)


class RelayConsumer(AsyncJsonWebsocketConsumer):
    """A consumer that relays broadcasts without a detour through a thread for each.

    Channels runs ``close_old_connections`` through ``sync_to_async`` before every handler,
    broadcasts included: one hop through the single thread-sensitive executor per event and
    connection, i.e. 500 hops in a row for one message in a room of 500 (the cause of most of
    a fan-out's time, measured by bench/community_rooms.py). These consumers reach the
    database only through ``database_sync_to_async``, which closes old connections itself,
    before and after, so the hop is skipped.
    """

    @classmethod
    async def encode_json(cls, content) -> str:
        # Compact frames, as the services' broadcasts (``_frame``): smaller, and one format
        # for every frame a client reads.
        return json.dumps(content, separators=(",", ":"), ensure_ascii=False)

    async def dispatch(self, message) -> None:
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)


class RoomConsumer(RelayConsumer):
    """One member's connection to one room (``ws/communautes/<slug>/salons/<room>/``)."""

    room = None
    user = None
    closing = False

    async def connect(self) -> None:
        await self.accept()
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        route = self.scope["url_route"]["kwargs"]
        access = await database_sync_to_async(selectors.room_access)(
            user, route["slug"], route["room"]
        )
        if not access.found:
            await self.close(code=CLOSE_NOT_FOUND)
            return
        if not access.may_read:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.user, self.room = user, access.room
        self.me = selectors.person_data(user)
        self.group = realtime.room_group(self.room.pk)
        self.presence = presence_for(self.channel_layer)
        self.typing_sent = 0.0
        await hub_join(self.channel_layer, self.group, self)
        first = await self.presence.join(self.room.pk, user.pk, self.channel_name)
        await self._send_history(before=None)
        present = await self.presence.user_ids(self.room.pk)
        users = await database_sync_to_async(selectors.people_data)(list(present))
        await self.send_json({"type": "presence", "users": users})
        if first:
            await self._group_frame("presence.joined", user=self.me)

    async def disconnect(self, code: int) -> None:
        if self.room is None:
            return
        self.closing = True
        await hub_leave(self.channel_layer, self.group, self)
        if await self.presence.leave(self.room.pk, self.user.pk, self.channel_name):
            await self._group_frame("presence.left", user=self.me)

    # --- From the client ----------------------------------------------------------------------

    async def receive(self, text_data=None, bytes_data=None, **kwargs) -> None:
        # Bad JSON gets an error event instead of the base class's exception (a dropped socket).
        content = _decode(text_data)
        if not isinstance(content, dict) or not isinstance(content.get("type"), str):
            with translation.override(_language(self.scope)):
                await self._error("invalid", _('Each frame must be a JSON object with a "type".'))
            return
        await self.receive_json(content)

    async def receive_json(self, content: dict, **kwargs) -> None:
        handler = self.HANDLERS.get(content["type"])
        # Errors in the language the person chose for the pages (campus.middleware).
        with translation.override(_language(self.scope)):
            if handler is None:
                await self._error("unknown_type", _("Unknown message type."))
                return
            await handler(self, content)

    async def _message_send(self, content: dict) -> None:
        client_id = content.get("client_id")
        body = content.get("body")
        if not isinstance(body, str) or not isinstance(client_id, str | None):
            await self._error("invalid", _("A message needs a text body."), client_id)
            return
        try:
            message, _new = await database_sync_to_async(services.message_post)(
                actor=self.user, room=self.room, body=body, client_id=client_id
            )
        except services.RoomError as error:
            await self._error(error.code, str(error), client_id)
            return
        data = await database_sync_to_async(selectors.message_data)(message)
        await self.send_json(
            {"type": "message.ack", "client_id": client_id, "id": message.pk, "message": data}
        )

    async def _message_edit(self, content: dict) -> None:
        body = content.get("body")
        if not isinstance(body, str):
            await self._error("invalid", _("A message needs a text body."))
            return
        await self._on_message(content, services.message_edit, body=body)

    async def _message_delete(self, content: dict) -> None:
        await self._on_message(content, services.message_delete)

    async def _on_message(self, content: dict, service, **kwargs) -> None:
        """Run an edit or delete service on one of this room's messages."""
        pk = content.get("id")
        message = None
        if isinstance(pk, int) and not isinstance(pk, bool):
            message = await database_sync_to_async(selectors.message_for_room)(self.room, pk)
        if message is None:
            await self._error("not_found", _("There is no such message in this room."))
            return
        try:
            await database_sync_to_async(service)(actor=self.user, message=message, **kwargs)
        except services.RoomError as error:
            await self._error(error.code, str(error))

    async def _typing(self, content: dict) -> None:
        now = time.monotonic()
        if now - self.typing_sent < TYPING_EVERY:
            return
        self.typing_sent = now
        await self._group_frame("typing", user=self.me)

    async def _history_before(self, content: dict) -> None:
        before = content.get("before")
        if not isinstance(before, int) or isinstance(before, bool) or before < 1:
            await self._error("invalid", _("history.before needs the id of a message."))
            return
        await self._send_history(before=before)

    async def _presence_ping(self, content: dict) -> None:
        # The heartbeat also catches a ban or a departure no event announced.
        if not await database_sync_to_async(is_member)(self.user, self.room.community):
            self.closing = True
            await self.close(code=CLOSE_FORBIDDEN)
            return
        await self.presence.join(self.room.pk, self.user.pk, self.channel_name)
        # The newest id lets the client notice a broadcast it never got (a layer that shed
        # it under load) and fetch it: what is stored reaches everyone, if late.
        last = await database_sync_to_async(selectors.room_last_id)(self.room)
        await self.send_json({"type": "pong", "last": last})

    HANDLERS = {
        "message.send": _message_send,
        "message.edit": _message_edit,
        "message.delete": _message_delete,
        "typing": _typing,
        "history.before": _history_before,
        "presence.ping": _presence_ping,
    }

    # --- From the room's group (through this process's hub) ------------------------------------

    async def hub_event(self, event: dict) -> None:
        """An event of the room: relayed as is, or, for ``member.revoked``, obeyed."""
        if self.closing:
            return
        if event["type"] == "member.revoked":
            # The person was banned or left the community: this connection ends.
            if event.get("user") == self.user.pk:
                self.closing = True
                await self.close(code=CLOSE_FORBIDDEN)
        elif "frame" in event and event.get("channel") != self.channel_name:
            # Serialised once by whoever broadcast it (a service, or a connection's presence
            # or typing, which it does not echo to itself): sent as it is.
            await self.send(text_data=event["frame"])

    # --- Helpers ------------------------------------------------------------------------------

    async def _send_history(self, before: int | None) -> None:
        def page() -> dict:
            messages, more = selectors.room_history(self.room, before=before)
            return {"messages": [selectors.message_data(m) for m in messages], "has_more": more}

        data = await database_sync_to_async(page)()
        await self.send_json({"type": "history", "before": before, **data})

    async def _group_frame(self, kind: str, **payload: Any) -> None:
        """Tell the room's other connections (presence, typing): nothing is stored."""
        await self.channel_layer.group_send(
            self.group,
            {"type": kind, "frame": _frame(kind, **payload), "channel": self.channel_name},
        )

    async def _error(self, code: str, message: str, client_id: Any = None) -> None:
        frame = {"type": "error", "code": code, "message": message}
        if client_id is not None:
            frame["client_id"] = client_id
        await self.send_json(frame)


class NotificationConsumer(RelayConsumer):
    """A logged-in person's live toasts (``ws/notifications/``), on every page of theirs."""

    async def connect(self) -> None:
        await self.accept()
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.group = realtime.user_group(user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)

    async def disconnect(self, code: int) -> None:
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None, **kwargs) -> None:
        # The only thing a page says is its heartbeat; anything else is answered, not fatal.
        content = _decode(text_data)
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong"})
        else:
            await self.send_json(
                {"type": "error", "code": "unknown_type", "message": _("Unknown message type.")}
            )

    async def notification_created(self, event: dict) -> None:
        await self.send_json(event)
