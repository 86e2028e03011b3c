"""Moderation pages: report a message or a resource; the reports queue, hiding, the audit log.

Members report (a form); the community's animateurs see the open reports, resolve or dismiss
them, hide and restore the reported content, and read the audit log (403 for everybody else).
Steps are services of :mod:`community.services_moderation` (messages' hiding is the rooms'
:func:`community.services_rooms.message_hide`); refusals come back with the reason and the
status of :data:`community.views_review.REFUSAL_STATUS`.
"""

from __future__ import annotations

from functools import cached_property

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from community import services_moderation as services
from community import services_rooms
from community.forms_review import NoteForm, ReportForm
from community.models import Message, Report, Resource
from community.selectors import is_member, runs_community
from community.selectors_moderation import audit_log, reports_of
from community.views_communities import RunnerMixin, _page
from community.views_review import (
    ResourceMixin,
    StepFormMixin,
    back_to,
    flash_error,
    flash_success,
    refused,
)

AUDIT_PAGE_SIZE = 50
REPORTS_PAGE_SIZE = 30


def _room_url(message: Message) -> str:
    room = message.room
    url = reverse("community:room_detail", kwargs={"slug": room.community.slug, "room": room.slug})
    return f"{url}#message-{message.pk}"


class ReportFormMixin(StepFormMixin, FormView):
    """Report ``target`` (a resource or a message) with a reason; back to where it is shown."""

    form_class = ReportForm
    template_name = "community/moderation/report_form.html"

    target: Message | Resource
    back_url: str

    def get_context_data(self, **kwargs):
        kwargs.setdefault("community", services.community_of(self.target))
        return super().get_context_data(
            target=self.target,
            target_is_message=isinstance(self.target, Message),
            back_url=self.back_url,
            **kwargs,
        )

    def form_valid(self, form):
        try:
            services.report_create(
                actor=self.request.user, target=self.target, reason=form.cleaned_data["reason"]
            )
        except services.ModerationError as error:
            return self.form_refused(form, error)
        flash_success(
            self.request, _("Thank you: the community's animateurs will look at your report.")
        )
        return HttpResponseRedirect(self.back_url)


class ResourceReportView(ResourceMixin, ReportFormMixin):
    """A member reports a resource they can read."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            try:
                services.ensure_can_report(request.user, self.resource)
            except services.ModerationError as error:
                return refused(request, self.resource, error)
        return super().dispatch(request, *args, **kwargs)

    @property
    def target(self) -> Resource:
        return self.resource

    @property
    def back_url(self) -> str:
        return reverse("community:resource_review", args=[self.resource.pk])


class MessageReportView(LoginRequiredMixin, ReportFormMixin):
    """A member reports a message of a room of their community (404 for non-members)."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            try:
                services.ensure_can_report(request.user, self.target)
            except services.ModerationError as error:
                form = self.get_form()
                return self.form_refused(form, error)
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def target(self) -> Message:
        message = get_object_or_404(
            Message.objects.select_related("room__community", "author"), pk=self.kwargs["pk"]
        )
        # Only members read a room: to anybody else the message does not exist.
        if not is_member(self.request.user, message.room.community):
            raise Http404("No such message.")
        return message

    @property
    def back_url(self) -> str:
        return _room_url(self.target)


# --- The animateurs' pages -------------------------------------------------------------------


class ReportQueueView(RunnerMixin, TemplateView):
    """The community's open reports (or, with ``?etat=traites``, the handled ones)."""

    template_name = "community/moderation/report_queue.html"

    def get_context_data(self, **kwargs):
        handled = self.request.GET.get("etat") == "traites"
        page, links = _page(
            self.request, reports_of(self.community, handled=handled), REPORTS_PAGE_SIZE
        )
        for report in page:
            report.target_url = _target_url(report.target)
        return super().get_context_data(
            active="reports",
            handled=handled,
            reports=page,
            page_links=links,
            querystring="etat=traites" if handled else "",
            note_form=NoteForm(),
            **kwargs,
        )


def _note(request) -> str | None:
    """The optional note of a moderation act; None when it is too long (a 400)."""
    form = NoteForm(request.POST)
    return form.cleaned_data["note"] if form.is_valid() else None


def _note_too_long() -> HttpResponseBadRequest:
    return HttpResponseBadRequest(_("The note is too long."))


def _target_url(target) -> str:
    if isinstance(target, Resource):
        return reverse("community:resource_review", args=[target.pk])
    if isinstance(target, Message):
        return _room_url(target)
    return ""


class AuditLogView(RunnerMixin, TemplateView):
    """Who did what, when, to which thing: the community's moderation log, newest first."""

    template_name = "community/moderation/audit_log.html"

    def get_context_data(self, **kwargs):
        page, links = _page(self.request, audit_log(self.community), AUDIT_PAGE_SIZE)
        return super().get_context_data(active="audit", entries=page, page_links=links, **kwargs)


class ReportHandleView(LoginRequiredMixin, View):
    """POST: an animateur resolves or dismisses a report (``resolve`` says which)."""

    resolve = True

    def post(self, request, pk: int):
        report = get_object_or_404(Report.objects.select_related("community"), pk=pk)
        if not runs_community(request.user, report.community):
            raise PermissionDenied
        note = _note(request)
        if note is None:
            return _note_too_long()
        service = services.report_resolve if self.resolve else services.report_dismiss
        try:
            service(actor=request.user, report=report, note=note)
        except services.ModerationError as error:
            flash_error(request, str(error))
        else:
            flash_success(
                request,
                _("The report is resolved.") if self.resolve else _("The report is dismissed."),
            )
        return redirect("community:report_queue", report.community.slug)


class ResourceHideView(ResourceMixin, View):
    """POST: an animateur hides (or, with ``restore``, shows again) a resource."""

    restore = False

    def post(self, request, pk: int):
        note = _note(request)
        if note is None:
            return _note_too_long()
        service = services.resource_restore if self.restore else services.resource_hide
        try:
            service(actor=request.user, resource=self.resource, note=note)
        except services.ModerationError as error:
            return refused(request, self.resource, error)
        flash_success(
            request,
            _("The resource is shown again.")
            if self.restore
            else _("The resource is hidden: only the animateurs see it."),
        )
        return back_to(request, self.resource)


class MessageHideView(LoginRequiredMixin, View):
    """POST: an animateur hides (or restores) a message from the reports queue."""

    restore = False

    def post(self, request, pk: int):
        message = get_object_or_404(Message.objects.select_related("room__community"), pk=pk)
        community = message.room.community
        if not runs_community(request.user, community):
            raise PermissionDenied
        note = _note(request)
        if note is None:
            return _note_too_long()
        service = services_rooms.message_restore if self.restore else services_rooms.message_hide
        try:
            service(actor=request.user, message=message, note=note)
        except services_rooms.RoomError as error:
            flash_error(request, str(error))
        else:
            flash_success(
                request,
                _("The message is shown again.") if self.restore else _("The message is hidden."),
            )
        return redirect("community:report_queue", community.slug)
