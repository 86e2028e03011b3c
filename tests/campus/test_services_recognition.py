"""The record's writer and reads: entries reported once, withdrawn not deleted, share links,
totals per school year."""

from __future__ import annotations

import datetime as dt
import threading
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from campus import selectors_recognition as selectors
from campus import services_recognition as services
from campus.models import (
    CompetenceItem,
    Credential,
    EntryKind,
    RecordEntry,
    RecordShare,
    TrainingModality,
)

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")


def at(year: int, month: int, day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=PARIS)


def report(user, key: str = "tests.event:1", **facts):
    """A module completion reported with its usual facts (overridable)."""
    values = {
        "kind": EntryKind.MODULE_COMPLETED,
        "title": "Enseigner avec GeoGebra",
        "occurred_at": at(2026, 3, 2),
        "modality": TrainingModality.DISTANCE,
        "distance_minutes": 180,
        **facts,
    }
    return services.entry_record(user=user, source_key=key, **values)


# --- entry_record ------------------------------------------------------------------------------


def test_services_recognition_entry_record_creates_then_changes_nothing(learner):
    """A second report of the same event returns the first entry, unchanged, created=False."""
    entry, created = report(learner, competence_items=["A.1-3"], result="Module terminé")

    again, created_again = report(
        learner, title="Autre titre", result="Autre", competence_items=["B.2-1"]
    )

    assert (created, created_again) == (True, False)
    assert again.pk == entry.pk
    entry.refresh_from_db()
    assert (entry.title, entry.result) == ("Enseigner avec GeoGebra", "Module terminé")
    assert list(entry.competence_items.values_list("code", flat=True)) == ["A.1-3"]
    assert entry.school_year == "2025-2026"
    assert RecordEntry.objects.count() == 1


def test_services_recognition_entry_record_same_key_other_user(learner, outsider):
    """The key is per user: the same event reported for two people makes two entries."""
    report(learner)
    report(outsider)

    assert RecordEntry.objects.count() == 2


def test_services_recognition_entry_record_items_as_codes_or_objects(learner):
    """Competence items may be codes or CompetenceItem objects; duplicates count once."""
    item = CompetenceItem.objects.get(code="B.2-1")

    entry, _ = report(learner, competence_items=["A.1-3", item, "B.2-1"])

    assert sorted(entry.competence_items.values_list("code", flat=True)) == ["A.1-3", "B.2-1"]


@pytest.mark.parametrize(
    ("facts", "message"),
    [
        ({"kind": "diploma"}, "unknown record entry kind 'diploma'"),
        ({"colour": "blue"}, "unknown record entry facts: colour"),
        ({"modality": "online"}, "unknown modality 'online'"),
        ({"occurred_at": dt.datetime(2026, 3, 2, 10)}, "timezone-aware"),  # noqa: DTZ001
        ({"title": "  "}, "needs a title"),
        ({"distance_minutes": -5}, "whole number of minutes"),
        ({"competence_items": ["Z.9-9"]}, "unknown competence item codes: Z.9-9"),
        ({"evidence_url": "javascript:alert(1)"}, "evidence_url must be"),
        ({"evidence_url": "//evil.example/"}, "evidence_url must be"),
        ({"details": {"when": dt.date(2026, 1, 1)}}, "JSON values only"),
    ],
)
def test_services_recognition_entry_record_refuses_bad_input(learner, facts, message):
    """Bad reports raise ValueError naming the problem, and write nothing."""
    with pytest.raises(ValueError, match=message):
        report(learner, **facts)

    assert not RecordEntry.objects.exists()


def test_services_recognition_entry_record_refuses_empty_key(learner):
    """An entry needs its event's key."""
    with pytest.raises(ValueError, match="source_key"):
        report(learner, key=" ")


def test_services_recognition_entry_record_shortens_long_title(learner):
    """A title longer than the column is shortened with an ellipsis, not refused."""
    entry, _ = report(learner, title="Fractions " * 40)

    assert len(entry.title) == 300
    assert entry.title.endswith("…")


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite locks the whole table (the CI's 2nd run)"
)
@pytest.mark.django_db(transaction=True)
def test_services_recognition_entry_record_concurrent_reports_land_once(reference_data):
    """Two threads report the same event at once: one entry, one created=True."""
    from tests.campus.factories import UserFactory

    user = UserFactory()
    results: list[bool] = []
    barrier = threading.Barrier(2)

    def run():
        barrier.wait()
        try:
            results.append(report(user)[1])
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == [False, True]
    assert RecordEntry.objects.filter(user=user).count() == 1


# --- Withdraw and restore ----------------------------------------------------------------------


def test_services_recognition_entry_withdraw_marks_not_deletes(learner, outsider):
    """Withdrawn entries stay, with their date and reason; only the named user's, or all."""
    mine, _ = report(learner, key="community.resource:1:published")
    theirs, _ = report(outsider, key="community.resource:1:published")
    Credential.objects.create(user=learner, entry=mine, status_index=7, key_id="k1")

    assert services.entry_withdraw(source_key=mine.source_key, user=learner, reason="Retirée") == 1
    assert services.entry_withdraw(source_key=mine.source_key, user=learner, reason="x") == 0
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.withdrawn_at is not None
    assert mine.details["withdrawal_reason"] == "Retirée"
    assert theirs.withdrawn_at is None
    # Its credential is revoked with it.
    assert Credential.objects.get(entry=mine).revocation_reason == "Retirée"

    assert services.entry_withdraw(source_key=mine.source_key, user=None, reason="Tous") == 1
    theirs.refresh_from_db()
    assert theirs.withdrawn_at is not None
    assert RecordEntry.objects.count() == 2


def test_services_recognition_entry_restore(learner):
    """A withdrawn entry comes back when its event stands again; a report alone does not."""
    entry, _ = report(learner)
    services.entry_withdraw(source_key=entry.source_key, user=learner, reason="Retirée")

    again, created = report(learner)
    assert created is False
    assert again.withdrawn_at is not None

    restored = services.entry_restore(source_key=entry.source_key, user=learner)
    assert restored.withdrawn_at is None
    assert "withdrawal_reason" not in restored.details
    assert services.entry_restore(source_key="nothing:1", user=learner) is None


# --- Share links -------------------------------------------------------------------------------


def test_services_recognition_share_create_own_entries(learner):
    """A link with a name and some of the actor's entries."""
    first, _ = report(learner, key="e:1")
    report(learner, key="e:2")

    share = services.share_create(actor=learner, label=" Candidature CAFFA ", entries=[first])

    assert share.label == "Candidature CAFFA"
    assert list(share.entries.all()) == [first]
    assert share.revoked_at is None


def test_services_recognition_share_create_refuses_others_entries(learner, outsider):
    """Someone else's entry: PermissionDenied, no link made."""
    mine, _ = report(learner, key="e:1")
    theirs, _ = report(outsider, key="e:1")

    with pytest.raises(PermissionDenied):
        services.share_create(actor=learner, label="Lien", entries=[mine, theirs])

    assert not RecordShare.objects.exists()


def test_services_recognition_share_create_refuses_empty_or_withdrawn(learner):
    """No entry, no name, or a withdrawn entry: RecognitionError with a message."""
    entry, _ = report(learner)

    with pytest.raises(services.RecognitionError, match="au moins une"):
        services.share_create(actor=learner, label="Lien", entries=[])
    with pytest.raises(services.RecognitionError, match="nom au lien"):
        services.share_create(actor=learner, label="  ", entries=[entry])
    services.entry_withdraw(source_key=entry.source_key, user=learner, reason="Retirée")
    with pytest.raises(services.RecognitionError, match="entrée retirée"):
        services.share_create(actor=learner, label="Lien", entries=[entry])
    assert not RecordShare.objects.exists()


def test_services_recognition_share_revoke(learner, outsider):
    """The owner revokes (twice is harmless); anyone else is refused."""
    entry, _ = report(learner)
    share = services.share_create(actor=learner, label="Lien", entries=[entry])

    with pytest.raises(PermissionDenied):
        services.share_revoke(actor=outsider, share=share)
    share.refresh_from_db()
    assert share.revoked_at is None

    revoked = services.share_revoke(actor=learner, share=share)
    again = services.share_revoke(actor=learner, share=share)
    assert revoked.revoked_at is not None
    assert again.revoked_at == revoked.revoked_at


# --- Totals ------------------------------------------------------------------------------------


def test_selectors_recognition_totals_per_school_year(learner, outsider, django_assert_num_queries):
    """Entries fall in the school year of their date (from 1 September), hours from minutes;
    withdrawn entries and other people's are not counted; one query for all years."""
    report(learner, key="a", occurred_at=at(2025, 8, 31, 20), distance_minutes=90)
    report(
        learner,
        key="b",
        # 1 September, 00:30 in Paris, given in UTC (still 31 August there).
        occurred_at=dt.datetime(2025, 8, 31, 22, 30, tzinfo=dt.UTC),
        modality=TrainingModality.BLENDED,
        distance_minutes=360,
        in_person_minutes=180,
    )
    report(
        learner,
        key="c",
        kind=EntryKind.REVIEW_COMPLETED,
        occurred_at=at(2026, 8, 31),
        modality=TrainingModality.NONE,
        distance_minutes=0,
    )
    report(learner, key="d", occurred_at=at(2026, 1, 5), distance_minutes=600)
    services.entry_withdraw(source_key="d", user=learner, reason="Retirée")
    report(outsider, key="a", occurred_at=at(2025, 10, 1), distance_minutes=1200)

    with django_assert_num_queries(1):
        years = selectors.totals_by_school_year(learner)

    assert list(years) == ["2025-2026", "2024-2025"]
    this_year = years["2025-2026"]
    assert (this_year.distance_hours, this_year.in_person_hours) == (6, 3)
    assert this_year.total_hours == 9
    assert this_year.counts == {EntryKind.MODULE_COMPLETED: 1, EntryKind.REVIEW_COMPLETED: 1}
    last_year = years["2024-2025"]
    assert str(last_year.distance_hours) == "1.50"
    assert last_year.entry_count == 1

    with django_assert_num_queries(1):
        totals = selectors.record_totals(learner, "2025-2026")
    assert (totals.distance_minutes, totals.in_person_minutes) == (360, 180)
    assert totals.counts == this_year.counts
    assert selectors.record_totals(learner).distance_minutes == 450


def test_selectors_recognition_current_school_year():
    """The school year turns on 1 September."""
    assert selectors.current_school_year(dt.date(2026, 8, 31)) == "2025-2026"
    assert selectors.current_school_year(dt.date(2026, 9, 1)) == "2026-2027"
