"""What the courses benches share: a throwaway module to measure, percentiles, server facts.

The scripts beside this one import it (Python puts bench/ on the path of the script it runs).
Django is imported inside the functions, once the calling script has configured it.
"""

from __future__ import annotations

import subprocess
from decimal import Decimal
from urllib.parse import urlparse


def create_database(database_url: str, *, rebuild: bool = False) -> None:
    """Create the bench's PostgreSQL database if missing (``rebuild``: drop it first)."""
    url = urlparse(database_url)
    target = ["-h", url.hostname or "127.0.0.1", "-U", url.username or "postgres"]
    name = url.path.lstrip("/")
    if rebuild:
        subprocess.run(["dropdb", *target, "--if-exists", name], check=True)
    created = subprocess.run(
        ["createdb", *target, name], capture_output=True, text=True, check=False
    )
    if created.returncode and "already exists" not in created.stderr:
        raise SystemExit(created.stderr)


def percentile(values: list[float], p: float) -> float:
    """The ``p``-th percentile of ``values``, by nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def bench_module(tag: str, steps: list[dict], *, distance_hours: int):
    """A module ``bench-<tag>`` of the catalogue (created if missing) and its steps.

    Each dict of ``steps`` holds the fields of one StepPage (its title at least); their slugs
    are ``etape-<n>``. Returns the module and its steps, in order.
    """
    from campus.models import HomePage
    from courses.models import CataloguePage, ModulePage, StepPage

    catalogue = CataloguePage.objects.first()
    if catalogue is None:
        catalogue = HomePage.objects.get().add_child(
            instance=CataloguePage(title="Offre de formation", slug="offre-de-formation")
        )
    module = catalogue.add_child(
        instance=ModulePage(
            title=f"bench-{tag}",
            slug=f"bench-{tag}",
            summary="Bench module.",
            objectives="<p>Bench.</p>",
            distance_hours=Decimal(distance_hours),
        )
    )
    pages = [
        module.add_child(instance=StepPage(slug=f"etape-{n}", **fields))
        for n, fields in enumerate(steps)
    ]
    return module, pages


def server_version() -> str:
    """The version of the PostgreSQL server measured."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        (version,) = cursor.fetchone()
    return version


def statement_count() -> int:
    """How many statements the LRS holds (the size the figures were measured at)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM lrs_statement")
        (count,) = cursor.fetchone()
    return count
