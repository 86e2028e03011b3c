"""lrs.selectors: statement_get, statements_query paging and its query budget."""

from __future__ import annotations

import pytest

from lrs.selectors import (
    Position,
    cursor_dumps,
    cursor_loads,
    statement_get,
    statements_query,
)
from lrs.services import statement_store
from tests.lrs.factories import agent, statement, voiding

pytestmark = pytest.mark.django_db


def test_selectors_statements_get_respects_voiding():
    """statement_get returns a voided statement only when asked for a voided one."""
    target = statement()
    statement_store(statements=[target, voiding(target["id"])], client=None)
    assert statement_get(statement_id=target["id"]) is None
    assert statement_get(statement_id=target["id"], voided=True).payload["id"] == target["id"]


def test_selectors_statements_query_pages_cover_everything_once():
    """Walking pages with next_position returns every statement once, in order."""
    for _ in range(7):
        statement_store(statements=[statement() for _ in range(3)], client=None)
    seen, after = [], None
    while True:
        page = statements_query(filters={"ascending": True}, after=after, limit=4)
        seen += [s["id"] for s in page.statements]
        if page.next_position is None:
            break
        after = page.next_position
    assert len(seen) == len(set(seen)) == 21


def test_selectors_statements_query_agent_page_costs_two_queries(django_assert_num_queries):
    """An agent-filtered page is one query for matches and one for statements targeting them."""
    statement_store(statements=[statement() for _ in range(5)], client=None)
    with django_assert_num_queries(2):
        page = statements_query(filters={"agent": agent()}, limit=3)
    assert len(page.statements) == 3
    with django_assert_num_queries(1):
        statements_query(filters={}, limit=3)


def test_selectors_statements_cursor_round_trips_and_refuses_forgeries():
    """A `more` cursor decodes to what was encoded; a tampered one is a ValueError."""
    page = statements_query(filters={}, limit=1)
    assert page.next_position is None
    statement_store(statements=[statement(), statement()], client=None)
    position = statements_query(filters={}, limit=1).next_position
    assert isinstance(position, Position)
    token = cursor_dumps({"limit": "1"}, position)
    assert cursor_loads(token) == ({"limit": "1"}, position)
    with pytest.raises(ValueError):
        cursor_loads(token[:-2] + "xx")
