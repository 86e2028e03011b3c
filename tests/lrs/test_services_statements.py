"""lrs.services.statement_store: enrich steps, atomicity, voiding, hooks and query budget."""

from __future__ import annotations

import pytest

from lrs.models import Statement
from lrs.services import StatementConflictError, VoidingError, statement_store
from lrs.signals import statements_stored
from lrs.xapi.errors import XAPIValidationError
from tests.lrs.factories import agent, statement, voiding

PLATFORM = {
    "objectType": "Agent",
    "account": {"homePage": "https://campus.example.fr", "name": "campus"},
}


@pytest.mark.django_db
def test_services_statements_store_enriches_with_lrs_properties():
    """Missing id, timestamp and version are set; stored is one instant for the batch."""
    first, second = statement(), statement(timestamp="2026-01-05T10:00:00+01:00")
    del first["id"]
    ids = statement_store(statements=[first, second], client=None, authority=PLATFORM)
    payloads = [Statement.objects.get(statement_id=i).payload for i in ids]
    assert payloads[0]["id"] == ids[0]
    assert payloads[0]["stored"] == payloads[1]["stored"] == payloads[0]["timestamp"]
    assert payloads[1]["timestamp"] == "2026-01-05T10:00:00+01:00"
    assert {p["version"] for p in payloads} == {"1.0.0"}
    assert payloads[0]["authority"] == PLATFORM


@pytest.mark.django_db
def test_services_statements_store_invalid_batch_stores_nothing():
    """An invalid statement raises and leaves the LRS unchanged."""
    with pytest.raises(XAPIValidationError):
        statement_store(statements=[statement(), {"actor": agent()}], client=None)
    assert not Statement.objects.exists()


@pytest.mark.django_db
def test_services_statements_store_conflict_rolls_back_the_batch():
    """A conflicting id anywhere in a batch stores none of it."""
    stored = statement()
    statement_store(statements=[stored], client=None)
    changed = {**stored, "actor": agent("karim")}
    with pytest.raises(StatementConflictError):
        statement_store(statements=[statement(), changed], client=None)
    assert Statement.objects.count() == 1


@pytest.mark.django_db
def test_services_statements_store_refuses_voiding_a_voiding_statement():
    """Voiding a voiding statement, even in the same batch, raises VoidingError."""
    target = statement()
    void = voiding(target["id"])
    with pytest.raises(VoidingError):
        statement_store(statements=[target, void, voiding(void["id"])], client=None)
    assert not Statement.objects.exists()


@pytest.mark.django_db
def test_services_statements_store_voids_targets_in_the_same_batch():
    """A target and its voiding statement stored together: the target is voided."""
    target = statement()
    statement_store(statements=[target, voiding(target["id"])], client=None)
    assert Statement.objects.get(statement_id=target["id"]).voided


@pytest.mark.django_db(transaction=True)
def test_services_statements_store_sends_hooks_after_commit():
    """statements_stored fires once the batch has committed, and not for a re-send."""
    seen = []

    def stored(sender, statement_ids, statements, **kwargs):
        seen.append((statement_ids, statements[0]["stored"]))

    statements_stored.connect(stored)
    try:
        sent = statement()
        ids = statement_store(statements=[sent], client=None)
        statement_store(statements=[sent], client=None)  # Idempotent re-send: no new hook.
    finally:
        statements_stored.disconnect(stored)
    assert [event[0] for event in seen] == [ids]


@pytest.mark.django_db
def test_services_statements_store_query_count_is_flat(django_assert_max_num_queries):
    """A batch of 100 costs a fixed number of queries, not one per statement."""
    batch = [statement(object={"id": f"https://campus.example.fr/a/{n}"}) for n in range(100)]
    # Savepoint, existence, earlier voiding, statements (two INSERTs on SQLite: its bound
    # parameter limit splits 100 rows), agents, activities, release.
    with django_assert_max_num_queries(8):
        statement_store(statements=batch, client=None)
    assert Statement.objects.count() == 100
