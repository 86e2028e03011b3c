"""Reads of the moderation pages: a community's reports with their targets, its audit log."""

from __future__ import annotations

from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.db.models import QuerySet

from community.models import AuditEntry, Community, Message, Report, ReportStatus, Resource


def reports_of(community: Community, *, handled: bool = False) -> QuerySet[Report]:
    """The community's open reports, oldest first (or the handled ones, newest first).

    Each report's ``target`` (a message with its room, or a resource) is fetched in one query
    per kind, whatever the number of reports.
    """
    reports = Report.objects.filter(community=community).select_related(
        "reporter", "handled_by", "content_type"
    )
    reports = reports.prefetch_related(
        GenericPrefetch(
            "target",
            [
                Message.objects.select_related("room__community", "author", "hidden_by"),
                Resource.objects.select_related("community", "hidden_by"),
            ],
        )
    )
    if handled:
        return reports.exclude(status=ReportStatus.OPEN).order_by("-handled_at", "-id")
    return reports.filter(status=ReportStatus.OPEN).order_by("created", "id")


def audit_log(community: Community) -> QuerySet[AuditEntry]:
    """The community's moderation log, newest first, with who acted."""
    return AuditEntry.objects.filter(community=community).select_related("actor")
