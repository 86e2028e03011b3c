"""Writes of the courses app: enrolments and the xAPI statements a learner's work produces.

Every statement goes through :mod:`lrs.api` (in process, validated like a POST) with the
enrolment's ``registration`` in its context and the module among its ``contextActivities``
parents, so that the LRS alone can answer "what did this learner do in this module" — and so
that :mod:`courses.progress`, which listens to the LRS, derives progress from them exactly as
it does from statements that external content (H5P, cmi5) posts over HTTP.

One service per transition of :class:`~courses.models.EnrolmentStatus`, each with a named
guard: ``enrolment_create`` (→ active), ``enrolment_withdraw`` (→ withdrawn) and
``enrolment_complete`` (→ completed, called by the progress engine).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING

import tincan
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courses import recognition
from courses.models import Enrolment, EnrolmentStatus, ModulePage, StepPage
from courses.selectors import self_enrolment_open
from lrs import api

if TYPE_CHECKING:
    from django.http import HttpRequest

    from campus.models import User

# --- Vocabulary ------------------------------------------------------------------------------
# lrs.api holds the verbs Campus shares; these two are the enrolment's own.
# ADL vocabulary: "Indicates the actor is officially enrolled or inducted in an activity."
REGISTERED = tincan.Verb(
    id="http://adlnet.gov/expapi/verbs/registered",
    display=tincan.LanguageMap({"en-US": "registered", "fr-FR": "s'est inscrit à"}),
)
# Neither ADL nor the video profile has "withdraw"; Activity Streams 1.0 "leave" ("the actor
# has left the object") is the registry's verb for leaving a group or a course.
LEFT = tincan.Verb(
    id="http://activitystrea.ms/schema/1.0/leave",
    display=tincan.LanguageMap({"en-US": "left", "fr-FR": "s'est désinscrit de"}),
)
# ADL's "lesson": learning content that may take the form of a web page — what a step is.
ACTIVITY_STEP = "http://adlnet.gov/expapi/activities/lesson"

# xAPI Video Profile 1.0 (https://w3id.org/xapi/video), §2 Statement data model: the verbs a
# player reports and the extensions each carries.
VIDEO_VERBS: dict[str, tincan.Verb] = {
    "played": api.PLAYED,
    "paused": api.PAUSED,
    "seeked": api.SEEKED,
    "completed": api.COMPLETED,
}
VIDEO_TIME = "https://w3id.org/xapi/video/extensions/time"
VIDEO_TIME_FROM = "https://w3id.org/xapi/video/extensions/time-from"
VIDEO_TIME_TO = "https://w3id.org/xapi/video/extensions/time-to"
VIDEO_PROGRESS = "https://w3id.org/xapi/video/extensions/progress"
VIDEO_PLAYED_SEGMENTS = "https://w3id.org/xapi/video/extensions/played-segments"
VIDEO_LENGTH = "https://w3id.org/xapi/video/extensions/length"
VIDEO_SESSION_ID = "https://w3id.org/xapi/video/extensions/session-id"

# Enrolments in these states are following the module: their work is recorded.
FOLLOWING = (EnrolmentStatus.ACTIVE, EnrolmentStatus.COMPLETED)


class EnrolmentError(Exception):
    """A transition the guards refuse; the message is shown to the learner as is."""


class VideoNotFound(Exception):
    """The step has no uploaded video with that block id; the message says so."""


# --- Statement builders ----------------------------------------------------------------------


def learner_agent(user: User) -> tincan.Agent:
    """The xAPI Agent of a Campus user: their e-mail address (mbox) and full name."""
    return api.agent_for(user.email, user.get_full_name() or None)


def module_activity(module: ModulePage) -> tincan.Activity:
    """The module as an xAPI Activity, named after its title."""
    return api.activity_for(
        module.activity_iri, name=module.title, activity_type=api.ACTIVITY_MODULE
    )


def step_activity(step: StepPage) -> tincan.Activity:
    """The step as an xAPI Activity, named after its title."""
    return api.activity_for(step.activity_iri, name=step.title, activity_type=ACTIVITY_STEP)


def video_iri(step: StepPage, video_id: str) -> str:
    """The activity IRI of one video of a step (``video_id``: the StreamField block id)."""
    return f"{step.activity_iri}/video/{video_id}"


def video_block(step: StepPage, block_id: str):
    """The value of the video block with this id in the step's body, if its file is uploaded.

    Raises :class:`VideoNotFound` for an unknown id, a block of another type, or a video
    embedded from another site: Campus only tracks the player it serves itself (see
    static/courses/video.js), so no event is recorded for a third-party iframe.
    """
    for child in step.body:
        if child.id == block_id and child.block_type == "video" and child.value.get("file"):
            return child.value
    raise VideoNotFound(_("This step has no uploaded video with this id."))


def _statement(
    *,
    enrolment: Enrolment,
    verb: tincan.Verb,
    target: tincan.Activity,
    parents: Sequence[tincan.Activity] = (),
    result: tincan.Result | None = None,
    context_extensions: dict | None = None,
    timestamp: dt.datetime | None = None,
) -> tincan.Statement:
    """A statement of the enrolment's learner, with its registration and the module as parent.

    A statement about the module itself (registered, launched, completed) gets no parent: xAPI
    1.0.3 §2.4.6.2 defines the parent as the activity containing the object, and a
    ``related_activities`` query on the module finds them as its object anyway.
    """
    module = module_activity(enrolment.module)
    lineage = [*parents, module] if target.id != module.id else list(parents)
    context = api.context_for(registration=enrolment.registration, parent=lineage or None)
    if context_extensions:
        context.extensions = tincan.Extensions(context_extensions)
    return api.statement_for(
        actor=learner_agent(enrolment.user),
        verb=verb,
        target=target,
        result=result,
        context=context,
        timestamp=timestamp,
    )


# Inactivity is counted in days: a learner clicking through steps need not rewrite their
# enrolment row on every page, so ``last_activity_at`` moves at most this often.
TOUCH_INTERVAL = dt.timedelta(minutes=1)


def _touch(enrolment: Enrolment, now: dt.datetime) -> None:
    """Set ``last_activity_at`` with one UPDATE (no read, no other column rewritten).

    Skipped when the value read with the enrolment is less than TOUCH_INTERVAL old.
    """
    last = enrolment.last_activity_at
    if last is not None and last <= now < last + TOUCH_INTERVAL:
        return
    Enrolment.objects.filter(pk=enrolment.pk).update(last_activity_at=now)
    enrolment.last_activity_at = now


# --- Guards ----------------------------------------------------------------------------------


def _can_self_enrol(user: User, module: ModulePage) -> str | None:
    """Why ``user`` may not enrol alone in ``module``, or None when they may."""
    if not user.is_authenticated or not user.is_active:
        return _("Log in to enrol in a module.")
    if not module.live:
        return _("This module is not open.")
    # Self-enrolment is for self-training taken at one's own pace; accompanied, certifying and
    # scheduled modules are joined through a cohort session that trainers fill (next slice).
    if not self_enrolment_open(module):
        return _("This module is followed in a cohort session: ask its trainers to enrol you.")
    return None


def _can_withdraw(enrolment: Enrolment) -> str | None:
    """Why ``enrolment`` may not be withdrawn, or None when it may."""
    if enrolment.status == EnrolmentStatus.COMPLETED:
        return _("You have completed this module: there is nothing to withdraw from.")
    if enrolment.status == EnrolmentStatus.WITHDRAWN:
        return _("You have already withdrawn from this module.")
    return None


def _is_own(actor: User, enrolment: Enrolment) -> None:
    """Refuse to act on somebody else's enrolment (views check it first with a selector)."""
    if enrolment.user_id != actor.pk:
        raise EnrolmentError(_("This enrolment is not yours."))


# --- Enrolment transitions -------------------------------------------------------------------


def record_registered(enrolment: Enrolment) -> str:
    """Record ``registered`` on the module of an enrolment that just became active.

    Shared with the cohort services (joining, approval, import), so that every way into a
    module leaves the same statement. ``enrolment.user`` and ``.module`` must be loaded.
    """
    return api.record(
        _statement(enrolment=enrolment, verb=REGISTERED, target=module_activity(enrolment.module))
    )


@transaction.atomic
def enrolment_create(*, actor: User, module: ModulePage) -> Enrolment:
    """Self-enrol ``actor`` in a self-training, self-paced module and record ``registered``.

    Idempotent: an active or completed enrolment is returned as it is, recording nothing. A
    withdrawn one is reactivated with its registration (and so its progress) kept. Raises
    :class:`EnrolmentError` when the module is not open to self-enrolment or when the
    enrolment awaits a trainer's approval.
    """
    refusal = _can_self_enrol(actor, module)
    if refusal:
        raise EnrolmentError(refusal)
    # The lock (on the row if it exists) serialises two clicks on "enrol": one creates the
    # row, the other waits, then finds it. A concurrent INSERT of a missing row still races
    # on the unique constraint: get_or_create retries the read then.
    enrolment, created = Enrolment.objects.select_for_update().get_or_create(
        user=actor, module=module, defaults={"status": EnrolmentStatus.ACTIVE}
    )
    if not created:
        if enrolment.status in FOLLOWING:
            return enrolment
        if enrolment.status == EnrolmentStatus.PENDING:
            raise EnrolmentError(_("Your enrolment is awaiting a trainer's approval."))
        enrolment.status = EnrolmentStatus.ACTIVE
        enrolment.save(update_fields=["status"])
    enrolment.module = module
    enrolment.user = actor
    record_registered(enrolment)
    return enrolment


@transaction.atomic
def enrolment_withdraw(*, actor: User, enrolment: Enrolment) -> Enrolment:
    """Withdraw the actor's own enrolment and record ``left`` on the module.

    The registration and the progress stay: enrolling again picks up where the learner left.
    Raises :class:`EnrolmentError` for a completed or already withdrawn enrolment.
    """
    _is_own(actor, enrolment)
    enrolment = (
        Enrolment.objects.select_for_update().select_related("module", "user").get(pk=enrolment.pk)
    )
    refusal = _can_withdraw(enrolment)
    if refusal:
        raise EnrolmentError(refusal)
    enrolment.status = EnrolmentStatus.WITHDRAWN
    enrolment.save(update_fields=["status"])
    api.record(_statement(enrolment=enrolment, verb=LEFT, target=module_activity(enrolment.module)))
    return enrolment


@transaction.atomic
def enrolment_complete(
    *, actor: User, enrolment: Enrolment, completed_at: dt.datetime | None = None
) -> bool:
    """Mark an active enrolment completed and record ``completed`` on the module, once.

    Called by the progress engine when the last required step is done: ``actor`` is then the
    learner, whose work completed it; ``enrolment`` comes with its user and module loaded.
    ``completed_at`` defaults to now. The completion lands in the learner's record (a
    « module completed » entry) in the same transaction. Returns whether this call completed
    it.
    """
    _is_own(actor, enrolment)
    completed_at = completed_at or timezone.now()
    # One conditional UPDATE is the guard and the transition: of two concurrent calls, the
    # second re-reads the row after the first commits, no longer matches, and records nothing,
    # so the module's `completed` statement is recorded exactly once.
    if not Enrolment.objects.filter(pk=enrolment.pk, status=EnrolmentStatus.ACTIVE).update(
        status=EnrolmentStatus.COMPLETED, completed_at=completed_at
    ):
        return False
    enrolment.status = EnrolmentStatus.COMPLETED
    enrolment.completed_at = completed_at
    statement_id = api.record(
        _statement(
            enrolment=enrolment,
            verb=api.COMPLETED,
            target=module_activity(enrolment.module),
            result=api.result_for(completion=True),
            timestamp=completed_at,
        )
    )
    # The record entry commits with the completion (see courses.recognition).
    recognition.module_completed(enrolment=enrolment, statement_ids=[statement_id])
    return True


# --- Learner activity ------------------------------------------------------------------------


def _following(actor: User, enrolment: Enrolment, step: StepPage | None = None) -> None:
    """Refuse to record work for somebody else's, or a pending or withdrawn, enrolment.

    With a ``step``, also refuse a step of another module (compared by tree path: no query).
    """
    _is_own(actor, enrolment)
    if enrolment.status not in FOLLOWING:
        raise EnrolmentError(_("You are not following this module."))
    if step is not None and step.path[: -step.steplen] != enrolment.module.path:
        raise EnrolmentError(_("This step belongs to another module."))


@transaction.atomic
def module_launch(*, actor: User, enrolment: Enrolment) -> str:
    """Record ``launched`` on the module (a new visit to it); return the statement id."""
    _following(actor, enrolment)
    now = timezone.now()
    statement_id = api.record(
        _statement(
            enrolment=enrolment,
            verb=api.LAUNCHED,
            target=module_activity(enrolment.module),
            timestamp=now,
        )
    )
    _touch(enrolment, now)
    return statement_id


@transaction.atomic
def step_view(*, actor: User, enrolment: Enrolment, step: StepPage) -> str:
    """Record ``experienced`` on a step of the enrolment's module; return the statement id.

    The progress engine completes a step whose rule is "viewed" from this statement, once it
    is stored (after commit).
    """
    _following(actor, enrolment, step)
    now = timezone.now()
    statement_id = api.record(
        _statement(
            enrolment=enrolment, verb=api.EXPERIENCED, target=step_activity(step), timestamp=now
        )
    )
    _touch(enrolment, now)
    return statement_id


def _seconds(value: float) -> float:
    """A media time in seconds, as the video profile writes it (3 decimals at most)."""
    if value < 0:
        raise ValueError(f"media time {value} must not be negative")
    return round(float(value), 3)


def _played_segments(segments: Sequence[tuple[float, float]]) -> str:
    """Segments in the video profile's notation: ``start[.]end`` joined by ``[,]``."""
    return "[,]".join(f"{_seconds(start)}[.]{_seconds(end)}" for start, end in segments)


@transaction.atomic
def video_event(
    *,
    actor: User,
    enrolment: Enrolment,
    step: StepPage,
    video_id: str,
    event: str,
    time: float | None = None,
    time_from: float | None = None,
    time_to: float | None = None,
    progress: float | None = None,
    played_segments: Sequence[tuple[float, float]] = (),
    length: float | None = None,
    session_id: uuid.UUID | str | None = None,
) -> str:
    """Record a video event of the xAPI Video Profile on a video of a step; return its id.

    ``event`` is ``played`` or ``paused`` (at ``time``), ``seeked`` (``time_from`` →
    ``time_to``) or ``completed``. ``progress`` is the share of the video watched, in [0, 1];
    ``played_segments`` the (start, end) ranges watched, in seconds. ``length`` and
    ``session_id`` go into the context extensions. The object is the video; its parents are the
    step and the module.
    """
    _following(actor, enrolment, step)
    if event not in VIDEO_VERBS:
        raise ValueError(f"unknown video event {event!r}; expected one of {sorted(VIDEO_VERBS)}")
    extensions: dict[str, float | str] = {}
    if event == "seeked":
        if time_from is None or time_to is None:
            raise ValueError("a seeked event needs time_from and time_to")
        extensions[VIDEO_TIME_FROM] = _seconds(time_from)
        extensions[VIDEO_TIME_TO] = _seconds(time_to)
    else:
        if time is None:
            raise ValueError(f"a {event} event needs the media time")
        extensions[VIDEO_TIME] = _seconds(time)
    if event in ("paused", "completed"):
        if progress is not None:
            if not 0 <= progress <= 1:
                raise ValueError(f"progress {progress} must lie in [0, 1]")
            extensions[VIDEO_PROGRESS] = round(float(progress), 3)
        if played_segments:
            extensions[VIDEO_PLAYED_SEGMENTS] = _played_segments(played_segments)
    result = tincan.Result(extensions=tincan.Extensions(extensions))
    if event == "completed":
        result.completion = True
    context_extensions: dict[str, float | str] = {}
    if length is not None:
        context_extensions[VIDEO_LENGTH] = _seconds(length)
    if session_id is not None:
        context_extensions[VIDEO_SESSION_ID] = str(uuid.UUID(str(session_id)))
    now = timezone.now()
    statement_id = api.record(
        _statement(
            enrolment=enrolment,
            verb=VIDEO_VERBS[event],
            target=api.activity_for(video_iri(step, video_id), activity_type=api.ACTIVITY_VIDEO),
            parents=[step_activity(step)],
            result=result,
            context_extensions=context_extensions,
            timestamp=now,
        )
    )
    _touch(enrolment, now)
    return statement_id


# --- The hook StepPage.serve calls -----------------------------------------------------------


def step_page_served(request: HttpRequest, step: StepPage) -> Enrolment | None:
    """Record a logged-in learner's visit to a step; return their enrolment (or None).

    Called by ``StepPage.serve``: records ``launched`` on the module at the learner's first
    visit to it, then ``experienced`` on the step. Nothing is recorded for a visitor who does
    not follow the module, nor in the CMS's preview. The enrolment is kept on the request
    (``request.courses_enrolment``) so that the page's progress partial reads it for free.
    """
    request.courses_enrolment = None
    user = request.user
    if getattr(request, "is_preview", False) or not user.is_authenticated:
        return None
    # The step's module is its parent page: matched by tree path, so no query for the parent.
    module_path = step.path[: -step.steplen]
    enrolment = (
        Enrolment.objects.select_related("module")
        .filter(user=user, module__path=module_path, status__in=FOLLOWING)
        .first()
    )
    if enrolment is None:
        return None
    enrolment.user = user
    if enrolment.last_activity_at is None:
        module_launch(actor=user, enrolment=enrolment)
    step_view(actor=user, enrolment=enrolment, step=step)
    request.courses_enrolment = enrolment
    return enrolment
