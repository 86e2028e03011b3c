"""Every websocket route of Campus; apps add theirs here."""

from django.urls import path

from campus import consumers
from community.routing import websocket_urlpatterns as community_websocket_urlpatterns

websocket_urlpatterns = [
    path("ws/health/", consumers.HealthConsumer.as_asgi()),
    *community_websocket_urlpatterns,
]
