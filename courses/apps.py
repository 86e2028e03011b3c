from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses")

    def ready(self) -> None:
        from courses.progress import on_statements_stored
        from lrs.signals import statements_stored

        # Progress is derived from what the LRS stores, whoever sent it (see courses.progress).
        statements_stored.connect(on_statements_stored, dispatch_uid="courses.progress")

    def seed_demo(self, stdout) -> None:
        """Load the demo offer, cohort and enrolments (called by campus's ``seed_demo``)."""
        from courses.demo import COHORT_KEY, seed_courses

        report = seed_courses()
        stdout.write(
            f"Training offer: {len(report.pages)} page(s), {len(report.documents)} document(s), "
            f"{len(report.cohorts)} cohort(s), {len(report.learners)} learner account(s) and "
            f"{len(report.enrolments)} enrolment(s) created."
        )
        for cohort in report.cohorts:
            stdout.write(f"  cohort « {cohort} », enrolment key {COHORT_KEY}")
        for plan in report.plans:
            stdout.write(f"  training plan « {plan} » (inspectrice@campus.localhost)")
