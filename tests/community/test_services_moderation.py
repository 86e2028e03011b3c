"""Moderation: reports, hiding and restoring, every act in the community's audit log."""

from __future__ import annotations

import pytest

from community import services_moderation as moderation
from community import services_rooms
from community.models import (
    AuditEntry,
    MemberRole,
    Notification,
    NotificationKind,
    Report,
    ReportStatus,
)
from tests.campus.factories import UserFactory
from tests.community import review_helpers as h
from tests.community.factories import CommunityFactory, MessageFactory, RoomFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def site_in_english(settings):
    """Notifications are written in the site's language: English here (the msgids)."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def w(learner, trainer):
    """Claire's draft in Karim's community of Lyon, three members, one banned."""
    return h.world(animateur=trainer, author=learner)


@pytest.fixture
def message(w):
    """A message of Claire's in a room of the community."""
    room = RoomFactory(community=w.community, name="Salle des profs")
    return MessageFactory(room=room, author=w.author, body="<p>Un message discutable.</p>")


def _actions(w) -> list[str]:
    return list(
        AuditEntry.objects.filter(community=w.community)
        .order_by("created", "id")
        .values_list("action", flat=True)
    )


def test_services_moderation_report_resource_logs_and_notifies(w):
    """A member reports a resource: the report is open, logged, and the animateurs told."""
    report = moderation.report_create(
        actor=w.reviewers[0], target=w.resource, reason="  Images sans source.  "
    )

    assert (report.status, report.reason, report.target) == (
        ReportStatus.OPEN,
        "Images sans source.",
        w.resource,
    )
    [entry] = AuditEntry.objects.all()
    assert (entry.action, entry.actor, entry.target, entry.note) == (
        moderation.REPORT_CREATED,
        w.reviewers[0],
        w.resource,
        "Images sans source.",
    )
    [notification] = Notification.objects.filter(recipient=w.animateur)
    assert notification.kind == NotificationKind.MODERATION
    assert "Les fractions au cycle 3" in notification.text
    assert notification.url == f"/communautes/{w.community.slug}/signalements/"


def test_services_moderation_one_open_report_per_person_and_target(w):
    """A second report of the same thing by the same person is refused while one is open."""
    first = moderation.report_create(actor=w.reviewers[0], target=w.resource, reason="Plagiat")

    with pytest.raises(moderation.ModerationError, match="already reported"):
        moderation.report_create(actor=w.reviewers[0], target=w.resource, reason="Encore")
    moderation.report_create(actor=w.reviewers[1], target=w.resource, reason="Plagiat aussi")
    moderation.report_dismiss(actor=w.animateur, report=first)
    moderation.report_create(actor=w.reviewers[0], target=w.resource, reason="Toujours")

    assert Report.objects.filter(status=ReportStatus.OPEN).count() == 2


def test_services_moderation_report_message(w, message):
    """A member reports someone else's message; the author cannot report their own."""
    with pytest.raises(moderation.ModerationError) as refused:
        moderation.report_create(actor=w.author, target=message, reason="?")
    assert refused.value.code == "forbidden"

    report = moderation.report_create(actor=w.reviewers[0], target=message, reason="Insultant")

    assert report.target == message
    assert AuditEntry.objects.get().target_repr == f"Salle des profs #{message.pk}"


@pytest.mark.parametrize("who", ["outsider", "banned"])
def test_services_moderation_report_refused_to_non_members(w, outsider, who):
    """Outsiders and banned members cannot report."""
    person = outsider if who == "outsider" else w.banned

    with pytest.raises(moderation.ModerationError) as refused:
        moderation.report_create(actor=person, target=w.resource, reason="x")

    assert refused.value.code == "forbidden"
    assert not Report.objects.exists()
    assert not AuditEntry.objects.exists()


def test_services_moderation_report_needs_a_reason(w):
    """A blank or overlong reason is refused; nothing is stored."""
    for reason in ("   ", "x" * 1001):
        with pytest.raises(moderation.ModerationError) as refused:
            moderation.report_create(actor=w.reviewers[0], target=w.resource, reason=reason)
        assert refused.value.code == "invalid"
    assert not Report.objects.exists()


def test_services_moderation_resolve_and_dismiss(w):
    """Animateurs resolve or dismiss an open report once; the reporter is told; all logged."""
    report = moderation.report_create(actor=w.reviewers[0], target=w.resource, reason="x")
    other = moderation.report_create(actor=w.reviewers[1], target=w.resource, reason="y")

    with pytest.raises(moderation.ModerationError) as refused:
        moderation.report_resolve(actor=w.reviewers[2], report=report)
    assert refused.value.code == "forbidden"
    resolved = moderation.report_resolve(actor=w.animateur, report=report, note="Sources ajoutées")
    moderation.report_dismiss(actor=w.animateur, report=other)
    with pytest.raises(moderation.ModerationError, match="already been handled"):
        moderation.report_dismiss(actor=w.animateur, report=report)

    assert (resolved.status, resolved.handled_by) == (ReportStatus.RESOLVED, w.animateur)
    assert _actions(w) == [
        moderation.REPORT_CREATED,
        moderation.REPORT_CREATED,
        moderation.REPORT_RESOLVED,
        moderation.REPORT_DISMISSED,
    ]
    assert AuditEntry.objects.get(action=moderation.REPORT_RESOLVED).note == "Sources ajoutées"
    assert Notification.objects.filter(
        recipient=w.reviewers[0], kind=NotificationKind.MODERATION
    ).exists()


def test_services_moderation_hide_and_restore_resource(w):
    """Animateurs hide a resource (who and when kept) and restore it; both logged."""
    hidden = moderation.resource_hide(actor=w.animateur, resource=w.resource, note="Droits")

    assert hidden.hidden_by == w.animateur and hidden.hidden_at is not None
    with pytest.raises(moderation.ModerationError, match="already hidden"):
        moderation.resource_hide(actor=w.animateur, resource=w.resource)
    with pytest.raises(moderation.ModerationError, match="already hidden"):
        moderation.report_create(actor=w.reviewers[0], target=w.resource, reason="x")

    restored = moderation.resource_restore(actor=w.animateur, resource=w.resource)

    assert restored.hidden_at is None and restored.hidden_by is None
    with pytest.raises(moderation.ModerationError, match="not hidden"):
        moderation.resource_restore(actor=w.animateur, resource=w.resource)
    assert _actions(w) == [moderation.RESOURCE_HIDDEN, moderation.RESOURCE_RESTORED]
    assert Notification.objects.filter(recipient=w.author).count() == 2


def test_services_moderation_hide_refused_to_members_and_other_animateurs(w):
    """Members, authors and animateurs of another community cannot hide a resource."""
    other_animateur = UserFactory()
    member(CommunityFactory(), other_animateur, role=MemberRole.ANIMATEUR)
    for person in (w.author, w.reviewers[0], other_animateur):
        with pytest.raises(moderation.ModerationError) as refused:
            moderation.resource_hide(actor=person, resource=w.resource)
        assert refused.value.code == "forbidden"
    w.resource.refresh_from_db()
    assert w.resource.hidden_at is None
    assert not AuditEntry.objects.exists()


def test_services_moderation_message_hiding_is_logged_too(w, message):
    """Room messages hidden and restored through the rooms' services land in the same log."""
    services_rooms.message_hide(actor=w.animateur, message=message, note="Propos déplacés")
    services_rooms.message_restore(actor=w.animateur, message=message)

    assert _actions(w) == [moderation.MESSAGE_HIDDEN, moderation.MESSAGE_RESTORED]
