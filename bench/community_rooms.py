"""A room with 500 connected members on one Daphne process: fan-out latency and throughput.

    .venv/bin/python bench/community_rooms.py [--members 500] [--messages 40]
        [--interval 0.5] [--load-rate 10] [--load-seconds 10] [--layer-seconds 5]
        [--database-url URL] [--redis-url URL] [--settings campus.settings]

Targets (issue 5, docs/performance.md): a message reaches all 500 members in ≤ 200 ms p95 on
one Daphne process; ≥ 1,000 messages/s through the Redis channel layer.

What it does, in order:

1. Production settings (``DEBUG=0``, a throwaway ``SECRET_KEY``, PostgreSQL through psycopg's
   pool, Redis for the cache and channels_redis) on a throwaway database,
   ``campus_bench_rooms`` by default, created if missing and migrated; Redis database 1 with
   key prefixes of this run's own. Creates (once) the community « Banc d'essai », its room
   and ``--members`` active members, and a real session for each (their cookies log the
   clients in, through the same auth stack as browsers).
2. Starts one Daphne process (``daphne -b 127.0.0.1 -p PORT campus.asgi:application``, as
   ``make run``) in its own process group, and connects every member to the room with the
   ``websockets`` client library, 25 at a time (each connection gets the history, the
   presence list, and tells the others it arrived).
3. **Fan-out**: ``--messages`` messages, one every ``--interval`` s, each from one of 20
   members in turn (the rooms' rate limit is 10 per person per 10 s). For each, the time from
   just before the sender's ``message.send`` to the arrival of ``message.created`` at each of
   the members' sockets: p50/p95/p99 over every delivery, and the p95 of "the last member
   served" per message. The sender's ack time (stored and committed) is reported too.
4. **Room under load**: ``--load-rate`` messages per second (from as many members in turn as
   the rate limit needs) for ``--load-seconds`` s: deliveries per second (each message goes to
   every member through the Redis layer), their latency, and whether any was lost.
5. **Redis layer alone**: one process ``group_send``s as fast as it can to a group whose 10
   channels are read by another process, for ``--layer-seconds`` s: channel-layer messages
   delivered per second, with no Django request or database in the way.

Everything runs on 127.0.0.1, the clients in this one Python process (asyncio): their own
time to read 500 sockets is inside the figures, which therefore err on the slow side. The
share of the machine's CPU used by anything foreign to the benchmark is printed per phase
("other CPU"); above a few percent the run shared the machine and says so.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
import servers  # bench/servers.py: process handling, /proc accounting

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
COMMUNITY = "banc-d-essai"
ROOM = "salle-de-test"
CONNECT_BATCH = 25
FANOUT_SENDERS = 20


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) of ``values``, in the same unit."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


# --- Setup ------------------------------------------------------------------------------------


def environment(args: argparse.Namespace) -> dict[str, str]:
    """Production settings on the bench database and Redis, with prefixes of this run's own."""
    run = uuid.uuid4().hex[:8]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_"))}
    env.update(
        DJANGO_SETTINGS_MODULE=args.settings,
        DEBUG="0",
        SECRET_KEY="bench-only-secret-key-not-for-production-0123456789abcdef",  # noqa: S106
        SECURE_SSL_REDIRECT="0",
        ALLOWED_HOSTS=f"{HOST},localhost",
        DATABASE_URL=args.database_url,
        REDIS_URL=args.redis_url,
        CACHE_KEY_PREFIX=f"bench-rooms-{run}",
        CHANNEL_LAYER_PREFIX=f"bench-rooms-{run}",
        STATIC_ROOT=tempfile.mkdtemp(prefix="campus-bench-static-"),
        LOG_LEVEL="WARNING",
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


def prepare(args: argparse.Namespace) -> list[str]:
    """Create and migrate the database, the room and its members; return their cookies."""
    _createdb(args.database_url)
    servers.manage(os.environ.copy(), "migrate", "--noinput", "-v0")

    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from campus.models import User
    from community.models import Community, CommunityKind, Membership, Room

    community, _ = Community.objects.get_or_create(
        slug=COMMUNITY, defaults={"name": "Banc d'essai", "kind": CommunityKind.PROJECT}
    )
    Room.objects.get_or_create(community=community, slug=ROOM, defaults={"name": "Salle de test"})
    emails = [f"membre{n:04d}@bench.campus.localhost" for n in range(args.members)]
    existing = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
    User.objects.bulk_create(
        User(email=e, first_name="Membre", last_name=e[6:10]) for e in emails if e not in existing
    )
    users = list(User.objects.filter(email__in=emails).order_by("email"))
    Membership.objects.bulk_create(
        [Membership(community=community, user=user) for user in users], ignore_conflicts=True
    )
    cookies = []
    for user in users:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        cookies.append(f"{settings.SESSION_COOKIE_NAME}={session.session_key}")
    print(f"room /communautes/{COMMUNITY}/salons/{ROOM}/ with {len(users)} members", flush=True)
    return cookies


def _createdb(url: str) -> None:
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        raise SystemExit("--database-url must be a PostgreSQL URL (the bench is of production)")
    command = ["createdb", "-h", parts.hostname or HOST, "-p", str(parts.port or 5432)]
    if parts.username:
        command += ["-U", parts.username]
    created = subprocess.run(
        [*command, parts.path.lstrip("/")], capture_output=True, text=True, check=False
    )
    if created.returncode != 0 and "already exists" not in created.stderr:
        raise SystemExit(f"createdb failed: {created.stderr.strip()}")


# --- The members' sockets ---------------------------------------------------------------------


class Member:
    """One member's websocket: records when each message (by client_id) reached it."""

    def __init__(self, socket) -> None:
        self.socket = socket
        self.arrivals: dict[str, float] = {}
        self.acks: dict[str, float] = {}
        self.waiting: dict[str, asyncio.Future] = {}
        self.last_frame = time.perf_counter()
        self.errors: list[str] = []

    async def read(self) -> None:
        async for raw in self.socket:
            now = self.last_frame = time.perf_counter()
            # Only messages, acks and errors matter: skip presence and typing unparsed.
            if '"message.' not in raw[:40] and '"error"' not in raw[:20]:
                continue
            frame = json.loads(raw)
            if frame["type"] == "message.created":
                self.arrivals[frame["message"]["client_id"]] = now
            elif frame["type"] in ("message.ack", "error"):
                client_id = frame.get("client_id")
                if frame["type"] == "message.ack":
                    self.acks[client_id] = now
                else:
                    self.errors.append(frame.get("code", "?"))
                waiter = self.waiting.pop(client_id, None)
                if waiter is not None and not waiter.done():
                    waiter.set_result(frame["type"] == "message.ack")

    async def send(self, body: str) -> tuple[str, float]:
        client_id = str(uuid.uuid4())
        self.waiting[client_id] = asyncio.get_running_loop().create_future()
        started = time.perf_counter()
        await self.socket.send(
            json.dumps({"type": "message.send", "body": body, "client_id": client_id})
        )
        return client_id, started

    async def stored(self, client_id: str) -> bool:
        """Wait for the ack (True) or the refusal (False) of a message sent."""
        waiter = self.waiting.get(client_id)
        return client_id in self.acks if waiter is None else await waiter


async def connect_all(port: int, cookies: list[str]) -> tuple[list[Member], list[asyncio.Task]]:
    from websockets.asyncio.client import connect

    url = f"ws://{HOST}:{port}/ws/communautes/{COMMUNITY}/salons/{ROOM}/"
    members: list[Member] = []

    async def one(cookie: str) -> Member:
        socket = await connect(
            url,
            origin=f"http://{HOST}:{port}",
            additional_headers={"Cookie": cookie},
            compression=None,
            ping_interval=None,
            max_queue=None,
            open_timeout=120,
        )
        # The presence list comes after the history: the member is in the room.
        while '"type":"presence"' not in await socket.recv():
            pass
        return Member(socket)

    started = time.perf_counter()
    for first in range(0, len(cookies), CONNECT_BATCH):
        batch = cookies[first : first + CONNECT_BATCH]
        members += await asyncio.gather(*(one(c) for c in batch))
    print(f"{len(members)} members connected in {time.perf_counter() - started:.1f} s", flush=True)
    readers = [asyncio.create_task(m.read()) for m in members]
    return members, readers


async def settle(members: list[Member], quiet: float = 3.0, limit: float = 300.0) -> float:
    """Wait until no member got anything for ``quiet`` s: every arrival has been announced to
    everyone (500 arrivals are 125,000 presence frames). Returns the seconds waited."""
    started = time.perf_counter()
    while time.perf_counter() - started < limit:
        await asyncio.sleep(0.5)
        if time.perf_counter() - max(m.last_frame for m in members) > quiet:
            break
    return time.perf_counter() - started


# --- Phases -----------------------------------------------------------------------------------


async def fanout(members: list[Member], messages: int, interval: float) -> dict:
    sent: list[tuple[str, float, Member]] = []
    for n in range(messages):
        sender = members[n % FANOUT_SENDERS]
        client_id, started = await sender.send(f"Message de mesure n°{n}")
        sent.append((client_id, started, sender))
        await asyncio.sleep(interval)
    await asyncio.sleep(2)
    deliveries, firsts, lasts, acks, missing = [], [], [], [], 0
    for client_id, started, sender in sent:
        times = [m.arrivals[client_id] - started for m in members if client_id in m.arrivals]
        missing += len(members) - len(times)
        deliveries += times
        if times:
            firsts.append(min(times))
            lasts.append(max(times))
        if client_id in sender.acks:
            acks.append(sender.acks[client_id] - started)
    return {
        "deliveries": len(deliveries),
        "missing": missing,
        "p50": percentile(deliveries, 50) * 1000,
        "p95": percentile(deliveries, 95) * 1000,
        "p99": percentile(deliveries, 99) * 1000,
        "first_p50": percentile(firsts, 50) * 1000,
        "last_p95": percentile(lasts, 95) * 1000,
        "last_max": max(lasts) * 1000 if lasts else float("nan"),
        "ack_p95": percentile(acks, 95) * 1000,
    }


async def load(members: list[Member], rate: float, seconds: float) -> dict:
    """Messages at ``rate`` per second from rotating senders (open loop), for ``seconds``."""
    senders = members[: max(FANOUT_SENDERS, int(rate * 10 / 9) + 1)]  # 10 per 10 s each.
    sent: list[tuple[str, float, Member]] = []
    started = time.perf_counter()
    for n in range(int(rate * seconds)):
        await asyncio.sleep(max(0.0, started + n / rate - time.perf_counter()))
        sender = senders[n % len(senders)]
        client_id, at = await sender.send("Charge")
        sent.append((client_id, at, sender))
    elapsed = time.perf_counter() - started
    await asyncio.sleep(5)
    stored = [(c, at) for c, at, sender in sent if c in sender.acks]
    deliveries = [m.arrivals[c] - at for m in members for c, at in stored if c in m.arrivals]
    last = max((m.arrivals[c] for m in members for c, _ in stored if c in m.arrivals), default=0)
    return {
        "rate": len(sent) / elapsed,
        "stored": len(stored),
        "refused": len(sent) - len(stored),
        "errors": sorted({code for m in senders for code in m.errors}),
        "delivered": len(deliveries),
        "expected": len(stored) * len(members),
        # Deliveries per second, over the time from the first send to the last arrival.
        "deliveries_per_s": len(deliveries) / max(elapsed, last - started),
        "p95": percentile(deliveries, 95) * 1000,
    }


def _layer_reader(redis_url: str, prefix: str, group: str, ready, counts, seconds: float) -> None:
    """In another process: 10 channels in ``group``, counting what they receive until the
    backlog is drained (nothing for 2 s after the sending window), or 60 s more at most."""
    from channels_redis.core import RedisChannelLayer

    async def main() -> None:
        layer = RedisChannelLayer(hosts=[redis_url], prefix=prefix, capacity=100_000)
        channels = [await layer.new_channel() for _ in range(10)]
        for channel in channels:
            await layer.group_add(group, channel)
        ready.set()
        received, last = 0, time.perf_counter()

        async def drain(channel: str) -> None:
            nonlocal received, last
            while True:
                await layer.receive(channel)
                received += 1
                last = time.perf_counter()

        tasks = [asyncio.create_task(drain(c)) for c in channels]
        started = time.perf_counter()
        await asyncio.sleep(seconds)
        while time.perf_counter() - last < 2 and time.perf_counter() - started < seconds + 60:
            await asyncio.sleep(0.2)
        for task in tasks:
            task.cancel()
        counts.put((received, last - started))

    asyncio.run(main())


def layer_throughput(redis_url: str, seconds: float) -> dict:
    """Messages per second through channels_redis between two processes (group of 10)."""
    from channels_redis.core import RedisChannelLayer

    prefix, group = f"bench-layer-{uuid.uuid4().hex[:8]}", "room.bench"
    context = multiprocessing.get_context("spawn")
    ready, counts = context.Event(), context.Queue()
    reader = context.Process(
        target=_layer_reader, args=(redis_url, prefix, group, ready, counts, seconds)
    )
    reader.start()
    ready.wait(30)

    async def send() -> tuple[int, float]:
        layer = RedisChannelLayer(hosts=[redis_url], prefix=prefix, capacity=100_000)
        sent, deadline = 0, time.perf_counter() + seconds
        started = time.perf_counter()

        async def sender() -> None:
            nonlocal sent
            while time.perf_counter() < deadline:
                await layer.group_send(group, {"type": "message.created", "frame": "x" * 300})
                sent += 1

        await asyncio.gather(*(sender() for _ in range(8)))
        return sent, time.perf_counter() - started

    sent, elapsed = asyncio.run(send())
    received, reading = counts.get(timeout=seconds + 90)
    reader.join(timeout=10)
    return {
        "group_sends_per_s": sent / elapsed,
        # Over the reader's whole time: the sending window and the backlog drained after it.
        "deliveries_per_s": received / reading,
        "lost": sent * 10 - received,
    }


# --- Main -------------------------------------------------------------------------------------


class CpuWatch:
    """The share of the machine's CPU used by anything but Daphne, PostgreSQL, Redis and this
    script, since it was started (bench/servers.py's accounting)."""

    def __init__(self, pgid: int, database: str) -> None:
        self.pgid, self.database = pgid, database
        self.busy = servers.machine_busy_seconds()
        self.serving = servers.serving_cpu_seconds(pgid, database)
        self.client = servers.client_cpu_seconds()
        self.wall = time.monotonic()

    def other_pct(self) -> float:
        other = (
            (servers.machine_busy_seconds() - self.busy)
            - (servers.serving_cpu_seconds(self.pgid, self.database) - self.serving)
            - (servers.client_cpu_seconds() - self.client)
        )
        return max(0.0, 100 * other / ((time.monotonic() - self.wall) * servers.cores()))


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=500)
    parser.add_argument("--messages", type=int, default=40, help="fan-out messages")
    parser.add_argument("--interval", type=float, default=0.5, help="s between them")
    parser.add_argument("--load-seconds", type=float, default=10)
    parser.add_argument("--load-rate", type=float, default=10, help="messages/s under load")
    parser.add_argument("--layer-seconds", type=float, default=5)
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/campus_bench_rooms"
    )
    parser.add_argument("--redis-url", default=servers.DEFAULT_REDIS_URL)
    parser.add_argument(
        "--settings",
        default="campus.settings",
        help="settings module of the server (to compare a variant, e.g. another channel layer)",
    )
    args = parser.parse_args(argv)
    if not FANOUT_SENDERS <= args.members <= 5000 or args.load_rate * 10 / 9 + 1 > args.members:
        parser.error(f"--members must be {FANOUT_SENDERS}..5000 and ≥ --load-rate x 10/9 + 1")
    return args


async def run_room(port: int, cookies: list[str], args, proc) -> tuple[dict, dict, float, float]:
    members, readers = await connect_all(port, cookies)
    waited = await settle(members)
    print(f"the arrivals' presence announcements drained {waited:.1f} s later", flush=True)
    database = urlsplit(args.database_url).path.lstrip("/")
    watch = CpuWatch(proc.pid, database)
    fan = await fanout(members, args.messages, args.interval)
    fan_other = watch.other_pct()
    await asyncio.sleep(11)  # The fan-out senders' rate-limit window passes.
    watch = CpuWatch(proc.pid, database)
    loaded = await load(members, args.load_rate, args.load_seconds)
    load_other = watch.other_pct()
    for reader in readers:
        reader.cancel()
    await asyncio.gather(*(m.socket.close() for m in members), return_exceptions=True)
    return fan, loaded, fan_other, load_other


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    env = environment(args)
    os.environ.update(env)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, 4 * args.members)), hard))
    cookies = prepare(args)
    port = servers.free_port()
    log = Path(tempfile.mkstemp(prefix="campus-bench-daphne-", suffix=".log")[1])
    proc = servers.start(servers.server_command("daphne", port, 1, 1), env, log)
    try:
        servers.wait_ready(proc, port, log)
        fan, loaded, fan_other, load_other = asyncio.run(run_room(port, cookies, args, proc))
    finally:
        servers.stop_all()
    layer = layer_throughput(args.redis_url, args.layer_seconds)

    print(f"\n{servers.machine()}; load average {os.getloadavg()[0]:.1f} at the end\n")
    print("| measure | figure | target |")
    print("|---|---|---|")
    print(
        f"| fan-out to {args.members} members, one Daphne: every delivery p50 / p95 / p99 "
        f"({fan['deliveries']} deliveries, {fan['missing']} missing; other CPU "
        f"{fan_other:.0f} %) | {fan['p50']:.0f} / {fan['p95']:.0f} / {fan['p99']:.0f} ms "
        "| p95 ≤ 200 ms |"
    )
    print(
        f"| fan-out: last of the {args.members} members served, p95 (max) "
        f"| {fan['last_p95']:.0f} ms ({fan['last_max']:.0f} ms) | |"
    )
    print(
        f"| fan-out: first member served, p50; sender's ack (stored and committed), p95 "
        f"| {fan['first_p50']:.0f} ms; {fan['ack_p95']:.0f} ms | |"
    )
    print(
        f"| room under load, {loaded['rate']:.0f} messages/s for {args.load_seconds:.0f} s: "
        f"deliveries / s through the Redis layer to the {args.members} members, and their "
        f"p95 ({loaded['delivered']} of {loaded['expected']} delivered, {loaded['refused']} "
        f"not stored {loaded['errors'] or ''}; other CPU {load_other:.0f} %) "
        f"| {loaded['deliveries_per_s']:.0f} / s, "
        f"p95 {loaded['p95']:.0f} ms | ≥ 1,000 / s |"
    )
    print(
        f"| Redis layer alone, two processes, group of 10: group_send / s; messages delivered "
        f"/ s ({layer['lost']} lost) | {layer['group_sends_per_s']:.0f} / s; "
        f"{layer['deliveries_per_s']:.0f} / s | ≥ 1,000 / s |"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
