"""Template filters of the record pages."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.template.defaultfilters import floatformat

register = template.Library()


@register.filter
def hours(minutes: int | None) -> str:
    """Minutes as hours, to the tenth at most, localised (90 → « 1,5 » in French)."""
    return floatformat((Decimal(minutes or 0) / 60), "-1")
