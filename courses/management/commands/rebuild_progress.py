"""manage.py rebuild_progress [--module ID]: recompute StepProgress from the LRS's statements."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from courses.models import Enrolment, ModulePage
from courses.progress import progress_rebuild


class Command(BaseCommand):
    help = (
        "Rebuild the step progress of every enrolment (or of one module's) from the statements "
        "stored in the LRS, and complete the enrolments whose required steps are all done. "
        "Runs in one transaction; running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--module", type=int, help="Only the enrolments of this module (id).")

    def handle(self, *args, module: int | None = None, **options):
        enrolments = Enrolment.objects.all()
        if module is not None:
            if not ModulePage.objects.filter(pk=module).exists():
                raise CommandError(f"No module with id {module}.")
            enrolments = enrolments.filter(module_id=module)
        report = progress_rebuild(enrolments=enrolments)
        self.stdout.write(
            self.style.SUCCESS(
                f"Rebuilt {report.rows} step progress rows for {report.enrolments} enrolments; "
                f"{report.completed} enrolments completed."
            )
        )
