"""Reads of the real-time rooms, shared by their HTTP views, their consumer and their services.

:func:`room_access` is the one permission read of a room: the page, the JSON feed and the
websocket ask it, so they always agree (the websocket's 4004 is the page's 404, its 4003 the
page's 403). :func:`message_data` is the one shape of a message sent to browsers, whether in
the page's JSON, a websocket frame or a broadcast.

Handles: a member is mentioned as ``@prenom.nom`` — their first and last names lowercased,
without accents, spaces turned into hyphens (``@sophie.lefevre``, ``@jean-pierre.martin``) —
or, when they have no name on their profile, as the local part of their email address.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.html import strip_tags
from django.utils.text import slugify

from campus.models import User
from community.models import Community, Membership, MembershipStatus, Message, Room
from community.selectors import communities_visible_to, membership_of

HISTORY_PAGE = 50  # Messages per page: on the page, on connect and per `history.before`.
MISSED_PAGE = 100  # Messages per answer of the "what did I miss" JSON feed.


@dataclass(frozen=True)
class RoomAccess:
    """What one person may do in a community's rooms, or in one of them.

    ``community`` is None when it (or the room asked for) is not found for them.
    """

    community: Community | None
    membership: Membership | None
    room: Room | None = None

    @property
    def found(self) -> bool:
        return self.community is not None

    @property
    def may_read(self) -> bool:
        """Active members read a room, archived or not (banned, invited, pending do not)."""
        return self.found and self.membership is not None and self.membership.is_active

    @property
    def may_post(self) -> bool:
        """Active members post, edit and delete in a room that is open in an open community."""
        return (
            self.may_read
            and self.room is not None
            and not self.room.archived
            and not self.community.archived
        )

    @property
    def runs(self) -> bool:
        """Owners and animateurs manage the room and hide or restore its messages."""
        return self.may_read and self.membership.runs_community


def _access(user: User, community: Community, room: Room | None) -> RoomAccess:
    membership = membership_of(user, community)
    if membership is None or not membership.is_active:
        # A community the user may not even see listed (invitation-only, or one that banned
        # them) is "not found": neither the page nor the websocket tells strangers it exists.
        if not communities_visible_to(user).filter(pk=community.pk).exists():
            return RoomAccess(None, None)
    return RoomAccess(community, membership, room)


def room_access(user: User, community_slug: str, room_slug: str) -> RoomAccess:
    """The room at these slugs and the user's membership of its community."""
    room = (
        Room.objects.select_related("community")
        .filter(community__slug=community_slug, slug=room_slug)
        .first()
    )
    if room is None:
        return RoomAccess(None, None)
    return _access(user, room.community, room)


def community_access(user: User, community_slug: str) -> RoomAccess:
    """The community at this slug and the user's membership, for its list of rooms."""
    community = Community.objects.filter(slug=community_slug).first()
    if community is None:
        return RoomAccess(None, None)
    return _access(user, community, None)


def community_rooms(community: Community, *, archived: bool = False) -> QuerySet[Room]:
    """The community's open rooms (or its archived ones), by name."""
    return community.rooms.filter(archived=archived).order_by("name", "pk")


def room_history(
    room: Room, *, before: int | None = None, after: int | None = None, limit: int = HISTORY_PAGE
) -> tuple[list[Message], bool]:
    """A page of the room's messages, oldest first, and whether there are more beyond it.

    Without ``before`` or ``after``: the newest ``limit`` messages (more = older ones exist).
    ``before=id``: the ``limit`` messages just older than ``id`` (more = still older ones).
    ``after=id``: the ``limit`` messages just newer than ``id`` (more = still newer ones);
    a client that reconnects asks this until there are no more.
    Deleted and hidden messages are included (as placeholders) so that paging by id works.
    """
    messages = Message.objects.filter(room=room).select_related("author")
    if after is not None:
        page = list(messages.filter(pk__gt=after).order_by("pk")[: limit + 1])
        return page[:limit], len(page) > limit
    if before is not None:
        messages = messages.filter(pk__lt=before)
    page = list(messages.order_by("-pk")[: limit + 1])
    return page[:limit][::-1], len(page) > limit


def room_last_id(room: Room) -> int:
    """The id of the room's newest message (0 when it has none)."""
    return (
        Message.objects.filter(room=room).order_by("-pk").values_list("pk", flat=True).first() or 0
    )


def message_for_room(room: Room, pk: int) -> Message | None:
    """One message of the room (None if it belongs to another room or does not exist)."""
    return (
        Message.objects.select_related("author", "room__community").filter(room=room, pk=pk).first()
    )


# --- People ------------------------------------------------------------------------------------


def handle_of(first_name: str, last_name: str, email: str) -> str:
    """A member's mention handle: ``prenom.nom``, or the email's local part without a name."""
    first, last = slugify(first_name), slugify(last_name)
    if first and last:
        return f"{first}.{last}"
    return first or last or email.partition("@")[0].lower()


def display_name(user: User) -> str:
    """The name shown next to a person's messages: never their full email address."""
    return user.get_full_name() or user.email.partition("@")[0]


def person_data(user: User) -> dict:
    """A person as the room's browsers see them."""
    return {
        "id": user.pk,
        "name": display_name(user),
        "handle": handle_of(user.first_name, user.last_name, user.email),
    }


def people_data(user_ids: list[int]) -> list[dict]:
    """People by id, by name, as the presence list shows them."""
    users = User.objects.filter(pk__in=user_ids).only("first_name", "last_name", "email")
    return sorted((person_data(u) for u in users), key=lambda p: p["name"].lower())


MENTION = re.compile(r"(?<![\w.@])@([a-z0-9][a-z0-9._-]*[a-z0-9]|[a-z0-9])", re.IGNORECASE)
MAX_MENTIONS = 20  # Distinct handles looked up per message: no mass notification by typing.


def mentioned_handles(body_html: str) -> set[str]:
    """The ``@handles`` written in the text of a message (not in its links' addresses).

    Accents are dropped first, so ``@sophie.lefèvre`` finds ``sophie.lefevre``.
    """
    text = unicodedata.normalize("NFKD", html.unescape(strip_tags(body_html)))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return {match.lower() for match in MENTION.findall(text)}


def members_by_handle(community: Community, handles: set[str]) -> list[User]:
    """The community's active members whose handle is one of ``handles``.

    Handles are computed, not stored, so this reads the members' names; it is only called
    when a message holds an ``@``. Two members may share a handle (two Claire Martin from two
    académies): both are mentioned, which errs on the side of telling someone.
    """
    handles = set(sorted(handles)[:MAX_MENTIONS])
    if not handles:
        return []
    rows = (
        User.objects.filter(
            community_memberships__community=community,
            community_memberships__status=MembershipStatus.ACTIVE,
        )
        .only("first_name", "last_name", "email")
        .order_by("pk")
    )
    return [u for u in rows if handle_of(u.first_name, u.last_name, u.email) in handles]


# --- Messages as browsers see them -------------------------------------------------------------


def message_data(message: Message) -> dict:
    """A message for the page's JSON and the websocket: body blanked once deleted or hidden.

    ``body`` is already-sanitised HTML (see :mod:`campus.sanitize`); clients insert it as is.
    """
    return {
        "id": message.pk,
        "room": message.room_id,
        "author": person_data(message.author),
        "body": message.body if message.is_visible else "",
        "created": message.created.isoformat(),
        "edited": message.edited_at.isoformat() if message.edited_at else None,
        "deleted": message.deleted_at is not None,
        "hidden": message.hidden_at is not None and message.deleted_at is None,
        "client_id": str(message.client_id) if message.client_id else None,
    }


_HTML_TAG = re.compile(r"<\s*/?\s*([a-z0-9]+)", re.IGNORECASE)
_PLAIN_TAGS = {"p", "br", "a"}


def message_source(message: Message) -> str:
    """What to put back in the edit box: the text the author typed, as far as it is known.

    A message typed as plain text is stored as paragraphs, line breaks and links made from
    its addresses (see :func:`community.services_rooms.message_html`); that turns back into
    the same text. A message written with other markup is edited as its (clean) HTML.
    """
    body = message.body
    if {tag.lower() for tag in _HTML_TAG.findall(body)} - _PLAIN_TAGS:
        return body
    text = re.sub(r"<br\s*/?>\n?", "\n", body)
    text = re.sub(r"</p>\s*<p>", "\n\n", text)
    return html.unescape(strip_tags(text)).strip()
