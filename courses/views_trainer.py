"""The trainer's space, "Mes groupes": cohorts, progress grid, reminders, announcements, export.

Every view needs the trainer space's permission (403 for other logged-in people, the log-in
page for anonymous visitors), and a cohort is read through
:func:`courses.selectors_cohorts.cohort_for_trainer`, so a trainer who does not run it gets a
404. Views stay thin: read through the selectors, write through
:mod:`courses.services_trainer`.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from functools import cached_property
from itertools import chain

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.http import HttpResponseRedirect, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import FormView, TemplateView

from courses import selectors_cohorts
from courses import selectors_trainer as selectors
from courses import services_trainer as services
from courses.forms_trainer import AnnouncementForm
from courses.models import Cohort, StepProgressStatus


class TrainerRequiredMixin(LoginRequiredMixin, PermissionRequiredMixin):
    """The trainer role is required: 403 for logged-in people without it, log-in otherwise."""

    permission_required = "campus.access_trainer_space"

    def handle_no_permission(self):
        # Logged-in users without the role get a 403, not a loop back to the login page.
        self.raise_exception = self.request.user.is_authenticated
        return super().handle_no_permission()


class CohortMixin(TrainerRequiredMixin):
    """A view of one cohort the trainer runs (``pk`` in the URL); 404 for anybody else's."""

    @cached_property
    def cohort(self) -> Cohort:
        return selectors_cohorts.cohort_for_trainer(self.request.user, self.kwargs["pk"])

    def cohort_url(self, fragment: str = "") -> str:
        return reverse("courses:cohort_detail", args=[self.cohort.pk]) + fragment

    def get_context_data(self, **kwargs):
        return super().get_context_data(cohort=self.cohort, **kwargs)


class MyCohortsView(TrainerRequiredMixin, TemplateView):
    """ "Mes groupes": each cohort the trainer runs, with its figures.

    Those who may create cohorts (the trainer role; an administrator reaches this page without
    it) are offered to create one: of any module, or of the published module of a cohort listed.
    """

    template_name = "courses/trainer/my_cohorts.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            summaries=selectors.cohort_summaries(self.request.user),
            may_create_cohorts=selectors_cohorts.may_run_cohorts(self.request.user),
            **kwargs,
        )


# --- The grid --------------------------------------------------------------------------------


def _cell_labels() -> dict[str | None, tuple[str, str, str]]:
    """Symbol, words (for screen readers and the CSV) and CSS modifier of each step status."""
    return {
        StepProgressStatus.COMPLETED: ("✓", _("completed"), "done"),
        StepProgressStatus.STARTED: ("◐", _("started"), "started"),
        None: ("—", _("not started"), "none"),
    }


def _score_percent(score: float | None) -> int | None:
    return None if score is None else round(score * 100)


class _GridMarkup:
    """The grid's ``<tbody>`` rows, built in Python rather than in the template.

    A 300 x 30 grid has 9,000 cells: the template engine (a variable lookup costs tens of
    microseconds) would spend most of the page's time on them, while they take only a handful
    of distinct values, each escaped once here and reused. The table's frame, caption and
    column headers stay in the template.
    """

    def __init__(self):
        self.labels = _cell_labels()
        self.cells: dict[tuple, SafeString] = {}
        self.inactive = format_html(
            ' <span class="fr-badge fr-badge--sm fr-badge--warning fr-badge--no-icon">{}</span>',
            _("inactive"),
        )

    def cell(self, status: str | None, score: float | None) -> SafeString:
        key = (status, _score_percent(score))
        markup = self.cells.get(key)
        if markup is None:
            symbol, words, modifier = self.labels[status]
            markup = format_html(
                '<td class="campus-grid__cell campus-grid__cell--{}">'
                '<span aria-hidden="true">{}</span><span class="fr-sr-only">{}</span>{}</td>',
                modifier,
                symbol,
                words,
                "" if key[1] is None else f" {key[1]} %",
            )
            self.cells[key] = markup
        return markup

    def row(self, row: selectors.GridRow) -> SafeString:
        user = row.enrolment.user
        cells = "".join(map(self.cell, row.statuses, row.scores))
        return format_html(
            '<tr{}><th scope="row" class="campus-grid__learner">{}{}</th><td>{} %</td>{}</tr>',
            mark_safe(' class="campus-grid__row--inactive"') if row.inactive else "",
            user.get_full_name() or user.email,
            self.inactive if row.inactive else "",
            row.percent,
            mark_safe(cells),  # noqa: S308 — each cell went through format_html.
        )

    def body(self, rows: list[selectors.GridRow]) -> SafeString:
        return mark_safe("\n".join(map(self.row, rows)))  # noqa: S308 — format_html rows.


class CohortDetailView(CohortMixin, TemplateView):
    """A cohort's page: learners x steps grid, inactive learners, sessions, announcements."""

    template_name = "courses/trainer/cohort_detail.html"

    def get_context_data(self, **kwargs):
        grid = selectors.cohort_grid(self.cohort)
        return super().get_context_data(
            grid=grid,
            grid_body=_GridMarkup().body(grid.rows),
            sessions=selectors_cohorts.cohort_sessions(self.cohort),
            pending_reviews=selectors.cohort_pending_reviews(self.cohort),
            announcements=selectors.cohort_announcements(self.cohort),
            **kwargs,
        )


# --- CSV export ------------------------------------------------------------------------------


class _Echo:
    """A file-like object whose ``write`` returns the line, for csv.writer to stream."""

    def write(self, value: str) -> str:
        return value


def _spreadsheet_safe(value: str) -> str:
    """Neutralise text a spreadsheet would run as a formula (CSV injection)."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _csv_rows(grid: selectors.CohortGrid) -> Iterator[list]:
    """The header, then one row per learner: who, where they stand, each step, quiz scores."""
    quiz_steps = grid.quiz_steps
    yield [
        _("Name"),
        _("Email"),
        _("UAI"),
        _("Status"),
        _("Progress (%)"),
        _("Last activity"),
        *(step.title for step in grid.steps),
        *(_("Score (%%) — %(step)s") % {"step": step.title} for step in quiz_steps),
    ]
    labels = _cell_labels()
    quiz_positions = [grid.steps.index(step) for step in quiz_steps]
    for row in grid.rows:
        user = row.enrolment.user
        last = row.enrolment.last_activity_at
        yield [
            _spreadsheet_safe(user.get_full_name()),
            user.email,
            user.establishment.uai if user.establishment else "",
            row.enrolment.get_status_display(),
            row.percent,
            timezone.localtime(last).strftime("%Y-%m-%d %H:%M") if last else "",
            *(labels[status][1] if status else "—" for status in row.statuses),
            *(_score_percent(row.scores[p]) for p in quiz_positions),
        ]


class CohortExportView(CohortMixin, View):
    """The grid as CSV for French spreadsheets: UTF-8 with a BOM, ``;`` between fields."""

    def get(self, request, *args, **kwargs):
        grid = selectors.cohort_grid(self.cohort)  # Read before streaming starts.
        writer = csv.writer(_Echo(), delimiter=";")
        # The BOM tells Excel the file is UTF-8; ";" is the separator of French locales.
        lines = chain(["\ufeff"], (writer.writerow(row) for row in _csv_rows(grid)))
        response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
        filename = f"{slugify(self.cohort.name) or 'cohorte'}-{timezone.localdate():%Y-%m-%d}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


# --- Actions ---------------------------------------------------------------------------------


class CohortRemindView(CohortMixin, View):
    """POST: email an inactive learner a reminder (once per 24 hours), back to the grid."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        enrolment = selectors_cohorts.cohort_enrolment_for_trainer(
            self.cohort, kwargs["enrolment_pk"], statuses=selectors.LEARNER_STATUSES
        )
        try:
            services.reminder_send(actor=request.user, cohort=self.cohort, enrolment=enrolment)
        except services.TrainerActionError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("A reminder was emailed to %(learner)s.")
                % {"learner": enrolment.user.get_full_name() or enrolment.user.email},
            )
        return HttpResponseRedirect(self.cohort_url("#inactive"))


class CohortAnnounceView(CohortMixin, FormView):
    """An announcement to the whole cohort, stored and emailed to its active learners."""

    template_name = "courses/trainer/cohort_announce.html"
    form_class = AnnouncementForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            announcements=selectors.cohort_announcements(self.cohort, limit=20), **kwargs
        )

    def form_valid(self, form):
        try:
            _announcement, sent = services.announcement_create(
                actor=self.request.user,
                cohort=self.cohort,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
            )
        except services.TrainerActionError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(
            self.request,
            ngettext(
                "Your announcement was posted and emailed to %(count)d learner.",
                "Your announcement was posted and emailed to %(count)d learners.",
                sent,
            )
            % {"count": sent},
        )
        return HttpResponseRedirect(self.cohort_url())


class CohortQuizResultsView(CohortMixin, TemplateView):
    """Per quiz step and learner: best score, attempts, passed or failed."""

    template_name = "courses/trainer/cohort_quiz_results.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            results=selectors.cohort_quiz_results(self.cohort), **kwargs
        )
