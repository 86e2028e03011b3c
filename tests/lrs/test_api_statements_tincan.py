"""The Statements resource as a real xAPI client sees it: tincan's RemoteLRS on a live server."""

from __future__ import annotations

import pytest
import tincan

from tests.lrs.factories import SECRET, ClientFactory

VERB = "http://adlnet.gov/expapi/verbs/completed"


@pytest.fixture
def remote_lrs(live_server, transactional_db):
    """A tincan RemoteLRS pointed at the live server with a client holding every scope."""
    client = ClientFactory()
    return tincan.RemoteLRS(
        endpoint=live_server.url + "/xapi/",
        username=client.key,
        password=SECRET,
        version="1.0.3",
    )


def _statement(name: str, module: str) -> tincan.Statement:
    return tincan.Statement(
        actor=tincan.Agent(name=name.title(), mbox=f"mailto:{name}@ac-lyon.fr"),
        verb=tincan.Verb(id=VERB, display=tincan.LanguageMap({"fr-FR": "a terminé"})),
        object=tincan.Activity(
            id=f"https://campus.example.fr/activities/{module}",
            definition=tincan.ActivityDefinition(name=tincan.LanguageMap({"fr-FR": module})),
        ),
    )


def test_api_statements_tincan_saves_retrieves_and_queries(remote_lrs):
    """RemoteLRS saves statements, reads one back by id and queries them by agent and page."""
    saved = remote_lrs.save_statement(_statement("claire", "module-1"))
    assert saved.success, saved.data
    statement_id = saved.content.id
    batch = remote_lrs.save_statements([_statement("karim", f"module-{n}") for n in range(2, 5)])
    assert batch.success, batch.data

    fetched = remote_lrs.retrieve_statement(statement_id)
    assert fetched.success, fetched.data
    assert fetched.content.actor.mbox == "mailto:claire@ac-lyon.fr"
    assert fetched.content.authority is not None
    assert fetched.content.stored is not None

    karim = tincan.Agent(mbox="mailto:karim@ac-lyon.fr")
    page = remote_lrs.query_statements({"agent": karim, "limit": 2})
    assert page.success, page.data
    assert len(page.content.statements) == 2
    assert page.content.more
    rest = remote_lrs.more_statements(page.content)
    assert rest.success, rest.data
    assert len(rest.content.statements) == 1
    assert not rest.content.more
