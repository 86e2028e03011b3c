"""Two Daphne processes on Redis: a message sent through one reaches a client of the other.

The real thing, as deployed: production settings (DEBUG off), two ``daphne`` processes on
free ports of 127.0.0.1 sharing the test database and Redis (cache, channel layer, presence),
and two websocket clients (the ``websockets`` library, pinned through uvicorn[standard]) that
log in with real session cookies. Needs REDIS_URL and a database other processes can open
(PostgreSQL: the CI's second run); skipped otherwise.
"""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from websockets.asyncio.client import connect

from tests.community import rooms_helpers as h

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("reference_data")]

ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"


@pytest.fixture
def shared_database():
    """Skip unless Redis is there and the test database can be opened by other processes."""
    if not os.environ.get("REDIS_URL"):
        pytest.skip("REDIS_URL is not set (the CI's second run sets it)")
    if connection.vendor != "postgresql":
        pytest.skip("the Daphne processes need a database they can share (PostgreSQL)")
    db = settings.DATABASES["default"]
    user = quote(db.get("USER") or "", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    credentials = f"{user}{password}@" if user else ""
    return f"postgres://{credentials}{db.get('HOST') or HOST}:{db.get('PORT') or 5432}/{db['NAME']}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _healthy(port: int) -> bool:
    conn = http.client.HTTPConnection(HOST, port, timeout=2)
    try:
        conn.request("GET", "/healthz")
        return conn.getresponse().status == 200
    except OSError:
        return False
    finally:
        conn.close()


@pytest.fixture
def two_daphnes(shared_database, tmp_path):
    """Start two Daphne processes on the test database and Redis; stop them at the end."""
    run = uuid.uuid4().hex[:8]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="campus.settings",
        DEBUG="0",
        SECRET_KEY=settings.SECRET_KEY,  # The test's sessions are signed with it.
        SECURE_SSL_REDIRECT="0",
        ALLOWED_HOSTS=f"{HOST},localhost",
        DATABASE_URL=shared_database,
        DATABASE_POOL_MIN_SIZE="0",
        REDIS_URL=os.environ["REDIS_URL"],
        CACHE_KEY_PREFIX=f"campus-daphne-{run}",
        CHANNEL_LAYER_PREFIX=f"campus-daphne-{run}",
        LOG_LEVEL="WARNING",
    )
    daphne = Path(sys.executable).parent / "daphne"
    processes, ports = [], []
    try:
        for n in range(2):
            port = _free_port()
            log = (tmp_path / f"daphne-{n}.log").open("wb")
            processes.append(
                subprocess.Popen(
                    [str(daphne), "-b", HOST, "-p", str(port), "campus.asgi:application"],
                    cwd=ROOT,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
            log.close()
            ports.append(port)
        deadline = time.monotonic() + 90
        for n, port in enumerate(ports):
            while not _healthy(port):
                if processes[n].poll() is not None or time.monotonic() > deadline:
                    logs = (tmp_path / f"daphne-{n}.log").read_text(errors="replace")[-3000:]
                    pytest.fail(f"Daphne {n} did not start; its log ends with:\n{logs}")
                time.sleep(0.3)
        yield ports
    finally:
        for process in processes:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)


async def _frame(ws, kind: str) -> dict:
    """The next frame of type ``kind``, skipping the others."""
    while True:
        frame = json.loads(await asyncio.wait_for(ws.recv(), timeout=h.TIMEOUT))
        if frame["type"] == kind:
            return frame


def test_consumers_room_two_daphne_processes_share_messages_and_presence(two_daphnes, rooms):
    """Claire on Daphne 1 and Karim on Daphne 2 see each other online and chat."""
    claire, karim = h.session_cookie(rooms.members[0]), h.session_cookie(rooms.animateur)
    first, second = two_daphnes
    path = h.room_path(rooms.room)

    def open_socket(port: int, cookie: str):
        return connect(
            f"ws://{HOST}:{port}{path}",
            origin=f"http://{HOST}:{port}",
            additional_headers={"Cookie": cookie},
        )

    async def scenario():
        async with open_socket(first, claire) as sender:
            await _frame(sender, "history")
            async with open_socket(second, karim) as reader:
                await _frame(reader, "history")
                presence = await _frame(reader, "presence")
                joined = await _frame(sender, "presence.joined")
                client_id = str(uuid.uuid4())
                await sender.send(
                    json.dumps(
                        {"type": "message.send", "body": "Bonjour Karim", "client_id": client_id}
                    )
                )
                ack = await _frame(sender, "message.ack")
                created = await _frame(reader, "message.created")
        return presence, joined, ack, created

    presence, joined, ack, created = asyncio.run(scenario())
    # Karim, on the second process, sees Claire connected to the first one, and she him.
    assert {p["name"] for p in presence["users"]} == {"Claire Martin", "Karim Benali"}
    assert joined["user"]["name"] == "Karim Benali"
    assert created["message"]["id"] == ack["id"]
    assert created["message"]["body"] == "<p>Bonjour Karim</p>"
