"""The catalogue with 1,000 modules: latency of the filtered, searched page (target ≤ 100 ms p95).

    .venv/bin/python bench/courses_catalogue.py [--database-url URL] [--modules 1000]
        [--steps 3] [--repeat 40] [--rebuild]

What it does, in order:

1. Production settings (``DEBUG=0``, a throwaway ``SECRET_KEY``, no SSL redirect, static files
   collected into a temporary directory, tasks run at once so the search index is filled as
   pages are created) on a throwaway PostgreSQL database, ``campus_bench_courses`` by default,
   created if missing (``createdb``) and migrated. Wagtail search uses the French
   configuration (``SEARCH_CONFIG: "french"``), as production should.
2. Fills the catalogue up to ``--modules`` modules (random but seeded, so every run builds the
   same offer): disciplines, degrees, collections, modalities, hours spread over the four
   duration buckets, 1 to 4 C2i2e items, ``--steps`` steps each, and an upcoming in-person
   session in one module out of ten, then ANALYZEs the database (as autovacuum would).
   ``--rebuild`` drops the database first.
3. Serves the catalogue page through Django's full stack (middleware, Wagtail's page routing,
   templates; no socket) for each scenario below, ``--repeat`` times after two warm-up
   requests, and prints p50/p95/p99 and the query count per scenario, then overall.

The figures are server time without the network and the HTTP server: compare them with the
target, not with the HTTP figures of bench/servers.py.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlparse

from courses_common import create_database, percentile

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = [
    ("no filter", ""),
    ("degree + duration", "degree=second&duration=3-6h"),
    ("discipline + collection", "discipline=mathematiques&collection=autoformation"),
    ("competence (B.2)", "competence=B.2"),
    ("search « numérique »", "q=num%C3%A9rique"),
    ("search + degree", "q=formation&degree=premier"),
    ("open sessions", "open_sessions=on"),
    ("page 5", "page=5"),
]
WORDS = [
    "numérique",
    "évaluation",
    "différenciation",
    "oral",
    "lecture",
    "géométrie",
    "projet",
    "coopération",
    "inclusion",
    "climat scolaire",
    "programmation",
    "esprit critique",
]


def _setup(database_url: str, rebuild: bool) -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="campus.settings",
        DEBUG="0",
        SECRET_KEY="bench-only-secret-key-not-for-production-0123456789",  # noqa: S106
        SECURE_SSL_REDIRECT="0",
        ALLOWED_HOSTS="testserver,127.0.0.1,localhost",
        DATABASE_URL=database_url,
        STATIC_ROOT=tempfile.mkdtemp(prefix="campus-bench-static-"),
        TASKS_BACKEND="django_tasks.backends.immediate.ImmediateBackend",
        LOG_LEVEL="WARNING",
    )
    create_database(database_url, rebuild=rebuild)

    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.WAGTAILSEARCH_BACKENDS = {
        "default": {"BACKEND": "wagtail.search.backends.database", "SEARCH_CONFIG": "french"}
    }
    call_command("migrate", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)


def _fill(modules: int, steps: int) -> str:
    """Build the offer up to ``modules`` modules; return the catalogue's URL."""
    import datetime as dt

    from django.utils import timezone

    from campus.models import CompetenceItem, Discipline
    from courses.demo import seed_courses
    from courses.models import CataloguePage, Collection, Modality, ModulePage, StepPage

    seed_courses()
    catalogue = CataloguePage.objects.get()
    existing = ModulePage.objects.count()
    rng = random.Random(2024)
    disciplines = list(Discipline.objects.all())
    items = list(CompetenceItem.objects.all())
    hours = [Decimal(h) for h in ("1.5", "2", "3", "4.5", "6", "7.5", "9", "12", "15")]
    started = time.perf_counter()
    for n in range(existing, modules):
        topic, other = rng.sample(WORDS, 2)
        modality = rng.choice([Modality.DISTANCE, Modality.DISTANCE, Modality.BLENDED])
        module = catalogue.add_child(
            instance=ModulePage(
                title=f"{topic.capitalize()} et {other} en classe (n°{n})",
                slug=f"module-bench-{n}",
                summary=f"Un parcours pour travailler {topic} et {other} avec ses élèves.",
                objectives=f"<p>Mettre en œuvre {topic} dans sa pratique de formation.</p>",
                degree=rng.choice(["", "premier", "second"]),
                collection=rng.choice(Collection.values),
                modality=modality,
                distance_hours=rng.choice(hours),
                in_person_hours=Decimal(3) if modality == Modality.BLENDED else Decimal(0),
            )
        )
        module.disciplines.set(rng.sample(disciplines, rng.randint(1, 2)))
        module.competences.set(rng.sample(items, rng.randint(1, 4)))
        module.save()
        for s in range(steps):
            body = [("paragraph", f"<p>Étape {s + 1} : {topic}.</p>")]
            if s == steps - 1 and n % 10 == 0:
                start = timezone.now() + dt.timedelta(days=rng.randint(-30, 60))
                body.append(
                    (
                        "session",
                        {
                            "title": "Regroupement",
                            "start": start,
                            "duration_minutes": 180,
                            "place": "INSPE",
                            "address": "",
                            "virtual_class_url": "",
                            "details": "",
                        },
                    )
                )
            module.add_child(
                instance=StepPage(title=f"Étape {s + 1}", slug=f"etape-{s}", body=body)
            )
        if (n + 1) % 100 == 0:
            print(f"  {n + 1} modules ({time.perf_counter() - started:.0f} s)", flush=True)
    # Fresh tables have no planner statistics until autovacuum comes by: without them
    # PostgreSQL estimates one row per page range and picks nested loops that take seconds.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return catalogue.url


def _ok(response) -> None:
    if response.status_code != 200:
        raise SystemExit(f"the catalogue answered {response.status_code}")


def _measure(url: str, repeat: int) -> None:
    from django.db import connection
    from django.http import QueryDict
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from courses.catalogue import catalogue_modules
    from courses.forms import CatalogueFilterForm

    client = Client()
    everything: list[float] = []
    print("\n| scenario | p50 ms | p95 ms | p99 ms | queries | modules found |")
    print("|---|---|---|---|---|---|")
    for label, query in SCENARIOS:
        path = f"{url}?{query}" if query else url
        for _ in range(2):
            _ok(client.get(path))
        timings = []
        for _ in range(repeat):
            started = time.perf_counter()
            response = client.get(path)
            timings.append((time.perf_counter() - started) * 1000)
            _ok(response)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        form = CatalogueFilterForm(QueryDict(query))
        found = catalogue_modules(**form.filters()).count()
        everything += timings
        print(
            f"| {label} | {statistics.median(timings):.1f} | {percentile(timings, 95):.1f} "
            f"| {percentile(timings, 99):.1f} | {len(queries)} | {found} |"
        )
    print(
        f"| **all** | {statistics.median(everything):.1f} | {percentile(everything, 95):.1f} "
        f"| {percentile(everything, 99):.1f} | | |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/campus_bench_courses"
    )
    parser.add_argument("--modules", type=int, default=1000)
    parser.add_argument("--steps", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    if not urlparse(args.database_url).scheme.startswith("postgres"):
        parser.error("the target is about PostgreSQL: give a postgres:// URL")
    _setup(args.database_url, args.rebuild)
    print(f"Filling the catalogue up to {args.modules} modules…", flush=True)
    url = _fill(args.modules, args.steps)
    _measure(url, args.repeat)


if __name__ == "__main__":
    main()
