"""An attestation as a PDF (WeasyPrint), with its verification URL and QR code (segno)."""

from __future__ import annotations

import datetime as dt

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe

from campus.models import Attestation


def verification_url(attestation: Attestation) -> str:
    """Where anyone checks the attestation: absolute, on the public site address."""
    return settings.SITE_URL + reverse("recognition:attestation_verify", args=[attestation.pk])


def qr_svg(url: str) -> str:
    """The URL as an inline SVG QR code (medium error correction: survives a photocopy)."""
    return segno.make(url, error="m").svg_inline(scale=3, border=2)


def _date(value: str) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def attestation_context(attestation: Attestation) -> dict:
    """What the PDF template and the verification page show: the frozen facts."""
    content = attestation.content
    url = verification_url(attestation)
    return {
        "attestation": attestation,
        "facts": content,
        "started_on": _date(content.get("started_on", "")),
        "ended_on": _date(content.get("ended_on", "")),
        "distance_hours": round(content.get("distance_minutes", 0) / 60, 1),
        "in_person_hours": round(content.get("in_person_minutes", 0) / 60, 1),
        "verification_url": url,
        "lines": [
            {
                **line,
                "ended_on": _date(line["ended_on"]),
                "distance_hours": round(line["distance_minutes"] / 60, 1),
                "in_person_hours": round(line["in_person_minutes"] / 60, 1),
            }
            for line in content.get("entries", [])
        ],
    }


def attestation_pdf(attestation: Attestation) -> bytes:
    """The attestation's PDF, rendered from ``campus/attestations/attestation_pdf.html``."""
    from weasyprint import HTML  # Imported here: loading Pango costs ~0.3 s per process.

    context = attestation_context(attestation)
    # segno escapes the URL it encodes; the SVG is ours, not user input.
    context["qr"] = mark_safe(qr_svg(context["verification_url"]))  # noqa: S308
    template = (
        "campus/attestations/yearly_pdf.html"
        if attestation.kind == "yearly"
        else "campus/attestations/attestation_pdf.html"
    )
    html = render_to_string(template, context)
    return HTML(string=html, base_url=settings.SITE_URL).write_pdf()
