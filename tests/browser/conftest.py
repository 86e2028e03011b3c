"""A real Chromium (Debian's package) driven by Playwright, against a live server."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time

import pytest

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """The system Chromium; CI must have it (.ci/run installs it), elsewhere we skip."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed (apt-get install chromium)")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return path


@pytest.fixture(scope="module")
def browser(chromium_path):
    """One headless Chromium per test module; Playwright's own browser download is not used.

    Not one per session: Playwright's sync API keeps an asyncio loop running in this thread
    until it stops, and asgiref's async_to_sync (channel layers, Channels' test helpers) refuses
    to run beside it, so every later test of the same pytest-xdist worker would fail.
    """
    # Playwright's sync API runs an event loop in this thread; Django's ORM, used by the
    # test itself between browser steps, must be allowed to run here anyway.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path, headless=True, args=CHROMIUM_FLAGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context (no cookies) with French as the browser language."""
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def asgi_server(transactional_db):
    """Campus's ASGI application (HTTP and websockets) served by uvicorn in a thread.

    pytest-django's live server speaks WSGI only (the pages then load no live script, see
    templates/base.html); this one also upgrades websockets, through the very stack of
    production (origin check, session auth, the routes), so real-time pages can be driven.
    In this process, so the in-memory channel layer and an in-memory SQLite test database
    are shared with the test.
    """
    import uvicorn

    from campus.asgi import application

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(application, log_level="warning", lifespan="off", ws="websockets-sansio")
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    listener.close()


@pytest.fixture
def page_as(browser):
    """Open browser contexts logged in as someone: ``page_as(base_url, user)`` returns a page
    carrying that person's session cookie (a real session), in French, closed at the end."""
    from django.conf import settings
    from django.test import Client

    contexts = []

    def open_page(base_url: str, user, locale: str = "fr-FR"):
        client = Client()
        client.force_login(user)
        name = settings.SESSION_COOKIE_NAME
        context = browser.new_context(base_url=base_url, locale=locale)
        context.add_cookies([{"name": name, "value": client.cookies[name].value, "url": base_url}])
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield open_page
    for context in contexts:
        context.close()
