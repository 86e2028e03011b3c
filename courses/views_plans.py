"""The inspector's training plans: list, create and edit, dashboard, drill-down, exports, reminder.

Permissions (see :mod:`courses.selectors_plans`): the list needs the inspector space's
permission and an académie (403 otherwise, the log-in page for anonymous visitors); a plan of
another académie is a 404; creating, editing and reminding are for the académie's inspectors;
the teachers' names (drill-down, exports) too (403 for an administrator who sees the figures).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from functools import cached_property
from itertools import chain

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import FormView, TemplateView

from courses import selectors_plans as selectors
from courses import services_plans as services
from courses.forms_plans import PlanForm, ReminderConfirmForm
from courses.models_plans import PlanStatus, TrainingPlan

EXPORT_CHUNK = 2000
CHART_BAR_WIDTH = 28
CHART_GAP = 6
CHART_HEIGHT = 160


class PlansMixin(LoginRequiredMixin):
    """Logged-in users who may see plans; 403 for the others."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not selectors.may_view_plans(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class PlanMixin(PlansMixin):
    """A view of one plan (``pk``) the user may see; 404 for another académie's."""

    @cached_property
    def plan(self) -> TrainingPlan:
        return selectors.plan_for_viewer(self.request.user, self.kwargs["pk"])

    @cached_property
    def may_see_names(self) -> bool:
        return selectors.may_see_names(self.request.user, self.plan)

    def require_names(self) -> None:
        if not self.may_see_names:
            raise PermissionDenied

    def plan_url(self, fragment: str = "") -> str:
        return reverse("courses:plan_dashboard", args=[self.plan.pk]) + fragment

    def get_context_data(self, **kwargs):
        return super().get_context_data(plan=self.plan, may_see_names=self.may_see_names, **kwargs)


class PlanListView(PlansMixin, TemplateView):
    """The plans of the inspector's académie with their target size."""

    template_name = "courses/plans/plan_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            plans=selectors.plans_with_sizes(self.request.user),
            may_manage=selectors.may_manage_plans(self.request.user),
            **kwargs,
        )


class _PlanFormView(PlansMixin, FormView):
    form_class = PlanForm
    template_name = "courses/plans/plan_form.html"
    instance: TrainingPlan | None = None

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not selectors.may_manage_plans(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "academy": self.request.user.academy,
            "instance": self.instance,
        }

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        try:
            if data.get("imported_file") and data["target_kind"] == "liste":
                data["imported"] = services.imported_list_read(
                    file=data["imported_file"], academy=self.request.user.academy
                )
            plan = self.save(data)
        except services.PlanImportError as error:
            form.add_error(None, str(error))
            for message in error.errors:
                form.add_error("imported_file", message)
            return self.form_invalid(form)
        except services.PlanError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        size = plan.targets.count()
        messages.success(
            self.request,
            ngettext(
                "The plan « %(title)s » is saved: %(count)d teacher in its target.",
                "The plan « %(title)s » is saved: %(count)d teachers in its target.",
                size,
            )
            % {"title": plan.title, "count": size},
        )
        return HttpResponseRedirect(reverse("courses:plan_dashboard", args=[plan.pk]))


class PlanCreateView(_PlanFormView):
    """A new plan of the inspector's académie."""

    def save(self, data):
        return services.plan_create(actor=self.request.user, data=data)


class PlanUpdateView(_PlanFormView):
    """Edit a plan of the inspector's académie; its target is recomputed."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and selectors.may_manage_plans(request.user):
            self.instance = selectors.plan_for_manager(request.user, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(plan=self.instance, **kwargs)

    def save(self, data):
        return services.plan_update(actor=self.request.user, plan=self.instance, data=data)


def chart_bars(weeks: list[selectors.Week]) -> dict:
    """Geometry of the server-rendered SVG bar chart of completions per week."""
    bars = []
    for index, week in enumerate(weeks):
        height = round(CHART_HEIGHT * week.height / 100, 1)
        bars.append(
            {
                "week": week,
                "x": index * (CHART_BAR_WIDTH + CHART_GAP),
                "y": CHART_HEIGHT - height,
                "height": height,
                "label_y": CHART_HEIGHT - height - 4,
            }
        )
    return {
        "bars": bars,
        "width": max(len(weeks) * (CHART_BAR_WIDTH + CHART_GAP), 1),
        "height": CHART_HEIGHT,
        "bar_width": CHART_BAR_WIDTH,
        "axis_y": CHART_HEIGHT + 14,
    }


class PlanDashboardView(PlanMixin, TemplateView):
    """The plan's live figures: totals, breakdowns, weekly chart, establishments behind."""

    template_name = "courses/plans/plan_dashboard.html"

    def get_context_data(self, **kwargs):
        dashboard = selectors.plan_dashboard(self.plan)
        return super().get_context_data(
            dashboard=dashboard,
            chart=chart_bars(dashboard.weeks),
            may_manage=self.may_see_names,
            **kwargs,
        )


class PlanEstablishmentView(PlanMixin, TemplateView):
    """Drill-down: the teachers of one establishment of the target, with their status."""

    template_name = "courses/plans/plan_establishment.html"

    def get_context_data(self, **kwargs):
        self.require_names()
        establishment = selectors.plan_establishment(self.plan, self.kwargs["establishment_pk"])
        labels = dict(PlanStatus.choices)
        rows = [
            {"name": f"{first} {last}".strip() or email, "email": email, "done": done,
             "status": status, "status_label": labels[status], "last_done": last_done}
            for last, first, email, _uai, _name, _dept, done, status, last_done in (
                selectors.teacher_rows(self.plan, establishment_id=establishment.pk)
            )
        ]  # fmt: skip
        return super().get_context_data(
            establishment=establishment,
            rows=rows,
            required=self.plan.modules.count(),
            **kwargs,
        )


# --- Exports ---------------------------------------------------------------------------------


def _spreadsheet_safe(value: str) -> str:
    """Neutralise text a spreadsheet would run as a formula (CSV injection)."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _export_header() -> list[str]:
    return [
        _("Last name"),
        _("First name"),
        _("Email"),
        _("UAI"),
        _("Establishment"),
        _("Department"),
        _("Modules completed"),
        _("Status"),
        _("Completed on"),
    ]


def _export_rows(plan: TrainingPlan) -> Iterator[list]:
    """One row per teacher of the target, read from the database in chunks."""
    labels = dict(PlanStatus.choices)
    rows = selectors.teacher_rows(plan).iterator(chunk_size=EXPORT_CHUNK)
    for last, first, email, uai, name, department, done, status, last_done in rows:
        yield [
            _spreadsheet_safe(last or ""),
            _spreadsheet_safe(first or ""),
            email,
            uai or "",
            _spreadsheet_safe(name or ""),
            department,
            done,
            str(labels[status]),
            timezone.localtime(last_done).strftime("%Y-%m-%d")
            if status == PlanStatus.COMPLETED and last_done
            else "",
        ]


class _Echo:
    """A file-like object whose ``write`` returns the line, for csv.writer to stream."""

    def write(self, value: str) -> str:
        return value


def _filename(plan: TrainingPlan, extension: str) -> str:
    return f"{slugify(plan.title) or 'plan'}-{timezone.localdate():%Y-%m-%d}.{extension}"


class PlanExportCsvView(PlanMixin, View):
    """The target's teachers as CSV for French spreadsheets, streamed with flat memory."""

    def get(self, request, *args, **kwargs):
        self.require_names()
        writer = csv.writer(_Echo(), delimiter=";")
        lines = chain(
            ["\ufeff"],  # The BOM tells Excel the file is UTF-8.
            [writer.writerow(_export_header())],
            (writer.writerow(row) for row in _export_rows(self.plan)),
        )
        response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{_filename(self.plan, "csv")}"'
        return response


class PlanExportXlsxView(PlanMixin, View):
    """The dashboard as a workbook: summary, establishments, modules, and every teacher."""

    def get(self, request, *args, **kwargs):
        from openpyxl import Workbook

        self.require_names()
        dashboard = selectors.plan_dashboard(self.plan)
        book = Workbook(write_only=True)  # Rows go to disk-backed XML, not kept as cells.
        summary = book.create_sheet(_("Summary"))
        totals = dashboard.totals
        summary.append([_("Plan"), self.plan.title])
        summary.append([_("Deadline"), self.plan.deadline])
        for label, value in (
            (_("Target"), totals.size),
            (_("Enrolled"), totals.enrolled),
            (_("In progress"), totals.in_progress),
            (_("Completed"), totals.completed),
            (_("Late"), totals.late),
            (_("Not started"), totals.not_started),
        ):
            summary.append([label, value])
        sheet = book.create_sheet(_("Establishments"))
        sheet.append(
            [_("UAI"), _("Establishment"), _("Town"), _("Department"), _("Target"),
             _("Enrolled"), _("In progress"), _("Completed"), _("Late"), _("Not started")]
        )  # fmt: skip
        for e in dashboard.establishments:
            sheet.append(
                [e.uai, _spreadsheet_safe(e.name), e.town, e.department, e.size, e.enrolled,
                 e.in_progress, e.completed, e.late, e.not_started]
            )  # fmt: skip
        sheet = book.create_sheet(_("Modules"))
        sheet.append([_("Module"), _("Enrolled"), _("Completed")])
        for m in dashboard.modules:
            sheet.append([_spreadsheet_safe(m.title), m.enrolled, m.completed])
        sheet = book.create_sheet(_("Teachers"))
        sheet.append(_export_header())
        for row in _export_rows(self.plan):
            sheet.append(row)
        buffer = io.BytesIO()
        book.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{_filename(self.plan, "xlsx")}"'
        return response


# --- Reminder --------------------------------------------------------------------------------


class PlanRemindView(PlanMixin, FormView):
    """GET: how many teachers would be reminded, and a button; POST: send (once a day)."""

    template_name = "courses/plans/plan_remind.html"
    form_class = ReminderConfirmForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and selectors.may_view_plans(request.user):
            selectors.plan_for_manager(request.user, kwargs["pk"])  # 404 for non-managers.
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            recipients=selectors.not_started_users(self.plan).count(),
            refusal=services.reminder_refusal(self.plan),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            reminder = services.plan_reminder_send(actor=self.request.user, plan=self.plan)
        except services.PlanError as error:
            messages.error(self.request, str(error))
        else:
            messages.success(
                self.request,
                ngettext(
                    "A reminder is being emailed to %(count)d teacher who has not started.",
                    "A reminder is being emailed to %(count)d teachers who have not started.",
                    reminder.recipients,
                )
                % {"count": reminder.recipients},
            )
        return HttpResponseRedirect(self.plan_url())
