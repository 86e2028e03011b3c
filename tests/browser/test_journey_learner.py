"""A learner's whole journey in a real browser, then her statements read back over xAPI."""

from __future__ import annotations

import re

import pytest
import tincan
from django.utils import translation

from campus.demo import DEMO_PASSWORD
from campus.models import User
from courses.demo import C2I2E_SLUG, COHORT_KEY, TEACHER_EMAIL, seed_courses
from courses.models import Enrolment, ModulePage, StepPage
from lrs.models import Scope
from lrs.services_clients import client_create

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

LAUNCHED = "http://adlnet.gov/expapi/verbs/launched"
EXPERIENCED = "http://adlnet.gov/expapi/verbs/experienced"
ANSWERED = "http://adlnet.gov/expapi/verbs/answered"
PASSED = "http://adlnet.gov/expapi/verbs/passed"
REGISTERED = "http://adlnet.gov/expapi/verbs/registered"


def fr(msgid: str, **values) -> str:
    """The interface's French text for ``msgid`` (as the pages show it, translated or not)."""
    with translation.override("fr"):
        text = translation.gettext(msgid)
    return text % values if values else text


def _log_in(page, live_server) -> None:
    page.goto("/")
    page.get_by_role("link", name="Se connecter").first.click()
    page.get_by_label("Adresse électronique").fill(TEACHER_EMAIL)
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{live_server.url}/")


def _progress(page) -> int:
    """The value of the learner's progress bar in the step's aside."""
    bar = page.locator("#step-progress").get_by_role("progressbar")
    return int(bar.get_attribute("value"))


def _answer_rightly(page, quiz_step: StepPage) -> None:
    """Tick or type the right answer of every question, read from the quiz block's data."""
    quiz = next(block.value for block in quiz_step.body if block.block_type == "quiz")
    for number, question in enumerate(quiz["questions"], start=1):
        prompt = f"{number}. {question.value['prompt']}"
        if question.block_type == "short_answer":
            page.get_by_label(prompt).fill(question.value["accepted_answers"][0])
            continue
        group = page.get_by_role("group", name=prompt)
        for choice in question.value["choices"]:
            if choice["correct"]:
                # DSFR draws the radio or box on the label, which takes the click, as a
                # pointer user does.
                group.get_by_text(choice["text"], exact=True).click()
                assert group.get_by_label(choice["text"], exact=True).is_checked()


def test_journey_learner_enrols_takes_the_quiz_and_resumes(reference_data, page, live_server):
    """Log in, find C2i2e, join its cohort, read, pass the quiz, log out and back, resume."""
    seed_courses()
    module = ModulePage.objects.get(slug=C2I2E_SLUG)
    steps = list(module.live_steps())
    quiz_step = next(s for s in steps if s.completion_rule == "quiz_passed")
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))

    _log_in(page, live_server)
    # The catalogue, searched.
    page.goto(module.get_parent().url)
    page.get_by_label(fr("Search")).fill("numérique pratique")
    page.get_by_role("button", name=fr("Apply the filters")).click()
    page.get_by_role("link", name=module.title, exact=True).click()
    assert page.get_by_role("heading", level=1).inner_text() == module.title

    # Joining the cohort with the key its trainer gave.
    page.get_by_label(fr("Enrolment key")).fill(COHORT_KEY)
    page.get_by_role("button", name=fr("Join this cohort")).click()
    assert page.get_by_text(fr("You are a member of this cohort")).is_visible()
    enrolment = Enrolment.objects.get(user__email=TEACHER_EMAIL, module=module)
    assert enrolment.status == "active"

    # The first step, then the next ones up to the quiz, through the steps' navigation.
    page.locator("#module-cta").get_by_role("link", name=fr("Start")).click()
    assert page.get_by_role("heading", level=1).inner_text() == steps[0].title
    assert page.get_by_role("link", name=steps[0].body[1].value.title).is_visible()
    page.get_by_role("link", name=fr("Next step: %(title)s", title=steps[1].title)).click()
    assert page.get_by_role("heading", level=1).inner_text() == steps[1].title
    page.get_by_role("link", name=fr("Next step: %(title)s", title=quiz_step.title)).click()
    assert page.get_by_role("heading", level=1).inner_text() == quiz_step.title
    before = _progress(page)
    assert before == 40  # 2 of the module's 5 required steps read.

    _answer_rightly(page, quiz_step)
    page.get_by_role("button", name=fr("Submit my answers")).click()
    result = page.get_by_role("status").filter(has_text=fr("Quiz passed"))
    assert result.is_visible()
    assert fr("Your score: %(raw)s / %(max)s.", raw=4, max=4) in result.inner_text()
    after = _progress(page)
    assert after == 60 > before
    assert page.get_by_text(fr("Step completed")).is_visible()

    # Log out, log in again, and resume from « Ma formation »: the first unfinished step.
    page.get_by_role("button", name=fr("Log out")).click()
    _log_in(page, live_server)
    page.get_by_role("link", name="Ma formation").first.click()
    card = page.get_by_role("article", name=module.title)
    card.get_by_role("link", name=fr("Resume")).click()
    assignment_step = steps[3]
    page.wait_for_url(re.compile(re.escape(assignment_step.url) + "$"))
    assert page.get_by_role("heading", level=1).inner_text() == assignment_step.title
    assert errors == []

    # What the LRS holds for this enrolment, as any xAPI client reads it.
    client, secret = client_create(name="Tableau de bord", scopes=[Scope.STATEMENTS_READ])
    lrs = tincan.RemoteLRS(
        endpoint=live_server.url + "/xapi/", username=client.key, password=secret, version="1.0.3"
    )
    response = lrs.query_statements({"registration": enrolment.registration, "limit": 100})
    assert response.success, response.data
    statements = response.content.statements
    assert {str(s.context.registration) for s in statements} == {str(enrolment.registration)}
    verbs = [s.verb.id for s in statements]
    for verb in (REGISTERED, LAUNCHED, EXPERIENCED, ANSWERED, PASSED):
        assert verb in verbs, verb
    assert verbs.count(ANSWERED) == 4
    teacher = User.objects.get(email=TEACHER_EMAIL)
    assert {s.actor.mbox for s in statements} == {f"mailto:{teacher.email}"}
