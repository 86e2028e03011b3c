"""A room's websocket: who may connect, and the live conversation, on both channel layers.

Each test goes through the whole ASGI application (origin check, session cookie, router) with
real sessions, and runs on the in-memory layer and, when REDIS_URL is set, on channels_redis.
"""

from __future__ import annotations

import asyncio
import json
import os
import uuid

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import channel_layers
from django.test import override_settings

from community import services_rooms as services
from community.consumers import CLOSE_FORBIDDEN, CLOSE_NOT_FOUND
from community.models import (
    CommunityAccess,
    Membership,
    MembershipStatus,
    Message,
    Notification,
    NotificationKind,
)
from tests.community import rooms_helpers as h

# Messages are broadcast after commit: the tests need real commits (and reference_data reloads
# what the flush of transactional tests takes away).
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("reference_data")]


@pytest.fixture(params=["memory", "redis"])
def layer(request):
    """Run on the in-memory layer, and on Redis when REDIS_URL is set (the test settings then
    point the default layer at it, with a prefix of this xdist worker's own)."""
    if request.param == "redis" and not os.environ.get("REDIS_URL"):
        pytest.skip("REDIS_URL is not set (the CI's second run sets it)")
    channel_layers.backends.clear()
    if request.param == "memory":
        memory = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
        with override_settings(CHANNEL_LAYERS=memory):
            yield request.param
    else:
        yield request.param
    channel_layers.backends.clear()


def run(scenario):
    return async_to_sync(scenario)()


# --- Who may connect --------------------------------------------------------------------------


def test_consumers_room_refuses_anonymous_and_strangers(layer, rooms):
    """Anonymous, outsiders, banned and pending people are closed with 4003."""
    path = h.room_path(rooms.room)
    cookies = [None] + [h.session_cookie(u) for u in (rooms.outsider, rooms.banned, rooms.pending)]

    async def scenario():
        return [await h.close_code(path, cookie) for cookie in cookies]

    assert run(scenario) == [CLOSE_FORBIDDEN] * 4


def test_consumers_room_refuses_members_of_another_community(layer, rooms):
    """A member of « Lettres » is not a member of « Maths cycle 3 », and the other way round."""
    outsider, learner = h.session_cookie(rooms.outsider), h.session_cookie(rooms.members[0])

    async def scenario():
        return (
            await h.close_code(h.room_path(rooms.room), outsider),
            await h.close_code(h.room_path(rooms.other_room), learner),
            await h.close_code(h.room_path(rooms.other_room), outsider),
        )

    assert run(scenario) == (CLOSE_FORBIDDEN, CLOSE_FORBIDDEN, None)


def test_consumers_room_unknown_or_hidden_room_is_4004(layer, rooms):
    """No such room, or a room of an invitation-only community one is not in: 4004."""
    rooms.other_room.community.access = CommunityAccess.INVITATION
    rooms.other_room.community.save()
    learner = h.session_cookie(rooms.members[0])

    async def scenario():
        return (
            await h.close_code("/ws/communautes/maths-cycle-3/salons/nulle-part/", learner),
            await h.close_code(h.room_path(rooms.other_room), learner),
        )

    assert run(scenario) == (CLOSE_NOT_FOUND, CLOSE_NOT_FOUND)


# --- Connecting -------------------------------------------------------------------------------


def test_consumers_room_sends_history_and_presence_on_connect(layer, rooms):
    """A member gets the last 50 messages (oldest first, more flagged) and who is online."""
    Message.objects.bulk_create(
        Message(room=rooms.room, author=rooms.animateur, body=f"<p>n°{n}</p>") for n in range(55)
    )
    karim, claire = h.session_cookie(rooms.animateur), h.session_cookie(rooms.members[0])

    async def scenario():
        first, _history, _ = await h.joined(rooms.room, karim)
        second, history, presence = await h.joined(rooms.room, claire)
        joined = await h.next_of(first, "presence.joined")
        await second.disconnect()
        left = await h.next_of(first, "presence.left")
        await first.disconnect()
        return history, presence, joined, left

    history, presence, joined, left = run(scenario)
    assert len(history["messages"]) == 50 and history["has_more"] is True
    assert history["messages"][0]["body"] == "<p>n°5</p>"
    assert history["messages"][-1]["body"] == "<p>n°54</p>"
    assert [p["name"] for p in presence["users"]] == ["Claire Martin", "Karim Benali"]
    assert joined["user"]["handle"] == "claire.martin"
    assert left["user"]["id"] == rooms.members[0].pk


# --- Sending ----------------------------------------------------------------------------------


def test_consumers_room_send_stores_acks_and_broadcasts(layer, rooms):
    """A message is stored, acknowledged with its id, and reaches the other members."""
    claire, karim = h.session_cookie(rooms.members[0]), h.session_cookie(rooms.animateur)
    client_id = str(uuid.uuid4())

    async def scenario():
        sender, _, _ = await h.joined(rooms.room, claire)
        reader, _, _ = await h.joined(rooms.room, karim)
        await sender.send_json_to(
            {"type": "message.send", "body": "Bonjour", "client_id": client_id}
        )
        ack = await h.next_of(sender, "message.ack")
        stored = await database_sync_to_async(
            lambda: Message.objects.filter(pk=ack["id"]).values_list("body", flat=True).first()
        )()
        created = await h.next_of(reader, "message.created")
        await sender.disconnect()
        await reader.disconnect()
        return ack, stored, created

    ack, stored, created = run(scenario)
    assert ack["client_id"] == client_id
    assert stored == "<p>Bonjour</p>"  # In the database when acknowledged.
    assert created["message"]["id"] == ack["id"]
    assert created["message"]["author"]["name"] == "Claire Martin"


def test_consumers_room_resend_with_same_client_id_is_stored_once(layer, rooms):
    """After a dropped connection the client sends again: same id back, one row, one event."""
    claire, karim = h.session_cookie(rooms.members[0]), h.session_cookie(rooms.animateur)
    frame = {"type": "message.send", "body": "Une seule fois", "client_id": str(uuid.uuid4())}

    async def scenario():
        reader, _, _ = await h.joined(rooms.room, karim)
        sender, _, _ = await h.joined(rooms.room, claire)
        await sender.send_json_to(frame)
        first = await h.next_of(sender, "message.ack")
        await sender.disconnect()  # The connection drops; the client reconnects and resends.
        sender, _, _ = await h.joined(rooms.room, claire)
        await sender.send_json_to(frame)
        second = await h.next_of(sender, "message.ack")
        created = await h.next_of(reader, "message.created")
        await h.next_of(reader, "presence.left")
        await h.next_of(reader, "presence.joined")
        nothing_more = await reader.receive_nothing(timeout=0.5)
        await sender.disconnect()
        await reader.disconnect()
        return first, second, created, nothing_more

    first, second, created, nothing_more = run(scenario)
    assert first["id"] == second["id"] == created["message"]["id"]
    assert Message.objects.count() == 1
    assert nothing_more


BAD_FRAMES = [
    ("not json", "invalid"),
    (json.dumps(["message.send"]), "invalid"),
    (json.dumps({"type": "message.send", "body": "a" * 4001}), "too_long"),
    (json.dumps({"type": "message.send", "body": "   "}), "empty"),
    (json.dumps({"type": "message.send", "body": 12}), "invalid"),
    (json.dumps({"type": "message.send", "body": "x", "client_id": "pas-un-uuid"}), "invalid"),
    (json.dumps({"type": "message.edit", "id": 999999, "body": "x"}), "not_found"),
    (json.dumps({"type": "message.delete", "id": "1"}), "not_found"),
    (json.dumps({"type": "history.before", "before": "x"}), "invalid"),
    (json.dumps({"type": "dance"}), "unknown_type"),
]


def test_consumers_room_bad_input_gets_errors_and_the_socket_stays(layer, rooms):
    """Each bad frame is answered by an error event with its code; the socket stays open."""
    claire = h.session_cookie(rooms.members[0])

    async def scenario():
        socket, _, _ = await h.joined(rooms.room, claire)
        errors = []
        for frame, _code in BAD_FRAMES:
            await socket.send_to(text_data=frame)
            errors.append(await h.next_of(socket, "error"))
        await socket.send_json_to({"type": "message.send", "body": "Toujours là"})
        ack = await h.next_of(socket, "message.ack")
        await socket.disconnect()
        return errors, ack

    errors, ack = run(scenario)
    assert [e["code"] for e in errors] == [code for _frame, code in BAD_FRAMES]
    assert all(e["message"] for e in errors)
    assert ack["id"]
    assert Message.objects.count() == 1


def test_consumers_room_rate_limited_gets_an_error_and_the_socket_stays(layer, rooms):
    """The eleventh message in ten seconds is refused with rate_limited; the socket stays."""
    claire = h.session_cookie(rooms.members[0])

    async def scenario():
        socket, _, _ = await h.joined(rooms.room, claire)
        acks = []
        for n in range(services.RATE_LIMIT):
            await socket.send_json_to({"type": "message.send", "body": f"n°{n}"})
            acks.append(await h.next_of(socket, "message.ack"))
        await socket.send_json_to(
            {"type": "message.send", "body": "de trop", "client_id": str(uuid.uuid4())}
        )
        error = await h.next_of(socket, "error")
        await socket.send_json_to({"type": "presence.ping"})
        pong = await h.next_of(socket, "pong")
        await socket.disconnect()
        return acks, error, pong

    acks, error, pong = run(scenario)
    assert len(acks) == services.RATE_LIMIT
    assert error["code"] == "rate_limited" and error["client_id"]
    assert pong == {"type": "pong", "last": acks[-1]["id"]}
    assert Message.objects.count() == services.RATE_LIMIT


# --- Editing and deleting ---------------------------------------------------------------------


def test_consumers_room_edit_and_delete_own_only(layer, rooms):
    """Claire edits and deletes her message (everyone sees it); Karim cannot touch it."""
    message, _ = services.message_post(actor=rooms.members[0], room=rooms.room, body="Brouillon")
    claire, karim = h.session_cookie(rooms.members[0]), h.session_cookie(rooms.animateur)

    async def scenario():
        author, _, _ = await h.joined(rooms.room, claire)
        other, _, _ = await h.joined(rooms.room, karim)
        await other.send_json_to({"type": "message.edit", "id": message.pk, "body": "Piraté"})
        refused = await h.next_of(other, "error")
        await other.send_json_to({"type": "message.delete", "id": message.pk})
        refused_delete = await h.next_of(other, "error")
        await author.send_json_to({"type": "message.edit", "id": message.pk, "body": "Au propre"})
        edited = await h.next_of(other, "message.updated")
        await h.next_of(author, "message.updated")  # Her own edit, echoed to her pages.
        await author.send_json_to({"type": "message.delete", "id": message.pk})
        deleted = await h.next_of(other, "message.updated")
        await author.disconnect()
        await other.disconnect()
        return refused, refused_delete, edited, deleted

    refused, refused_delete, edited, deleted = run(scenario)
    assert refused["code"] == refused_delete["code"] == "forbidden"
    assert edited["message"]["body"] == "<p>Au propre</p>" and edited["message"]["edited"]
    assert deleted["message"]["deleted"] and deleted["message"]["body"] == ""
    message.refresh_from_db()
    assert message.deleted_at is not None


# --- Typing, paging, mentions -----------------------------------------------------------------


def test_consumers_room_typing_reaches_the_others_only(layer, rooms):
    """ "Claire is typing" reaches Karim, not Claire herself."""
    claire, karim = h.session_cookie(rooms.members[0]), h.session_cookie(rooms.animateur)

    async def scenario():
        typist, _, _ = await h.joined(rooms.room, claire)
        reader, _, _ = await h.joined(rooms.room, karim)
        await h.next_of(typist, "presence.joined")  # Karim arrived.
        await typist.send_json_to({"type": "typing"})
        seen = await h.next_of(reader, "typing")
        echo = await typist.receive_nothing(timeout=0.5)
        await typist.disconnect()
        await reader.disconnect()
        return seen, echo

    seen, echo = run(scenario)
    assert seen["user"] == {
        "id": rooms.members[0].pk,
        "name": "Claire Martin",
        "handle": "claire.martin",
    }
    assert echo


def test_consumers_room_history_before_pages_back(layer, rooms):
    """history.before returns the page of older messages."""
    Message.objects.bulk_create(
        Message(room=rooms.room, author=rooms.animateur, body=f"<p>n°{n}</p>") for n in range(60)
    )
    claire = h.session_cookie(rooms.members[0])

    async def scenario():
        socket, history, _ = await h.joined(rooms.room, claire)
        await socket.send_json_to(
            {"type": "history.before", "before": history["messages"][0]["id"]}
        )
        older = await h.next_of(socket, "history")
        await socket.disconnect()
        return older

    older = run(scenario)
    assert [m["body"] for m in older["messages"]] == [f"<p>n°{n}</p>" for n in range(10)]
    assert older["has_more"] is False


def test_consumers_room_mention_notifies_live(layer, rooms):
    """Karim mentions Claire: she has a notification, and her open pages get the toast."""
    karim = h.session_cookie(rooms.animateur)
    claire = h.session_cookie(rooms.members[0])

    async def scenario():
        toasts = h.communicator("/ws/notifications/", claire)
        assert (await toasts.connect(timeout=h.TIMEOUT))[0]
        sender, _, _ = await h.joined(rooms.room, karim)
        await sender.send_json_to({"type": "message.send", "body": "Ton avis @claire.martin ?"})
        await h.next_of(sender, "message.ack")
        toast = await toasts.receive_json_from(timeout=h.TIMEOUT)
        await sender.disconnect()
        await toasts.disconnect()
        return toast

    toast = run(scenario)
    notification = Notification.objects.get(recipient=rooms.members[0])
    assert notification.kind == NotificationKind.MENTION
    assert toast["type"] == "notification.created" and toast["id"] == notification.pk


# --- Bans -------------------------------------------------------------------------------------


def test_consumers_room_banned_member_is_disconnected(layer, rooms):
    """Banned, a member's open socket is closed (4003) by the group event."""
    claire = h.session_cookie(rooms.members[0])

    def ban():
        Membership.objects.filter(user=rooms.members[0]).update(status=MembershipStatus.BANNED)
        services.room_member_disconnect(community=rooms.community, user=rooms.members[0])

    async def scenario():
        socket, _, _ = await h.joined(rooms.room, claire)
        await database_sync_to_async(ban)()
        return await socket.receive_output(timeout=h.TIMEOUT)

    assert run(scenario) == {"type": "websocket.close", "code": CLOSE_FORBIDDEN}


def test_consumers_room_heartbeat_catches_an_unannounced_ban(layer, rooms):
    """Even when no event says so, the next heartbeat of a banned member closes the socket."""
    claire = h.session_cookie(rooms.members[0])

    async def scenario():
        socket, _, _ = await h.joined(rooms.room, claire)
        await database_sync_to_async(
            lambda: Membership.objects.filter(user=rooms.members[0]).update(
                status=MembershipStatus.BANNED
            )
        )()
        await socket.send_json_to({"type": "presence.ping"})
        return await socket.receive_output(timeout=h.TIMEOUT)

    assert run(scenario) == {"type": "websocket.close", "code": CLOSE_FORBIDDEN}


# --- Notifications socket ---------------------------------------------------------------------


def test_consumers_notifications_refuses_anonymous_and_answers_pings(layer, rooms):
    """Anonymous visitors are closed with 4003; a logged-in page's ping gets a pong."""
    claire = h.session_cookie(rooms.members[0])

    async def scenario():
        anonymous = await h.close_code("/ws/notifications/", None)
        socket = h.communicator("/ws/notifications/", claire)
        await socket.connect(timeout=h.TIMEOUT)
        await socket.send_json_to({"type": "ping"})
        pong = await socket.receive_json_from(timeout=h.TIMEOUT)
        await socket.send_to(text_data="nonsense")
        error = await socket.receive_json_from(timeout=h.TIMEOUT)
        await socket.disconnect()
        return anonymous, pong, error

    anonymous, pong, error = run(scenario)
    assert anonymous == CLOSE_FORBIDDEN
    assert pong == {"type": "pong"}
    assert error["type"] == "error"


def test_consumers_room_quiet_socket_still_hears_the_room(layer, rooms):
    """After longer than the channel layer's 5 s blocking read, a quiet member's socket is
    alive and gets the next message (redis-py's default read timeout would have killed it)."""
    claire, karim = h.session_cookie(rooms.members[0]), h.session_cookie(rooms.animateur)

    async def scenario():
        reader, _, _ = await h.joined(rooms.room, karim)
        await asyncio.sleep(7)
        sender, _, _ = await h.joined(rooms.room, claire)
        await sender.send_json_to({"type": "message.send", "body": "Toujours là ?"})
        created = await h.next_of(reader, "message.created")
        await sender.disconnect()
        await reader.disconnect()
        return created

    assert run(scenario)["message"]["body"] == "<p>Toujours là ?</p>"
