"""Reads of the courses app shared by views, template tags and dashboards.

A learner only ever reads their own enrolments: every selector taking a user filters on it, so
a view that gets an enrolment through :func:`enrolment_of_learner` answers 404 for anybody
else's. Query counts are fixed, whatever the number of modules and steps (see each docstring).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from courses.models import (
    Collection,
    Enrolment,
    EnrolmentStatus,
    ModulePage,
    Pace,
    StepPage,
    StepProgress,
    StepProgressStatus,
)

if TYPE_CHECKING:
    from campus.models import User

# Step columns a progress view needs (not the StreamField body, the bulk of a step's row).
_STEP_FIELDS = (
    "id",
    "title",
    "slug",
    "url_path",
    "path",
    "depth",
    "live",
    "required",
    "completion_rule",
    "estimated_minutes",
)


@dataclass
class StepState:
    """One step of a module, as far as one enrolment got in it."""

    step: StepPage
    status: str | None = None  # A StepProgressStatus value, None when never touched.
    score: float | None = None

    @property
    def completed(self) -> bool:
        """Whether the step is completed."""
        return self.status == StepProgressStatus.COMPLETED

    @property
    def started(self) -> bool:
        """Whether the step is started and not completed yet."""
        return self.status == StepProgressStatus.STARTED


@dataclass
class ModuleProgress:
    """An enrolment's progress in its module: its steps in order and where to resume."""

    enrolment: Enrolment
    steps: list[StepState] = field(default_factory=list)

    @property
    def required_total(self) -> int:
        """How many steps the module requires."""
        return sum(1 for s in self.steps if s.step.required)

    @property
    def required_done(self) -> int:
        """How many required steps are completed."""
        return sum(1 for s in self.steps if s.step.required and s.completed)

    @property
    def percent(self) -> int:
        """Completed required steps, in percent (rounded down: 100 only when all are done)."""
        if self.enrolment.status == EnrolmentStatus.COMPLETED:
            return 100
        if not self.required_total:
            return 0
        return 100 * self.required_done // self.required_total

    @property
    def next_step(self) -> StepPage | None:
        """Where "resume" leads: the first unfinished required step, else the first unfinished."""
        unfinished = [s for s in self.steps if not s.completed]
        for state in unfinished:
            if state.step.required:
                return state.step
        return unfinished[0].step if unfinished else None

    @property
    def first_step(self) -> StepPage | None:
        """The module's first step."""
        return self.steps[0].step if self.steps else None

    @property
    def resume_step(self) -> StepPage | None:
        """The next step, or the first one when everything is done (to review the module)."""
        return self.next_step or self.first_step


@dataclass
class LearnerModuleState:
    """What a module page shows a visitor: their enrolment and progress, or whether to enrol."""

    enrolment: Enrolment | None
    progress: ModuleProgress | None
    can_self_enrol: bool
    # On a step page: that step's state and its position (1-based) among the module's steps.
    current: StepState | None = None
    position: int | None = None

    @property
    def previous_step(self) -> StepPage | None:
        """On a step page, the published step before it (from the steps already read)."""
        if self.progress is None or not self.position or self.position == 1:
            return None
        return self.progress.steps[self.position - 2].step

    @property
    def following_step(self) -> StepPage | None:
        """On a step page, the published step after it (from the steps already read)."""
        if self.progress is None or not self.position or self.position == len(self.progress.steps):
            return None
        return self.progress.steps[self.position].step


def self_enrolment_open(module: ModulePage) -> bool:
    """Whether learners may enrol alone in ``module`` (self-training, self-paced, published)."""
    # Accompanied, certifying and scheduled modules are joined through a trainer's cohort.
    return (
        module.live
        and module.collection == Collection.SELF_TRAINING
        and module.pace == Pace.SELF_PACED
    )


def _module_steps(module_paths: set[str]) -> QuerySet[StepPage]:
    """Live steps of the modules at these tree paths, in tree order."""
    if not module_paths:
        return StepPage.objects.none()
    condition = Q()
    for path in module_paths:
        condition |= Q(path__startswith=path, depth=len(path) // StepPage.steplen + 1)
    return StepPage.objects.live().filter(condition).only(*_STEP_FIELDS).order_by("path")


def module_progress(enrolment: Enrolment) -> ModuleProgress:
    """The enrolment's progress in its module, step by step: one query.

    ``enrolment.module`` must be loaded (``select_related("module")``) or it costs one more.
    """
    progress = StepProgress.objects.filter(enrolment=enrolment, step=OuterRef("pk"))
    steps = _module_steps({enrolment.module.path}).annotate(
        progress_status=Subquery(progress.values("status")[:1]),
        progress_score=Subquery(progress.values("score")[:1]),
    )
    return ModuleProgress(
        enrolment=enrolment,
        steps=[StepState(s, s.progress_status, s.progress_score) for s in steps],
    )


def next_step(enrolment: Enrolment) -> StepPage | None:
    """The first unfinished step of the enrolment (required ones first): one query."""
    return module_progress(enrolment).next_step


def learner_modules(user: User) -> list[ModuleProgress]:
    """The user's enrolments (withdrawn ones left out) with their progress: three queries.

    Most recently active first. One query for the enrolments and their modules, one for the
    steps of all those modules, one for the user's progress rows, whatever their numbers.
    """
    enrolments = list(
        Enrolment.objects.filter(user=user)
        .exclude(status=EnrolmentStatus.WITHDRAWN)
        .select_related("module")
        .order_by(F("last_activity_at").desc(nulls_last=True), "-created")
    )
    if not enrolments:
        return []
    by_module: dict[str, ModuleProgress] = {}
    for enrolment in enrolments:
        enrolment.user = user
        by_module[enrolment.module.path] = ModuleProgress(enrolment=enrolment)
    states: dict[tuple[int, int], StepState] = {}
    for step in _module_steps(set(by_module)):
        module = by_module[step.path[: -StepPage.steplen]]
        state = StepState(step)
        module.steps.append(state)
        states[(module.enrolment.pk, step.pk)] = state
    rows = StepProgress.objects.filter(enrolment__in=enrolments).values_list(
        "enrolment_id", "step_id", "status", "score"
    )
    for enrolment_pk, step_pk, status, score in rows:
        state = states.get((enrolment_pk, step_pk))
        if state is not None:  # Progress on an unpublished step is kept, not shown.
            state.status, state.score = status, score
    return list(by_module.values())


def enrolment_of_learner(user: User, pk: int) -> Enrolment:
    """The user's own enrolment ``pk`` with its module; 404 for anybody else's: one query."""
    try:
        return Enrolment.objects.select_related("module", "user").get(pk=pk, user=user)
    except Enrolment.DoesNotExist:
        raise Http404("No such enrolment.") from None


def enrolment_in_module(user: User, module_path: str) -> Enrolment | None:
    """The user's enrolment in the module at this tree path (any status), or None: one query."""
    enrolment = (
        Enrolment.objects.select_related("module").filter(user=user, module__path=module_path)
    ).first()
    if enrolment is not None:
        enrolment.user = user
    return enrolment


def learner_module_state(user: User, page: ModulePage | StepPage) -> LearnerModuleState:
    """The visitor's state in the module of ``page`` (a module or one of its steps).

    At most two queries: the enrolment, then its progress. Anonymous visitors cost none.
    """
    module_path = page.path if isinstance(page, ModulePage) else page.path[: -page.steplen]
    enrolment = enrolment_in_module(user, module_path) if user.is_authenticated else None
    return _state(enrolment, page)


def _state(enrolment: Enrolment | None, page: ModulePage | StepPage) -> LearnerModuleState:
    following = enrolment is not None and enrolment.status in (
        EnrolmentStatus.ACTIVE,
        EnrolmentStatus.COMPLETED,
    )
    module = enrolment.module if enrolment else page if isinstance(page, ModulePage) else None
    progress = module_progress(enrolment) if following else None
    state = LearnerModuleState(
        enrolment=enrolment,
        progress=progress,
        can_self_enrol=not following
        and module is not None
        and self_enrolment_open(module)
        and not (enrolment and enrolment.status == EnrolmentStatus.PENDING),
    )
    if progress is not None and isinstance(page, StepPage):
        for position, step_state in enumerate(progress.steps, start=1):
            if step_state.step.pk == page.pk:
                state.current, state.position = step_state, position
    return state


def learner_module_state_for_enrolment(
    enrolment: Enrolment | None, page: ModulePage | StepPage
) -> LearnerModuleState:
    """As :func:`learner_module_state`, from an enrolment already read (one query at most)."""
    return _state(enrolment, page)
