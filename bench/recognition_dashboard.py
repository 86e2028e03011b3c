"""A training plan's dashboard at scale (dashboard p95 ≤ 1 s, CSV ≤ 10 s, teacher ≤ 100 ms).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/campus_bench_plans \\
        .venv/bin/python bench/recognition_dashboard.py [--teachers 150000] [--target 30000] \\
        [--modules 5] [--repeat 20] [--rebuild]

What it does, in order:

1. Production settings (``DEBUG=0``, no query log, a throwaway ``SECRET_KEY``) on a throwaway
   PostgreSQL database (``campus_bench_plans`` by default), created if missing and migrated.
2. Runs ``manage.py seed_scale`` once: the database is kept between runs, so later runs
   measure at once (``--rebuild`` drops it first, e.g. to change the figures). Then ANALYZE.
3. Through Django's full stack (middleware, session, templates; no socket), logged in as the
   seeded inspector: the dashboard ``--repeat`` times after two warm-ups (p50/p95/p99 and
   queries); the CSV export read chunk by chunk to its last byte, timed, then once more under
   ``tracemalloc`` for the peak of Python memory it allocates (plus the process's max RSS);
   the XLSX export once; and a teacher of the target's own page, ``--repeat`` times: the
   recognition record when its route exists, « Ma formation » otherwise.

Figures are server time without network or HTTP server.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
import uuid
from pathlib import Path
from urllib.parse import urlparse

from courses_common import create_database, percentile, server_version

ROOT = Path(__file__).resolve().parents[1]
TARGETS_MS = {"dashboard": 1000.0, "csv": 10_000.0, "teacher": 100.0}


def _setup(database_url: str, rebuild: bool) -> None:
    """Configure Django with production settings on the bench database (created if missing)."""
    os.environ.update(
        DJANGO_SETTINGS_MODULE="campus.settings",
        DEBUG="0",
        SECRET_KEY=os.environ.get("SECRET_KEY") or f"bench-only-{uuid.uuid4()}",
        SECURE_SSL_REDIRECT="0",
        ALLOWED_HOSTS="testserver,127.0.0.1,localhost",
        DATABASE_URL=database_url,
        DATABASE_POOL="0",
        STATIC_ROOT=tempfile.mkdtemp(prefix="campus-bench-static-"),
        TASKS_BACKEND="django_tasks.backends.immediate.ImmediateBackend",
        LOG_LEVEL="WARNING",
    )
    create_database(database_url, rebuild=rebuild)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)


def _timed_get(client, path: str) -> tuple[float, int]:
    """GET ``path``, read the body chunk by chunk; (milliseconds, bytes)."""
    started = time.perf_counter()
    response = client.get(path)
    if response.status_code != 200:
        raise SystemExit(f"{path} answered {response.status_code}")
    size = 0
    if response.streaming:
        for chunk in response.streaming_content:
            size += len(chunk)
    else:
        size = len(response.content)
    return (time.perf_counter() - started) * 1000, size


def _series(client, path: str, repeat: int) -> tuple[list[float], int, int]:
    """``repeat`` timings after two warm-ups; the body size and the query count."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):
        _timed_get(client, path)
    timings = [_timed_get(client, path)[0] for _ in range(repeat)]
    with CaptureQueriesContext(connection) as queries:
        _, size = _timed_get(client, path)
    return timings, size, len(queries)


def _row(label: str, timings: list[float], size: int, queries: int | str) -> str:
    return (
        f"| {label} | {statistics.median(timings):.1f} | {percentile(timings, 95):.1f} "
        f"| {percentile(timings, 99):.1f} | {queries} | {size:,} |"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/campus_bench_plans"
        ),
    )
    parser.add_argument("--teachers", type=int, default=150_000)
    parser.add_argument("--target", type=int, default=30_000)
    parser.add_argument("--modules", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--rebuild", action="store_true", help="Drop the bench database first.")
    args = parser.parse_args()
    if not urlparse(args.database_url).scheme.startswith("postgres"):
        parser.error("the targets are measured on PostgreSQL: give a postgres:// URL")

    _setup(args.database_url, args.rebuild)
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    from campus.models import User
    from courses.management.commands.seed_scale import DOMAIN, scale_plan

    plan = scale_plan()
    seeded = 0.0
    if plan is None:
        started = time.perf_counter()
        call_command(
            "seed_scale",
            teachers=args.teachers,
            target=args.target,
            modules=args.modules,
            allow_production=True,
        )
        seeded = time.perf_counter() - started
        plan = scale_plan()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    teachers = User.objects.filter(email__endswith=f"@{DOMAIN}").count() - 1
    size = plan.targets.count()
    if (teachers, size) != (args.teachers, args.target):
        print(
            f"Note: the kept database holds {teachers} teachers and a target of {size}; "
            "--rebuild to measure other figures.",
            file=sys.stderr,
        )

    inspector = Client()
    inspector.force_login(User.objects.get(email=f"inspecteur@{DOMAIN}"))
    lines = [
        "| page | p50 ms | p95 ms | p99 ms | queries | bytes |",
        "|---|---|---|---|---|---|",
    ]
    dashboard_url = reverse("courses:plan_dashboard", args=[plan.pk])
    timings, body, queries = _series(inspector, dashboard_url, args.repeat)
    dashboard_p95 = percentile(timings, 95)
    lines.append(_row(f"plan dashboard ({size:,} teachers)", timings, body, queries))

    teacher_user = plan.targets.order_by("pk").first().user
    teacher = Client()
    teacher.force_login(teacher_user)
    try:
        teacher_url, teacher_label = reverse("recognition:record"), "teacher's record"
    except NoReverseMatch:
        teacher_url, teacher_label = reverse("courses:my_training"), "teacher's « Ma formation »"
    timings, body, queries = _series(teacher, teacher_url, args.repeat)
    teacher_p95 = percentile(timings, 95)
    lines.append(_row(teacher_label, timings, body, queries))

    csv_url = reverse("courses:plan_export_csv", args=[plan.pk])
    csv_ms, csv_bytes = _timed_get(inspector, csv_url)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    _timed_get(inspector, csv_url)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    xlsx_ms, xlsx_bytes = _timed_get(inspector, reverse("courses:plan_export_xlsx", args=[plan.pk]))
    lines += [
        f"| CSV export (1 run) | {csv_ms:.0f} | | | | {csv_bytes:,} |",
        f"| XLSX export (1 run) | {xlsx_ms:.0f} | | | | {xlsx_bytes:,} |",
        "",
        f"CSV export: peak Python allocations {peak / 1024 / 1024:.1f} MiB while streaming "
        f"{csv_bytes / 1024 / 1024:.1f} MiB (tracemalloc); process max RSS "
        f"{rss_before / 1024:.0f} → {rss_after / 1024:.0f} MiB.",
        "",
        "Targets: dashboard p95 ≤ 1 s "
        + ("met" if dashboard_p95 <= TARGETS_MS["dashboard"] else "NOT met")
        + "; CSV ≤ 10 s "
        + ("met" if csv_ms <= TARGETS_MS["csv"] else "NOT met")
        + "; teacher page p95 ≤ 100 ms "
        + ("met" if teacher_p95 <= TARGETS_MS["teacher"] else "NOT met")
        + f". {teachers:,} teachers, target {size:,}, {plan.modules.count()} modules; "
        f"{args.repeat} runs after 2 warm-ups; PostgreSQL {server_version()}; "
        f"Python {platform.python_version()}; {os.cpu_count()} CPUs"
        + (f"; seeded in {seeded:.0f} s" if seeded else "; data set kept from an earlier run")
        + ".",
    ]
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
