"""The health websocket answers through the channel layer, in-memory and Redis."""

from __future__ import annotations

import os

import pytest
from asgiref.sync import async_to_sync
from channels.layers import channel_layers
from channels.testing import WebsocketCommunicator

LAYERS = {
    "memory": {"BACKEND": "channels.layers.InMemoryChannelLayer"},
    "redis": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {"hosts": [os.environ.get("REDIS_URL", "")], "prefix": "campus-test-health"},
    },
}


@pytest.fixture(params=list(LAYERS))
def channel_layer_name(request, settings):
    """Run the test on the in-memory layer, and on Redis when REDIS_URL is set."""
    if request.param == "redis" and not os.environ.get("REDIS_URL"):
        pytest.skip("REDIS_URL is not set (the CI's second run sets it)")
    settings.CHANNEL_LAYERS = {"default": LAYERS[request.param]}
    channel_layers.backends.clear()
    yield request.param
    channel_layers.backends.clear()


def _application():
    from campus.asgi import application

    return application


async def _ping(origin: bytes) -> tuple[bool, dict | int | None]:
    communicator = WebsocketCommunicator(
        _application(), "/ws/health/", headers=[(b"origin", origin), (b"host", b"localhost")]
    )
    connected, close_code = await communicator.connect()
    if not connected:
        return False, close_code
    await communicator.send_json_to({"type": "ping", "echo": "bonjour"})
    answer = await communicator.receive_json_from(timeout=5)
    await communicator.disconnect()
    return True, answer


def test_consumers_health_pong_through_layer(channel_layer_name, db):
    """A ping from an allowed origin comes back as a pong through the configured layer."""
    connected, answer = async_to_sync(_ping)(b"http://localhost")
    assert connected
    expected = "InMemoryChannelLayer" if channel_layer_name == "memory" else "RedisChannelLayer"
    assert answer == {"type": "pong", "echo": "bonjour", "layer": expected, "authenticated": False}


def test_consumers_health_refuses_foreign_origin(channel_layer_name, db):
    """A page from another site cannot open a websocket to Campus."""
    connected, _code = async_to_sync(_ping)(b"https://evil.example.com")
    assert not connected


def test_consumers_health_rejects_unknown_message(db):
    """A message that is not a ping gets an error event, not a dropped socket."""

    async def scenario():
        communicator = WebsocketCommunicator(
            _application(), "/ws/health/", headers=[(b"origin", b"http://localhost")]
        )
        await communicator.connect()
        await communicator.send_json_to({"type": "hello"})
        answer = await communicator.receive_json_from(timeout=5)
        await communicator.disconnect()
        return answer

    assert async_to_sync(scenario)()["type"] == "error"
