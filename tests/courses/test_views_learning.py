"""The learner's pages: enrol, withdraw, resume, "Ma formation", and the module/step partials."""

from __future__ import annotations

import re

import pytest
from django.template.loader import render_to_string
from django.test import Client, RequestFactory

from courses import selectors
from courses.models import Collection, Enrolment, EnrolmentStatus, StepProgress
from tests.courses import factories as f
from tests.courses.learning_helpers import URLS, course

pytestmark = [pytest.mark.django_db, pytest.mark.urls(URLS)]


def _logged_in(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def _done(enrolment, *steps):
    for step in steps:
        StepProgress.objects.create(enrolment=enrolment, step=step, status="completed")


def test_views_enrol_creates_enrolment_and_goes_to_first_step(learner, module):
    """POSTing "enrol" enrols the learner and takes them to the module's first step."""
    read, *_ = course(module)

    response = _logged_in(learner).post(f"/parcours/modules/{module.pk}/inscription/")

    assert response.status_code == 302
    assert response.url == read.url
    assert Enrolment.objects.get(user=learner, module=module).status == EnrolmentStatus.ACTIVE


def test_views_enrol_refused_goes_back_to_module(learner, catalogue):
    """A cohort module refuses self-enrolment: back to the module page, nothing created."""
    module = f.module_page(catalogue=catalogue, collection=Collection.ACCOMPANIED)

    response = _logged_in(learner).post(f"/parcours/modules/{module.pk}/inscription/")

    assert response.status_code == 302
    assert response.url == module.url
    assert not Enrolment.objects.exists()


def test_views_enrol_needs_post_login_and_csrf(learner, module):
    """GET is not allowed, anonymous visitors go to log in, a POST without CSRF token is refused."""
    url = f"/parcours/modules/{module.pk}/inscription/"

    assert _logged_in(learner).get(url).status_code == 405
    anonymous = Client().post(url)
    assert anonymous.status_code == 302
    assert anonymous.url.startswith("/compte/connexion/")
    assert _logged_in(learner, enforce_csrf_checks=True).post(url).status_code == 403
    assert not Enrolment.objects.exists()


def test_views_resume_goes_to_first_unfinished_required_step(learner, module):
    """Resume skips completed steps and optional ones, to the first required step left."""
    read, quiz, _optional, session = course(module)
    enrolment = f.enrolment(user=learner, module=module)
    _done(enrolment, read, quiz)

    response = _logged_in(learner).get(f"/parcours/inscriptions/{enrolment.pk}/reprendre/")

    assert response.status_code == 302
    assert response.url == session.url


def test_views_resume_when_all_done_goes_to_first_step(learner, module):
    """With every step completed, resume opens the module's first step again."""
    steps = course(module)
    enrolment = f.enrolment(user=learner, module=module, status=EnrolmentStatus.COMPLETED)
    _done(enrolment, *steps)

    response = _logged_in(learner).get(f"/parcours/inscriptions/{enrolment.pk}/reprendre/")

    assert response.url == steps[0].url


def test_views_learning_another_learners_enrolment_is_not_found(learner, trainer, module):
    """Nobody resumes or withdraws somebody else's enrolment: 404, and nothing changes."""
    course(module)
    enrolment = f.enrolment(user=learner, module=module)
    karim = _logged_in(trainer)

    assert karim.get(f"/parcours/inscriptions/{enrolment.pk}/reprendre/").status_code == 404
    assert karim.post(f"/parcours/inscriptions/{enrolment.pk}/desinscription/").status_code == 404
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.ACTIVE


def test_views_withdraw_own_enrolment(learner, module):
    """The learner withdraws from their own enrolment and lands on "Ma formation"."""
    enrolment = f.enrolment(user=learner, module=module)

    response = _logged_in(learner).post(f"/parcours/inscriptions/{enrolment.pk}/desinscription/")

    assert response.status_code == 302
    assert response.url == "/parcours/ma-formation/"
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.WITHDRAWN


def test_views_my_training_lists_own_progress_only(learner, trainer, module, catalogue):
    """ "Ma formation" shows the learner's modules with progress bars, not others' modules."""
    read, *_ = course(module)
    enrolment = f.enrolment(user=learner, module=module)
    _done(enrolment, read)
    theirs = f.module_page(catalogue=catalogue, title="Module de Karim")
    f.enrolment(user=trainer, module=theirs)

    response = _logged_in(learner).get("/parcours/ma-formation/")

    assert response.status_code == 200
    html = response.content.decode()
    assert module.title in html
    assert "Module de Karim" not in html
    assert re.search(r'<progress[^>]*max="100" value="33"', html)
    assert "33 %" in html  # The percentage is written out, not only drawn.
    assert f"/parcours/inscriptions/{enrolment.pk}/reprendre/" in html
    assert "aria-labelledby" in html


def test_views_my_training_needs_login(db):
    """Anonymous visitors are sent to log in."""
    response = Client().get("/parcours/ma-formation/")

    assert response.status_code == 302
    assert response.url.startswith("/compte/connexion/")


def _enrol_in_modules(user, catalogue, count):
    for _ in range(count):
        module = f.module_page(catalogue=catalogue)
        steps = course(module)
        _done(f.enrolment(user=user, module=module), steps[0])


def _dashboard_queries(client, django_assert_num_queries, expected):
    with django_assert_num_queries(expected):
        assert client.get("/parcours/ma-formation/").status_code == 200


def test_views_my_training_query_count_is_constant(
    catalogue, django_assert_num_queries, learner, trainer
):
    """The dashboard costs the same queries for one module as for five."""
    _enrol_in_modules(learner, catalogue, 1)
    _enrol_in_modules(trainer, catalogue, 5)
    claire, karim = _logged_in(learner), _logged_in(trainer)
    claire.get("/parcours/ma-formation/")  # Warm the site root paths cache.

    # Session, user; enrolments + modules, steps, progress rows (learner_modules); the
    # training plans targeting the learner; the page furniture of base.html: user and group
    # permissions, groups (roles); the request's Site.
    _dashboard_queries(claire, django_assert_num_queries, 10)
    _dashboard_queries(karim, django_assert_num_queries, 10)


def _render(template, page, user):
    request = RequestFactory().get(page.url)
    request.user = user
    return render_to_string(template, {"page": page, "request": request}, request=request)


def _render_step_progress(step, user):
    """The step page's progress partial, given the learner state the step page computes."""
    state = selectors.learner_module_state(user, step)
    request = RequestFactory().get(step.url)
    request.user = user
    return render_to_string(
        "courses/includes/step_progress.html",
        {"page": step, "request": request, "state": state},
        request=request,
    )


def test_views_module_cta_offers_enrolment_then_progress(
    learner, module, django_assert_max_num_queries
):
    """The module page offers to enrol; once enrolled, shows progress and "resume" (2 queries)."""
    course(module)
    assert f"/parcours/modules/{module.pk}/inscription/" in _render(
        "courses/includes/module_cta.html", module, learner
    )
    enrolment = f.enrolment(user=learner, module=module)

    with django_assert_max_num_queries(2):
        html = _render("courses/includes/module_cta.html", module, learner)

    assert f"/parcours/inscriptions/{enrolment.pk}/reprendre/" in html
    assert "<progress" in html
    assert "/inscription/" not in html


def test_views_module_cta_for_cohort_module_has_no_enrol_button(learner, catalogue):
    """A cohort module explains how to join instead of offering self-enrolment."""
    module = f.module_page(catalogue=catalogue, collection=Collection.ACCOMPANIED)

    html = _render("courses/includes/module_cta.html", module, learner)

    assert "/inscription/" not in html


def test_views_step_progress_shows_position_and_rule(learner, module):
    """On a step, the learner sees where they are in the module and what completes the step."""
    _read, quiz, *_ = course(module)
    f.enrolment(user=learner, module=module)

    html = _render_step_progress(quiz, learner)

    assert 'data-fr-current-step="2"' in html
    assert 'data-fr-steps="4"' in html
    assert "<progress" in html


def test_views_step_progress_hidden_for_visitors_not_enrolled(outsider, module):
    """A visitor who does not follow the module sees no progress."""
    read, *_ = course(module)

    assert "<progress" not in _render_step_progress(read, outsider)
