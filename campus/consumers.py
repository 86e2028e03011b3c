"""Websocket consumers of the campus app."""

from __future__ import annotations

from channels.generic.websocket import AsyncJsonWebsocketConsumer


class HealthConsumer(AsyncJsonWebsocketConsumer):
    """Answers a ping through the channel layer, proving the whole websocket path works.

    The pong travels websocket → consumer → channel layer → consumer → websocket, so a client
    (or a test) that gets it knows the layer (in-memory or Redis) delivers messages.
    """

    async def connect(self) -> None:
        await self.accept()

    async def receive_json(self, content, **kwargs) -> None:
        if not isinstance(content, dict) or content.get("type") != "ping":
            await self.send_json({"type": "error", "message": 'expected {"type": "ping"}'})
            return
        await self.channel_layer.send(
            self.channel_name, {"type": "health.pong", "echo": content.get("echo")}
        )

    async def health_pong(self, event) -> None:
        user = self.scope.get("user")
        await self.send_json(
            {
                "type": "pong",
                "echo": event.get("echo"),
                "layer": type(self.channel_layer).__name__,
                "authenticated": bool(user and user.is_authenticated),
            }
        )
