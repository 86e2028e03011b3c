"""HTTP throughput and latency of Campus under each candidate production server.

Serves the same code, with production settings (DEBUG=0, manifest static files, PostgreSQL
through psycopg's pool, Redis cache and channel layer), under:

* ``daphne``            Daphne, one process (what ``make run`` uses)
* ``uvicorn``           ``uvicorn campus.asgi:application --workers 2``
* ``gunicorn-uvicorn``  gunicorn with uvicorn workers, ASGI (what docker/Dockerfile uses)
* ``gunicorn-wsgi``     gunicorn gthread workers, WSGI (``campus.wsgi``; no websockets)
* ``gunicorn-asgi``     gunicorn's own ASGI worker (``-k asgi``, gunicorn >= 24); optional

and loads two paths: ``/`` (the Wagtail home page: site and page-tree queries on PostgreSQL,
template rendering) and ``/healthz`` (an async view: ``SELECT 1``, a Redis cache round trip and
a channel-layer send/receive). The load generator is ``wrk`` when installed (C, keep-alive,
latency percentiles from a Lua ``done`` hook), otherwise a threaded ``http.client`` client.

    python bench/servers.py [--duration 15] [--concurrency 16,64]
                            [--servers daphne,uvicorn,gunicorn-uvicorn,gunicorn-wsgi]

Everything listens on 127.0.0.1 only. Every server is started in its own process group and
stopped at the end, also on Ctrl-C, SIGTERM or an error. Prints a Markdown table (and writes it
to ``--output`` when given). See bench/README.md and docs/performance.md.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import platform
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
HOST = "127.0.0.1"  # Loopback only, always.

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/campus_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/1"
DEFAULT_SERVERS = ["daphne", "uvicorn", "gunicorn-uvicorn", "gunicorn-wsgi"]
OPTIONAL_SERVERS = ["gunicorn-asgi"]


def server_command(name: str, port: int, workers: int, threads: int) -> list[str]:
    """The command line that serves Campus under the named server on HOST:port."""
    bind = f"{HOST}:{port}"
    if name == "daphne":
        return [str(BIN / "daphne"), "-b", HOST, "-p", str(port), "campus.asgi:application"]
    if name == "uvicorn":
        return [
            str(BIN / "uvicorn"),
            "campus.asgi:application",
            "--host",
            HOST,
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--no-access-log",
            "--log-level",
            "warning",
        ]
    if name == "gunicorn-uvicorn":
        return [
            str(BIN / "gunicorn"),
            "campus.asgi:application",
            "-k",
            "uvicorn_worker.UvicornWorker",
            "-w",
            str(workers),
            "-b",
            bind,
        ]
    if name == "gunicorn-asgi":
        return [
            str(BIN / "gunicorn"),
            "campus.asgi:application",
            "-k",
            "asgi",
            "-w",
            str(workers),
            "-b",
            bind,
        ]
    if name == "gunicorn-wsgi":
        # gthread keeps connections alive (the plain sync worker closes each one).
        return [
            str(BIN / "gunicorn"),
            "campus.wsgi:application",
            "-k",
            "gthread",
            "-w",
            str(workers),
            "--threads",
            str(threads),
            "-b",
            bind,
        ]
    raise SystemExit(f"unknown server {name!r}; known: {DEFAULT_SERVERS + OPTIONAL_SERVERS}")


# --- Processes --------------------------------------------------------------------------------

_started: list[subprocess.Popen] = []


def start(cmd: list[str], env: dict[str, str], log_path: Path) -> subprocess.Popen:
    """Start a server in its own process group (so its workers are stopped with it)."""
    log = log_path.open("wb")
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    log.close()
    _started.append(proc)
    return proc


def stop(proc: subprocess.Popen, grace: float = 10.0) -> None:
    """SIGTERM the server's process group, then SIGKILL it if it is still there after grace."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)
    # Workers that outlived their master (they share its process group) go too.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    if proc in _started:
        _started.remove(proc)


def stop_all() -> None:
    for proc in list(_started):
        stop(proc)


def group_rss_mb(pgid: int) -> float:
    """Resident memory of every process in a process group (server and its workers), in MB."""
    total_kb = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
            fields = text[text.rindex(")") + 2 :].split()
            if int(fields[2]) != pgid:  # fields[2] is pgrp
                continue
            for line in (stat.parent / "status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kb += int(line.split()[1])
        except (OSError, ValueError):
            continue
    return total_kb / 1024


def serving_cpu_seconds(pgid: int, database: str) -> float:
    """CPU time used so far by what serves the benchmark: the server's process group, the
    PostgreSQL backends connected to the bench database, and Redis."""
    ticks = 0
    marker = database.encode()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
            comm = text[text.index("(") + 1 : text.rindex(")")]
            fields = text[text.rindex(")") + 2 :].split()
            ours = int(fields[2]) == pgid or comm.startswith("redis-server")
            if not ours and comm.startswith("postgres"):
                ours = marker in (stat.parent / "cmdline").read_bytes()
            if ours:
                ticks += int(fields[11]) + int(fields[12])  # utime, stime
        except (OSError, ValueError):
            continue
    return ticks / os.sysconf("SC_CLK_TCK")


def machine_busy_seconds() -> float:
    """CPU time the whole machine spent busy (all cores), from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle, iowait
    return (sum(values[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def client_cpu_seconds() -> float:
    """CPU time of this script and its finished children (wrk, or the threaded client)."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def get(port: int, path: str, timeout: float = 5.0) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def wait_ready(proc: subprocess.Popen, port: int, log_path: Path, timeout: float = 60.0) -> None:
    """Poll /healthz until it answers 200; fail with the server's log otherwise."""
    deadline = time.monotonic() + timeout
    last = "no answer"
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        try:
            status, body = get(port, "/healthz", timeout=2)
            if status == 200:
                return
            last = f"HTTP {status}: {body[:300]!r}"
        except OSError as exc:
            last = repr(exc)
        time.sleep(0.3)
    tail = log_path.read_text(errors="replace")[-3000:]
    raise RuntimeError(f"server not ready ({last}); its log ends with:\n{tail}")


# --- Load generators --------------------------------------------------------------------------

WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'CAMPUS_RESULT {"requests": %d, "duration_us": %d, "p50": %d, "p95": %d, "p99": %d, ' ..
    '"max": %d, "connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, e.connect, e.read, e.write, e.status, e.timeout))
end
"""


@dataclass
class Result:
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: int
    notes: list[str] = field(default_factory=list)
    # Share of the machine's CPU used during the run by anything but the server, its
    # PostgreSQL backends, Redis and the load generator: high means a noisy run.
    other_cpu_pct: float = 0.0

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def run_wrk(port: int, path: str, concurrency: int, duration: int, script: Path) -> Result:
    threads = max(1, min(2, concurrency))
    cmd = [
        "wrk",
        f"-t{threads}",
        f"-c{concurrency}",
        f"-d{duration}s",
        "--timeout",
        "10s",
        "-s",
        str(script),
        f"http://{HOST}:{port}{path}",
    ]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 60, check=True)
    line = next(ln for ln in out.stdout.splitlines() if ln.startswith("CAMPUS_RESULT "))
    data = json.loads(line.removeprefix("CAMPUS_RESULT "))
    # wrk counts HTTP status >= 400 in "status"; socket errors in the others.
    errors = sum(data[k] for k in ("connect", "read", "write", "status", "timeout"))
    notes = [f"{k}={data[k]}" for k in ("connect", "read", "write", "status", "timeout") if data[k]]
    return Result(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        p50_ms=data["p50"] / 1000,
        p95_ms=data["p95"] / 1000,
        p99_ms=data["p99"] / 1000,
        errors=errors,
        notes=notes,
    )


def run_python(port: int, path: str, concurrency: int, duration: int) -> Result:
    """Threaded keep-alive client (fallback when wrk is missing; the GIL caps its rate)."""
    deadline = time.monotonic() + duration
    latencies: list[list[float]] = [[] for _ in range(concurrency)]
    errors = [0] * concurrency

    def worker(i: int) -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=10)
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                if response.status >= 400:
                    errors[i] += 1
                latencies[i].append(time.perf_counter() - started)
                if response.will_close:
                    conn.close()
                    conn = http.client.HTTPConnection(HOST, port, timeout=10)
            except (OSError, http.client.HTTPException):
                errors[i] += 1
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=10)
        conn.close()

    started = time.monotonic()
    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=duration + 30)
    elapsed = time.monotonic() - started
    every = sorted(x for per_thread in latencies for x in per_thread)

    def pct(p: float) -> float:
        return every[min(len(every) - 1, int(len(every) * p / 100))] * 1000 if every else 0.0

    return Result(len(every), elapsed, pct(50), pct(95), pct(99), sum(errors))


# --- Setup ------------------------------------------------------------------------------------


def bench_env(args: argparse.Namespace, static_root: Path) -> dict[str, str]:
    """Production settings, loopback hosts, the bench database and Redis database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="campus.settings",
        DEBUG="0",
        SECRET_KEY="bench-only-secret-key-not-for-production-0123456789abcdef",  # noqa: S106
        SECURE_SSL_REDIRECT="0",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=args.database_url,
        REDIS_URL=args.redis_url,
        STATIC_ROOT=str(static_root),
        LOG_LEVEL="WARNING",
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


def manage(env: dict[str, str], *argv: str) -> None:
    subprocess.run(
        [str(BIN / "python"), "manage.py", *argv], cwd=ROOT, env=env, check=True, timeout=600
    )


def prepare(args: argparse.Namespace, env: dict[str, str]) -> None:
    """Create the database if missing, migrate and seed the demo."""
    if args.database_url.startswith(("postgres:", "postgresql:")):
        url = urlsplit(args.database_url)
        created = subprocess.run(
            ["createdb", *_pg_args(url), url.path.lstrip("/")],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        if created.returncode == 0:
            print(f"created database {url.path.lstrip('/')}", file=sys.stderr)
        elif "already exists" not in created.stderr:
            raise RuntimeError(f"createdb failed: {created.stderr.strip()}")
    manage(env, "migrate", "--noinput", "-v0")
    # DEBUG is off here: the demo accounts are wanted anyway, on a throwaway database.
    manage(env, "seed_demo", "--allow-production")
    if args.database_url.startswith(("postgres:", "postgresql:")):
        report_max_connections(args)


def _pg_args(url) -> list[str]:
    args = ["-h", url.hostname or HOST, "-p", str(url.port or 5432)]
    return [*args, "-U", url.username] if url.username else args


def report_max_connections(args: argparse.Namespace) -> None:
    """Print PostgreSQL's max_connections next to what the servers' pools may open."""
    url = urlsplit(args.database_url)
    out = subprocess.run(
        ["psql", *_pg_args(url), "-d", url.path.lstrip("/"), "-tAc", "SHOW max_connections"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    if out.returncode == 0:
        limit = int(out.stdout.strip())
        pool = int(os.environ.get("DATABASE_POOL_MAX_SIZE", "20"))
        print(
            f"PostgreSQL max_connections={limit}; each server may open up to "
            f"{args.workers} processes x DATABASE_POOL_MAX_SIZE={pool} pooled connections",
            file=sys.stderr,
        )


# --- Main -------------------------------------------------------------------------------------


def cores() -> int:
    return os.cpu_count() or 1


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = ""
    with contextlib.suppress(OSError, IndexError, ValueError):
        kb = int(Path("/proc/meminfo").read_text().splitlines()[0].split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GB RAM"
    system = f"{platform.system()} {platform.release()}"
    return f"{os.cpu_count()} CPU ({cpu}){mem}, {system}, Python {platform.python_version()}"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=15, help="seconds per run (default 15)")
    parser.add_argument(
        "--concurrency", default="16,64", help="open connections, comma-separated (16,64)"
    )
    parser.add_argument(
        "--servers",
        default=",".join(DEFAULT_SERVERS),
        help=f"comma-separated, from {', '.join(DEFAULT_SERVERS + OPTIONAL_SERVERS)}",
    )
    parser.add_argument("--paths", default="/,/healthz", help="comma-separated (/,/healthz)")
    parser.add_argument("--workers", type=int, default=2, help="processes per server but daphne")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn-wsgi worker")
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs per cell; the least disturbed is kept"
    )
    parser.add_argument("--warmup", type=int, default=3, help="seconds of unrecorded load first")
    parser.add_argument("--client", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--redis-url", default=DEFAULT_REDIS_URL)
    parser.add_argument("--skip-setup", action="store_true", help="no createdb/migrate/seed_demo")
    parser.add_argument("--output", type=Path, help="also write the Markdown table here")
    args = parser.parse_args(argv)
    args.concurrency = [int(c) for c in args.concurrency.split(",") if c.strip()]
    args.servers = [s.strip() for s in args.servers.split(",") if s.strip()]
    args.paths = [p.strip() for p in args.paths.split(",") if p.strip()]
    if args.duration < 1 or args.duration > 600 or not args.concurrency:
        parser.error("--duration must be 1..600 s and --concurrency non-empty")
    if not 1 <= args.repeat <= 10:
        parser.error("--repeat must be 1..10")
    if max(args.concurrency) > 1024:
        parser.error("--concurrency above 1024 is not useful on this machine")
    for name in args.servers:
        server_command(name, 0, 1, 1)  # Fails early on an unknown name.
    return args


def measure(
    client: str,
    proc: subprocess.Popen,
    database: str,
    port: int,
    path: str,
    concurrency: int,
    args: argparse.Namespace,
    script: Path,
) -> Result:
    """One load run, with the share of CPU that processes foreign to the benchmark took."""
    busy = machine_busy_seconds()
    serving = serving_cpu_seconds(proc.pid, database)
    client_cpu, wall = client_cpu_seconds(), time.monotonic()
    if client == "wrk":
        result = run_wrk(port, path, concurrency, args.duration, script)
    else:
        result = run_python(port, path, concurrency, args.duration)
    wall = time.monotonic() - wall
    other = (
        (machine_busy_seconds() - busy)
        - (serving_cpu_seconds(proc.pid, database) - serving)
        - (client_cpu_seconds() - client_cpu)
    )
    result.other_cpu_pct = max(0.0, 100 * other / (wall * cores()))
    return result


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    client = args.client
    if client == "auto":
        client = "wrk" if shutil.which("wrk") else "python"
    if client == "wrk" and not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install wrk), use --client python")

    # SIGTERM (e.g. from a CI timeout) goes through the same clean-up as Ctrl-C.
    def on_sigterm(_signum, _frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_sigterm)

    rows: list[tuple[str, str, int, Result, float]] = []
    database = urlsplit(args.database_url).path.lstrip("/") or "campus_bench"
    with tempfile.TemporaryDirectory(prefix="campus-bench-") as tmp_dir:
        tmp = Path(tmp_dir)
        env = bench_env(args, tmp / "static")
        script = tmp / "report.lua"
        script.write_text(WRK_SCRIPT)
        try:
            if not args.skip_setup:
                prepare(args, env)
            # Always: STATIC_ROOT is a fresh directory and the manifest storage needs it.
            manage(env, "collectstatic", "--noinput", "-v0")
            for name in args.servers:
                port = free_port()
                log_path = tmp / f"{name}.log"
                cmd = server_command(name, port, args.workers, args.threads)
                print(f"== {name}: {' '.join(cmd)}", file=sys.stderr)
                proc = start(cmd, env, log_path)
                try:
                    wait_ready(proc, port, log_path)
                    status, _body = get(port, "/")
                    if status != 200:
                        raise RuntimeError(f"{name}: GET / answered {status}, expected 200")
                    # Warm up: imports, template caches, pool connections, Wagtail's site cache.
                    warm = max(args.concurrency)
                    if client == "wrk":
                        run_wrk(port, "/", warm, args.warmup, script)
                    else:
                        run_python(port, "/", warm, args.warmup)
                    for path in args.paths:
                        for concurrency in args.concurrency:
                            # On a shared machine keep, of --repeat runs, the one that
                            # other processes disturbed least.
                            tries = [
                                measure(
                                    client, proc, database, port, path, concurrency, args, script
                                )
                                for _ in range(args.repeat)
                            ]
                            result = min(tries, key=lambda r: r.other_cpu_pct)
                            rss = group_rss_mb(proc.pid)
                            rows.append((name, path, concurrency, result, rss))
                            print(
                                f"   {path:<9} c={concurrency:<4} {result.rps:8.1f} req/s  "
                                f"p50 {result.p50_ms:6.1f} ms  p95 {result.p95_ms:6.1f} ms  "
                                f"p99 {result.p99_ms:6.1f} ms  errors {result.errors}  "
                                f"other CPU {result.other_cpu_pct:.0f}%",
                                file=sys.stderr,
                            )
                            if proc.poll() is not None:
                                raise RuntimeError(f"{name} exited during the run")
                finally:
                    stop(proc)
        except KeyboardInterrupt:
            print("interrupted: stopping servers", file=sys.stderr)
            return 130
        finally:
            stop_all()

    table = render(rows, args, client)
    print(table)
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(table + "\n", encoding="utf-8")
    return 0


def render(rows, args: argparse.Namespace, client: str) -> str:
    head = (
        f"Machine: {machine()}. Client: {client}, {args.duration} s per run "
        f"(least disturbed of {args.repeat}) after {args.warmup} s of warm-up; "
        f"{args.workers} worker processes except Daphne (1); "
        f"gunicorn-wsgi with {args.threads} threads per worker.\n\n"
        "| server | path | connections | req/s | p50 ms | p95 ms | p99 ms | errors | RSS MB "
        "| other CPU |\n"
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
    )
    lines = [head]
    for name, path, concurrency, r, rss in rows:
        errors = f"{r.errors}" + (f" ({', '.join(r.notes)})" if r.notes else "")
        lines.append(
            f"| {name} | `{path}` | {concurrency} | {r.rps:,.0f} | {r.p50_ms:.1f} | "
            f"{r.p95_ms:.1f} | {r.p99_ms:.1f} | {errors} | {rss:.0f} | {r.other_cpu_pct:.0f}% |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
