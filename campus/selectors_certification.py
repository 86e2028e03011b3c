"""Reads of the certification dossiers: who sees which, the item table, the rule.

Who may do what:

* the candidate sees their own dossier and adds evidence (never validations);
* the dossier's tutors (trainers listed on it) see it, add evidence and observations, and
  validate items;
* jury members (permission ``campus.issue_certification``) see every dossier and issue the
  certification of someone else's once the rule holds;
* anybody else gets a 404: a dossier's existence is the candidate's business.

The rule (:func:`rule_holds`) is a pure function of the framework's outline and each item's
current status; its thresholds come from the setting ``CERTIFICATION_RULES``, keyed by
« code-version » of the framework.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from campus.models import (
    CertificationDossier,
    CompetenceItem,
    DossierStatus,
    Framework,
    ItemEvidence,
    ItemValidation,
    RecordEntry,
    ValidationStatus,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from campus.models import User

JURY_PERMISSION = "campus.issue_certification"
TUTOR_PERMISSION = "campus.access_trainer_space"
CANDIDATE_PERMISSION = "campus.access_teacher_space"

# C2i2e (BO n°27 of 7 July 2011 and its circular): 23 of the 28 items at least, and no
# competence with more than 2 items short. Other frameworks are added in the setting.
DEFAULT_CERTIFICATION_RULES: dict[str, dict[str, int]] = {
    "c2i2e-2011": {"min_validated": 23, "max_not_validated_per_competence": 2},
}


# --- The rule --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CertificationRule:
    """How many items must be validated, overall and in each competence."""

    min_validated: int
    max_not_validated_per_competence: int


@dataclass(frozen=True)
class FrameworkOutline:
    """A framework as the rule sees it: its key and each competence's item codes, in order."""

    key: str
    competences: tuple[tuple[str, tuple[str, ...]], ...]

    @property
    def item_count(self) -> int:
        return sum(len(items) for _code, items in self.competences)


@dataclass(frozen=True)
class RuleResult:
    """Whether the rule holds, and what to tell the candidate when it does not."""

    holds: bool
    validated_count: int
    item_count: int
    min_validated: int
    failing_competences: tuple[str, ...] = field(default_factory=tuple)

    @property
    def missing_count(self) -> int:
        return max(self.min_validated - self.validated_count, 0)


def framework_key(framework: Framework) -> str:
    """The key of a framework in ``CERTIFICATION_RULES``: « c2i2e-2011 »."""
    return f"{framework.code}-{framework.version}"


def rule_for(key: str, item_count: int) -> CertificationRule:
    """The framework's rule from the setting; a framework without one needs every item.

    A malformed entry fails loudly (ImproperlyConfigured) rather than certify on a guess.
    """
    entry = certification_rules().get(key)
    if entry is None:
        return CertificationRule(min_validated=item_count, max_not_validated_per_competence=0)
    try:
        rule = CertificationRule(
            min_validated=int(entry["min_validated"]),
            max_not_validated_per_competence=int(entry["max_not_validated_per_competence"]),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise ImproperlyConfigured(
            f"CERTIFICATION_RULES[{key!r}] needs integer min_validated and "
            "max_not_validated_per_competence."
        ) from error
    if rule.min_validated < 0 or rule.max_not_validated_per_competence < 0:
        raise ImproperlyConfigured(f"CERTIFICATION_RULES[{key!r}] values must be positive.")
    return rule


def rule_holds(
    framework: FrameworkOutline,
    statuses: Mapping[str, str],
    rule: CertificationRule | None = None,
) -> RuleResult:
    """Evaluate the certification rule on each item's current status (by item code).

    « Not validated » is any item without a current ``validated`` status: « not yet » and items
    nobody has looked at yet count alike. ``rule`` defaults to the framework's setting.
    """
    rule = rule or rule_for(framework.key, framework.item_count)
    validated = 0
    failing = []
    for competence, items in framework.competences:
        short = 0
        for code in items:
            if statuses.get(code) == ValidationStatus.VALIDATED:
                validated += 1
            else:
                short += 1
        if short > rule.max_not_validated_per_competence:
            failing.append(competence)
    return RuleResult(
        holds=validated >= rule.min_validated and not failing,
        validated_count=validated,
        item_count=framework.item_count,
        min_validated=rule.min_validated,
        failing_competences=tuple(failing),
    )


def certification_rules() -> Mapping[str, Mapping[str, int]]:
    """The setting ``CERTIFICATION_RULES``, or the default (C2i2e 2011)."""
    return getattr(settings, "CERTIFICATION_RULES", DEFAULT_CERTIFICATION_RULES)


def certifiable_frameworks() -> list[Framework]:
    """The frameworks a certification rule is configured for: the ones a dossier may follow."""
    keys = set(certification_rules())
    return [f for f in Framework.objects.all() if framework_key(f) in keys]


def framework_outline(framework: Framework) -> FrameworkOutline:
    """The framework's competences and item codes, in the framework's order (one query)."""
    grouped: dict[str, list[str]] = {}
    for competence, code in CompetenceItem.objects.filter(
        competence__domain__framework=framework
    ).values_list("competence__code", "code"):
        grouped.setdefault(competence, []).append(code)
    return FrameworkOutline(
        key=framework_key(framework),
        competences=tuple((c, tuple(items)) for c, items in grouped.items()),
    )


# --- Who may do what -------------------------------------------------------------------------


def is_jury(user: User | AnonymousUser) -> bool:
    """Whether the user may issue certifications (a permission an administrator grants)."""
    return user.is_authenticated and user.has_perm(JURY_PERMISSION)


def is_tutor(user: User | AnonymousUser, dossier: CertificationDossier) -> bool:
    """Whether the user is one of the dossier's tutors (never the candidate themself)."""
    return (
        user.is_authenticated
        and user.pk != dossier.user_id
        and dossier.tutors.filter(pk=user.pk).exists()
    )


def may_open_for_others(user: User | AnonymousUser) -> bool:
    """Trainers open dossiers for teachers, and become their tutors."""
    return user.is_authenticated and user.has_perm(TUTOR_PERMISSION)


def may_open_own(user: User | AnonymousUser) -> bool:
    """Teachers open their own dossier."""
    return user.is_authenticated and user.has_perm(CANDIDATE_PERMISSION)


def visible_dossiers(user: User | AnonymousUser) -> QuerySet[CertificationDossier]:
    """The dossiers the user may see: their own, those they tutor, all of them for the jury."""
    dossiers = CertificationDossier.objects.select_related("user", "framework")
    if not user.is_authenticated:
        return dossiers.none()
    if is_jury(user):
        return dossiers
    tutored = CertificationDossier.tutors.through.objects.filter(
        certificationdossier_id=OuterRef("pk"), user_id=user.pk
    )
    return dossiers.filter(Q(user=user) | Exists(tutored))


def dossier_for_viewer(user: User | AnonymousUser, pk: int) -> CertificationDossier:
    """The dossier ``pk`` if the user may see it; Http404 otherwise (or if there is none)."""
    dossier = visible_dossiers(user).filter(pk=pk).first()
    if dossier is None:
        raise Http404("No such certification dossier.")
    return dossier


def item_of_dossier(dossier: CertificationDossier, item_pk: int) -> CompetenceItem:
    """The item ``item_pk`` of the dossier's framework; Http404 for another framework's."""
    item = (
        CompetenceItem.objects.select_related("competence__domain")
        .filter(pk=item_pk, competence__domain__framework_id=dossier.framework_id)
        .first()
    )
    if item is None:
        raise Http404("No such item in this framework.")
    return item


def evidence_for_download(user: User | AnonymousUser, pk: int) -> ItemEvidence:
    """A piece of evidence whose dossier the user may see; Http404 otherwise."""
    evidence = (
        ItemEvidence.objects.select_related("dossier")
        .filter(pk=pk, dossier__in=visible_dossiers(user))
        .first()
    )
    if evidence is None:
        raise Http404("No such evidence.")
    return evidence


# --- The dossier's pages ---------------------------------------------------------------------


def current_validations(dossier: CertificationDossier) -> dict[int, ItemValidation]:
    """The latest validation of each item (by item id); earlier ones are history."""
    current: dict[int, ItemValidation] = {}
    # Newest first (the model's ordering), so the first seen per item is the current one.
    for validation in dossier.validations.select_related("validated_by"):
        current.setdefault(validation.item_id, validation)
    return current


def current_statuses(dossier: CertificationDossier) -> dict[str, str]:
    """Each item's current status, by item code (items never validated are absent)."""
    statuses: dict[str, str] = {}
    for code, status in dossier.validations.values_list("item__code", "status"):
        statuses.setdefault(code, status)  # Newest first: the first seen is the current one.
    return statuses


def dossier_rule(dossier: CertificationDossier) -> RuleResult:
    """The rule evaluated on the dossier's current validations (two queries)."""
    return rule_holds(framework_outline(dossier.framework), current_statuses(dossier))


@dataclass
class ItemRow:
    """One line of the dossier's table."""

    item: CompetenceItem
    evidence_count: int
    validation: ItemValidation | None

    @property
    def validated(self) -> bool:
        return bool(self.validation and self.validation.status == ValidationStatus.VALIDATED)


@dataclass
class CompetenceRows:
    competence: object
    rows: list[ItemRow]
    failing: bool = False


@dataclass
class DomainRows:
    domain: object
    competences: list[CompetenceRows]


@dataclass
class DossierTable:
    """The dossier's items by domain and competence, with the rule's verdict."""

    domains: list[DomainRows]
    result: RuleResult


def dossier_table(dossier: CertificationDossier) -> DossierTable:
    """Every item of the framework with its evidence count and current status (4 queries)."""
    items = list(
        CompetenceItem.objects.filter(
            competence__domain__framework_id=dossier.framework_id
        ).select_related("competence__domain")
    )
    counts = dict(
        dossier.evidence.values_list("item_id").annotate(n=Count("id")).values_list("item_id", "n")
    )
    current = current_validations(dossier)
    grouped: dict[int, dict[int, list[ItemRow]]] = defaultdict(dict)
    competences, domains = {}, {}
    for item in items:
        competence = item.competence
        competences[competence.pk] = competence
        domains[competence.domain_id] = competence.domain
        grouped[competence.domain_id].setdefault(competence.pk, []).append(
            ItemRow(
                item=item, evidence_count=counts.get(item.pk, 0), validation=current.get(item.pk)
            )
        )
    outline = FrameworkOutline(
        key=framework_key(dossier.framework),
        competences=tuple(
            (competences[c].code, tuple(row.item.code for row in rows))
            for by_competence in grouped.values()
            for c, rows in by_competence.items()
        ),
    )
    statuses = {item.code: v.status for item in items if (v := current.get(item.pk))}
    result = rule_holds(outline, statuses)
    failing = set(result.failing_competences)
    return DossierTable(
        domains=[
            DomainRows(
                domain=domains[domain_id],
                competences=[
                    CompetenceRows(
                        competence=competences[c],
                        rows=rows,
                        failing=competences[c].code in failing,
                    )
                    for c, rows in by_competence.items()
                ],
            )
            for domain_id, by_competence in grouped.items()
        ],
        result=result,
    )


def item_evidence(dossier: CertificationDossier, item: CompetenceItem) -> QuerySet[ItemEvidence]:
    """The evidence for one item of the dossier, oldest first."""
    return dossier.evidence.filter(item=item).select_related("added_by")


def item_history(dossier: CertificationDossier, item: CompetenceItem) -> QuerySet[ItemValidation]:
    """Every validation of one item, newest (the current one) first."""
    return dossier.validations.filter(item=item).select_related("validated_by")


def candidate_record_entries(dossier: CertificationDossier) -> QuerySet[RecordEntry]:
    """The candidate's record entries that may be offered as evidence (not withdrawn)."""
    return RecordEntry.objects.filter(user_id=dossier.user_id, withdrawn_at__isnull=True)


def dossiers_of_candidate(user: User) -> QuerySet[CertificationDossier]:
    """The user's own dossiers."""
    return CertificationDossier.objects.filter(user=user).select_related("framework")


def dossiers_of_tutor(user: User) -> QuerySet[CertificationDossier]:
    """The dossiers the user tutors, with their candidate, open ones first."""
    return (
        CertificationDossier.objects.filter(tutors=user)
        .exclude(user=user)
        .select_related("user", "framework")
        .prefetch_related(Prefetch("tutors"))
        .order_by("-status", "user__last_name", "user__first_name")
    )


def with_results(dossiers) -> list[tuple[CertificationDossier, RuleResult]]:
    """Each dossier with the rule's verdict, in two queries plus one per framework followed."""
    dossiers = list(dossiers)
    statuses: dict[int, dict[str, str]] = defaultdict(dict)
    for dossier_id, code, status in ItemValidation.objects.filter(
        dossier__in=[d.pk for d in dossiers]
    ).values_list("dossier_id", "item__code", "status"):
        statuses[dossier_id].setdefault(code, status)  # Newest first: the current one.
    outlines: dict[int, FrameworkOutline] = {}
    results = []
    for dossier in dossiers:
        if dossier.framework_id not in outlines:
            outlines[dossier.framework_id] = framework_outline(dossier.framework)
        results.append((dossier, rule_holds(outlines[dossier.framework_id], statuses[dossier.pk])))
    return results


def open_dossiers_for_jury(user: User) -> list[tuple[CertificationDossier, RuleResult]]:
    """For a jury member: other people's open dossiers whose rule holds, ready to issue."""
    if not is_jury(user):
        return []
    dossiers = (
        CertificationDossier.objects.filter(status=DossierStatus.OPEN)
        .exclude(user=user)
        .select_related("user", "framework")
        .order_by("user__last_name", "user__first_name", "pk")
    )
    return [(dossier, result) for dossier, result in with_results(dossiers) if result.holds]
