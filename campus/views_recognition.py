"""Pages of the career-recognition record: the timeline, one entry, share links.

The record is its holder's alone: another teacher's entry or share link is a 404, whatever
their role. A share link's page is public (whoever has the link) until the link is revoked.
Writes go through :mod:`campus.services_recognition`, which checks again.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView, View

from campus import selectors_recognition as selectors
from campus import services_recognition as services
from campus.forms_recognition import ALL_YEARS, RecordFilterForm, ShareForm
from campus.services_credentials import credential_of_entry
from campus.views_attestations import entry_attestation

ENTRIES_PER_PAGE = 50


class RecordView(LoginRequiredMixin, TemplateView):
    """« Mon dossier »: the year's totals, the filters, the entries grouped by month."""

    template_name = "campus/recognition/record.html"

    def get(self, request, *args, **kwargs):
        user = request.user
        years = selectors.totals_by_school_year(user)
        current = selectors.current_school_year()
        offered = sorted({current, *years}, reverse=True)
        form = RecordFilterForm(request.GET or None, years=offered)
        school_year, kind = current, ""
        if form.is_bound and form.is_valid():
            school_year = form.cleaned_data["annee"] or current
            kind = form.cleaned_data["type"]
        elif not form.is_bound:
            form = RecordFilterForm(initial={"annee": current}, years=offered)
        if school_year == ALL_YEARS:
            totals = selectors.RecordTotals()
            for year_totals in years.values():
                totals.add(year_totals)
        else:
            totals = years.get(school_year, selectors.RecordTotals())
        entries = selectors.record_entries(
            user, school_year=None if school_year == ALL_YEARS else school_year, kind=kind or None
        )
        page = Paginator(entries, ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
        querystring = request.GET.copy()
        querystring.pop("page", None)
        context = self.get_context_data(
            form=form,
            totals=totals,
            school_year=school_year,
            all_years=school_year == ALL_YEARS,
            kind=kind,
            page=page,
            page_links=page.paginator.get_elided_page_range(page.number),
            months=selectors.by_month(page.object_list),
            querystring=querystring.urlencode(),
        )
        # A malformed filter is the visitor's mistake: say so, with the page still usable.
        status = 400 if form.is_bound and not form.is_valid() else 200
        return self.render_to_response(context, status=status)


class EntryView(LoginRequiredMixin, TemplateView):
    """One entry of the user's record, with everything it states; 404 for anyone else's."""

    template_name = "campus/recognition/entry.html"

    def get_context_data(self, **kwargs):
        entry = selectors.entry_of_owner(self.request.user, self.kwargs["pk"])
        details = entry.details if isinstance(entry.details, dict) else {}
        return super().get_context_data(
            entry=entry,
            details=details,
            competence_items=list(entry.competence_items.all()),
            credential=credential_of_entry(entry),
            attestation=entry_attestation(entry),
            **kwargs,
        )


class SharesView(LoginRequiredMixin, FormView):
    """The user's share links: make one (a name, entries ticked), see and revoke the others."""

    template_name = "campus/recognition/shares.html"
    form_class = ShareForm

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "entries": selectors.shareable_entries(self.request.user),
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(shares=selectors.shares_of(self.request.user), **kwargs)

    def form_valid(self, form):
        try:
            share = services.share_create(
                actor=self.request.user,
                label=form.cleaned_data["label"],
                entries=list(form.cleaned_data["entries"]),
            )
        except services.RecognitionError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("The link « %(label)s » is ready: copy it from the list below.")
            % {"label": share.label},
        )
        return HttpResponseRedirect(reverse("recognition:record_shares") + f"#partage-{share.pk}")

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ShareRevokeView(LoginRequiredMixin, View):
    """Revoke one of the user's share links (POST); 404 for anyone else's."""

    http_method_names = ["post"]

    def post(self, request, pk):
        share = selectors.share_of_owner(request.user, pk)
        services.share_revoke(actor=request.user, share=share)
        messages.success(
            request,
            _("The link « %(label)s » is revoked: it shows nothing any more.")
            % {"label": share.label},
        )
        return HttpResponseRedirect(reverse("recognition:record_shares"))


class PublicShareView(TemplateView):
    """What a share link shows anyone who has it: the teacher's name and the chosen entries."""

    template_name = "campus/recognition/public_share.html"

    def get_context_data(self, **kwargs):
        share, entries = selectors.public_share(self.kwargs["pk"])
        return super().get_context_data(share=share, holder=share.user, entries=entries, **kwargs)

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        # A personal page reached by a secret link: kept out of search engines and caches, and
        # the link is not leaked to the sites its evidence links lead to.
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Cache-Control"] = "private, no-store"
        response["Referrer-Policy"] = "no-referrer"
        return response
