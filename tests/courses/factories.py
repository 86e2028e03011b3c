"""Builders of course pages and their step content.

Pages are created with ``parent.add_child()`` under the site's home page (slug "accueil"),
published; a module's steps come in the order they are built. Module hours are coherent with
the modality: a distance module has no in-person hours. Step bodies are given as raw stream
data (``[(block type, value), …]``); after ``save`` each quiz question and choice has the id
Wagtail gave it — re-read the page (``StepPage.objects.get(pk=…)``) to see those ids.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from django.utils import timezone
from django.utils.text import slugify

from campus.models import CompetenceItem, Discipline, HomePage
from courses.models import CataloguePage, Enrolment, EnrolmentStatus, Modality, ModulePage, StepPage

_sequence = itertools.count(1)


def home_page() -> HomePage:
    """The site root created by campus's migrations."""
    return HomePage.objects.get(slug="accueil")


def catalogue_page(**fields) -> CataloguePage:
    """The catalogue (there is at most one): the existing one, or a new one under the home."""
    existing = CataloguePage.objects.first()
    if existing is not None:
        return existing
    fields.setdefault("title", "Offre de formation")
    fields.setdefault("slug", "offre-de-formation")
    return home_page().add_child(instance=CataloguePage(**fields))


def module_page(
    *,
    catalogue: CataloguePage | None = None,
    disciplines: tuple[str, ...] = (),
    competences: tuple[str, ...] = (),
    **fields,
) -> ModulePage:
    """A live module; ``disciplines`` are slugs, ``competences`` C2i2e item codes."""
    n = next(_sequence)
    fields.setdefault("title", f"Module de formation n°{n}")
    fields.setdefault("slug", f"{slugify(fields['title'])}-{n}")
    fields.setdefault("summary", "Un module pour faire évoluer sa pratique de classe.")
    fields.setdefault("objectives", "<p>Concevoir une séance qui intègre le numérique.</p>")
    fields.setdefault("distance_hours", Decimal("3"))
    if fields.get("modality", Modality.DISTANCE) == Modality.DISTANCE:
        fields.setdefault("in_person_hours", Decimal("0"))
    module = (catalogue or catalogue_page()).add_child(instance=ModulePage(**fields))
    if disciplines:
        module.disciplines.set(Discipline.objects.filter(slug__in=disciplines))
    if competences:
        module.competences.set(CompetenceItem.objects.filter(code__in=competences))
    if disciplines or competences:
        module.save()  # ParentalManyToManyField: written on save.
    return module


def step_page(*, module: ModulePage, body: list | None = None, **fields) -> StepPage:
    """A live step at the end of the module; re-read from the database so block ids are set."""
    n = next(_sequence)
    fields.setdefault("title", f"Étape n°{n}")
    fields.setdefault("slug", f"etape-{n}")
    step = module.add_child(instance=StepPage(body=body or [], **fields))
    return StepPage.objects.get(pk=step.pk)


def enrolment(*, user, module: ModulePage, status: str = EnrolmentStatus.ACTIVE) -> Enrolment:
    """The user enrolled in the module (active unless told otherwise)."""
    return Enrolment.objects.create(user=user, module=module, status=status)


# --- Step content ----------------------------------------------------------------------------


def choice(text: str, *, correct: bool = False, feedback: str = "") -> dict:
    """One answer of a choice question."""
    return {"text": text, "correct": correct, "feedback": feedback}


def single_choice(prompt: str, choices: list[dict], *, points: int = 1, explanation: str = ""):
    """A single choice question, as a (type, value) stream item."""
    value = {"prompt": prompt, "choices": choices, "points": points, "explanation": explanation}
    return ("single_choice", value)


def multiple_choice(prompt: str, choices: list[dict], *, points: int = 1, explanation: str = ""):
    """A multiple choice question, as a (type, value) stream item."""
    value = {"prompt": prompt, "choices": choices, "points": points, "explanation": explanation}
    return ("multiple_choice", value)


def short_answer(
    prompt: str,
    accepted: list[str],
    *,
    points: int = 1,
    case_sensitive: bool = False,
    feedback_correct: str = "Bonne réponse.",
    feedback_incorrect: str = "Ce n'est pas la réponse attendue.",
):
    """A short answer question, as a (type, value) stream item."""
    return (
        "short_answer",
        {
            "prompt": prompt,
            "accepted_answers": accepted,
            "case_sensitive": case_sensitive,
            "feedback_correct": feedback_correct,
            "feedback_incorrect": feedback_incorrect,
            "points": points,
        },
    )


def quiz(questions: list, *, title: str = "Quiz", pass_mark: int = 70, max_attempts: int = 3):
    """A quiz block, as a (type, value) stream item."""
    value = {
        "title": title,
        "intro": "",
        "questions": questions,
        "pass_mark": pass_mark,
        "max_attempts": max_attempts,
    }
    return ("quiz", value)


def session(*, start: dt.datetime | None = None, place: str = "INSPE de Lyon", **extra):
    """An in-person session block, a week ahead unless told otherwise."""
    value = {
        "title": "Regroupement en présentiel",
        "start": start or timezone.now() + dt.timedelta(days=7),
        "duration_minutes": 180,
        "place": place,
        "address": "5 rue Anselme, 69004 Lyon",
        "virtual_class_url": "",
        "details": "",
        **extra,
    }
    return ("session", value)
