"""Training plans: an inspector asks a population of teachers to follow modules by a deadline.

The population (the plan's *target*) is described by a rule (disciplines, establishments,
departments or an imported list) and materialised as one :class:`PlanTarget` row per teacher
by :func:`courses.services_plans.plan_targets_rebuild`, so the dashboard aggregates with a
GROUP BY over those rows joined to the enrolments of the required modules instead of
re-evaluating the rule on every view.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from campus.models import Academy, Degree, Discipline, Establishment


class TargetKind(models.TextChoices):
    """How a plan's population is described."""

    DISCIPLINE = "discipline", _("By discipline")
    ESTABLISHMENTS = "etablissements", _("By establishment (UAI list)")
    DEPARTMENTS = "departements", _("By department")
    IMPORTED = "liste", _("Imported list (emails or UAI codes)")


class PlanStatus(models.TextChoices):
    """Where a teacher of the target stands in a plan (computed, never stored)."""

    COMPLETED = "completed", _("Completed")
    IN_PROGRESS = "in_progress", _("In progress")
    LATE = "late", _("Late")
    NOT_STARTED = "not_started", _("Not started")


class TrainingPlan(models.Model):
    """A training plan of an académie ("plan de formation"): who, which modules, by when."""

    title = models.CharField(_("title"), max_length=200)
    academy = models.ForeignKey(
        Academy, on_delete=models.PROTECT, related_name="training_plans", verbose_name=_("académie")
    )
    description = models.TextField(_("description"), blank=True)
    disciplines = models.ManyToManyField(
        Discipline, blank=True, related_name="training_plans", verbose_name=_("disciplines")
    )
    degree = models.CharField(_("degree"), max_length=10, choices=Degree.choices, blank=True)
    target_kind = models.CharField(
        _("target population"), max_length=20, choices=TargetKind.choices
    )
    # The rule's parameters for the other kinds (UAI codes, department codes such as "069",
    # the imported emails and UAI codes), kept so the target can be recomputed on update.
    target_uais = models.JSONField(default=list, blank=True)
    target_departments = models.JSONField(default=list, blank=True)
    imported_emails = models.JSONField(default=list, blank=True)
    imported_uais = models.JSONField(default=list, blank=True)
    modules = models.ManyToManyField(
        "courses.ModulePage", related_name="training_plans", verbose_name=_("required modules")
    )
    deadline = models.DateField(_("deadline"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    targets_computed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("training plan")
        verbose_name_plural = _("training plans")
        ordering = ["deadline", "title"]

    def __str__(self) -> str:
        return self.title


class PlanTarget(models.Model):
    """One teacher of a plan's target, with where they worked when it was computed."""

    plan = models.ForeignKey(TrainingPlan, on_delete=models.CASCADE, related_name="targets")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="plan_targets"
    )
    # Snapshots: the dashboard groups by them without joining users and establishments.
    establishment = models.ForeignKey(
        Establishment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    department = models.CharField(max_length=3, blank=True)  # The UAI's first 3 characters.

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["plan", "user"], name="courses_plantarget_unique")
        ]
        indexes = [
            models.Index(fields=["plan", "establishment"], name="courses_plantarget_estab"),
            models.Index(fields=["user"], name="courses_plantarget_user"),
        ]

    def __str__(self) -> str:
        return f"{self.plan_id}:{self.user_id}"


class PlanReminder(models.Model):
    """A reminder sent to the teachers of a plan who had not started (at most one a day)."""

    plan = models.ForeignKey(TrainingPlan, on_delete=models.CASCADE, related_name="reminders")
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    sent_at = models.DateTimeField(auto_now_add=True)
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return f"{self.plan_id} {self.sent_at:%Y-%m-%d}"
