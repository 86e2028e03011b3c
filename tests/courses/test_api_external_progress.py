"""Statements that external content POSTs to /xapi/statements count toward progress."""

from __future__ import annotations

import json

import pytest
from django.test import Client as DjangoClient

from courses.models import EnrolmentStatus, StepProgress, StepProgressStatus
from lrs.auth import forget_verified_credentials
from tests.courses import factories as f
from tests.courses.learning_helpers import COMPLETED, EXPERIENCED, PASSED, step_statement
from tests.lrs.factories import ClientFactory, basic_auth

pytestmark = pytest.mark.django_db


@pytest.fixture
def h5p_client(db):
    """An H5P server holding LRS credentials that write statements, speaking xAPI over HTTP."""
    forget_verified_credentials()
    credentials = ClientFactory(name="h5p", scopes=["statements/write", "statements/read/mine"])
    yield DjangoClient(
        HTTP_AUTHORIZATION=basic_auth(credentials), HTTP_X_EXPERIENCE_API_VERSION="1.0.3"
    )
    forget_verified_credentials()


def _post(client, statements, capture):
    with capture(execute=True):
        response = client.post(
            "/xapi/statements", json.dumps(statements), content_type="application/json"
        )
    assert response.status_code == 200, response.content
    return response


def test_api_external_progress_h5p_statement_completes_step(
    learner, module, h5p_client, django_capture_on_commit_callbacks
):
    """An H5P `completed` POSTed with the registration completes a "viewed" step."""
    step = f.step_page(module=module)
    enrolment = f.enrolment(user=learner, module=module)

    _post(
        h5p_client, [step_statement(enrolment, step, COMPLETED)], django_capture_on_commit_callbacks
    )

    progress = StepProgress.objects.get(enrolment=enrolment, step=step)
    assert progress.status == StepProgressStatus.COMPLETED
    enrolment.refresh_from_db()
    assert enrolment.last_activity_at is not None  # External work makes the learner active.


def test_api_external_progress_batch_passes_quiz_and_completes_module(
    learner, module, h5p_client, django_capture_on_commit_callbacks
):
    """A batch from external content (read, then pass) completes the module's two steps."""
    read = f.step_page(module=module)
    quiz = f.step_page(module=module, completion_rule="quiz_passed")
    enrolment = f.enrolment(user=learner, module=module)

    _post(
        h5p_client,
        [
            step_statement(enrolment, read, EXPERIENCED),
            step_statement(enrolment, quiz, PASSED, result={"score": {"scaled": 0.75}}),
        ],
        django_capture_on_commit_callbacks,
    )

    assert StepProgress.objects.get(step=quiz).score == 0.75
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.COMPLETED


def test_api_external_progress_without_registration_counts_for_nothing(
    learner, module, h5p_client, django_capture_on_commit_callbacks
):
    """A statement without the enrolment's registration is not tied to any enrolment."""
    step = f.step_page(module=module)
    enrolment = f.enrolment(user=learner, module=module)
    statement = step_statement(enrolment, step, COMPLETED)
    del statement["context"]["registration"]

    _post(h5p_client, [statement], django_capture_on_commit_callbacks)

    assert not StepProgress.objects.exists()
    enrolment.refresh_from_db()
    assert enrolment.last_activity_at is None
