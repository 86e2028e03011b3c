"""The trainer's progress grid of a 300 learners x 30 steps cohort (target ≤ 300 ms on PostgreSQL).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/campus_bench_grid \\
        .venv/bin/python bench/courses_trainer_grid.py [--learners 300] [--steps 30] \\
        [--repeat 30] [--keep]

What it does, in order:

1. Production settings (``DEBUG=0``: no query log, a throwaway ``SECRET_KEY``, no SSL
   redirect, static files collected into a temporary directory) on a throwaway PostgreSQL
   database (``DATABASE_URL``, ``campus_bench_grid`` by default), created if missing and
   migrated.
2. Builds its own cohort (named ``bench-…``): a module of ``--steps`` steps (one in five a
   quiz), ``--learners`` learners with a seeded mix of progress (each learner has gone through
   a random share of the steps: completed, then one started, with quiz scores), a third of
   them reminded, one in six silent for a month; a trainer who runs the cohort; two sessions
   and an announcement. Then ANALYZE, as autovacuum would.
3. Serves each page of the cohort through Django's full stack (middleware, session,
   templates; no socket) with a test ``Client`` logged in as the trainer, ``--repeat`` times
   after two warm-up requests, and prints p50/p95/p99 and the query count of each (the CSV
   export is read to its last byte). The fixture is deleted at the end unless ``--keep``.

The figures are server time without the network and the HTTP server: compare them with the
target, not with the HTTP figures of bench/servers.py.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse

from courses_common import bench_module, create_database, percentile, server_version

ROOT = Path(__file__).resolve().parents[1]
TARGET_P95_MS = 300.0


def _setup(database_url: str) -> None:
    """Configure Django with production settings on the bench database (created if missing)."""
    os.environ.update(
        DJANGO_SETTINGS_MODULE="campus.settings",
        DEBUG="0",
        SECRET_KEY=os.environ.get("SECRET_KEY") or f"bench-only-{uuid.uuid4()}",
        SECURE_SSL_REDIRECT="0",
        ALLOWED_HOSTS="testserver,127.0.0.1,localhost",
        DATABASE_URL=database_url,
        DATABASE_POOL="0",  # One process, one connection.
        STATIC_ROOT=tempfile.mkdtemp(prefix="campus-bench-static-"),
        TASKS_BACKEND="django_tasks.backends.immediate.ImmediateBackend",
        LOG_LEVEL="WARNING",
    )
    create_database(database_url)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)


def _fixture(tag: str, learners: int, steps: int, rng: random.Random):
    """A cohort of ``learners`` with progress over a module of ``steps`` steps; its trainer."""
    import datetime as dt

    from django.contrib.auth.models import Group
    from django.utils import timezone

    from campus.models import User
    from campus.roles import ROLE_GROUPS, Role
    from courses.models import (
        Announcement,
        Cohort,
        CohortSession,
        CompletionRule,
        Enrolment,
        Reminder,
        StepProgress,
    )

    now = timezone.now()
    module, step_pages = bench_module(
        tag,
        [
            {
                "title": f"Étape {n + 1} : une séquence de classe",
                "completion_rule": CompletionRule.QUIZ_PASSED
                if n % 5 == 4
                else CompletionRule.VIEWED,
            }
            for n in range(steps)
        ],
        distance_hours=30,
    )
    trainer = User.objects.create(
        email=f"bench-{tag}-trainer@bench.invalid", first_name="Karim", last_name="Bench"
    )
    trainer.groups.add(Group.objects.get(name=ROLE_GROUPS[Role.TRAINER]))
    today = timezone.localdate()
    cohort = Cohort.objects.create(
        module=module,
        name=f"bench-{tag}",
        starts_on=today - dt.timedelta(days=30),
        ends_on=today + dt.timedelta(days=60),
    )
    cohort.trainers.add(trainer)
    users = User.objects.bulk_create(
        [
            User(
                email=f"bench-{tag}-{n}@bench.invalid",
                first_name=rng.choice(["Claire", "Paul", "Inès", "Hugo", "Léa", "Nadia"]),
                last_name=f"Apprenant {n:04d}",
            )
            for n in range(learners)
        ]
    )
    enrolments = Enrolment.objects.bulk_create(
        [
            Enrolment(
                user=user,
                module=module,
                cohort=cohort,
                last_activity_at=now
                - dt.timedelta(days=30 if n % 6 == 0 else rng.randint(0, 5), hours=n % 24),
            )
            for n, user in enumerate(users)
        ]
    )
    rows = []
    for enrolment in enrolments:
        reached = rng.randint(0, steps)
        for position, step in enumerate(step_pages[:reached]):
            started = position == reached - 1 and rng.random() < 0.5
            rows.append(
                StepProgress(
                    enrolment=enrolment,
                    step=step,
                    status="started" if started else "completed",
                    score=round(rng.uniform(0.4, 1), 2)
                    if step.completion_rule == CompletionRule.QUIZ_PASSED
                    else None,
                    completed_at=None if started else now,
                )
            )
    StepProgress.objects.bulk_create(rows, batch_size=2000)
    Reminder.objects.bulk_create([Reminder(enrolment=e, sent_by=trainer) for e in enrolments[::3]])
    for days in (-7, 14):
        CohortSession.objects.create(
            cohort=cohort, title="Regroupement", starts_at=now + dt.timedelta(days=days)
        )
    Announcement.objects.create(cohort=cohort, author=trainer, subject="Bienvenue", body="…")
    return module, cohort, trainer, users, len(rows)


def _get(client, path: str) -> int:
    """GET ``path`` and read the whole body (streamed or not); return its size."""
    response = client.get(path)
    if response.status_code != 200:
        raise SystemExit(f"{path} answered {response.status_code}")
    if response.streaming:
        return len(b"".join(response.streaming_content))
    return len(response.content)


def _measure(client, pages: list[tuple[str, str]], repeat: int) -> tuple[list[str], float]:
    """Markdown rows of p50/p95/p99 and queries per page; the grid's p95."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    lines = [
        "| page | p50 ms | p95 ms | p99 ms | mean ms | queries | bytes |",
        "|---|---|---|---|---|---|---|",
    ]
    grid_p95 = 0.0
    for label, path in pages:
        for _ in range(2):
            _get(client, path)
        timings = []
        for _ in range(repeat):
            started = time.perf_counter()
            _get(client, path)
            timings.append((time.perf_counter() - started) * 1000)
        with CaptureQueriesContext(connection) as queries:
            size = _get(client, path)
        p95 = percentile(timings, 95)
        if path == pages[1][1]:
            grid_p95 = p95
        lines.append(
            f"| {label} | {statistics.median(timings):.1f} | {p95:.1f} "
            f"| {percentile(timings, 99):.1f} | {statistics.fmean(timings):.1f} "
            f"| {len(queries)} | {size:,} |"
        )
    return lines, grid_p95


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/campus_bench_grid"
        ),
    )
    parser.add_argument("--learners", type=int, default=300)
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="Keep the bench cohort and users.")
    args = parser.parse_args()
    if not urlparse(args.database_url).scheme.startswith("postgres"):
        parser.error("the target is measured on PostgreSQL: give a postgres:// URL")

    _setup(args.database_url)
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from campus.models import User

    tag = uuid.uuid4().hex[:8]
    module, cohort, trainer, users, progress_rows = _fixture(
        tag, args.learners, args.steps, random.Random(args.seed)
    )
    try:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        client = Client()
        client.force_login(trainer)
        pages = [
            ("Mes groupes (list)", reverse("courses:my_cohorts")),
            (
                f"grid {args.learners} x {args.steps}",
                reverse("courses:cohort_detail", args=[cohort.pk]),
            ),
            ("CSV export", reverse("courses:cohort_export", args=[cohort.pk])),
            ("quiz results", reverse("courses:cohort_quiz_results", args=[cohort.pk])),
        ]
        lines, grid_p95 = _measure(client, pages, args.repeat)
        lines += [
            "",
            f"Target: grid p95 ≤ {TARGET_P95_MS:.0f} ms: "
            + ("met" if grid_p95 <= TARGET_P95_MS else "NOT met")
            + f". {args.learners} learners x {args.steps} steps, {progress_rows} progress rows; "
            f"{args.repeat} runs per page after 2 warm-ups; PostgreSQL {server_version()}; "
            f"Python {platform.python_version()}; {os.cpu_count()} CPUs; seed {args.seed}.",
        ]
    finally:
        if not args.keep:
            from courses.models import Enrolment

            Enrolment.objects.filter(module=module).delete()  # With progress and reminders.
            cohort.delete()
            module.delete()  # With its steps.
            User.objects.filter(pk__in=[u.pk for u in users] + [trainer.pk]).delete()
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
