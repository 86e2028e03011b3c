"""A learner watches a step's uploaded video in a real browser: static/courses/video.js reports
played, paused, seeked and completed, and the statements land in the LRS."""

from __future__ import annotations

import io
import math
import re
import time
import uuid
import wave
from dataclasses import dataclass, field

import pytest
from django.core.files.base import ContentFile
from django.db import OperationalError
from wagtail.documents.models import Document
from wagtail.models import Collection

from courses.services import video_iri
from tests.campus.factories import PASSWORD, UserFactory
from tests.courses import factories as f
from tests.courses.learning_helpers import COMPLETED, parents, statements_of

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

VIDEO = "https://w3id.org/xapi/video"
PLAYED = f"{VIDEO}/verbs/played"
PAUSED = f"{VIDEO}/verbs/paused"
SEEKED = f"{VIDEO}/verbs/seeked"
TIME = f"{VIDEO}/extensions/time"
TIME_FROM = f"{VIDEO}/extensions/time-from"
TIME_TO = f"{VIDEO}/extensions/time-to"
PROGRESS = f"{VIDEO}/extensions/progress"
PLAYED_SEGMENTS = f"{VIDEO}/extensions/played-segments"
LENGTH = f"{VIDEO}/extensions/length"
SESSION_ID = f"{VIDEO}/extensions/session-id"
SECONDS = 2


def _media() -> bytes:
    """Two seconds of a quiet tone as WAV: a file Chromium really plays, made without ffmpeg.

    A <video> element plays audio-only files too; the media pipeline, its clock and its events
    are the same as for an MP4.
    """
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as file:
        file.setnchannels(1)
        file.setsampwidth(1)
        file.setframerate(8000)
        file.writeframes(bytes(128 + round(8 * math.sin(i / 6)) for i in range(8000 * SECONDS)))
    return buffer.getvalue()


MEDIA = _media()


def _serve_media(route) -> None:
    """Answer the video's requests with MEDIA, honouring Range as a file server does.

    A browser only seeks in a resource whose server answers byte ranges. Wagtail's document
    view, which the block's file URL points at, does not: this stands in for the web server
    or object storage that serves the files in production.
    """
    match = re.fullmatch(r"bytes=(\d+)-(\d*)", route.request.headers.get("range", ""))
    headers = {"Content-Type": "audio/wav", "Accept-Ranges": "bytes"}
    if not match:
        route.fulfill(status=200, body=MEDIA, headers=headers)
        return
    start = int(match[1])
    end = min(int(match[2]) if match[2] else len(MEDIA) - 1, len(MEDIA) - 1)
    headers["Content-Range"] = f"bytes {start}-{end}/{len(MEDIA)}"
    route.fulfill(status=206, body=MEDIA[start : end + 1], headers=headers)


@dataclass
class Watching:
    """A learner on a step page with an uploaded video, and what went wrong in the page."""

    page: object
    step: object
    video_id: str
    enrolment: object
    errors: list[str] = field(default_factory=list)  # Console errors and uncaught ones.


@pytest.fixture
def watching(reference_data, settings, tmp_path, page, live_server) -> Watching:
    """Claire, logged in, on a step with an uploaded video of a module she follows."""
    settings.MEDIA_ROOT = tmp_path
    # Documents live in a collection: the root one, gone if an earlier live-server test
    # flushed the database (reference_data rebuilds the page tree, not the collections).
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    learner = UserFactory(email="claire.martin@ac-lyon.fr", first_name="Claire")
    module = f.module_page(title="Observer pour enseigner")
    document = Document.objects.create(
        title="Séance filmée", file=ContentFile(MEDIA, name="seance.wav")
    )
    step = f.step_page(
        module=module,
        title="Une séance filmée",
        body=[
            (
                "video",
                {
                    "title": "Une séance filmée",
                    "file": document,
                    "url": None,
                    "captions": None,
                    "caption": "",
                    "transcript": "<p>Bonjour à tous.</p>",
                },
            )
        ],
    )
    watching = Watching(page, step, step.body[0].id, f.enrolment(user=learner, module=module))
    errors = watching.errors
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.route(f"**{document.url}", _serve_media)

    page.goto("/compte/connexion/")
    page.get_by_label("Adresse électronique").fill(learner.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{live_server.url}/")
    page.goto(step.url)
    # Predicates are functions, not expressions: the CSP forbids eval, which expressions need.
    page.wait_for_function("() => document.querySelector('video[data-video-id]').readyState >= 1")
    return watching


def _video_statements(enrolment, count: int, timeout: float = 10) -> list[dict]:
    """The enrolment's video statements, once there are ``count`` of them (oldest first).

    Told apart by their object, the video: visiting the step also completes this module of
    one step, with ADL's "completed" on the module.
    """
    deadline = time.monotonic() + timeout
    while True:
        try:
            found = _on_videos(statements_of(enrolment))
        except OperationalError:
            # SQLite's shared in-memory test database locks a table while the live server's
            # thread writes to it (SQLITE_LOCKED has no busy timeout): read again shortly.
            found = []
        if len(found) >= count or time.monotonic() > deadline:
            assert len(found) == count, [s["verb"]["id"] for s in found]
            return found
        time.sleep(0.2)


def _on_videos(statements: list[dict]) -> list[dict]:
    return [s for s in statements if "/video/" in s["object"]["id"]]


def _segments(payload: dict) -> list[tuple[float, float]]:
    """The played segments of a statement, parsed from the profile's notation."""
    text = payload["result"]["extensions"][PLAYED_SEGMENTS]
    return [tuple(float(t) for t in part.split("[.]")) for part in text.split("[,]")]


def _play(page, until: float | None = None) -> None:
    """Play the video muted (what a page may start without a gesture), until a media time."""
    page.locator("video").evaluate("v => { v.muted = true; return v.play(); }")
    if until is not None:
        page.wait_for_function(
            "until => document.querySelector('video').currentTime >= until", arg=until
        )


def test_journey_video_watched_reports_played_paused_seeked_completed(watching):
    """Play, pause, seek ahead, play to the end: the LRS holds the profile's six statements."""
    page, step, enrolment = watching.page, watching.step, watching.enrolment
    video = page.locator("video")

    _play(page, until=0.6)
    video.evaluate("v => v.pause()")
    played, paused = _video_statements(enrolment, 2)
    video.evaluate("v => { v.currentTime = 1.5; }")
    (seeked,) = _video_statements(enrolment, 3)[2:]
    _play(page)
    page.wait_for_function("() => document.querySelector('video').ended")
    statements = _video_statements(enrolment, 6)

    assert [s["verb"]["id"] for s in statements] == [
        PLAYED,
        PAUSED,
        SEEKED,
        PLAYED,
        PAUSED,
        COMPLETED,
    ]
    _, _, _, played_again, paused_at_end, completed = statements
    for statement in statements:
        assert statement["object"]["id"] == video_iri(step, watching.video_id)
        assert statement["context"]["registration"] == str(enrolment.registration)
        assert parents(statement) == [step.activity_iri, enrolment.module.activity_iri]
        assert statement["context"]["extensions"][LENGTH] == SECONDS
    sessions = {s["context"]["extensions"][SESSION_ID] for s in statements}
    assert len(sessions) == 1 and uuid.UUID(sessions.pop()).version == 4

    assert played["result"]["extensions"][TIME] < 0.2
    paused_at = paused["result"]["extensions"][TIME]
    assert 0.6 <= paused_at < 1.4
    [(start, end)] = _segments(paused)
    assert start < 0.2 and end == paused_at
    assert paused["result"]["extensions"][PROGRESS] == pytest.approx((end - start) / 2, abs=0.01)

    assert seeked["result"]["extensions"][TIME_FROM] == paused_at
    assert seeked["result"]["extensions"][TIME_TO] == pytest.approx(1.5, abs=0.05)
    assert TIME not in seeked["result"]["extensions"]
    assert played_again["result"]["extensions"][TIME] == pytest.approx(1.5, abs=0.05)

    # Ending pauses the media, then ends it: paused with both ranges, then completed.
    assert paused_at_end["result"]["extensions"][TIME] == SECONDS
    first, second = _segments(paused_at_end)
    assert first == (start, end)
    assert second[0] == pytest.approx(1.5, abs=0.05) and second[1] == SECONDS
    watched = (end - start) + (second[1] - second[0])
    assert completed["result"]["completion"] is True
    assert completed["result"]["extensions"][TIME] == SECONDS
    assert completed["result"]["extensions"][PROGRESS] == pytest.approx(watched / 2, abs=0.01)
    assert _segments(completed) == [first, second]
    assert watching.errors == []


def test_journey_video_leaving_mid_play_reports_a_final_paused(watching):
    """Leaving the page while the video plays still stores a paused, sent as the page goes."""
    page, enrolment = watching.page, watching.enrolment

    _play(page, until=0.5)
    page.goto("/")  # pagehide: the script sends its last event with fetch keepalive.
    played, paused = _video_statements(enrolment, 2)

    assert played["verb"]["id"] == PLAYED
    assert paused["verb"]["id"] == PAUSED
    left_at = paused["result"]["extensions"][TIME]
    assert left_at >= 0.5
    [(start, end)] = _segments(paused)
    assert start < 0.2 and end == left_at
    assert paused["result"]["extensions"][PROGRESS] == pytest.approx((end - start) / 2, abs=0.01)
    assert watching.errors == []


def test_journey_video_failing_server_does_not_stop_playback(watching):
    """When every event request fails, the video still plays to its end without a page error."""
    page, enrolment = watching.page, watching.enrolment
    page.route("**/parcours/etapes/**", lambda route: route.abort())
    errors = []  # Uncaught errors only: each aborted request logs a console error.
    page.on("pageerror", lambda error: errors.append(str(error)))

    _play(page)
    page.wait_for_function("() => document.querySelector('video').ended")

    assert errors == []
    assert _on_videos(statements_of(enrolment)) == []
