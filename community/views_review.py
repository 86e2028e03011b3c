"""Peer review pages: a resource's review page, the review form, answers, assignment, the queue.

A resource is read through :func:`community.selectors_resources.resource_for_viewer` (a 404 for
whoever may not read it, as on its own page). Every step is then one service of
:mod:`community.services_review`, whose refusal (:class:`~community.services_review.ReviewError`)
comes back as the review page or the form with the reason and a status that says why: 403 (not
this person), 409 (not in this state), 400 (not this input). Pages need a signed-in user.
"""

from __future__ import annotations

from functools import cached_property

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView

from community import services_review as services
from community.forms_review import AnswerForm, AssignForm, DeclineForm, NoteForm, ReviewForm
from community.models import Resource, Review
from community.selectors_resources import resource_for_viewer
from community.selectors_review import eligible_reviewers, review_queue, reviews_to_write
from community.views_communities import ActiveMemberMixin

# The HTTP status of each kind of refusal (see services_review.GuardError).
REFUSAL_STATUS = {services.FORBIDDEN: 403, services.CONFLICT: 409, services.INVALID: 400}

# What the page says once a step is taken.
DONE = {
    "submit": gettext_lazy("The resource is submitted: the animateurs will find reviewers."),
    "request_changes": gettext_lazy("The authors are asked for changes."),
    "revise": gettext_lazy("The resource is marked revised: it goes back to its reviewers."),
    "publish": gettext_lazy("The resource is published."),
    "promote_academy": gettext_lazy("The resource is promoted in its académie."),
    "promote_national": gettext_lazy("The resource is promoted nationally."),
    "withdraw": gettext_lazy("The resource is withdrawn."),
}


# Flash messages are escaped here: the DSFR alert marks its content safe by default (setting
# DSFR_CONTENT_IS_SAFE), and these messages quote names and titles that people chose.


def flash_success(request, text) -> None:
    messages.success(request, escape(str(text)))


def flash_error(request, text) -> None:
    messages.error(request, escape(str(text)))


def review_page_url(resource: Resource) -> str:
    return reverse("community:resource_review", args=[resource.pk])


def back_to(request, resource: Resource) -> HttpResponseRedirect:
    """Back where the step was asked from (``next``, on this site), else the review page."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = review_page_url(resource)
    return HttpResponseRedirect(target)


def refused(request, resource: Resource, error: services.GuardError):
    """The review page again, with the reason of the refusal and its status."""
    flash_error(request, str(error))
    return render(
        request,
        "community/review/resource_review.html",
        {"resource": resource, "community": resource.community},
        status=REFUSAL_STATUS.get(error.code, 409),
    )


class StepFormMixin:
    """A form page whose service may refuse: the form again, with the reason and its status.

    An invalid form is a 400 (the browser sent what the form cannot take).
    """

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def form_refused(self, form, error: services.GuardError):
        form.add_error(None, str(error))
        return self.render_to_response(
            self.get_context_data(form=form), status=REFUSAL_STATUS.get(error.code, 409)
        )


class ResourceMixin(LoginRequiredMixin):
    """A page or step about the resource ``pk`` the user may read (404 otherwise)."""

    @cached_property
    def resource(self) -> Resource:
        return resource_for_viewer(self.request.user, self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            resource=self.resource, community=self.resource.community, **kwargs
        )


class ResourceReviewView(ResourceMixin, TemplateView):
    """The review page of a resource: its state, the steps one may take, reviews, history."""

    template_name = "community/review/resource_review.html"


class ResourceTransitionView(ResourceMixin, View):
    """Take one step of the state machine (``action`` names it), with an optional note."""

    def post(self, request, pk: int):
        action = request.POST.get("action", "")
        if action not in services.TRANSITIONS:
            return HttpResponseBadRequest(_("Unknown step."))
        form = NoteForm(request.POST)
        if not form.is_valid():
            return refused(
                request,
                self.resource,
                services.ReviewError(_("The note is too long."), services.INVALID),
            )
        _guard, service = services.TRANSITIONS[action]
        try:
            service(actor=request.user, resource=self.resource, note=form.cleaned_data["note"])
        except services.ReviewError as error:
            return refused(request, self.resource, error)
        flash_success(request, str(DONE[action]))
        return back_to(request, self.resource)


class ReviewVolunteerView(ResourceMixin, View):
    """A member offers to review the current version; then writes the review."""

    def post(self, request, pk: int):
        try:
            review = services.review_volunteer(actor=request.user, resource=self.resource)
        except services.ReviewError as error:
            return refused(request, self.resource, error)
        flash_success(request, _("Thank you: the review is yours to write."))
        return HttpResponseRedirect(reverse("community:review_write", args=[review.pk]))


class ReviewAssignView(ResourceMixin, StepFormMixin, FormView):
    """An animateur asks a member of the community to review the current version."""

    form_class = AssignForm
    template_name = "community/review/assign_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            try:
                services.ensure_can_assign(request.user, self.resource)
            except services.ReviewError as error:
                return refused(request, self.resource, error)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "reviewers": eligible_reviewers(self.resource)}

    def form_valid(self, form):
        reviewer = form.cleaned_data["reviewer"]
        try:
            services.review_assign(
                actor=self.request.user, resource=self.resource, reviewer=reviewer
            )
        except services.ReviewError as error:
            return self.form_refused(form, error)
        flash_success(
            self.request,
            _("%(reviewer)s is asked to review the resource.") % {"reviewer": reviewer},
        )
        return HttpResponseRedirect(review_page_url(self.resource))


class ReviewMixin(LoginRequiredMixin):
    """A page about one review; ``reviewer_only`` pages are a 404 for anybody else."""

    reviewer_only = True

    @cached_property
    def review(self) -> Review:
        reviews = Review.objects.select_related(
            "resource__community", "resource__current_revision", "revision", "reviewer"
        )
        if self.reviewer_only:
            reviews = reviews.filter(reviewer=self.request.user)
        review = get_object_or_404(reviews, pk=self.kwargs["pk"])
        # Whoever may not read the resource may not read its reviews either.
        resource_for_viewer(self.request.user, review.resource_id)
        return review

    def get_context_data(self, **kwargs):
        resource = self.review.resource
        return super().get_context_data(
            review=self.review, resource=resource, community=resource.community, **kwargs
        )


class ReviewWriteView(ReviewMixin, StepFormMixin, FormView):
    """The reviewer scores the rubric and comments; or declines."""

    form_class = ReviewForm
    template_name = "community/review/review_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            try:
                services.ensure_can_write_review(request.user, self.review)
            except services.ReviewError as error:
                return refused(request, self.review.resource, error)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(decline_form=DeclineForm(), **kwargs)

    def form_valid(self, form):
        try:
            services.review_submit(
                actor=self.request.user,
                review=self.review,
                scores=form.scores,
                comment=form.cleaned_data["comment"],
            )
        except services.ReviewError as error:
            return self.form_refused(form, error)
        flash_success(self.request, _("Your review is submitted. Thank you."))
        return HttpResponseRedirect(review_page_url(self.review.resource))


class ReviewDeclineView(ReviewMixin, View):
    """The reviewer declines the review (with an optional reason)."""

    def post(self, request, pk: int):
        form = DeclineForm(request.POST)
        if not form.is_valid():
            error = services.ReviewError(_("The reason is too long."), services.INVALID)
            return refused(request, self.review.resource, error)
        try:
            services.review_decline(
                actor=request.user, review=self.review, reason=form.cleaned_data["reason"]
            )
        except services.ReviewError as error:
            return refused(request, self.review.resource, error)
        flash_success(request, _("You have declined this review."))
        return HttpResponseRedirect(review_page_url(self.review.resource))


class ReviewAnswerView(ReviewMixin, StepFormMixin, FormView):
    """An author answers a review (and may amend the answer)."""

    form_class = AnswerForm
    template_name = "community/review/answer_form.html"
    reviewer_only = False

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            try:
                services.ensure_can_answer(request.user, self.review)
            except services.ReviewError as error:
                return refused(request, self.review.resource, error)
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"answer": self.review.author_answer}

    def form_valid(self, form):
        try:
            services.review_answer(
                actor=self.request.user, review=self.review, answer=form.cleaned_data["answer"]
            )
        except services.ReviewError as error:
            return self.form_refused(form, error)
        flash_success(self.request, _("Your answer is saved; the reviewer is told."))
        return HttpResponseRedirect(review_page_url(self.review.resource))


class ReviewQueueView(ActiveMemberMixin, TemplateView):
    """The community's resources awaiting reviews, and the reviews the member has to write."""

    template_name = "community/review/review_queue.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            active="reviews",
            queue=list(review_queue(self.community, self.request.user)),
            to_write=list(reviews_to_write(self.request.user, self.community)),
            **kwargs,
        )
