"""Who is connected to a room, agreed on by every server process.

Each open websocket of a room is an entry ``<user id>:<channel name>`` that expires
:data:`PRESENCE_TTL` seconds after it was last refreshed; the client refreshes it with a
heartbeat every 30 seconds, so the connections of a process that died without saying goodbye
drop out on their own. A person is present while at least one of their connections is.

Where the entries live follows the channel layer, since both must span the same processes:

* with ``channels_redis``, in a sorted set on the layer's own Redis (its connection for the
  running event loop, its key prefix), scored by expiry time; the joins and leaves that must
  know whether the person has another connection run as Lua scripts, atomic in Redis;
* with the in-memory layer, which only ever serves one process, in that process's memory.
"""

from __future__ import annotations

import time
from collections import defaultdict

PRESENCE_TTL = 90  # Seconds; three missed heartbeats.

# Returns 1 when no other live connection of the same person is in the set (KEYS[1]), after
# dropping expired entries (score < ARGV[1]) and, for a join, adding ARGV[2] with score ARGV[3].
_JOIN = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
local first = 1
for _, m in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  if string.sub(m, 1, #ARGV[4]) == ARGV[4] and m ~= ARGV[2] then first = 0 end
end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[5])
return first
"""
_LEAVE = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
redis.call('ZREM', KEYS[1], ARGV[2])
for _, m in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  if string.sub(m, 1, #ARGV[3]) == ARGV[3] then return 0 end
end
return 1
"""


class RedisPresence:
    """Room presence in the Redis of a ``channels_redis`` layer."""

    def __init__(self, layer) -> None:
        self.layer = layer

    def _where(self, room_id: int):
        key = f"{self.layer.prefix}:presence:room:{room_id}"
        return key, self.layer.connection(self.layer.consistent_hash(key))

    async def join(self, room_id: int, user_id: int, channel: str) -> bool:
        """Add (or refresh) a connection; True when the person was not present before."""
        key, redis = self._where(room_id)
        now = time.time()
        first = await redis.eval(
            _JOIN,
            1,
            key,
            now,
            f"{user_id}:{channel}",
            now + PRESENCE_TTL,
            f"{user_id}:",
            PRESENCE_TTL * 2,
        )
        return bool(first)

    async def leave(self, room_id: int, user_id: int, channel: str) -> bool:
        """Drop a connection; True when it was the person's last one in the room."""
        key, redis = self._where(room_id)
        last = await redis.eval(_LEAVE, 1, key, time.time(), f"{user_id}:{channel}", f"{user_id}:")
        return bool(last)

    async def user_ids(self, room_id: int) -> set[int]:
        """The people with at least one live connection to the room."""
        key, redis = self._where(room_id)
        members = await redis.zrangebyscore(key, time.time(), "+inf")
        return {int(m.split(b":", 1)[0]) for m in members}


# room id -> channel name -> (user id, expiry time); one process only (in-memory layer).
_local: dict[int, dict[str, tuple[int, float]]] = defaultdict(dict)


class LocalPresence:
    """Room presence in this process's memory, for the in-memory channel layer."""

    @staticmethod
    def _live(room_id: int) -> dict[str, tuple[int, float]]:
        now = time.time()
        entries = _local[room_id]
        for channel in [c for c, (_, expiry) in entries.items() if expiry < now]:
            del entries[channel]
        return entries

    async def join(self, room_id: int, user_id: int, channel: str) -> bool:
        entries = self._live(room_id)
        first = not any(u == user_id for c, (u, _) in entries.items() if c != channel)
        entries[channel] = (user_id, time.time() + PRESENCE_TTL)
        return first

    async def leave(self, room_id: int, user_id: int, channel: str) -> bool:
        entries = self._live(room_id)
        entries.pop(channel, None)
        return not any(u == user_id for u, _ in entries.values())

    async def user_ids(self, room_id: int) -> set[int]:
        return {u for u, _ in self._live(room_id).values()}


def presence_for(layer) -> RedisPresence | LocalPresence:
    """The presence store that spans the same processes as ``layer``."""
    if hasattr(layer, "consistent_hash") and hasattr(layer, "connection"):
        return RedisPresence(layer)
    return LocalPresence()
