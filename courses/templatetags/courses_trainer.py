"""Template tags of the trainer's space: the menu of a cohort's pages, and the cohort
announcements that learners' pages show."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from courses import selectors_trainer

register = template.Library()

# The pages of a cohort, in the order of its menu: (key, URL name, title). A page marks its own
# entry with its key (``active``); the set-up pages are those of views_cohorts.
COHORT_PAGES = [
    ("grid", "courses:cohort_detail", _("Progress")),
    ("quiz", "courses:cohort_quiz_results", _("Quiz results")),
    ("announce", "courses:cohort_announce", _("Announce to the cohort")),
    ("members", "courses:cohort_members", _("Members")),
    ("import", "courses:cohort_import", _("Import (CSV)")),
    ("sessions", "courses:cohort_sessions", _("In-person sessions")),
    ("settings", "courses:cohort_update", _("Settings")),
]


@register.inclusion_tag("courses/includes/cohort_menu.html")
def cohort_menu(cohort, active: str = "") -> dict:
    """The menu of a cohort's pages, ``active`` (a key of :data:`COHORT_PAGES`) marked current.

    ``{% cohort_menu cohort "members" %}``: no query.
    """
    pages = [
        {"url": reverse(name, args=[cohort.pk]), "title": title, "current": key == active}
        for key, name, title in COHORT_PAGES
    ]
    return {"cohort": cohort, "pages": pages}


@register.simple_tag
def learner_cohort_announcements(modules):
    """The latest announcements of the cohorts behind a learner's "Ma formation" modules.

    ``{% learner_cohort_announcements modules as announcements %}`` with ``modules`` as
    :func:`courses.selectors.learner_modules` returns them: one query, none without a cohort.
    """
    return selectors_trainer.learner_announcements([m.enrolment for m in modules or []])
