"""French demo content of the communities (called by `manage.py seed_demo`).

Two communities of the académie de Lyon: « Mathématiques au cycle 4 — académie de Lyon »
(open to all, a discipline community run by a maths teacher with the demo trainer as its
animateur; the demo teacher is a member) and « Numérique éducatif — INSPE » (joined on
request, a project community owned by the demo trainer; one request awaits approval and the
demo teacher has an invitation). Their members are teachers of the académie: the demo people
of ``campus.demo`` and a dozen teachers of the demo cohort (see :data:`TEACHERS`).

Thirty resources of every type (scenarios, sequences, tool reviews, free-form resources) have
a story played through the services, step by step as their authors, reviewers and animateurs
would: saves that make revisions, co-authors, submission, reviews on the rubric and the
authors' answers, changes requested and revised versions, publication, promotion in the
académie then nationally, withdrawal, and one remix from one community into the other. Every
state of :class:`~community.models.ResourceState` is reached that way, so the transitions,
notifications and xAPI statements are those of real use. The rooms get their history the
same way (a mention, an edited message, a reported message hidden by an animateur).

The services stamp everything "now"; once a story is played, its timestamps (revisions,
state changes, reviews, messages, memberships) are spread back over the past weeks so that
the history reads like one, as ``courses.demo`` moves its idle learners' last activity back.
The LRS's statements and the notifications keep their real time.

Running it again changes nothing: a community found by its slug is left as it is, with its
members, rooms and resources (its members may have changed them since).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from campus.demo import DEMO_PASSWORD, seed_people
from campus.models import Academy, CompetenceItem, Degree, Discipline, Establishment, User
from campus.roles import ROLE_GROUPS, Role
from community.models import (
    AuditEntry,
    Community,
    CommunityAccess,
    CommunityKind,
    Licence,
    MemberRole,
    Membership,
    MembershipStatus,
    Message,
    Report,
    Resource,
    ResourceKind,
    ResourceRevision,
    ResourceState,
    ResourceTransition,
    Review,
    ReviewStatus,
    Room,
)
from community.services_communities import (
    community_create,
    community_invite,
    community_join,
    membership_role_change,
    request_approve,
)
from community.services_moderation import report_create, report_resolve
from community.services_resources import (
    coauthor_add,
    resource_create,
    resource_remix,
    resource_save,
    revision_restore,
)
from community.services_review import (
    TRANSITIONS,
    review_answer,
    review_assign,
    review_decline,
    review_submit,
    review_volunteer,
)
from community.services_rooms import message_edit, message_hide, message_post, room_create

TEACHER_EMAIL = "enseignante@campus.localhost"
TRAINER_EMAIL = "formateur@campus.localhost"
MATHS_SLUG = "mathematiques-au-cycle-4-academie-de-lyon"
NUMERIQUE_SLUG = "numerique-educatif-inspe"

# The people of campus.demo, by the first name the stories below call them.
STAFF = {
    "claire": TEACHER_EMAIL,
    "karim": TRAINER_EMAIL,
    "sophie": "inspectrice@campus.localhost",
    "nadia": "moderatrice@campus.localhost",
    "alex": "admin@campus.localhost",
}


@dataclass(frozen=True)
class DemoTeacher:
    """A teacher of the académie de Lyon who takes part in the communities."""

    first_name: str
    last_name: str
    discipline: str
    uai: str

    @property
    def email(self) -> str:
        return f"{slugify(self.first_name)}.{slugify(self.last_name)}@campus.localhost"

    @property
    def key(self) -> str:
        return slugify(self.first_name)


# Teachers of the demo cohort (courses.demo.LEARNERS, same names, schools and disciplines):
# the offer's learners are the communities' members too, as in an académie. Community may not
# import courses (tests/test_architecture.py), so they are listed again here and created only
# when the courses app's seed has not created them first.
TEACHERS = [
    DemoTeacher("Mehdi", "Bertrand", "mathematiques", "0693331J"),
    DemoTeacher("Thomas", "Simon", "mathematiques", "0690026D"),
    DemoTeacher("Julien", "Lefebvre", "physique-chimie", "0690027E"),
    DemoTeacher("Inès", "Laurent", "svt", "0690027E"),
    DemoTeacher("Nathan", "Dubois", "technologie", "0691664J"),
    DemoTeacher("Antoine", "Roux", "nsi", "0690026D"),
    DemoTeacher("Pauline", "David", "documentation", "0691664J"),
    DemoTeacher("Anaïs", "Morel", "polyvalent", "0694152N"),
    DemoTeacher("Émilie", "Leroy", "polyvalent", "0692339T"),
    DemoTeacher("Camille", "Moreau", "polyvalent", "0694152N"),
    DemoTeacher("Youssef", "Fournier", "ses", "0690026D"),
    DemoTeacher("Marie", "Girard", "arts-plastiques", "0691664J"),
    DemoTeacher("Léa", "Bernard", "francais", "0691664J"),
]


@dataclass
class SeedReport:
    """What a run of seed_community created (all empty on a second run)."""

    communities: list[str] = field(default_factory=list)
    teachers: list[str] = field(default_factory=list)
    memberships: list[str] = field(default_factory=list)
    rooms: list[str] = field(default_factory=list)
    resources: list[str] = field(default_factory=list)
    messages: int = 0
    reviews: int = 0


# --- Stories ---------------------------------------------------------------------------------

# One step of a resource's story: (verb, who, *arguments), played by _play().
Step = tuple[Any, ...]


def _save(who: str, message: str, **changes: Any) -> Step:
    """A co-author saves a new revision: the current content with ``changes``."""
    return ("save", who, changes, message)


def _restore(who: str, number: int, message: str) -> Step:
    return ("restore", who, number, message)


def _assign(animateur: str, reviewer: str) -> Step:
    return ("assign", animateur, reviewer)


def _volunteer(reviewer: str) -> Step:
    return ("volunteer", reviewer)


def _review(reviewer: str, scores: tuple[int, int, int, int, int], comment: str) -> Step:
    """Scores in the rubric's order: accuracy, pedagogy, feasibility, accessibility, rights."""
    return ("review", reviewer, scores, comment)


def _decline(reviewer: str, reason: str) -> Step:
    return ("decline", reviewer, reason)


def _answer(author: str, reviewer: str, text: str) -> Step:
    """An author answers the reviewer's latest submitted review."""
    return ("answer", author, reviewer, text)


def _submit(who: str, note: str = "") -> Step:
    return ("submit", who, note)


def _request_changes(who: str, note: str) -> Step:
    return ("request_changes", who, note)


def _revise(who: str, note: str = "") -> Step:
    return ("revise", who, note)


def _publish(who: str, note: str = "") -> Step:
    return ("publish", who, note)


def _promote_academy(who: str, note: str) -> Step:
    return ("promote_academy", who, note)


def _promote_national(who: str, note: str) -> Step:
    return ("promote_national", who, note)


def _withdraw(who: str, note: str) -> Step:
    return ("withdraw", who, note)


@dataclass(frozen=True)
class DemoResource:
    """A resource, its first version, and the story its people play after creating it."""

    title: str
    kind: str
    author: str
    state: str  # Where the story ends: checked once it is played.
    days_ago: int  # When its first version was written.
    summary: str
    content: dict[str, Any]
    disciplines: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    competences: tuple[str, ...] = ()  # C2i2e items.
    coauthors: tuple[str, ...] = ()
    licence: str = Licence.CC_BY_SA
    story: tuple[Step, ...] = ()


@dataclass(frozen=True)
class DemoRemix:
    """A published resource of another community remixed into this one, then adapted."""

    source_community: str
    source_title: str
    remixer: str
    licence: str
    days_ago: int
    story: tuple[Step, ...] = ()


@dataclass(frozen=True)
class DemoReport:
    """A member reports a message; an animateur hides it and resolves the report."""

    reporter: str
    reason: str
    reported: tuple[int, str]  # (days ago, "HH:MM")
    animateur: str
    hide_note: str
    resolve_note: str
    handled: tuple[int, str]


@dataclass(frozen=True)
class DemoMessage:
    days_ago: int
    time: str  # "HH:MM", Paris time.
    author: str
    body: str
    edit: str = ""  # The body after its author's edit, twenty minutes later.
    report: DemoReport | None = None


@dataclass(frozen=True)
class DemoRoom:
    name: str
    topic: str
    opened_by: str
    messages: tuple[DemoMessage, ...]


@dataclass(frozen=True)
class DemoCommunity:
    name: str
    slug: str
    description: str
    kind: str
    access: str
    discipline: str | None
    degree: str
    owner: str
    animateurs: tuple[str, ...]
    members: tuple[str, ...]
    days_ago: int
    pending: tuple[str, ...] = ()
    invited: tuple[str, ...] = ()
    rooms: tuple[DemoRoom, ...] = ()
    resources: tuple[DemoResource, ...] = ()
    remixes: tuple[DemoRemix, ...] = ()


# --- The maths community ---------------------------------------------------------------------

PYTHAGORE_PHASES = [
    {
        "title": "Situation déclenchante",
        "duration": 10,
        "teacher_activity": (
            "Projette la photo d'une échelle de 5 m posée contre un mur et demande : "
            "atteindra-t-elle la fenêtre située à 4,5 m du sol si son pied est à 1,5 m du mur ?"
        ),
        "student_activity": "Font des hypothèses à l'oral, puis les notent dans leur cahier.",
        "tools": "Vidéoprojecteur, photo de l'échelle",
    },
    {
        "title": "Conjecture avec GeoGebra",
        "duration": 25,
        "teacher_activity": (
            "Distribue la figure GeoGebra : un triangle ABC rectangle en A, déformable, avec "
            "les carrés construits sur ses côtés. Circule et relance les binômes : que "
            "remarquez-vous quand vous déplacez B ou C ?"
        ),
        "student_activity": (
            "Déplacent les sommets, relèvent les aires des trois carrés dans un tableau et "
            "formulent une conjecture."
        ),
        "tools": "GeoGebra (un ordinateur ou une tablette pour deux), fiche de relevé",
    },
    {
        "title": "Mise en commun et démonstration",
        "duration": 20,
        "teacher_activity": (
            "Fait émerger la conjecture BC² = AB² + AC², puis guide la démonstration par le "
            "puzzle des quatre triangles rectangles."
        ),
        "student_activity": (
            "Comparent leurs conjectures, manipulent le puzzle et rédigent la démonstration "
            "en binôme."
        ),
        "tools": "Puzzle en carton, tableau",
    },
    {
        "title": "Réinvestissement (deuxième séance)",
        "duration": 40,
        "teacher_activity": (
            "Propose trois problèmes de difficulté croissante, dont celui de l'échelle."
        ),
        "student_activity": (
            "Résolvent les problèmes et rédigent en justifiant l'usage du théorème."
        ),
        "tools": "Calculatrice",
    },
]

PYTHAGORE_PHASES_V3 = [
    PYTHAGORE_PHASES[0],
    {
        "title": "Prise en main guidée de GeoGebra",
        "duration": 10,
        "teacher_activity": (
            "Montre au vidéoprojecteur comment déplacer un point et afficher une aire, puis "
            "laisse les binômes reproduire."
        ),
        "student_activity": "Déplacent les sommets et font afficher l'aire d'un carré.",
        "tools": "GeoGebra, vidéoprojecteur",
    },
    {**PYTHAGORE_PHASES[1], "duration": 20},
    PYTHAGORE_PHASES[2],
    PYTHAGORE_PHASES[3],
]

COURSE_PHASES = [
    {
        "title": "La course",
        "duration": 15,
        "teacher_activity": (
            "Présente le jeu : onze chevaux numérotés de 2 à 12 ; à chaque lancer de deux dés, "
            "le cheval dont le numéro est la somme avance d'une case. Chacun parie sur un "
            "cheval."
        ),
        "student_activity": "Parient, lancent les dés par groupes de quatre, font avancer.",
        "tools": "Deux dés par groupe, plateau de course",
    },
    {
        "title": "Le tableau des sommes",
        "duration": 20,
        "teacher_activity": "Demande pourquoi le cheval 7 gagne si souvent.",
        "student_activity": (
            "Construisent le tableau à double entrée des 36 issues et calculent la probabilité "
            "de chaque somme."
        ),
        "tools": "Fiche tableau",
    },
    {
        "title": "Simulation",
        "duration": 15,
        "teacher_activity": "Projette la simulation de 10 000 courses au tableur.",
        "student_activity": "Comparent fréquences observées et probabilités calculées.",
        "tools": "Tableur",
    },
    {
        "title": "Bilan",
        "duration": 5,
        "teacher_activity": (
            "Institutionnalise : plus on répète l'expérience, plus la fréquence se rapproche "
            "de la probabilité."
        ),
        "student_activity": "Notent la trace écrite.",
        "tools": "",
    },
]

VITESSE_PHASES = [
    {
        "title": "Le défi (séance d'EPS)",
        "duration": 55,
        "teacher_activity": (
            "Chaque élève court six minutes ; un camarade relève la distance parcourue à "
            "chaque tour de piste."
        ),
        "student_activity": "Courent, chronomètrent et relèvent distances et temps.",
        "tools": "Chronomètres, fiche de relevé",
    },
    {
        "title": "Calculer sa vitesse",
        "duration": 30,
        "teacher_activity": "Demande de calculer sa vitesse moyenne en m/min, puis en km/h.",
        "student_activity": "Calculent leur vitesse et la convertissent.",
        "tools": "Calculatrice",
    },
    {
        "title": "Comparer",
        "duration": 25,
        "teacher_activity": (
            "Propose de comparer avec la vitesse d'un piéton, d'un cycliste, d'un guépard."
        ),
        "student_activity": "Construisent un diagramme comparatif au tableur.",
        "tools": "Tableur",
    },
]

MATHS_RESOURCES = (
    DemoResource(
        title="Découvrir le théorème de Pythagore avec GeoGebra",
        kind=ResourceKind.SCENARIO,
        author="claire",
        coauthors=("mehdi",),
        state=ResourceState.PROMOTED_NATIONAL,
        days_ago=75,
        summary=(
            "Les élèves de 4e conjecturent la relation de Pythagore en déformant un triangle "
            "rectangle dans GeoGebra, puis la démontrent avec un puzzle."
        ),
        disciplines=("mathematiques",),
        levels=("4e",),
        tags=("géométrie", "GeoGebra", "démonstration", "démarche d'investigation"),
        competences=("B.2-2", "B.3-2"),
        content={
            "duration": "2 séances de 55 minutes",
            "objectives": (
                "Conjecturer la relation entre les longueurs des côtés d'un triangle rectangle "
                "à l'aide d'un logiciel de géométrie dynamique, puis la démontrer.\n\n"
                "Utiliser le théorème de Pythagore pour calculer une longueur."
            ),
            "prerequisites": (
                "Carré d'un nombre, racine carrée à la calculatrice, vocabulaire du triangle "
                "rectangle (hypoténuse, côtés de l'angle droit)."
            ),
            "phases": PYTHAGORE_PHASES,
            "materials": (
                "Figure GeoGebra des trois carrés, fiche de relevé, puzzle des quatre "
                "triangles (une planche pour deux), trois problèmes d'application."
            ),
            "assessment": (
                "Évaluation formative : la rédaction du problème de l'échelle est relevée et "
                "annotée. Compétences travaillées : chercher, modéliser, raisonner."
            ),
            "differentiation": (
                "Binômes hétérogènes. Coup de pouce : un tableau de relevé pré-rempli. Pour "
                "aller plus loin : la réciproque, avec des triangles dont on connaît les trois "
                "longueurs."
            ),
        },
        story=(
            _save(
                "mehdi",
                "Adaptations pour les élèves dyspraxiques",
                differentiation=(
                    "Binômes hétérogènes. Coup de pouce : un tableau de relevé pré-rempli. "
                    "Pour aller plus loin : la réciproque, avec des triangles dont on connaît "
                    "les trois longueurs.\n\n"
                    "Pour les élèves dyspraxiques : puzzle pré-découpé et figure GeoGebra déjà "
                    "construite."
                ),
            ),
            _submit("claire", "Testée avec mes deux classes de 4e."),
            _assign("karim", "thomas"),
            _volunteer("julien"),
            _review(
                "thomas",
                (3, 3, 2, 3, 4),
                "La démarche d'investigation est bien construite et la conjecture fonctionne. "
                "En revanche, 25 minutes ne suffiront pas si les élèves découvrent GeoGebra : "
                "la phase 2 est trop chargée.",
            ),
            _review(
                "julien",
                (3, 4, 3, 2, 4),
                "Très belle séance. Rien n'est prévu si la salle informatique n'est pas "
                "disponible ou si le réseau tombe : une version papier rendrait la séance "
                "faisable partout.",
            ),
            _request_changes(
                "karim",
                "Deux avis convergents : alléger la phase 2 et prévoir une solution de repli "
                "sans ordinateur. Le reste est prêt.",
            ),
            _answer(
                "claire",
                "thomas",
                "Merci ! La phase 2 est scindée : dix minutes de prise en main guidée, puis la "
                "recherche.",
            ),
            _answer(
                "claire",
                "julien",
                "Bonne remarque : une version sur papier millimétré est ajoutée au matériel.",
            ),
            _save(
                "claire",
                "Phase 2 scindée, solution de repli sans ordinateur",
                phases=PYTHAGORE_PHASES_V3,
                materials=(
                    "Figure GeoGebra des trois carrés, fiche de relevé, puzzle des quatre "
                    "triangles (une planche pour deux), trois problèmes d'application.\n\n"
                    "Solution de repli : triangles rectangles à tracer sur papier millimétré, "
                    "aires comptées en carreaux."
                ),
            ),
            _revise("claire", "Les deux avis ont reçu une réponse."),
            _volunteer("thomas"),
            _volunteer("ines"),
            _review(
                "thomas",
                (4, 4, 4, 3, 4),
                "La prise en main guidée règle mon inquiétude. Prête à être publiée.",
            ),
            _review(
                "ines",
                (4, 3, 4, 4, 4),
                "Testée en co-intervention avec une 4e : les élèves ont formulé la conjecture "
                "seuls. La version papier est une très bonne idée.",
            ),
            _publish("karim", "Deux avis favorables sur la version 3."),
            _promote_academy(
                "sophie",
                "Un usage exemplaire de la géométrie dynamique au service de la démonstration, "
                "à faire connaître dans l'académie.",
            ),
            _promote_national(
                "nadia",
                "Retenue pour la sélection nationale des ressources de mathématiques du cycle 4.",
            ),
        ),
    ),
    DemoResource(
        title="Le calcul littéral en 4e : de l'expression à l'équation",
        kind=ResourceKind.SEQUENCE,
        author="mehdi",
        coauthors=("thomas",),
        state=ResourceState.PROMOTED_ACADEMY,
        days_ago=60,
        summary=(
            "Six séances pour donner du sens à la lettre : programmes de calcul, motifs "
            "figuratifs, aires, puis équations du premier degré."
        ),
        disciplines=("mathematiques",),
        levels=("4e",),
        tags=("calcul littéral", "équations", "programme de calcul"),
        content={
            "objectives": (
                "Donner du sens à la lettre : passer du nombre à l'expression, puis de "
                "l'expression à l'équation. Développer, factoriser, tester une égalité."
            ),
            "sessions": [
                {
                    "title": "Le nombre magique",
                    "duration": 55,
                    "description": (
                        "Programme de calcul : « choisis un nombre, ajoute 3, multiplie par 2, "
                        "soustrais 6 ». Les élèves testent, conjecturent, puis prouvent avec "
                        "une lettre."
                    ),
                },
                {
                    "title": "Des carrés et des allumettes",
                    "duration": 55,
                    "description": (
                        "Combien d'allumettes pour une rangée de n carrés ? Plusieurs "
                        "expressions équivalentes sont comparées : 4n - (n - 1), 3n + 1."
                    ),
                },
                {
                    "title": "Développer avec les aires",
                    "duration": 55,
                    "description": (
                        "La distributivité illustrée par des rectangles découpés : "
                        "k(a + b) = ka + kb, puis la double distributivité."
                    ),
                },
                {
                    "title": "Tester une égalité",
                    "duration": 55,
                    "description": (
                        "Une égalité est-elle vraie pour toutes les valeurs ? Tests, "
                        "contre-exemples, et le mot « équation »."
                    ),
                },
                {
                    "title": "Résoudre des équations",
                    "duration": 55,
                    "description": (
                        "La méthode de la balance, manipulée puis écrite, pour les équations "
                        "de la forme ax + b = cx + d."
                    ),
                },
                {
                    "title": "Évaluation et remédiation",
                    "duration": 55,
                    "description": (
                        "Évaluation par compétences ; les élèves en difficulté reprennent les "
                        "programmes de calcul au tableur."
                    ),
                },
            ],
        },
        story=(
            _submit("mehdi"),
            _assign("karim", "claire"),
            _volunteer("antoine"),
            _review(
                "claire",
                (4, 4, 3, 4, 4),
                "Séquence très progressive. J'ai testé la séance 1 : le « nombre magique » "
                "accroche vraiment les élèves. Des exemples de traces écrites seraient un plus.",
            ),
            _review(
                "antoine",
                (3, 4, 3, 3, 4),
                "Bonne progression. Pour la séance 6, une feuille de tableur prête à l'emploi "
                "faciliterait la remédiation.",
            ),
            _publish("karim", "Publiée avec deux avis favorables."),
            _promote_academy(
                "sophie",
                "Progression conforme aux attendus de fin de cycle 4 et bien étayée.",
            ),
        ),
    ),
    DemoResource(
        title="Fonctions affines : comparer deux forfaits de téléphone",
        kind=ResourceKind.SCENARIO,
        author="thomas",
        state=ResourceState.PUBLISHED,
        days_ago=45,
        summary=(
            "Modéliser deux offres par des fonctions, les représenter et trouver à partir de "
            "combien de minutes l'une devient plus avantageuse."
        ),
        disciplines=("mathematiques",),
        levels=("3e",),
        tags=("fonctions", "modélisation", "tableur"),
        content={
            "duration": "1 séance de 55 minutes",
            "objectives": (
                "Modéliser une situation de la vie courante par une fonction affine ; lire et "
                "interpréter une représentation graphique ; comparer deux offres."
            ),
            "prerequisites": (
                "Notion de fonction, tableau de valeurs, repérage dans le plan, fonctions "
                "linéaires."
            ),
            "phases": [
                {
                    "title": "Deux forfaits à comparer",
                    "duration": 10,
                    "teacher_activity": (
                        "Présente deux offres : A à 2 € par mois plus 0,10 € la minute, B à "
                        "15 € par mois en illimité."
                    ),
                    "student_activity": "Calculent le prix pour 60 et 200 minutes.",
                    "tools": "Fiche d'activité",
                },
                {
                    "title": "Tableau et formule",
                    "duration": 15,
                    "teacher_activity": (
                        "Demande d'exprimer le prix en fonction du nombre x de minutes."
                    ),
                    "student_activity": (
                        "Écrivent f(x) = 0,1x + 2 et g(x) = 15 et complètent un tableau de "
                        "valeurs au tableur."
                    ),
                    "tools": "Tableur",
                },
                {
                    "title": "Représentation graphique",
                    "duration": 20,
                    "teacher_activity": "Fait tracer les deux représentations graphiques.",
                    "student_activity": (
                        "Lisent le point d'intersection et l'interprètent : au-delà de 130 "
                        "minutes, B est plus avantageux."
                    ),
                    "tools": "GeoGebra ou papier millimétré",
                },
                {
                    "title": "Synthèse",
                    "duration": 10,
                    "teacher_activity": (
                        "Institutionnalise : fonction affine, coefficient directeur, ordonnée à "
                        "l'origine."
                    ),
                    "student_activity": "Complètent la trace écrite.",
                    "tools": "",
                },
            ],
            "materials": "Fiche d'activité, fichier tableur, papier millimétré.",
            "assessment": (
                "Exercice de transfert à la maison : comparer deux tarifs de location de vélo."
            ),
            "differentiation": (
                "Tableau de valeurs en partie rempli pour qui en a besoin ; défi pour les plus "
                "rapides : un forfait C à 8 € plus 0,05 € la minute."
            ),
        },
        story=(
            _submit("thomas"),
            _assign("karim", "julien"),
            _decline(
                "julien",
                "Je ne connais pas assez le programme de 3e pour relire ce scénario.",
            ),
            _assign("karim", "mehdi"),
            _volunteer("claire"),
            _review(
                "mehdi",
                (4, 4, 4, 3, 4),
                "Situation motivante et bien calibrée pour 55 minutes. Le seuil de 130 "
                "minutes est juste.",
            ),
            _review(
                "claire",
                (4, 3, 4, 4, 3),
                "Très utilisable. Penser à actualiser les tarifs d'une année sur l'autre pour "
                "qu'ils restent réalistes.",
            ),
            _publish("karim"),
        ),
    ),
    DemoResource(
        title="MathALÉA : des exercices différenciés en un clic",
        kind=ResourceKind.TOOL_REVIEW,
        author="antoine",
        state=ResourceState.PUBLISHED,
        days_ago=40,
        licence=Licence.CC_BY,
        summary=(
            "Le générateur d'exercices libre de Coopmaths : fiches aléatoires avec corrigés, "
            "diaporamas de calcul mental, évaluations différenciées."
        ),
        disciplines=("mathematiques",),
        levels=("cycle-3", "cycle-4"),
        tags=("exercices", "différenciation", "calcul mental", "logiciel libre"),
        competences=("B.2-4",),
        content={
            "tool": "MathALÉA (Coopmaths)",
            "url": "https://coopmaths.fr/alea/",
            "uses": (
                "Générer des fiches d'exercices aléatoires avec leur corrigé ; projeter un "
                "diaporama de calcul mental ; créer des évaluations différenciées (même "
                "exercice, valeurs différentes pour chaque élève)."
            ),
            "strengths": (
                "Gratuit, libre, sans publicité et sans compte. Exercices classés selon les "
                "programmes. Export PDF et LaTeX ; corrigés détaillés générés automatiquement."
            ),
            "limits": (
                "Peu de problèmes ouverts : l'outil sert surtout à l'entraînement. Composer "
                "une fiche demande un temps de prise en main."
            ),
            "data_notes": (
                "Pour générer des fiches ou projeter des exercices, aucun compte n'est demandé "
                "et aucune donnée d'élève n'est collectée. Pour un travail des élèves en "
                "autonomie, préférer un accès par l'ENT."
            ),
        },
        story=(
            _submit("antoine"),
            _volunteer("claire"),
            _volunteer("thomas"),
            _review(
                "claire",
                (4, 4, 4, 3, 4),
                "Fiche claire et honnête sur les limites. Un exemple de diaporama de calcul "
                "mental serait bienvenu.",
            ),
            _review(
                "thomas",
                (4, 3, 4, 3, 4),
                "Juste et complète ; la question des données est bien traitée.",
            ),
            _publish("mehdi", "Une fiche outil de référence pour la communauté."),
        ),
    ),
    DemoResource(
        title="Problèmes ouverts au carrefour des maths et de la physique",
        kind=ResourceKind.FREE,
        author="karim",
        state=ResourceState.PUBLISHED,
        days_ago=38,
        licence=Licence.CC_BY_NC_SA,
        summary=(
            "Six problèmes ouverts testés en classe, avec des pistes de relance, pour débattre "
            "des démarches plutôt que des résultats."
        ),
        disciplines=("mathematiques", "physique-chimie"),
        levels=("cycle-4",),
        tags=("problèmes ouverts", "ordres de grandeur", "interdisciplinarité"),
        content={
            "body": (
                "Six problèmes ouverts pour le cycle 4, à proposer en début de chapitre ou en "
                "devoir en temps libre.\n\n"
                "1. La goutte qui fuit : un robinet perd une goutte par seconde. Combien de "
                "litres perd-on en un an ?\n\n"
                "2. La ficelle autour de la Terre : on allonge d'un mètre une ficelle tendue "
                "le long de l'équateur. Un chat peut-il passer dessous ?\n\n"
                "3. Le trajet à vélo : un élève roule à 15 km/h à l'aller et à 10 km/h au "
                "retour. Quelle est sa vitesse moyenne ?\n\n"
                "4. La pile de feuilles : combien de feuilles faut-il empiler pour atteindre "
                "le sommet de la tour métallique de Fourvière ?\n\n"
                "5. L'ombre du collège : comment mesurer la hauteur du bâtiment avec un mètre "
                "ruban un jour de soleil ?\n\n"
                "6. La baignoire : combien de verres d'eau contient-elle ?\n\n"
                "Pistes de relance : faire estimer un ordre de grandeur avant tout calcul, "
                "demander quelles informations manquent, comparer les démarches."
            ),
        },
        story=(
            _submit("karim"),
            _volunteer("thomas"),
            _assign("mehdi", "julien"),
            _review(
                "thomas",
                (4, 4, 4, 3, 4),
                "Des problèmes variés, dont des classiques comme la ficelle autour de la "
                "Terre, très bien choisis pour débattre.",
            ),
            _review(
                "julien",
                (4, 4, 3, 3, 4),
                "Le problème du vélo est un excellent piège sur la moyenne. Indiquer les "
                "réponses attendues aiderait les collègues.",
            ),
            _publish("mehdi"),
        ),
    ),
    DemoResource(
        title="Statistiques : mener une enquête dans le collège",
        kind=ResourceKind.SCENARIO,
        author="claire",
        state=ResourceState.IN_REVIEW,
        days_ago=20,
        summary=(
            "Les élèves choisissent une question sur la vie du collège, recueillent les "
            "réponses d'une autre classe et les traitent au tableur."
        ),
        disciplines=("mathematiques",),
        levels=("5e", "4e"),
        tags=("statistiques", "tableur", "projet", "oral"),
        content={
            "duration": "3 séances de 55 minutes",
            "objectives": (
                "Recueillir, organiser et représenter des données ; calculer et interpréter "
                "moyenne, médiane et étendue."
            ),
            "prerequisites": "Lecture de tableaux et de diagrammes ; calcul de fréquences.",
            "phases": [
                {
                    "title": "Choisir une question d'enquête",
                    "duration": 30,
                    "teacher_activity": (
                        "Propose de choisir une question sur la vie du collège : temps de "
                        "trajet, sport pratiqué, usage du CDI."
                    ),
                    "student_activity": "Rédigent un questionnaire court et anonyme.",
                    "tools": "Fiche de cadrage",
                },
                {
                    "title": "Recueillir les données",
                    "duration": 25,
                    "teacher_activity": "Organise la passation dans une autre classe.",
                    "student_activity": "Font passer le questionnaire et saisissent les réponses.",
                    "tools": "Questionnaire papier ou formulaire de l'ENT",
                },
                {
                    "title": "Traiter les données au tableur",
                    "duration": 55,
                    "teacher_activity": "Montre les fonctions MOYENNE, MEDIANE, MIN et MAX.",
                    "student_activity": (
                        "Calculent les indicateurs et construisent les diagrammes adaptés."
                    ),
                    "tools": "Tableur",
                },
                {
                    "title": "Présenter ses résultats",
                    "duration": 55,
                    "teacher_activity": "Organise un oral de trois minutes par groupe.",
                    "student_activity": "Présentent un diagramme et une conclusion argumentée.",
                    "tools": "Vidéoprojecteur",
                },
            ],
            "materials": "Fiche de cadrage, modèle de questionnaire, fichier tableur.",
            "assessment": (
                "Oral évalué avec une grille : pertinence du diagramme, justesse des "
                "indicateurs, qualité de l'argumentation."
            ),
            "differentiation": (
                "Rôles dans le groupe (secrétaire, calculateur, porte-parole) ; fichier "
                "tableur pré-formaté pour les groupes qui en ont besoin."
            ),
        },
        story=(
            _submit("claire", "Première version, testée avec une classe de 5e."),
            _assign("karim", "mehdi"),
            _volunteer("antoine"),
            _review(
                "antoine",
                (3, 3, 4, 3, 4),
                "Projet motivant. Même anonyme, un questionnaire peut toucher à la vie privée : "
                "rappeler de ne recueillir aucune donnée qui identifie un élève.",
            ),
        ),
    ),
    DemoResource(
        title="Probabilités en 3e : la course de chevaux",
        kind=ResourceKind.SCENARIO,
        author="thomas",
        state=ResourceState.REVISED,
        days_ago=30,
        summary=(
            "Un jeu de course avec deux dés pour découvrir que toutes les sommes ne sont pas "
            "équiprobables, puis une simulation au tableur."
        ),
        disciplines=("mathematiques",),
        levels=("3e",),
        tags=("probabilités", "jeu", "simulation", "tableur"),
        content={
            "duration": "1 séance de 55 minutes",
            "objectives": (
                "Distinguer fréquence observée et probabilité ; découvrir qu'avec deux dés, "
                "toutes les sommes ne sont pas équiprobables."
            ),
            "prerequisites": "Vocabulaire des probabilités (issue, événement), fréquences.",
            "phases": COURSE_PHASES,
            "materials": "Plateaux de course imprimés, dés, fichier tableur de simulation.",
            "assessment": (
                "Question flash à la séance suivante : quelle est la probabilité d'obtenir une "
                "somme de 4 ?"
            ),
            "differentiation": "Tableau des 36 issues en partie pré-rempli.",
        },
        story=(
            _submit("thomas"),
            _volunteer("mehdi"),
            _volunteer("claire"),
            _review(
                "mehdi",
                (3, 3, 2, 3, 4),
                "Le jeu fonctionne très bien, mais tout tenir en 55 minutes est irréaliste : "
                "la course seule prend vingt minutes avec le rangement.",
            ),
            _review(
                "claire",
                (3, 4, 3, 2, 4),
                "Belle activité. Les règles gagneraient à être écrites sur une fiche pour les "
                "élèves allophones ou qui suivent mal une consigne orale.",
            ),
            _request_changes("karim", "Revoir la durée et ajouter une fiche de règles."),
            _answer(
                "thomas",
                "mehdi",
                "D'accord : deux séances, la simulation passe en séance 2.",
            ),
            _answer("thomas", "claire", "Fiche de règles illustrée ajoutée au matériel."),
            _save(
                "thomas",
                "Deux séances au lieu d'une ; fiche de règles illustrée",
                duration="2 séances de 55 minutes",
                phases=[
                    {**COURSE_PHASES[0], "duration": 25},
                    {**COURSE_PHASES[1], "duration": 30},
                    {**COURSE_PHASES[2], "duration": 40},
                    {**COURSE_PHASES[3], "duration": 15},
                ],
                materials=(
                    "Plateaux de course imprimés, dés, fichier tableur de simulation, fiche de "
                    "règles illustrée."
                ),
            ),
            _revise("thomas", "Durée revue, fiche de règles ajoutée."),
        ),
    ),
    DemoResource(
        title="La proportionnalité en 5e : recettes, échelles et pourcentages",
        kind=ResourceKind.SEQUENCE,
        author="mehdi",
        state=ResourceState.CHANGES_REQUESTED,
        days_ago=25,
        summary=(
            "Cinq séances pour reconnaître la proportionnalité et choisir sa procédure : "
            "coefficient, linéarité, passage à l'unité."
        ),
        disciplines=("mathematiques",),
        levels=("5e",),
        tags=("proportionnalité", "pourcentages", "échelles"),
        content={
            "objectives": (
                "Reconnaître une situation de proportionnalité ; utiliser le coefficient, la "
                "linéarité ou le passage à l'unité ; appliquer un pourcentage ; utiliser une "
                "échelle."
            ),
            "sessions": [
                {
                    "title": "Recettes de cuisine",
                    "duration": 55,
                    "description": (
                        "Adapter une recette de crêpes pour 4 personnes à 6, 10 puis 15 "
                        "personnes ; comparer les procédures."
                    ),
                },
                {
                    "title": "Proportionnel ou pas ?",
                    "duration": 55,
                    "description": (
                        "Trier des situations (prix au kilo, âge et taille, forfait de cinéma) "
                        "et justifier."
                    ),
                },
                {
                    "title": "Les échelles",
                    "duration": 55,
                    "description": (
                        "Calculer des distances réelles sur le plan du quartier, puis dessiner "
                        "la salle de classe à l'échelle."
                    ),
                },
                {
                    "title": "Appliquer un pourcentage",
                    "duration": 55,
                    "description": "Soldes et réductions : le pourcentage comme coefficient.",
                },
                {
                    "title": "Évaluation",
                    "duration": 55,
                    "description": "Problèmes à étapes mêlant les trois procédures.",
                },
            ],
        },
        story=(
            _submit("mehdi"),
            _assign("karim", "claire"),
            _volunteer("ines"),
            _review(
                "claire",
                (3, 3, 3, 3, 4),
                "Bonne progression, mais la séance 4 va vite pour des 5e : il manque une "
                "séance d'entraînement avant l'évaluation.",
            ),
            _review(
                "ines",
                (2, 3, 3, 3, 4),
                "Dans la séance 2, « âge et taille » est affirmé non proportionnel sans "
                "données : les courbes de croissance du carnet de santé le montreraient, on "
                "peut le faire avec la SVT.",
            ),
            _request_changes(
                "karim",
                "Ajouter une séance d'entraînement sur les pourcentages et des données réelles "
                "pour la séance 2.",
            ),
        ),
    ),
    DemoResource(
        title="Les nombres relatifs avec un thermomètre",
        kind=ResourceKind.SCENARIO,
        author="mehdi",
        state=ResourceState.SUBMITTED,
        days_ago=6,
        summary=(
            "Des relevés de températures à Lyon et en montagne pour comparer, ranger et "
            "additionner des nombres relatifs."
        ),
        disciplines=("mathematiques",),
        levels=("5e",),
        tags=("nombres relatifs", "manipulation"),
        content={
            "duration": "1 séance de 55 minutes",
            "objectives": (
                "Repérer et comparer des nombres relatifs ; additionner deux relatifs à partir "
                "de variations de température."
            ),
            "prerequisites": "Nombres décimaux, droite graduée.",
            "phases": [
                {
                    "title": "Relevés de températures",
                    "duration": 15,
                    "teacher_activity": (
                        "Projette les températures d'une semaine de janvier à Lyon et à Chamonix."
                    ),
                    "student_activity": "Placent les températures sur un thermomètre gradué.",
                    "tools": "Thermomètre géant au tableau",
                },
                {
                    "title": "Plus chaud ou plus froid ?",
                    "duration": 15,
                    "teacher_activity": "Demande de ranger les températures.",
                    "student_activity": "Comparent, rangent et calculent des écarts.",
                    "tools": "Fiche élève",
                },
                {
                    "title": "Variations",
                    "duration": 20,
                    "teacher_activity": (
                        "« Il fait -3 °C et la température monte de 5 degrés : quelle "
                        "température fait-il ? »"
                    ),
                    "student_activity": (
                        "Se déplacent sur le thermomètre, puis calculent sans lui."
                    ),
                    "tools": "Thermomètre individuel en carton",
                },
                {
                    "title": "Bilan",
                    "duration": 5,
                    "teacher_activity": "Formalise l'addition de deux relatifs.",
                    "student_activity": "Complètent la trace écrite.",
                    "tools": "",
                },
            ],
            "materials": "Relevés de températures, thermomètres en carton, fiche élève.",
            "assessment": "Cinq calculs flash au début de la séance suivante.",
            "differentiation": "Le thermomètre en carton reste disponible pendant l'évaluation.",
        },
        story=(_submit("mehdi", "Pour le chapitre de janvier."),),
    ),
    DemoResource(
        title="Scratch au cycle 4 : premiers pas en algorithmique",
        kind=ResourceKind.TOOL_REVIEW,
        author="nathan",
        state=ResourceState.DRAFT,
        days_ago=9,
        summary="Scratch pour les boucles, conditions et variables du programme de cycle 4.",
        disciplines=("mathematiques", "technologie"),
        levels=("cycle-4",),
        tags=("algorithmique", "programmation", "Scratch"),
        content={
            "tool": "Scratch 3",
            "url": "https://scratch.mit.edu/",
            "uses": (
                "Algorithmique du programme de mathématiques (boucles, conditions, variables), "
                "constructions de figures, jeux simples en technologie."
            ),
            "strengths": (
                "Gratuit, en français, utilisable en ligne ou hors ligne. Les blocs évitent "
                "les erreurs de syntaxe et les élèves voient tout de suite le résultat."
            ),
            "limits": "",
            "data_notes": (
                "À vérifier avec le DPD : les comptes élèves en ligne, ou la version hors "
                "ligne avec les fichiers .sb3 rangés dans l'ENT."
            ),
        },
        story=(
            _save(
                "nathan",
                "Limites ajoutées",
                limits=(
                    "Il faut un compte pour enregistrer en ligne ; le passage au Python en "
                    "seconde reste à préparer."
                ),
            ),
        ),
    ),
    DemoResource(
        title="Rituels de calcul mental en début de séance",
        kind=ResourceKind.FREE,
        author="claire",
        coauthors=("thomas",),
        state=ResourceState.DRAFT,
        days_ago=14,
        summary="Cinq minutes par jour, un rituel différent chaque jour de la semaine.",
        disciplines=("mathematiques",),
        levels=("cycle-4",),
        tags=("calcul mental", "rituels"),
        content={
            "body": (
                "Cinq minutes de calcul mental au début de chaque séance.\n\n"
                "Lundi : tables de multiplication en duel.\n"
                "Mardi : calculs sur les fractions simples.\n"
                "Mercredi : le nombre du jour (écrire 24 de dix façons différentes).\n"
                "Jeudi : estimation d'ordres de grandeur.\n"
                "Vendredi : le compte est bon."
            ),
        },
        story=(
            _save(
                "thomas",
                "Matériel et suivi",
                body=(
                    "Cinq minutes de calcul mental au début de chaque séance.\n\n"
                    "Lundi : tables de multiplication en duel.\n"
                    "Mardi : calculs sur les fractions simples.\n"
                    "Mercredi : le nombre du jour (écrire 24 de dix façons différentes).\n"
                    "Jeudi : estimation d'ordres de grandeur.\n"
                    "Vendredi : le compte est bon.\n\n"
                    "Matériel : ardoises, diaporama MathALÉA projeté. Les élèves notent leurs "
                    "scores dans un carnet de suivi."
                ),
            ),
            _save(
                "claire",
                "Variante pour la 3e",
                body=(
                    "Cinq minutes de calcul mental au début de chaque séance.\n\n"
                    "Lundi : tables de multiplication en duel.\n"
                    "Mardi : calculs sur les fractions simples.\n"
                    "Mercredi : le nombre du jour (écrire 24 de dix façons différentes).\n"
                    "Jeudi : estimation d'ordres de grandeur.\n"
                    "Vendredi : le compte est bon.\n\n"
                    "Matériel : ardoises, diaporama MathALÉA projeté. Les élèves notent leurs "
                    "scores dans un carnet de suivi.\n\n"
                    "Variante pour la 3e : puissances de 10 et pourcentages."
                ),
            ),
        ),
    ),
    DemoResource(
        title="Thalès et les ombres : mesurer la hauteur du préau",
        kind=ResourceKind.SCENARIO,
        author="julien",
        coauthors=("mehdi",),
        state=ResourceState.WITHDRAWN,
        days_ago=35,
        summary="Mesurer une hauteur inaccessible dans la cour grâce aux ombres.",
        disciplines=("mathematiques", "physique-chimie"),
        levels=("3e",),
        tags=("Thalès", "mesure", "sortie"),
        content={
            "duration": "2 séances de 55 minutes",
            "objectives": (
                "Mesurer une hauteur inaccessible grâce aux ombres ; utiliser le théorème de "
                "Thalès dans une situation réelle."
            ),
            "prerequisites": "Théorème de Thalès, proportionnalité.",
            "phases": [
                {
                    "title": "Dans la cour",
                    "duration": 30,
                    "teacher_activity": "Emmène la classe dans la cour un jour de soleil.",
                    "student_activity": (
                        "Mesurent l'ombre d'un bâton vertical d'un mètre et celle du préau."
                    ),
                    "tools": "Mètres rubans, bâtons d'un mètre",
                },
                {
                    "title": "Modéliser",
                    "duration": 25,
                    "teacher_activity": "Fait schématiser la situation.",
                    "student_activity": (
                        "Reconnaissent une configuration de Thalès et calculent la hauteur."
                    ),
                    "tools": "",
                },
            ],
            "materials": "Mètres rubans, bâtons, fiche de relevés.",
            "assessment": "Comparaison des résultats des groupes et discussion des écarts.",
            "differentiation": "Schéma pré-dessiné pour les élèves en difficulté.",
        },
        story=(
            _submit("julien"),
            _withdraw(
                "julien",
                "Je la retire : la séance dépend trop de la météo. Je la reprends avec une "
                "solution de repli en intérieur (lampe et maquette).",
            ),
        ),
    ),
    DemoResource(
        title="Géométrie dans l'espace : patrons et volumes",
        kind=ResourceKind.SEQUENCE,
        author="thomas",
        state=ResourceState.PUBLISHED,
        days_ago=50,
        summary="Du solide réel au patron, puis aux formules de volume, par la manipulation.",
        disciplines=("mathematiques",),
        levels=("4e", "3e"),
        tags=("géométrie dans l'espace", "volumes", "manipulation", "GeoGebra"),
        content={
            "objectives": (
                "Reconnaître des solides, construire des patrons, calculer des volumes "
                "(prisme, cylindre, pyramide, cône, boule)."
            ),
            "sessions": [
                {
                    "title": "Solides et patrons",
                    "duration": 55,
                    "description": (
                        "Tri de solides réels, construction de patrons de pavés et de prismes, "
                        "vérification par pliage."
                    ),
                },
                {
                    "title": "Prismes et cylindres",
                    "duration": 55,
                    "description": (
                        "Remplissage de solides creux avec de la semoule : le volume est "
                        "l'aire de la base multipliée par la hauteur."
                    ),
                },
                {
                    "title": "Pyramides et cônes",
                    "duration": 55,
                    "description": (
                        "Transvasements : trois pyramides remplissent le prisme de même base "
                        "et de même hauteur."
                    ),
                },
                {
                    "title": "Sections avec GeoGebra 3D",
                    "duration": 55,
                    "description": "Sections de solides par un plan, explorées dans GeoGebra.",
                },
                {
                    "title": "Problème de synthèse",
                    "duration": 55,
                    "description": (
                        "Quel emballage choisir pour une boisson de 33 cL ? Comparer volumes "
                        "et surfaces."
                    ),
                },
            ],
        },
        story=(
            _submit("thomas"),
            _assign("karim", "claire"),
            _volunteer("julien"),
            _review(
                "claire",
                (4, 4, 3, 4, 4),
                "La semoule est une excellente idée ; prévoir des bacs pour limiter les dégâts !",
            ),
            _review(
                "julien",
                (3, 4, 4, 3, 4),
                "Le problème de la canette ouvre un joli lien avec la physique (masse volumique).",
            ),
            _publish("karim"),
        ),
    ),
    DemoResource(
        title="Programmer une frise avec Scratch",
        kind=ResourceKind.SCENARIO,
        author="nathan",
        coauthors=("antoine",),
        state=ResourceState.IN_REVIEW,
        days_ago=10,
        summary="Boucles et blocs personnalisés pour tracer une frise par translation.",
        disciplines=("mathematiques", "technologie"),
        levels=("5e",),
        tags=("algorithmique", "Scratch", "transformations"),
        content={
            "duration": "2 séances de 55 minutes",
            "objectives": (
                "Écrire un programme avec des boucles et un bloc personnalisé ; relier "
                "translation et frise."
            ),
            "prerequisites": "Se déplacer et s'orienter dans Scratch ; la boucle « répéter ».",
            "phases": [
                {
                    "title": "Décrire une frise",
                    "duration": 15,
                    "teacher_activity": "Montre une frise grecque : comment la décrire ?",
                    "student_activity": "Repèrent le motif et la translation qui le répète.",
                    "tools": "Images de frises",
                },
                {
                    "title": "Programmer le motif",
                    "duration": 35,
                    "teacher_activity": "Aide à créer un bloc personnalisé « motif ».",
                    "student_activity": "Programment le motif avec le stylo.",
                    "tools": "Scratch",
                },
                {
                    "title": "Répéter",
                    "duration": 30,
                    "teacher_activity": "Introduit la boucle qui répète le motif.",
                    "student_activity": (
                        "Construisent la frise, puis font varier la taille du motif avec une "
                        "variable."
                    ),
                    "tools": "Scratch",
                },
                {
                    "title": "Galerie",
                    "duration": 20,
                    "teacher_activity": "Projette les frises des élèves.",
                    "student_activity": "Présentent leur programme et expliquent leurs choix.",
                    "tools": "Vidéoprojecteur",
                },
            ],
            "materials": "Programme de départ Scratch, images de frises.",
            "assessment": (
                "Le programme déposé dans l'ENT est évalué : boucle, bloc personnalisé, variable."
            ),
            "differentiation": (
                "Programme à trous pour les élèves en difficulté ; défi : une frise à deux "
                "motifs alternés."
            ),
        },
        story=(
            _submit("nathan", "Séance préparée avec Antoine pour nos deux classes de 5e."),
            _assign("karim", "thomas"),
            _volunteer("claire"),
        ),
    ),
    DemoResource(
        title="Grille d'évaluation de la résolution de problèmes",
        kind=ResourceKind.FREE,
        author="karim",
        state=ResourceState.SUBMITTED,
        days_ago=4,
        summary="Quatre niveaux de maîtrise pour les six compétences mathématiques du socle.",
        disciplines=("mathematiques",),
        levels=("cycle-4",),
        tags=("évaluation", "compétences", "résolution de problèmes"),
        content={
            "body": (
                "Une grille en quatre niveaux (insuffisant, fragile, satisfaisant, très bon) "
                "pour les six compétences mathématiques.\n\n"
                "Chercher : s'engage dans une démarche, émet des hypothèses, teste.\n"
                "Modéliser : traduit la situation en langage mathématique.\n"
                "Représenter : choisit un schéma, un tableau ou un graphique adapté.\n"
                "Raisonner : enchaîne des étapes justifiées.\n"
                "Calculer : mène les calculs avec exactitude, contrôle la vraisemblance.\n"
                "Communiquer : rédige une réponse claire, avec les unités.\n\n"
                "Chaque niveau est illustré par un exemple de copie anonymisée."
            ),
        },
        story=(_submit("karim"),),
    ),
    DemoResource(
        title="Vitesse moyenne : un défi course à pied",
        kind=ResourceKind.SCENARIO,
        author="julien",
        coauthors=("ines",),
        state=ResourceState.IN_REVIEW,
        days_ago=28,
        summary=(
            "Les élèves courent en EPS, puis calculent et comparent leur vitesse moyenne : "
            "un projet commun maths, physique et SVT."
        ),
        disciplines=("mathematiques", "physique-chimie", "svt"),
        levels=("4e",),
        tags=("vitesse", "proportionnalité", "interdisciplinarité", "EPI"),
        content={
            "duration": "2 séances de 55 minutes et une séance d'EPS",
            "objectives": (
                "Calculer une vitesse moyenne ; convertir des unités ; exploiter des données "
                "mesurées par les élèves."
            ),
            "prerequisites": "Proportionnalité, conversions de durées.",
            "phases": VITESSE_PHASES,
            "materials": "Chronomètres, fiche de relevé, fichier tableur.",
            "assessment": (
                "Exercice : le record du monde du 100 m est de 9,58 s ; quelle vitesse en "
                "km/h ? Corrigé : environ 32 km/h."
            ),
            "differentiation": (
                "Les élèves dispensés d'EPS sont chronométreurs et traitent les données de la "
                "classe."
            ),
        },
        story=(
            _submit("julien"),
            _volunteer("thomas"),
            _volunteer("claire"),
            _review(
                "thomas",
                (3, 3, 3, 3, 4),
                "Bonne idée de partir des données des élèves. La phase 2 enchaîne deux "
                "conversions : les élèves fragiles risquent de décrocher.",
            ),
            _review(
                "claire",
                (2, 3, 3, 3, 4),
                "Erreur dans le corrigé de l'exercice final : 100 m en 9,58 s font environ "
                "37,6 km/h, pas 32.",
            ),
            _request_changes("karim", "Corriger l'exercice final et séparer les deux conversions."),
            _answer(
                "julien",
                "thomas",
                "Conversions séparées : d'abord en m/min, puis en km/h dans une phase à part.",
            ),
            _answer("julien", "claire", "Merci, c'est corrigé : environ 37,6 km/h."),
            _save(
                "julien",
                "Corrigé de l'exercice final, conversions séparées",
                phases=[
                    VITESSE_PHASES[0],
                    {
                        **VITESSE_PHASES[1],
                        "duration": 15,
                        "teacher_activity": "Demande de calculer sa vitesse moyenne en m/min.",
                        "student_activity": "Calculent leur vitesse en m/min.",
                    },
                    {
                        "title": "Convertir en km/h",
                        "duration": 15,
                        "teacher_activity": (
                            "Guide la conversion avec un tableau de proportionnalité."
                        ),
                        "student_activity": "Convertissent leur vitesse en km/h.",
                        "tools": "Calculatrice",
                    },
                    VITESSE_PHASES[2],
                ],
                assessment=(
                    "Exercice : le record du monde du 100 m est de 9,58 s ; quelle vitesse en "
                    "km/h ? Corrigé : environ 37,6 km/h."
                ),
            ),
            _revise("julien"),
            _volunteer("mehdi"),
        ),
    ),
    DemoResource(
        title="Desmos : explorer les fonctions avec des curseurs",
        kind=ResourceKind.TOOL_REVIEW,
        author="antoine",
        state=ResourceState.PUBLISHED,
        days_ago=55,
        summary="Une calculatrice graphique en ligne, fluide, pour faire varier un paramètre.",
        disciplines=("mathematiques",),
        levels=("3e", "2de"),
        tags=("fonctions", "calculatrice graphique"),
        content={
            "tool": "Desmos",
            "url": "https://www.desmos.com/calculator?lang=fr",
            "uses": (
                "Tracer et explorer des fonctions ; faire varier un paramètre avec un curseur "
                "(le coefficient directeur d'une fonction affine, par exemple)."
            ),
            "strengths": "Très fluide, même sur tablette ; curseurs immédiats ; sans installation.",
            "limits": (
                "Les activités de classe sont en partie en anglais ; la géométrie est moins "
                "complète que dans GeoGebra."
            ),
            "data_notes": (
                "La calculatrice s'utilise sans compte. Pour les activités de classe, faire "
                "saisir un pseudonyme aux élèves."
            ),
        },
        story=(
            _submit("antoine"),
            _volunteer("mehdi"),
            _volunteer("julien"),
            _review(
                "mehdi",
                (4, 4, 4, 3, 4),
                "Comparaison utile avec GeoGebra. Les curseurs sont parfaits pour la fonction "
                "affine en 3e.",
            ),
            _review(
                "julien",
                (3, 4, 4, 3, 4),
                "Bonne fiche ; le conseil du pseudonyme est essentiel.",
            ),
            _publish("karim"),
        ),
    ),
)

MATHS = DemoCommunity(
    name="Mathématiques au cycle 4 — académie de Lyon",
    slug=MATHS_SLUG,
    description=(
        "La communauté des professeurs de mathématiques de collège de l'académie de Lyon, et "
        "de leurs collègues de sciences qui travaillent avec eux.\n\n"
        "On y partage des scénarios testés en classe, relus par les pairs, et on prépare "
        "ensemble le brevet."
    ),
    kind=CommunityKind.DISCIPLINE,
    access=CommunityAccess.PUBLIC,
    discipline="mathematiques",
    degree=Degree.SECOND,
    owner="mehdi",
    animateurs=("karim",),
    members=("claire", "thomas", "julien", "ines", "nathan", "antoine", "sophie"),
    days_ago=120,
    rooms=(
        DemoRoom(
            name="Salle des profs",
            topic="Questions, idées et nouvelles de la communauté",
            opened_by="karim",
            messages=(
                DemoMessage(
                    20,
                    "08:12",
                    "mehdi",
                    "Bonjour à toutes et à tous, et bienvenue ! Ici on partage nos séances, "
                    "nos questions et nos trouvailles pour le cycle 4. Présentez-vous en "
                    "quelques mots.",
                ),
                DemoMessage(
                    20,
                    "08:40",
                    "claire",
                    "Bonjour ! Claire, professeure de maths au collège Jean Moulin. J'ai deux "
                    "4e et une 3e cette année, et je cherche des idées pour rendre le calcul "
                    "littéral moins abstrait.",
                ),
                DemoMessage(
                    20,
                    "09:05",
                    "thomas",
                    "Bonjour, Thomas, lycée du Parc : j'enseigne en seconde et je suis là pour "
                    "la liaison 3e-2de. La séquence de Mehdi sur le calcul littéral devrait "
                    "t'intéresser, Claire.",
                ),
                DemoMessage(
                    19,
                    "17:30",
                    "julien",
                    "Julien, physique-chimie au lycée Ampère. Je cherche des collègues de maths "
                    "pour un projet commun sur la vitesse en 4e : qui est partant ?",
                ),
                DemoMessage(
                    19,
                    "18:02",
                    "karim",
                    "Bienvenue à tous. Avant de soumettre une ressource, pensez à confirmer "
                    "les droits (images, extraits de manuels). Chaque ressource est relue par "
                    "deux collègues sur la grille en cinq critères.",
                ),
                DemoMessage(
                    17,
                    "12:15",
                    "nathan",
                    "Je mets ici le PDF complet du manuel de 4e que j'ai scanné, ça peut "
                    "dépanner pour les exercices : https://partage.example.org/manuel-4e.pdf",
                    report=DemoReport(
                        reporter="thomas",
                        reason=(
                            "Ce lien renvoie vers un manuel scanné en entier : ce n'est pas "
                            "autorisé, même entre collègues (droit d'auteur)."
                        ),
                        reported=(17, "12:35"),
                        animateur="karim",
                        hide_note="Manuel scanné en entier : diffusion non autorisée.",
                        resolve_note=(
                            "Message masqué ; j'ai rappelé à Nathan les règles du droit d'auteur."
                        ),
                        handled=(16, "08:20"),
                    ),
                ),
                DemoMessage(
                    17,
                    "12:40",
                    "ines",
                    "Julien, partante pour la vitesse ! En SVT on travaille la fréquence "
                    "cardiaque à l'effort : un défi course à pied commun en 4e ?",
                ),
                DemoMessage(
                    16,
                    "08:30",
                    "karim",
                    "J'ai masqué le message avec le manuel scanné : on ne peut pas diffuser un "
                    "manuel entier, même entre nous. Pour des exercices libres, voyez MathALÉA "
                    "et la banque de problèmes ouverts dans les ressources.",
                ),
                DemoMessage(
                    15,
                    "20:45",
                    "claire",
                    "@mehdi.bertrand merci pour la séquence de calcul littéral, testée lundi "
                    "avec mes 4e : le « nombre magique » a très bien marché !",
                ),
                DemoMessage(
                    15,
                    "21:10",
                    "karim",
                    "Merci pour ce retour, Claire : les retours de classe sont précieux pour "
                    "les relectures.",
                ),
                DemoMessage(
                    12,
                    "13:05",
                    "antoine",
                    "Pour ceux qui débutent avec Scratch en 5e : Nathan et moi préparons une "
                    "séance sur les frises, elle part en relecture bientôt.",
                ),
                DemoMessage(
                    12,
                    "13:20",
                    "julien",
                    "Le défi course à pied avance : le scénario est soumis, les retours des "
                    "relecteurs sont les bienvenus.",
                ),
                DemoMessage(
                    10,
                    "07:55",
                    "mehdi",
                    "Réunion des profs de maths du bassin jeudi à 16 h 30 au collège Jean "
                    "Moulin, salle 112 : brevet blanc et liaison 3e-2de.",
                    edit=(
                        "Réunion des profs de maths du bassin mercredi à 16 h 30 au collège "
                        "Jean Moulin, salle 112 : brevet blanc et liaison 3e-2de. (Changement "
                        "de jour : la salle est prise jeudi.)"
                    ),
                ),
                DemoMessage(
                    10,
                    "09:30",
                    "sophie",
                    "Bonjour à toutes et à tous. Je suis vos échanges avec intérêt : les "
                    "ressources promues dans l'académie seront reprises dans la lettre des "
                    "mathématiques. Bravo pour le scénario sur Pythagore !",
                ),
                DemoMessage(
                    9,
                    "18:20",
                    "claire",
                    "Question pratique : pour le brevet blanc, vous faites une ou deux "
                    "épreuves de maths ?",
                ),
                DemoMessage(
                    9,
                    "18:45",
                    "thomas",
                    "Une seule épreuve de deux heures, comme le vrai. On en parle dans le "
                    "salon « Brevet blanc ».",
                ),
                DemoMessage(
                    3,
                    "16:00",
                    "nathan",
                    "Désolé pour le lien de l'autre jour, je ne savais pas. Merci Karim pour "
                    "le rappel.",
                ),
                DemoMessage(
                    1,
                    "07:45",
                    "ines",
                    "@julien.lefebvre les élèves ont adoré le défi ! La version corrigée du "
                    "scénario est en relecture.",
                ),
            ),
        ),
        DemoRoom(
            name="Brevet blanc",
            topic="Sujets, barèmes et organisation du brevet blanc de mars",
            opened_by="karim",
            messages=(
                DemoMessage(
                    8,
                    "17:00",
                    "karim",
                    "Salon ouvert pour préparer ensemble le brevet blanc de mars : sujets, "
                    "barèmes, organisation des épreuves.",
                ),
                DemoMessage(
                    8,
                    "17:25",
                    "claire",
                    "Merci ! Quelqu'un a un exercice d'algorithmique type brevet avec Scratch ? "
                    "Les miens datent un peu.",
                ),
                DemoMessage(
                    8,
                    "18:02",
                    "antoine",
                    "@claire.martin oui, j'en ai deux : une frise de triangles et un jeu de "
                    "devinette. Je les ajoute à la ressource sur les frises.",
                ),
                DemoMessage(
                    7,
                    "07:50",
                    "mehdi",
                    "Pour le barème, je propose de garder celui du sujet national et de "
                    "corriger à deux les copies proches de la moyenne.",
                ),
                DemoMessage(
                    7,
                    "12:30",
                    "julien",
                    "Et l'épreuve de sciences, on la cale le même jour ?",
                ),
                DemoMessage(
                    6,
                    "08:15",
                    "karim",
                    "Oui, c'est plus simple pour les surveillances : maths le matin, sciences "
                    "l'après-midi.",
                ),
                DemoMessage(
                    5,
                    "19:40",
                    "thomas",
                    "Je relis volontiers les sujets avant impression : envoyez-les-moi d'ici "
                    "vendredi.",
                ),
                DemoMessage(
                    2,
                    "10:05",
                    "claire",
                    "Exercice 3 relu et corrigé, merci Thomas pour tes remarques !",
                ),
            ),
        ),
    ),
    resources=MATHS_RESOURCES,
)


# --- The digital education community ---------------------------------------------------------

PODCAST_PHASES = [
    {
        "title": "Écouter des lectures enregistrées",
        "duration": 45,
        "teacher_activity": (
            "Fait écouter des extraits et construit avec la classe les critères d'une bonne "
            "lecture."
        ),
        "student_activity": "Dégagent les critères : volume, débit, articulation, intonation.",
        "tools": "Enceinte",
    },
    {
        "title": "Préparer sa lecture",
        "duration": 45,
        "teacher_activity": "Montre comment annoter les pauses et les mots à accentuer.",
        "student_activity": "Annotent leur texte et s'entraînent par deux.",
        "tools": "Textes imprimés",
    },
    {
        "title": "S'enregistrer",
        "duration": 45,
        "teacher_activity": "Organise les enregistrements dans un coin calme.",
        "student_activity": "S'enregistrent, s'écoutent et recommencent si besoin.",
        "tools": "Tablettes, application dictaphone",
    },
    {
        "title": "Monter l'épisode",
        "duration": 45,
        "teacher_activity": "Assemble les enregistrements avec la classe.",
        "student_activity": "Choisissent l'ordre des lectures et enregistrent le générique.",
        "tools": "Logiciel de montage audio",
    },
]

MIND_MAP_PHASES = [
    {
        "title": "Les mots du chapitre",
        "duration": 10,
        "teacher_activity": "Demande à chacun trois mots-clés du chapitre.",
        "student_activity": "Déposent leurs mots sur le mur de la classe.",
        "tools": "Digipad",
    },
    {
        "title": "Construire la carte",
        "duration": 30,
        "teacher_activity": "Répartit les branches de la carte entre les groupes.",
        "student_activity": "Construisent leur branche sur la carte partagée.",
        "tools": "Digimindmap",
    },
    {
        "title": "Mise en commun",
        "duration": 15,
        "teacher_activity": "Projette la carte et corrige les erreurs avec la classe.",
        "student_activity": "Complètent et corrigent la carte.",
        "tools": "Vidéoprojecteur",
    },
]

NUMERIQUE_RESOURCES = (
    DemoResource(
        title="Capytale : des activités de programmation dans l'ENT",
        kind=ResourceKind.TOOL_REVIEW,
        author="antoine",
        state=ResourceState.PROMOTED_NATIONAL,
        days_ago=70,
        summary=(
            "Créer, distribuer et corriger des activités Python ou Scratch depuis l'ENT, sans "
            "installation ni compte supplémentaire."
        ),
        disciplines=("nsi", "mathematiques", "technologie"),
        levels=("cycle-4", "lycee"),
        tags=("programmation", "Python", "ENT"),
        competences=("A.1-3", "B.2-2"),
        content={
            "tool": "Capytale",
            "url": "https://capytale2.ac-paris.fr/",
            "uses": (
                "Créer et distribuer des activités de programmation (Python, Scratch, HTML, "
                "SQL) ; les élèves travaillent dans le navigateur, l'enseignant récupère et "
                "annote leurs productions."
            ),
            "strengths": (
                "Accès par l'ENT, sans compte supplémentaire ni installation ; bibliothèque "
                "d'activités partagées par des enseignants de toute la France."
            ),
            "limits": (
                "Demande une connexion stable ; la bibliothèque est riche mais inégale : relire "
                "une activité avant de la distribuer."
            ),
            "data_notes": (
                "Service accessible par l'ENT : pas de compte tiers à créer pour les élèves."
            ),
        },
        story=(
            _submit("antoine"),
            _assign("karim", "nathan"),
            _volunteer("thomas"),
            _review(
                "nathan",
                (4, 4, 4, 3, 4),
                "Fiche précise ; l'accès par l'ENT est le vrai atout au collège.",
            ),
            _review(
                "thomas",
                (4, 4, 3, 4, 4),
                "Je l'utilise en seconde depuis deux ans : tout est juste, et le conseil de "
                "relire les activités partagées est précieux.",
            ),
            _publish("pauline"),
            _promote_academy(
                "sophie",
                "L'outil est ouvert à tous les établissements de l'académie : la fiche "
                "accompagnera son déploiement.",
            ),
            _promote_national("alex", "Retenue pour la sélection nationale des fiches outils."),
        ),
    ),
    DemoResource(
        title="Un mur collaboratif pour lancer un projet de classe",
        kind=ResourceKind.SCENARIO,
        author="anais",
        coauthors=("emilie",),
        state=ResourceState.PROMOTED_ACADEMY,
        days_ago=45,
        summary=(
            "Un carnet de voyage de la classe construit sur un Digipad : écrire, illustrer, "
            "relire et apprendre à publier de façon responsable."
        ),
        disciplines=("polyvalent",),
        levels=("cm1", "cm2"),
        tags=("mur collaboratif", "Digipad", "projet", "écriture"),
        competences=("B.1-1", "B.3-1"),
        content={
            "duration": "3 séances de 45 minutes",
            "objectives": (
                "Mener un projet collectif ; écrire, illustrer et organiser des contenus sur "
                "un mur collaboratif ; apprendre à publier de façon responsable."
            ),
            "prerequisites": "Utiliser une tablette ; écrire un court texte.",
            "phases": [
                {
                    "title": "Découvrir le mur",
                    "duration": 45,
                    "teacher_activity": (
                        "Projette un Digipad à quatre colonnes (lieux, personnages, recettes, "
                        "cartes) et montre comment ajouter une capsule."
                    ),
                    "student_activity": "Ajoutent chacun une première capsule d'essai.",
                    "tools": "Digipad, tablettes (une pour deux)",
                },
                {
                    "title": "Produire",
                    "duration": 45,
                    "teacher_activity": "Répartit les rubriques et circule pour relire.",
                    "student_activity": (
                        "Rédigent un texte court, photographient leur dessin et publient."
                    ),
                    "tools": "Digipad, appareil photo des tablettes",
                },
                {
                    "title": "Relire et partager",
                    "duration": 45,
                    "teacher_activity": (
                        "Anime une relecture croisée et une discussion sur ce qu'on peut "
                        "publier : pas de visages, pas de noms de famille."
                    ),
                    "student_activity": (
                        "Commentent le travail d'un autre groupe et corrigent le leur."
                    ),
                    "tools": "Digipad, vidéoprojecteur",
                },
            ],
            "materials": "Tablettes, mur Digipad préparé, affiche des règles de publication.",
            "assessment": (
                "Auto-évaluation du groupe : texte relu, image légendée, règles de publication "
                "respectées."
            ),
            "differentiation": (
                "Dictée vocale pour les élèves en difficulté d'écriture ; rôle de « rédacteur "
                "en chef » pour les plus avancés."
            ),
        },
        story=(
            _submit("anais"),
            _volunteer("camille"),
            _assign("pauline", "marie"),
            _review(
                "camille",
                (4, 4, 4, 4, 4),
                "Très concret ; testé avec mes élèves de cycle 2, ça marche aussi.",
            ),
            _review(
                "marie",
                (4, 3, 4, 4, 4),
                "J'ajouterais un temps sur la composition de l'image, mais le scénario est prêt.",
            ),
            _publish("karim"),
            _promote_academy(
                "sophie",
                "Un projet exemplaire d'usage raisonné du numérique au cycle 3.",
            ),
        ),
    ),
    DemoResource(
        title="Éducation aux médias : enquêter sur une image virale",
        kind=ResourceKind.SCENARIO,
        author="pauline",
        coauthors=("marie",),
        state=ResourceState.PUBLISHED,
        days_ago=40,
        summary=(
            "Retrouver l'origine d'une image détournée, puis comprendre par la pratique comment "
            "cadrage et montage en changent le sens."
        ),
        disciplines=("documentation", "arts-plastiques"),
        levels=("4e", "3e"),
        tags=("EMI", "éducation aux médias", "image", "esprit critique"),
        competences=("A.3-2", "B.2-3"),
        content={
            "duration": "2 séances de 55 minutes",
            "objectives": (
                "Vérifier l'origine d'une image ; distinguer information et manipulation ; "
                "analyser la composition d'une image."
            ),
            "prerequisites": "Savoir faire une recherche sur un moteur de recherche.",
            "phases": [
                {
                    "title": "L'image qui circule",
                    "duration": 15,
                    "teacher_activity": (
                        "Projette une image virale détournée : un requin dans une rue inondée."
                    ),
                    "student_activity": "Disent s'ils y croient, et pourquoi.",
                    "tools": "Vidéoprojecteur",
                },
                {
                    "title": "Enquête",
                    "duration": 35,
                    "teacher_activity": (
                        "Présente la recherche d'image inversée et les questions à se poser : "
                        "qui, quand, où, pourquoi ?"
                    ),
                    "student_activity": "Retrouvent l'image d'origine et sa date par groupes.",
                    "tools": "Moteur de recherche d'images, fiche enquête",
                },
                {
                    "title": "Composer une image",
                    "duration": 40,
                    "teacher_activity": (
                        "Montre comment le cadrage et le montage changent le sens d'une image."
                    ),
                    "student_activity": (
                        "Réalisent un photomontage volontairement faux, légendé comme tel."
                    ),
                    "tools": "Tablettes, application de retouche",
                },
                {
                    "title": "Débat",
                    "duration": 20,
                    "teacher_activity": "Anime un débat : pourquoi partage-t-on une fausse image ?",
                    "student_activity": "Rédigent trois conseils pour vérifier une image.",
                    "tools": "",
                },
            ],
            "materials": "Corpus de trois images virales sourcées, fiche enquête, tablettes.",
            "assessment": "Les trois conseils sont publiés sur le mur de la classe dans l'ENT.",
            "differentiation": "Fiche enquête avec des pistes de recherche guidées.",
        },
        story=(
            _submit("pauline"),
            _assign("karim", "youssef"),
            _volunteer("antoine"),
            _review(
                "youssef",
                (4, 4, 3, 4, 4),
                "Indispensable. En SES, on pourrait la reprendre avec des graphiques trompeurs.",
            ),
            _review(
                "antoine",
                (4, 4, 4, 3, 4),
                "Les sources des images du corpus sont bien indiquées, parfait.",
            ),
            _publish("karim"),
        ),
    ),
    DemoResource(
        title="La Quizinière : des exercices en ligne sans compte élève",
        kind=ResourceKind.TOOL_REVIEW,
        author="youssef",
        state=ResourceState.REVISED,
        days_ago=24,
        summary="Le service de Canopé pour créer des exercices que les élèves font par un code.",
        disciplines=("ses",),
        levels=("lycee", "cycle-3", "cycle-4"),
        tags=("exercices en ligne", "évaluation", "RGPD"),
        competences=("B.4-3",),
        content={
            "tool": "La Quizinière",
            "url": "https://www.quiziniere.com/",
            "uses": (
                "Créer des exercices (QCM, textes à trous, réponses libres, dessins, "
                "enregistrements audio) que les élèves font sans compte, à partir d'un code ; "
                "corriger et annoter en ligne."
            ),
            "strengths": (
                "Service gratuit du réseau Canopé ; pas de compte élève ; correction sur "
                "tablette avec annotations."
            ),
            "limits": "Pas d'export des résultats vers l'ENT.",
            "data_notes": "Les élèves saisissent seulement un nom : conseiller un pseudonyme.",
        },
        story=(
            _submit("youssef"),
            _volunteer("pauline"),
            _volunteer("emilie"),
            _review(
                "pauline",
                (3, 3, 4, 3, 3),
                "Fiche utile. Précisez combien de temps les copies restent en ligne et comment "
                "les supprimer.",
            ),
            _review(
                "emilie",
                (3, 3, 4, 3, 4),
                "Très pratique au primaire aussi ; un exemple d'exercice aiderait à se "
                "représenter l'usage.",
            ),
            _request_changes(
                "karim", "Compléter la partie données personnelles et ajouter un exemple."
            ),
            _answer(
                "youssef",
                "pauline",
                "Ajouté : les copies restent dans l'espace de l'enseignant jusqu'à ce qu'il "
                "les supprime.",
            ),
            _answer(
                "youssef", "emilie", "Exemple ajouté : l'analyse d'un graphique sur le chômage."
            ),
            _save(
                "youssef",
                "Exemple en SES et conservation des copies",
                uses=(
                    "Créer des exercices (QCM, textes à trous, réponses libres, dessins, "
                    "enregistrements audio) que les élèves font sans compte, à partir d'un "
                    "code ; corriger et annoter en ligne.\n\n"
                    "Exemple en SES : un graphique du taux de chômage à commenter, une "
                    "question à choix multiple puis une réponse rédigée."
                ),
                data_notes=(
                    "Les élèves saisissent seulement un nom : conseiller un pseudonyme. Les "
                    "copies restent dans l'espace de l'enseignant jusqu'à ce qu'il les "
                    "supprime : penser à les effacer en fin d'année."
                ),
            ),
            _revise("youssef"),
        ),
    ),
    DemoResource(
        title="Apprendre à coder avec ScratchJr au CP et au CE1",
        kind=ResourceKind.SEQUENCE,
        author="camille",
        state=ResourceState.IN_REVIEW,
        days_ago=12,
        summary="Du jeu du robot dans la cour aux premières animations sur tablette.",
        disciplines=("polyvalent",),
        levels=("cp", "ce1"),
        tags=("programmation", "ScratchJr", "tablettes"),
        content={
            "objectives": (
                "Découvrir la programmation : ordonner des instructions, anticiper un "
                "déplacement, corriger un programme."
            ),
            "sessions": [
                {
                    "title": "Programmer sans écran",
                    "duration": 40,
                    "description": (
                        "Le jeu du robot dans la cour : un élève guide un camarade avec des "
                        "cartes flèches."
                    ),
                },
                {
                    "title": "Découvrir ScratchJr",
                    "duration": 40,
                    "description": "Faire avancer le chat, le faire sauter, changer de décor.",
                },
                {
                    "title": "Raconter une histoire",
                    "duration": 40,
                    "description": "Deux personnages qui se rencontrent et se parlent.",
                },
                {
                    "title": "Déboguer",
                    "duration": 40,
                    "description": "Des programmes volontairement faux à corriger par deux.",
                },
                {
                    "title": "Présenter son projet",
                    "duration": 40,
                    "description": "Chaque binôme montre son animation et explique un bloc.",
                },
            ],
        },
        story=(
            _submit("camille"),
            _volunteer("anais"),
            _assign("pauline", "emilie"),
            _review(
                "anais",
                (4, 4, 3, 4, 4),
                "Commencer par le jeu du robot est essentiel, bravo. Prévoir cinq minutes de "
                "prise en main des tablettes.",
            ),
        ),
    ),
    DemoResource(
        title="Charte d'usage des tablettes : un modèle commenté pour l'école",
        kind=ResourceKind.FREE,
        author="emilie",
        state=ResourceState.PUBLISHED,
        days_ago=50,
        summary="Cinq règles écrites avec les élèves, chacune avec un commentaire pour la classe.",
        disciplines=("polyvalent",),
        levels=("cycle-2", "cycle-3"),
        tags=("charte", "tablettes", "citoyenneté numérique"),
        competences=("A.3-4",),
        content={
            "body": (
                "Un modèle de charte écrit en conseil des maîtres et discuté avec les élèves. "
                "Chaque règle est suivie d'un commentaire pour l'expliquer en classe.\n\n"
                "1. Je prends la tablette à deux mains et je la pose sur la table. Le matériel "
                "est partagé par toute l'école.\n\n"
                "2. J'utilise seulement les applications demandées par l'enseignant.\n\n"
                "3. Je ne photographie et ne filme personne sans son accord : c'est le droit "
                "à l'image.\n\n"
                "4. Je ne publie ni mon nom de famille ni celui d'un camarade.\n\n"
                "5. Si quelque chose me choque ou me surprend, je retourne la tablette et "
                "j'appelle l'adulte.\n\n"
                "La charte est annexée au règlement intérieur et signée par l'élève et sa "
                "famille en début d'année."
            ),
        },
        story=(
            _submit("emilie"),
            _volunteer("anais"),
            _volunteer("camille"),
            _review("anais", (4, 4, 4, 4, 4), "Nous l'avons adoptée telle quelle aux Tilleuls."),
            _review(
                "camille",
                (4, 3, 4, 4, 4),
                "Les commentaires aident beaucoup à expliquer les règles aux CP.",
            ),
            _publish("pauline"),
        ),
    ),
    DemoResource(
        title="Enregistrer un podcast de lecture à voix haute",
        kind=ResourceKind.SCENARIO,
        author="anais",
        state=ResourceState.CHANGES_REQUESTED,
        days_ago=16,
        summary="Lire, s'enregistrer, s'écouter et s'améliorer, jusqu'à l'épisode de la classe.",
        disciplines=("polyvalent", "francais"),
        levels=("cm2", "6e"),
        tags=("podcast", "lecture", "oral"),
        competences=("B.2-2",),
        content={
            "duration": "4 séances de 45 minutes",
            "objectives": (
                "Lire à voix haute de façon expressive ; s'enregistrer, s'écouter et "
                "s'améliorer ; produire un épisode de podcast de la classe."
            ),
            "prerequisites": "Lecture fluide d'un texte court.",
            "phases": PODCAST_PHASES,
            "materials": "Textes, tablettes, micro-casques si possible.",
            "assessment": "Auto-évaluation avec les critères construits en séance 1.",
            "differentiation": "Textes de longueurs différentes ; lecture en duo possible.",
        },
        story=(
            _submit("anais"),
            _volunteer("marie"),
            _volunteer("camille"),
            _review(
                "marie",
                (3, 4, 3, 3, 2),
                "Très bon scénario, mais la diffusion n'est pas abordée : il faut l'accord des "
                "familles pour diffuser la voix des élèves, et dire où l'épisode sera publié.",
            ),
            _review(
                "camille",
                (3, 3, 2, 3, 3),
                "Le montage en 45 minutes, c'est juste : prévoir plus de temps, ou un montage "
                "fait par l'enseignant.",
            ),
            _request_changes(
                "pauline",
                "Ajouter les autorisations et le lieu de diffusion, et revoir le temps du montage.",
            ),
        ),
    ),
    DemoResource(
        title="Classe inversée en SES : des capsules vidéo de cinq minutes",
        kind=ResourceKind.SEQUENCE,
        author="youssef",
        state=ResourceState.SUBMITTED,
        days_ago=3,
        summary="Les notions découvertes à la maison, la classe consacrée aux exercices.",
        disciplines=("ses",),
        levels=("1re",),
        tags=("classe inversée", "vidéo"),
        competences=("B.2-5", "B.3-3"),
        content={
            "objectives": (
                "Préparer les notions à la maison avec des capsules courtes pour consacrer la "
                "classe aux exercices et aux débats."
            ),
            "sessions": [
                {
                    "title": "Présenter la démarche",
                    "duration": 55,
                    "description": (
                        "Première capsule visionnée ensemble en classe, avec une prise de "
                        "notes guidée."
                    ),
                },
                {
                    "title": "L'offre et la demande",
                    "duration": 55,
                    "description": (
                        "Capsule à la maison, quiz de vérification en début d'heure, puis "
                        "exercices sur les courbes."
                    ),
                },
                {
                    "title": "Les défaillances du marché",
                    "duration": 55,
                    "description": "Capsule à la maison ; en classe, études de cas par groupes.",
                },
                {
                    "title": "Bilan",
                    "duration": 55,
                    "description": "Questionnaire aux élèves sur la démarche ; ajustements.",
                },
            ],
        },
        story=(_submit("youssef"),),
    ),
    DemoResource(
        title="Fiche RGPD : vérifier une application avant de l'utiliser en classe",
        kind=ResourceKind.FREE,
        author="pauline",
        state=ResourceState.WITHDRAWN,
        days_ago=65,
        summary="Cinq questions à se poser avant de faire utiliser une application aux élèves.",
        disciplines=("documentation",),
        levels=("cycle-3", "cycle-4", "lycee"),
        tags=("RGPD", "données personnelles"),
        competences=("A.3-3",),
        content={
            "body": (
                "Avant d'utiliser une application en ligne avec des élèves, cinq questions.\n\n"
                "1. Est-elle proposée par l'ENT ou par l'académie ? Elle a alors été "
                "vérifiée.\n\n"
                "2. Faut-il créer un compte élève ? Quelles données sont demandées ?\n\n"
                "3. Où les données sont-elles hébergées ?\n\n"
                "4. Que disent les conditions d'utilisation : publicité, revente de données, "
                "âge minimum ?\n\n"
                "5. Le chef d'établissement est-il informé, le traitement inscrit au "
                "registre ?\n\n"
                "En cas de doute, demandez au délégué à la protection des données (DPD) de "
                "l'académie."
            ),
        },
        story=(
            _submit("pauline"),
            _volunteer("youssef"),
            _volunteer("antoine"),
            _review("youssef", (4, 4, 4, 4, 4), "Exactement ce qu'il me fallait."),
            _review(
                "antoine",
                (4, 3, 4, 4, 4),
                "Claire et courte. La question du registre est souvent oubliée : bravo.",
            ),
            _publish("karim"),
            _withdraw(
                "pauline",
                "La DANE a publié un guide officiel plus complet : je retire notre fiche pour "
                "éviter deux versions différentes.",
            ),
        ),
    ),
    DemoResource(
        title="Réviser avec une carte mentale collaborative",
        kind=ResourceKind.SCENARIO,
        author="thomas",
        state=ResourceState.DRAFT,
        days_ago=8,
        summary="Une carte mentale construite à plusieurs pour réviser un chapitre.",
        disciplines=("mathematiques",),
        levels=("2de",),
        tags=("carte mentale", "révisions"),
        content={
            "duration": "1 séance de 55 minutes",
            "objectives": "Réviser un chapitre en hiérarchisant ses notions.",
            "prerequisites": "Avoir terminé le chapitre.",
            "phases": MIND_MAP_PHASES,
            "materials": "Tablettes ou ordinateurs, carte mentale préparée.",
            "assessment": "Pas de note : la carte sert de fiche de révision.",
            "differentiation": "Branches de difficultés différentes.",
        },
        story=(
            _save("thomas", "Version courte, sans mise en commun", phases=MIND_MAP_PHASES[:2]),
            _restore("thomas", 1, "Retour à la version 1 : la mise en commun est indispensable"),
        ),
    ),
    DemoResource(
        title="Vittascience : programmer une carte micro:bit",
        kind=ResourceKind.TOOL_REVIEW,
        author="nathan",
        state=ResourceState.DRAFT,
        days_ago=5,
        summary="Des blocs au Python pour les cartes micro:bit, avec un simulateur.",
        disciplines=("technologie",),
        levels=("5e", "4e"),
        tags=("micro:bit", "programmation", "Python"),
        content={
            "tool": "Vittascience",
            "url": "https://fr.vittascience.com/",
            "uses": (
                "Programmer des cartes micro:bit en blocs et voir le code Python "
                "correspondant ; simuler la carte quand le matériel manque."
            ),
            "strengths": "Interface en français, passage progressif des blocs au Python.",
            "limits": "À compléter après l'essai avec les 5e.",
            "data_notes": "À vérifier : création de classes et de comptes élèves.",
        },
    ),
    DemoResource(
        title="Escape game numérique pour réviser le brevet",
        kind=ResourceKind.SEQUENCE,
        author="nathan",
        coauthors=("thomas",),
        state=ResourceState.PUBLISHED,
        days_ago=35,
        summary="Cinq énigmes et un compte à rebours pour réviser en équipe.",
        disciplines=("technologie", "mathematiques"),
        levels=("3e",),
        tags=("escape game", "révisions", "brevet", "coopération"),
        content={
            "objectives": (
                "Réviser le brevet de façon ludique ; coopérer ; résoudre des énigmes avec des "
                "outils numériques."
            ),
            "sessions": [
                {
                    "title": "Préparer les équipes",
                    "duration": 30,
                    "description": (
                        "Le scénario (une mallette à ouvrir avant la fin du compte à rebours) "
                        "et la répartition des rôles."
                    ),
                },
                {
                    "title": "Le jeu",
                    "duration": 55,
                    "description": (
                        "Cinq énigmes : un QR code vers un problème de géométrie, un cadenas "
                        "dont le code est la solution d'une équation, un programme Scratch à "
                        "déboguer, un graphique à lire, un message à déchiffrer."
                    ),
                },
                {
                    "title": "Débriefing",
                    "duration": 30,
                    "description": "Les notions de chaque énigme et une fiche de révision.",
                },
            ],
        },
        story=(
            _submit("nathan"),
            _volunteer("antoine"),
            _volunteer("marie"),
            _review(
                "antoine",
                (4, 4, 3, 3, 4),
                "Très bonne idée ; prévoir une version sans QR code si les téléphones sont "
                "interdits.",
            ),
            _review(
                "marie",
                (3, 4, 4, 3, 4),
                "Les élèves adorent ce format, et le scénario de la mallette est bien trouvé.",
            ),
            _publish("pauline"),
        ),
    ),
)

NUMERIQUE = DemoCommunity(
    name="Numérique éducatif — INSPE",
    slug=NUMERIQUE_SLUG,
    description=(
        "La communauté des formateurs et des enseignants qui intègrent le numérique à leur "
        "pratique, de la maternelle au lycée, animée par l'équipe numérique de l'INSPE de "
        "Lyon.\n\n"
        "Fiches outils vérifiées (RGPD compris), scénarios testés en classe, entraide."
    ),
    kind=CommunityKind.PROJECT,
    access=CommunityAccess.ON_REQUEST,
    discipline=None,
    degree="",
    owner="karim",
    animateurs=("pauline",),
    members=("antoine", "anais", "emilie", "camille", "youssef", "marie", "nathan", "thomas"),
    pending=("lea",),
    invited=("claire",),
    days_ago=90,
    rooms=(
        DemoRoom(
            name="Café numérique",
            topic="Échanges libres sur le numérique en classe, de la maternelle au lycée",
            opened_by="karim",
            messages=(
                DemoMessage(
                    25,
                    "09:00",
                    "karim",
                    "Bienvenue dans la communauté ! Ce salon est ouvert à toutes les questions, "
                    "du premier degré au lycée.",
                ),
                DemoMessage(
                    25,
                    "10:30",
                    "pauline",
                    "Bonjour à tous ! Pauline, professeure documentaliste au collège Gabriel "
                    "Rosset. Je coanime la communauté avec Karim : éducation aux médias, droit "
                    "d'auteur et RGPD, c'est pour moi.",
                ),
                DemoMessage(
                    24,
                    "12:10",
                    "anais",
                    "Bonjour, Anaïs, CM1-CM2 aux Tilleuls à Vénissieux. On vient de recevoir "
                    "quinze tablettes : par où commencer ?",
                ),
                DemoMessage(
                    24,
                    "12:45",
                    "emilie",
                    "@anais.morel par la charte d'usage, avec les élèves ! J'ai déposé un "
                    "modèle commenté dans les ressources.",
                ),
                DemoMessage(
                    23,
                    "17:20",
                    "youssef",
                    "Question RGPD : a-t-on le droit de faire créer un compte aux élèves sur "
                    "une application de quiz ?",
                ),
                DemoMessage(
                    23,
                    "17:55",
                    "pauline",
                    "Pas sans vérifier. Privilégie les outils sans compte élève (La "
                    "Quizinière, Digipad) ou ceux de l'ENT ; en cas de doute, le DPD de "
                    "l'académie répond vite.",
                ),
                DemoMessage(
                    20,
                    "08:05",
                    "antoine",
                    "Capytale est accessible depuis l'ENT de tous les lycées de l'académie : "
                    "plus besoin de comptes pour faire du Python.",
                ),
                DemoMessage(
                    20,
                    "08:30",
                    "marie",
                    "Pour l'image virale, j'ai ajouté une phase sur la composition de l'image "
                    "avec les 3e.",
                ),
                DemoMessage(
                    18,
                    "16:40",
                    "camille",
                    "Je teste ScratchJr avec mes CP la semaine prochaine, je vous raconte !",
                ),
                DemoMessage(
                    14,
                    "18:10",
                    "nathan",
                    "Les cartes micro:bit sont arrivées au collège : quelqu'un a déjà utilisé "
                    "Vittascience avec des 5e ?",
                ),
                DemoMessage(
                    14,
                    "18:25",
                    "antoine",
                    "Oui, très bien pour passer des blocs au Python. Je relirai ta fiche outil "
                    "si tu veux.",
                ),
                DemoMessage(
                    11,
                    "13:00",
                    "thomas",
                    "J'ai remixé la fiche MathALÉA de la communauté de maths pour la formation "
                    "des stagiaires : vos avis sont les bienvenus.",
                ),
                DemoMessage(
                    7,
                    "17:45",
                    "karim",
                    "Rappel : le regroupement a lieu à l'INSPE, site de la Croix-Rousse. "
                    "Apportez une séance que vous voulez transformer avec le numérique.",
                ),
                DemoMessage(
                    5,
                    "08:20",
                    "camille",
                    "Premier bilan ScratchJr : tous les CP ont fait avancer le chat, mais il "
                    "faut cinq minutes de prise en main des tablettes. @pauline.david la "
                    "séquence est en relecture !",
                ),
                DemoMessage(
                    4,
                    "12:00",
                    "youssef",
                    "Merci à tous, j'ai repris ma fiche La Quizinière avec vos remarques.",
                ),
                DemoMessage(
                    1,
                    "18:30",
                    "emilie",
                    "Bonne nouvelle : le scénario Digipad d'Anaïs est promu dans l'académie !",
                ),
            ),
        ),
    ),
    resources=NUMERIQUE_RESOURCES,
    remixes=(
        DemoRemix(
            source_community=MATHS_SLUG,
            source_title="MathALÉA : des exercices différenciés en un clic",
            remixer="thomas",
            licence=Licence.CC_BY_SA,
            days_ago=12,
            story=(
                _save(
                    "thomas",
                    "Adaptation pour la formation des professeurs stagiaires",
                    uses=(
                        "Générer des fiches d'exercices aléatoires avec leur corrigé ; "
                        "projeter un diaporama de calcul mental ; créer des évaluations "
                        "différenciées.\n\n"
                        "En formation : montrer aux stagiaires comment construire une "
                        "évaluation différenciée en cinq minutes, puis la comparer à une "
                        "fiche unique."
                    ),
                ),
            ),
        ),
    ),
)

COMMUNITIES = (MATHS, NUMERIQUE)


# --- Time ------------------------------------------------------------------------------------


def _at(days_ago: int, time: str) -> dt.datetime:
    """That time of day (Paris), that many days ago."""
    hour, minute = (int(part) for part in time.split(":"))
    day = timezone.localdate() - dt.timedelta(days=days_ago)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _moments(count: int, since: float, until: float) -> list[dt.datetime]:
    """``count`` moments in order, from ``since`` to ``until`` days ago, in working hours.

    Each moment's day is spread evenly over the span; its time of day follows its place in
    that day, between 8:00 and 20:00, so the order is kept and nothing falls at night.
    """
    today = timezone.localdate()
    result = []
    for number in range(count):
        offset = -since + (since - until) * number / max(count - 1, 1)
        whole = int(offset // 1)
        minutes = round((offset - whole) * 12 * 60)
        day = today + dt.timedelta(days=whole)
        start = timezone.make_aware(dt.datetime.combine(day, dt.time(8)))
        result.append(start + dt.timedelta(minutes=minutes))
    return result


def _backdate_resource(resource: Resource, days_ago: int) -> None:
    """Spread the resource's history (created, revisions, steps, reviews) over past weeks.

    The services stamped every step "now", in the order they ran: each distinct stamp takes
    its rank's moment, so the order stays and what happened together stays together.
    """
    rows: list[tuple[type, int, str, dt.datetime]] = []
    resource.refresh_from_db()
    for name in ("created", "updated", "published_at"):
        rows.append((Resource, resource.pk, name, getattr(resource, name)))
    for pk, created in resource.revisions.values_list("pk", "created"):
        rows.append((ResourceRevision, pk, "created", created))
    for pk, created in resource.transitions.values_list("pk", "created"):
        rows.append((ResourceTransition, pk, "created", created))
    for pk, created, submitted in resource.reviews.values_list("pk", "created", "submitted_at"):
        rows.append((Review, pk, "created", created))
        rows.append((Review, pk, "submitted_at", submitted))
    stamps = sorted({stamp for *_, stamp in rows if stamp is not None})
    moved = dict(zip(stamps, _moments(len(stamps), days_ago, max(1, days_ago / 6)), strict=True))
    changes: dict[tuple[type, int], dict[str, dt.datetime]] = {}
    for model, pk, name, stamp in rows:
        if stamp is not None:
            changes.setdefault((model, pk), {})[name] = moved[stamp]
    for (model, pk), values in changes.items():
        model.objects.filter(pk=pk).update(**values)


# --- Seeding ---------------------------------------------------------------------------------


def _people(report: SeedReport) -> dict[str, User]:
    """Everyone the stories name, by key; the teachers' accounts are created if missing."""
    people = {key: User.objects.get(email=email) for key, email in STAFF.items()}
    lyon = Academy.objects.get(slug="lyon")
    teachers_group = Group.objects.filter(name=ROLE_GROUPS[Role.TEACHER])
    password = None
    for person in TEACHERS:
        user = User.objects.filter(email=person.email).first()
        if user is None:
            # One hash for all (hashing is slow by design): they share the demo password.
            password = password or make_password(DEMO_PASSWORD)
            user = User.objects.create(
                email=person.email,
                first_name=person.first_name,
                last_name=person.last_name,
                academy=lyon,
                degree=Degree.FIRST if person.discipline == "polyvalent" else Degree.SECOND,
                establishment=Establishment.objects.filter(uai=person.uai).first(),
                password=password,
            )
            user.disciplines.set(Discipline.objects.filter(slug=person.discipline))
            user.groups.add(*teachers_group)
            report.teachers.append(user.email)
        people[person.key] = user
    return people


def _members(spec: DemoCommunity, community: Community, people: dict[str, User]) -> list[str]:
    """Bring the members in as they would come: joining, asking, approved, promoted, invited.

    Returns the memberships, the owner's included (it came with the community).
    """
    owner = people[spec.owner]
    joined = [*spec.animateurs, *spec.members]
    approvers = [owner]
    for key in joined:
        membership = community_join(actor=people[key], community=community)
        if membership.status == MembershipStatus.PENDING:
            # An on-request community: the owner and, once named, the animateurs take turns.
            approver = approvers[joined.index(key) % len(approvers)]
            membership = request_approve(actor=approver, membership=membership)
        if key in spec.animateurs:
            membership_role_change(actor=owner, membership=membership, role=MemberRole.ANIMATEUR)
            approvers.append(people[key])
    for key in spec.pending:
        community_join(actor=people[key], community=community)
    for key in spec.invited:
        community_invite(actor=owner, community=community, email=people[key].email)
    return [
        f"{people[key].email} → {community.name}"
        for key in [spec.owner, *joined, *spec.pending, *spec.invited]
    ]


def _backdate_members(spec: DemoCommunity, community: Community, people: dict[str, User]) -> None:
    """The community was created ``days_ago``; its members came in the weeks after."""
    created = _at(spec.days_ago, "09:00")
    Community.objects.filter(pk=community.pk).update(created=created)
    order = [spec.owner, *spec.animateurs, *spec.members]
    for number, key in enumerate(order):
        when = created + dt.timedelta(days=3 * number, hours=number % 5)
        Membership.objects.filter(community=community, user=people[key]).update(
            created=when, joined_at=when
        )
    for days_ago, keys in ((2, spec.pending), (3, spec.invited)):
        Membership.objects.filter(
            community=community, user__in=[people[key] for key in keys]
        ).update(created=_at(days_ago, "18:00"))


def _room(
    spec: DemoRoom, community: Community, people: dict[str, User], report: SeedReport
) -> None:
    """Open the room and play its history, then move each message back to its time.

    Nobody writes more than three times (edits count) in one room: the rooms' rate limit
    (``services_rooms.RATE_LIMIT`` per person and room over a few seconds) then never makes
    the seed wait, even run three times in a row on a database that gives ids again.
    """
    room = room_create(
        actor=people[spec.opened_by], community=community, name=spec.name, topic=spec.topic
    )
    report.rooms.append(f"{community.name} — {room.name}")
    first = spec.messages[0]
    Room.objects.filter(pk=room.pk).update(
        created=_at(first.days_ago, first.time) - dt.timedelta(minutes=10)
    )
    for item in spec.messages:
        author = people[item.author]
        message, _new = message_post(actor=author, room=room, body=item.body)
        sent = _at(item.days_ago, item.time)
        stamps: dict[str, dt.datetime] = {"created": sent}
        if item.edit:
            message_edit(actor=author, message=message, body=item.edit)
            stamps["edited_at"] = sent + dt.timedelta(minutes=20)
        if item.report is not None:
            stamps["hidden_at"] = _moderate(item.report, message, people)
        Message.objects.filter(pk=message.pk).update(**stamps)
        report.messages += 1


def _moderate(spec: DemoReport, message: Message, people: dict[str, User]) -> dt.datetime:
    """Report the message, hide it and resolve the report; return when it was handled."""
    animateur = people[spec.animateur]
    logged = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    flagged = report_create(actor=people[spec.reporter], target=message, reason=spec.reason)
    message_hide(actor=animateur, message=message, note=spec.hide_note)
    report_resolve(actor=animateur, report=flagged, note=spec.resolve_note)
    reported, handled = _at(*spec.reported), _at(*spec.handled)
    Report.objects.filter(pk=flagged.pk).update(created=reported, handled_at=handled)
    entries = AuditEntry.objects.filter(pk__gt=logged)
    entries.filter(action="report_created").update(created=reported)
    entries.exclude(action="report_created").update(created=handled)
    return handled


def _play(resource: Resource, step: Step, people: dict[str, User]) -> None:
    """Play one step of a resource's story through the service a person's click calls."""
    resource.refresh_from_db()
    verb, who, *args = step
    actor = people[who]
    match verb:
        case "save":
            changes, message = args
            current = resource.current_revision
            resource_save(
                actor=actor,
                resource=resource,
                base_revision=current.number,
                title=resource.title,
                content={**current.content, **changes},
                message=message,
            )
        case "restore":
            number, message = args
            revision_restore(
                actor=actor,
                resource=resource,
                revision=resource.revisions.get(number=number),
                message=message,
            )
        case "assign":
            review_assign(actor=actor, resource=resource, reviewer=people[args[0]])
        case "volunteer":
            review_volunteer(actor=actor, resource=resource)
        case "review" | "decline":
            pending = Review.objects.get(
                resource=resource,
                reviewer=actor,
                revision_id=resource.current_revision_id,
                status=ReviewStatus.ASSIGNED,
            )
            if verb == "decline":
                review_decline(actor=actor, review=pending, reason=args[0])
            else:
                scores, comment = args
                review_submit(
                    actor=actor,
                    review=pending,
                    scores=dict(zip(Review.RUBRIC, scores, strict=True)),
                    comment=comment,
                )
        case "answer":
            reviewer, text = args
            answered = Review.objects.filter(
                resource=resource, reviewer=people[reviewer], status=ReviewStatus.SUBMITTED
            ).latest("id")
            review_answer(actor=actor, review=answered, answer=text)
        case _:
            _guard, transition = TRANSITIONS[verb]
            transition(actor=actor, resource=resource, note=args[0])


def _resource(
    spec: DemoResource, community: Community, people: dict[str, User], report: SeedReport
) -> None:
    author = people[spec.author]
    resource = resource_create(
        actor=author,
        community=community,
        kind=spec.kind,
        title=spec.title,
        content=spec.content,
        summary=spec.summary,
        licence=spec.licence,
        disciplines=Discipline.objects.filter(slug__in=spec.disciplines),
        levels=spec.levels,
        competences=CompetenceItem.objects.filter(
            code__in=spec.competences, competence__domain__framework__code="c2i2e"
        ),
        tags=spec.tags,
        rights_confirmed=True,
        message="Première version",
    )
    for key in spec.coauthors:
        coauthor_add(actor=author, resource=resource, user=people[key])
    _tell(resource, spec.story, spec.state, people)
    _backdate_resource(resource, spec.days_ago)
    report.resources.append(resource.title)


def _remix(
    spec: DemoRemix, community: Community, people: dict[str, User], report: SeedReport
) -> None:
    source = Resource.objects.filter(
        community__slug=spec.source_community, title=spec.source_title
    ).first()
    if source is None:
        return  # Its community was seeded before this resource existed, or it was deleted.
    remix = resource_remix(
        actor=people[spec.remixer], resource=source, community=community, licence=spec.licence
    )
    _tell(remix, spec.story, ResourceState.DRAFT, people)
    _backdate_resource(remix, spec.days_ago)
    report.resources.append(f"{remix.title} (remix)")


def _tell(resource: Resource, story: tuple[Step, ...], state: str, people: dict[str, User]) -> None:
    """Play the story, then check that it ends in ``state``."""
    for step in story:
        _play(resource, step, people)
    resource.refresh_from_db()
    if resource.state != state:
        # The demo's stories are data: one that no longer ends where it says is a bug here.
        raise RuntimeError(f"« {resource.title} » ends {resource.state}, not {state}")


def _community(spec: DemoCommunity, people: dict[str, User], report: SeedReport) -> None:
    """Create the community and everything in it, unless a community has its slug already."""
    if Community.objects.filter(slug=spec.slug).exists():
        return
    community = community_create(
        actor=people[spec.owner],
        name=spec.name,
        kind=spec.kind,
        description=spec.description,
        access=spec.access,
        discipline=Discipline.objects.filter(slug=spec.discipline).first()
        if spec.discipline
        else None,
        degree=spec.degree,
        academy=Academy.objects.get(slug="lyon"),
    )
    report.communities.append(community.name)
    report.memberships += _members(spec, community, people)
    _backdate_members(spec, community, people)
    for room in spec.rooms:
        _room(room, community, people, report)
    reviews = Review.objects.count()
    for resource in spec.resources:
        _resource(resource, community, people, report)
    for remix in spec.remixes:
        _remix(remix, community, people, report)
    report.reviews += Review.objects.count() - reviews


@transaction.atomic
def seed_community() -> SeedReport:
    """Create the demo communities and their content if missing; return what was created.

    The demo people (campus.demo) are seeded first if missing.
    """
    report = SeedReport()
    seed_people()
    people = _people(report)
    for spec in COMMUNITIES:
        _community(spec, people, report)
    return report
