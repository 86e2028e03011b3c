"""The progress engine: StepProgress and module completion, derived from the LRS's statements.

It listens to :data:`lrs.signals.statements_stored` rather than to Campus's own services, so a
statement counts whoever sent it: a Campus page through :mod:`lrs.api`, or external content (an
H5P or cmi5 activity) POSTing to ``/xapi/statements`` with the enrolment's registration. A
statement matters when its ``context.registration`` is an enrolment's and its object is a step
of that enrolment's module (``…/xapi/activities/step/<pk>``, see
:func:`courses.models.activity_iri`). Any such statement makes the step at least *started*;
the step's completion rule says which ones complete it:

=====================  ===============================================================
rule                   completing statement (verb IRI)
=====================  ===============================================================
viewed                 ``http://adlnet.gov/expapi/verbs/experienced`` or ``…/completed``
quiz_passed            ``http://adlnet.gov/expapi/verbs/passed`` (``failed``: started)
attended               ``http://adlnet.gov/expapi/verbs/attended``
assignment_accepted    ``http://id.tincanapi.com/verb/reviewed`` with ``result.success``
                       true — a trainer's review (``false``: returned for rework). The
                       xAPI registry's "reviewed" is already Campus's review verb
                       (``lrs.api.REVIEWED``), so acceptance and return are one verb with
                       a success flag rather than two verbs.
=====================  ===============================================================

The best ``result.score.scaled`` of the step's statements is kept (a quiz's best attempt).

Folding statements is commutative (status: completed wins; score: the best; completed_at: the
earliest completing statement's timestamp), so the incremental receiver and
:func:`progress_rebuild` (the ``rebuild_progress`` command) produce the same table whatever
order statements arrive in. A completed step is never un-completed by a later statement; a
voided statement is undone by rebuilding the progress of the enrolments it concerned.

When the last required step of an active enrolment completes, the engine calls
:func:`courses.services.enrolment_complete`, which records ``completed`` on the module once.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from courses.models import (
    CompletionRule,
    Enrolment,
    EnrolmentStatus,
    StepPage,
    StepProgress,
    StepProgressStatus,
)
from courses.services import enrolment_complete
from lrs import api
from lrs.models import Statement
from lrs.xapi.common import parse_timestamp
from lrs.xapi.verbs import VOIDED_VERB_ID

logger = logging.getLogger(__name__)

EXPERIENCED = api.EXPERIENCED.id
COMPLETED = api.COMPLETED.id
PASSED = api.PASSED.id
ATTENDED = api.ATTENDED.id
REVIEWED = api.REVIEWED.id

# Statements about a learner's work made by somebody else: they do not make the learner active.
_NOT_THE_LEARNERS = {REVIEWED}
# Enrolments read per query when rebuilding (each brings its statements into memory at once).
_REBUILD_CHUNK = 200


@dataclass(frozen=True)
class _Enrolment:
    pk: int
    status: str
    module_path: str


@dataclass(frozen=True)
class _Step:
    pk: int
    module_path: str
    rule: str
    required: bool
    live: bool


@dataclass(frozen=True)
class Outcome:
    """What statements say of one step for one enrolment (a StepProgress row to be)."""

    completed: bool
    score: float | None
    completed_at: dt.datetime | None

    def merge(self, other: Outcome) -> Outcome:
        """Both outcomes together: completed if either is, the best score, the earliest end."""
        scores = [s for s in (self.score, other.score) if s is not None]
        ends = [t for t in (self.completed_at, other.completed_at) if t is not None]
        return Outcome(
            completed=self.completed or other.completed,
            score=max(scores) if scores else None,
            completed_at=min(ends) if ends else None,
        )


def _step_iri_prefix() -> str:
    return f"{settings.SITE_URL}/xapi/activities/step/"


def step_pk_from_iri(iri: str) -> int | None:
    """The pk of the step whose activity IRI this is, or None for any other IRI."""
    prefix = _step_iri_prefix()
    if not iri.startswith(prefix):
        return None
    tail = iri[len(prefix) :]
    return int(tail) if tail.isdigit() else None


def _registration(statement: Mapping[str, Any]) -> uuid.UUID | None:
    value = statement.get("context", {}).get("registration")
    return uuid.UUID(value) if value else None


def _object_step_pk(statement: Mapping[str, Any]) -> int | None:
    target = statement["object"]
    if target.get("objectType", "Activity") != "Activity":
        return None
    return step_pk_from_iri(target["id"])


def completes(statement: Mapping[str, Any], rule: str) -> bool:
    """Whether ``statement`` (about a step) completes a step with this completion rule."""
    verb = statement["verb"]["id"]
    if rule == CompletionRule.VIEWED:
        return verb in (EXPERIENCED, COMPLETED)
    if rule == CompletionRule.QUIZ_PASSED:
        return verb == PASSED
    if rule == CompletionRule.ATTENDED:
        return verb == ATTENDED
    if rule == CompletionRule.ASSIGNMENT_ACCEPTED:
        return verb == REVIEWED and statement.get("result", {}).get("success") is True
    return False


def outcome_of(statement: Mapping[str, Any], rule: str) -> Outcome:
    """The outcome one statement about a step gives it under ``rule``."""
    done = completes(statement, rule)
    score = statement.get("result", {}).get("score", {}).get("scaled")
    return Outcome(
        completed=done,
        score=float(score) if score is not None else None,
        completed_at=parse_timestamp(statement["timestamp"], "timestamp") if done else None,
    )


class _Folder:
    """Folds statements into outcomes per (enrolment pk, step pk)."""

    def __init__(self, enrolments: Mapping[uuid.UUID, _Enrolment], steps: Mapping[int, _Step]):
        self.enrolments = enrolments
        self.steps = steps
        self.outcomes: dict[tuple[int, int], Outcome] = {}

    def add(self, statement: Mapping[str, Any]) -> None:
        registration = _registration(statement)
        enrolment = self.enrolments.get(registration) if registration else None
        step = self.steps.get(_object_step_pk(statement) or 0)
        # A step of another module with this registration is not this enrolment's work.
        if enrolment is None or step is None or step.module_path != enrolment.module_path:
            return
        key = (enrolment.pk, step.pk)
        outcome = outcome_of(statement, step.rule)
        previous = self.outcomes.get(key)
        self.outcomes[key] = previous.merge(outcome) if previous else outcome


def _steps(pks: Iterable[int] = (), module_paths: Iterable[str] = ()) -> dict[int, _Step]:
    """Steps by pk (given by pk, or all steps of the modules at these tree paths): one query."""
    condition = Q(pk__in=list(pks))
    for path in set(module_paths):
        condition |= Q(path__startswith=path, depth=len(path) // StepPage.steplen + 1)
    rows = StepPage.objects.filter(condition).values_list(
        "pk", "path", "completion_rule", "required", "live"
    )
    return {
        pk: _Step(
            pk=pk, module_path=path[: -StepPage.steplen], rule=rule, required=required, live=live
        )
        for pk, path, rule, required, live in rows
    }


def _locked_enrolments(queryset: QuerySet[Enrolment]) -> dict[uuid.UUID, _Enrolment]:
    """Enrolments by registration, their rows locked until the transaction ends: one query."""
    # The lock serialises progress updates of one enrolment (two batches of the same learner
    # stored at once), so that read-merge-write never loses an update, and module completion
    # is decided by one of them only. Only the enrolment rows are locked, not the pages.
    rows = queryset.select_for_update(of=("self",)).values_list(
        "pk", "registration", "status", "module__path"
    )
    return {
        registration: _Enrolment(pk=pk, status=status, module_path=module_path)
        for pk, registration, status, module_path in rows
    }


def _row(enrolment_pk: int, step_pk: int, outcome: Outcome) -> StepProgress:
    return StepProgress(
        enrolment_id=enrolment_pk,
        step_id=step_pk,
        status=StepProgressStatus.COMPLETED if outcome.completed else StepProgressStatus.STARTED,
        score=outcome.score,
        completed_at=outcome.completed_at,
    )


def _upsert(rows: list[StepProgress]) -> None:
    """Insert or update StepProgress rows in one statement (per 500 rows)."""
    StepProgress.objects.bulk_create(
        rows,
        batch_size=500,
        update_conflicts=True,
        unique_fields=["enrolment", "step"],
        update_fields=["status", "score", "completed_at", "updated"],
    )


def _complete_finished(enrolment_pks: set[int], module_paths: set[str]) -> list[int]:
    """Complete the active enrolments among these whose required steps are all completed.

    Three queries to decide (the modules' steps, the enrolments with their user and module,
    their completed progress rows), then :func:`courses.services.enrolment_complete` for each
    enrolment that is done, with the timestamp of the statement that completed its last
    required step.
    """
    if not enrolment_pks:
        return []
    # Unpublished steps are not asked of learners.
    required: dict[str, set[int]] = {path: set() for path in module_paths}
    for step in _steps(module_paths=module_paths).values():
        if step.required and step.live and step.module_path in required:
            required[step.module_path].add(step.pk)
    enrolments = Enrolment.objects.select_related("user", "module").filter(
        pk__in=enrolment_pks, status=EnrolmentStatus.ACTIVE
    )
    done: dict[int, dict[int, dt.datetime | None]] = {}
    for enrolment_pk, step_pk, completed_at in StepProgress.objects.filter(
        enrolment_id__in=enrolment_pks, status=StepProgressStatus.COMPLETED
    ).values_list("enrolment_id", "step_id", "completed_at"):
        done.setdefault(enrolment_pk, {})[step_pk] = completed_at
    completed = []
    for enrolment in enrolments:
        needed = required.get(enrolment.module.path, set())
        finished = done.get(enrolment.pk, {})
        if not needed <= finished.keys() or not finished:
            continue
        ends = [finished[pk] for pk in needed if finished[pk]] or [
            t for t in finished.values() if t
        ]
        if enrolment_complete(
            actor=enrolment.user,
            enrolment=enrolment,
            completed_at=max(ends) if ends else timezone.now(),
        ):
            completed.append(enrolment.pk)
    return completed


# --- Incremental: the statements_stored receiver ---------------------------------------------


def _voided_registrations(statements: list[Mapping[str, Any]]) -> set[uuid.UUID]:
    """Registrations of the statements this batch voids (one query, only when it voids)."""
    targets = [
        s["object"]["id"]
        for s in statements
        if s["verb"]["id"] == VOIDED_VERB_ID and s["object"].get("objectType") == "StatementRef"
    ]
    if not targets:
        return set()
    return set(
        Statement.objects.filter(statement_id__in=targets, registration__isnull=False)
        .values_list("registration", flat=True)
        .distinct()
    )


def progress_apply(statements: list[Mapping[str, Any]]) -> None:
    """Update StepProgress (and complete modules) from a batch of stored statements.

    A fixed number of queries per batch, whatever its size: nothing for statements without a
    registration; else one to find and lock the enrolments, one for the steps, one for the
    existing progress rows, one upsert — then, only when a step completed, the completion
    check (see :func:`_complete_finished`).
    """
    voided = _voided_registrations(statements)
    registrations = {r for r in map(_registration, statements) if r} | voided
    if not registrations:
        return
    step_pks = {pk for pk in map(_object_step_pk, statements) if pk}
    if not step_pks and not voided and not _external(statements):
        return  # E.g. Campus's own `launched` or `completed` on a module: nothing to derive.
    with transaction.atomic():
        enrolments = _locked_enrolments(Enrolment.objects.filter(registration__in=registrations))
        if not enrolments:
            return
        _touch_external(statements, enrolments)
        if voided:
            # A voided statement may have been the one that completed a step: recompute those
            # enrolments from the statements that still count.
            progress_rebuild(
                enrolments=Enrolment.objects.filter(registration__in=voided & enrolments.keys())
            )
        if not step_pks:
            return
        folder = _Folder(enrolments, _steps(pks=step_pks))
        for statement in statements:
            folder.add(statement)
        if not folder.outcomes:
            return
        existing = {
            (row.enrolment_id, row.step_id): row
            for row in StepProgress.objects.filter(
                enrolment_id__in={e for e, _s in folder.outcomes},
                step_id__in={s for _e, s in folder.outcomes},
            )
        }
        rows, newly_completed = [], set()
        for (enrolment_pk, step_pk), outcome in folder.outcomes.items():
            row = existing.get((enrolment_pk, step_pk))
            before = (
                Outcome(
                    completed=row.status == StepProgressStatus.COMPLETED,
                    score=row.score,
                    completed_at=row.completed_at,
                )
                if row
                else None
            )
            merged = before.merge(outcome) if before else outcome
            if merged == before:
                continue  # A second view of a viewed step: nothing to write.
            rows.append(_row(enrolment_pk, step_pk, merged))
            if merged.completed and not (before and before.completed):
                newly_completed.add(enrolment_pk)
        if rows:
            _upsert(rows)
        active = {
            e.pk: e.module_path
            for e in enrolments.values()
            if e.pk in newly_completed and e.status == EnrolmentStatus.ACTIVE
        }
        if active:
            _complete_finished(set(active), set(active.values()))


def _external(statements: list[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The statements of a learner's work reported by external content, not by Campus."""
    platform = api.platform_authority()
    return [
        s
        for s in statements
        if s.get("authority") != platform and s["verb"]["id"] not in _NOT_THE_LEARNERS
    ]


def _touch_external(
    statements: list[Mapping[str, Any]], enrolments: Mapping[uuid.UUID, _Enrolment]
) -> None:
    """Set ``last_activity_at`` of enrolments that external content reported work for.

    Campus's own services set it themselves as they record (their statements carry the
    platform's authority); statements by others about the learner (a trainer's review) do not
    make the learner active.
    """
    pks = {enrolments[r].pk for s in _external(statements) if (r := _registration(s)) in enrolments}
    if pks:
        Enrolment.objects.filter(pk__in=pks).update(last_activity_at=timezone.now())


def on_statements_stored(sender, *, statements: list[dict[str, Any]], **kwargs) -> None:
    """Receiver of :data:`lrs.signals.statements_stored` (connected in ``CoursesConfig``)."""
    # The LRS sends the signal robustly and logs a failing receiver: a bug here never fails
    # the client that posted the statements, and `rebuild_progress` repairs the table.
    progress_apply(statements)


# --- Rebuild ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RebuildReport:
    """What a rebuild did."""

    enrolments: int
    rows: int
    completed: int


def progress_rebuild(*, enrolments: QuerySet[Enrolment]) -> RebuildReport:
    """Recompute the StepProgress of these enrolments from the LRS, and complete finished ones.

    In one transaction with the enrolments locked: their rows are deleted and rebuilt from
    their non-voided statements (read through ``lrs.models``, never written), enrolments at a
    time so memory stays bounded. Idempotent. A completed enrolment stays completed (an
    achievement is not taken back when a step is added later); an active one whose required
    steps are all done is completed (recording the module's ``completed`` statement if it was
    never recorded).
    """
    rows_written = 0
    with transaction.atomic():
        locked = _locked_enrolments(enrolments)
        by_pk = {e.pk: e for e in locked.values()}
        StepProgress.objects.filter(enrolment_id__in=list(by_pk)).delete()
        items = list(locked.items())
        finished: set[int] = set()
        for start in range(0, len(items), _REBUILD_CHUNK):
            chunk = dict(items[start : start + _REBUILD_CHUNK])
            folder = _Folder(chunk, _steps(module_paths={e.module_path for e in chunk.values()}))
            payloads = (
                Statement.objects.filter(registration__in=list(chunk), voided=False)
                .order_by("stored", "seq")
                .values_list("payload", flat=True)
                .iterator(chunk_size=2000)
            )
            for payload in payloads:
                folder.add(payload)
            rows = [_row(e, s, outcome) for (e, s), outcome in folder.outcomes.items()]
            _upsert(rows)
            rows_written += len(rows)
            finished |= {e for (e, _s), outcome in folder.outcomes.items() if outcome.completed}
        active = {
            pk: by_pk[pk].module_path
            for pk in finished
            if by_pk[pk].status == EnrolmentStatus.ACTIVE
        }
        completed = _complete_finished(set(active), set(active.values())) if active else []
    return RebuildReport(enrolments=len(by_pk), rows=rows_written, completed=len(completed))
