"""The rooms tests' world and the tools to talk to a room over a real websocket.

Karim (``trainer``) runs the community « Maths cycle 3 » and its room « Salle des profs »;
Claire (``learner``) and Sophie (``inspector``) are members; Olivier (``outsider``) is not, but
belongs to another community; one teacher is banned, one waits for approval.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from campus.models import User
from community.models import Community, MemberRole, MembershipStatus, Room
from tests.campus.factories import UserFactory
from tests.community.factories import CommunityFactory, RoomFactory, member

TIMEOUT = 5  # Seconds to wait for a frame (Redis on a loaded machine is not instant).


@dataclass
class World:
    community: Community
    room: Room
    animateur: User
    members: list[User]
    banned: User
    pending: User
    outsider: User
    other_room: Room


def world(*, animateur: User, learner: User, inspector: User, outsider: User) -> World:
    """The community, its room, its people, and another community's room."""
    community = CommunityFactory(name="Maths cycle 3", slug="maths-cycle-3")
    room = RoomFactory(community=community, name="Salle des profs", slug="salle-des-profs")
    member(community, animateur, role=MemberRole.ANIMATEUR)
    member(community, learner)
    member(community, inspector)
    banned = member(community, UserFactory(), status=MembershipStatus.BANNED).user
    pending = member(community, UserFactory(), status=MembershipStatus.PENDING).user
    other = CommunityFactory(name="Lettres", slug="lettres")
    member(other, outsider)
    other_room = RoomFactory(community=other, name="Café", slug="cafe")
    return World(
        community, room, animateur, [learner, inspector], banned, pending, outsider, other_room
    )


def fresh_cache(settings) -> None:
    """Give the test a cache of its own (``settings`` is pytest-django's fixture).

    The rate-limit counters are keyed by person and room ids, which SQLite hands out again
    after a test's rollback: a later test could otherwise inherit an earlier one's count.
    A key prefix of its own isolates the test on the local-memory cache and on Redis alike,
    without clearing what other workers keep there.
    """
    default = settings.CACHES["default"]
    prefix = f"{default.get('KEY_PREFIX', '')}-{uuid.uuid4().hex[:8]}"
    settings.CACHES = {**settings.CACHES, "default": {**default, "KEY_PREFIX": prefix}}


def session_cookie(user: User) -> str:
    """A real session for ``user`` (stored in the database), as its cookie header value."""
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def room_path(room: Room) -> str:
    return f"/ws/communautes/{room.community.slug}/salons/{room.slug}/"


def communicator(path: str, cookie: str | None = None) -> WebsocketCommunicator:
    """A websocket to ``path`` through the whole ASGI stack (origin check, session auth);
    ``cookie`` is a :func:`session_cookie` (made before the event loop runs: it writes)."""
    from campus.asgi import application

    headers = [(b"origin", b"http://localhost"), (b"host", b"localhost")]
    if cookie is not None:
        headers.append((b"cookie", cookie.encode()))
    return WebsocketCommunicator(application, path, headers=headers)


async def close_code(path: str, cookie: str | None) -> int | None:
    """Connect, and return the close code the server answers with (None if it stays open)."""
    socket = communicator(path, cookie)
    connected, _ = await socket.connect(timeout=TIMEOUT)
    assert connected  # Refusals are accepted first, so that the browser sees the code.
    output = await socket.receive_output(timeout=TIMEOUT)
    if output["type"] == "websocket.close":
        return output.get("code")
    await socket.disconnect()
    return None


async def joined(room: Room, cookie: str) -> tuple[WebsocketCommunicator, dict, dict]:
    """Connect someone (their session ``cookie``) to ``room``; return the socket, its history
    frame and its presence frame."""
    socket = communicator(room_path(room), cookie)
    connected, _ = await socket.connect(timeout=TIMEOUT)
    assert connected
    # The history, then the presence list; a broadcast sent just before this connection
    # joined may come in between (the process's hub was already in the room), and is skipped.
    history = await next_of(socket, "history")
    presence = await next_of(socket, "presence")
    return socket, history, presence


async def next_of(socket: WebsocketCommunicator, kind: str) -> dict:
    """The next frame of type ``kind``, skipping the others (presence, one's own echoes…)."""
    while True:
        frame = await socket.receive_json_from(timeout=TIMEOUT)
        if frame["type"] == kind:
            return frame
