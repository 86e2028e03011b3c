"""A generic xAPI 1.0.3 load client: ingest rate, latencies and memory while paging.

Works against any LRS (Campus, Ralph, the ADL LRS, Learning Locker…) given its endpoint and
Basic-auth credentials; standard library only (``http.client`` keep-alive connections, one per
thread). It measures, in order:

1. **ingest**: ``--statements`` statements POSTed in batches of ``--batch`` by
   ``--concurrency`` threads (statements/s; the JSON bodies are built before the clock starts);
2. **single POST**: ``--singles`` one-statement POSTs, one at a time (p50/p95/p99 latency);
3. **filtered GET**: ``--queries`` GETs each with an ``agent``, a ``verb`` and an ``activity``
   filter (``limit=--get-limit``) drawn from the same pools as the statements (p50/p95/p99);
4. **paging**: GET /statements then every ``more`` link until the end (or
   ``--page-max-statements``): count, time, the client's RSS at start/end
   (``resource.getrusage`` peak and /proc current) and, with ``--server-pid``, the server's RSS
   (that process and its children) at start, end and the highest seen, to show memory stays
   flat however many statements are paged through.

It prints a Markdown table (also written to ``--output``). Loopback endpoints only; every loop
is bounded and the run stops by itself. Example (see bench/lrs_seed.py to pre-fill 1,000,000):

    python bench/lrs.py --endpoint http://127.0.0.1:8000/xapi --key K --secret S \\
        --statements 20000 --batch 100 --concurrency 4 --server-pid $(pgrep -o gunicorn)
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import random
import resource
import statistics
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode, urljoin, urlsplit

LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
XAPI_VERSION = "1.0.3"

# --- Realistic statements (shared with bench/lrs_seed.py) -------------------------------------
# Fixed pools, so that the filters of the GET phase hit statements the seeder stored: many
# distinct teachers, verbs, activities and registrations, in skewed (Zipf-like) proportions.
HOME_PAGE = "https://campus.example.fr"
AGENT_POOL = 20_000
ACTIVITY_POOL = 2_000
COURSE_POOL = 100
VERBS = [
    ("http://adlnet.gov/expapi/verbs/experienced", "experienced", "a consulté"),
    ("http://adlnet.gov/expapi/verbs/launched", "launched", "a lancé"),
    ("http://adlnet.gov/expapi/verbs/answered", "answered", "a répondu à"),
    ("http://adlnet.gov/expapi/verbs/completed", "completed", "a terminé"),
    ("http://adlnet.gov/expapi/verbs/passed", "passed", "a réussi"),
    ("http://adlnet.gov/expapi/verbs/failed", "failed", "a échoué à"),
    ("http://adlnet.gov/expapi/verbs/attended", "attended", "a participé à"),
    ("https://w3id.org/xapi/video/verbs/played", "played", "a lu"),
    ("https://w3id.org/xapi/video/verbs/paused", "paused", "a mis en pause"),
    ("http://adlnet.gov/expapi/verbs/shared", "shared", "a partagé"),
]
# Commoner verbs first: most statements are consultations and answers.
VERB_WEIGHTS = [30, 15, 20, 8, 4, 2, 3, 10, 6, 2]
_REGISTRATION_NAMESPACE = uuid.UUID("7a1c2f1e-4b8e-4d0a-9a57-3c2f0e6d1b20")


def agent(n: int) -> dict:
    """The n-th teacher of the pool, identified by an académie e-mail address."""
    return {"objectType": "Agent", "name": f"Enseignant {n}", "mbox": f"mailto:prof{n}@ac-lyon.fr"}


def activity_iri(n: int) -> str:
    """The IRI of the n-th activity (a module page, question or video) of the pool."""
    return f"{HOME_PAGE}/activites/{n}"


def verb_iri(n: int) -> str:
    """The IRI of the n-th verb of the pool."""
    return VERBS[n % len(VERBS)][0]


def registration(n: int) -> str:
    """The n-th registration (teacher and course: one enrolment), a stable UUID."""
    return str(uuid.uuid5(_REGISTRATION_NAMESPACE, str(n)))


def _skewed(rng: random.Random, size: int) -> int:
    """An index in [0, size) where low indexes are much commoner (a few popular ones)."""
    return (
        min(int(rng.paretovariate(1.2)) - 1, size - 1)
        if rng.random() < 0.7
        else rng.randrange(size)
    )


def make_statement(rng: random.Random, now: datetime) -> dict:
    """A realistic, valid statement of a teacher on Campus, with a fresh random id."""
    verb_index = rng.choices(range(len(VERBS)), weights=VERB_WEIGHTS)[0]
    iri, en, fr = VERBS[verb_index]
    activity = _skewed(rng, ACTIVITY_POOL)
    course = activity % COURSE_POOL
    teacher = _skewed(rng, AGENT_POOL)
    statement = {
        "id": str(uuid.uuid4()),  # Always fresh: runs with the same seed never collide.
        "actor": agent(teacher),
        "verb": {"id": iri, "display": {"en-US": en, "fr-FR": fr}},
        "object": {
            "objectType": "Activity",
            "id": activity_iri(activity),
            "definition": {
                "name": {"fr-FR": f"Activité {activity}"},
                "type": "http://adlnet.gov/expapi/activities/module",
            },
        },
        "context": {
            # One registration per teacher and course: their enrolment.
            "registration": registration(teacher * COURSE_POOL + course),
            "platform": "Campus",
            "language": "fr-FR",
            "contextActivities": {
                "parent": [{"objectType": "Activity", "id": f"{HOME_PAGE}/parcours/{course}"}],
                "category": [{"id": "https://w3id.org/xapi/cmi5/context/categories/moveon"}],
            },
        },
        "timestamp": (now - timedelta(seconds=rng.randrange(365 * 86400))).isoformat(),
    }
    if en in ("answered", "completed", "passed", "failed"):
        raw = rng.randrange(21)
        statement["result"] = {
            "score": {"raw": raw, "min": 0, "max": 20, "scaled": round(raw / 20, 2)},
            "success": raw >= 10,
            "completion": en != "answered",
            "duration": f"PT{rng.randrange(1, 60)}M{rng.randrange(60)}S",
        }
        if en == "answered":
            statement["result"]["response"] = rng.choice(["a", "b", "c", "d"])
    return statement


def statements(count: int, seed: int) -> Iterator[dict]:
    """``count`` realistic statements, reproducible from ``seed``."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    for _ in range(count):
        yield make_statement(rng, now)


# --- HTTP --------------------------------------------------------------------------------------


@dataclass
class Endpoint:
    """Where the LRS is and how to authenticate; one keep-alive connection per thread."""

    url: str
    key: str
    secret: str
    timeout: float = 60.0
    _local: threading.local = field(default_factory=threading.local, repr=False)

    def __post_init__(self) -> None:
        parts = urlsplit(self.url.rstrip("/"))
        if parts.scheme != "http" or parts.hostname not in LOOPBACK:
            raise SystemExit(f"--endpoint must be http:// on loopback, got {self.url!r}")
        self.host, self.port = parts.hostname, parts.port or 80
        self.base_path = parts.path
        token = base64.b64encode(f"{self.key}:{self.secret}".encode()).decode()
        self.headers = {
            "Authorization": f"Basic {token}",
            "X-Experience-API-Version": XAPI_VERSION,
        }

    def _connection(self) -> http.client.HTTPConnection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            self._local.conn = conn
        return conn

    def request(self, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes]:
        """Send one request on this thread's connection (reconnecting once if it was closed)."""
        headers = dict(self.headers)
        if body is not None:
            headers["Content-Type"] = "application/json"
        for attempt in (1, 2):
            conn = self._connection()
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                return response.status, response.read()
            except (http.client.HTTPException, ConnectionError, TimeoutError):
                conn.close()
                self._local.conn = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def path(self, resource: str, params: dict | None = None) -> str:
        """The request path of a resource under the endpoint, with a query string."""
        query = f"?{urlencode(params)}" if params else ""
        return f"{self.base_path}/{resource}{query}"


def _check(status: int, body: bytes, what: str, expected: tuple[int, ...] = (200, 204)) -> None:
    if status not in expected:
        raise SystemExit(f"{what}: HTTP {status}: {body[:300]!r}")


# --- Measures ----------------------------------------------------------------------------------


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    """p50, p95 and p99 of latencies in seconds, returned in milliseconds."""
    if len(samples) < 2:
        value = samples[0] * 1000 if samples else float("nan")
        return value, value, value
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return cuts[49] * 1000, cuts[94] * 1000, cuts[98] * 1000


def run_threads(count: int, target: Callable[[], None]) -> None:
    """Run ``target`` in ``count`` threads and wait for all; re-raise the first failure."""
    errors: list[BaseException] = []

    def wrapper() -> None:
        try:
            target()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=wrapper, daemon=True) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


def ingest(endpoint: Endpoint, total: int, batch: int, concurrency: int, seed: int) -> dict:
    """POST ``total`` statements in batches by ``concurrency`` threads; statements per second."""
    generated = statements(total, seed)
    bodies = []
    while len(bodies) * batch < total:
        size = min(batch, total - len(bodies) * batch)
        bodies.append(json.dumps([next(generated) for _ in range(size)]).encode())
    queue = iter(range(len(bodies)))
    lock = threading.Lock()
    latencies: list[float] = []
    path = endpoint.path("statements")

    def worker() -> None:
        while True:
            with lock:
                index = next(queue, None)
            if index is None:
                return
            started = time.perf_counter()
            status, body = endpoint.request("POST", path, bodies[index])
            elapsed = time.perf_counter() - started
            _check(status, body, "POST batch")
            with lock:
                latencies.append(elapsed)

    started = time.perf_counter()
    run_threads(concurrency, worker)
    elapsed = time.perf_counter() - started
    return {"statements": total, "seconds": elapsed, "rate": total / elapsed, "batch": latencies}


def single_posts(endpoint: Endpoint, count: int, seed: int) -> list[float]:
    """POST ``count`` statements one per request, sequentially; their latencies."""
    path = endpoint.path("statements")
    latencies = []
    for statement in statements(count, seed):
        body = json.dumps(statement).encode()
        started = time.perf_counter()
        status, response = endpoint.request("POST", path, body)
        latencies.append(time.perf_counter() - started)
        _check(status, response, "POST single")
    return latencies


def filtered_gets(endpoint: Endpoint, count: int, limit: int, seed: int) -> dict[str, list[float]]:
    """``count`` GETs per filter (agent, verb, activity) on values the statements use."""
    rng = random.Random(seed)
    filters: dict[str, Callable[[], dict]] = {
        "agent": lambda: {"agent": json.dumps(agent(_skewed(rng, AGENT_POOL)))},
        "verb": lambda: {"verb": verb_iri(rng.randrange(len(VERBS)))},
        "activity": lambda: {"activity": activity_iri(_skewed(rng, ACTIVITY_POOL))},
    }
    results: dict[str, list[float]] = {}
    for name, params in filters.items():
        latencies = []
        for _ in range(count):
            path = endpoint.path("statements", {**params(), "limit": limit})
            started = time.perf_counter()
            status, body = endpoint.request("GET", path)
            latencies.append(time.perf_counter() - started)
            _check(status, body, f"GET ?{name}=", (200,))
        results[name] = latencies
    return results


def rss_kib(pid: int) -> int:
    """Resident memory of a process and all its descendants, in KiB (0 if it is gone)."""
    total = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                pending.extend(int(child) for child in task.read_text().split())
            except OSError:
                continue
    return total


def page_through(
    endpoint: Endpoint, page_limit: int, max_statements: int, server_pid: int | None
) -> dict:
    """Follow ``more`` links from GET /statements to the end; count, time and memory."""
    client_start_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    client_start = rss_kib(os.getpid())
    server_start = rss_kib(server_pid) if server_pid else 0
    server_peak = server_start
    count = pages = 0
    path: str | None = endpoint.path("statements", {"limit": page_limit})
    origin = f"http://{endpoint.host}:{endpoint.port}"
    started = time.perf_counter()
    max_pages = max_statements // max(page_limit, 1) + 2 if max_statements else 10_000_000
    while path and pages < max_pages and (not max_statements or count < max_statements):
        status, body = endpoint.request("GET", path)
        _check(status, body, "GET paging", (200,))
        result = json.loads(body)
        count += len(result["statements"])
        pages += 1
        more = result.get("more") or ""
        path = None
        if more:
            # `more` is an IRL relative to the server (Communication §2.1.3 StatementResult).
            parts = urlsplit(urljoin(f"{origin}{endpoint.base_path}/", more))
            path = f"{parts.path}?{parts.query}" if parts.query else parts.path
        del result, body
        if server_pid and pages % 10 == 0:
            server_peak = max(server_peak, rss_kib(server_pid))
    elapsed = time.perf_counter() - started
    server_end = rss_kib(server_pid) if server_pid else 0
    return {
        "statements": count,
        "pages": pages,
        "seconds": elapsed,
        "client_peak_start": client_start_peak,
        "client_peak_end": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "client_start": client_start,
        "client_end": rss_kib(os.getpid()),
        "server_start": server_start,
        "server_end": server_end,
        "server_peak": max(server_peak, server_end),
    }


# --- Report ------------------------------------------------------------------------------------


def _mib(kib: int) -> str:
    return f"{kib / 1024:.1f} MiB"


def report(args: argparse.Namespace, results: dict) -> str:
    """The results as a Markdown table."""
    lines = [
        f"xAPI load against `{args.endpoint}` — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, "
        f"concurrency {args.concurrency}",
        "",
        "| measure | result |",
        "|---|---|",
    ]
    if "ingest" in results:
        data = results["ingest"]
        p50, p95, p99 = percentiles(data["batch"])
        lines.append(
            f"| ingest, {data['statements']:,} statements in batches of {args.batch} "
            f"| **{data['rate']:,.0f} statements/s** ({data['seconds']:.1f} s; batch POST "
            f"p50 {p50:.1f} ms, p95 {p95:.1f} ms, p99 {p99:.1f} ms) |"
        )
    if "singles" in results:
        p50, p95, p99 = percentiles(results["singles"])
        lines.append(
            f"| single-statement POST, {len(results['singles'])} sequential "
            f"| p50 {p50:.1f} ms, **p95 {p95:.1f} ms**, p99 {p99:.1f} ms |"
        )
    for name, latencies in results.get("gets", {}).items():
        p50, p95, p99 = percentiles(latencies)
        lines.append(
            f"| GET ?{name}=… limit={args.get_limit}, {len(latencies)} requests "
            f"| p50 {p50:.1f} ms, **p95 {p95:.1f} ms**, p99 {p99:.1f} ms |"
        )
    if "paging" in results:
        data = results["paging"]
        rate = data["statements"] / data["seconds"] if data["seconds"] else 0
        lines.append(
            f"| paging with `more`, limit={args.page_limit} | {data['statements']:,} statements, "
            f"{data['pages']:,} pages in {data['seconds']:.1f} s ({rate:,.0f} statements/s) |"
        )
        lines.append(
            f"| client RSS while paging | {_mib(data['client_start'])} → "
            f"{_mib(data['client_end'])} (peak {_mib(data['client_peak_start'])} → "
            f"{_mib(data['client_peak_end'])}) |"
        )
        if args.server_pid:
            lines.append(
                f"| server RSS while paging (pid {args.server_pid} + children) "
                f"| {_mib(data['server_start'])} → {_mib(data['server_end'])} "
                f"(highest seen {_mib(data['server_peak'])}) |"
            )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Parse the options, run the phases asked for, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--endpoint", required=True, help="e.g. http://127.0.0.1:8000/xapi")
    parser.add_argument("--key", required=True)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--statements", type=int, default=10_000, help="to ingest (0: skip)")
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--singles", type=int, default=500, help="single POSTs (0: skip)")
    parser.add_argument("--queries", type=int, default=200, help="GETs per filter (0: skip)")
    parser.add_argument("--get-limit", type=int, default=25, help="limit of filtered GETs")
    parser.add_argument("--page-limit", type=int, default=500, help="limit of paging GETs")
    parser.add_argument(
        "--page-max-statements", type=int, default=0, help="stop paging after (0: all; -1: skip)"
    )
    parser.add_argument("--server-pid", type=int, default=None, help="server process to watch")
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: time)")
    parser.add_argument("--output", type=Path, default=None, help="also write the table here")
    args = parser.parse_args(argv)
    for name in ("statements", "singles", "queries"):
        if not 0 <= getattr(args, name) <= 10_000_000:
            parser.error(f"--{name} must be between 0 and 10,000,000")
    if not 1 <= args.batch <= 10_000 or not 1 <= args.concurrency <= 256:
        parser.error("--batch must be 1..10000 and --concurrency 1..256")
    seed = args.seed if args.seed is not None else time.time_ns()
    endpoint = Endpoint(args.endpoint, args.key, args.secret)
    status, body = endpoint.request("GET", endpoint.path("about"))
    _check(status, body, "GET about", (200,))

    results: dict = {}
    if args.statements:
        print(f"ingest: {args.statements:,} statements…", file=sys.stderr)
        results["ingest"] = ingest(endpoint, args.statements, args.batch, args.concurrency, seed)
    if args.singles:
        print(f"single POST, {args.singles}…", file=sys.stderr)
        results["singles"] = single_posts(endpoint, args.singles, seed + 1)
    if args.queries:
        print(f"filtered GET, {args.queries} per filter…", file=sys.stderr)
        results["gets"] = filtered_gets(endpoint, args.queries, args.get_limit, seed + 2)
    if args.page_max_statements >= 0:
        print("paging through statements…", file=sys.stderr)
        results["paging"] = page_through(
            endpoint, args.page_limit, args.page_max_statements, args.server_pid
        )
    table = report(args, results)
    print(table)
    if args.output:
        args.output.write_text(table, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
