"""Cohort pages: a learner joins one; its trainers set it up and fill it.

Trainer pages need the trainer role (:func:`courses.selectors_cohorts.may_run_cohorts`: 403 for
other logged-in people, the log-in page for anonymous visitors) and read the cohort through
:func:`courses.selectors_cohorts.cohort_for_trainer`: a trainer who does not run the cohort gets
a 404. Views stay thin: they parse a form, call a service of :mod:`courses.services_cohorts`
and show its refusal (:class:`~courses.services_cohorts.CohortError`) on the form or as a
message.
"""

from __future__ import annotations

from functools import cached_property

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.http import require_POST
from django.views.generic import FormView

from courses import selectors_cohorts as selectors
from courses import services_cohorts as services
from courses.forms_cohorts import (
    CohortForm,
    CohortJoinForm,
    CohortSessionForm,
    CsvImportForm,
    MemberAddForm,
)
from courses.models import Cohort, CohortSession, EnrolmentStatus

# --- Learners --------------------------------------------------------------------------------


@require_POST
@login_required
def cohort_join(request, pk: int):
    """Join a cohort (with its key) or ask to; back to the module page with the outcome."""
    cohort = get_object_or_404(Cohort.objects.select_related("module"), pk=pk)
    module_url = cohort.module.get_url(request) or "/"
    form = CohortJoinForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("key", [])))
        return HttpResponseRedirect(module_url)
    try:
        enrolment = services.cohort_join(
            actor=request.user, cohort=cohort, key=form.cleaned_data["key"]
        )
    except services.CohortError as error:
        messages.error(request, str(error))
        return HttpResponseRedirect(module_url)
    if enrolment.status == EnrolmentStatus.PENDING:
        messages.success(
            request,
            _("Your request to join « %(cohort)s » has been sent to its trainers.")
            % {"cohort": cohort.name},
        )
    else:
        messages.success(
            request, _("You have joined the cohort « %(cohort)s ».") % {"cohort": cohort.name}
        )
    return HttpResponseRedirect(module_url)


# --- Trainers --------------------------------------------------------------------------------


class TrainerRoleRequiredMixin(LoginRequiredMixin, UserPassesTestMixin):
    """The trainer role is required: 403 for logged-in people without it, log-in otherwise."""

    def test_func(self) -> bool:
        return selectors.may_run_cohorts(self.request.user)

    def handle_no_permission(self):
        # Logged-in users without the role get a 403, not a loop back to the login page.
        self.raise_exception = self.request.user.is_authenticated
        return super().handle_no_permission()


class CohortTrainerMixin(TrainerRoleRequiredMixin):
    """A page of one cohort the trainer runs (``pk`` in the URL); 404 for anybody else's."""

    @cached_property
    def cohort(self) -> Cohort:
        return selectors.cohort_for_trainer(self.request.user, self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(cohort=self.cohort, **kwargs)


class CohortCreateView(TrainerRoleRequiredMixin, FormView):
    """A trainer creates a cohort of a published module and becomes its trainer."""

    form_class = CohortForm
    template_name = "courses/cohorts/cohort_form.html"

    def get_initial(self):
        module = self.request.GET.get("module", "")
        return {"module": module} if module.isdigit() else {}

    def form_valid(self, form):
        try:
            cohort = services.cohort_create(actor=self.request.user, **form.cleaned_data)
        except services.CohortError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("The cohort « %(cohort)s » is created: add its sessions and its members.")
            % {"cohort": cohort.name},
        )
        return redirect("courses:cohort_sessions", cohort.pk)


class CohortUpdateView(CohortTrainerMixin, FormView):
    """A cohort's settings: name, dates, capacity, how learners join."""

    form_class = CohortForm
    template_name = "courses/cohorts/cohort_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.cohort}

    def form_valid(self, form):
        try:
            services.cohort_update(actor=self.request.user, cohort=self.cohort, **form.cleaned_data)
        except services.CohortError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(self.request, _("The cohort's settings are saved."))
        return redirect("courses:cohort_update", self.cohort.pk)


class CohortSessionsView(CohortTrainerMixin, FormView):
    """The cohort's in-person sessions, and a form to add one."""

    form_class = CohortSessionForm
    template_name = "courses/cohorts/cohort_sessions.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "module": self.cohort.module}

    def get_context_data(self, **kwargs):
        return super().get_context_data(sessions=selectors.cohort_sessions(self.cohort), **kwargs)

    def form_valid(self, form):
        try:
            services.cohort_session_add(
                actor=self.request.user, cohort=self.cohort, **form.cleaned_data
            )
        except services.CohortError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(self.request, _("The session is added."))
        return redirect("courses:cohort_sessions", self.cohort.pk)


class CohortSessionUpdateView(TrainerRoleRequiredMixin, FormView):
    """Change one in-person session of a cohort the trainer runs."""

    form_class = CohortSessionForm
    template_name = "courses/cohorts/session_form.html"

    @cached_property
    def session(self) -> CohortSession:
        return selectors.session_for_trainer(self.request.user, self.kwargs["pk"])

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "instance": self.session,
            "module": self.session.cohort.module,
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(session=self.session, cohort=self.session.cohort, **kwargs)

    def form_valid(self, form):
        try:
            services.cohort_session_update(
                actor=self.request.user, session=self.session, **form.cleaned_data
            )
        except services.CohortError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(self.request, _("The session is saved."))
        return redirect("courses:cohort_sessions", self.session.cohort_id)


@method_decorator(require_POST, name="dispatch")
class CohortSessionDeleteView(TrainerRoleRequiredMixin, View):
    """Delete an in-person session (refused once attendance is taken)."""

    def post(self, request, pk: int):
        session = selectors.session_for_trainer(request.user, pk)
        try:
            services.cohort_session_delete(actor=request.user, session=session)
        except services.CohortError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The session is deleted."))
        return redirect("courses:cohort_sessions", session.cohort_id)


class CohortMembersView(CohortTrainerMixin, FormView):
    """The cohort's members and requests, with approve, decline, remove and add by email."""

    form_class = MemberAddForm
    template_name = "courses/cohorts/cohort_members.html"

    def get_context_data(self, **kwargs):
        members = selectors.cohort_members(self.cohort)
        pending = [e for e in members if e.status == EnrolmentStatus.PENDING]
        others = [e for e in members if e.status != EnrolmentStatus.PENDING]
        taken = sum(1 for e in members if e.status in selectors.SEATED)
        return super().get_context_data(
            pending=pending,
            members=others,
            seats_taken=taken,
            places_left=selectors.places_left(self.cohort, taken),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            enrolment = services.cohort_member_add(
                actor=self.request.user, cohort=self.cohort, email=form.cleaned_data["email"]
            )
        except services.CohortError as error:
            form.add_error("email", str(error))
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("%(name)s is now a member of the cohort.")
            % {"name": enrolment.user.get_full_name() or enrolment.user.email},
        )
        return redirect("courses:cohort_members", self.cohort.pk)


@method_decorator(require_POST, name="dispatch")
class CohortMemberActionView(CohortTrainerMixin, View):
    """Approve or decline a request, or remove a member (``action`` set in the URL)."""

    action = ""
    SERVICES = {
        "approve": (
            services.cohort_request_approve,
            gettext_lazy("%(name)s's request is approved."),
        ),
        "decline": (
            services.cohort_request_decline,
            gettext_lazy("%(name)s's request is declined."),
        ),
        "remove": (
            services.cohort_member_remove,
            gettext_lazy("%(name)s is removed from the cohort."),
        ),
    }

    def post(self, request, pk: int, enrolment_pk: int):
        enrolment = selectors.cohort_enrolment_for_trainer(self.cohort, enrolment_pk)
        service, done = self.SERVICES[self.action]
        try:
            service(actor=request.user, enrolment=enrolment)
        except services.CohortError as error:
            messages.error(request, str(error))
        else:
            name = enrolment.user.get_full_name() or enrolment.user.email
            messages.success(request, str(done) % {"name": name})
        return redirect("courses:cohort_members", self.cohort.pk)


class CohortImportView(CohortTrainerMixin, FormView):
    """Import learners from a CSV file: every error listed by line, or what was done."""

    form_class = CsvImportForm
    template_name = "courses/cohorts/cohort_import.html"

    def form_valid(self, form):
        try:
            report = services.cohort_import_csv(
                actor=self.request.user, cohort=self.cohort, file=form.cleaned_data["file"]
            )
        except services.CohortImportError as error:
            return self.render_to_response(
                self.get_context_data(form=self.form_class(), import_errors=error.errors)
            )
        except services.CohortError as error:
            form.add_error("file", str(error))
            return self.form_invalid(form)
        # The counts are shown on the page itself (no redirect): they are the import's receipt.
        return self.render_to_response(self.get_context_data(form=self.form_class(), report=report))
