"""Assessment pages: hand in an assignment, review it, download it, take attendance.

Thin: each view reads through :mod:`courses.selectors_assessment` and, for the cohorts and
sessions a trainer acts on, :mod:`courses.selectors_cohorts` (a trainer reaches only the cohorts
they train, a learner only their own work: anything else is a 404), validates a form, calls
:mod:`courses.services_assessment`, and redirects or renders.
"""

from __future__ import annotations

import posixpath
from functools import cached_property

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import FormView, ListView

from courses import selectors_assessment as selectors
from courses import selectors_cohorts
from courses import services_assessment as services
from courses.forms_assessment import (
    AssignmentSubmissionForm,
    AttendanceSheetForm,
    ReviewForm,
    SubmissionFilterForm,
)
from courses.models import AttendanceStatus, StepPage, SubmissionStatus
from courses.services import EnrolmentError


def _render_step_with_form(request, step: StepPage, block_id: str, form, enrolment):
    """The step page again, with the assignment form bound to what was posted and its errors."""
    # StepPage.serve is not called: re-showing a form is not a new visit to record.
    request.courses_enrolment = enrolment
    context = step.get_context(request)
    context.update(assignment_form=form, assignment_block_id=block_id)
    return TemplateResponse(request, step.get_template(request), context)


@require_POST
@login_required
def assignment_submit(request, step_id: int, block_id: str):
    """Hand in (or again) the learner's work for an assignment of a step."""
    step = get_object_or_404(StepPage.objects.live(), pk=step_id)
    try:
        block = services.assignment_block(step, block_id)
    except services.AssignmentNotFound:
        raise Http404("No such assignment.") from None
    enrolment = selectors.following_enrolment(request.user, step)
    if enrolment is None:
        raise PermissionDenied(_("Enrol in the module to hand in this assignment."))
    submission = selectors.learner_submission(enrolment, step, block_id)
    form = AssignmentSubmissionForm(
        request.POST, request.FILES, block=block, block_id=block_id, submission=submission
    )
    if form.is_valid():
        try:
            services.submission_submit(
                actor=request.user,
                enrolment=enrolment,
                step=step,
                block_id=block_id,
                text=form.cleaned_data.get("text", ""),
                file=form.cleaned_data.get("file"),
            )
        except (services.AssessmentError, EnrolmentError) as error:
            # The form was valid: the refusal is about the assignment's state (accepted in the
            # meantime), which the step page shows once reloaded.
            messages.error(request, str(error))
        else:
            messages.success(
                request, _("Your assignment has been handed in: a trainer will review it.")
            )
        return HttpResponseRedirect(f"{step.get_url(request)}#assignment-{block_id}")
    return _render_step_with_form(request, step, block_id, form, enrolment)


@never_cache
@require_GET
@login_required
def submission_file(request, pk: int):
    """Stream a submission's file, to the learner who handed it in or their cohort's trainers."""
    submission = selectors.submission_for_download(request.user, pk)
    if not submission.file:
        raise Http404("No file was handed in.")
    try:
        handle = submission.file.open("rb")
    except FileNotFoundError:
        raise Http404("The file is missing.") from None
    # An attachment, never shown inline: the file is the learner's, not trusted content.
    return FileResponse(
        handle, as_attachment=True, filename=posixpath.basename(submission.file.name)
    )


class CohortReviewsView(LoginRequiredMixin, ListView):
    """A cohort's submissions for its trainers: awaiting review first, oldest first."""

    template_name = "courses/assessment/cohort_reviews.html"
    context_object_name = "submissions"
    paginate_by = 50

    @cached_property
    def cohort(self):
        return selectors_cohorts.cohort_for_trainer(self.request.user, self.kwargs["pk"])

    @cached_property
    def filter_form(self):
        return SubmissionFilterForm(self.request.GET or None)

    def get_queryset(self):
        return selectors.cohort_submissions(self.cohort, status=self.filter_form.status_filter())

    def get_context_data(self, **kwargs):
        return super().get_context_data(cohort=self.cohort, filter_form=self.filter_form, **kwargs)


class SubmissionReviewView(LoginRequiredMixin, FormView):
    """A trainer reads a submission and accepts it or returns it with feedback."""

    template_name = "courses/assessment/submission_review.html"
    form_class = ReviewForm

    @cached_property
    def submission(self):
        return selectors.trainer_submission(self.request.user, self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        submission = self.submission
        try:
            block = services.assignment_block(submission.step, submission.block_id)
        except services.AssignmentNotFound:
            block = None  # Removed from the step since it was handed in.
        return super().get_context_data(
            submission=submission,
            block=block,
            cohort=submission.enrolment.cohort,
            can_review=submission.status == SubmissionStatus.SUBMITTED,
            **kwargs,
        )

    def form_valid(self, form):
        submission = self.submission
        try:
            services.submission_review(
                actor=self.request.user,
                submission=submission,
                accept=form.accept,
                feedback=form.cleaned_data["feedback"],
            )
        except services.AssessmentError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        learner = submission.enrolment.user.get_full_name() or submission.enrolment.user.email
        if form.accept:
            message = _("Assignment of %(learner)s accepted.")
        else:
            message = _("Assignment of %(learner)s returned for rework.")
        messages.success(self.request, message % {"learner": learner})
        return redirect("courses:cohort_reviews", pk=submission.enrolment.cohort_id)


class AttendanceSheetView(LoginRequiredMixin, FormView):
    """A session's attendance sheet: one radio group per learner, saved in one POST."""

    template_name = "courses/assessment/attendance_sheet.html"

    @cached_property
    def session(self):
        return selectors_cohorts.session_for_trainer(self.request.user, self.kwargs["pk"])

    def get_form(self, form_class=None):
        return AttendanceSheetForm(
            **self.get_form_kwargs(), lines=selectors.attendance_sheet(self.session)
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            session=self.session,
            cohort=self.session.cohort,
            started=self.session.starts_at <= timezone.now(),
            statuses=AttendanceStatus.choices,
            **kwargs,
        )

    def form_valid(self, form):
        if "all_present" in self.request.POST:
            # The shortcut: everybody on the sheet is marked present, in the same one POST.
            marks = {line.enrolment.pk: AttendanceStatus.PRESENT for line in form.lines}
        else:
            marks = form.marks()
        if not marks:
            form.add_error(None, _("Mark at least one learner."))
            return self.form_invalid(form)
        try:
            services.attendance_record(actor=self.request.user, session=self.session, marks=marks)
        except services.AssessmentError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(self.request, _("Attendance saved."))
        return HttpResponseRedirect(reverse("courses:attendance_sheet", args=[self.session.pk]))
