"""French demo content of the training offer (called by `manage.py seed_demo`).

The catalogue « Offre de formation » under the home page, the C2i2e module « Intégrer le
numérique dans sa pratique » (six steps: reading, a downloadable reference sheet, a quiz, an
assignment, an in-person session at the INSPE de Lyon, a community room) and two disciplinary
modules. Running it again changes nothing: pages are found by their slug and left as they are
(an editor may have improved them since).

Then a cohort of the C2i2e module, « Lyon — <season> <year> », run by the demo trainer: an
in-person session held (for its first half-group) and one to come, and 20 teachers of the
académie de Lyon at varied stages. Their progress is never typed in: each learner's journey is
played through the services a real visit calls (``module_launch``, ``step_view``,
``quiz_submit``), so the LRS holds their statements and the progress engine derives their
StepProgress from them, as in real use. The demo teacher follows the GeoGebra module (her
"Ma formation" is not empty) but not the C2i2e one: the browser journey enrols her there.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from wagtail.documents import get_document_model
from wagtail.models import Page

from campus.demo import DEMO_PASSWORD, seed_people
from campus.models import Academy, CompetenceItem, Degree, Discipline, Establishment, HomePage, User
from campus.roles import ROLE_GROUPS, Role
from courses import quiz as quizzes
from courses.models import (
    AttendanceStatus,
    CataloguePage,
    Cohort,
    Collection,
    CompletionRule,
    Enrolment,
    Modality,
    ModulePage,
    Pace,
    ResponsibleBody,
    StepPage,
)
from courses.models_plans import TargetKind, TrainingPlan
from courses.services import enrolment_create, module_launch, step_view
from courses.services_assessment import attendance_record, submission_review, submission_submit
from courses.services_cohorts import cohort_create, cohort_join, cohort_session_add
from courses.services_plans import plan_create

CATALOGUE_SLUG = "offre-de-formation"
C2I2E_SLUG = "integrer-le-numerique-dans-sa-pratique"
GEOGEBRA_SLUG = "enseigner-les-mathematiques-avec-geogebra"
TEACHER_EMAIL = "enseignante@campus.localhost"
TRAINER_EMAIL = "formateur@campus.localhost"
INSPECTOR_EMAIL = "inspectrice@campus.localhost"
COHORT_KEY = "NUMERIQUE-LYON"


@dataclass
class SeedReport:
    """What a run of seed_courses created (all empty on a second run)."""

    pages: list[str] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)
    cohorts: list[str] = field(default_factory=list)
    learners: list[str] = field(default_factory=list)
    enrolments: list[str] = field(default_factory=list)
    plans: list[str] = field(default_factory=list)


def _pdf(title: str, lines: list[str]) -> bytes:
    """A one-page PDF of plain text (Helvetica, WinAnsi): enough for a demo reference sheet."""

    def text(value: str) -> str:
        escaped = value.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        return escaped.encode("cp1252").decode("latin-1")

    rows = [f"BT /F1 16 Tf 56 780 Td ({text(title)}) Tj ET"]
    rows += [
        f"BT /F1 11 Tf 56 {750 - 18 * i} Td ({text(line)}) Tj ET" for i, line in enumerate(lines)
    ]
    stream = "\n".join(rows)
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        "/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        f"<< /Length {len(stream.encode('latin-1'))} >>\nstream\n{stream}\nendstream",
    ]
    out = "%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out.encode("latin-1")))
        out += f"{number} 0 obj\n{body}\nendobj\n"
    xref = len(out.encode("latin-1"))
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n"
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    return out.encode("latin-1")


def _document(report: SeedReport, title: str, filename: str, lines: list[str]):
    Document = get_document_model()
    document = Document.objects.filter(title=title).first()
    if document is None:
        document = Document(title=title)
        document.file.save(filename, ContentFile(_pdf(title, lines)), save=False)
        document.save()
        report.documents.append(title)
    return document


def _publish(parent: Page, page: Page, report: SeedReport, **relations) -> Page:
    """Add the page under its parent, set its many-to-many fields, publish a revision."""
    parent.add_child(instance=page)
    for name, values in relations.items():
        getattr(page, name).set(values)
    page.save_revision().publish()
    report.pages.append(page.title)
    return page


def _module(
    catalogue: CataloguePage, report: SeedReport, module: ModulePage, steps: list[dict], **relations
) -> None:
    """Publish the module, its many-to-many fields and its steps (StepPage fields, in order).

    Nothing is done when a module has its slug already: an editor may have improved it since.
    """
    if ModulePage.objects.filter(slug=module.slug).exists():
        return
    _publish(catalogue, module, report, **relations)
    for step in steps:
        _publish(module, StepPage(**step), report)


def _reading(title: str, slug: str, minutes: int, html: str) -> dict:
    """The fields of a step of one paragraph to read (completed once viewed)."""
    return {
        "title": title,
        "slug": slug,
        "estimated_minutes": minutes,
        "body": [("paragraph", html)],
    }


def _next_session_start() -> dt.datetime:
    """A Wednesday morning about a month ahead, 9:00 in Paris."""
    day = timezone.localdate() + dt.timedelta(days=30)
    day += dt.timedelta(days=(2 - day.weekday()) % 7)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))


def _catalogue(report: SeedReport) -> CataloguePage:
    catalogue = CataloguePage.objects.filter(slug=CATALOGUE_SLUG).first()
    if catalogue is None:
        catalogue = _publish(
            HomePage.objects.get(slug="accueil"),
            CataloguePage(
                title="Offre de formation",
                slug=CATALOGUE_SLUG,
                intro=(
                    "<p>Des parcours à distance et hybrides pour les enseignants du premier et "
                    "du second degré : autoformation, formations accompagnées par un formateur "
                    "et parcours certifiants.</p>"
                ),
            ),
            report,
        )
    # No workflow to attach here: campus.roles puts « Validation pédagogique » on the tree's
    # root after every migrate, so editors' pages of the offer are moderated already.
    return catalogue


def _items(*codes: str):
    return CompetenceItem.objects.filter(
        code__in=codes, competence__domain__framework__code="c2i2e"
    )


def _c2i2e_quiz() -> dict:
    def choice(text, correct=False, feedback=""):
        return {"text": text, "correct": correct, "feedback": feedback}

    return {
        "title": "Vos repères sur le numérique éducatif",
        "intro": (
            "<p>Quatre questions pour vérifier vos repères. Il faut 70 % de bonnes réponses pour "
            "valider l'étape ; vous disposez de trois tentatives.</p>"
        ),
        "pass_mark": 70,
        "max_attempts": 3,
        "questions": [
            (
                "single_choice",
                {
                    "prompt": (
                        "Quel document fixe les règles d'usage des services numériques par les "
                        "élèves et les personnels de votre établissement ?"
                    ),
                    "choices": [
                        choice(
                            "La charte d'usage du numérique, annexée au règlement intérieur",
                            True,
                            "Oui : elle est annexée au règlement intérieur et doit être "
                            "expliquée aux élèves.",
                        ),
                        choice(
                            "Les conditions d'utilisation de chaque application",
                            feedback="Elles engagent l'éditeur, pas l'établissement.",
                        ),
                        choice(
                            "Le projet d'établissement",
                            feedback="Il fixe des orientations, pas des règles d'usage.",
                        ),
                    ],
                    "points": 1,
                    "explanation": (
                        "Compétence C2i2e A.3-4 : respecter et faire respecter la charte."
                    ),
                },
            ),
            (
                "multiple_choice",
                {
                    "prompt": (
                        "Parmi ces informations, lesquelles sont des données à caractère "
                        "personnel d'un élève au sens du RGPD ?"
                    ),
                    "choices": [
                        choice("Ses nom et prénom", True),
                        choice("Sa photographie", True),
                        choice("Ses résultats d'évaluation", True),
                        choice(
                            "Le taux de réussite national au diplôme national du brevet",
                            feedback="Une statistique nationale ne permet d'identifier personne.",
                        ),
                    ],
                    "points": 1,
                    "explanation": (
                        "Toute information qui permet d'identifier un élève, directement ou "
                        "non, est une donnée personnelle : demandez conseil au délégué à la "
                        "protection des données (DPD) de l'académie."
                    ),
                },
            ),
            (
                "single_choice",
                {
                    "prompt": (
                        "Vous voulez projeter en classe une image trouvée sur internet. "
                        "Que vérifiez-vous en premier ?"
                    ),
                    "choices": [
                        choice(
                            "Sa licence ou les conditions de réutilisation fixées par l'auteur",
                            True,
                            "Exactement : une licence Creative Commons, par exemple, dit ce "
                            "que vous pouvez en faire.",
                        ),
                        choice(
                            "Sa résolution",
                            feedback="Utile, mais le droit d'auteur passe avant.",
                        ),
                        choice(
                            "Le nombre de fois où elle a été partagée",
                            feedback="La popularité d'une image ne dit rien de ses droits.",
                        ),
                    ],
                    "points": 1,
                    "explanation": "",
                },
            ),
            (
                "short_answer",
                {
                    "prompt": (
                        "Quel sigle de trois lettres désigne l'ensemble des services numériques "
                        "(cahier de textes, messagerie, ressources) de l'établissement ?"
                    ),
                    "accepted_answers": ["ENT", "espace numérique de travail"],
                    "case_sensitive": False,
                    "feedback_correct": "C'est bien l'ENT, l'espace numérique de travail.",
                    "feedback_incorrect": "Il s'agit de l'ENT, l'espace numérique de travail.",
                    "points": 1,
                },
            ),
        ],
    }


def _c2i2e_module(catalogue: CataloguePage, report: SeedReport) -> None:
    if ModulePage.objects.filter(slug=C2I2E_SLUG).exists():
        return  # Left as it is, and its reference sheet too.
    sheet = _document(
        report,
        "Fiche repère — Le C2i2e en bref",
        "fiche-repere-c2i2e.pdf",
        [
            "Le certificat informatique et internet de niveau 2 « enseignant » (C2i2e)",
            "atteste des compétences professionnelles dans l'usage pédagogique du numérique.",
            "",
            "Domaine A — compétences générales liées à l'exercice du métier :",
            "  A.1 environnement numérique professionnel ; A.2 formation tout au long de la vie ;",
            "  A.3 responsabilité professionnelle dans le cadre du système éducatif.",
            "",
            "Domaine B — compétences nécessaires à l'intégration des TICE :",
            "  B.1 travail en réseau ; B.2 conception de situations d'apprentissage ;",
            "  B.3 mise en œuvre pédagogique ; B.4 compétences d'évaluation.",
        ],
    )
    _module(
        catalogue,
        report,
        ModulePage(
            title="Intégrer le numérique dans sa pratique",
            slug=C2I2E_SLUG,
            summary=(
                "Un parcours hybride pour prendre ses repères dans l'environnement numérique "
                "de l'établissement, concevoir une séance qui tire parti du numérique et "
                "préparer la certification C2i2e."
            ),
            objectives=(
                "<ul><li>Choisir et utiliser les services de l'ENT de son établissement ;</li>"
                "<li>se former en ligne et pratiquer une veille professionnelle ;</li>"
                "<li>identifier les situations d'apprentissage propices au numérique ;</li>"
                "<li>alterner activités numériques et non numériques au cours d'une séance.</li>"
                "</ul>"
            ),
            target_audience=(
                "<p>Professeurs stagiaires et néo-titulaires du premier et du second degré, et "
                "tout enseignant qui prépare le C2i2e.</p>"
            ),
            degree="",
            domain="Numérique éducatif",
            collection=Collection.CERTIFYING,
            modality=Modality.BLENDED,
            pace=Pace.SCHEDULED,
            distance_hours=Decimal("6"),
            in_person_hours=Decimal("3"),
            prerequisites="<p>Disposer de ses identifiants ENT et de sa messagerie académique.</p>",
            authors="Équipe numérique de l'INSPE de Lyon",
            responsible_body=ResponsibleBody.INSPE,
            responsible_name="INSPE de Lyon",
            version_notes="<p>Version 2 : quiz de repères et regroupement en présentiel.</p>",
        ),
        [
            {
                "title": "Le numérique dans votre pratique : où en êtes-vous ?",
                "slug": "ou-en-etes-vous",
                "estimated_minutes": 20,
                "body": [
                    (
                        "paragraph",
                        "<p>Le numérique est déjà présent dans votre métier : cahier de textes "
                        "en ligne, messagerie, ressources partagées, évaluations. Ce parcours "
                        "vous aide à en faire un choix pédagogique réfléchi plutôt qu'une "
                        "contrainte.</p><p>Commencez par lire la fiche repère du C2i2e, le "
                        "référentiel qui organise tout le parcours.</p>",
                    ),
                    ("document", sheet),
                ],
            },
            _reading(
                "L'ENT au service de la classe",
                "ent-au-service-de-la-classe",
                45,
                "<h2>Un espace, plusieurs services</h2><p>L'espace numérique de travail (ENT) "
                "réunit le cahier de textes, la messagerie, les espaces de classe et l'accès aux "
                "ressources numériques pour l'école (GAR). Choisir le bon service, c'est d'abord "
                "se demander ce que les élèves doivent faire : consulter, déposer, collaborer ou "
                "échanger.</p><h2>Se former en ligne</h2><p>Les parcours M@gistère et les "
                "ressources d'Éduscol et de Canopé complètent ce module ; notez dans votre "
                "carnet de bord celles que vous comptez explorer.</p>",
            ),
            {
                "title": "Quiz : vos repères sur le numérique éducatif",
                "slug": "quiz-reperes",
                "estimated_minutes": 15,
                "completion_rule": CompletionRule.QUIZ_PASSED,
                "body": [("quiz", _c2i2e_quiz())],
            },
            {
                "title": "Concevoir une séance intégrant le numérique",
                "slug": "concevoir-une-seance",
                "estimated_minutes": 90,
                "completion_rule": CompletionRule.ASSIGNMENT_ACCEPTED,
                "body": [
                    (
                        "assignment",
                        {
                            "title": "Votre fiche de préparation",
                            "instructions": (
                                "<p>Rédigez la fiche de préparation d'une séance de votre "
                                "discipline qui alterne des temps avec et sans numérique. "
                                "Précisez :</p><ul><li>l'objectif d'apprentissage ;</li>"
                                "<li>le ou les outils numériques et pourquoi vous les "
                                "choisissez ;</li><li>ce que vous prévoyez en cas d'incident "
                                "technique.</li></ul><p>Votre formateur vous fera un retour "
                                "avant le regroupement.</p>"
                            ),
                            "expects_text": True,
                            "expects_file": True,
                        },
                    )
                ],
            },
            {
                "title": "Regroupement à l'INSPE de Lyon",
                "slug": "regroupement-inspe",
                "estimated_minutes": 180,
                "completion_rule": CompletionRule.ATTENDED,
                "body": [
                    (
                        "session",
                        {
                            "title": "Atelier : analyser nos séances",
                            "start": _next_session_start(),
                            "duration_minutes": 180,
                            "place": "INSPE de Lyon — site de la Croix-Rousse",
                            "address": "5 rue Anselme\n69004 Lyon",
                            "virtual_class_url": "",
                            "details": (
                                "<p>Apportez votre fiche de préparation : nous l'analyserons "
                                "en petits groupes.</p>"
                            ),
                        },
                    )
                ],
            },
            {
                "title": "Échanger avec vos pairs",
                "slug": "echanger-avec-vos-pairs",
                "estimated_minutes": 15,
                "required": False,
                "body": [
                    (
                        "paragraph",
                        "<p>Partagez votre séance, vos réussites et vos questions avec les "
                        "autres stagiaires du parcours.</p>",
                    ),
                    (
                        "community_room",
                        {
                            "label": "Salon « Numérique et pratique de classe »",
                            "url": "https://campus.example/communautes/numerique-pratique/",
                            "description": "Le salon des participants au parcours C2i2e.",
                        },
                    ),
                ],
            },
        ],
        competences=_items("A.1-3", "A.2-1", "B.2-1", "B.3-2"),
    )


def _disciplinary_modules(catalogue: CataloguePage, report: SeedReport) -> None:
    _module(
        catalogue,
        report,
        ModulePage(
            title="Enseigner les mathématiques avec GeoGebra",
            slug=GEOGEBRA_SLUG,
            summary=(
                "Construire des figures dynamiques pour faire conjecturer les élèves, de la "
                "géométrie du collège aux fonctions du lycée."
            ),
            objectives=(
                "<ul><li>Prendre en main GeoGebra Classique ;</li><li>concevoir une "
                "activité de conjecture avec une figure dynamique ;</li><li>partager ses "
                "figures avec les élèves via l'ENT.</li></ul>"
            ),
            target_audience="<p>Professeurs de mathématiques de collège et de lycée.</p>",
            degree="second",
            domain="Mathématiques",
            collection=Collection.SELF_TRAINING,
            modality=Modality.DISTANCE,
            pace=Pace.SELF_PACED,
            distance_hours=Decimal("3"),
            in_person_hours=Decimal("0"),
            authors="Groupe de réflexion mathématiques, académie de Lyon",
            responsible_body=ResponsibleBody.ACADEMIE,
            responsible_name="Académie de Lyon",
        ),
        [
            _reading(
                "Prendre en main GeoGebra",
                "prendre-en-main-geogebra",
                45,
                "<p>Construisez un triangle, ses médiatrices et leur point de concours, puis "
                "déplacez les sommets : la figure garde ses propriétés. C'est ce qui fait de la "
                "géométrie dynamique un outil de conjecture.</p>",
            ),
            _reading(
                "Faire conjecturer les élèves",
                "faire-conjecturer",
                60,
                "<p>Proposez une figure où les élèves observent, mesurent, puis formulent une "
                "conjecture avant de la démontrer. Le numérique ne remplace pas la preuve : il "
                "la motive.</p>",
            ),
            _reading(
                "Partager ses figures",
                "partager-ses-figures",
                30,
                "<p>Exportez vos figures et déposez-les dans l'espace de classe de l'ENT, ou "
                "partagez un lien vers GeoGebra Classroom.</p>",
            ),
        ],
        disciplines=Discipline.objects.filter(slug="mathematiques"),
        competences=_items("B.2-2", "B.3-1"),
    )
    _module(
        catalogue,
        report,
        ModulePage(
            title="Lire et écrire au cycle 2 avec le numérique",
            slug="lire-et-ecrire-au-cycle-2-avec-le-numerique",
            summary=(
                "Des outils simples pour entraîner la fluence, produire des écrits courts "
                "et garder trace des progrès des élèves du CP au CE2."
            ),
            objectives=(
                "<ul><li>Utiliser l'enregistrement audio pour travailler la fluence ;"
                "</li><li>faire écrire les élèves avec un traitement de texte adapté ;"
                "</li><li>suivre les progrès avec un carnet de lecture numérique.</li></ul>"
            ),
            target_audience="<p>Professeurs des écoles de cycle 2.</p>",
            degree="premier",
            domain="Français",
            collection=Collection.ACCOMPANIED,
            modality=Modality.DISTANCE,
            pace=Pace.SCHEDULED,
            distance_hours=Decimal("4.5"),
            in_person_hours=Decimal("0"),
            authors="Conseillers pédagogiques numériques du Rhône",
            responsible_body=ResponsibleBody.ACADEMIE,
            responsible_name="Académie de Lyon",
        ),
        [
            _reading(
                "S'enregistrer pour mieux lire",
                "s-enregistrer-pour-mieux-lire",
                60,
                "<p>L'élève lit un texte court, s'écoute, puis recommence : l'enregistrement "
                "rend visibles ses progrès en fluence et l'encourage à relire.</p>",
            ),
            _reading(
                "Écrire avec le traitement de texte",
                "ecrire-avec-le-traitement-de-texte",
                90,
                "<p>Dictée à l'adulte, prédiction de mots, synthèse vocale : choisissez l'aide "
                "qui soutient l'élève sans écrire à sa place.</p>",
            ),
        ],
        disciplines=Discipline.objects.filter(slug="polyvalent"),
        competences=_items("B.2-4", "B.3-3"),
    )


# --- The cohort and its learners ----------------------------------------------------------


@dataclass(frozen=True)
class DemoLearner:
    """A teacher of the demo cohort and how far the demo takes them (see ``JOURNEYS``)."""

    first_name: str
    last_name: str
    discipline: str
    uai: str
    journey: str
    idle_days: int | None = None  # Last active that many days ago (None: active today).
    failed_first: bool = False  # Passed the quiz at the second attempt.

    @property
    def email(self) -> str:
        return f"{slugify(self.first_name)}.{slugify(self.last_name)}@campus.localhost"


# Each journey goes one stage further than the one before it.
JOURNEYS = (
    "registered",  # Enrolled by the trainer, never came.
    "one_step",  # Read the first step.
    "two_steps",  # Read the first two steps.
    "quiz_failed",  # Took the quiz and failed it (attempts left).
    "quiz_passed",  # Passed the quiz.
    "handed_in",  # Handed in the assignment, awaiting the trainer's review.
    "accepted",  # Assignment accepted by the trainer.
    "completed",  # Was at the first in-person session: module completed.
)

LEARNERS = [
    DemoLearner("Léa", "Bernard", "francais", "0691664J", "registered"),
    DemoLearner("Hugo", "Petit", "histoire-geographie", "0693331J", "registered"),
    DemoLearner("Chloé", "Robert", "polyvalent", "0692339T", "registered"),
    DemoLearner("Lucas", "Richard", "eps", "0690027E", "registered"),
    DemoLearner("Manon", "Durand", "anglais", "0690026D", "one_step", idle_days=21),
    DemoLearner("Nathan", "Dubois", "technologie", "0691664J", "one_step"),
    DemoLearner("Camille", "Moreau", "polyvalent", "0694152N", "one_step", idle_days=30),
    DemoLearner("Inès", "Laurent", "svt", "0690027E", "two_steps"),
    DemoLearner("Thomas", "Simon", "mathematiques", "0690026D", "two_steps", idle_days=18),
    DemoLearner("Sarah", "Michel", "espagnol", "0693331J", "two_steps", idle_days=3),
    DemoLearner("Julien", "Lefebvre", "physique-chimie", "0690027E", "quiz_failed"),
    DemoLearner("Émilie", "Leroy", "polyvalent", "0692339T", "quiz_failed", idle_days=16),
    DemoLearner("Antoine", "Roux", "nsi", "0690026D", "quiz_passed"),
    DemoLearner("Pauline", "David", "documentation", "0691664J", "quiz_passed", idle_days=5),
    DemoLearner("Mehdi", "Bertrand", "mathematiques", "0693331J", "quiz_passed", failed_first=True),
    DemoLearner("Anaïs", "Morel", "polyvalent", "0694152N", "handed_in"),
    DemoLearner("Youssef", "Fournier", "ses", "0690026D", "handed_in", idle_days=2),
    DemoLearner("Marie", "Girard", "arts-plastiques", "0691664J", "accepted", failed_first=True),
    DemoLearner("Nicolas", "Bonnet", "allemand", "0690027E", "completed", failed_first=True),
    DemoLearner("Aurélie", "Dupont", "education-musicale", "0693331J", "completed"),
]


def _season(day: dt.date) -> str:
    """The French season and year a cohort starts in, for its name: « automne 2026 »."""
    seasons = ["hiver", "printemps", "été", "automne"]
    return f"{seasons[day.month % 12 // 3]} {day.year}"


def _cohort(module: ModulePage, trainer: User, report: SeedReport) -> Cohort | None:
    """The demo trainer's cohort of the module, created with its two sessions if missing.

    Found by module and trainer, not by name: the name follows the start date, which follows
    the day of the first run. Returns None when it already existed (its learners too, then).
    """
    if Cohort.objects.filter(module=module, trainers=trainer).exists():
        return None
    # Started four weeks ago (so learners have had time to work, and some to drop off), ends
    # well after the second in-person session.
    starts_on = timezone.localdate() - dt.timedelta(days=28)
    cohort = cohort_create(
        actor=trainer,
        module=module,
        name=f"Lyon — {_season(starts_on)}",
        starts_on=starts_on,
        ends_on=starts_on + dt.timedelta(days=120),
        academy=Academy.objects.get(slug="lyon"),
        capacity=30,
        enrolment_key=COHORT_KEY,
    )
    place = {
        "step": StepPage.objects.child_of(module).get(slug="regroupement-inspe"),
        "duration_minutes": 180,
        "place": "INSPE de Lyon — site de la Croix-Rousse",
        "address": "5 rue Anselme\n69004 Lyon",
    }
    # The room takes a dozen: the cohort meets in two half-groups, the first already met.
    held = timezone.make_aware(dt.datetime.combine(starts_on + dt.timedelta(days=14), dt.time(9)))
    cohort_session_add(
        actor=trainer,
        cohort=cohort,
        title="Atelier : analyser nos séances (groupe 1)",
        starts_at=held,
        **place,
    )
    cohort_session_add(
        actor=trainer,
        cohort=cohort,
        title="Atelier : analyser nos séances (groupe 2)",
        starts_at=_next_session_start(),
        **place,
    )
    report.cohorts.append(cohort.name)
    return cohort


def _learner(person: DemoLearner, password: str, report: SeedReport) -> User:
    """The learner's account (found by e-mail), created with the demo password if missing."""
    user, created = User.objects.get_or_create(
        email=person.email,
        defaults={
            "first_name": person.first_name,
            "last_name": person.last_name,
            "academy": Academy.objects.get(slug="lyon"),
            "degree": Degree.FIRST if person.discipline == "polyvalent" else Degree.SECOND,
            "establishment": Establishment.objects.filter(uai=person.uai).first(),
            # One hash for all (hashing is slow by design): they share the demo password.
            "password": password,
        },
    )
    if created:
        user.disciplines.set(Discipline.objects.filter(slug=person.discipline))
        user.groups.add(*Group.objects.filter(name=ROLE_GROUPS[Role.TEACHER]))
        report.learners.append(user.email)
    return user


def _quiz_answers(step: StepPage, *, right: bool) -> tuple[str, dict]:
    """The step's quiz block id and answers to it: all right, or only the first question."""
    child = next(c for c in step.body if c.block_type == "quiz")
    answers: dict[str, object] = {}
    for number, question in enumerate(child.value["questions"]):
        good = right or number == 0
        if question.block_type == "short_answer":
            answers[question.id] = question.value["accepted_answers"][0] if good else "GAR"
            continue
        choices = list(question.value["choices"].bound_blocks)
        picked = [c.id for c in choices if c.value["correct"] == good]
        answers[question.id] = picked if question.block_type == "multiple_choice" else picked[0]
    return child.id, answers


def _play(enrolment: Enrolment, person: DemoLearner, steps: dict[str, StepPage]) -> None:
    """Play the learner's visits and answers through the services, up to their journey."""
    journey = person.journey
    stage = JOURNEYS.index(journey)
    if stage == 0:
        return
    user = enrolment.user
    module_launch(actor=user, enrolment=enrolment)
    step_view(actor=user, enrolment=enrolment, step=steps["ou-en-etes-vous"])
    if stage >= JOURNEYS.index("two_steps"):
        step_view(actor=user, enrolment=enrolment, step=steps["ent-au-service-de-la-classe"])
    if stage >= JOURNEYS.index("quiz_failed"):
        quiz = steps["quiz-reperes"]
        step_view(actor=user, enrolment=enrolment, step=quiz)
        if journey == "quiz_failed":
            attempts = [False]
        else:
            attempts = [False, True] if person.failed_first else [True]
        for right in attempts:
            block_id, answers = _quiz_answers(quiz, right=right)
            quizzes.quiz_submit(
                actor=user, enrolment=enrolment, step=quiz, block_id=block_id, answers=answers
            )
    if stage >= JOURNEYS.index("handed_in"):
        step_view(actor=user, enrolment=enrolment, step=steps["concevoir-une-seance"])
    if journey == "completed":
        step_view(actor=user, enrolment=enrolment, step=steps["regroupement-inspe"])
        step_view(actor=user, enrolment=enrolment, step=steps["echanger-avec-vos-pairs"])


def _seed_assessment(cohort: Cohort, journeys: dict[str, list[Enrolment]]) -> None:
    """Assignments handed in and reviewed, and the first session's sheet, through the services.

    « handed_in »: awaiting the trainer's review; « accepted » and « completed »: accepted by
    the trainer; « completed »: also present at the first half-group's session (the one in
    the past), which completes their module once the statements are stored.
    """
    trainer = cohort.trainers.get()
    step = StepPage.objects.child_of(cohort.module).get(slug="concevoir-une-seance")
    block_id = next(c.id for c in step.body if c.block_type == "assignment")
    for journey in ("handed_in", "accepted", "completed"):
        for enrolment in journeys.get(journey, []):
            user = enrolment.user
            submission = submission_submit(
                actor=user,
                enrolment=enrolment,
                step=step,
                block_id=block_id,
                text=(
                    "Recherche documentaire en binômes dans l'espace de classe de l'ENT, puis "
                    "mise en commun au tableau, sans écran. En cas de panne, les documents sont "
                    "imprimés à l'avance."
                ),
                file=SimpleUploadedFile(
                    "fiche-de-preparation.pdf",
                    _pdf(
                        f"Fiche de préparation — {user.get_full_name()}",
                        [
                            "Objectif : croiser deux sources sur un même sujet.",
                            "Outils : espace de classe de l'ENT, vidéoprojecteur.",
                            "Plan B : documents imprimés.",
                        ],
                    ),
                    content_type="application/pdf",
                ),
            )
            if journey != "handed_in":
                submission_review(
                    actor=trainer,
                    submission=submission,
                    accept=True,
                    feedback="Séance claire, et le plan B est prévu : bravo.",
                )
    first_session = cohort.sessions.order_by("starts_at").first()
    marks = {e.pk: AttendanceStatus.PRESENT for e in journeys.get("completed", [])}
    # Marie goes to the second half-group: excused at the first one.
    marks |= {e.pk: AttendanceStatus.EXCUSED for e in journeys.get("accepted", [])}
    attendance_record(actor=trainer, session=first_session, marks=marks)


def _seed_cohort(report: SeedReport) -> None:
    """The C2i2e cohort of the demo trainer and its 20 learners, if missing."""
    module = ModulePage.objects.get(slug=C2I2E_SLUG)
    trainer = User.objects.get(email=TRAINER_EMAIL)
    cohort = _cohort(module, trainer, report)
    if cohort is None:
        return
    steps = {step.slug: step for step in module.live_steps()}
    password = make_password(DEMO_PASSWORD)
    journeys: dict[str, list[Enrolment]] = {}
    idle: dict[int, int] = {}
    for person in LEARNERS:
        user = _learner(person, password, report)
        if Enrolment.objects.filter(user=user, module=module).exists():
            continue
        # Learners joined with the enrolment key the trainer gave them (no approval needed);
        # cohort_join records their `registered` statement.
        enrolment = cohort_join(actor=user, cohort=cohort, key=COHORT_KEY)
        report.enrolments.append(f"{user.email} → {cohort.name}")
        _play(enrolment, person, steps)
        journeys.setdefault(person.journey, []).append(enrolment)
        if person.idle_days:
            idle[enrolment.pk] = person.idle_days
    _seed_assessment(cohort, journeys)
    # The services stamp statements and last_activity_at with the present moment (they take no
    # timestamp), so learners who dropped off get their last activity moved back here.
    now = timezone.now()
    for pk, days in idle.items():
        Enrolment.objects.filter(pk=pk).update(last_activity_at=now - dt.timedelta(days=days))


def _seed_teacher(report: SeedReport) -> None:
    """The demo teacher follows the GeoGebra module (one step read), not the C2i2e one."""
    teacher = User.objects.get(email=TEACHER_EMAIL)
    module = ModulePage.objects.get(slug=GEOGEBRA_SLUG)
    if Enrolment.objects.filter(user=teacher, module=module).exists():
        return
    enrolment = enrolment_create(actor=teacher, module=module)
    module_launch(actor=teacher, enrolment=enrolment)
    step_view(actor=teacher, enrolment=enrolment, step=module.live_steps().first())
    report.enrolments.append(f"{teacher.email} → {module.title}")


PLAN_TITLE = "Plan académique du numérique éducatif — Rhône"


def _seed_plan(report: SeedReport) -> None:
    """The demo inspector's training plan: the C2i2e module for the Rhône's teachers.

    Its target is computed by the service, like any plan's, from the people seeded so far (the
    demo cohort's teachers work in the Rhône), so its dashboard shows real figures at once.
    """
    inspector = User.objects.get(email=INSPECTOR_EMAIL)
    if TrainingPlan.objects.filter(title=PLAN_TITLE, academy=inspector.academy).exists():
        return
    plan_create(
        actor=inspector,
        data={
            "title": PLAN_TITLE,
            "description": (
                "Tous les enseignants du Rhône suivent le module C2i2e « Intégrer le numérique "
                "dans sa pratique » avant la fin du trimestre."
            ),
            "degree": "",
            "target_kind": TargetKind.DEPARTMENTS,
            "target_departments": ["069"],
            "disciplines": [],
            "modules": [ModulePage.objects.get(slug=C2I2E_SLUG)],
            "deadline": timezone.localdate() + dt.timedelta(days=90),
        },
    )
    report.plans.append(PLAN_TITLE)


@transaction.atomic
def seed_courses() -> SeedReport:
    """Create the demo offer, cohort and enrolments if missing; return what was created.

    The demo people (campus.demo) are seeded first if missing. Progress is derived from the
    statements once this transaction commits (the LRS announces stored statements then).
    """
    report = SeedReport()
    seed_people()
    catalogue = _catalogue(report)
    _c2i2e_module(catalogue, report)
    _disciplinary_modules(catalogue, report)
    _seed_cohort(report)
    _seed_teacher(report)
    _seed_plan(report)
    return report
