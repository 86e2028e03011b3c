"""Liveness and readiness checks of the services Campus depends on."""

from __future__ import annotations

import time
import uuid
from collections.abc import Awaitable, Callable

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor


def _check_database() -> None:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone() != (1,):
            raise RuntimeError("unexpected answer to SELECT 1")


def _check_cache() -> None:
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, "ok", timeout=10)
    try:
        if cache.get(key) != "ok":
            raise RuntimeError("value written was not read back")
    finally:
        cache.delete(key)


async def _check_channel_layer() -> None:
    layer = get_channel_layer()
    if layer is None:
        raise RuntimeError("no channel layer configured")
    channel = await layer.new_channel("healthz.")
    await layer.send(channel, {"type": "healthz.ping"})
    message = await layer.receive(channel)
    if message.get("type") != "healthz.ping":
        raise RuntimeError("message sent was not received")


async def _timed(check: Callable[[], Awaitable[None]]) -> dict:
    started = time.perf_counter()
    try:
        await check()
    except Exception as exc:  # A health check reports every failure instead of raising.
        return {"ok": False, "error": type(exc).__name__, "detail": str(exc)[:200]}
    return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 2)}


async def run_health_checks() -> dict[str, dict]:
    """Check the database, the cache and the channel layer; never raises."""
    return {
        "database": await _timed(sync_to_async(_check_database)),
        "cache": await _timed(sync_to_async(_check_cache)),
        "channel_layer": await _timed(_check_channel_layer),
    }


_ready = False


def unapplied_migrations() -> list[str]:
    """Names of the migrations not yet applied to the default database."""
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


def readiness() -> tuple[bool, str]:
    """Whether this process may take traffic: database reachable and fully migrated.

    Once ready, a process stays ready (migrations do not un-apply themselves), so the
    migration graph is loaded only until the first success.
    """
    global _ready
    if _ready:
        try:
            _check_database()
        except Exception as exc:
            return False, f"database: {type(exc).__name__}"
        return True, "ready"
    try:
        pending = unapplied_migrations()
    except Exception as exc:
        return False, f"database: {type(exc).__name__}"
    if pending:
        return False, f"{len(pending)} migration(s) not applied, e.g. {pending[0]}"
    _ready = True
    return True, "ready"
