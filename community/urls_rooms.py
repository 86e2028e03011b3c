"""URLs of the community app's rooms (joined in community/urls.py).

The websocket of a room is ``ws/communautes/<slug>/salons/<room>/`` (community/routing.py).
"""

from __future__ import annotations

from django.urls import path

from community import views_rooms as views

ROOM = "<slug:slug>/salons/<slug:room>/"
MESSAGE = ROOM + "messages/<int:pk>/"

urlpatterns = [
    path("<slug:slug>/salons/", views.RoomListView.as_view(), name="room_list"),
    # Before ROOM: "nouveau" is never a room's slug (services_rooms.RESERVED_ROOM_SLUGS).
    path("<slug:slug>/salons/nouveau/", views.RoomCreateView.as_view(), name="room_create"),
    path(ROOM, views.RoomDetailView.as_view(), name="room_detail"),
    path(ROOM + "parametres/", views.RoomUpdateView.as_view(), name="room_update"),
    path(ROOM + "archiver/", views.RoomArchiveView.as_view(), name="room_archive"),
    path(ROOM + "rouvrir/", views.RoomReopenView.as_view(), name="room_reopen"),
    path(ROOM + "messages/", views.RoomMessagesView.as_view(), name="room_messages"),
    path(MESSAGE + "modifier/", views.MessageEditView.as_view(), name="message_edit"),
    path(MESSAGE + "supprimer/", views.MessageDeleteView.as_view(), name="message_delete"),
    path(MESSAGE + "masquer/", views.MessageHideView.as_view(), name="message_hide"),
    path(MESSAGE + "retablir/", views.MessageRestoreView.as_view(), name="message_restore"),
]
