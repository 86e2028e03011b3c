"""QuickSelect renders exactly what Django's Select renders, without a template per option."""

from __future__ import annotations

import pytest
from django import forms
from django.test.html import parse_html

from campus.widgets import QuickSelect

CHOICES = [
    ("", "Tous"),
    ("A.1 Maîtrise de l'environnement", [("A.1", "A.1 — tous les items"), ("A.1-1", "A.1-1")]),
    ("second", "2nd degré <b>"),
]


@pytest.mark.parametrize("value", ["", "A.1-1", "second", None, "inconnu"])
def test_widgets_quick_select_matches_django_select(value):
    """Same elements, attributes, groups, escaping and selection as forms.Select."""
    attrs = {"class": "fr-select", "id": "id_competence", "required": True}

    expected = forms.Select(choices=CHOICES).render("competence", value, attrs=attrs)
    rendered = QuickSelect(choices=CHOICES).render("competence", value, attrs=attrs)

    assert parse_html(rendered) == parse_html(expected)
    assert "<b>" not in rendered  # Labels are escaped.
