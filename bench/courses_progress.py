"""A step completion, end to end: ``step_view`` stores a statement, the hook updates progress.

Target (issue 4): a step completion — statement stored + progress updated — in ≤ 40 ms p95 on
PostgreSQL. Each measured call is one ``courses.services.step_view`` in autocommit mode, so the
clock covers the service's transaction (validation, the LRS's rows, ``last_activity_at``) and
the ``statements_stored`` receiver that runs on commit (enrolment lock, steps, progress upsert
and, for the learner's last step, the module's completion and its statement).

It builds its own fixture in the database it is given — a module of ``--steps`` "viewed" steps
and ``--learners`` enrolled learners (pages, users and enrolments named ``bench-…``) — then
views ``--views`` (learner, step) pairs never viewed before (each completes a step), and
``--repeat-views`` pairs viewed already (progress unchanged: the cheap path). The fixture is
deleted at the end unless ``--keep`` (the statements stay in the LRS, like any learner's).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/campus_courses_b \\
        .venv/bin/python bench/courses_progress.py [--learners 200] [--steps 30] \\
        [--views 2000] [--repeat-views 500] [--output bench/results/courses_progress.md]

Production settings (``DEBUG=0``: no query log), a throwaway ``SECRET_KEY`` if none is set;
``migrate`` runs first. Prints a Markdown table of p50/p95/p99/mean/max latencies.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import time
import uuid
from pathlib import Path

from courses_common import (
    bench_module,
    create_database,
    percentile,
    server_version,
    statement_count,
)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TARGET_P95_MS = 40.0


def _setup(database_url: str) -> None:
    """Configure Django with production settings on the bench database (created if missing)."""
    create_database(database_url)
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "campus.settings")
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", f"bench-only-{uuid.uuid4()}")
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["DATABASE_POOL"] = "0"  # One process, one connection.
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _fixture(tag: str, learners: int, steps: int):
    """A catalogue module with ``steps`` viewed steps and ``learners`` active enrolments."""
    from campus.models import User
    from courses.models import Enrolment

    module, step_pages = bench_module(
        tag, [{"title": f"bench-{tag}-{n}"} for n in range(steps)], distance_hours=3
    )
    users = User.objects.bulk_create(
        [
            User(email=f"bench-{tag}-{n}@bench.invalid", first_name="Bench", last_name=str(n))
            for n in range(learners)
        ]
    )
    enrolments = Enrolment.objects.bulk_create(
        [Enrolment(user=user, module=module) for user in users]
    )
    for enrolment, user in zip(enrolments, users, strict=True):
        enrolment.user, enrolment.module = user, module
    return module, step_pages, enrolments, users


def _measure(pairs) -> list[float]:
    """Milliseconds of each step_view (autocommit: the progress hook runs before it returns)."""
    from courses.services import step_view

    timings = []
    for enrolment, step in pairs:
        start = time.perf_counter()
        step_view(actor=enrolment.user, enrolment=enrolment, step=step)
        timings.append((time.perf_counter() - start) * 1000)
    return timings


def _row(name: str, timings: list[float]) -> str:
    return (
        f"| {name} | {len(timings)} | {percentile(timings, 50):.1f} | "
        f"{percentile(timings, 95):.1f} | {percentile(timings, 99):.1f} | "
        f"{statistics.fmean(timings):.1f} | {max(timings):.1f} |"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/campus_courses_b"
        ),
    )
    parser.add_argument("--learners", type=int, default=200)
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--views", type=int, default=2000)
    parser.add_argument("--repeat-views", type=int, default=500)
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--keep", action="store_true", help="Keep the bench module and users.")
    parser.add_argument("--output", type=Path)
    args = parser.parse_args()
    if not args.database_url.startswith("postgres"):
        parser.error("the target is measured on PostgreSQL: give a postgres:// --database-url")
    if args.views + args.warmup > args.learners * args.steps:
        parser.error("--views + --warmup exceed the (learner, step) pairs: add learners or steps")

    _setup(args.database_url)
    from campus.models import User
    from courses.models import Enrolment, StepProgress

    tag = uuid.uuid4().hex[:8]
    rng = random.Random(args.seed)
    module, steps, enrolments, users = _fixture(tag, args.learners, args.steps)
    try:
        pairs = [(e, s) for e in enrolments for s in steps]
        rng.shuffle(pairs)
        warmup, fresh = pairs[: args.warmup], pairs[args.warmup : args.warmup + args.views]
        _measure(warmup)
        completing = _measure(fresh)
        viewed = warmup + fresh
        repeats = _measure([rng.choice(viewed) for _ in range(args.repeat_views)])
        completed = StepProgress.objects.filter(
            enrolment__module=module, status="completed"
        ).count()
        if completed != len(viewed):
            raise RuntimeError(f"{completed} steps completed for {len(viewed)} first views")

        lines = [
            "| step_view + progress | calls | p50 ms | p95 ms | p99 ms | mean ms | max ms |",
            "|---|---|---|---|---|---|---|",
            _row("first view (completes the step)", completing),
            _row("repeat view (progress unchanged)", repeats),
            "",
            f"Target p95 ≤ {TARGET_P95_MS:.0f} ms: "
            + ("met" if percentile(completing, 95) <= TARGET_P95_MS else "NOT met")
            + f". {args.learners} learners x {args.steps} steps; {statement_count()} statements "
            f"in the LRS; PostgreSQL {server_version()}; Python {platform.python_version()}; "
            f"{os.cpu_count()} CPUs; seed {args.seed}.",
        ]
    finally:
        if not args.keep:
            Enrolment.objects.filter(module=module).delete()
            module.delete()  # With its steps and their progress.
            User.objects.filter(pk__in=[u.pk for u in users]).delete()
    report = "\n".join(lines)
    print(report)
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(report + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
