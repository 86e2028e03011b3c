"""Write the record entries of modules completed before the record existed (idempotent)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from courses.recognition import backfill


class Command(BaseCommand):
    help = "Create the « module completed » record entries missing for completed enrolments."

    def handle(self, *args, **options) -> None:
        created = backfill()
        self.stdout.write(f"{created} record entr{'y' if created == 1 else 'ies'} created.")
