"""Template tags of assessment: the assignment block's state, a step's cohort session, and the
learner's upcoming sessions."""

from __future__ import annotations

import posixpath

from django import template
from django.urls import reverse

from courses import selectors_assessment as selectors
from courses.forms_assessment import AssignmentSubmissionForm
from courses.models import SubmissionStatus

register = template.Library()


def _enrolment(request, page):
    """The visitor's enrolment following the page's module (reused from StepPage.serve)."""
    enrolment = getattr(request, "courses_enrolment", False)
    if enrolment is not False:
        return enrolment
    return selectors.following_enrolment(request.user, page)


@register.simple_tag(takes_context=True)
def assignment_state(context, block, block_id):
    """What an assignment block shows the visitor: their submission, and the form if allowed.

    ``{% assignment_state value block_id as assignment %}``: ``enrolled``, ``submission``,
    ``can_submit``, ``form`` (bound with the errors of a refused POST), ``action``. One query
    for the submission on a step page (the enrolment comes from ``StepPage.serve``).
    """
    request = context.get("request")
    page = context.get("page")
    state = {"enrolled": False, "submission": None, "can_submit": False, "form": None}
    if request is None or page is None or not block_id or not hasattr(page, "body"):
        return state
    state["action"] = reverse(
        "courses:assignment_submit", kwargs={"step_id": page.pk, "block_id": block_id}
    )
    if not request.user.is_authenticated:
        return state
    enrolment = _enrolment(request, page)
    if enrolment is None:
        return state
    submission = selectors.learner_submission(enrolment, page, block_id)
    can_submit = submission is None or submission.status != SubmissionStatus.ACCEPTED
    form = None
    if can_submit:
        if context.get("assignment_block_id") == block_id:
            form = context.get("assignment_form")
        if form is None:
            form = AssignmentSubmissionForm(
                block=block,
                block_id=block_id,
                submission=submission,
                initial={"text": submission.text} if submission else None,
            )
    state.update(enrolled=True, submission=submission, can_submit=can_submit, form=form)
    return state


@register.simple_tag(takes_context=True)
def cohort_session(context):
    """The session of the visitor's cohort that the current step announces, or None."""
    request = context.get("request")
    page = context.get("page")
    if request is None or page is None or not hasattr(page, "body"):
        return None
    return selectors.cohort_session_for_step(request.user, page)


@register.simple_tag(takes_context=True)
def upcoming_sessions(context, modules=None):
    """The sessions of the visitor's cohorts ahead of them, soonest first.

    ``{% upcoming_sessions modules as sessions %}``: given "Ma formation"'s ModuleProgress
    list, its enrolments are reused (no query when none is in a cohort).
    """
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return []
    enrolments = [m.enrolment for m in modules] if modules is not None else None
    return selectors.upcoming_sessions_for_learner(request.user, enrolments=enrolments)


@register.filter
def basename(path: str) -> str:
    """The last part of a stored file's name (``assignments/…/report.pdf`` → ``report.pdf``)."""
    return posixpath.basename(str(path or ""))
