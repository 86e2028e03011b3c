"""Moderation: members report messages and resources, animateurs hide, restore and decide.

A report goes to the animateurs of the community the reported thing lives in
(:func:`report_create`); one person keeps at most one open report per target (the table's
constraint holds it against double clicks). Animateurs resolve or dismiss it
(:func:`report_resolve`, :func:`report_dismiss`), and hide or restore the content itself:
resources here (:func:`resource_hide`, :func:`resource_restore`), room messages through
:func:`community.services_rooms.message_hide` and ``message_restore``, which log the same way.

Every moderation act is written to the community's audit log (:class:`AuditEntry`) in the
same transaction as the act. Guards raise :class:`ModerationError`, shown to the user as is.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campus.models import User
from community.models import (
    AuditEntry,
    Community,
    Message,
    NotificationKind,
    Report,
    ReportStatus,
    Resource,
)
from community.selectors import is_member, runs_community
from community.selectors_review import community_runners
from community.services_review import FORBIDDEN, INVALID, GuardError, lock_resource, notify

REASON_MAX_LENGTH = 1000
NOTE_MAX_LENGTH = 1000


class ModerationError(GuardError):
    """A moderation step the guards refuse (``code`` as for the review's guards)."""


# The audit log's actions (AuditEntry.action). Room messages' are written by services_rooms.
REPORT_CREATED = "report_created"
REPORT_RESOLVED = "report_resolved"
REPORT_DISMISSED = "report_dismissed"
RESOURCE_HIDDEN = "resource_hidden"
RESOURCE_RESTORED = "resource_restored"
MESSAGE_HIDDEN = "message_hidden"
MESSAGE_RESTORED = "message_restored"


def community_of(target: Message | Resource) -> Community:
    """The community a reportable thing lives in."""
    if isinstance(target, Message):
        return target.room.community
    if isinstance(target, Resource):
        return target.community
    raise TypeError(f"{type(target).__name__} cannot be reported")


def target_label(target: Message | Resource) -> str:
    """A short description of the target for the audit log (kept if the target goes)."""
    if isinstance(target, Message):
        return f"{target.room.name} #{target.pk}"[:200]
    return target.title[:200]


def audit_record(
    *,
    community: Community,
    actor: User,
    action: str,
    target: Message | Resource | Report | None = None,
    label: str = "",
    note: str = "",
) -> AuditEntry:
    """Write one entry of the community's audit log (called inside the act's transaction)."""
    return AuditEntry.objects.create(
        community=community,
        actor=actor,
        action=action,
        content_type=ContentType.objects.get_for_model(target) if target is not None else None,
        object_id=target.pk if target is not None else None,
        target_repr=label[:200],
        note=note.strip()[:NOTE_MAX_LENGTH],
    )


def _reports_url(community: Community) -> str:
    return reverse("community:report_queue", args=[community.slug])


# --- Reports ---------------------------------------------------------------------------------


def _open_report_of(actor: User, target: Message | Resource) -> Report | None:
    return Report.objects.filter(
        reporter=actor,
        content_type=ContentType.objects.get_for_model(target),
        object_id=target.pk,
        status=ReportStatus.OPEN,
    ).first()


def ensure_can_report(actor: User, target: Message | Resource) -> None:
    """Active members report what they can see of their community, once while it is open."""
    community = community_of(target)
    if not is_member(actor, community):
        raise ModerationError(_("Only the community's members can report content."), FORBIDDEN)
    if isinstance(target, Message):
        if target.deleted_at is not None or target.hidden_at is not None:
            raise ModerationError(_("This message is no longer shown."))
        if target.author_id == actor.pk:
            raise ModerationError(_("You cannot report your own message."), FORBIDDEN)
    elif target.hidden_at is not None:
        raise ModerationError(_("This resource is already hidden by the animateurs."))
    if _open_report_of(actor, target) is not None:
        raise ModerationError(
            _("You have already reported this; the animateurs will look at your report.")
        )


@transaction.atomic
def report_create(*, actor: User, target: Message | Resource, reason: str) -> Report:
    """Report a message or a resource to the community's animateurs, who are notified."""
    ensure_can_report(actor, target)
    reason = reason.strip()
    if not reason:
        raise ModerationError(_("Say why you report this."), INVALID)
    if len(reason) > REASON_MAX_LENGTH:
        raise ModerationError(
            _("Keep the reason under %(max)s characters.") % {"max": REASON_MAX_LENGTH}, INVALID
        )
    community = community_of(target)
    try:
        # A savepoint: a concurrent duplicate breaks the constraint, not the transaction.
        with transaction.atomic():
            report = Report.objects.create(
                community=community,
                content_type=ContentType.objects.get_for_model(target),
                object_id=target.pk,
                reporter=actor,
                reason=reason,
            )
    except IntegrityError:
        raise ModerationError(
            _("You have already reported this; the animateurs will look at your report.")
        ) from None
    audit_record(
        community=community,
        actor=actor,
        action=REPORT_CREATED,
        target=target,
        label=target_label(target),
        note=reason,
    )
    notify(
        community_runners(community),
        kind=NotificationKind.MODERATION,
        message=gettext_lazy("%(actor)s reported « %(target)s » in %(community)s."),
        params={"actor": actor, "target": target_label(target), "community": community.name},
        url=_reports_url(community),
        actor=actor,
    )
    return report


def ensure_can_handle(actor: User, report: Report) -> None:
    """Animateurs of the report's community resolve or dismiss an open report."""
    if not runs_community(actor, report.community):
        raise ModerationError(_("Only the community's animateurs can do this."), FORBIDDEN)
    if report.status != ReportStatus.OPEN:
        raise ModerationError(_("This report has already been handled."))


def _close(*, actor: User, report: Report, status: ReportStatus, action: str, note: str) -> Report:
    report = Report.objects.select_for_update().select_related("community").get(pk=report.pk)
    ensure_can_handle(actor, report)
    report.status = status
    report.handled_by = actor
    report.handled_at = timezone.now()
    report.save(update_fields=["status", "handled_by", "handled_at"])
    target = report.target
    audit_record(
        community=report.community,
        actor=actor,
        action=action,
        target=report,
        label=target_label(target) if target is not None else str(report),
        note=note,
    )
    return report


@transaction.atomic
def report_resolve(*, actor: User, report: Report, note: str = "") -> Report:
    """An animateur has acted on the report (hidden the content, talked to the author…)."""
    report = _close(
        actor=actor, report=report, status=ReportStatus.RESOLVED, action=REPORT_RESOLVED, note=note
    )
    notify(
        [report.reporter],
        kind=NotificationKind.MODERATION,
        message=gettext_lazy(
            "The animateurs of %(community)s have acted on your report. Thank you."
        ),
        params={"community": report.community.name},
        actor=actor,
    )
    return report


@transaction.atomic
def report_dismiss(*, actor: User, report: Report, note: str = "") -> Report:
    """An animateur finds nothing to act on; the reporter is told."""
    report = _close(
        actor=actor,
        report=report,
        status=ReportStatus.DISMISSED,
        action=REPORT_DISMISSED,
        note=note,
    )
    notify(
        [report.reporter],
        kind=NotificationKind.MODERATION,
        message=gettext_lazy(
            "The animateurs of %(community)s have looked at your report and closed it."
        ),
        params={"community": report.community.name},
        actor=actor,
    )
    return report


# --- Hiding resources ------------------------------------------------------------------------


def ensure_can_hide(actor: User, resource: Resource) -> None:
    """Animateurs hide a shown resource."""
    if not runs_community(actor, resource.community):
        raise ModerationError(_("Only the community's animateurs can do this."), FORBIDDEN)
    if resource.hidden_at is not None:
        raise ModerationError(_("This resource is already hidden."))


def ensure_can_restore(actor: User, resource: Resource) -> None:
    """Animateurs restore a hidden resource."""
    if not runs_community(actor, resource.community):
        raise ModerationError(_("Only the community's animateurs can do this."), FORBIDDEN)
    if resource.hidden_at is None:
        raise ModerationError(_("This resource is not hidden."))


def _set_hidden(*, actor: User, resource: Resource, hidden: bool, note: str) -> Resource:
    """Hide or show the (locked, checked) resource; log it and tell its authors."""
    resource.hidden_at = timezone.now() if hidden else None
    resource.hidden_by = actor if hidden else None
    resource.save(update_fields=["hidden_at", "hidden_by"])
    audit_record(
        community=resource.community,
        actor=actor,
        action=RESOURCE_HIDDEN if hidden else RESOURCE_RESTORED,
        target=resource,
        label=target_label(resource),
        note=note,
    )
    notify(
        resource.authors.all(),
        kind=NotificationKind.MODERATION,
        message=gettext_lazy("The animateurs have hidden « %(title)s ».")
        if hidden
        else gettext_lazy("The animateurs have restored « %(title)s »."),
        params={"title": resource.title},
        # No link to a hidden resource: it is shown to the animateurs only.
        url="" if hidden else reverse("community:resource_review", args=[resource.pk]),
        actor=actor,
    )
    return resource


@transaction.atomic
def resource_hide(*, actor: User, resource: Resource, note: str = "") -> Resource:
    """Hide the resource from everyone but the animateurs (who see who hid it, and when)."""
    lock_resource(resource)
    ensure_can_hide(actor, resource)
    return _set_hidden(actor=actor, resource=resource, hidden=True, note=note)


@transaction.atomic
def resource_restore(*, actor: User, resource: Resource, note: str = "") -> Resource:
    """Show a hidden resource again."""
    lock_resource(resource)
    ensure_can_restore(actor, resource)
    return _set_hidden(actor=actor, resource=resource, hidden=False, note=note)
