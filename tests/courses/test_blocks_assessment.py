"""The assignment and session blocks for a learner, and "Ma formation"'s upcoming sessions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from courses import selectors_assessment as selectors
from courses import services_assessment as services
from tests.courses import assessment_helpers as h
from tests.courses import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_storage")]


@pytest.fixture
def step(module):
    """A step with a session block and an assignment expecting a file only."""
    return h.assignment_step(module, expects_text=False, expects_file=True)


def _page(client, step) -> str:
    response = client.get(step.url)
    assert response.status_code == 200
    return response.content.decode()


def test_blocks_assessment_assignment_asks_visitor_to_enrol(client, step):
    """An anonymous visitor sees the instructions, no form, and is told to enrol."""
    html = _page(client, step)

    assert "Décrivez une séance menée avec GeoGebra." in html
    assert 'enctype="multipart/form-data"' not in html


def test_blocks_assessment_assignment_form_for_learner(client, learner, cohort, step):
    """A learner of the module gets the upload form (file only, with the accepted types)."""
    h.member(user=learner, cohort=cohort)
    client.force_login(learner)

    html = _page(client, step)

    action = reverse(
        "courses:assignment_submit", kwargs={"step_id": step.pk, "block_id": h.block_id(step)}
    )
    assert f'action="{action}"' in html
    assert 'type="file"' in html
    assert 'accept=".pdf,' in html
    assert "<textarea" not in html


def test_blocks_assessment_assignment_shows_return_feedback_and_form(
    client, learner, trainer, cohort, step
):
    """After a return, the learner sees the status, the feedback, the file and the form."""
    enrolment = h.member(user=learner, cohort=cohort)
    submission = h.hand_in(enrolment, step, file=h.upload())
    services.submission_review(
        actor=trainer, submission=submission, accept=False, feedback="Ajoutez le déroulé."
    )
    client.force_login(learner)

    html = _page(client, step)

    assert "Ajoutez le déroulé." in html
    assert "fr-badge--warning" in html
    assert reverse("courses:submission_file", args=[submission.pk]) in html
    assert 'type="file"' in html


def test_blocks_assessment_assignment_accepted_has_no_form(client, learner, trainer, cohort, step):
    """Once accepted, the learner sees the status and no form."""
    enrolment = h.member(user=learner, cohort=cohort)
    submission = h.hand_in(enrolment, step, file=h.upload())
    services.submission_review(actor=trainer, submission=submission, accept=True)
    client.force_login(learner)

    html = _page(client, step)

    assert "fr-badge--success" in html
    assert 'type="file"' not in html


def test_blocks_assessment_session_block_shows_cohort_session(client, learner, cohort, step):
    """A learner whose cohort has its own session for the step sees its date and place."""
    h.member(user=learner, cohort=cohort)
    h.session(
        cohort=cohort,
        step=step,
        starts_at=timezone.now() + dt.timedelta(days=3),
        place="Lycée du Parc, salle 12",
    )
    client.force_login(learner)

    html = _page(client, step)

    assert "Lycée du Parc, salle 12" in html
    assert "INSPE de Lyon" not in html


def test_blocks_assessment_session_block_keeps_its_own_without_cohort_session(
    client, learner, module, step
):
    """Without a cohort session for the step, the block shows its own place."""
    f.enrolment(user=learner, module=module)
    client.force_login(learner)

    assert "INSPE de Lyon" in _page(client, step)


def test_selectors_assessment_upcoming_sessions_soonest_first(
    learner, cohort, step, module, catalogue, django_assert_num_queries
):
    """The sessions of the learner's cohorts not ended yet, soonest first, in one query."""
    enrolment = h.member(user=learner, cohort=cohort)
    now = timezone.now()
    later = h.session(cohort=cohort, starts_at=now + dt.timedelta(days=20), title="Bilan")
    h.session(cohort=cohort, starts_at=now - dt.timedelta(days=2), title="Passée")
    ongoing = h.session(
        cohort=cohort, step=step, starts_at=now - dt.timedelta(hours=1), title="En cours"
    )
    soon = h.session(cohort=cohort, starts_at=now + dt.timedelta(days=2), title="Atelier")
    elsewhere = h.cohort(module=f.module_page(catalogue=catalogue), name="Autre")
    h.session(cohort=elsewhere, starts_at=now + dt.timedelta(days=1), title="Pas la mienne")
    enrolment = type(enrolment).objects.select_related("module").get(pk=enrolment.pk)

    with django_assert_num_queries(1):
        sessions = selectors.upcoming_sessions_for_learner(learner, enrolments=[enrolment])
        assert [s.title for s in sessions] == [ongoing.title, soon.title, later.title]
        assert sessions[0].step == step

    with django_assert_num_queries(0):
        assert selectors.upcoming_sessions_for_learner(learner, enrolments=[]) == []


def test_views_assessment_my_training_lists_upcoming_sessions(client, learner, cohort):
    """ "Ma formation" shows the learner's cohort sessions to come."""
    h.member(user=learner, cohort=cohort)
    h.session(
        cohort=cohort,
        starts_at=timezone.now() + dt.timedelta(days=5),
        title="Atelier de rentrée",
        virtual_class_url="https://classe.example.org/atelier",
    )
    client.force_login(learner)

    html = client.get(reverse("courses:my_training")).content.decode()

    assert "Atelier de rentrée" in html
    assert "https://classe.example.org/atelier" in html
