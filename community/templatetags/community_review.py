"""The review panel's data, so that any page showing a resource can include the panel.

``{% include "community/review/resource_panel.html" %}`` needs only ``resource`` (and the
request) in its context: the panel template calls :func:`review_panel` itself, which asks the
services' guards what the viewer may do, so the buttons shown are the steps they may take.
"""

from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy as _

from community.models import Resource, ResourceState, ReviewStatus
from community.selectors import runs_community
from community.selectors_review import (
    panel_history,
    panel_reviews,
    qualifying_reviews,
    review_threshold,
)
from community.services_moderation import ensure_can_hide, ensure_can_report, ensure_can_restore
from community.services_review import (
    REVIEWS_TO_PUBLISH,
    GuardError,
    allowed_transitions,
    ensure_can_answer,
    ensure_can_assign,
    ensure_can_volunteer,
)

register = template.Library()

# DSFR badge modifier of each state.
STATE_BADGES = {
    ResourceState.DRAFT: "",
    ResourceState.SUBMITTED: "fr-badge--info",
    ResourceState.IN_REVIEW: "fr-badge--new",
    ResourceState.CHANGES_REQUESTED: "fr-badge--warning",
    ResourceState.REVISED: "fr-badge--info",
    ResourceState.PUBLISHED: "fr-badge--success",
    ResourceState.PROMOTED_ACADEMY: "fr-badge--success",
    ResourceState.PROMOTED_NATIONAL: "fr-badge--success",
    ResourceState.WITHDRAWN: "fr-badge--error",
}

# What each transition's button says, and whether it is the step the page leads to.
TRANSITION_BUTTONS = {
    "submit": (_("Submit for review"), True),
    "request_changes": (_("Request changes"), False),
    "revise": (_("Mark as revised"), True),
    "publish": (_("Publish"), True),
    "promote_academy": (_("Promote in the académie"), True),
    "promote_national": (_("Promote nationally"), True),
    "withdraw": (_("Withdraw"), False),
}


def _allowed(guard, *args) -> bool:
    try:
        guard(*args)
    except GuardError:
        return False
    return True


@register.simple_tag(takes_context=True)
def review_panel(context, resource: Resource) -> dict:
    """What the review panel shows this viewer about ``resource``, and what they may do."""
    request = context.get("request")
    user = request.user if request is not None else None
    signed_in = user is not None and user.is_authenticated
    runs = signed_in and runs_community(user, resource.community)
    panel = {
        "resource": resource,
        "badge": STATE_BADGES.get(resource.state, ""),
        "signed_in": signed_in,
        "runs": runs,
        "next": request.get_full_path() if request is not None else "",
        "needed": REVIEWS_TO_PUBLISH,
        "threshold": review_threshold(),
    }
    if not signed_in:
        return panel
    reviews = list(panel_reviews(resource))
    submitted = [r for r in reviews if r.status == ReviewStatus.SUBMITTED]
    # Whether one may answer depends on the person and the resource, not on which submitted
    # review: asked once, not once per review.
    may_answer = bool(submitted) and _allowed(ensure_can_answer, user, submitted[0])
    for review in reviews:
        review.is_current = review.revision_id == resource.current_revision_id
        review.can_answer = may_answer and review.status == ReviewStatus.SUBMITTED
    panel.update(
        transitions=[
            {
                "name": name,
                "label": TRANSITION_BUTTONS[name][0],
                "primary": TRANSITION_BUTTONS[name][1],
            }
            for name in allowed_transitions(user, resource)
        ],
        can_volunteer=_allowed(ensure_can_volunteer, user, resource),
        can_assign=_allowed(ensure_can_assign, user, resource),
        can_hide=_allowed(ensure_can_hide, user, resource),
        can_restore=_allowed(ensure_can_restore, user, resource),
        can_report=_allowed(ensure_can_report, user, resource),
        my_review=next(
            (
                r
                for r in reviews
                if r.reviewer_id == user.pk and r.status == ReviewStatus.ASSIGNED and r.is_current
            ),
            None,
        ),
        # Declined reviews concern the animateurs and the reviewer who declined.
        reviews=[
            r
            for r in reviews
            if r.status != ReviewStatus.DECLINED or runs or r.reviewer_id == user.pk
        ],
        qualifying=len(qualifying_reviews(resource)),
        history=list(panel_history(resource)),
    )
    return panel


# How the audit log names each moderation act (community.services_moderation's actions).
AUDIT_ACTIONS = {
    "report_created": _("reported"),
    "report_resolved": _("resolved a report on"),
    "report_dismissed": _("dismissed a report on"),
    "resource_hidden": _("hid the resource"),
    "resource_restored": _("restored the resource"),
    "message_hidden": _("hid the message"),
    "message_restored": _("restored the message"),
}


@register.filter
def audit_action(action: str) -> str:
    """The audit log's wording of an action (the code itself when unknown)."""
    return AUDIT_ACTIONS.get(action, action)
