"""manage.py seed_scale [--teachers 150000] [--target 30000] [--modules 5]: a data set at scale.

Builds, with ``bulk_create`` in batches, what the training plan dashboard is measured on
(bench/recognition_dashboard.py): teachers in five académies (a third in Lyon, at least the
target), establishments of about 25 teachers in the académies' departments, ``--modules``
modules under the catalogue, an inspector of Lyon (``inspecteur@scale.invalid``) and her plan
« Plan numérique (échelle) » whose target is the ``--target`` maths teachers of Lyon, and
enrolments spread over those teachers: a fifth have not started, the others are enrolled in
some or all of the modules, with completion dates over the last 12 weeks.

The dashboard reads enrolments (their status and completion date), so no xAPI statement is
written: the LRS's own volume is the LRS bench's business (bench/lrs_seed.py).

Every account shares one password hash (``--password``, "scale-password" by default).
The command refuses to run twice (the accounts end in ``@scale.invalid``) and, with DEBUG off,
unless ``--allow-production`` is given.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from campus.models import Academy, Discipline, Establishment, HomePage, User
from campus.roles import ROLE_GROUPS, Role
from campus.validators import uai_check_letter
from courses import services_plans
from courses.models import CataloguePage, Enrolment, EnrolmentStatus, ModulePage
from courses.models_plans import TargetKind, TrainingPlan

DOMAIN = "scale.invalid"
PLAN_TITLE = "Plan numérique (échelle)"
BATCH = 5000
PER_ESTABLISHMENT = 25
# Académie → (department code, share of its teachers).
DEPARTMENTS = {
    "lyon": [("069", 0.55), ("042", 0.25), ("001", 0.20)],
    "grenoble": [("038", 0.6), ("074", 0.4)],
    "clermont-ferrand": [("063", 1.0)],
    "dijon": [("021", 1.0)],
    "paris": [("075", 1.0)],
}
FIRST_NAMES = ["Claire", "Paul", "Inès", "Hugo", "Léa", "Nadia", "Julien", "Sarah", "Karim", "Anne"]
LAST_NAMES = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand"]
TOWNS = {"069": "Lyon", "042": "Saint-Étienne", "001": "Bourg-en-Bresse"}


class Command(BaseCommand):
    help = (
        "Build a large data set for the training plan dashboard bench: teachers, "
        "establishments, modules, one plan and its enrolments. Refuses to run twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("--teachers", type=int, default=150_000)
        parser.add_argument("--target", type=int, default=30_000)
        parser.add_argument("--modules", type=int, default=5)
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--password", default="scale-password")
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Run even with DEBUG off (never on a real platform: it adds fake people).",
        )

    def handle(self, *args, teachers, target, modules, seed, password, **options):
        if not settings.DEBUG and not options["allow_production"]:
            raise CommandError(
                "DEBUG is off: this command fills the database with fake teachers. "
                "Pass --allow-production if this really is a throwaway database."
            )
        if not 0 < target <= teachers or modules < 1:
            raise CommandError("Give 0 < --target ≤ --teachers and --modules ≥ 1.")
        if User.objects.filter(email__endswith=f"@{DOMAIN}").exists():
            raise CommandError(
                f"The scale data set is already there (accounts @{DOMAIN}): it is built once. "
                "Drop the database (or its @scale.invalid accounts) to rebuild it."
            )
        started = time.monotonic()
        rng = random.Random(seed)  # noqa: S311 — fake data, not secrets.
        with transaction.atomic():
            module_pages = self._modules(modules)
            users, lyon = self._teachers(teachers, target, rng, make_password(password))
            inspector = self._inspector(make_password(password))
            plan = services_plans.plan_create(
                actor=inspector,
                data={
                    "title": PLAN_TITLE,
                    "description": "Données de mesure générées par seed_scale.",
                    "disciplines": list(Discipline.objects.filter(slug="mathematiques")),
                    "degree": "",
                    "target_kind": TargetKind.DISCIPLINE,
                    "modules": module_pages,
                    "deadline": timezone.localdate() + dt.timedelta(days=30),
                },
            )
            enrolments = self._enrolments(lyon[:target], users, module_pages, rng)
        schools = len(self._uais)
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(users)} teachers, {schools} "
                f"establishments, {len(module_pages)} modules, plan #{plan.pk} « {plan.title} » "
                f"with {plan.targets.count()} teachers, {enrolments} enrolments "
                f"in {time.monotonic() - started:.1f} s. Inspector: inspecteur@{DOMAIN}."
            )
        )

    def _modules(self, count: int) -> list[ModulePage]:
        catalogue = CataloguePage.objects.first()
        if catalogue is None:
            catalogue = HomePage.objects.get().add_child(
                instance=CataloguePage(title="Offre de formation", slug="offre-de-formation")
            )
        return [
            catalogue.add_child(
                instance=ModulePage(
                    title=f"Plan numérique — module {n + 1}",
                    slug=f"plan-numerique-echelle-{n + 1}",
                    summary="Module généré pour les mesures à l'échelle.",
                    objectives="<p>Mesurer.</p>",
                    distance_hours=Decimal(3),
                )
            )
            for n in range(count)
        ]

    def _establishments(self, academy: Academy, count: int, rng) -> list[Establishment]:
        rows = []
        for code, share in DEPARTMENTS[academy.slug]:
            start = Establishment.objects.filter(uai__startswith=code).count()
            for n in range(max(1, round(count * share))):
                digits = f"{code}{start + n + 1:04d}"
                rows.append(
                    Establishment(
                        uai=digits + uai_check_letter(digits),
                        name=f"{rng.choice(['Collège', 'Lycée', 'École'])} n°{start + n + 1}",
                        town=TOWNS.get(code, academy.name),
                        academy=academy,
                    )
                )
        created = Establishment.objects.bulk_create(rows, batch_size=BATCH)
        self._uais.extend(e.uai for e in created)
        return created

    def _teachers(self, total: int, target: int, rng, password: str):
        """Users, their teacher group and disciplines; returns (all users, Lyon's users)."""
        self._uais: list[str] = []
        academies = {a.slug: a for a in Academy.objects.filter(slug__in=DEPARTMENTS)}
        lyon_count = min(total, max(target, total // 3))
        others = list(DEPARTMENTS)[1:]
        counts = {"lyon": lyon_count}
        for index, slug in enumerate(others):
            counts[slug] = (total - lyon_count) // len(others) + (
                1 if index < (total - lyon_count) % len(others) else 0
            )
        users: list[User] = []
        lyon: list[User] = []
        for slug, count in counts.items():
            if not count:
                continue
            schools = self._establishments(academies[slug], max(1, count // PER_ESTABLISHMENT), rng)
            batch = [
                User(
                    email=f"{slug}-{n}@{DOMAIN}",
                    first_name=rng.choice(FIRST_NAMES),
                    last_name=f"{rng.choice(LAST_NAMES)} {n:06d}",
                    academy=academies[slug],
                    establishment=rng.choice(schools),
                    degree="second",
                    password=password,
                )
                for n in range(count)
            ]
            created = User.objects.bulk_create(batch, batch_size=BATCH)
            users += created
            if slug == "lyon":
                lyon = created
        group = Group.objects.get(name=ROLE_GROUPS[Role.TEACHER])
        User.groups.through.objects.bulk_create(
            [User.groups.through(user_id=u.pk, group_id=group.pk) for u in users],
            batch_size=BATCH,
        )
        maths = Discipline.objects.get(slug="mathematiques")
        other = list(Discipline.objects.exclude(pk=maths.pk))
        target_ids = {u.pk for u in lyon[:target]}
        User.disciplines.through.objects.bulk_create(
            [
                User.disciplines.through(
                    user_id=u.pk,
                    discipline_id=maths.pk if u.pk in target_ids else rng.choice(other).pk,
                )
                for u in users
            ],
            batch_size=BATCH,
        )
        return users, lyon

    def _inspector(self, password: str) -> User:
        inspector = User.objects.create(
            email=f"inspecteur@{DOMAIN}",
            first_name="Sophie",
            last_name="Lefèvre",
            academy=Academy.objects.get(slug="lyon"),
            password=password,
        )
        inspector.groups.add(Group.objects.get(name=ROLE_GROUPS[Role.INSPECTOR]))
        return inspector

    def _enrolments(self, targeted, users, modules, rng) -> int:
        """A realistic spread over the target, plus a few enrolments of other teachers."""
        now = timezone.now()
        rows: list[Enrolment] = []

        def add(user, module, completed: bool, withdrawn: bool = False):
            done_at = now - dt.timedelta(minutes=rng.randint(0, 12 * 7 * 24 * 60))
            status = (
                EnrolmentStatus.WITHDRAWN
                if withdrawn
                else EnrolmentStatus.COMPLETED
                if completed
                else EnrolmentStatus.ACTIVE
            )
            rows.append(
                Enrolment(
                    user_id=user.pk,
                    module=module,
                    status=status,
                    completed_at=done_at if completed else None,
                    last_activity_at=done_at,
                )
            )

        for user in targeted:
            profile = rng.random()
            if profile < 0.2:
                continue  # Not started.
            if profile < 0.4:
                for module in modules:  # Completed the plan.
                    add(user, module, completed=True)
                continue
            for module in rng.sample(modules, rng.randint(1, len(modules))):
                add(user, module, completed=rng.random() < 0.5, withdrawn=rng.random() < 0.03)
        targeted_ids = {u.pk for u in targeted}
        for user in users:
            if user.pk not in targeted_ids and rng.random() < 0.05:
                add(user, rng.choice(modules), completed=rng.random() < 0.4)
        Enrolment.objects.bulk_create(rows, batch_size=BATCH)
        return len(rows)


def scale_plan() -> TrainingPlan | None:
    """The plan seed_scale made, if it ran (the bench reads it)."""
    return TrainingPlan.objects.filter(
        title=PLAN_TITLE, created_by__email=f"inspecteur@{DOMAIN}"
    ).first()
