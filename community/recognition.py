"""What the community app reports to the teachers' records.

Called by the services at their transitions, in their transaction (an entry is a row of the
same database: it commits with the transition or not at all):

* a resource published (:func:`resource_published`): an entry for each of its authors;
* a resource promoted (:func:`resource_promoted`): one per author and level (académie,
  national);
* a resource withdrawn (:func:`resource_withdrawn`): those entries are marked withdrawn (a
  publication that no longer stands); published again, they come back;
* a review submitted (:func:`review_submitted`): the reviewer's;
* a member made owner or animateur, or a community created (:func:`community_animated`): one
  per membership, whatever roles follow.

Texts are stored as the record states them (French, the attestation's language).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone

from campus.models import EntryKind, RecordEntry
from campus.services_recognition import entry_record, entry_restore, entry_withdraw
from community.models import MemberRole, Membership, Resource, Review
from community.selectors_review import resource_academy
from lrs import api
from lrs.models import Statement

if TYPE_CHECKING:
    from campus.models import Academy, User

PROMOTION_LEVELS = ("academy", "national")
WITHDRAWAL_REASON = "Ressource retirée de sa communauté."
_VOWELS = tuple("AEIOUYÂÉÈÊÎÔ")


def published_key(resource: Resource) -> str:
    """The record's key of a resource's publication (one entry per author)."""
    return f"community.resource:{resource.pk}:published"


def promoted_key(resource: Resource, level: str) -> str:
    """The record's key of a resource's promotion at one level (one entry per author)."""
    return f"community.resource:{resource.pk}:promoted:{level}"


def academy_label(academy: Academy) -> str:
    """« Académie de Lyon », « Académie d'Aix-Marseille »."""
    name = academy.name
    return f"Académie d'{name}" if name.upper().startswith(_VOWELS) else f"Académie de {name}"


def _community_label(resource: Resource) -> str:
    return f"Communauté « {resource.community.name} »"


def _statement_ids(verb, resource: Resource) -> list[str]:
    """The newest statement ``verb`` on the resource: the one the transition just recorded.

    The services hold the resource's row lock, so no other transition of it recorded since.
    """
    from community.services_review import resource_activity  # services_review calls us.

    statement_id = (
        Statement.objects.filter(
            verb_id=verb.id, object_activity_id=resource_activity(resource).id, voided=False
        )
        .order_by("-seq")
        .values_list("statement_id", flat=True)
        .first()
    )
    return [str(statement_id)] if statement_id else []


def _record_or_restore(*, user: User, source_key: str, **report) -> tuple[RecordEntry, bool]:
    entry, created = entry_record(user=user, source_key=source_key, **report)
    if not created and entry.withdrawn_at is not None:
        entry = entry_restore(source_key=source_key, user=user) or entry
    return entry, created


def _resource_details(resource: Resource, authors: list[User], author: User) -> dict:
    return {
        "resource": resource.pk,
        "resource_kind": resource.kind,
        "licence": resource.licence,
        "community": resource.community.name,
        "community_slug": resource.community.slug,
        "co_authors": [a.get_full_name() or a.email for a in authors if a.pk != author.pk],
    }


def resource_published(*, resource: Resource) -> list[tuple[RecordEntry, bool]]:
    """An entry « resource published » for each author of the resource (restored if withdrawn)."""
    authors = list(resource.authors.order_by("last_name", "first_name"))
    competences = list(resource.competences.all())
    url = reverse("community:resource_detail", args=[resource.pk])
    statement_ids = _statement_ids(api.PUBLISHED, resource)
    return [
        _record_or_restore(
            user=author,
            kind=EntryKind.RESOURCE_PUBLISHED,
            source_key=published_key(resource),
            title=resource.title,
            occurred_at=resource.published_at or timezone.now(),
            summary=resource.summary,
            result="Publiée après relecture par les pairs",
            issuer=_community_label(resource),
            competence_items=competences,
            evidence_url=url,
            statement_ids=statement_ids,
            details=_resource_details(resource, authors, author),
        )
        for author in authors
    ]


def resource_promoted(*, resource: Resource, level: str) -> list[tuple[RecordEntry, bool]]:
    """An entry « resource promoted » at ``level`` (academy, national) for each author."""
    if level not in PROMOTION_LEVELS:
        raise ValueError(f"unknown promotion level {level!r}; expected one of {PROMOTION_LEVELS}")
    authors = list(resource.authors.order_by("last_name", "first_name"))
    if level == "academy":
        academy = resource_academy(resource)
        issuer = academy_label(academy) if academy else _community_label(resource)
        result = f"Valorisée dans l'{issuer[0].lower()}{issuer[1:]}" if academy else "Valorisée"
    else:
        issuer = "Ministère de l'Éducation nationale"
        result = "Valorisée au niveau national"
    url = reverse("community:resource_detail", args=[resource.pk])
    statement_ids = _statement_ids(api.PROMOTED, resource)
    return [
        _record_or_restore(
            user=author,
            kind=EntryKind.RESOURCE_PROMOTED,
            source_key=promoted_key(resource, level),
            title=resource.title,
            occurred_at=timezone.now(),
            summary=resource.summary,
            result=result,
            issuer=issuer,
            competence_items=list(resource.competences.all()),
            evidence_url=url,
            statement_ids=statement_ids,
            details={**_resource_details(resource, authors, author), "level": level},
        )
        for author in authors
    ]


def resource_withdrawn(*, resource: Resource) -> int:
    """Mark the resource's publication and promotion entries withdrawn (every author's).

    Reviews written of it stay: the reviewers' work was done. Returns how many were marked.
    """
    keys = [published_key(resource)] + [promoted_key(resource, lv) for lv in PROMOTION_LEVELS]
    return sum(entry_withdraw(source_key=key, user=None, reason=WITHDRAWAL_REASON) for key in keys)


def review_submitted(*, review: Review) -> tuple[RecordEntry, bool]:
    """The reviewer's entry « review completed » for a submitted review."""
    resource = review.resource
    average = review.average
    return entry_record(
        user=review.reviewer,
        kind=EntryKind.REVIEW_COMPLETED,
        source_key=f"community.review:{review.pk}",
        title=f"Relecture de « {resource.title} »",
        occurred_at=review.submitted_at or timezone.now(),
        summary=resource.summary,
        result="Grille d'évaluation renseignée"
        + (f" (moyenne {average:.1f} / 4)".replace(".", ",") if average is not None else ""),
        issuer=_community_label(resource),
        evidence_url=reverse("community:resource_detail", args=[resource.pk]),
        statement_ids=_statement_ids(api.REVIEWED, resource),
        details={
            "resource": resource.pk,
            "community": resource.community.name,
            "community_slug": resource.community.slug,
            "revision": review.revision_id,
        },
    )


def community_animated(*, membership: Membership) -> tuple[RecordEntry, bool] | None:
    """The member's entry « community animated », once they run it (owner or animateur).

    Nothing for another role. One entry per membership: a later change of role adds none.
    """
    if membership.role not in (MemberRole.OWNER, MemberRole.ANIMATEUR):
        return None
    community = membership.community
    return entry_record(
        user=membership.user,
        kind=EntryKind.COMMUNITY_ANIMATED,
        source_key=f"community.membership:{membership.pk}:animated",
        title=community.name,
        occurred_at=timezone.now(),
        summary=f"Animation de la communauté professionnelle « {community.name} ».",
        issuer=academy_label(community.academy) if community.academy_id else "Campus",
        evidence_url=reverse("community:community_detail", kwargs={"slug": community.slug}),
        details={
            "community": community.name,
            "community_slug": community.slug,
            "role": membership.role,
        },
    )
