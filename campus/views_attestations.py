"""Attestations: the teacher obtains and downloads theirs; anyone checks one by its address."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.text import slugify
from django.views.generic import TemplateView, View

from campus import selectors_recognition
from campus import services_attestations as services
from campus.attestations import attestation_context, attestation_pdf
from campus.models import Attestation


class AttestationIssueView(LoginRequiredMixin, View):
    """POST: the entry's attestation (issued if need be), then its PDF."""

    def post(self, request, pk: int):
        entry = selectors_recognition.entry_of_owner(request.user, pk)
        try:
            attestation = services.attestation_for_entry(actor=request.user, entry=entry)
        except services.AttestationError as error:
            messages.error(request, str(error))
            return HttpResponseRedirect(reverse("recognition:record_entry", args=[entry.pk]))
        return HttpResponseRedirect(reverse("recognition:attestation_pdf", args=[attestation.pk]))


class AttestationYearlyView(LoginRequiredMixin, View):
    """POST: the summary of a school year (issued if need be), then its PDF."""

    def post(self, request, school_year: str):
        try:
            attestation = services.attestation_yearly(actor=request.user, school_year=school_year)
        except services.AttestationError as error:
            messages.error(request, str(error))
            return HttpResponseRedirect(reverse("recognition:record"))
        return HttpResponseRedirect(reverse("recognition:attestation_pdf", args=[attestation.pk]))


class AttestationPdfView(LoginRequiredMixin, View):
    """The PDF of one of the user's attestations; 404 for anyone else's."""

    def get(self, request, pk):
        attestation = get_object_or_404(Attestation, pk=pk, user=request.user)
        response = HttpResponse(attestation_pdf(attestation), content_type="application/pdf")
        name = slugify(attestation.content.get("title", ""))[:60] or "campus"
        response["Content-Disposition"] = f'attachment; filename="attestation-{name}.pdf"'
        return response


class AttestationVerifyView(TemplateView):
    """Anyone checks an attestation: authentic (issued here) and not revoked, with its facts."""

    template_name = "campus/attestations/verify.html"

    def get(self, request, *args, **kwargs):
        try:
            attestation = Attestation.objects.get(pk=kwargs["pk"])
        except (Attestation.DoesNotExist, ValueError):
            response = self.render_to_response({"unknown": True})
            response.status_code = 404
            return response
        return self.render_to_response(self.get_context_data(**attestation_context(attestation)))


def entry_attestation(entry) -> Attestation | None:
    """The entry's valid attestation, if one was issued (for the entry's page)."""
    return entry.attestations.filter(revoked_at__isnull=True).first()
