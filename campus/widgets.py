"""Form widgets shared by the apps."""

from __future__ import annotations

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe


class QuickSelect(forms.Select):
    """A ``<select>`` rendered in Python: Django's markup, without a template per option.

    Django renders every ``<option>`` through the template engine; on the catalogue's
    filters (some eighty options) that was most of the page's rendering time. The markup is
    the same as Django's (``optgroup``, ``selected``, every attribute), so the form's
    labels and DSFR classes are unchanged.
    """

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [format_html("<select{}>", flatatt({"name": widget["name"], **widget["attrs"]}))]
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(format_html('<optgroup label="{}">', group_name))
            parts.extend(
                format_html(
                    "<option{}>{}</option>",
                    flatatt({"value": option["value"], **option["attrs"]}),
                    option["label"],
                )
                for option in options
            )
            if group_name:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every piece above is escaped.
