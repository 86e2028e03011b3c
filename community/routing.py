"""Websocket routes of the community app (joined in campus/routing.py)."""

from __future__ import annotations

from django.urls import path

from community import consumers, consumers_resources

websocket_urlpatterns: list = [
    path(
        "ws/communautes/<slug:slug>/salons/<slug:room>/",
        consumers.RoomConsumer.as_asgi(),
    ),
    path("ws/notifications/", consumers.NotificationConsumer.as_asgi()),
    path(
        "ws/communautes/ressources/<int:pk>/edition/",
        consumers_resources.ResourceEditingConsumer.as_asgi(),
    ),
]
