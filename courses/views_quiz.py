"""The quiz form's POST: works without JavaScript (post, redirect back, feedback shown)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from courses.models import Enrolment, StepPage
from courses.quiz import (
    ANSWERING_STATUSES,
    QuizAttemptsExhausted,
    QuizNotFound,
    quiz_answers_from,
    quiz_block,
    quiz_submit,
)


def quiz_session_key(step_id: int, block_id: str) -> str:
    """Where the last attempt's feedback waits in the session for the step page to show it."""
    return f"courses.quiz.{step_id}.{block_id}"


@require_POST
@login_required
def quiz_submit_view(request, step_id: int, block_id: str):
    """Score the learner's answers, record them, and go back to the quiz with feedback."""
    step = get_object_or_404(StepPage.objects.live(), pk=step_id)
    enrolment = (
        Enrolment.objects.select_related("module")
        .filter(
            user=request.user,
            module__path=step.path[: -step.steplen],
            status__in=ANSWERING_STATUSES,
        )
        .first()
    )
    if enrolment is None:
        raise PermissionDenied
    try:
        quiz = quiz_block(step, block_id)
    except QuizNotFound:
        raise Http404 from None
    try:
        result = quiz_submit(
            actor=request.user,
            enrolment=enrolment,
            step=step,
            block_id=block_id,
            answers=quiz_answers_from(quiz, request.POST),
        )
    except QuizAttemptsExhausted:
        messages.error(request, _("You have used every attempt this quiz allows."))
    else:
        request.session[quiz_session_key(step.pk, block_id)] = result.as_dict()
        if result.passed:
            messages.success(request, _("Quiz passed."))
        else:
            messages.warning(request, _("Quiz not passed yet."))
    return HttpResponseRedirect(f"{step.get_url(request)}#quiz-{block_id}")
