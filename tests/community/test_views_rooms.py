"""The rooms' pages work without JavaScript: read, page back, post, edit, delete, moderate."""

from __future__ import annotations

import uuid

import pytest
from asgiref.sync import async_to_sync
from django.test import AsyncClient
from django.urls import reverse

from community import services_rooms as services
from community.models import CommunityAccess, Message, Room

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def client(client, settings):
    """Pages in English (the msgids), as the language switcher's cookie asks."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _url(rooms, name="room_detail", *args):
    return reverse(f"community:{name}", args=[rooms.community.slug, rooms.room.slug, *args])


def _post(rooms, user, body):
    return services.message_post(actor=user, room=rooms.room, body=body)[0]


# --- Reading ----------------------------------------------------------------------------------


def test_views_room_anonymous_is_sent_to_log_in(client, rooms):
    """Visitors log in first."""
    response = client.get(_url(rooms))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={_url(rooms)}"


@pytest.mark.parametrize("who", ["outsider", "banned", "pending"])
def test_views_room_refused_to_non_members_with_a_way_in(client, rooms, who):
    """Non-members of an open community get a 403 that says how to join."""
    client.force_login(getattr(rooms, who))
    response = client.get(_url(rooms))

    assert response.status_code == 403
    assert b"Only the members of" in response.content
    assert reverse("community:community_detail", args=[rooms.community.slug]).encode() in (
        response.content
    )


def test_views_room_of_a_community_one_cannot_see_is_404(client, rooms):
    """Invitation-only: strangers are not told the room exists; unknown rooms are 404 too."""
    rooms.community.access = CommunityAccess.INVITATION
    rooms.community.save()
    client.force_login(rooms.outsider)
    assert client.get(_url(rooms)).status_code == 404
    client.force_login(rooms.members[0])
    assert client.get(_url(rooms)).status_code == 200
    missing = reverse("community:room_detail", args=[rooms.community.slug, "nulle-part"])
    assert client.get(missing).status_code == 404


def test_views_room_member_reads_the_latest_page(client, rooms, django_assert_num_queries):
    """The newest 50 messages, oldest first, a link to older ones, the form; few queries."""
    Message.objects.bulk_create(
        Message(room=rooms.room, author=rooms.animateur, body=f"<p>n°{n}</p>") for n in range(55)
    )
    _post(rooms, rooms.members[1], "<p>Le <strong>dernier</strong><script>alert(1)</script></p>")
    client.force_login(rooms.members[0])

    # Session, user, room with its community, membership, messages with their authors; then
    # the page's frame: unread notifications, the user's and their groups' permissions.
    with django_assert_num_queries(8):
        response = client.get(_url(rooms))

    html = response.content.decode()
    assert response.status_code == 200
    assert "<p>n°6</p>" in html and "<p>n°5</p>" not in html
    assert "<p>Le <strong>dernier</strong></p>" in html and "alert(1)" not in html
    oldest = Message.objects.get(body="<p>n°6</p>")
    assert f'href="?before={oldest.pk}"' in html
    assert 'name="body"' in html and 'name="client_id"' in html
    # Served by WSGI (the test client): no websocket, so no live script either.
    assert "room.js" not in html and "notifications.js" not in html


def test_views_room_pages_back_with_before(client, rooms):
    """?before=<id> shows the messages just older, and a way back to the latest."""
    Message.objects.bulk_create(
        Message(room=rooms.room, author=rooms.animateur, body=f"<p>n°{n}</p>") for n in range(60)
    )
    tenth = Message.objects.get(body="<p>n°10</p>")
    client.force_login(rooms.members[0])

    response = client.get(_url(rooms), {"before": tenth.pk})

    html = response.content.decode()
    assert "<p>n°0</p>" in html and "<p>n°9</p>" in html and "<p>n°10</p>" not in html
    assert "Back to the latest messages" in html
    assert 'name="body"' not in html  # Writing happens on the latest page.
    assert client.get(_url(rooms), {"before": "x"}).status_code == 400


# --- Posting ----------------------------------------------------------------------------------


def test_views_room_post_stores_and_redirects_to_the_message(client, rooms):
    """Post/redirect/get: the message is stored and the page opens on it."""
    client.force_login(rooms.members[0])
    client_id = str(uuid.uuid4())

    response = client.post(_url(rooms), {"body": "Bonjour @karim.benali", "client_id": client_id})
    again = client.post(_url(rooms), {"body": "Bonjour @karim.benali", "client_id": client_id})

    message = Message.objects.get()
    assert response.status_code == again.status_code == 302
    assert response["Location"] == again["Location"] == f"{_url(rooms)}#message-{message.pk}"
    assert list(message.mentions.all()) == [rooms.animateur]


def test_views_room_post_errors_are_shown_on_the_form(client, rooms):
    """Empty or too long: 400 with the reason on the field; too fast: 429."""
    client.force_login(rooms.members[0])

    empty = client.post(_url(rooms), {"body": "<p></p>"})
    too_long = client.post(_url(rooms), {"body": "a" * 4001})
    for n in range(services.RATE_LIMIT):
        _post(rooms, rooms.members[0], f"n°{n}")
    too_fast = client.post(_url(rooms), {"body": "Encore"})

    assert (empty.status_code, too_long.status_code, too_fast.status_code) == (400, 400, 429)
    assert "Write a message first." in empty.content.decode()
    assert "at most 4,000 characters" in too_long.content.decode()
    assert "too fast" in too_fast.content.decode()
    assert Message.objects.count() == services.RATE_LIMIT


def test_views_room_archived_is_read_only(client, rooms):
    """An archived room shows its history and no form; a forged POST is refused."""
    _post(rooms, rooms.members[0], "Avant")
    services.room_archive(actor=rooms.animateur, room=rooms.room)
    client.force_login(rooms.members[0])

    page = client.get(_url(rooms)).content.decode()
    response = client.post(_url(rooms), {"body": "Après"})

    assert "<p>Avant</p>" in page and 'name="body"' not in page
    assert response.status_code == 403
    assert Message.objects.count() == 1


# --- What a reconnecting client missed ---------------------------------------------------------


def test_views_room_messages_json_after_and_before(client, rooms):
    """?after=<id> returns what came since, oldest first, paged; ?before=<id> an older page."""
    Message.objects.bulk_create(
        Message(room=rooms.room, author=rooms.animateur, body=f"<p>n°{n}</p>") for n in range(130)
    )
    first = Message.objects.order_by("pk").first()
    client.force_login(rooms.members[0])
    url = _url(rooms, "room_messages")

    everything = client.get(url, {"after": 0}).json()
    page = client.get(url, {"after": first.pk}).json()
    rest = client.get(url, {"after": page["messages"][-1]["id"]}).json()
    older = client.get(url, {"before": first.pk + 10}).json()

    assert everything["messages"][0]["body"] == "<p>n°0</p>"
    assert [m["body"] for m in page["messages"]][:2] == ["<p>n°1</p>", "<p>n°2</p>"]
    assert len(page["messages"]) == 100 and page["has_more"] is True
    assert len(rest["messages"]) == 29 and rest["has_more"] is False
    assert older["messages"][0]["body"] == "<p>n°0</p>"
    assert page["messages"][0]["author"] == {
        "id": rooms.animateur.pk,
        "name": "Karim Benali",
        "handle": "karim.benali",
    }


def test_views_room_messages_json_refusals(client, rooms):
    """JSON all the way: 401 when logged out, 403 for non-members, 400 for a bad id."""
    url = _url(rooms, "room_messages")
    assert client.get(url).status_code == 401
    client.force_login(rooms.outsider)
    assert client.get(url, {"after": 1}).status_code == 403
    client.force_login(rooms.members[0])
    response = client.get(url, {"after": "abc"})
    assert response.status_code == 400 and "error" in response.json()
    assert client.get(url, {"before": 0}).status_code == 400


# --- One's own messages -----------------------------------------------------------------------


def test_views_message_edit_own_from_its_text(client, rooms):
    """The edit form holds the text as typed; saving changes it and returns to it."""
    message = _post(rooms, rooms.members[0], "Bonjour,\nà demain")
    client.force_login(rooms.members[0])
    url = _url(rooms, "message_edit", message.pk)

    form = client.get(url).content.decode()
    response = client.post(url, {"body": "Bonsoir"})

    assert "Bonjour,\nà demain</textarea>" in form
    assert response.status_code == 302 and response["Location"].endswith(f"#message-{message.pk}")
    message.refresh_from_db()
    assert message.body == "<p>Bonsoir</p>" and message.edited_at


def test_views_message_edit_and_delete_refused_on_others(client, rooms):
    """Karim, animateur though he is, cannot edit or delete Claire's words."""
    message = _post(rooms, rooms.members[0], "Mon avis")
    client.force_login(rooms.animateur)

    assert client.get(_url(rooms, "message_edit", message.pk)).status_code == 403
    assert client.get(_url(rooms, "message_delete", message.pk)).status_code == 403
    client.post(_url(rooms, "message_edit", message.pk), {"body": "Piraté"})
    client.post(_url(rooms, "message_delete", message.pk))

    message.refresh_from_db()
    assert message.body == "<p>Mon avis</p>" and message.deleted_at is None


def test_views_message_delete_own_after_confirmation(client, rooms):
    """GET asks, POST deletes; the room then shows that a message was deleted."""
    message = _post(rooms, rooms.members[0], "Oups")
    client.force_login(rooms.members[0])

    confirm = client.get(_url(rooms, "message_delete", message.pk))
    client.post(_url(rooms, "message_delete", message.pk))

    assert b"Delete your message?" in confirm.content
    message.refresh_from_db()
    assert message.deleted_at is not None
    assert "This message was deleted." in client.get(_url(rooms)).content.decode()


# --- Animateurs -------------------------------------------------------------------------------


def test_views_message_hide_and_restore_by_animateurs_only(client, rooms):
    """A member cannot hide; an animateur hides, then restores."""
    message = _post(rooms, rooms.members[0], "Hors sujet")
    client.force_login(rooms.members[1])
    assert client.post(_url(rooms, "message_hide", message.pk)).status_code == 403

    client.force_login(rooms.animateur)
    client.post(_url(rooms, "message_hide", message.pk))
    message.refresh_from_db()
    assert message.hidden_at is not None
    client.post(_url(rooms, "message_restore", message.pk))
    message.refresh_from_db()
    assert message.hidden_at is None


def test_views_room_list_and_create_for_animateurs(client, rooms):
    """Members see the rooms; only animateurs open one (then land in it)."""
    client.force_login(rooms.members[0])
    listing = client.get(reverse("community:room_list", args=[rooms.community.slug]))
    create = reverse("community:room_create", args=[rooms.community.slug])
    assert "Salle des profs" in listing.content.decode()
    assert create not in listing.content.decode()
    assert client.get(create).status_code == 403

    client.force_login(rooms.animateur)
    response = client.post(create, {"name": "Projets interdisciplinaires", "topic": ""})

    room = Room.objects.get(slug="projets-interdisciplinaires")
    assert response["Location"] == reverse(
        "community:room_detail", args=[rooms.community.slug, room.slug]
    )


def test_views_room_update_archive_and_reopen(client, rooms):
    """An animateur renames, archives and reopens a room."""
    client.force_login(rooms.animateur)
    client.post(_url(rooms, "room_update"), {"name": "Salle des profs (2026)", "topic": "Tout"})
    client.post(_url(rooms, "room_archive"))
    rooms.room.refresh_from_db()
    assert (rooms.room.name, rooms.room.topic, rooms.room.archived) == (
        "Salle des profs (2026)",
        "Tout",
        True,
    )

    client.post(_url(rooms, "room_reopen"))
    rooms.room.refresh_from_db()
    assert rooms.room.archived is False


# --- The live scripts -------------------------------------------------------------------------


def test_views_room_live_scripts_only_over_asgi_for_logged_in_people(rooms):
    """Served over ASGI, a member's room page loads the live scripts and their config."""
    client = AsyncClient()
    async_to_sync(client.aforce_login)(rooms.members[0])

    html = async_to_sync(client.get)(_url(rooms)).content.decode()
    anonymous = async_to_sync(AsyncClient().get)("/").content.decode()

    assert "community/socket.js" in html and "community/notifications.js" in html
    assert "community/room.js" in html
    assert '"socket": "/ws/communautes/maths-cycle-3/salons/salle-des-profs/"' in html
    assert 'id="room-message-template"' in html
    assert "notifications.js" not in anonymous
