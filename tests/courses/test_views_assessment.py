"""Assessment pages over HTTP: hand in, download, review, attendance sheet, permissions."""

from __future__ import annotations

import pytest
from django.urls import reverse

from courses import services_assessment as services
from courses.models import (
    AssignmentSubmission,
    Attendance,
    AttendanceStatus,
    CompletionRule,
    SubmissionStatus,
)
from lrs.models import Statement
from tests.campus.factories import UserFactory
from tests.courses import assessment_helpers as h
from tests.courses import factories as f
from tests.courses.learning_helpers import ATTENDED, REVIEWED

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_storage")]


@pytest.fixture
def step(module):
    """A step whose assignment expects a text and a file."""
    return h.assignment_step(module, expects_text=True, expects_file=True)


@pytest.fixture
def other_trainer(module):
    """Nadia, who trains another cohort of the same module."""
    nadia = UserFactory(first_name="Nadia", last_name="Haddad")
    h.cohort(module=module, trainers=[nadia], name="Cohorte de Grenoble")
    return nadia


@pytest.fixture
def submission(enrolment, step):
    """Claire's work handed in, awaiting review."""
    return h.hand_in(
        enrolment,
        step,
        text="Ma séance de géométrie",
        file=h.upload("seance.pdf", b"%PDF-1.4 seance"),
    )


def _submit_url(step, block_id=None):
    return reverse(
        "courses:assignment_submit",
        kwargs={"step_id": step.pk, "block_id": block_id or h.block_id(step)},
    )


# --- Handing in ------------------------------------------------------------------------------


def test_views_assessment_submit_hands_in_and_redirects_to_the_block(
    client, learner, enrolment, step
):
    """A valid POST stores the work and goes back to the assignment on the step page."""
    client.force_login(learner)

    response = client.post(
        _submit_url(step), {"text": "Ma séance", "file": h.upload("seance.odt", b"odt")}
    )

    assert response.status_code == 302
    assert response["Location"].endswith(f"{step.url}#assignment-{h.block_id(step)}")
    submission = AssignmentSubmission.objects.get(enrolment=enrolment)
    assert submission.file.name.endswith("/seance.odt")


def test_views_assessment_submit_shows_form_errors_on_the_step(client, learner, enrolment, step):
    """A refused file and a missing text are shown on the step page; nothing is stored."""
    client.force_login(learner)

    response = client.post(_submit_url(step), {"text": "", "file": h.upload("virus.exe", b"MZ")})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Les fichiers de ce type ne sont pas acceptés" in html or "not accepted" in html
    assert "fr-input-group--error" in html
    assert step.title in html
    assert not AssignmentSubmission.objects.exists()


def test_views_assessment_submit_refuses_learner_not_enrolled(client, outsider, step):
    """Somebody who does not follow the module gets a 403."""
    client.force_login(outsider)

    response = client.post(_submit_url(step), {"text": "x", "file": h.upload()})

    assert response.status_code == 403
    assert not AssignmentSubmission.objects.exists()


def test_views_assessment_submit_unknown_block_is_404(client, learner, enrolment, step):
    """An unknown block id, or a session block's id, is a 404."""
    client.force_login(learner)

    for block_id in ("nope", h.block_id(step, "session")):
        response = client.post(_submit_url(step, block_id), {"text": "x", "file": h.upload()})
        assert response.status_code == 404


def test_views_assessment_submit_after_acceptance_shows_error(
    client, learner, trainer, submission, step
):
    """Handing in again once accepted is refused with a message on the page."""
    services.submission_review(actor=trainer, submission=submission, accept=True)
    client.force_login(learner)

    response = client.post(_submit_url(step), {"text": "Autre", "file": h.upload()}, follow=True)

    assert response.status_code == 200
    html = response.content.decode()
    assert "ne peut plus être modifié" in html or "can no longer be changed" in html
    assert "Hand in again" not in html and "Remettre à nouveau" not in html
    submission.refresh_from_db()
    assert submission.text == "Ma séance de géométrie"


def test_views_assessment_submit_needs_login_and_post(client, step):
    """Anonymous visitors are sent to log in; GET is not allowed."""
    assert client.post(_submit_url(step), {"text": "x"}).status_code == 302
    assert client.get(_submit_url(step)).status_code == 405


# --- Download --------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["learner", "trainer"])
def test_views_assessment_file_streams_to_learner_and_trainer(client, submission, request, who):
    """The learner and their cohort's trainer download the file as an attachment."""
    client.force_login(request.getfixturevalue(who))

    response = client.get(reverse("courses:submission_file", args=[submission.pk]))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert "seance.pdf" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == b"%PDF-1.4 seance"


@pytest.mark.parametrize("who", ["other_trainer", "outsider", "inspector"])
def test_views_assessment_file_is_404_for_anybody_else(client, submission, request, who):
    """A trainer of another cohort, or anybody else, gets a 404."""
    client.force_login(request.getfixturevalue(who))

    response = client.get(reverse("courses:submission_file", args=[submission.pk]))

    assert response.status_code == 404


# --- Reviews ---------------------------------------------------------------------------------


def test_views_assessment_cohort_reviews_lists_awaiting_first_oldest_first(
    client, trainer, cohort, step, submission, django_assert_max_num_queries
):
    """Awaiting review comes first, oldest first; then the reviewed ones; status filters."""
    older = h.member(user=UserFactory(last_name="Aubert"), cohort=cohort)
    old = h.hand_in(older, step, text="Plus ancien", file=h.upload(), days_ago=3)
    done = h.member(user=UserFactory(last_name="Zola"), cohort=cohort)
    reviewed = h.hand_in(done, step, text="Relu", file=h.upload(), days_ago=9)
    services.submission_review(actor=trainer, submission=reviewed, accept=True)
    client.force_login(trainer)
    url = reverse("courses:cohort_reviews", args=[cohort.pk])

    with django_assert_max_num_queries(12):
        response = client.get(url)

    assert response.status_code == 200
    assert [s.pk for s in response.context["submissions"]] == [old.pk, submission.pk, reviewed.pk]
    filtered = client.get(url, {"status": SubmissionStatus.ACCEPTED})
    assert [s.pk for s in filtered.context["submissions"]] == [reviewed.pk]


@pytest.mark.parametrize("who", ["other_trainer", "learner", "outsider"])
def test_views_assessment_cohort_reviews_404_for_non_trainers(client, cohort, request, who):
    """Only the cohort's trainers see its list of assignments."""
    client.force_login(request.getfixturevalue(who))

    assert client.get(reverse("courses:cohort_reviews", args=[cohort.pk])).status_code == 404


def test_views_assessment_review_accept(client, trainer, cohort, submission, enrolment):
    """The trainer reads the work and accepts it: statement stored, back to the list."""
    client.force_login(trainer)
    url = reverse("courses:submission_review", args=[submission.pk])

    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Ma séance de géométrie" in html
    assert reverse("courses:submission_file", args=[submission.pk]) in html

    response = client.post(url, {"decision": SubmissionStatus.ACCEPTED, "feedback": ""})

    assert response.status_code == 302
    assert response["Location"] == reverse("courses:cohort_reviews", args=[cohort.pk])
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.ACCEPTED
    assert Statement.objects.filter(registration=enrolment.registration, verb_id=REVIEWED).exists()


def test_views_assessment_review_return_needs_feedback(client, trainer, submission):
    """Returning without feedback shows a form error and changes nothing."""
    client.force_login(trainer)
    url = reverse("courses:submission_review", args=[submission.pk])

    response = client.post(url, {"decision": SubmissionStatus.RETURNED, "feedback": " "})

    assert response.status_code == 200
    assert response.context["form"].errors["feedback"]
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SUBMITTED


@pytest.mark.parametrize("who", ["other_trainer", "learner"])
def test_views_assessment_review_404_for_others(client, submission, request, who):
    """Nobody but the cohort's trainers reads or reviews a submission."""
    client.force_login(request.getfixturevalue(who))
    url = reverse("courses:submission_review", args=[submission.pk])

    assert client.get(url).status_code == 404
    assert client.post(url, {"decision": SubmissionStatus.ACCEPTED}).status_code == 404
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SUBMITTED


# --- Attendance sheet ------------------------------------------------------------------------


@pytest.fixture
def session(cohort, module):
    """The cohort's session of a step completed by attendance, begun an hour ago."""
    step = f.step_page(module=module, completion_rule=CompletionRule.ATTENDED)
    return h.session(cohort=cohort, step=step)


def test_views_assessment_attendance_sheet_saves_marks(client, trainer, session, enrolment, cohort):
    """The sheet lists the learners with labelled radios and saves the marks in one POST."""
    paul = h.member(user=UserFactory(first_name="Paul", last_name="Durand"), cohort=cohort)
    client.force_login(trainer)
    url = reverse("courses:attendance_sheet", args=[session.pk])

    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert f'<label class="fr-label" for="mark-{enrolment.pk}-present">' in html
    assert "<legend" in html

    response = client.post(url, {f"mark-{enrolment.pk}": "present", f"mark-{paul.pk}": "excused"})

    assert response.status_code == 302
    marks = dict(Attendance.objects.values_list("enrolment_id", "status"))
    assert marks == {enrolment.pk: "present", paul.pk: "excused"}
    assert Statement.objects.filter(verb_id=ATTENDED).count() == 1


def test_views_assessment_attendance_all_present_shortcut(
    client, trainer, session, enrolment, cohort
):
    """ "Mark everyone present" records every learner of the cohort present."""
    paul = h.member(user=UserFactory(), cohort=cohort)
    client.force_login(trainer)

    client.post(reverse("courses:attendance_sheet", args=[session.pk]), {"all_present": "1"})

    assert set(Attendance.objects.values_list("enrolment_id", "status")) == {
        (enrolment.pk, AttendanceStatus.PRESENT),
        (paul.pk, AttendanceStatus.PRESENT),
    }


def test_views_assessment_attendance_refuses_forged_learner(
    client, trainer, session, enrolment, module
):
    """A mark for a learner of another cohort is refused with a clear error; nothing saved."""
    stranger = h.member(user=UserFactory(), cohort=h.cohort(module=module, name="Autre"))
    client.force_login(trainer)

    response = client.post(
        reverse("courses:attendance_sheet", args=[session.pk]),
        {f"mark-{enrolment.pk}": "present", f"mark-{stranger.pk}": "present"},
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("who", ["other_trainer", "learner", "outsider"])
def test_views_assessment_attendance_404_for_non_trainers(client, session, enrolment, request, who):
    """Only the cohort's trainers open or save its attendance sheet."""
    client.force_login(request.getfixturevalue(who))
    url = reverse("courses:attendance_sheet", args=[session.pk])

    assert client.get(url).status_code == 404
    assert client.post(url, {f"mark-{enrolment.pk}": "present"}).status_code == 404
    assert not Attendance.objects.exists()
