"""What the courses app reports to the teacher's record: modules completed.

:func:`module_completed` is called by :func:`courses.services.enrolment_complete` right after
the module's ``completed`` statement is recorded, in the same transaction: the completion,
its statement and its record entry commit together or not at all, so no completed enrolment
is ever left without its entry (the entry is a row of the same database, not a side effect
that would wait for the commit, such as a broadcast or an e-mail). :func:`backfill` writes the
entries of enrolments completed before the record existed; both are idempotent, keyed on
« courses.enrolment:<pk> ».

The entry's ``details`` carry, for the attestation and the credential: ``module`` (page id),
``module_url``, ``objectives`` (plain text), ``collection``, ``cohort`` and ``trainers``
(names) when the module was followed in a cohort, and ``quizzes`` ([{"title", "score"}],
the best scaled score of each quiz step).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import translation
from django.utils.html import strip_tags

from campus.models import EntryKind, RecordEntry, TrainingModality
from campus.services_recognition import entry_record
from courses.models import (
    CompletionRule,
    Enrolment,
    EnrolmentStatus,
    Modality,
    ModulePage,
    StepProgress,
)
from lrs import api
from lrs.models import Statement

MODALITIES = {
    Modality.DISTANCE: TrainingModality.DISTANCE,
    Modality.BLENDED: TrainingModality.BLENDED,
}
# Stored as the record states them (French, the attestation's language), not translated.
RESULT_COMPLETED = "Module terminé"
_BLOCK_END = re.compile(r"</(p|li|h[1-6]|div)>|<br\s*/?>", re.IGNORECASE)


def source_key(enrolment: Enrolment) -> str:
    """The record's key of an enrolment's completion."""
    return f"courses.enrolment:{enrolment.pk}"


def plain_text(rich_text: str) -> str:
    """Rich text as plain text: one line per paragraph or list item, entities decoded."""
    text = html.unescape(strip_tags(_BLOCK_END.sub("\n", rich_text or "")))
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def _minutes(hours: Decimal | None) -> int:
    return int((Decimal(hours or 0) * 60).to_integral_value())


def issuer_of(module: ModulePage) -> str:
    """« Académie — Académie de Lyon »: the responsible body and its name, when given."""
    with translation.override("fr"):
        body = str(module.get_responsible_body_display())
    name = module.responsible_name.strip()
    if not name:
        return body
    return name if name.casefold().startswith(body.casefold()) else f"{body} — {name}"


@dataclass(frozen=True)
class _Quiz:
    title: str
    score: float


def _quizzes(enrolment: Enrolment) -> list[_Quiz]:
    """The best scaled score of each quiz step of the module the learner has a score for."""
    rows = (
        StepProgress.objects.filter(
            enrolment=enrolment,
            step__completion_rule=CompletionRule.QUIZ_PASSED,
            score__isnull=False,
        )
        .order_by("step__path")
        .values_list("step__title", "score")
    )
    return [_Quiz(title, score) for title, score in rows]


def result_of(quizzes: list[_Quiz]) -> str:
    """« Module terminé », with the quizzes' best scores when the module has some."""
    if not quizzes:
        return RESULT_COMPLETED
    if len(quizzes) == 1:
        return f"{RESULT_COMPLETED} — quiz réussi à {round(quizzes[0].score * 100)} %"
    average = sum(q.score for q in quizzes) / len(quizzes)
    return f"{RESULT_COMPLETED} — {len(quizzes)} quiz réussis, {round(average * 100)} % en moyenne"


def module_completed(*, enrolment: Enrolment, statement_ids: list[str]) -> tuple[RecordEntry, bool]:
    """Record the completion of ``enrolment`` (status completed) in the learner's record.

    ``statement_ids`` are the LRS statements behind it (the module's ``completed``). The
    enrolment comes with its user and module loaded. Returns the entry and whether it is new.
    """
    if enrolment.status != EnrolmentStatus.COMPLETED or enrolment.completed_at is None:
        raise ValueError(f"enrolment {enrolment.pk} is not completed")
    module = enrolment.module
    url = module.get_url() or ""
    quizzes = _quizzes(enrolment)
    details: dict = {
        "module": module.pk,
        "module_url": url,
        "objectives": plain_text(module.objectives),
        "collection": module.collection,
        "quizzes": [{"title": q.title, "score": round(q.score, 4)} for q in quizzes],
    }
    if enrolment.cohort_id:
        cohort = enrolment.cohort
        details["cohort"] = cohort.name
        details["trainers"] = [
            trainer.get_full_name() or trainer.email
            for trainer in cohort.trainers.order_by("last_name", "first_name")
        ]
    return entry_record(
        user=enrolment.user,
        kind=EntryKind.MODULE_COMPLETED,
        source_key=source_key(enrolment),
        title=module.title,
        occurred_at=enrolment.completed_at,
        summary=module.summary,
        started_on=enrolment.created,
        modality=MODALITIES.get(module.modality, TrainingModality.DISTANCE),
        distance_minutes=_minutes(module.distance_hours),
        in_person_minutes=_minutes(module.in_person_hours),
        result=result_of(quizzes),
        issuer=issuer_of(module),
        competence_items=list(module.competences.all()),
        evidence_url=url,
        statement_ids=statement_ids,
        details=details,
    )


def _completed_statement_ids(enrolments: list[Enrolment]) -> dict[int, list[str]]:
    """The ``completed`` statements on each enrolment's module (one query), not voided."""
    by_registration = {e.registration: e for e in enrolments}
    iris = {e.module.activity_iri: e for e in enrolments}
    rows = Statement.objects.filter(
        registration__in=by_registration,
        verb_id=api.COMPLETED.id,
        object_activity_id__in=iris,
        voided=False,
    ).values_list("registration", "statement_id")
    found: dict[int, list[str]] = {}
    for registration, statement_id in rows:
        found.setdefault(by_registration[registration].pk, []).append(str(statement_id))
    return found


def backfill(enrolments: QuerySet[Enrolment] | None = None, *, batch: int = 200) -> int:
    """Write the missing entries of completed enrolments; return how many were created.

    Idempotent: enrolments whose entry exists are skipped (one query per batch finds them),
    and :func:`campus.services_recognition.entry_record` would create nothing for them anyway.
    """
    enrolments = (enrolments or Enrolment.objects.all()).filter(
        status=EnrolmentStatus.COMPLETED, completed_at__isnull=False
    )
    created = 0
    pks = list(enrolments.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(pks), batch):
        chunk = pks[start : start + batch]
        done = set(
            RecordEntry.objects.filter(
                source_key__in=[f"courses.enrolment:{pk}" for pk in chunk]
            ).values_list("source_key", flat=True)
        )
        todo = list(
            Enrolment.objects.filter(pk__in=chunk)
            .exclude(pk__in=[int(key.rsplit(":", 1)[1]) for key in done])
            .select_related("user", "module", "cohort")
        )
        statements = _completed_statement_ids(todo) if todo else {}
        for enrolment in todo:
            _entry, new = module_completed(
                enrolment=enrolment, statement_ids=statements.get(enrolment.pk, [])
            )
            created += new
    return created
