"""Training modules as Wagtail pages, and what learners do with them.

The catalogue ("offre de formation") holds module pages; each module holds ordered step pages,
each with its own URL. A learner's enrolment carries the xAPI registration UUID that every
statement about their work in the module uses, so progress can be derived from the LRS —
whichever system (Campus's pages, an H5P or cmi5 activity) sent the statements.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from campus.models import Academy, CompetenceItem, Degree, Discipline
from courses.blocks import StepBodyBlock


class Collection(models.TextChoices):
    """M@gistère's collections: how a module is followed."""

    SELF_TRAINING = "autoformation", _("Self-training")
    ACCOMPANIED = "accompagnee", _("Accompanied training")
    CERTIFYING = "certifiante", _("Certifying training")
    COMMUNITY = "communaute", _("Professional community")


class Modality(models.TextChoices):
    """Whether a module is taken fully at a distance or mixes in-person sessions."""

    DISTANCE = "distance", _("Distance")
    BLENDED = "hybride", _("Blended")


class Pace(models.TextChoices):
    """Who sets the pace: the learner, or the cohort's calendar."""

    SELF_PACED = "libre", _("Self-paced")
    SCHEDULED = "cadence", _("Scheduled (cohort calendar)")


class ResponsibleBody(models.TextChoices):
    """Who is responsible for a module."""

    NATIONAL = "national", _("National")
    ACADEMIE = "academie", _("Académie")
    INSPE = "inspe", _("INSPE")


class CompletionRule(models.TextChoices):
    """What makes a step done, read from the statements stored for it."""

    VIEWED = "viewed", _("Viewed")
    QUIZ_PASSED = "quiz_passed", _("Quiz passed")
    ASSIGNMENT_ACCEPTED = "assignment_accepted", _("Assignment accepted by a trainer")
    ATTENDED = "attended", _("Present at the in-person session")


def activity_iri(kind: str, pk: int) -> str:
    """The stable xAPI activity IRI of a module or step (page ids never change; URLs may)."""
    return f"{settings.SITE_URL}/xapi/activities/{kind}/{pk}"


class CataloguePage(Page):
    """The training offer: lists and filters the modules beneath it."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, "intro"]
    parent_page_types = ["campus.HomePage"]
    subpage_types = ["courses.ModulePage"]
    max_count = 1

    class Meta:
        verbose_name = _("catalogue")

    def route(self, request, path_components):
        """Route to a module or one of its steps in one query instead of two per level.

        Wagtail's ``Page.route`` walks the tree a level at a time and loads each child twice,
        as a generic page then as its specific class. Beneath the catalogue the page types are
        known (modules, then their steps), so the page asked for is loaded with its specific
        fields at once; deciding what is served (live or 404) stays Wagtail's own
        ``route``. Anything else falls back to the walk.
        """
        if len(path_components) in (1, 2):
            model = ModulePage if len(path_components) == 1 else StepPage
            page = (
                model.objects.filter(
                    slug=path_components[-1],  # Indexed: narrows to a handful of rows.
                    depth=self.depth + len(path_components),
                    url_path=f"{self.url_path}{'/'.join(path_components)}/",
                )
                .order_by()
                .first()
            )
            if page is not None:
                if model is ModulePage:
                    page._cached_parent_obj = self  # As Wagtail's walk does: no parent query.
                return page.route(request, [])
        return super().route(request, path_components)

    def get_context(self, request, *args, **kwargs):
        from courses.catalogue import catalogue_context  # catalogue imports this module.

        context = super().get_context(request, *args, **kwargs)
        context.update(catalogue_context(request, self))
        return context


class ModulePage(Page):
    """A training module, indexed as M@gistère indexes its offer."""

    summary = models.TextField(_("summary"), max_length=500)
    objectives = RichTextField(_("objectives"))
    target_audience = RichTextField(_("target audience"), blank=True)
    degree = models.CharField(
        _("degree"),
        max_length=10,
        choices=Degree.choices,
        blank=True,
        help_text=_("Leave empty for a module open to both degrees."),
    )
    disciplines = ParentalManyToManyField(Discipline, verbose_name=_("disciplines"), blank=True)
    domain = models.CharField(_("domain"), max_length=120, blank=True)
    collection = models.CharField(
        _("collection"), max_length=20, choices=Collection.choices, default=Collection.SELF_TRAINING
    )
    modality = models.CharField(
        _("modality"), max_length=10, choices=Modality.choices, default=Modality.DISTANCE
    )
    pace = models.CharField(_("pace"), max_length=10, choices=Pace.choices, default=Pace.SELF_PACED)
    distance_hours = models.DecimalField(_("distance hours"), max_digits=5, decimal_places=1)
    in_person_hours = models.DecimalField(
        _("in-person hours"), max_digits=5, decimal_places=1, default=0
    )
    prerequisites = RichTextField(_("prerequisites"), blank=True)
    authors = models.CharField(_("authors"), max_length=300, blank=True)
    responsible_body = models.CharField(
        _("responsible body"),
        max_length=10,
        choices=ResponsibleBody.choices,
        default=ResponsibleBody.ACADEMIE,
    )
    responsible_name = models.CharField(
        _("responsible body's name"),
        max_length=200,
        blank=True,
        help_text=_("E.g. « Académie de Lyon », « INSPE de Lyon »."),
    )
    version_notes = RichTextField(_("version notes"), blank=True)
    competences = ParentalManyToManyField(
        CompetenceItem, verbose_name=_("competences developed"), blank=True
    )

    content_panels = [
        *Page.content_panels,
        "summary",
        "objectives",
        "target_audience",
        "degree",
        "disciplines",
        "domain",
        "collection",
        "modality",
        "pace",
        "distance_hours",
        "in_person_hours",
        "prerequisites",
        "authors",
        "responsible_body",
        "responsible_name",
        "competences",
        "version_notes",
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("objectives"),
        index.SearchField("target_audience"),
        index.SearchField("authors"),
        index.FilterField("degree"),
        index.FilterField("collection"),
        index.FilterField("modality"),
    ]
    parent_page_types = ["courses.CataloguePage"]
    subpage_types = ["courses.StepPage"]

    class Meta:
        verbose_name = _("training module")
        verbose_name_plural = _("training modules")

    @property
    def activity_iri(self) -> str:
        """The module's xAPI activity id."""
        return activity_iri("module", self.pk)

    @property
    def total_hours(self):
        """Distance plus in-person hours."""
        return self.distance_hours + self.in_person_hours

    def live_steps(self):
        """The module's published steps, in their order in the page tree."""
        return StepPage.objects.child_of(self).live().order_by("path")


class StepPage(Page):
    """One step of a module, with its own URL and a rule saying when it is done."""

    body = StreamField(StepBodyBlock(), verbose_name=_("content"), blank=True)
    completion_rule = models.CharField(
        _("completion rule"),
        max_length=20,
        choices=CompletionRule.choices,
        default=CompletionRule.VIEWED,
    )
    required = models.BooleanField(
        _("required"), default=True, help_text=_("Module completion needs every required step.")
    )
    estimated_minutes = models.PositiveSmallIntegerField(_("estimated time (minutes)"), default=15)

    content_panels = [*Page.content_panels, "body"]
    settings_panels = [*Page.settings_panels, "completion_rule", "required", "estimated_minutes"]
    search_fields = [*Page.search_fields, index.SearchField("body")]
    parent_page_types = ["courses.ModulePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("step")
        verbose_name_plural = _("steps")

    @property
    def activity_iri(self) -> str:
        """The step's xAPI activity id."""
        return activity_iri("step", self.pk)

    def serve(self, request, *args, **kwargs):
        """Record the learner's visit (launched, experienced) through the service, then render."""
        from courses.services import step_page_served  # services imports this module.

        step_page_served(request, self)
        return super().serve(request, *args, **kwargs)

    @property
    def has_uploaded_video(self) -> bool:
        """Whether the body holds a video whose file is uploaded (the player Campus tracks)."""
        return any(child.block_type == "video" and child.value.get("file") for child in self.body)

    def neighbours(self) -> tuple[StepPage | None, StepPage | None]:
        """The previous and next published steps of the same module (one query)."""
        siblings = list(
            StepPage.objects.sibling_of(self).live().defer_streamfields().order_by("path")
        )
        # By tree path, not by index, so a draft step being previewed still gets neighbours.
        before = [s for s in siblings if s.path < self.path]
        after = [s for s in siblings if s.path > self.path]
        return (before[-1] if before else None), (after[0] if after else None)


class EnrolmentStatus(models.TextChoices):
    """Where a learner stands in a module."""

    PENDING = "pending", _("Awaiting approval")
    ACTIVE = "active", _("In progress")
    COMPLETED = "completed", _("Completed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Enrolment(models.Model):
    """A learner in a module; its registration ties every statement of their work to it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments"
    )
    module = models.ForeignKey(ModulePage, on_delete=models.CASCADE, related_name="enrolments")
    registration = models.UUIDField(_("xAPI registration"), default=uuid.uuid4, unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=EnrolmentStatus.choices, default=EnrolmentStatus.ACTIVE
    )
    cohort = models.ForeignKey(
        "courses.Cohort",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="enrolments",
        verbose_name=_("cohort"),
    )
    created = models.DateTimeField(_("enrolled on"), auto_now_add=True)
    completed_at = models.DateTimeField(_("completed on"), null=True, blank=True)
    last_activity_at = models.DateTimeField(_("last activity"), null=True, blank=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(fields=["user", "module"], name="courses_enrolment_unique")
        ]
        indexes = [models.Index(fields=["module", "status"], name="courses_enrolment_module")]

    def __str__(self) -> str:
        return f"{self.user} → {self.module}"


class StepProgressStatus(models.TextChoices):
    """A step's state for one enrolment."""

    STARTED = "started", _("Started")
    COMPLETED = "completed", _("Completed")


class StepProgress(models.Model):
    """Derived from the LRS (never typed in): how far an enrolment got in one step.

    Kept up to date from the `statements_stored` hook and rebuildable from the LRS at any time,
    so it is a cache of what the statements say, small enough to read for a 300 x 30 grid.
    """

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="progress")
    step = models.ForeignKey(StepPage, on_delete=models.CASCADE, related_name="progress")
    status = models.CharField(
        max_length=10, choices=StepProgressStatus.choices, default=StepProgressStatus.STARTED
    )
    score = models.FloatField(null=True, blank=True)  # Scaled score of the best attempt.
    completed_at = models.DateTimeField(null=True, blank=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "step"], name="courses_progress_unique")
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id}:{self.step_id} {self.status}"


# --- Cohorts: a module run by trainers for a group of learners, with in-person sessions ------


class Cohort(models.Model):
    """A session of a module ("session de formation"): trainers, dates, learners, meetings.

    Learners join by hand or CSV import (a trainer), with the enrolment key, or by asking and
    waiting for a trainer's approval.
    """

    module = models.ForeignKey(
        ModulePage, on_delete=models.CASCADE, related_name="cohorts", verbose_name=_("module")
    )
    name = models.CharField(_("name"), max_length=200)
    academy = models.ForeignKey(
        Academy,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cohorts",
        verbose_name=_("académie"),
    )
    trainers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="trained_cohorts",
        verbose_name=_("trainers and tutors"),
        blank=True,
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Leave empty for no limit.")
    )
    is_open = models.BooleanField(
        _("open to requests"),
        default=True,
        help_text=_("Learners may ask to join (with the key, or for approval)."),
    )
    enrolment_key = models.CharField(
        _("enrolment key"),
        max_length=64,
        blank=True,
        help_text=_("Learners who give this key join at once. Leave empty for none."),
    )
    requires_approval = models.BooleanField(
        _("requests need approval"),
        default=True,
        help_text=_("Without the key, a learner's request waits for a trainer's approval."),
    )
    inactivity_days = models.PositiveSmallIntegerField(
        _("inactive after (days)"),
        default=14,
        help_text=_("Learners with no activity for this many days are highlighted."),
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="courses_cohort_dates_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.name


class CohortSession(models.Model):
    """An in-person (or virtual-class) meeting of a cohort, at its own date and place.

    It is attached to the module's step that announces it (a step whose completion rule is
    "present at the session"), so that attendance completes that step.
    """

    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("cohort")
    )
    step = models.ForeignKey(
        StepPage,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cohort_sessions",
        verbose_name=_("step"),
    )
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("date and time"))
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), default=180)
    place = models.CharField(_("place"), max_length=200, blank=True)
    address = models.TextField(_("address"), blank=True)
    virtual_class_url = models.URLField(_("virtual classroom address"), blank=True)

    class Meta:
        verbose_name = _("in-person session")
        verbose_name_plural = _("in-person sessions")
        ordering = ["starts_at"]

    def __str__(self) -> str:
        return f"{self.title} ({self.starts_at:%Y-%m-%d})"


class AttendanceStatus(models.TextChoices):
    """A learner's attendance at a session, as the trainer's sheet records it."""

    PRESENT = "present", _("Present")
    ABSENT = "absent", _("Absent")
    EXCUSED = "excused", _("Excused")


class Attendance(models.Model):
    """One line of a session's attendance sheet; "present" is an xAPI ``attended`` statement."""

    session = models.ForeignKey(CohortSession, on_delete=models.CASCADE, related_name="attendances")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attendances")
    status = models.CharField(_("attendance"), max_length=10, choices=AttendanceStatus.choices)
    # The ``attended`` statement recorded for "present", voided if the trainer corrects it.
    statement_id = models.UUIDField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "enrolment"], name="courses_attendance_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id}@{self.session_id}: {self.status}"


def private_storage():
    """Storage for files only their owner and trainers may read (see PRIVATE_MEDIA_ROOT)."""
    return storages["private"]


def submission_upload_to(instance: AssignmentSubmission, filename: str) -> str:
    """Files go under an unguessable folder per submission, keeping the learner's file name."""
    return f"assignments/{instance.enrolment_id}/{uuid.uuid4().hex}/{filename}"


class SubmissionStatus(models.TextChoices):
    """Where an assignment handed in stands."""

    SUBMITTED = "submitted", _("Awaiting review")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned for rework")


class AssignmentSubmission(models.Model):
    """A learner's work for one assignment block of a step, reviewed by a trainer.

    One row per (enrolment, step, block): handing in again after a return updates it.
    """

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="submissions")
    step = models.ForeignKey(StepPage, on_delete=models.CASCADE, related_name="submissions")
    block_id = models.CharField(max_length=64)
    text = models.TextField(_("answer"), blank=True)
    file = models.FileField(
        _("file"), upload_to=submission_upload_to, storage=private_storage, blank=True
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=SubmissionStatus.choices,
        default=SubmissionStatus.SUBMITTED,
    )
    feedback = models.TextField(_("feedback"), blank=True)
    submitted_at = models.DateTimeField(_("handed in on"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("assignment handed in")
        verbose_name_plural = _("assignments handed in")
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "step", "block_id"], name="courses_submission_unique"
            )
        ]
        indexes = [models.Index(fields=["step", "status"], name="courses_submission_status")]

    def __str__(self) -> str:
        return f"{self.enrolment_id}:{self.step_id}/{self.block_id} {self.status}"


class Announcement(models.Model):
    """A message from a trainer to a whole cohort, shown on its page and sent by email."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="announcements")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        ordering = ["-created"]

    def __str__(self) -> str:
        return self.subject


class Reminder(models.Model):
    """A reminder email a trainer sent an inactive learner (kept so nobody is nagged twice)."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="reminders")
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return f"{self.enrolment_id} {self.sent_at:%Y-%m-%d}"


# Training plans live in their own module; Django finds models through this one.
from courses.models_plans import (  # noqa: E402, F401
    PlanReminder,
    PlanStatus,
    PlanTarget,
    TargetKind,
    TrainingPlan,
)
