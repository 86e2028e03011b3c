"""Rooms and messages are written by their services: guarded, cleaned, limited, stored, then
announced after commit."""

from __future__ import annotations

import uuid

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.contrib.contenttypes.models import ContentType

from community import realtime
from community import services_rooms as services
from community.models import AuditEntry, Message, Notification, NotificationKind
from community.selectors_rooms import message_source
from tests.campus.factories import UserFactory
from tests.community.factories import CommunityFactory, member

pytestmark = pytest.mark.usefixtures("english")


def _listen(group: str) -> str:
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(group, channel)
    return channel


def _receive(channel: str) -> dict:
    return async_to_sync(get_channel_layer().receive)(channel)


def _post(rooms, user, body, **kwargs):
    message, _new = services.message_post(actor=user, room=rooms.room, body=body, **kwargs)
    return message


# --- Rooms ------------------------------------------------------------------------------------


def test_services_room_create_by_an_animateur_with_a_unique_slug(rooms):
    """An animateur opens rooms; slugs come from names, never clash nor take a page's name."""
    first = services.room_create(
        actor=rooms.animateur, community=rooms.community, name="Salle des profs"
    )
    reserved = services.room_create(
        actor=rooms.animateur, community=rooms.community, name="Nouveau"
    )

    assert first.slug == "salle-des-profs-2"  # The world's room holds "salle-des-profs".
    assert reserved.slug == "nouveau-salon"


def test_services_room_create_refused_to_a_member(rooms, english):
    """A plain member cannot open a room."""
    with pytest.raises(services.RoomError, match="animateurs") as refusal:
        services.room_create(actor=rooms.members[0], community=rooms.community, name="Mon salon")
    assert refusal.value.code == "forbidden"


def test_services_room_archive_stops_writing_and_reopen_restores_it(rooms, english):
    """An archived room is read-only until an animateur reopens it."""
    services.room_archive(actor=rooms.animateur, room=rooms.room)
    with pytest.raises(services.RoomError) as refusal:
        _post(rooms, rooms.members[0], "Bonjour")
    assert refusal.value.code == "archived"

    services.room_reopen(actor=rooms.animateur, room=rooms.room)
    assert _post(rooms, rooms.members[0], "Bonjour").pk


def test_services_room_update_announces_the_new_name(rooms, django_capture_on_commit_callbacks):
    """Renaming a room tells its open connections."""
    channel = _listen(realtime.room_group(rooms.room.pk))
    with django_capture_on_commit_callbacks(execute=True):
        services.room_update(
            actor=rooms.animateur, room=rooms.room, name="Le coin café", topic="Détente"
        )

    event = _receive(channel)
    assert event["type"] == "room.updated"
    assert '"name":"Le coin café"' in event["frame"]


# --- Posting ----------------------------------------------------------------------------------


def test_services_message_post_stores_before_announcing(rooms, django_capture_on_commit_callbacks):
    """The message is in the database when its broadcast is only queued for after commit."""
    channel = _listen(realtime.room_group(rooms.room.pk))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = _post(rooms, rooms.members[0], "Bonjour à toutes et à tous")
    assert Message.objects.filter(pk=message.pk).exists()
    assert len(callbacks) == 1  # Nothing was sent yet.

    callbacks[0]()
    event = _receive(channel)
    assert event["type"] == "message.created"
    assert f'"id":{message.pk}' in event["frame"]


def test_services_message_post_cleans_html():
    """Scripts, handlers and javascript: links go; links get rel="nofollow noopener"."""
    cleaned = services.message_html(
        '<p onclick="x()">Voir <a href="javascript:alert(1)">ceci</a> et '
        '<a href="https://eduscol.education.fr">Éduscol</a></p><script>alert(1)</script>'
    )

    assert "script" not in cleaned and "onclick" not in cleaned and "javascript" not in cleaned
    assert 'rel="nofollow noopener"' in cleaned
    assert "https://eduscol.education.fr" in cleaned


def test_services_message_post_turns_plain_text_into_paragraphs_and_links(rooms):
    """Typed text keeps its lines, its addresses become links, and it edits back the same."""
    typed = "Bonjour,\nvoici le lien : https://eduscol.education.fr\n\nÀ demain <3"
    message = _post(rooms, rooms.members[0], typed)

    assert message.body.startswith("<p>Bonjour,<br>")
    assert '<a href="https://eduscol.education.fr" rel="nofollow noopener">' in message.body
    assert "À demain &lt;3</p>" in message.body
    assert message_source(message) == typed


def test_services_message_post_refuses_too_long_and_empty_messages(rooms, english):
    """Beyond 4,000 characters of text, or nothing but markup: refused, nothing stored."""
    with pytest.raises(services.RoomError, match="4,000") as too_long:
        _post(rooms, rooms.members[0], "a" * 4001)
    with pytest.raises(services.RoomError) as empty:
        _post(rooms, rooms.members[0], "<p> </p><script>x</script>")

    assert (too_long.value.code, empty.value.code) == ("too_long", "empty")
    assert _post(rooms, rooms.members[0], "a" * 4000).pk  # The limit itself is allowed.
    assert Message.objects.count() == 1


def test_services_message_post_is_idempotent_on_client_id(
    rooms, django_capture_on_commit_callbacks
):
    """A re-send with the same client_id returns the stored message, announced once."""
    client_id = uuid.uuid4()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first, created = services.message_post(
            actor=rooms.members[0], room=rooms.room, body="Bonjour", client_id=client_id
        )
        again, created_again = services.message_post(
            actor=rooms.members[0], room=rooms.room, body="Bonjour", client_id=str(client_id)
        )

    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    assert Message.objects.count() == 1
    assert len(callbacks) == 1


def test_services_message_post_refuses_a_client_id_of_another_room(rooms, english):
    """A client_id names one message: reusing it elsewhere is an error, not a silent ack."""
    client_id = uuid.uuid4()
    _post(rooms, rooms.members[0], "Bonjour", client_id=client_id)
    other = services.room_create(actor=rooms.animateur, community=rooms.community, name="Autre")

    with pytest.raises(services.RoomError, match="already used"):
        services.message_post(actor=rooms.members[0], room=other, body="Re", client_id=client_id)


def test_services_message_post_rate_limited_per_person_and_room(rooms, english):
    """The eleventh message within ten seconds is refused; others and other rooms are not."""
    for n in range(services.RATE_LIMIT):
        _post(rooms, rooms.members[0], f"Message {n}")
    with pytest.raises(services.RoomError, match="too fast") as refusal:
        _post(rooms, rooms.members[0], "Encore un")

    assert refusal.value.code == "rate_limited"
    assert _post(rooms, rooms.members[1], "Moi aussi").pk  # Someone else.
    other = services.room_create(actor=rooms.animateur, community=rooms.community, name="Autre")
    assert services.message_post(actor=rooms.members[0], room=other, body="Ici")[0].pk
    assert Message.objects.filter(author=rooms.members[0], room=rooms.room).count() == 10


@pytest.mark.parametrize("who", ["outsider", "banned", "pending"])
def test_services_message_post_refused_to_non_members(rooms, who, english):
    """Outsiders, banned and pending people cannot write in a room."""
    with pytest.raises(services.RoomError, match="Only members") as refusal:
        _post(rooms, getattr(rooms, who), "Bonjour")
    assert refusal.value.code == "forbidden"
    assert not Message.objects.exists()


# --- Mentions ---------------------------------------------------------------------------------


def test_services_message_post_mentions_notify_members(rooms, learner, inspector, trainer):
    """@prénom.nom (accents optional) mentions members; non-members and the author are not."""
    namesake = UserFactory(first_name="Sophie", last_name="Lefèvre", email="sl@example.org")
    CommunityFactory()  # Sophie's namesake is in no community of ours.
    message = _post(
        rooms, trainer, "Merci @claire.martin et @sophie.lefèvre ! (cc @karim.benali, @inconnu)"
    )

    assert set(message.mentions.all()) == {learner, inspector}
    notified = Notification.objects.filter(kind=NotificationKind.MENTION)
    assert {n.recipient for n in notified} == {learner, inspector}
    assert notified.first().url.endswith(f"/salons/salle-des-profs/#message-{message.pk}")
    assert namesake not in message.mentions.all()


def test_services_message_post_ignores_addresses_and_links(rooms, learner):
    """An email address or a link's address is not a mention."""
    message = _post(
        rooms,
        rooms.animateur,
        'Écrire à claire.martin@ac-lyon.fr ou <a href="/@claire.martin">ici</a>',
    )
    assert not message.mentions.exists()


# --- Editing, deleting, hiding ----------------------------------------------------------------


def test_services_message_edit_own_notifies_new_mentions_once(rooms, learner, inspector):
    """The author rewrites their message; only members it newly mentions are notified."""
    message = _post(rooms, rooms.animateur, "Bonjour @claire.martin")
    services.message_edit(
        actor=rooms.animateur, message=message, body="Bonjour @claire.martin et @sophie.lefevre"
    )

    message.refresh_from_db()
    assert message.edited_at is not None
    assert "@sophie.lefevre" in message.body
    notified = [n.recipient for n in Notification.objects.filter(kind=NotificationKind.MENTION)]
    assert sorted(notified, key=lambda u: u.pk) == sorted([learner, inspector], key=lambda u: u.pk)


def test_services_message_edit_and_delete_refused_on_others_messages(rooms, english):
    """Nobody edits or deletes someone else's message, not even an animateur."""
    message = _post(rooms, rooms.members[0], "Bonjour")
    for service, kwargs in (
        (services.message_edit, {"body": "Piraté"}),
        (services.message_delete, {}),
    ):
        with pytest.raises(services.RoomError, match="your own") as refusal:
            service(actor=rooms.animateur, message=message, **kwargs)
        assert refusal.value.code == "forbidden"
    message.refresh_from_db()
    assert message.body == "<p>Bonjour</p>" and message.deleted_at is None


def test_services_message_delete_keeps_the_row_without_its_body(
    rooms, django_capture_on_commit_callbacks
):
    """A deleted message keeps its place in the history, not its words; it is announced."""
    message = _post(rooms, rooms.members[0], "Oups")
    channel = _listen(realtime.room_group(rooms.room.pk))
    with django_capture_on_commit_callbacks(execute=True):
        services.message_delete(actor=rooms.members[0], message=message)

    message.refresh_from_db()
    assert (message.body, message.deleted_at is not None) == ("", True)
    event = _receive(channel)
    assert event["type"] == "message.updated" and '"deleted":true' in event["frame"]
    with pytest.raises(services.RoomError):
        services.message_edit(actor=rooms.members[0], message=message, body="Revenu")


def test_services_message_hide_and_restore_by_animateurs_logged(rooms, english):
    """Animateurs hide and restore a message (audit log); members cannot."""
    message = _post(rooms, rooms.members[0], "Hors sujet")
    with pytest.raises(services.RoomError, match="animateurs"):
        services.message_hide(actor=rooms.members[1], message=message)

    services.message_hide(actor=rooms.animateur, message=message, note="Hors charte")
    message.refresh_from_db()
    assert message.hidden_by == rooms.animateur and not message.is_visible
    services.message_restore(actor=rooms.animateur, message=message)
    message.refresh_from_db()
    assert message.is_visible

    log = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Message), object_id=message.pk
    ).order_by("pk")
    assert [(e.action, e.actor, e.note) for e in log] == [
        ("message_hidden", rooms.animateur, "Hors charte"),
        ("message_restored", rooms.animateur, ""),
    ]


def test_services_room_member_disconnect_tells_every_room(
    rooms, django_capture_on_commit_callbacks
):
    """A banned person's connections to each room of the community are told to close."""
    second = services.room_create(actor=rooms.animateur, community=rooms.community, name="Autre")
    channels = [_listen(realtime.room_group(room.pk)) for room in (rooms.room, second)]
    with django_capture_on_commit_callbacks(execute=True):
        services.room_member_disconnect(community=rooms.community, user=rooms.members[0])

    for channel in channels:
        assert _receive(channel) == {"type": "member.revoked", "user": rooms.members[0].pk}


def test_services_message_post_from_another_community_refused(rooms, english):
    """Membership elsewhere does not open this community's rooms."""
    member(rooms.other_room.community, rooms.members[0])
    with pytest.raises(services.RoomError, match="Only members"):
        services.message_post(actor=rooms.outsider, room=rooms.room, body="Bonjour")
