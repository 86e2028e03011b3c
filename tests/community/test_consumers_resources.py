"""Live "who is editing" over the websocket: who may connect, presence, saved revisions."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from community import services_resources as services
from tests.community.resources_helpers import make_resource, scenario_content, world

# The saved event is sent after commit; reference_data reloads what transactional tests flush.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("reference_data")]


@pytest.fixture
def lyon(learner, trainer, inspector):
    return world(author=learner, coauthor=trainer, animateur=inspector)


def _application():
    from campus.asgi import application

    return application


def _cookie(user) -> bytes:
    """The session cookie of ``user`` logged in (the real auth stack reads it)."""
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}".encode()


def _socket(resource_pk: int, user=None) -> WebsocketCommunicator:
    headers = [(b"origin", b"http://localhost"), (b"host", b"localhost")]
    if user is not None:
        headers.append((b"cookie", _cookie(user)))
    return WebsocketCommunicator(
        _application(), f"/ws/communautes/ressources/{resource_pk}/edition/", headers=headers
    )


async def _close_code(communicator: WebsocketCommunicator) -> int:
    connected, _ = await communicator.connect()
    assert connected  # Accepted, then closed: browsers see the code.
    message = await communicator.receive_output(timeout=5)
    assert message["type"] == "websocket.close"
    return message["code"]


def test_consumers_resource_editing_only_co_authors(lyon, outsider):
    """Co-authors connect; a member who is not one, an outsider and an anonymous visitor
    are closed with 4003, an unknown resource with 4004."""
    resource = make_resource(lyon.author, lyon.community)
    sockets = {
        "member": _socket(resource.pk, lyon.coauthor),
        "animateur": _socket(resource.pk, lyon.animateur),
        "outsider": _socket(resource.pk, outsider),
        "anonymous": _socket(resource.pk),
        "unknown": _socket(resource.pk + 1000, lyon.author),
    }
    author = _socket(resource.pk, lyon.author)

    async def scenario():
        codes = {name: await _close_code(socket) for name, socket in sockets.items()}
        connected, _ = await author.connect()
        await author.send_json_to({"type": "ping"})
        pong = await author.receive_json_from(timeout=5)
        await author.disconnect()
        return codes, connected, pong

    codes, connected, pong = async_to_sync(scenario)()
    assert codes == {
        "member": 4003,
        "animateur": 4003,
        "outsider": 4003,
        "anonymous": 4003,
        "unknown": 4004,
    }
    assert connected
    assert pong == {"type": "pong"}


def test_consumers_resource_editing_presence(lyon):
    """An editor already there is announced to a newcomer; a new editor to those there;
    leaving is announced; a reading page is not announced as editing."""
    resource = make_resource(lyon.author, lyon.community, coauthors=[lyon.coauthor])
    claire = _socket(resource.pk, lyon.author)
    karim = _socket(resource.pk, lyon.coauthor)
    reader = _socket(resource.pk, lyon.coauthor)

    async def settled(socket):
        """Round trip: what was sent before has been handled by the consumer."""
        await socket.send_json_to({"type": "ping"})
        assert await socket.receive_json_from(timeout=5) == {"type": "pong"}

    async def scenario():
        await claire.connect()
        await claire.send_json_to({"type": "editing"})
        await settled(claire)
        await reader.connect()
        seen_by_reader = await reader.receive_json_from(timeout=5)
        await karim.connect()
        seen_by_karim = await karim.receive_json_from(timeout=5)
        await karim.send_json_to({"type": "editing"})
        seen_by_claire = await claire.receive_json_from(timeout=5)
        await karim.disconnect()
        left = await claire.receive_json_from(timeout=5)
        await reader.receive_json_from(timeout=5)  # Karim editing, then…
        reader_left = await reader.receive_json_from(timeout=5)
        await reader.disconnect()
        # The reader never said it was editing: its leaving is not announced.
        quiet = await claire.receive_nothing(timeout=0.3)
        await claire.disconnect()
        return seen_by_reader, seen_by_karim, seen_by_claire, left, reader_left, quiet

    seen_by_reader, seen_by_karim, seen_by_claire, left, reader_left, quiet = async_to_sync(
        scenario
    )()
    claire_id = {"id": lyon.author.pk, "name": "Claire Martin"}
    assert seen_by_reader["type"] == "presence"
    assert (seen_by_reader["state"], seen_by_reader["user"]) == ("editing", claire_id)
    assert (seen_by_karim["state"], seen_by_karim["user"]) == ("editing", claire_id)
    assert (seen_by_claire["state"], seen_by_claire["user"]["name"]) == ("editing", "Karim Benali")
    assert (left["state"], left["user"]["name"]) == ("left", "Karim Benali")
    assert left["connection"] == seen_by_claire["connection"]
    assert reader_left["state"] == "left"
    assert quiet


def test_consumers_resource_editing_relays_saved_revisions(lyon):
    """When a co-author saves, the open editors hear « saved revision 2 by Karim »."""
    resource = make_resource(lyon.author, lyon.community, coauthors=[lyon.coauthor])
    claire = _socket(resource.pk, lyon.author)

    @database_sync_to_async
    def karim_saves():
        services.resource_save(
            actor=lyon.coauthor,
            resource=resource,
            base_revision=1,
            title=resource.title,
            content=scenario_content(materials="Des bouchons"),
        )

    async def scenario():
        await claire.connect()
        await claire.send_json_to({"type": "editing"})
        await karim_saves()
        saved = await claire.receive_json_from(timeout=5)
        await claire.send_json_to({"type": "nonsense"})
        error = await claire.receive_json_from(timeout=5)
        await claire.send_to(text_data="not json")
        bad_json = await claire.receive_json_from(timeout=5)
        await claire.disconnect()
        return saved, error, bad_json

    saved, error, bad_json = async_to_sync(scenario)()
    assert saved == {
        "type": "saved",
        "revision": 2,
        "author": "Karim Benali",
        "author_id": lyon.coauthor.pk,
    }
    assert error["type"] == "error" and error["code"] == "unknown_type"
    assert bad_json["type"] == "error" and bad_json["code"] == "invalid"
