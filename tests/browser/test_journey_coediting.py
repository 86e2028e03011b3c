"""Two co-authors in two browsers: each sees the other editing, and a stale save is merged."""

from __future__ import annotations

import threading

import pytest
from django.utils import translation

from tests.community.resources_helpers import make_resource, world

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    # WhiteNoise hands ASGI a synchronous file iterator for static files; Django says so.
    pytest.mark.filterwarnings("ignore:StreamingHttpResponse must consume synchronous"),
]


def fr(msgid: str, **values) -> str:
    """The interface's French text for ``msgid`` (as the pages show it, translated or not)."""
    with translation.override("fr"):
        text = translation.gettext(msgid)
    return text % values if values else text


def _off_the_loop(function, *args, **kwargs):
    """Run ``function`` in a thread of its own and return its result.

    Playwright's sync API keeps an event loop running in the test's thread, where asgiref's
    async_to_sync (the channel layer's group_send, called after commit by the services)
    refuses to run.
    """
    from django.db import connection

    result = {}

    def run():
        try:
            result["value"] = function(*args, **kwargs)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return result["value"]


def test_journey_coediting_sees_who_edits_and_merges(
    reference_data, asgi_server, page_as, learner, trainer, inspector
):
    """Claire and Karim open the scenario's editor: each sees the other editing; Claire
    saves, Karim's editor says it is stale, his save comes back as the conflict page with
    both versions, and his merged text becomes version 3."""
    from playwright.sync_api import expect

    lyon = world(author=learner, coauthor=trainer, animateur=inspector)
    resource = _off_the_loop(make_resource, lyon.author, lyon.community, coauthors=[lyon.coauthor])
    edit = f"/communautes/ressources/{resource.pk}/modifier/"
    claire, karim = page_as(asgi_server, lyon.author), page_as(asgi_server, lyon.coauthor)
    errors: list[str] = []
    for page in (claire, karim):
        page.on("pageerror", lambda error: errors.append(str(error)))

    karim.goto(f"/communautes/ressources/{resource.pk}/")
    claire.goto(edit)
    # Karim, reading the resource, sees that Claire edits it.
    expect(karim.locator("#editing-presence")).to_contain_text(
        fr("%(names)s is editing this resource.", names="Claire Martin")
    )
    karim.goto(edit)
    expect(karim.locator("#editing-presence")).to_contain_text(
        fr("%(names)s is editing this resource too.", names="Claire Martin")
    )
    expect(claire.locator("#editing-presence")).to_contain_text(
        fr("%(names)s is editing this resource too.", names="Karim Benali")
    )

    materials = fr("Materials")
    claire.get_by_label(materials).fill("Des pizzas en carton.")
    claire.get_by_role("button", name=fr("Save a new version")).click()
    expect(claire.get_by_text(fr("Version %(number)s is saved.", number=2))).to_be_visible()
    # Claire left the editor; Karim's is now stale, and he is told.
    expect(karim.locator("#editing-presence")).to_contain_text(
        fr(
            "%(name)s saved version %(number)s while you were editing: when you save, you "
            "will be shown both versions to merge them.",
            name="Claire Martin",
            number=2,
        )
    )
    expect(karim.locator(".community-editing")).to_be_hidden()

    karim.get_by_label(materials).fill("Des disques en papier.")
    karim.get_by_role("button", name=fr("Save a new version")).click()
    expect(karim.get_by_role("heading", name=fr("Your changes were not saved"))).to_be_visible()
    table = karim.locator(".community-diff")
    expect(table).to_contain_text("Des pizzas en carton.")
    expect(table).to_contain_text("Des disques en papier.")
    # The form holds Karim's text, now on version 2: he merges and saves.
    karim.get_by_label(materials).fill("Des pizzas en carton, ou des disques en papier.")
    karim.get_by_role("button", name=fr("Save a new version")).click()
    expect(karim.get_by_text(fr("Version %(number)s is saved.", number=3))).to_be_visible()

    revision = resource.revisions.get(number=3)
    assert revision.content["materials"] == "Des pizzas en carton, ou des disques en papier."
    assert revision.author == lyon.coauthor
    assert errors == []
