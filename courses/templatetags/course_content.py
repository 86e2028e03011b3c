"""Template helpers of course content: the quiz block's state, video event URLs, lookups."""

from __future__ import annotations

from django import template
from django.urls import reverse

from courses.models import Enrolment
from courses.quiz import ANSWERING_STATUSES, quiz_attempts_used

register = template.Library()


@register.simple_tag(takes_context=True)
def quiz_state(context, quiz, block_id):
    """What the quiz block shows the current user: may they answer, attempts, last feedback.

    ``{% quiz_state value block_id as quiz %}``. The feedback of the attempt just posted comes
    from the session, once (like a message). Outside a step page nobody may answer.
    """
    from courses.views_quiz import quiz_session_key

    request = context.get("request")
    page = context.get("page")
    state = {
        "can_answer": False,
        "enrolled": False,
        "attempts_used": 0,
        "attempts_left": None,
        "result": None,
        "feedback": None,
        "action": "",
    }
    if request is None or page is None or not block_id or not hasattr(page, "body"):
        return state
    state["action"] = reverse(
        "courses:quiz_submit", kwargs={"step_id": page.pk, "block_id": block_id}
    )
    if not request.user.is_authenticated:
        return state
    if hasattr(request, "courses_enrolment"):
        # StepPage.serve already read the enrolment that follows this module (or found none).
        enrolment = request.courses_enrolment
    else:
        enrolment = (
            Enrolment.objects.filter(
                user=request.user,
                module__path=page.path[: -page.steplen],
                status__in=ANSWERING_STATUSES,
            )
            .only("pk", "registration")
            .first()
        )
    if enrolment is None:
        return state
    used = quiz_attempts_used(enrolment=enrolment, step=page, block_id=block_id)
    allowed = quiz["max_attempts"] or 0
    state.update(
        enrolled=True,
        attempts_used=used,
        attempts_left=max(allowed - used, 0) if allowed else None,
        can_answer=not allowed or used < allowed,
    )
    if hasattr(request, "session"):
        result = request.session.pop(quiz_session_key(page.pk, block_id), None)
        if result:
            state["result"] = result
            state["feedback"] = {q["question_id"]: q for q in result["questions"]}
    return state


@register.simple_tag(takes_context=True)
def video_events_url(context, block_id):
    """Where static/courses/video.js posts the events of a step's video ("" off a step page).

    ``{% video_events_url block_id as url %}``: the URL alone, whoever the visitor is; whether
    the script is loaded at all (a learner following the module) is the step page's call.
    """
    page = context.get("page")
    if page is None or not block_id or not hasattr(page, "body") or page.pk is None:
        return ""
    return reverse("courses:video_event", kwargs={"step_id": page.pk, "block_id": block_id})


@register.filter
def get_item(mapping, key):
    """``mapping[key]``, or None (for dicts keyed by ids)."""
    if not mapping:
        return None
    return mapping.get(key)
