"""Resource search over 50,000 resources on PostgreSQL (target ≤ 100 ms p95).

    .venv/bin/python bench/community_search.py [--database-url URL] [--resources 50000]
        [--repeat 40] [--rebuild]

What it does, in order:

1. Production settings (``DEBUG=0``, a throwaway ``SECRET_KEY``, no SSL redirect, static
   files collected into a temporary directory) on a throwaway PostgreSQL database,
   ``campus_bench_community`` by default, created if missing (``createdb``) and migrated.
   Wagtail search uses the French configuration (``SEARCH_CONFIG: "french"``), as production
   does on PostgreSQL.
2. Fills it up to ``--resources`` resources (random but seeded, so every run builds the same
   set): 40 communities of 30 members, every type of resource, three in five published, the
   others drafts or in review; titles, summaries and scenario contents drawn from a French
   teaching vocabulary (some 150 words of content each), 1 to 2 disciplines, 1 to 3 levels, 0 to 2
   competences, 0 to 3 tags. Rows are bulk-inserted, then indexed by the search backend's own
   bulk indexer (what ``manage.py update_index`` does), then the database is VACUUMed and
   ANALYZEd (as autovacuum would). ``--rebuild`` drops the database first.
3. Serves the resource list (``/communautes/ressources/``) through Django's full stack
   (middleware, views, templates; no socket) for each scenario below, ``--repeat`` times
   after two warm-up requests, to an anonymous visitor and to a member of two communities,
   and prints p50/p95/p99, the query count and the number of resources found per scenario.

The figures are server time without the network and the HTTP server: compare them with the
target, not with the HTTP figures of bench/servers.py.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode, urlparse

# The catalogue bench's set-up (production settings, a throwaway PostgreSQL database, French
# search configuration) serves this one alike.
sys.path.insert(0, str(Path(__file__).resolve().parent))
import courses_catalogue
from courses_common import percentile, server_version

SCENARIOS = [
    ("no search, newest first", {}),
    ("search « évaluation »", {"q": "évaluation"}),
    ("search « évaluer » (stemmed)", {"q": "évaluer"}),
    ("search « fractions partage »", {"q": "fractions partage"}),
    ("search + type + cycle", {"q": "numérique", "kind": "scenario", "cycle": "cycle-3"}),
    ("search + discipline + level", {"q": "oral", "discipline": "francais", "level": "5e"}),
    ("facets only: discipline + cycle", {"discipline": "mathematiques", "cycle": "cycle-4"}),
    ("search, page 5", {"q": "projet", "page": "5"}),
]
TOPICS = [
    "fractions",
    "évaluation",
    "numérique",
    "oral",
    "lecture",
    "géométrie",
    "projet",
    "coopération",
    "inclusion",
    "programmation",
    "esprit critique",
    "climat scolaire",
    "différenciation",
    "écriture",
    "calcul mental",
    "débat",
]
WORDS = (
    "élèves classe séance activité consigne groupe partage fraction tableau évaluer "
    "évaluation formative sommative compétence objectif trace écrite découverte recherche "
    "mise en commun institutionnalisation réinvestissement problème situation manipulation "
    "matériel numérique tablette ordinateur logiciel tableur vidéo projet oral débat lecture "
    "écriture compréhension vocabulaire grammaire géométrie figure mesure calcul nombre "
    "programmation algorithme robot coopération autonomie inclusion accessibilité "
    "différenciation étayage remédiation dyslexie consignes reformulation carte mentale "
    "expérience hypothèse observation démarche investigation sciences histoire géographie "
    "citoyenneté langue anglais espagnol musique arts sport santé environnement climat"
).split()
KINDS = ["scenario", "scenario", "scenario", "sequence", "tool_review", "free"]
STATES = ["published"] * 6 + ["draft", "draft", "in_review", "submitted"]
LEVELS = ["cp", "ce1", "ce2", "cm1", "cm2", "6e", "5e", "4e", "3e", "2de", "1re", "cycle-3"]
BATCH = 2000


def _sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def _content(rng: random.Random, kind: str, topic: str) -> dict:
    if kind == "scenario":
        return {
            "duration": f"{rng.randint(1, 4)} séances de 55 min",
            "objectives": f"{_sentence(rng, 12)} Travailler {topic}.",
            "prerequisites": _sentence(rng, 8),
            "phases": [
                {
                    "title": _sentence(rng, 3),
                    "duration": rng.choice([10, 15, 20, 30]),
                    "teacher_activity": _sentence(rng, 15),
                    "student_activity": _sentence(rng, 15),
                    "tools": rng.choice(["", "Tableur", "Tablettes", "ENT"]),
                }
                for _ in range(rng.randint(2, 4))
            ],
            "materials": _sentence(rng, 6),
            "assessment": _sentence(rng, 10),
            "differentiation": _sentence(rng, 10),
        }
    if kind == "sequence":
        return {
            "objectives": f"{_sentence(rng, 12)} Travailler {topic}.",
            "sessions": [
                {"title": _sentence(rng, 3), "duration": 55, "description": _sentence(rng, 20)}
                for _ in range(rng.randint(2, 5))
            ],
        }
    if kind == "tool_review":
        return {
            "tool": rng.choice(["Vittascience", "LibreOffice Calc", "GeoGebra", "Scratch"]),
            "url": "https://example.org/outil",
            "uses": f"{_sentence(rng, 20)} Pour {topic}.",
            "strengths": _sentence(rng, 12),
            "limits": _sentence(rng, 12),
            "data_notes": _sentence(rng, 10),
        }
    return {"body": f"{_sentence(rng, 60)} Autour de {topic}."}


def _fill(target: int) -> None:
    """Bulk-insert resources up to ``target`` (rows the services would write), then index."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction
    from django.utils import timezone
    from taggit.models import Tag, TaggedItem
    from wagtail.search.backends import get_search_backend

    from campus.models import CompetenceItem, Discipline, User
    from community.content import clean_content
    from community.models import Community, Membership, Resource, ResourceRevision

    existing = Resource.objects.count()
    if existing >= target:
        return
    rng = random.Random(2025 + existing)
    communities = list(Community.objects.filter(slug__startswith="bench-"))
    if not communities:
        with transaction.atomic():
            users = User.objects.bulk_create(
                User(email=f"bench{n}@ac-lyon.fr", first_name="Prof", last_name=f"Bench {n}")
                for n in range(1200)
            )
            communities = Community.objects.bulk_create(
                Community(name=f"Communauté {n}", slug=f"bench-{n}", kind="discipline")
                for n in range(40)
            )
            Membership.objects.bulk_create(
                Membership(community=communities[n // 30], user=user, joined_at=timezone.now())
                for n, user in enumerate(users)
            )
    members = {
        c.pk: list(Membership.objects.filter(community=c).values_list("user_id", flat=True))
        for c in communities
    }
    disciplines = list(Discipline.objects.values_list("pk", flat=True))
    items = list(CompetenceItem.objects.values_list("pk", flat=True))
    tags = [Tag.objects.get_or_create(name=t, defaults={"slug": t})[0] for t in TOPICS[:12]]
    resource_type = ContentType.objects.get_for_model(Resource)
    started = time.perf_counter()
    for start in range(existing, target, BATCH):
        count = min(BATCH, target - start)
        with transaction.atomic():
            now = timezone.now()
            rows, contents, owners = [], [], []
            for n in range(start, start + count):
                community = rng.choice(communities)
                kind = rng.choice(KINDS)
                topic, other = rng.sample(TOPICS, 2)
                state = rng.choice(STATES)
                author = rng.choice(members[community.pk])
                rows.append(
                    Resource(
                        community=community,
                        kind=kind,
                        title=f"{topic.capitalize()} et {other} (n°{n})",
                        slug=f"ressource-{n}",
                        summary=f"{_sentence(rng, 20)} Sur {topic} et {other}.",
                        state=state,
                        levels=sorted(set(rng.sample(LEVELS, rng.randint(1, 3)))),
                        created_by_id=author,
                        created=now,
                        updated=now,
                        published_at=now if state == "published" else None,
                        rights_confirmed=True,
                    )
                )
                contents.append(clean_content(kind, _content(rng, kind, topic)))
                owners.append(author)
            resources = Resource.objects.bulk_create(rows)
            revisions = ResourceRevision.objects.bulk_create(
                ResourceRevision(
                    resource=resource,
                    number=1,
                    title=resource.title,
                    content=content,
                    author_id=owner,
                    created=now,
                )
                for resource, content, owner in zip(resources, contents, owners, strict=True)
            )
            for resource, revision in zip(resources, revisions, strict=True):
                resource.current_revision = revision
            Resource.objects.bulk_update(resources, ["current_revision"])
            Resource.authors.through.objects.bulk_create(
                Resource.authors.through(resource_id=r.pk, user_id=o)
                for r, o in zip(resources, owners, strict=True)
            )
            Resource.disciplines.through.objects.bulk_create(
                Resource.disciplines.through(resource_id=r.pk, discipline_id=d)
                for r in resources
                for d in rng.sample(disciplines, rng.randint(1, 2))
            )
            Resource.competences.through.objects.bulk_create(
                Resource.competences.through(resource_id=r.pk, competenceitem_id=i)
                for r in resources
                for i in rng.sample(items, rng.randint(0, 2))
            )
            TaggedItem.objects.bulk_create(
                TaggedItem(tag=t, content_type=resource_type, object_id=r.pk)
                for r in resources
                for t in rng.sample(tags, rng.randint(0, 3))
            )
            batch = (
                Resource.objects.filter(pk__in=[r.pk for r in resources])
                .select_related("current_revision")
                .prefetch_related("tags")
            )
            get_search_backend().add_bulk(Resource, list(batch))
        print(f"  {start + count} resources ({time.perf_counter() - started:.0f} s)", flush=True)
    # Fresh tables have no planner statistics and no visibility map (index-only scans read the
    # table) until autovacuum comes by: do its work now.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def _measure(repeat: int) -> None:
    import warnings

    warnings.filterwarnings("ignore", "Transitional Django setting DSFR_MARK_OPTIONAL_FIELDS")
    from django.contrib.auth.models import AnonymousUser
    from django.db import connection
    from django.http import QueryDict
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from campus.models import User
    from community.forms_resources import ResourceFilterForm
    from community.models import Community, Membership, Resource
    from community.selectors_resources import resources_filtered

    anonymous = Client()
    member = Client()
    # A member of two communities: the drafts and reviews of theirs are searched too.
    user = User.objects.get(email="bench0@ac-lyon.fr")
    Membership.objects.get_or_create(community=Community.objects.get(slug="bench-1"), user=user)
    member.force_login(user)
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"\n{Resource.objects.count()} resources, PostgreSQL {server_version()}, load {load}.")
    print("\n| who | scenario | p50 ms | p95 ms | p99 ms | queries | found |")
    print("|---|---|---|---|---|---|---|")
    everything: list[float] = []
    for who, client, person in (
        ("anonymous", anonymous, AnonymousUser()),
        ("member", member, user),
    ):
        for label, query in SCENARIOS:
            path = "/communautes/ressources/?" + urlencode(query)
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
            form = ResourceFilterForm(QueryDict(urlencode(query)), communities=Community.objects)
            found = resources_filtered(person, **form.filters()).count()
            everything += timings
            print(
                f"| {who} | {label} | {statistics.median(timings):.1f} "
                f"| {percentile(timings, 95):.1f} | {percentile(timings, 99):.1f} "
                f"| {len(queries)} | {found} |"
            )
    print(
        f"| **all** | | {statistics.median(everything):.1f} "
        f"| {percentile(everything, 95):.1f} | {percentile(everything, 99):.1f} | | |"
    )


def _ok(response) -> None:
    if response.status_code != 200:
        raise SystemExit(f"the resource list answered {response.status_code}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/campus_bench_community"
    )
    parser.add_argument("--resources", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    if not urlparse(args.database_url).scheme.startswith("postgres"):
        parser.error("the target is about PostgreSQL: give a postgres:// URL")
    courses_catalogue._setup(args.database_url, args.rebuild)
    print(f"Filling up to {args.resources} resources…", flush=True)
    _fill(args.resources)
    _measure(args.repeat)


if __name__ == "__main__":
    main()
