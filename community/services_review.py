"""The peer review of co-built resources: submission, reviews, publication, promotion.

The states (:class:`community.models.ResourceState`) and who moves a resource between them::

    draft ─submit (authors)─▶ submitted ─first reviewer assigned or volunteering─▶ in review
    in review | revised ─request changes (animateur)─▶ changes requested
    changes requested ─revise (authors: new revision saved, reviews answered)─▶ revised
    revised ─a reviewer assigned or volunteering for the new revision─▶ in review
    in review | revised ─publish (animateur; two good reviews of the current revision)─▶ published
    published ─promote (inspector or académie animateur)─▶ promoted in the académie
    promoted in the académie ─promote (content moderator or administrator)─▶ promoted nationally
    any state ─withdraw (authors; animateurs; promoted ones: animateurs only)─▶ withdrawn
    withdrawn ─submit (authors)─▶ submitted

Each transition is one service with a named guard (``ensure_can_<transition>``) that raises
:class:`ReviewError` with a message shown to the user as is; the review panel asks the same
guards to offer only what the viewer may do. A transition locks the resource's row, writes a
:class:`~community.models.ResourceTransition` (with the revision current at that moment),
notifies the people concerned and records an xAPI statement through :mod:`lrs.api`, all in
one transaction: a refused or failed step leaves nothing behind.

Reviews are of one revision: a review of an older revision stays in the history but no longer
counts towards publication (:func:`community.selectors_review.qualifying_reviews`).
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING

import tincan
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import linebreaks, strip_tags, urlize
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campus.roles import Role
from campus.sanitize import sanitize_html
from community import recognition
from community.models import (
    CommunityKind,
    Licence,
    MemberRole,
    Membership,
    MembershipStatus,
    NotificationKind,
    Resource,
    ResourceState,
    ResourceTransition,
    Review,
    ReviewStatus,
)
from community.selectors import is_member, runs_community
from community.selectors_resources import is_author
from community.selectors_review import (
    DECIDABLE,
    PROMOTED,
    REVIEWABLE,
    changes_requested_on,
    community_runners,
    current_reviews,
    qualifying_reviews,
    resource_academy,
    review_threshold,
)
from community.services_notifications import notification_create_many
from community.services_resources import rights_check_passed
from lrs import api

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from campus.models import User

# How many reviews above the threshold publication needs (the rule, not a setting).
REVIEWS_TO_PUBLISH = 2
COMMENT_MAX_LENGTH = 5000


FORBIDDEN = "forbidden"  # Not this person (views answer 403).
CONFLICT = "conflict"  # Not in this state (409).
INVALID = "invalid"  # Not with this input (400).


class GuardError(Exception):
    """A step a guard refuses; the message is shown to the user as is.

    ``code`` says why: :data:`FORBIDDEN` (who), :data:`CONFLICT` (when), :data:`INVALID` (what).
    """

    def __init__(self, message: str, code: str = CONFLICT):
        super().__init__(message)
        self.code = code


class ReviewError(GuardError):
    """A review step the guards refuse."""


# --- Shared pieces ---------------------------------------------------------------------------


# Any tag: the text is taken as HTML (pasted from an editor), else as plain text.
_TAG = re.compile(r"<\s*/?\s*[a-z][^>]*>", re.IGNORECASE)


def rich_text(text: str) -> str:
    """Sanitised HTML of a comment or an answer; empty when nothing readable is left.

    Plain text (no tag) is escaped, its addresses made links and its blank lines paragraphs;
    text with tags is taken as HTML. Both go through the sanitiser's allow-list.
    """
    text = text.strip().replace("\r\n", "\n")
    if not _TAG.search(text):
        text = linebreaks(urlize(text, nofollow=True, autoescape=True))
    cleaned = sanitize_html(text).strip()
    return cleaned if html.unescape(strip_tags(cleaned)).strip() else ""


def _review_url(resource: Resource) -> str:
    return reverse("community:resource_review", args=[resource.pk])


def lock_resource(resource: Resource) -> None:
    """Lock the resource's row and re-read it: two clicks on one step run one after the other."""
    list(Resource.objects.select_for_update().filter(pk=resource.pk).values_list("pk"))
    resource.refresh_from_db()


def _ensure_open(resource: Resource) -> None:
    if resource.community.archived:
        raise ReviewError(_("This community is archived: its resources no longer change."))


def _ensure_runs(actor: User, resource: Resource) -> None:
    if not runs_community(actor, resource.community):
        raise ReviewError(_("Only the community's animateurs can do this."), FORBIDDEN)


def _ensure_active_author(actor: User, resource: Resource) -> None:
    if not (is_author(actor, resource) and is_member(actor, resource.community)):
        raise ReviewError(_("Only the resource's authors can do this."), FORBIDDEN)


def _ensure_rights(resource: Resource) -> None:
    if resource.licence not in Licence.values:
        raise ReviewError(_("Choose the resource's licence first."))
    # The resources' own rights check (confirmed by a co-author, no file added since).
    if not rights_check_passed(resource):
        raise ReviewError(
            _(
                "The authors must first confirm that they hold the rights to everything in "
                "the resource under its licence."
            )
        )


def _agent(user: User) -> tincan.Agent:
    return api.agent_for(user.email, user.get_full_name() or None)


def resource_activity(resource: Resource) -> tincan.Activity:
    """The xAPI activity of a resource (its id never changes, whatever its title or URL)."""
    return api.activity_for(
        f"{settings.SITE_URL}/xapi/activities/community-resource/{resource.pk}",
        name=resource.title,
        activity_type=api.ACTIVITY_RESOURCE,
    )


def _record(
    *,
    actor: User,
    verb: tincan.Verb,
    resource: Resource,
    result: tincan.Result | None = None,
    extensions: dict | None = None,
) -> None:
    """Record ``actor verb resource`` with the community as the parent activity."""
    community = resource.community
    context = api.context_for(
        parent=api.activity_for(
            f"{settings.SITE_URL}/xapi/activities/community/{community.pk}",
            name=community.name,
            activity_type=api.ACTIVITY_COMMUNITY,
        )
    )
    if extensions:
        context.extensions = tincan.Extensions(extensions)
    api.record(
        api.statement_for(
            actor=_agent(actor),
            verb=verb,
            target=resource_activity(resource),
            result=result,
            context=context,
        )
    )


def notify(
    recipients: Iterable[User],
    *,
    kind: NotificationKind,
    actor: User,
    message: str,
    params: dict,
    url: str = "",
) -> None:
    """Notify ``recipients`` in the site's language (``message`` is lazy, ``params`` fill it).

    The text is stored once and read later by people whose language is not the actor's: the
    site's default language is the best guess (as the membership notifications do).
    """
    with translation.override(settings.LANGUAGE_CODE):
        text = str(message) % {key: str(value) for key, value in params.items()}
    notification_create_many(recipients=recipients, kind=kind, text=text, url=url, actor=actor)


def _notify(
    recipients: Iterable[User], *, actor: User, resource: Resource, message: str, params: dict
) -> None:
    notify(
        recipients,
        kind=NotificationKind.REVIEW,
        actor=actor,
        message=message,
        params=params,
        url=_review_url(resource),
    )


def _move(
    *,
    actor: User,
    resource: Resource,
    to_state: ResourceState,
    note: str = "",
    verb: tincan.Verb | None,
    extensions: dict | None = None,
) -> ResourceTransition:
    """Change the state, log the step with the current revision, record the statement.

    ``verb`` is None when the act that caused the step has its own statement already.
    """
    from_state = resource.state
    resource.state = to_state
    fields = ["state"]
    if to_state == ResourceState.PUBLISHED and resource.published_at is None:
        resource.published_at = timezone.now()
        fields.append("published_at")
    resource.save(update_fields=fields)
    step = ResourceTransition.objects.create(
        resource=resource,
        from_state=from_state,
        to_state=to_state,
        actor=actor,
        revision_id=resource.current_revision_id,
        note=note.strip(),
    )
    if verb is not None:
        _record(actor=actor, verb=verb, resource=resource, extensions=extensions)
    return step


def _reviewers(resource: Resource) -> list[User]:
    """Everyone who submitted a review of the resource (any revision)."""
    reviews = resource.reviews.filter(status=ReviewStatus.SUBMITTED).select_related("reviewer")
    return [review.reviewer for review in reviews]


def _authors(resource: Resource) -> list[User]:
    return list(resource.authors.all())


def _runners(resource: Resource) -> list[User]:
    return list(community_runners(resource.community))


def _transition(
    *,
    actor: User,
    resource: Resource,
    note: str,
    guard: Callable[[User, Resource], None],
    to_state: ResourceState,
    verb: tincan.Verb,
    notify: Iterable[Callable[[Resource], list[User]]],
    message: str,
    params: dict | None = None,
    extensions: dict | None = None,
) -> ResourceTransition:
    """Lock, check ``guard``, move to ``to_state`` (logged, recorded with ``verb``), notify.

    ``notify`` lists who is told (each a function of the resource); ``message`` (lazy) gets
    ``actor``, ``title`` and ``params``.
    """
    lock_resource(resource)
    guard(actor, resource)
    step = _move(
        actor=actor,
        resource=resource,
        to_state=to_state,
        note=note,
        verb=verb,
        extensions=extensions,
    )
    _notify(
        [person for recipients in notify for person in recipients(resource)],
        actor=actor,
        resource=resource,
        message=message,
        params={"actor": actor, "title": resource.title, **(params or {})},
    )
    return step


# --- Submission ------------------------------------------------------------------------------


def ensure_can_submit(actor: User, resource: Resource) -> None:
    """Authors submit a draft (or resubmit a withdrawn resource) once the rights are checked."""
    _ensure_active_author(actor, resource)
    _ensure_open(resource)
    if resource.state not in (ResourceState.DRAFT, ResourceState.WITHDRAWN):
        raise ReviewError(_("Only a draft or a withdrawn resource can be submitted."))
    if resource.current_revision_id is None:
        raise ReviewError(_("Save a first version of the resource before submitting it."))
    _ensure_rights(resource)


@transaction.atomic
def resource_submit(*, actor: User, resource: Resource, note: str = "") -> ResourceTransition:
    """Submit the resource for review: the animateurs are told, ``shared`` is recorded."""
    return _transition(
        actor=actor,
        resource=resource,
        note=note,
        guard=ensure_can_submit,
        to_state=ResourceState.SUBMITTED,
        verb=api.SHARED,
        notify=[_runners],
        message=gettext_lazy("%(actor)s submitted « %(title)s » for review."),
    )


# --- Reviewers -------------------------------------------------------------------------------


def _ensure_can_review(reviewer: User, resource: Resource) -> None:
    """A reviewer is an active member, not an author, without a review of this revision yet."""
    if not is_member(reviewer, resource.community):
        raise ReviewError(_("Reviewers must be active members of the community."), FORBIDDEN)
    if is_author(reviewer, resource):
        raise ReviewError(_("Authors cannot review their own resource."), FORBIDDEN)
    if Review.objects.filter(
        resource=resource, revision_id=resource.current_revision_id, reviewer=reviewer
    ).exists():
        raise ReviewError(
            _("%(reviewer)s already has a review of this version.") % {"reviewer": reviewer}
        )


def _ensure_reviewable(resource: Resource) -> None:
    _ensure_open(resource)
    if resource.state not in REVIEWABLE:
        raise ReviewError(_("This resource is not awaiting reviews."))
    if resource.hidden_at is not None:
        raise ReviewError(_("This resource is hidden by the animateurs."))


def ensure_can_assign(actor: User, resource: Resource, reviewer: User | None = None) -> None:
    """Animateurs assign a member who is not an author to a resource awaiting reviews."""
    _ensure_runs(actor, resource)
    _ensure_reviewable(resource)
    if reviewer is not None:
        _ensure_can_review(reviewer, resource)


def ensure_can_volunteer(actor: User, resource: Resource) -> None:
    """Members volunteer to review a resource awaiting reviews (not their own)."""
    _ensure_reviewable(resource)
    _ensure_can_review(actor, resource)


def _add_reviewer(*, actor: User, resource: Resource, reviewer: User, verb: tincan.Verb) -> Review:
    review = Review.objects.create(
        resource=resource,
        revision_id=resource.current_revision_id,
        reviewer=reviewer,
        assigned_by=actor,
    )
    _record(actor=actor, verb=verb, resource=resource)
    # The first reviewer of a submitted (or revised) version opens its review; the statement
    # just recorded (assigned, accepted) stands for that step.
    if resource.state in (ResourceState.SUBMITTED, ResourceState.REVISED):
        _move(actor=actor, resource=resource, to_state=ResourceState.IN_REVIEW, verb=None)
    return review


@transaction.atomic
def review_assign(*, actor: User, resource: Resource, reviewer: User) -> Review:
    """An animateur asks a member to review the current revision; they are notified."""
    lock_resource(resource)
    ensure_can_assign(actor, resource, reviewer)
    review = _add_reviewer(actor=actor, resource=resource, reviewer=reviewer, verb=api.ASSIGNED)
    _notify(
        [reviewer],
        actor=actor,
        resource=resource,
        message=gettext_lazy("%(actor)s asks you to review « %(title)s »."),
        params={"actor": actor, "title": resource.title},
    )
    _notify(
        _authors(resource),
        actor=actor,
        resource=resource,
        message=gettext_lazy("« %(title)s » is in review."),
        params={"title": resource.title},
    )
    return review


@transaction.atomic
def review_volunteer(*, actor: User, resource: Resource) -> Review:
    """A member offers to review the current revision; animateurs and authors are told."""
    lock_resource(resource)
    ensure_can_volunteer(actor, resource)
    review = _add_reviewer(actor=actor, resource=resource, reviewer=actor, verb=api.ACCEPTED)
    _notify(
        [*_runners(resource), *_authors(resource)],
        actor=actor,
        resource=resource,
        message=gettext_lazy("%(actor)s will review « %(title)s »."),
        params={"actor": actor, "title": resource.title},
    )
    return review


def ensure_can_decline(actor: User, review: Review) -> None:
    """Reviewers decline a review they have not submitted."""
    if review.reviewer_id != actor.pk:
        raise ReviewError(_("Only the reviewer can decline this review."), FORBIDDEN)
    if review.status != ReviewStatus.ASSIGNED:
        raise ReviewError(_("This review is no longer open."))


@transaction.atomic
def review_decline(*, actor: User, review: Review, reason: str = "") -> Review:
    """The reviewer declines; the reason is kept as the review's comment, animateurs are told."""
    review = (
        Review.objects.select_for_update().select_related("resource__community").get(pk=review.pk)
    )
    ensure_can_decline(actor, review)
    review.status = ReviewStatus.DECLINED
    review.comment = rich_text(reason[:COMMENT_MAX_LENGTH])
    review.save(update_fields=["status", "comment"])
    resource = review.resource
    _record(actor=actor, verb=api.REJECTED, resource=resource)
    recipients = _runners(resource)
    if review.assigned_by_id:
        recipients.append(review.assigned_by)
    _notify(
        recipients,
        actor=actor,
        resource=resource,
        message=gettext_lazy("%(actor)s declined to review « %(title)s »."),
        params={"actor": actor, "title": resource.title},
    )
    return review


# --- Reviews and answers ---------------------------------------------------------------------


def ensure_can_write_review(actor: User, review: Review) -> None:
    """The reviewer submits an open review of the current revision, still a member, not author."""
    resource = review.resource
    _ensure_open(resource)
    if review.reviewer_id != actor.pk:
        raise ReviewError(_("Only the reviewer can write this review."), FORBIDDEN)
    if review.status != ReviewStatus.ASSIGNED:
        raise ReviewError(_("This review is no longer open."))
    if review.revision_id != resource.current_revision_id:
        raise ReviewError(
            _("The authors have saved a newer version since: this review is out of date.")
        )
    if resource.state not in (*DECIDABLE, ResourceState.CHANGES_REQUESTED):
        raise ReviewError(_("This resource is not awaiting reviews."))
    if not is_member(actor, resource.community):
        raise ReviewError(_("Reviewers must be active members of the community."), FORBIDDEN)
    if is_author(actor, resource):
        raise ReviewError(_("Authors cannot review their own resource."), FORBIDDEN)


@transaction.atomic
def review_submit(
    *,
    actor: User,
    review: Review,
    scores: dict[str, int],
    comment: str,
) -> Review:
    """The reviewer scores each rubric criterion from 1 to 4 and comments; ``reviewed``.

    ``scores`` names every criterion of :attr:`Review.RUBRIC`. The statement's result is the
    rubric average on the 1 to 4 scale.
    """
    lock_resource(review.resource)
    review = (
        Review.objects.select_for_update().select_related("resource__community").get(pk=review.pk)
    )
    ensure_can_write_review(actor, review)
    missing = [name for name in Review.RUBRIC if name not in scores]
    invalid = [name for name in Review.RUBRIC if scores.get(name) not in (1, 2, 3, 4)]
    if missing or invalid:
        raise ReviewError(_("Score every criterion from 1 to 4."), INVALID)
    cleaned = rich_text(comment[:COMMENT_MAX_LENGTH])
    if not cleaned:
        raise ReviewError(
            _("Explain your scores in a comment: the authors need it to revise."), INVALID
        )
    for name in Review.RUBRIC:
        setattr(review, name, scores[name])
    review.comment = cleaned
    review.status = ReviewStatus.SUBMITTED
    review.submitted_at = timezone.now()
    review.save()
    resource = review.resource
    _record(
        actor=actor,
        verb=api.REVIEWED,
        resource=resource,
        result=api.result_for(score=(review.average, 1, 4), completion=True),
    )
    recognition.review_submitted(review=review)
    _notify(
        [*_authors(resource), *_runners(resource)],
        actor=actor,
        resource=resource,
        message=gettext_lazy("%(actor)s reviewed « %(title)s »."),
        params={"actor": actor, "title": resource.title},
    )
    return review


def ensure_can_answer(actor: User, review: Review) -> None:
    """Authors answer a submitted review (and may amend their answer)."""
    _ensure_open(review.resource)
    _ensure_active_author(actor, review.resource)
    if review.status != ReviewStatus.SUBMITTED:
        raise ReviewError(_("Only a submitted review can be answered."))
    if review.resource.state == ResourceState.WITHDRAWN:
        raise ReviewError(_("This resource has been withdrawn."))


@transaction.atomic
def review_answer(*, actor: User, review: Review, answer: str) -> Review:
    """An author answers a review (sanitised); the reviewer is told."""
    review = (
        Review.objects.select_for_update().select_related("resource__community").get(pk=review.pk)
    )
    ensure_can_answer(actor, review)
    cleaned = rich_text(answer[:COMMENT_MAX_LENGTH])
    if not cleaned:
        raise ReviewError(_("Write an answer."), INVALID)
    review.author_answer = cleaned
    review.save(update_fields=["author_answer"])
    _notify(
        [review.reviewer],
        actor=actor,
        resource=review.resource,
        message=gettext_lazy("The authors answered your review of « %(title)s »."),
        params={"title": review.resource.title},
    )
    return review


# --- The animateurs' decision ----------------------------------------------------------------


def ensure_can_request_changes(actor: User, resource: Resource) -> None:
    """Animateurs ask for changes, from at least one review of the current revision."""
    _ensure_runs(actor, resource)
    _ensure_open(resource)
    if resource.state not in DECIDABLE:
        raise ReviewError(_("Changes can be requested only on a resource in review."))
    if not current_reviews(resource).exists():
        raise ReviewError(_("Changes are requested from the reviews: wait for a first review."))


@transaction.atomic
def resource_request_changes(
    *, actor: User, resource: Resource, note: str = ""
) -> ResourceTransition:
    """An animateur sends the resource back to its authors with the reviews; they are told."""
    return _transition(
        actor=actor,
        resource=resource,
        note=note,
        guard=ensure_can_request_changes,
        to_state=ResourceState.CHANGES_REQUESTED,
        verb=api.REQUESTED,
        notify=[_authors],
        message=gettext_lazy(
            "Changes are requested on « %(title)s »: read the reviews and answer them."
        ),
    )


def ensure_can_revise(actor: User, resource: Resource) -> None:
    """Authors mark the resource revised once a new revision is saved and the reviews answered."""
    _ensure_active_author(actor, resource)
    _ensure_open(resource)
    if resource.state != ResourceState.CHANGES_REQUESTED:
        raise ReviewError(_("No changes were requested on this resource."))
    requested = changes_requested_on(resource)
    reviewed_revision = requested.revision_id if requested else None
    if resource.current_revision_id == reviewed_revision:
        raise ReviewError(_("Save a new version of the resource before marking it revised."))
    unanswered = Review.objects.filter(
        resource=resource,
        revision_id=reviewed_revision,
        status=ReviewStatus.SUBMITTED,
        author_answer="",
    )
    if unanswered.exists():
        raise ReviewError(_("Answer every review before marking the resource revised."))


@transaction.atomic
def resource_revise(*, actor: User, resource: Resource, note: str = "") -> ResourceTransition:
    """The authors hand the new revision back; animateurs and the earlier reviewers are told."""
    return _transition(
        actor=actor,
        resource=resource,
        note=note,
        guard=_ensure_can_revise_and_carry_reviews,
        to_state=ResourceState.REVISED,
        verb=api.UPDATED,
        notify=[_runners, _reviewers],
        message=gettext_lazy("« %(title)s » has been revised."),
    )


def _ensure_can_revise_and_carry_reviews(actor: User, resource: Resource) -> None:
    """The guard, then: reviews assigned but not written yet move to the new revision.

    Their reviewers read the version the authors stand by now (unless they already have a
    review of it).
    """
    ensure_can_revise(actor, resource)
    current = resource.current_revision_id
    taken = set(
        Review.objects.filter(resource=resource, revision_id=current).values_list(
            "reviewer_id", flat=True
        )
    )
    open_reviews = Review.objects.filter(resource=resource, status=ReviewStatus.ASSIGNED)
    for review in open_reviews.exclude(revision_id=current).exclude(reviewer_id__in=taken):
        review.revision_id = current
        review.save(update_fields=["revision"])


def ensure_can_publish(actor: User, resource: Resource) -> None:
    """Animateurs publish once two reviews of the current revision are above the threshold."""
    _ensure_runs(actor, resource)
    _ensure_open(resource)
    if resource.state not in DECIDABLE:
        raise ReviewError(_("Only a resource in review can be published."))
    if resource.hidden_at is not None:
        raise ReviewError(_("This resource is hidden by the animateurs."))
    _ensure_rights(resource)
    count = len(qualifying_reviews(resource))
    if count < REVIEWS_TO_PUBLISH:
        raise ReviewError(
            _(
                "Publication needs at least %(needed)s reviews of the current version with "
                "an average above %(threshold)s; it has %(count)s."
            )
            % {"needed": REVIEWS_TO_PUBLISH, "threshold": review_threshold(), "count": count}
        )


@transaction.atomic
def resource_publish(*, actor: User, resource: Resource, note: str = "") -> ResourceTransition:
    """An animateur publishes the resource; authors and reviewers are told, ``published``."""
    step = _transition(
        actor=actor,
        resource=resource,
        note=note,
        guard=ensure_can_publish,
        to_state=ResourceState.PUBLISHED,
        verb=api.PUBLISHED,
        notify=[_authors, _reviewers],
        message=gettext_lazy("« %(title)s » is published."),
    )
    recognition.resource_published(resource=resource)
    return step


# --- Promotion ("valorisation") --------------------------------------------------------------


def may_promote_in_academy(user: User, resource: Resource) -> bool:
    """Inspectors of the resource's académie, and animateurs of a community of that académie.

    "A community of that académie" is one of kind *académie* whose académie is the resource's
    (see :func:`community.selectors_review.resource_academy`), not only the resource's own.
    """
    academy = resource_academy(resource)
    if academy is None or not user.is_authenticated:
        return False
    if user.has_role(Role.INSPECTOR) and user.academy_id == academy.pk:
        return True
    return (
        Membership.objects.filter(
            user=user,
            status=MembershipStatus.ACTIVE,
            community__kind=CommunityKind.ACADEMY,
            community__academy=academy,
            community__archived=False,
        )
        .filter(role__in=(MemberRole.OWNER, MemberRole.ANIMATEUR))
        .exists()
    )


def may_promote_nationally(user: User) -> bool:
    """The national editorial role: content moderators and administrators (and superusers).

    Content moderators already decide what goes live in the national catalogue (the CMS's
    « Validation pédagogique »); national promotion of a resource is the same editorial call.
    """
    return user.is_authenticated and (user.has_role(Role.MODERATOR) or user.has_role(Role.ADMIN))


def ensure_can_promote_in_academy(actor: User, resource: Resource) -> None:
    """A published resource is promoted in its académie by an inspector or académie animateur."""
    if resource_academy(resource) is None:
        raise ReviewError(_("This resource belongs to no académie."))
    if not may_promote_in_academy(actor, resource):
        raise ReviewError(
            _("Only the académie's inspectors and the animateurs of its communities can do this."),
            FORBIDDEN,
        )
    _ensure_open(resource)
    if resource.state != ResourceState.PUBLISHED:
        raise ReviewError(_("Only a published resource can be promoted in its académie."))
    if resource.hidden_at is not None:
        raise ReviewError(_("This resource is hidden by the animateurs."))


@transaction.atomic
def resource_promote_in_academy(
    *, actor: User, resource: Resource, note: str = ""
) -> ResourceTransition:
    """Promote the resource in its académie; authors and animateurs are told, ``promoted``."""
    academy = resource_academy(resource)
    step = _transition(
        actor=actor,
        resource=resource,
        note=note,
        guard=ensure_can_promote_in_academy,
        to_state=ResourceState.PROMOTED_ACADEMY,
        verb=api.PROMOTED,
        extensions={_extension("promotion-scope"): "academy"},
        notify=[_authors, _runners],
        message=gettext_lazy("« %(title)s » is promoted in the académie of %(academy)s."),
        params={"academy": academy.name if academy else ""},
    )
    recognition.resource_promoted(resource=resource, level="academy")
    return step


def ensure_can_promote_nationally(actor: User, resource: Resource) -> None:
    """A resource promoted in its académie is promoted nationally by the editorial role."""
    if not may_promote_nationally(actor):
        raise ReviewError(_("Only content moderators and administrators can do this."), FORBIDDEN)
    _ensure_open(resource)
    if resource.state != ResourceState.PROMOTED_ACADEMY:
        raise ReviewError(_("Only a resource promoted in its académie can be promoted nationally."))
    if resource.hidden_at is not None:
        raise ReviewError(_("This resource is hidden by the animateurs."))


@transaction.atomic
def resource_promote_nationally(
    *, actor: User, resource: Resource, note: str = ""
) -> ResourceTransition:
    """Promote the resource nationally; authors and animateurs are told, ``promoted``."""
    step = _transition(
        actor=actor,
        resource=resource,
        note=note,
        guard=ensure_can_promote_nationally,
        to_state=ResourceState.PROMOTED_NATIONAL,
        verb=api.PROMOTED,
        extensions={_extension("promotion-scope"): "national"},
        notify=[_authors, _runners],
        message=gettext_lazy("« %(title)s » is promoted nationally."),
    )
    recognition.resource_promoted(resource=resource, level="national")
    return step


def _extension(name: str) -> str:
    """The IRI of one of Campus's own statement extensions (xAPI 1.0.3 §2.4.6 extensions)."""
    return f"{settings.SITE_URL}/xapi/extensions/{name}"


# --- Withdrawal ------------------------------------------------------------------------------


def ensure_can_withdraw(actor: User, resource: Resource) -> None:
    """Authors or animateurs withdraw from any state; a promoted resource needs an animateur."""
    if not runs_community(actor, resource.community):
        _ensure_active_author(actor, resource)
        if resource.state in PROMOTED:
            raise ReviewError(
                _("Only the community's animateurs can withdraw a promoted resource."), FORBIDDEN
            )
    _ensure_open(resource)
    if resource.state == ResourceState.WITHDRAWN:
        raise ReviewError(_("This resource is already withdrawn."))


@transaction.atomic
def resource_withdraw(*, actor: User, resource: Resource, note: str = "") -> ResourceTransition:
    """Withdraw the resource; authors and animateurs are told, ``retracted`` is recorded."""
    step = _transition(
        actor=actor,
        resource=resource,
        note=note,
        guard=ensure_can_withdraw,
        to_state=ResourceState.WITHDRAWN,
        verb=api.RETRACTED,
        notify=[_authors, _runners],
        message=gettext_lazy("« %(title)s » has been withdrawn."),
    )
    recognition.resource_withdrawn(resource=resource)
    return step


# --- What a person may do now ----------------------------------------------------------------

# The transitions the panel offers, in its order: name → (guard, service).
TRANSITIONS = {
    "submit": (ensure_can_submit, resource_submit),
    "request_changes": (ensure_can_request_changes, resource_request_changes),
    "revise": (ensure_can_revise, resource_revise),
    "publish": (ensure_can_publish, resource_publish),
    "promote_academy": (ensure_can_promote_in_academy, resource_promote_in_academy),
    "promote_national": (ensure_can_promote_nationally, resource_promote_nationally),
    "withdraw": (ensure_can_withdraw, resource_withdraw),
}


def allowed_transitions(actor: User, resource: Resource) -> list[str]:
    """The names of the transitions the actor may take now (their guards pass)."""
    if not actor.is_authenticated:
        return []
    allowed = []
    for name, (guard, _service) in TRANSITIONS.items():
        try:
            guard(actor, resource)
        except ReviewError:
            continue
        allowed.append(name)
    return allowed


def transition_refusal(actor: User, resource: Resource, name: str) -> str | None:
    """Why the actor may not take that transition now (None when they may)."""
    guard, _service = TRANSITIONS[name]
    try:
        guard(actor, resource)
    except ReviewError as error:
        return str(error)
    return None
