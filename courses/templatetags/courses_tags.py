"""Template tags of the learning pages: the visitor's enrolment and progress in a module."""

from __future__ import annotations

from django import template

from courses import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def learner_state(context, page):
    """The visitor's LearnerModuleState for the module of ``page`` (a module or a step).

    ``{% learner_state page as state %}``: at most two queries (the enrolment, its progress);
    on a step page, the enrolment that ``StepPage.serve`` already read is reused (one query).
    """
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return selectors.learner_module_state_for_enrolment(None, page)
    if hasattr(request, "courses_enrolment"):
        enrolment = request.courses_enrolment
        if enrolment is None:
            # serve() found no enrolment it records for; a pending or withdrawn one still
            # shows on the page, so read it (still two queries at most).
            return selectors.learner_module_state(user, page)
        return selectors.learner_module_state_for_enrolment(enrolment, page)
    return selectors.learner_module_state(user, page)


@register.simple_tag
def step_neighbours(page, state):
    """``{% step_neighbours page state as neighbours %}``: the previous and next steps.

    Read from the learner's state when it holds the module's steps (no query), else from
    the page (one query: a visitor, or a step being previewed).
    """
    if state is not None and state.position:
        return state.previous_step, state.following_step
    return page.neighbours()


@register.filter
def get_item(mapping, key):
    """``mapping|get_item:key``: a dict's value for a key (None when absent or no mapping)."""
    if not mapping:
        return None
    return mapping.get(key)
