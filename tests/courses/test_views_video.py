"""The video player's events posted as JSON: statements of the xAPI Video Profile, refusals."""

from __future__ import annotations

import json
import re

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from wagtail.documents.models import Document

from courses.models import EnrolmentStatus
from courses.services import video_iri
from courses.views_video import MAX_BODY_BYTES
from lrs.models import Statement
from tests.courses import factories as f
from tests.courses.learning_helpers import COMPLETED, EXPERIENCED, parents, statements_of

pytestmark = pytest.mark.django_db

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
SESSION = "5b1c2a8e-0f4d-4c59-9a0e-6f7d3c2b1a90"
SCRIPT = re.compile(r'<script src="[^"]*/courses/video\.js" defer data-csrf-token="([^"]+)">')


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Uploaded videos go to a temporary media folder."""
    settings.MEDIA_ROOT = tmp_path


def _video(title: str = "Une séance filmée", **value) -> tuple[str, dict]:
    """A video block, as a (type, value) stream item: uploaded unless given a ``url``."""
    if "url" not in value:
        value["file"] = Document.objects.create(
            title=title, file=ContentFile(b"00", name="seance.mp4")
        )
    return (
        "video",
        {
            "title": title,
            "file": None,
            "url": None,
            "captions": None,
            "caption": "",
            "transcript": "<p>Bonjour à tous.</p>",
            **value,
        },
    )


@pytest.fixture
def step(module):
    """A step with text, an uploaded video, then a video embedded from PeerTube."""
    return f.step_page(
        module=module,
        title="Observer une séance",
        body=[
            ("paragraph", "<p>Regardez la séance.</p>"),
            _video(),
            _video("GeoGebra en classe", url="https://tube.example.org/w/geogebra"),
        ],
    )


def _ids(step) -> tuple[str, str, str]:
    """(paragraph, uploaded video, embedded video) block ids."""
    return tuple(child.id for child in step.body)


@pytest.fixture
def enrolled(client, learner, module):
    """Claire, logged in and following the module."""
    client.force_login(learner)
    return f.enrolment(user=learner, module=module)


def _url(step, block_id: str) -> str:
    return reverse("courses:video_event", kwargs={"step_id": step.pk, "block_id": block_id})


def _post(client, step, body, *, block_id: str | None = None, **extra):
    """POST ``body`` (a dict as JSON, or raw text) to the step's uploaded video (or a block)."""
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    url = _url(step, block_id or _ids(step)[1])
    return client.post(url, data=data, content_type="application/json", **extra)


def _event(event: str, **fields) -> dict:
    return {"event": event, "session_id": SESSION, "length": 120, **fields}


# --- Statements ------------------------------------------------------------------------------


def test_views_video_played_records_the_profile_statement(client, enrolled, step, module):
    """played answers 201 with the id of a statement on the video, in the enrolment's context."""
    response = _post(client, step, _event("played", time=12.5))

    assert response.status_code == 201
    [played] = statements_of(enrolled)
    assert response.json() == {"id": played["id"]}
    assert played["verb"]["id"] == PLAYED
    assert played["actor"]["mbox"] == "mailto:claire.martin@ac-lyon.fr"
    assert played["object"]["id"] == video_iri(step, _ids(step)[1])
    assert played["object"]["definition"]["type"] == f"{VIDEO}/activity-type/video"
    assert played["result"]["extensions"] == {TIME: 12.5}
    assert played["context"]["registration"] == str(enrolled.registration)
    assert parents(played) == [step.activity_iri, module.activity_iri]
    assert played["context"]["extensions"] == {LENGTH: 120.0, SESSION_ID: SESSION}


def test_views_video_paused_carries_progress_and_played_segments(client, enrolled, step):
    """paused carries the time, the progress and the segments in the profile's notation."""
    response = _post(
        client,
        step,
        _event("paused", time=42.5, progress=0.354, played_segments=[[0, 30], [35.25, 42.5]]),
    )

    assert response.status_code == 201
    [paused] = statements_of(enrolled)
    assert paused["verb"]["id"] == PAUSED
    assert paused["result"]["extensions"] == {
        TIME: 42.5,
        PROGRESS: 0.354,
        PLAYED_SEGMENTS: "0.0[.]30.0[,]35.25[.]42.5",
    }
    assert paused["context"]["registration"] == str(enrolled.registration)


def test_views_video_seeked_carries_time_from_and_time_to(client, enrolled, step, module):
    """seeked carries where the playhead left and where it arrived, and no time."""
    response = _post(client, step, _event("seeked", time_from=10, time_to=60))

    assert response.status_code == 201
    [seeked] = statements_of(enrolled)
    assert seeked["verb"]["id"] == SEEKED
    assert seeked["result"]["extensions"] == {TIME_FROM: 10.0, TIME_TO: 60.0}
    assert parents(seeked) == [step.activity_iri, module.activity_iri]


def test_views_video_completed_carries_completion_and_progress(client, enrolled, step):
    """completed is ADL's verb with completion true, the progress and the segments."""
    response = _post(
        client, step, _event("completed", time=118, progress=0.96, played_segments=[[0, 118]])
    )

    assert response.status_code == 201
    [completed] = statements_of(enrolled)
    assert completed["verb"]["id"] == COMPLETED
    assert completed["result"]["completion"] is True
    assert completed["result"]["extensions"] == {
        TIME: 118.0,
        PROGRESS: 0.96,
        PLAYED_SEGMENTS: "0.0[.]118.0",
    }
    assert completed["context"]["extensions"][SESSION_ID] == SESSION


def test_views_video_completed_enrolment_still_records(client, learner, module, step):
    """A learner who completed the module still follows it: revising a video is recorded."""
    client.force_login(learner)
    enrolment = f.enrolment(user=learner, module=module, status=EnrolmentStatus.COMPLETED)

    assert _post(client, step, _event("played", time=0)).status_code == 201
    assert len(statements_of(enrolment)) == 1


# --- Bad input: 400 (413 for a body too large), nothing stored --------------------------------


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        pytest.param(_event("rewound", time=1), {"event"}, id="unknown-event"),
        pytest.param({"time": 1, "session_id": SESSION}, {"event"}, id="no-event"),
        pytest.param(_event("seeked"), {"time_from", "time_to"}, id="seeked-without-times"),
        pytest.param(_event("seeked", time_from=3), {"time_to"}, id="seeked-without-time-to"),
        pytest.param(_event("played"), {"time"}, id="played-without-time"),
        pytest.param(_event("paused", time=-1), {"time"}, id="negative-time"),
        pytest.param(_event("seeked", time_from=-2, time_to=3), {"time_from"}, id="negative-from"),
        pytest.param(_event("paused", time=1, progress=1.2), {"progress"}, id="progress-above-1"),
        pytest.param(_event("paused", time=1, progress=-0.1), {"progress"}, id="progress-below-0"),
        pytest.param(_event("played", time="12"), {"time"}, id="time-as-text"),
        pytest.param(_event("played", time=True), {"time"}, id="time-as-boolean"),
        pytest.param(_event("played", time=1, length=-5), {"length"}, id="negative-length"),
        pytest.param({"event": "played", "time": 1}, {"session_id"}, id="no-session"),
        pytest.param(_event("played", time=1, session_id="42"), {"session_id"}, id="bad-session"),
        pytest.param(
            _event("paused", time=1, played_segments="0[.]1"), {"played_segments"}, id="segs-text"
        ),
        pytest.param(
            _event("paused", time=1, played_segments=[[0, 1, 2]]),
            {"played_segments"},
            id="segment-of-three",
        ),
        pytest.param(
            _event("paused", time=1, played_segments=[0, 1]),
            {"played_segments"},
            id="segments-not-pairs",
        ),
        pytest.param(
            _event("paused", time=1, played_segments=[[5, 2]]),
            {"played_segments"},
            id="segment-backwards",
        ),
        pytest.param(
            _event("paused", time=1, played_segments=[[-1, 2]]),
            {"played_segments"},
            id="segment-negative",
        ),
        pytest.param(
            _event("paused", time=1, played_segments=[["0", "1"]]),
            {"played_segments"},
            id="segment-as-text",
        ),
        pytest.param(
            _event("paused", time=1, played_segments=[[0, 1]] * 501),
            {"played_segments"},
            id="too-many-segments",
        ),
    ],
)
def test_views_video_bad_event_refused_with_its_fields(client, enrolled, step, body, fields):
    """An event that breaks the profile answers 400 naming each faulty field; nothing stored."""
    response = _post(client, step, body)

    assert response.status_code == 400
    answer = response.json()
    assert answer["error"]
    assert set(answer["fields"]) == fields
    assert all(answer["fields"][name] for name in fields)
    assert not Statement.objects.exists()


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param('{"event": "played", "time": 1,', id="truncated"),
        pytest.param("", id="empty"),
        pytest.param(b"\xff\xfe{}", id="not-utf8"),
        pytest.param(json.dumps(_event("played", time=float("nan"))), id="nan"),
        pytest.param('[{"event": "played"}]', id="array"),
        pytest.param('"played"', id="string"),
        pytest.param("[" * 5000 + "]" * 5000, id="deeply-nested"),
    ],
)
def test_views_video_malformed_json_refused(client, enrolled, step, raw):
    """A body that is not a JSON object of finite numbers answers 400 JSON; nothing stored."""
    response = _post(client, step, raw)

    assert response.status_code == 400
    assert response.json()["error"]
    assert not Statement.objects.exists()


def test_views_video_body_too_large_refused(client, enrolled, step):
    """A body past the cap answers 413 JSON without being parsed; nothing is stored."""
    body = _event("played", time=1, padding="x" * MAX_BODY_BYTES)

    response = _post(client, step, body)

    assert response.status_code == 413
    assert response.json()["error"]
    assert not Statement.objects.exists()


# --- Who may post, to what -------------------------------------------------------------------


def test_views_video_not_following_forbidden(client, outsider, step):
    """A logged-in user who is not enrolled gets 403 JSON with a message; nothing is stored."""
    client.force_login(outsider)

    response = _post(client, step, _event("played", time=1))

    assert response.status_code == 403
    assert response.json()["error"]
    assert not Statement.objects.exists()


@pytest.mark.parametrize("status", [EnrolmentStatus.WITHDRAWN, EnrolmentStatus.PENDING])
def test_views_video_withdrawn_or_pending_enrolment_forbidden(
    client, learner, module, step, status
):
    """A learner who withdrew, or awaits approval, is not following: 403, nothing stored."""
    f.enrolment(user=learner, module=module, status=status)
    client.force_login(learner)

    response = _post(client, step, _event("played", time=1))

    assert response.status_code == 403
    assert not Statement.objects.exists()


def test_views_video_other_modules_learner_forbidden(client, learner, catalogue, step):
    """Following another module does not open this one's videos."""
    f.enrolment(user=learner, module=f.module_page(catalogue=catalogue))
    client.force_login(learner)

    assert _post(client, step, _event("played", time=1)).status_code == 403
    assert not Statement.objects.exists()


def test_views_video_anonymous_forbidden_without_redirect(client, step):
    """An anonymous POST (a session expired mid-video) gets 403 JSON, not the log-in page."""
    response = _post(client, step, _event("played", time=1))

    assert response.status_code == 403
    assert response.json()["error"]
    assert not Statement.objects.exists()


@pytest.mark.parametrize("which", ["unknown", "paragraph", "embedded-video"])
def test_views_video_not_an_uploaded_video_not_found(client, enrolled, step, which):
    """An unknown block, a block of another type or an embedded video answers 404 JSON."""
    paragraph, _, embedded = _ids(step)
    block_id = {"unknown": "nope", "paragraph": paragraph, "embedded-video": embedded}[which]

    response = _post(client, step, _event("played", time=1), block_id=block_id)

    assert response.status_code == 404
    assert response.json()["error"]
    assert not Statement.objects.exists()


def test_views_video_draft_or_unknown_step_not_found(client, enrolled, step):
    """A step that is not live, or does not exist, answers 404 JSON."""
    video_id = _ids(step)[1]
    step.unpublish()

    assert _post(client, step, _event("played", time=1)).status_code == 404
    url = reverse("courses:video_event", kwargs={"step_id": 999_999, "block_id": video_id})
    assert client.post(url, "{}", content_type="application/json").status_code == 404
    assert not Statement.objects.exists()


def test_views_video_get_not_allowed(client, enrolled, step):
    """The events URL only answers POST."""
    assert client.get(_url(step, _ids(step)[1])).status_code == 405


def test_views_video_csrf_enforced(learner, module, step):
    """Without the X-CSRFToken header the POST is refused; with the page's token it passes."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    enrolment = f.enrolment(user=learner, module=module)

    refused = _post(client, step, _event("played", time=1))
    assert refused.status_code == 403
    assert not statements_of(enrolment, PLAYED)

    # The token video.js sends: the one the step page gives its script tag.
    token = SCRIPT.search(client.get(step.url).content.decode())[1]
    accepted = _post(client, step, _event("played", time=1), headers={"X-CSRFToken": token})
    assert accepted.status_code == 201
    assert len(statements_of(enrolment, PLAYED)) == 1


# --- The step page loads video.js only where it tracks something ------------------------------


def test_views_video_step_page_loads_the_script_for_a_follower(client, enrolled, step):
    """A follower's step page loads video.js (a static file) and gives each upload its URL."""
    html = client.get(step.url).content.decode()

    assert SCRIPT.search(html)
    assert "<script>" not in html  # No inline script: the CSP allows our own files only.
    video_id = _ids(step)[1]
    assert f'data-video-id="{video_id}" data-events-url="{_url(step, video_id)}"' in html
    assert [s["verb"]["id"] for s in statements_of(enrolled)][-1] == EXPERIENCED


def test_views_video_step_page_without_script_for_others(client, outsider, step, module):
    """Anonymous visitors, non-followers and steps without an uploaded video get no script."""
    assert not SCRIPT.search(client.get(step.url).content.decode())
    client.force_login(outsider)
    assert not SCRIPT.search(client.get(step.url).content.decode())
    f.enrolment(user=outsider, module=module)
    embedded_only = f.step_page(
        module=module, body=[_video("GeoGebra", url="https://tube.example.org/w/geogebra")]
    )
    assert not SCRIPT.search(client.get(embedded_only.url).content.decode())
    assert SCRIPT.search(client.get(step.url).content.decode())
