"""Two members chat in a room, live, each in a browser of their own."""

from __future__ import annotations

import pytest
from django.utils import translation

from community.models import Message
from tests.community import rooms_helpers

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


def test_journey_room_two_members_chat_live(
    reference_data, settings, asgi_server, page_as, learner, trainer, inspector, outsider
):
    """Claire and Karim open the room: each sees the other online; Karim sees Claire typing,
    then her message, with a toast for his mention; his answer reaches her; nothing reloads."""
    from playwright.sync_api import expect

    rooms_helpers.fresh_cache(settings)
    world = rooms_helpers.world(
        animateur=trainer, learner=learner, inspector=inspector, outsider=outsider
    )
    url = f"/communautes/{world.community.slug}/salons/{world.room.slug}/"
    claire, karim = page_as(asgi_server, learner), page_as(asgi_server, trainer)
    errors: list[str] = []
    for page in (claire, karim):
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    claire.goto(url)
    karim.goto(url)
    # Who is online, on both sides (Claire learns that Karim arrived).
    expect(claire.locator("#room-presence")).to_contain_text("Karim Benali")
    expect(karim.locator("#room-presence")).to_contain_text("Claire Martin")
    expect(karim.locator("#room-status")).to_have_text(
        fr("Connected: new messages appear as they are sent.")
    )

    box = claire.get_by_label(fr("Your message"))
    box.press_sequentially("Bonjour @karim.benali, tu as vu")
    expect(karim.locator("#room-typing")).to_have_text(
        fr("%(name)s is typing…", name="Claire Martin")
    )
    box.press_sequentially(" le nouveau programme ?")
    claire.get_by_role("button", name=fr("Send")).click()

    text = "Bonjour @karim.benali, tu as vu le nouveau programme ?"
    message = karim.locator("#room-messages .room-message").last
    expect(message).to_contain_text(text)
    expect(message.locator(".room-message__author")).to_have_text("Claire Martin")
    expect(karim.locator("#room-announcer")).to_contain_text("Claire Martin")
    expect(karim.locator("#room-typing")).to_have_text("")
    # The mention's notification, as a toast on Karim's page.
    expect(karim.locator("#campus-toasts")).to_contain_text(
        fr("%(name)s mentioned you in « %(room)s »", name="Claire Martin", room="Salle des profs")
    )
    # Claire's own copy became the stored message (its id), no longer "Sending…".
    stored = Message.objects.get()
    expect(claire.locator(f"#message-{stored.pk}")).to_contain_text(text)
    expect(claire.locator(".room-message--pending")).to_have_count(0)
    expect(box).to_have_value("")

    karim.get_by_label(fr("Your message")).fill("Oui, merci !")
    karim.get_by_label(fr("Your message")).press("Control+Enter")
    expect(claire.locator("#room-messages .room-message").last).to_contain_text("Oui, merci !")
    expect(claire.locator("#room-messages .room-message")).to_have_count(2)

    assert [m.body for m in Message.objects.order_by("pk")] == [
        f"<p>{text}</p>",
        "<p>Oui, merci !</p>",
    ]
    assert errors == []
