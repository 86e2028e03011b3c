"""Moderation pages over HTTP: reporting, the reports queue, hiding, the audit log."""

from __future__ import annotations

import pytest
from django.urls import reverse

from community import services_moderation as moderation
from community.models import AuditEntry, Report, ReportStatus
from tests.community import review_helpers as h
from tests.community.factories import MessageFactory, RoomFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client, settings):
    """A browser that asked for the English interface (the msgids)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def w(learner, trainer):
    """Claire's submitted resource in Karim's community of Lyon, members, one banned."""
    world = h.world(animateur=trainer, author=learner)
    h.submitted(world)
    return world


@pytest.fixture
def message(w):
    room = RoomFactory(community=w.community, name="Salle des profs")
    return MessageFactory(room=room, author=w.author, body="<p>Un message discutable.</p>")


def _report_url(w) -> str:
    return reverse("community:resource_report", args=[w.resource.pk])


def _queue(w) -> str:
    return reverse("community:report_queue", args=[w.community.slug])


# --- Reporting -------------------------------------------------------------------------------


def test_views_moderation_member_reports_a_resource(client, w):
    """A member fills the form; the report is stored and they go back to the review page."""
    client.force_login(w.reviewers[0])
    assert client.get(_report_url(w)).status_code == 200

    response = client.post(_report_url(w), {"reason": "Images sans source"})

    assert response.status_code == 302
    assert response["Location"] == reverse("community:resource_review", args=[w.resource.pk])
    assert Report.objects.get().reason == "Images sans source"


def test_views_moderation_report_refusals(client, w, outsider):
    """Empty reason 400; a second open report 409; outsiders 404; banned members 404."""
    client.force_login(w.reviewers[0])
    assert client.post(_report_url(w), {"reason": " "}).status_code == 400
    client.post(_report_url(w), {"reason": "Plagiat"})
    assert client.get(_report_url(w)).status_code == 409

    for person in (outsider, w.banned):
        client.force_login(person)
        assert client.post(_report_url(w), {"reason": "x"}).status_code == 404
    assert Report.objects.count() == 1


def test_views_moderation_report_a_message(client, w, message, outsider):
    """Members report a message (shown on the form); to outsiders it does not exist."""
    url = reverse("community:message_report", args=[message.pk])
    client.force_login(outsider)
    assert client.get(url).status_code == 404

    client.force_login(w.reviewers[0])
    page = client.get(url).content.decode()
    assert "Un message discutable." in page
    response = client.post(url, {"reason": "Hors sujet"})

    assert response.status_code == 302
    assert response["Location"].endswith(f"#message-{message.pk}")
    assert Report.objects.get().target == message


def test_views_moderation_author_cannot_report_own_message(client, w, message):
    """Reporting one's own message is refused on the form (403)."""
    client.force_login(w.author)

    response = client.post(reverse("community:message_report", args=[message.pk]), {"reason": "x"})

    assert response.status_code == 403
    assert not Report.objects.exists()


# --- The animateurs' queue -------------------------------------------------------------------


def test_views_moderation_queue_for_animateurs_only(client, w, message, django_assert_num_queries):
    """Karim sees each open report with its target; members get a 403."""
    moderation.report_create(actor=w.reviewers[0], target=w.resource, reason="Plagiat")
    moderation.report_create(actor=w.reviewers[1], target=message, reason="Insultant")
    moderation.report_create(actor=w.reviewers[2], target=message, reason="Oui")
    other = MessageFactory(room=message.room, author=w.reviewers[1])  # More targets, same queries.
    moderation.report_create(actor=w.reviewers[0], target=other, reason="Aussi")
    client.force_login(w.reviewers[0])
    assert client.get(_queue(w)).status_code == 403

    client.force_login(w.animateur)
    with django_assert_num_queries(11):
        page = client.get(_queue(w)).content.decode()

    assert "Plagiat" in page and "Insultant" in page
    assert "Un message discutable." in page
    assert reverse("community:report_resolve", args=[Report.objects.first().pk]) in page


def test_views_moderation_resolve_dismiss_and_hide_from_the_queue(client, w, message):
    """Karim hides the message, resolves its report, dismisses the other; all logged."""
    on_message = moderation.report_create(actor=w.reviewers[1], target=message, reason="x")
    on_resource = moderation.report_create(actor=w.reviewers[0], target=w.resource, reason="y")
    client.force_login(w.animateur)

    client.post(reverse("community:moderation_message_hide", args=[message.pk]), {"note": "Propos"})
    client.post(reverse("community:report_resolve", args=[on_message.pk]))
    response = client.post(reverse("community:report_dismiss", args=[on_resource.pk]))

    assert response.status_code == 302 and response["Location"] == _queue(w)
    message.refresh_from_db()
    assert message.hidden_by == w.animateur
    assert set(Report.objects.values_list("status", flat=True)) == {
        ReportStatus.RESOLVED,
        ReportStatus.DISMISSED,
    }
    assert sorted(AuditEntry.objects.values_list("action", flat=True)) == sorted(
        [
            moderation.REPORT_CREATED,
            moderation.REPORT_CREATED,
            moderation.MESSAGE_HIDDEN,
            moderation.REPORT_RESOLVED,
            moderation.REPORT_DISMISSED,
        ]
    )


def test_views_moderation_members_cannot_handle_reports_or_hide(client, w, message):
    """Members get a 403 on resolving, hiding a message; hiding a resource is refused too."""
    report = moderation.report_create(actor=w.reviewers[1], target=message, reason="x")
    client.force_login(w.reviewers[0])

    assert client.post(reverse("community:report_resolve", args=[report.pk])).status_code == 403
    assert (
        client.post(reverse("community:moderation_message_hide", args=[message.pk])).status_code
        == 403
    )
    assert client.post(reverse("community:resource_hide", args=[w.resource.pk])).status_code == 403
    report.refresh_from_db()
    message.refresh_from_db()
    w.resource.refresh_from_db()
    assert report.status == ReportStatus.OPEN
    assert message.hidden_at is None and w.resource.hidden_at is None


def test_views_moderation_overlong_note_is_a_400(client, w):
    """A note longer than the form allows is refused, and nothing is hidden."""
    client.force_login(w.animateur)

    response = client.post(
        reverse("community:resource_hide", args=[w.resource.pk]), {"note": "x" * 1001}
    )

    assert response.status_code == 400
    w.resource.refresh_from_db()
    assert w.resource.hidden_at is None


def test_views_moderation_hidden_resource_is_for_animateurs_only(client, w):
    """Once hidden, members lose the resource (404); Karim sees who hid it, and restores it."""
    client.force_login(w.animateur)
    client.post(reverse("community:resource_hide", args=[w.resource.pk]), {"note": "Droits"})
    page_url = reverse("community:resource_review", args=[w.resource.pk])

    page = client.get(page_url).content.decode()
    assert "Hidden by Karim Benali" in page
    client.force_login(w.author)
    assert client.get(page_url).status_code == 404

    client.force_login(w.animateur)
    client.post(reverse("community:resource_restore", args=[w.resource.pk]))
    client.force_login(w.author)
    assert client.get(page_url).status_code == 200


# --- The audit log ---------------------------------------------------------------------------


def test_views_moderation_audit_log(client, w, outsider, django_assert_num_queries):
    """Karim reads every act, newest first; members and outsiders get a 403."""
    moderation.report_create(actor=w.reviewers[0], target=w.resource, reason="Plagiat")
    moderation.resource_hide(actor=w.animateur, resource=w.resource, note="En attente")
    url = reverse("community:audit_log", args=[w.community.slug])
    for person in (w.reviewers[0], outsider):
        client.force_login(person)
        assert client.get(url).status_code == 403

    client.force_login(w.animateur)
    with django_assert_num_queries(9):
        page = client.get(url).content.decode()

    assert page.index("hid the resource") < page.index("reported")
    assert "En attente" in page


def test_views_moderation_audit_log_anonymous_log_in(client, w):
    """Anonymous visitors are sent to log in."""
    response = client.get(reverse("community:audit_log", args=[w.community.slug]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
