"""Fill an LRS database with N realistic statements, fast, for the 1,000,000-statement GETs.

Statements come from bench/lrs.py's generator (the same pools of teachers, verbs, activities,
courses and registrations, so its filtered GETs hit stored statements) and are stored in
process through ``lrs.services.statement_store`` in batches (no HTTP), by several processes.
They are stored with the authority of the LRS client given by ``--key`` (so that a client
holding only statements/read/mine sees them too), else with Campus's own authority.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/campus_lrs_bench \\
        python bench/lrs_seed.py --statements 1000000 [--batch 500] [--processes 2] [--key K]

Uses the settings of ``DJANGO_SETTINGS_MODULE`` (default ``campus.settings``); run
``manage.py migrate`` on that database first. Prints the rate it reached.
"""

from __future__ import annotations

import argparse
import importlib.util
import multiprocessing
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _generator():
    """bench/lrs.py, loaded under another name: "lrs" is the Django app's package."""
    spec = importlib.util.spec_from_file_location("bench_lrs_client", ROOT / "bench" / "lrs.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there.
    spec.loader.exec_module(module)
    return module


def _setup() -> None:
    """Configure Django (settings from the environment)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "campus.settings")
    os.environ.setdefault("DEBUG", "1")  # Only to allow running without SECRET_KEY.
    # One plain connection per forked worker: psycopg's pool, created before the fork, would
    # hand the same sockets to every worker.
    os.environ["DATABASE_POOL"] = "0"
    import django

    django.setup()


def _authority(key: str | None) -> dict:
    """The authority the statements are stored with."""
    from lrs.api import platform_authority
    from lrs.models import Client

    if key:
        return Client.objects.get(key=key).authority
    return platform_authority()


def _seed_chunk(job: tuple[int, int, int, str | None]) -> int:
    """Store ``count`` statements generated from ``seed`` in batches; return how many."""
    count, batch, seed, key = job
    from django.db import connection

    from lrs.services import statement_store

    authority = _authority(key)
    generated = _generator().statements(count, seed)
    stored = 0
    while stored < count:
        size = min(batch, count - stored)
        chunk = [next(generated) for _ in range(size)]
        # Generated statements are valid by construction: skip re-validating a million.
        statement_store(statements=chunk, client=None, authority=authority, validated=True)
        stored += size
    connection.close()
    return stored


def main(argv: list[str] | None = None) -> int:
    """Parse the options and seed the database."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--statements", type=int, required=True)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--chunk", type=int, default=20_000, help="statements per job")
    parser.add_argument("--key", default=None, help="LRS client whose authority to use")
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args(argv)
    if not 1 <= args.statements <= 50_000_000:
        parser.error("--statements must be between 1 and 50,000,000")
    if not 1 <= args.batch <= 5_000 or not 1 <= args.processes <= 32:
        parser.error("--batch must be 1..5000 and --processes 1..32")
    _setup()
    from django.db import connections

    from lrs.models import Statement

    before = Statement.objects.count()
    seed = args.seed if args.seed is not None else time.time_ns()
    jobs = []
    remaining, index = args.statements, 0
    while remaining > 0:
        size = min(args.chunk, remaining)
        jobs.append((size, args.batch, seed + index, args.key))
        remaining -= size
        index += 1
    connections.close_all()  # Never share a connection with forked workers.
    started = time.perf_counter()
    done = 0
    context = multiprocessing.get_context("fork")
    with context.Pool(args.processes) as pool:
        for stored in pool.imap_unordered(_seed_chunk, jobs):
            done += stored
            elapsed = time.perf_counter() - started
            print(
                f"\r{done:,}/{args.statements:,} statements, {done / elapsed:,.0f}/s",
                end="",
                file=sys.stderr,
                flush=True,
            )
    elapsed = time.perf_counter() - started
    print(file=sys.stderr)
    after = Statement.objects.count()
    print(
        f"seeded {after - before:,} statements in {elapsed:.1f} s "
        f"({(after - before) / elapsed:,.0f}/s, {args.processes} processes, batches of "
        f"{args.batch}); the database now holds {after:,}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
