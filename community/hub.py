"""A room's broadcasts, received once per server process and handed to its connections.

Were each websocket a member of its room's channel-layer group, one message to a room of 500
would wake 500 channel-layer receivers in the process, each with its own futures, locks and
dispatch (channels_redis's receive is built for a few waiters, not hundreds): that, not the
sending, was most of a fan-out's time (bench/community_rooms.py). Instead the process's
:class:`RoomHub` for the room is the group's one member there; it receives each event once
and passes it to every local connection by a plain call. Groups, events and
:func:`community.realtime.dispatch` are unchanged: services and other processes see nothing
of this.

A hub lives while the process has a connection to its room, on the event loop that serves
them (one per Daphne process; one per test). If receiving fails (Redis restarting), it
logs, waits a second and joins again; the connections' heartbeats make their clients fetch
what they missed meanwhile.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Protocol

logger = logging.getLogger(__name__)

# channels_redis forgets a group member after a day (group_expiry): rejoin well before.
REJOIN_EVERY = 3600.0


class Listener(Protocol):
    async def hub_event(self, event: dict) -> None: ...


class RoomHub:
    """The one channel of this process in a room's group, fanned out to local listeners."""

    def __init__(self, layer, group: str) -> None:
        self.layer = layer
        self.group = group
        self.listeners: set[Listener] = set()
        self.channel: str | None = None
        self.ready = asyncio.Event()
        self.task: asyncio.Task | None = None

    async def run(self) -> None:
        while True:
            try:
                if self.channel is None:
                    self.channel = await self.layer.new_channel()
                await self.layer.group_add(self.group, self.channel)
                self.ready.set()
                joined = time.monotonic()
                while True:
                    event = await self.layer.receive(self.channel)
                    for listener in list(self.listeners):
                        await listener.hub_event(event)
                    if time.monotonic() - joined > REJOIN_EVERY:
                        break
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("The hub of %s stopped receiving; it joins again", self.group)
                await asyncio.sleep(1)


_hubs: dict[tuple[int, int, str], RoomHub] = {}


def _key(layer, group: str) -> tuple[int, int, str]:
    return (id(asyncio.get_running_loop()), id(layer), group)


async def hub_join(layer, group: str, listener: Listener) -> None:
    """Add ``listener`` to this process's hub of ``group`` (started if needed); returns once
    the hub is in the group, so that nothing broadcast afterwards is missed."""
    key = _key(layer, group)
    hub = _hubs.get(key)
    if hub is None:
        hub = _hubs[key] = RoomHub(layer, group)
        hub.task = asyncio.create_task(hub.run())
    hub.listeners.add(listener)
    await hub.ready.wait()


async def hub_leave(layer, group: str, listener: Listener) -> None:
    """Remove ``listener``; the last one out stops the hub and leaves the group."""
    key = _key(layer, group)
    hub = _hubs.get(key)
    if hub is None:
        return
    hub.listeners.discard(listener)
    if hub.listeners:
        return
    del _hubs[key]
    hub.task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await hub.task
    if hub.channel is not None:
        await hub.layer.group_discard(hub.group, hub.channel)
