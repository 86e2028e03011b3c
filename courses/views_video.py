"""The events of a step's video player, posted as JSON by static/courses/video.js.

One POST per event of the xAPI Video Profile (played, paused, seeked, completed). The view
parses and checks; :func:`courses.services.video_event` builds and records the statement.
Every refusal is JSON, ``{"error": "…", "fields": {…}}``, and stores nothing: the script
only needs the status, a person debugging it reads the message.
"""

from __future__ import annotations

import json

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from courses import services
from courses.forms import VideoEventForm
from courses.models import StepPage
from courses.selectors_assessment import following_enrolment

# One event is a few hundred bytes; the largest, a paused event with its played segments,
# stays far below this once video.js has merged them (see MAX_PLAYED_SEGMENTS). It is also
# half the 64 KiB a browser lets keep-alive requests carry while the page is being left.
MAX_BODY_BYTES = 32 * 1024


def _refusal(status: int, message: str, fields: dict | None = None) -> JsonResponse:
    return JsonResponse({"error": message, "fields": fields or {}}, status=status)


def _json_object(request) -> tuple[dict | None, JsonResponse | None]:
    """The body as a JSON object, or the response refusing it (too large, not JSON)."""
    try:
        declared = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        declared = 0
    # Read one byte past the cap rather than trusting Content-Length alone (it may be absent).
    body = b"" if declared > MAX_BODY_BYTES else request.read(MAX_BODY_BYTES + 1)
    if declared > MAX_BODY_BYTES or len(body) > MAX_BODY_BYTES:
        message = _("The event is too large (%(max)s bytes at most).") % {"max": MAX_BODY_BYTES}
        return None, _refusal(413, message)
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError):  # Bad UTF-8 or JSON; absurdly deep nesting.
        return None, _refusal(400, _("The body is not valid JSON."))
    if not isinstance(payload, dict):
        return None, _refusal(400, _("The body must be a JSON object."))
    return payload, None


@require_POST
def video_event_view(request, step_id: int, block_id: str):
    """Record one event of an uploaded video of a step; answer 201 with the statement id.

    Not ``login_required``: a redirect to the log-in page means nothing to a script, so an
    anonymous POST (a session that expired mid-video) gets a 403 like any other refusal.
    The CSRF middleware checks the X-CSRFToken header before this runs.
    """
    if not request.user.is_authenticated:
        return _refusal(403, _("Log in to record your viewing of this video."))
    step = StepPage.objects.live().filter(pk=step_id).first()
    if step is None:
        return _refusal(404, _("This step does not exist."))
    enrolment = following_enrolment(request.user, step)
    if enrolment is None:
        return _refusal(403, _("Enrol in the module to record your viewing of its videos."))
    try:
        services.video_block(step, block_id)
    except services.VideoNotFound as error:
        return _refusal(404, str(error))
    payload, refusal = _json_object(request)
    if refusal is not None:
        return refusal
    form = VideoEventForm(data=payload)
    if not form.is_valid():
        fields = {name: list(messages) for name, messages in form.errors.items()}
        return _refusal(400, _("The video event is not valid."), fields)
    try:
        statement_id = services.video_event(
            actor=request.user,
            enrolment=enrolment,
            step=step,
            video_id=block_id,
            **form.cleaned_data,
        )
    except services.EnrolmentError as error:
        return _refusal(403, str(error))
    except ValueError as error:  # The service's own checks, should the form ever let one by.
        return _refusal(400, str(error))
    return JsonResponse({"id": statement_id}, status=201)
