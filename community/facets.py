"""School levels and cycles: the codes a resource's ``levels`` holds, and how they relate.

French schooling is counted in cycles (cycle 1 is the école maternelle, cycle 4 the end of the
collège), then the lycée's two tracks, then higher education. A resource is tagged with
grades ("cm1") and/or whole stages ("cycle-3", for a resource meant for the whole cycle).
Filtering by a cycle finds the resources of the cycle and of any of its grades; filtering by
a grade finds those of the grade and those written for its whole cycle (see
:func:`community.selectors_resources.resources_filtered`).

The codes are stable identifiers (stored in JSON, used in URLs): never rename one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Stage:
    """A cycle or a track: what the "cycle" facet filters by."""

    code: str
    label: str | Promise


@dataclass(frozen=True)
class Grade:
    """A school year ("classe") and the stage it belongs to."""

    code: str
    label: str | Promise
    stage: str


STAGES: tuple[Stage, ...] = (
    Stage("cycle-1", _("Cycle 1 (école maternelle)")),
    Stage("cycle-2", _("Cycle 2 (CP to CE2)")),
    Stage("cycle-3", _("Cycle 3 (CM1 to 6e)")),
    Stage("cycle-4", _("Cycle 4 (5e to 3e)")),
    Stage("lycee", _("General and technological lycée")),
    Stage("voie-pro", _("Vocational track")),
    Stage("superieur", _("Higher education")),
)

# The names of French classes are the same in English: they are not translated.
GRADES: tuple[Grade, ...] = (
    Grade("ps", _("Petite section"), "cycle-1"),
    Grade("ms", _("Moyenne section"), "cycle-1"),
    Grade("gs", _("Grande section"), "cycle-1"),
    Grade("cp", "CP", "cycle-2"),
    Grade("ce1", "CE1", "cycle-2"),
    Grade("ce2", "CE2", "cycle-2"),
    Grade("cm1", "CM1", "cycle-3"),
    Grade("cm2", "CM2", "cycle-3"),
    Grade("6e", "6e", "cycle-3"),
    Grade("5e", "5e", "cycle-4"),
    Grade("4e", "4e", "cycle-4"),
    Grade("3e", "3e", "cycle-4"),
    Grade("2de", "Seconde", "lycee"),
    Grade("1re", "Première", "lycee"),
    Grade("terminale", "Terminale", "lycee"),
    Grade("cap", "CAP", "voie-pro"),
    Grade("2de-pro", _("Seconde professionnelle"), "voie-pro"),
    Grade("1re-pro", _("Première professionnelle"), "voie-pro"),
    Grade("terminale-pro", _("Terminale professionnelle"), "voie-pro"),
    Grade("bts", "BTS", "superieur"),
    Grade("cpge", "CPGE", "superieur"),
    Grade("licence", _("Bachelor's degree (licence)"), "superieur"),
)

STAGE_BY_CODE: dict[str, Stage] = {stage.code: stage for stage in STAGES}
GRADE_BY_CODE: dict[str, Grade] = {grade.code: grade for grade in GRADES}


def _levels() -> dict[str, str | Promise]:
    levels: dict[str, str | Promise] = {}
    for stage in STAGES:
        levels[stage.code] = stage.label
        levels.update((g.code, g.label) for g in GRADES if g.stage == stage.code)
    return levels


# Every code a resource's ``levels`` may hold, in school order (a stage before its grades).
LEVELS: dict[str, str | Promise] = _levels()
_ORDER = {code: position for position, code in enumerate(LEVELS)}


def level_choices() -> list[tuple[str, list[tuple[str, str | Promise]]]]:
    """Choices grouped by stage: the whole stage first, then its grades (for a form)."""
    return [
        (
            stage.label,
            [
                (stage.code, _("The whole stage")),
                *((g.code, g.label) for g in GRADES if g.stage == stage.code),
            ],
        )
        for stage in STAGES
    ]


def stage_choices() -> list[tuple[str, str | Promise]]:
    """The stages as flat choices (the "cycle" facet)."""
    return [(stage.code, stage.label) for stage in STAGES]


def grade_choices() -> list[tuple[str, list[tuple[str, str | Promise]]]]:
    """The grades grouped by stage (the "level" facet)."""
    return [
        (stage.label, [(g.code, g.label) for g in GRADES if g.stage == stage.code])
        for stage in STAGES
    ]


def normalise_levels(codes: Iterable[str]) -> list[str]:
    """Known codes only, each once, in school order.

    >>> normalise_levels(["6e", "cm2", "bogus", "cm2", "cycle-4"])
    ['cm2', '6e', 'cycle-4']
    """
    return sorted({code for code in codes if code in LEVELS}, key=_ORDER.__getitem__)


def codes_matching_stage(stage: str) -> list[str]:
    """The codes that put a resource in a stage: the stage itself and its grades."""
    return [stage, *(g.code for g in GRADES if g.stage == stage)]


def codes_matching_grade(grade: str) -> list[str]:
    """The codes that put a resource in a grade: the grade itself and its whole stage."""
    return [grade, GRADE_BY_CODE[grade].stage]


def level_labels(codes: Iterable[str]) -> list[str | Promise]:
    """What to show for a resource's levels, in school order."""
    return [LEVELS[code] for code in normalise_levels(codes)]
