"""Template tags of the cohort partials (the open cohorts of a module page)."""

from __future__ import annotations

from django import template

from courses.selectors_cohorts import (
    learner_cohort_enrolment,
    may_run_cohorts,
    open_cohorts_for_module,
)

register = template.Library()


@register.simple_tag(takes_context=True)
def open_cohorts(context, module) -> dict:
    """The module's open cohorts and the visitor's enrolment in it: four queries at most.

    Returns ``cohorts`` (see :func:`~courses.selectors_cohorts.open_cohorts_for_module`),
    ``enrolment`` (the visitor's, any status, or None) and ``is_trainer``.
    """
    user = context["request"].user
    return {
        "cohorts": open_cohorts_for_module(module),
        "enrolment": learner_cohort_enrolment(user, module),
        "is_trainer": may_run_cohorts(user),
    }
