"""The quiz form's POST: scoring, statements in the LRS, attempts, permissions."""

from __future__ import annotations

import pytest
from django.urls import reverse

from courses.models import EnrolmentStatus
from lrs.models import Statement
from tests.courses import factories as f
from tests.courses.conftest import quiz_ids

PASSED = "http://adlnet.gov/expapi/verbs/passed"
FAILED = "http://adlnet.gov/expapi/verbs/failed"
ANSWERED = "http://adlnet.gov/expapi/verbs/answered"


def _post(client, step, *, right=True):
    block_id, questions = quiz_ids(step)
    (q1, c1), (q2, c2), (q3, _) = questions
    data = {f"q-{q1}": c1[0 if right else 1], f"q-{q2}": [c2[0], c2[1]], f"q-{q3}": "Paris"}
    if not right:
        data[f"q-{q3}"] = "Lyon"
    url = reverse("courses:quiz_submit", kwargs={"step_id": step.pk, "block_id": block_id})
    return client.post(url, data), block_id


@pytest.fixture
def enrolled(client, learner, module):
    """Claire, logged in and enrolled in the module."""
    client.force_login(learner)
    return f.enrolment(user=learner, module=module)


def test_views_quiz_passed_records_answered_and_passed(client, enrolled, quiz_step, module):
    """A passing attempt stores one answered per question and a passed on the step's IRI."""
    response, block_id = _post(client, quiz_step)
    assert response.status_code == 302
    assert response["Location"].endswith(f"#quiz-{block_id}")
    statements = Statement.objects.filter(registration=enrolled.registration)
    assert statements.filter(verb_id=ANSWERED).count() == 3
    passed = statements.get(verb_id=PASSED)
    assert passed.object_activity_id == quiz_step.activity_iri
    payload = passed.payload
    assert payload["result"]["success"] is True
    assert payload["result"]["score"] == {"scaled": 1.0, "raw": 3, "min": 0, "max": 3}
    assert payload["context"]["registration"] == str(enrolled.registration)
    assert payload["context"]["contextActivities"]["parent"][0]["id"] == module.activity_iri
    question = statements.filter(verb_id=ANSWERED).order_by("seq").first().payload
    assert question["object"]["id"].startswith(f"{quiz_step.activity_iri}/quiz/{block_id}/")
    definition = question["object"]["definition"]
    assert definition["interactionType"] == "choice"
    assert len(definition["choices"]) == 2
    assert question["result"]["success"] is True


def test_views_quiz_failed_records_failed_and_shows_feedback(client, enrolled, quiz_step):
    """A failing attempt stores failed, and the step page then shows the per-answer feedback."""
    _post(client, quiz_step, right=False)
    failed = Statement.objects.get(registration=enrolled.registration, verb_id=FAILED)
    assert failed.payload["result"]["score"]["raw"] == 1
    short = Statement.objects.filter(verb_id=ANSWERED).order_by("seq").last().payload
    assert short["object"]["definition"]["interactionType"] == "fill-in"
    assert short["result"]["response"] == "Lyon"
    html = client.get(quiz_step.url).content.decode()
    assert "Non, ce n&#x27;est pas un logiciel de géométrie." in html
    assert "Quiz non réussi" in html
    assert "Il vous reste 1 tentative." in html


def test_views_quiz_attempts_exhausted_refused(client, enrolled, quiz_step):
    """Once the allowed attempts are used, a new attempt stores nothing."""
    _post(client, quiz_step, right=False)
    _post(client, quiz_step, right=False)
    response, _ = _post(client, quiz_step)
    assert response.status_code == 302
    assert Statement.objects.filter(verb_id__in=[PASSED, FAILED]).count() == 2
    html = client.get(quiz_step.url).content.decode()
    assert "toutes les tentatives autorisées" in html


def test_views_quiz_not_enrolled_forbidden(client, outsider, quiz_step):
    """A logged-in user who is not enrolled gets 403 and nothing is stored."""
    client.force_login(outsider)
    response, _ = _post(client, quiz_step)
    assert response.status_code == 403
    assert not Statement.objects.exists()


def test_views_quiz_withdrawn_enrolment_forbidden(client, learner, module, quiz_step):
    """A learner who withdrew from the module can no longer answer."""
    f.enrolment(user=learner, module=module, status=EnrolmentStatus.WITHDRAWN)
    client.force_login(learner)
    response, _ = _post(client, quiz_step)
    assert response.status_code == 403


def test_views_quiz_anonymous_redirected_to_login(client, quiz_step):
    """An anonymous visitor is sent to the log-in page."""
    response, _ = _post(client, quiz_step)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]
    assert not Statement.objects.exists()


def test_views_quiz_get_not_allowed(client, enrolled, quiz_step):
    """The quiz URL only answers POST."""
    block_id, _ = quiz_ids(quiz_step)
    url = reverse("courses:quiz_submit", kwargs={"step_id": quiz_step.pk, "block_id": block_id})
    assert client.get(url).status_code == 405


def test_views_quiz_unknown_block_not_found(client, enrolled, quiz_step):
    """A block id that is not a quiz of the step answers 404."""
    url = reverse("courses:quiz_submit", kwargs={"step_id": quiz_step.pk, "block_id": "nope"})
    assert client.post(url, {}).status_code == 404


def test_views_quiz_form_is_csrf_protected(learner, module, quiz_step):
    """Without the CSRF token the POST is refused."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    f.enrolment(user=learner, module=module)
    response, _ = _post(client, quiz_step)
    assert response.status_code == 403
    assert not Statement.objects.exists()
