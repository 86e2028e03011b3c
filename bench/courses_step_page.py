"""A step page for a logged-in learner: server latency (target ≤ 50 ms p95 on PostgreSQL).

    .venv/bin/python bench/courses_step_page.py [--database-url URL] [--repeat 100]
        [--learner julien.lefebvre@campus.localhost] [--rebuild]

What it does, in order:

1. Production settings (``DEBUG=0``, a throwaway ``SECRET_KEY``, no SSL redirect, static files
   collected into a temporary directory, tasks run at once) on a throwaway PostgreSQL
   database, ``campus_bench_step`` by default, created if missing (``createdb``) and migrated;
   ``--rebuild`` drops it first.
2. Loads the demo content (``courses.demo.seed_courses``, idempotent): the C2i2e module's six
   steps — a reading with a document, a reading, a quiz of four questions, an assignment, an
   in-person session, a community room — and its cohort of 20 learners whose progress was
   played through the services. The learner served is one of them (``--learner``; by default
   one who read two steps and failed the quiz once), logged in with a real session.
3. Serves each step page through Django's full stack (middleware, session and authentication,
   Wagtail's page routing, ``StepPage.serve`` — which records the ``experienced`` statement
   through ``courses.services.step_view``, the progress hook running on commit, as in real use
   — and the templates; no socket), ``--repeat`` times per step after two warm-up requests,
   and prints p50/p95/p99, the median CPU time of this process and the query count per step,
   then overall.

The figures are server time without the network and the HTTP server: compare them with the
target, not with the HTTP figures of bench/servers.py.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

# The catalogue bench's set-up serves the courses benches alike.
sys.path.insert(0, str(Path(__file__).resolve().parent))
import courses_catalogue
from courses_common import percentile, server_version, statement_count

TARGET_P95_MS = 50.0


def _setup(database_url: str, rebuild: bool) -> None:
    """The catalogue bench's production settings, database and static files, plus ours."""
    os.environ.update(
        DATABASE_POOL="0",  # One process, one connection.
        PRIVATE_MEDIA_ROOT=tempfile.mkdtemp(prefix="campus-bench-private-"),
        MEDIA_ROOT=tempfile.mkdtemp(prefix="campus-bench-media-"),
        EMAIL_URL="memorymail://",  # The demo's review emails are not the bench's output.
    )
    courses_catalogue._setup(database_url, rebuild)


def _measure(learner_email: str, repeat: int) -> bool:
    """Serve every step of the C2i2e module to the learner; print the table; True if met."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from campus.models import User
    from courses.demo import C2I2E_SLUG, seed_courses
    from courses.models import Enrolment, ModulePage
    from lrs.models import Statement

    seed_courses()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # Planner statistics for the fresh tables, as autovacuum would.
    module = ModulePage.objects.get(slug=C2I2E_SLUG)
    learner = User.objects.get(email=learner_email)
    enrolment = Enrolment.objects.get(user=learner, module=module)
    client = Client()
    client.force_login(learner)  # A real session row and cookie, read on every request.

    recorded_before = Statement.objects.filter(registration=enrolment.registration).count()
    everything: list[float] = []
    everything_cpu: list[float] = []
    # "CPU ms": this process's CPU time per request (Django, Wagtail, templates; PostgreSQL's
    # own work excluded). On a shared machine it tells the code's cost from the waiting.
    print("\n| step | p50 ms | p95 ms | p99 ms | CPU ms (p50) | queries |")
    print("|---|---|---|---|---|---|")
    for step in module.live_steps():
        url = step.url
        for _ in range(2):
            _ok(client.get(url))
        timings, cpu = [], []
        for _ in range(repeat):
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
            _ok(response)
        with CaptureQueriesContext(connection) as queries:
            _ok(client.get(url))
        everything += timings
        everything_cpu += cpu
        print(
            f"| {step.title} | {statistics.median(timings):.1f} | "
            f"{percentile(timings, 95):.1f} | {percentile(timings, 99):.1f} | "
            f"{statistics.median(cpu):.1f} | {len(queries)} |"
        )
    p95 = percentile(everything, 95)
    print(
        f"| **all** | {statistics.median(everything):.1f} | {p95:.1f} "
        f"| {percentile(everything, 99):.1f} | {statistics.median(everything_cpu):.1f} | |"
    )
    # Every request must have recorded its statement, or the bench measured the wrong path.
    recorded = Statement.objects.filter(registration=enrolment.registration).count()
    expected = len(everything) + 3 * len(module.live_steps())
    if recorded - recorded_before != expected:
        raise SystemExit(f"{recorded - recorded_before} statements recorded, {expected} expected")
    print(
        f"\nTarget p95 ≤ {TARGET_P95_MS:.0f} ms: {'met' if p95 <= TARGET_P95_MS else 'NOT met'}. "
        f"{len(everything)} requests; {statement_count()} statements in the LRS; PostgreSQL "
        f"{server_version()}; Python {platform.python_version()}; {os.cpu_count()} CPUs."
    )
    return p95 <= TARGET_P95_MS


def _ok(response) -> None:
    if response.status_code != 200:
        raise SystemExit(f"the step page answered {response.status_code}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/campus_bench_step"
    )
    parser.add_argument("--repeat", type=int, default=100)
    parser.add_argument(
        "--learner",
        default="julien.lefebvre@campus.localhost",
        help="A demo learner of the C2i2e cohort (courses.demo.LEARNERS).",
    )
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    if not urlparse(args.database_url).scheme.startswith("postgres"):
        parser.error("the target is about PostgreSQL: give a postgres:// URL")
    _setup(args.database_url, args.rebuild)
    return 0 if _measure(args.learner, args.repeat) else 1


if __name__ == "__main__":
    sys.exit(main())
