"""Writes of the real-time rooms: rooms themselves, messages, and who is told about them.

Owners and animateurs create, rename and archive rooms (:func:`room_create`,
:func:`room_update`, :func:`room_archive`, :func:`room_reopen`). Active members post
(:func:`message_post`), edit and delete their own messages (:func:`message_edit`,
:func:`message_delete`); animateurs hide and restore anyone's (:func:`message_hide`,
:func:`message_restore`, logged in the community's audit log; reports and their queue are the
moderation pages' business).

Every write is stored and committed before anything is broadcast: services announce through
:func:`community.realtime.dispatch`, which sends after commit, so a client never sees (nor is
acknowledged) a message a rollback would lose. The broadcast frame is serialised here once,
not once per connected member (see :class:`community.consumers.RoomConsumer`).

A message body is what the author typed: plain text (paragraphs, line breaks, addresses made
into links) or simple HTML; either way it is cleaned by :func:`campus.sanitize.sanitize_html`
and limited to :data:`MESSAGE_MAX_LENGTH` characters of text. Each person may post at most
:data:`RATE_LIMIT` messages (edits count too) per :data:`RATE_WINDOW` seconds in a room,
counted in the cache so that every server process agrees.

Every guard raises :class:`RoomError`, whose ``code`` the websocket sends as is and whose
message is shown to the user.
"""

from __future__ import annotations

import html
import json
import re
import time
import uuid

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.html import linebreaks, strip_tags, urlize
from django.utils.text import slugify
from django.utils.translation import gettext as _

from campus.models import User
from campus.sanitize import sanitize_html
from community import realtime
from community.models import AuditEntry, Community, Message, NotificationKind, Room
from community.selectors import is_member, runs_community
from community.selectors_rooms import (
    display_name,
    members_by_handle,
    mentioned_handles,
    message_data,
)
from community.services_notifications import notification_create_many

MESSAGE_MAX_LENGTH = 4_000  # Characters of text, once cleaned (markup not counted).
# What is read at all: beyond this the input is refused before it is parsed, so that a huge
# frame costs nothing. Generous, since markup and escaped characters make HTML longer.
MESSAGE_MAX_INPUT = 4 * MESSAGE_MAX_LENGTH
RATE_LIMIT = 10  # Messages (and edits) per person and room…
RATE_WINDOW = 10  # …per this many seconds.

# Room slugs that are pages of the room list, not rooms (see community/urls_rooms.py).
RESERVED_ROOM_SLUGS = frozenset({"nouveau"})


class RoomError(Exception):
    """A room action the guards refuse; ``code`` names the reason for websocket clients."""

    def __init__(self, message: str, code: str = "invalid") -> None:
        super().__init__(message)
        self.code = code


# --- Guards -----------------------------------------------------------------------------------


def _runs(actor: User, community: Community) -> None:
    if not runs_community(actor, community):
        raise RoomError(_("Only the community's animateurs may do this."), "forbidden")


def _open(room: Room) -> None:
    if room.archived or room.community.archived:
        raise RoomError(_("This room is archived: it can be read, not written in."), "archived")


def _may_post(actor: User, room: Room) -> None:
    if not is_member(actor, room.community):
        raise RoomError(_("Only members of the community may write in its rooms."), "forbidden")
    _open(room)


def _own_and_visible(actor: User, message: Message) -> None:
    if message.author_id != actor.pk:
        raise RoomError(_("You may only change your own messages."), "forbidden")
    if not message.is_visible:
        raise RoomError(_("This message was deleted or hidden."), "invalid")


def _within_rate(actor: User, room: Room) -> None:
    """Refuse a write beyond RATE_LIMIT per RATE_WINDOW seconds for this person in this room.

    The cache (Redis in production) holds one counter per person, room and window, so every
    server process counts the same writes. The count is a sliding estimate: the previous
    window's count weighted by how much of it still overlaps the last RATE_WINDOW seconds,
    plus the current one's, so that a burst across a window's edge is caught too. A refused
    write is not counted.
    """
    now = time.time()
    window, elapsed = divmod(now, RATE_WINDOW)
    key = f"community:room-rate:{room.pk}:{actor.pk}:{int(window)}"
    previous = cache.get(f"community:room-rate:{room.pk}:{actor.pk}:{int(window) - 1}", 0)
    cache.add(key, 0, timeout=2 * RATE_WINDOW)
    try:
        current = cache.incr(key)
    except ValueError:  # Expired between add() and incr().
        cache.set(key, 1, timeout=2 * RATE_WINDOW)
        current = 1
    if previous * (1 - elapsed / RATE_WINDOW) + current > RATE_LIMIT:
        cache.decr(key)
        raise RoomError(
            _("You are sending messages too fast: wait a few seconds and send it again."),
            "rate_limited",
        )


# --- Message bodies ---------------------------------------------------------------------------

_MARKUP = re.compile(
    r"<\s*/?\s*(p|br|strong|b|em|i|u|s|ul|ol|li|a|blockquote|code|pre)\b[^>]*>", re.IGNORECASE
)


def message_html(body: str) -> str:
    """The clean HTML stored for what an author typed; RoomError if empty or too long.

    Text without any of the allowed tags is plain text: it is escaped, its blank lines make
    paragraphs, its line breaks stay, its addresses become links. Otherwise it is taken as
    HTML. Both go through the sanitiser's allow-list (links get rel="nofollow noopener").
    """
    if len(body) > MESSAGE_MAX_INPUT:
        raise RoomError(_too_long(), "too_long")
    body = body.strip().replace("\r\n", "\n")
    if not _MARKUP.search(body):
        body = linebreaks(urlize(body, nofollow=True, autoescape=True))
    cleaned = sanitize_html(body).strip()
    text = html.unescape(strip_tags(cleaned)).strip()
    if not text:
        raise RoomError(_("Write a message first."), "empty")
    if len(text) > MESSAGE_MAX_LENGTH:
        raise RoomError(_too_long(), "too_long")
    return cleaned


def _too_long() -> str:
    return _("A message holds at most %(count)s characters: shorten it or split it.") % {
        "count": number_format(MESSAGE_MAX_LENGTH, force_grouping=True)
    }


# --- Broadcasts -------------------------------------------------------------------------------


def _broadcast(room: Room, kind: str, /, **payload) -> None:
    """Tell the room's connections after commit; the frame is serialised once for all."""
    frame = json.dumps({"type": kind, **payload}, separators=(",", ":"), ensure_ascii=False)
    realtime.dispatch(realtime.room_group(room.pk), {"type": kind, "frame": frame})


def _room_data(room: Room) -> dict:
    return {"id": room.pk, "name": room.name, "topic": room.topic, "archived": room.archived}


def room_url(room: Room) -> str:
    """The room's page (where a message's anchor is ``#message-<id>``)."""
    return reverse("community:room_detail", args=[room.community.slug, room.slug])


# --- Rooms ------------------------------------------------------------------------------------


def _unique_slug(community: Community, name: str) -> str:
    base = slugify(name)[:90] or "salon"
    if base in RESERVED_ROOM_SLUGS:
        base = f"{base}-salon"
    taken = set(
        Room.objects.filter(community=community, slug__startswith=base).values_list(
            "slug", flat=True
        )
    )
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


def _clean_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise RoomError(_("A room needs a name."), "invalid")
    return name


@transaction.atomic
def room_create(*, actor: User, community: Community, name: str, topic: str = "") -> Room:
    """An animateur opens a room in their community; its slug comes from its name."""
    _runs(actor, community)
    if community.archived:
        raise RoomError(_("This community is archived: no room can be opened in it."), "archived")
    name = _clean_name(name)
    return Room.objects.create(
        community=community, name=name, slug=_unique_slug(community, name), topic=topic.strip()
    )


@transaction.atomic
def room_update(*, actor: User, room: Room, name: str, topic: str = "") -> Room:
    """An animateur renames a room or changes its topic (its address stays the same)."""
    _runs(actor, room.community)
    room.name = _clean_name(name)
    room.topic = topic.strip()
    room.save(update_fields=["name", "topic"])
    _broadcast(room, "room.updated", room=_room_data(room))
    return room


@transaction.atomic
def room_archive(*, actor: User, room: Room) -> Room:
    """An animateur closes a room: its history stays readable, nobody writes in it."""
    _runs(actor, room.community)
    if room.archived:
        raise RoomError(_("This room is already archived."), "invalid")
    room.archived = True
    room.save(update_fields=["archived"])
    _broadcast(room, "room.updated", room=_room_data(room))
    return room


@transaction.atomic
def room_reopen(*, actor: User, room: Room) -> Room:
    """An animateur reopens an archived room."""
    _runs(actor, room.community)
    if not room.archived:
        raise RoomError(_("This room is open already."), "invalid")
    room.archived = False
    room.save(update_fields=["archived"])
    _broadcast(room, "room.updated", room=_room_data(room))
    return room


def room_member_disconnect(*, community: Community, user: User) -> None:
    """Close a person's open connections to the community's rooms (after commit).

    For the membership services to call once a person is banned or leaves: their sockets
    then stop receiving the rooms at once. Until they call it, the consumer re-checks the
    membership on each client heartbeat (every 30 s) and on every write, so a banned person
    is cut off within that time anyway.
    """
    for room_id in community.rooms.values_list("pk", flat=True):
        realtime.dispatch(realtime.room_group(room_id), {"type": "member.revoked", "user": user.pk})


# --- Messages ---------------------------------------------------------------------------------


def _notify_mentions(message: Message, actor: User, already: set[int]) -> None:
    """Store the members the message mentions (its author aside); notify the new ones."""
    handles = mentioned_handles(message.body) if "@" in message.body else set()
    mentioned = [
        user for user in members_by_handle(message.room.community, handles) if user.pk != actor.pk
    ]
    message.mentions.set(mentioned)
    new = [user for user in mentioned if user.pk not in already]
    if new:
        notification_create_many(
            recipients=new,
            kind=NotificationKind.MENTION,
            text=_("%(name)s mentioned you in « %(room)s »")
            % {"name": display_name(actor), "room": message.room.name},
            url=f"{room_url(message.room)}#message-{message.pk}",
            actor=actor,
        )


def message_post(
    *, actor: User, room: Room, body: str, client_id: uuid.UUID | str | None = None
) -> tuple[Message, bool]:
    """Store a member's message and announce it; return it and whether it is new.

    ``client_id`` (a UUID the client picks per message) makes a re-send after a dropped
    connection harmless: the message already stored under it is returned, not a copy, and
    nothing is announced again. Mentioned members are stored and notified.
    """
    if client_id is not None:
        client_id = _client_uuid(client_id)
        existing = _sent_before(actor, room, client_id)
        if existing is not None:
            return existing, False
    try:
        with transaction.atomic():
            _may_post(actor, room)
            cleaned = message_html(body)
            _within_rate(actor, room)
            message = Message.objects.create(
                room=room, author=actor, body=cleaned, client_id=client_id
            )
            _notify_mentions(message, actor, already=set())
            _broadcast(room, "message.created", message=message_data(message))
    except IntegrityError:
        # The same client_id raced in from another connection (a second tab re-sending):
        # that one won; this call answers with its message.
        existing = _sent_before(actor, room, client_id) if client_id is not None else None
        if existing is None:
            raise
        return existing, False
    return message, True


def _client_uuid(value: uuid.UUID | str) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        raise RoomError(_("The message's client_id must be a UUID."), "invalid") from None


def _sent_before(actor: User, room: Room, client_id: uuid.UUID) -> Message | None:
    existing = (
        Message.objects.select_related("author").filter(author=actor, client_id=client_id).first()
    )
    if existing is not None and existing.room_id != room.pk:
        raise RoomError(_("This client_id was already used for another message."), "invalid")
    return existing


@transaction.atomic
def message_edit(*, actor: User, message: Message, body: str) -> Message:
    """An author rewrites their own message; members it newly mentions are notified."""
    message = (
        Message.objects.select_for_update().select_related("room__community").get(pk=message.pk)
    )
    _own_and_visible(actor, message)
    _may_post(actor, message.room)
    cleaned = message_html(body)
    _within_rate(actor, message.room)
    before = set(message.mentions.values_list("pk", flat=True))
    message.body = cleaned
    message.edited_at = timezone.now()
    message.save(update_fields=["body", "edited_at"])
    _notify_mentions(message, actor, already=before)
    _broadcast(message.room, "message.updated", message=message_data(message))
    return message


@transaction.atomic
def message_delete(*, actor: User, message: Message) -> Message:
    """An author deletes their own message: the row stays (history keeps its place), the
    body goes."""
    message = (
        Message.objects.select_for_update().select_related("room__community").get(pk=message.pk)
    )
    _own_and_visible(actor, message)
    _may_post(actor, message.room)
    message.body = ""
    message.deleted_at = timezone.now()
    message.save(update_fields=["body", "deleted_at"])
    message.mentions.clear()
    _broadcast(message.room, "message.updated", message=message_data(message))
    return message


def _audit(actor: User, message: Message, action: str, note: str) -> None:
    AuditEntry.objects.create(
        community=message.room.community,
        actor=actor,
        action=action,
        content_type=ContentType.objects.get_for_model(Message),
        object_id=message.pk,
        target_repr=f"{message.room.name} #{message.pk}"[:200],
        note=note,
    )


@transaction.atomic
def message_hide(*, actor: User, message: Message, note: str = "") -> Message:
    """An animateur hides a message from the room (reversible; logged in the audit log)."""
    message = (
        Message.objects.select_for_update().select_related("room__community").get(pk=message.pk)
    )
    _runs(actor, message.room.community)
    if message.hidden_at is not None or message.deleted_at is not None:
        raise RoomError(_("This message is not shown already."), "invalid")
    message.hidden_at = timezone.now()
    message.hidden_by = actor
    message.save(update_fields=["hidden_at", "hidden_by"])
    _audit(actor, message, "message_hidden", note)
    _broadcast(message.room, "message.updated", message=message_data(message))
    return message


@transaction.atomic
def message_restore(*, actor: User, message: Message, note: str = "") -> Message:
    """An animateur shows a hidden message again (logged in the audit log)."""
    message = (
        Message.objects.select_for_update().select_related("room__community").get(pk=message.pk)
    )
    _runs(actor, message.room.community)
    if message.hidden_at is None:
        raise RoomError(_("This message is not hidden."), "invalid")
    message.hidden_at = None
    message.hidden_by = None
    message.save(update_fields=["hidden_at", "hidden_by"])
    _audit(actor, message, "message_restored", note)
    _broadcast(message.room, "message.updated", message=message_data(message))
    return message
