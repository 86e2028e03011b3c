"""Load the French demo content; running it again changes nothing."""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from campus import demo


class Command(BaseCommand):
    help = "Load the French demo content (idempotent) and print the demo log-ins."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Seed even with DEBUG off (demo accounts have a published password).",
        )

    def handle(self, *args, allow_production: bool = False, **options) -> None:
        if not settings.DEBUG and not allow_production:
            raise CommandError(
                "refusing to create demo accounts with DEBUG off (use --allow-production)"
            )
        people = demo.seed_people()
        created = sum(1 for _person, was_created in people if was_created)
        self.stdout.write(f"Demo content: {created} account(s) created, {len(people)} in all.")
        # Campus may not import the other apps (tests/test_architecture.py): each app that has
        # demo content offers it as ``seed_demo(stdout)`` on its AppConfig, called in
        # INSTALLED_APPS order, after the people it may need.
        for config in apps.get_app_configs():
            seed = getattr(config, "seed_demo", None)
            if callable(seed):
                seed(self.stdout)
        self.stdout.write(f"Demo log-ins (password for all: {demo.DEMO_PASSWORD}):")
        for person, _created in people:
            roles = ", ".join(str(role.label) for role in person.roles)
            self.stdout.write(f"  {person.email:<32} {roles}")
