"""The record pages: the teacher's own timeline, entries and share links; a link's public page."""

from __future__ import annotations

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from campus import services_recognition as services
from campus.models import EntryKind, RecordShare, TrainingModality

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
RECORD = reverse("recognition:record")
SHARES = reverse("recognition:record_shares")


def entry(user, key: str, *, when: dt.datetime | None = None, **facts):
    """An entry of ``user``'s record (a module completed unless told otherwise)."""
    values = {
        "kind": EntryKind.MODULE_COMPLETED,
        "title": f"Module {key}",
        "occurred_at": when or timezone.now(),
        "modality": TrainingModality.DISTANCE,
        "distance_minutes": 90,
        "evidence_url": f"/offre-de-formation/{key}/",
        **facts,
    }
    return services.entry_record(user=user, source_key=f"tests:{key}", **values)[0]


@pytest.fixture
def english(settings):
    """Pages in English (the msgids)."""
    settings.LANGUAGE_CODE = "en"


# --- Who sees what -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        RECORD,
        reverse("recognition:record_entry", args=[1]),
        SHARES,
    ],
)
def test_views_recognition_anonymous_is_sent_to_login(client, url):
    """The record's pages need a login."""
    response = client.get(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_views_recognition_entry_own_shown_others_404(client, learner, outsider):
    """Claire sees her entry; Olivier, logged in, gets a 404 for it."""
    statement_id = str(uuid.uuid4())
    mine = entry(
        learner,
        "geogebra",
        competence_items=["A.1-3"],
        statement_ids=[statement_id],
        details={"objectives": "Concevoir une séance.", "cohort": "Session de printemps"},
    )
    url = reverse("recognition:record_entry", args=[mine.pk])

    client.force_login(learner)
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    for fact in ("Module geogebra", "A.1-3", statement_id, "Concevoir une séance.", "printemps"):
        assert fact in page

    client.force_login(outsider)
    assert client.get(url).status_code == 404


def test_views_recognition_record_shows_only_own_entries(client, learner, outsider):
    """The timeline lists the viewer's entries, never someone else's."""
    entry(learner, "mine")
    entry(outsider, "theirs")

    client.force_login(learner)
    page = client.get(RECORD).content.decode()

    assert "Module mine" in page
    assert "Module theirs" not in page
    assert 'href="/offre-de-formation/mine/"' in page  # Its evidence link.


def test_views_recognition_header_links_to_record(client, learner):
    """Logged in, the header's menu leads to « My record »; logged out, it does not."""
    assert f'href="{RECORD}"' not in client.get("/").content.decode()

    client.force_login(learner)
    assert f'href="{RECORD}"' in client.get("/").content.decode()


# --- The timeline's totals and filters ---------------------------------------------------------


def test_views_recognition_record_totals_for_selected_school_year(client, learner, english):
    """Totals are the selected school year's (1 September boundary); counts per kind."""
    entry(learner, "august", when=dt.datetime(2025, 8, 31, 12, tzinfo=PARIS))
    entry(
        learner,
        "september",
        when=dt.datetime(2025, 9, 1, 9, tzinfo=PARIS),
        modality=TrainingModality.BLENDED,
        distance_minutes=360,
        in_person_minutes=180,
    )
    entry(
        learner,
        "review",
        when=dt.datetime(2026, 2, 1, 9, tzinfo=PARIS),
        kind=EntryKind.REVIEW_COMPLETED,
        modality=TrainingModality.NONE,
        distance_minutes=0,
    )
    client.force_login(learner)

    response = client.get(RECORD, {"annee": "2025-2026"})

    assert response.status_code == 200
    totals = response.context["totals"]
    assert (totals.distance_hours, totals.in_person_hours, totals.total_hours) == (6, 3, 9)
    assert totals.counts == {EntryKind.MODULE_COMPLETED: 1, EntryKind.REVIEW_COMPLETED: 1}
    page = response.content.decode()
    assert "Module september" in page
    assert "Module august" not in page
    assert "9 h of training" in page
    assert "February 2026" in page  # Grouped by month.

    last_year = client.get(RECORD, {"annee": "2024-2025"})
    assert last_year.context["totals"].distance_minutes == 90
    assert "Module august" in last_year.content.decode()

    every_year = client.get(RECORD, {"annee": "toutes"})
    assert every_year.context["totals"].distance_minutes == 450


def test_views_recognition_record_filters_by_kind(client, learner):
    """The kind filter shows only entries of that kind."""
    entry(learner, "module")
    entry(learner, "review", kind=EntryKind.REVIEW_COMPLETED)
    client.force_login(learner)

    page = client.get(RECORD, {"type": EntryKind.REVIEW_COMPLETED}).content.decode()

    assert "Module review" in page
    assert "Module module" not in page


def test_views_recognition_record_bad_filter_is_400_with_message(client, learner, english):
    """A malformed school year or kind: 400 and the form says what is wrong."""
    client.force_login(learner)

    response = client.get(RECORD, {"annee": "2025-2030", "type": "diploma"})

    assert response.status_code == 400
    form = response.context["form"]
    assert "annee" in form.errors
    assert "type" in form.errors
    assert "Choose a school year from the list" in response.content.decode()


def test_views_recognition_record_withdrawn_entry_marked_not_counted(client, learner, english):
    """A withdrawn entry stays in the timeline, marked, out of the totals."""
    withdrawn = entry(learner, "gone")
    services.entry_withdraw(source_key=withdrawn.source_key, user=learner, reason="Retirée")
    client.force_login(learner)

    response = client.get(RECORD)

    assert "Module gone" in response.content.decode()
    assert "Withdrawn" in response.content.decode()
    assert response.context["totals"].entry_count == 0


def test_views_recognition_record_query_count(client, learner, django_assert_max_num_queries):
    """The record page costs a fixed number of queries, whatever the number of entries."""
    for n in range(30):
        entry(learner, f"m{n}", competence_items=["A.1-3", "B.2-1"])
    client.force_login(learner)
    client.get(RECORD)  # Warm the caches (site, roles).

    with django_assert_max_num_queries(9):
        response = client.get(RECORD)

    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 30


# --- Share links -------------------------------------------------------------------------------


def test_views_recognition_share_create_and_public_page(client, learner, outsider):
    """Claire ticks two entries and names the link; anyone with it sees those and her name."""
    first = entry(learner, "first")
    second = entry(learner, "second")
    entry(learner, "kept")
    client.force_login(learner)

    response = client.post(
        SHARES, {"label": "Pour l'inspectrice", "entries": [first.pk, second.pk]}
    )

    share = RecordShare.objects.get()
    assert response.status_code == 302
    assert response.url == f"{SHARES}#partage-{share.pk}"
    public_url = reverse("recognition:record_share_public", args=[share.pk])
    assert public_url in client.get(SHARES).content.decode()

    client.logout()
    response = client.get(public_url)
    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    page = response.content.decode()
    assert "Claire Martin" in page
    assert "Module first" in page and "Module second" in page
    assert "Module kept" not in page
    assert learner.email not in page


def test_views_recognition_share_of_others_entries_refused(client, learner, outsider):
    """Ticking someone else's entry (a forged POST) is a form error; no link is made."""
    mine = entry(learner, "mine")
    theirs = entry(outsider, "theirs")
    client.force_login(learner)

    response = client.post(SHARES, {"label": "Lien", "entries": [mine.pk, theirs.pk]})

    assert response.status_code == 400
    assert "entries" in response.context["form"].errors
    assert not RecordShare.objects.exists()


def test_views_recognition_share_without_entries_refused(client, learner, english):
    """No entry ticked: 400, and the form asks for one."""
    entry(learner, "mine")
    client.force_login(learner)

    response = client.post(SHARES, {"label": "Lien"})

    assert response.status_code == 400
    assert "Choose at least one entry to share." in response.content.decode()


def test_views_recognition_share_public_hides_withdrawn_entries(client, learner):
    """An entry withdrawn after the link was made is no longer shown by it."""
    kept = entry(learner, "kept")
    gone = entry(learner, "gone")
    share = services.share_create(actor=learner, label="Lien", entries=[kept, gone])
    services.entry_withdraw(source_key=gone.source_key, user=learner, reason="Retirée")

    page = client.get(reverse("recognition:record_share_public", args=[share.pk])).content.decode()

    assert "Module kept" in page
    assert "Module gone" not in page


def test_views_recognition_share_revoke_own_then_404(client, learner):
    """Claire revokes her link: its page is a 404 from then on."""
    share = services.share_create(actor=learner, label="Lien", entries=[entry(learner, "a")])
    public_url = reverse("recognition:record_share_public", args=[share.pk])
    assert client.get(public_url).status_code == 200
    client.force_login(learner)

    response = client.post(reverse("recognition:record_share_revoke", args=[share.pk]))

    assert response.status_code == 302
    share.refresh_from_db()
    assert share.revoked_at is not None
    client.logout()
    assert client.get(public_url).status_code == 404


def test_views_recognition_share_revoke_others_404(client, learner, outsider):
    """Olivier cannot revoke Claire's link (404), nor revoke by GET."""
    share = services.share_create(actor=learner, label="Lien", entries=[entry(learner, "a")])
    url = reverse("recognition:record_share_revoke", args=[share.pk])

    client.force_login(outsider)
    assert client.post(url).status_code == 404
    client.force_login(learner)
    assert client.get(url).status_code == 405
    share.refresh_from_db()
    assert share.revoked_at is None


def test_views_recognition_unknown_share_404(client):
    """A link that never existed is a 404."""
    url = reverse("recognition:record_share_public", args=[uuid.uuid4()])

    assert client.get(url).status_code == 404
