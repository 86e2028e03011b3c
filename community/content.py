"""The structured content of each type of resource: its fields, how they are cleaned and edited.

A revision's ``content`` is a JSON object whose keys are described here, per resource type:

- a pedagogical scenario: duration, objectives, prerequisites, ordered phases (each with a
  title, a duration, the teacher's and the students' activity and the tools used), materials,
  assessment, differentiation and accessibility notes;
- a sequence: objectives and an ordered list of sessions;
- a tool review: the tool, its address, its uses, strengths and limits, data protection notes;
- a free-form resource: a body (its files are the resource's attachments).

(Disciplines and levels are facets of the resource itself, not revisioned content.)

Three kinds of values: short plain text (escaped when shown), "rich" text — what the author
typed, plain paragraphs or the simple HTML of :mod:`campus.sanitize`, stored sanitised — and
whole minutes. :func:`clean_content` is the only way content is written (the services call it
whatever the caller), so a revision never holds anything the sanitiser would not keep.

The editing forms are generated from the same description (:class:`ContentEditor`), as are the
text a revision is compared by (:func:`content_lines`) and the text search indexes
(:func:`content_text`).
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.functional import Promise
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from campus.sanitize import sanitize_html
from community.models import ResourceKind

TEXT = "text"  # A short line of plain text.
RICH = "rich"  # Paragraphs; simple HTML allowed, sanitised.
MINUTES = "minutes"  # A whole number of minutes.
URL = "url"  # An http(s) address.

RICH_MAX_CHARS = 20_000
MAX_MINUTES = 10_000
RICH_HELP = _(
    "Separate paragraphs with a blank line. Simple HTML is kept: bold, italics, lists, "
    "links, quotes and code."
)


@dataclass(frozen=True)
class ContentField:
    """One value of a resource's content."""

    name: str
    label: str | Promise
    type: str = RICH
    max_length: int = 200
    help_text: str | Promise = ""


@dataclass(frozen=True)
class ItemList:
    """An ordered list of items (a scenario's phases, a sequence's sessions)."""

    name: str
    label: str | Promise
    item_label: str | Promise  # With %(number)s.
    add_label: str | Promise
    fields: tuple[ContentField, ...]
    max_items: int = 30

    @property
    def title_field(self) -> str:
        return self.fields[0].name


Section = ContentField | ItemList

SPECS: dict[str, tuple[Section, ...]] = {
    ResourceKind.SCENARIO: (
        ContentField(
            "duration",
            _("Duration"),
            TEXT,
            max_length=100,
            help_text=_("For example: two sessions of 55 minutes."),
        ),
        ContentField("objectives", _("Objectives")),
        ContentField("prerequisites", _("Prerequisites")),
        ItemList(
            "phases",
            _("Phases"),
            _("Phase %(number)s"),
            _("Add a phase"),
            (
                ContentField("title", _("Title of the phase"), TEXT, max_length=200),
                ContentField("duration", _("Duration (minutes)"), MINUTES),
                ContentField("teacher_activity", _("What the teacher does")),
                ContentField("student_activity", _("What the students do")),
                ContentField(
                    "tools",
                    _("Tools"),
                    TEXT,
                    max_length=300,
                    help_text=_("Software, devices or documents used in this phase."),
                ),
            ),
        ),
        ContentField("materials", _("Materials")),
        ContentField("assessment", _("Assessment")),
        ContentField("differentiation", _("Differentiation and accessibility")),
    ),
    ResourceKind.SEQUENCE: (
        ContentField("objectives", _("Objectives")),
        ItemList(
            "sessions",
            _("Sessions"),
            _("Session %(number)s"),
            _("Add a session"),
            (
                ContentField("title", _("Title of the session"), TEXT, max_length=200),
                ContentField("duration", _("Duration (minutes)"), MINUTES),
                ContentField("description", _("Description")),
            ),
        ),
    ),
    ResourceKind.TOOL_REVIEW: (
        ContentField("tool", _("Tool"), TEXT, max_length=120),
        ContentField("url", _("Address of the tool"), URL, max_length=500),
        ContentField("uses", _("Uses in class")),
        ContentField("strengths", _("Strengths")),
        ContentField("limits", _("Limits")),
        ContentField(
            "data_notes",
            _("Personal data and GDPR"),
            help_text=_("What the tool collects, where it is hosted, what the DPO said."),
        ),
    ),
    ResourceKind.FREE: (ContentField("body", _("Content")),),
}


def spec_for(kind: str) -> tuple[Section, ...]:
    """The sections of a resource type (ValueError for an unknown type)."""
    try:
        return SPECS[kind]
    except KeyError:
        raise ValueError(f"unknown resource type {kind!r}") from None


# --- Cleaning --------------------------------------------------------------------------------

_url = URLValidator(schemes=["http", "https"])


def _clean_value(field: ContentField, value: Any) -> Any:
    """One value made safe to store; ValidationError when it cannot be."""
    if field.type == MINUTES:
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            raise ValidationError(_("Give a whole number of minutes."))
        try:
            minutes = int(value)
        except (TypeError, ValueError):
            raise ValidationError(_("Give a whole number of minutes.")) from None
        if not 0 <= minutes <= MAX_MINUTES:
            raise ValidationError(_("Give a whole number of minutes."))
        return minutes
    text = "" if value is None else str(value)
    if field.type == RICH:
        return sanitize_html(text.strip()[:RICH_MAX_CHARS].replace("\r\n", "\n"))
    # Plain text: one line, no control characters.
    text = " ".join(text.split())[: field.max_length]
    if field.type == URL and text:
        _url(text)
    return text


def _has_value(value: Any) -> bool:
    return value not in (None, "")


def clean_content(kind: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """The content of a ``kind`` resource from ``data``: known keys only, every value cleaned.

    Rich values are sanitised, plain ones made single lines, lists keep their order without
    their empty items and at most ``max_items`` items. Raises ``ValidationError`` for a value
    that cannot be stored (a bad address, minutes that are not a number).
    """
    content: dict[str, Any] = {}
    for section in spec_for(kind):
        if isinstance(section, ItemList):
            items = []
            for raw in list(data.get(section.name) or [])[: section.max_items]:
                if not isinstance(raw, Mapping):
                    continue
                item = {f.name: _clean_value(f, raw.get(f.name)) for f in section.fields}
                if any(_has_value(v) for v in item.values()):
                    items.append(item)
            content[section.name] = items
        else:
            content[section.name] = _clean_value(section, data.get(section.name))
    return content


def empty_content(kind: str) -> dict[str, Any]:
    """The content of a new resource of this type, every value empty."""
    return clean_content(kind, {})


# --- Reading ---------------------------------------------------------------------------------

_BLOCK_TAG = re.compile(r"<(p|ul|ol|blockquote|pre)[\s>]", re.IGNORECASE)


def has_blocks(value: str) -> bool:
    """Whether rich text was written as HTML paragraphs or lists (else: plain paragraphs)."""
    return bool(_BLOCK_TAG.search(value))


def editable_text(value: str) -> str:
    """A stored rich value as the author typed it (the sanitiser escaped ``<`` and ``&``)."""
    return html.unescape(value)


def _plain(field: ContentField, value: Any) -> str:
    if value in (None, ""):
        return ""
    if field.type == RICH:
        return html.unescape(strip_tags(value))
    return str(value)


def content_text(kind: str, content: Mapping[str, Any]) -> str:
    """The words of the content, without markup: what full-text search indexes."""
    parts: list[str] = []
    for section in spec_for(kind):
        if isinstance(section, ItemList):
            for item in content.get(section.name) or []:
                parts.extend(_plain(f, item.get(f.name)) for f in section.fields)
        else:
            parts.append(_plain(section, content.get(section.name)))
    return "\n".join(part for part in parts if part)


def content_lines(kind: str, title: str, content: Mapping[str, Any]) -> list[str]:
    """The revision as lines of text, one heading per field: what a diff compares.

    Rich values appear as their author typed them (the editor's text), so the diff shows the
    very lines the authors wrote; empty fields are left out.
    """
    lines = [f"# {title}"]

    def add(heading: str, field: ContentField, value: Any) -> None:
        if value in (None, ""):
            return
        text = editable_text(value) if field.type == RICH else str(value)
        lines.append(f"{heading} {field.label}")
        lines.extend(text.splitlines() or [""])

    for section in spec_for(kind):
        if isinstance(section, ItemList):
            for number, item in enumerate(content.get(section.name) or [], start=1):
                lines.append(f"## {section.item_label % {'number': number}}")
                for field in section.fields:
                    add("###", field, item.get(field.name))
        else:
            add("##", section, content.get(section.name))
    return lines


def content_sections(kind: str, content: Mapping[str, Any]) -> list[dict[str, Any]]:
    """What a page shows, in order: ``{"field"|"list": spec, "value"|"items": …}``, non-empty."""
    shown: list[dict[str, Any]] = []
    for section in spec_for(kind):
        if isinstance(section, ItemList):
            items = [
                {
                    "number": number,
                    "label": section.item_label % {"number": number},
                    "values": [
                        {"field": f, "value": item.get(f.name)}
                        for f in section.fields
                        if _has_value(item.get(f.name))
                    ],
                    "item": item,
                }
                for number, item in enumerate(content.get(section.name) or [], start=1)
            ]
            if items:
                shown.append({"list": section, "items": items})
        elif _has_value(content.get(section.name)):
            shown.append({"field": section, "value": content.get(section.name)})
    return shown


# --- Editing ---------------------------------------------------------------------------------


def _form_field(field: ContentField) -> forms.Field:
    common = {"label": field.label, "required": False, "help_text": field.help_text}
    if field.type == MINUTES:
        return forms.IntegerField(min_value=0, max_value=MAX_MINUTES, **common)
    if field.type == URL:
        return forms.URLField(max_length=field.max_length, assume_scheme="https", **common)
    if field.type == TEXT:
        return forms.CharField(max_length=field.max_length, **common)
    common["help_text"] = field.help_text or RICH_HELP
    return forms.CharField(
        max_length=RICH_MAX_CHARS, widget=forms.Textarea(attrs={"rows": 5}), **common
    )


def _initial(fields: tuple[ContentField, ...], values: Mapping[str, Any]) -> dict[str, Any]:
    return {
        f.name: editable_text(values.get(f.name) or "") if f.type == RICH else values.get(f.name)
        for f in fields
    }


class ItemForm(DsfrBaseForm):
    """One item of a list; its fields are those of the list's description."""

    def __init__(self, *args, item_fields: tuple[ContentField, ...] = (), **kwargs):
        super().__init__(*args, **kwargs)
        for field in item_fields:
            self.fields[field.name] = _form_field(field)


class ItemFormSet(forms.BaseFormSet):
    """The items of a list: reordered by their "Order" numbers, removed by "Delete" boxes."""

    def __init__(self, *args, item_list: ItemList, **kwargs):
        self.item_list = item_list
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "item_fields": self.item_list.fields}

    def items(self) -> list[dict[str, Any]]:
        """The kept items in their new order (call after ``is_valid()``)."""
        # Django's ordered_forms leaves out deleted and untouched extra forms, and puts the
        # items without an order number after the numbered ones, in their place.
        kept = self.ordered_forms
        return [
            {f.name: form.cleaned_data.get(f.name) for f in self.item_list.fields} for form in kept
        ]


class ContentEditor:
    """The form of a resource type's content: its fields, plus one formset per list.

    Bound to POST data it validates and returns :meth:`content`; unbound it shows ``content``
    (a revision's) with ``extra`` empty items at the end of each list, to write new ones.
    """

    prefix = "content"

    def __init__(
        self,
        kind: str,
        *,
        data=None,
        content: Mapping[str, Any] | None = None,
        extra: int = 1,
    ):
        self.kind = kind
        self.sections = spec_for(kind)
        content = content or {}
        fields = tuple(s for s in self.sections if isinstance(s, ContentField))
        self.form = DsfrBaseForm(data, prefix=self.prefix, initial=_initial(fields, content))
        for field in fields:
            self.form.fields[field.name] = _form_field(field)
        self.formsets: dict[str, ItemFormSet] = {}
        for section in self.sections:
            if not isinstance(section, ItemList):
                continue
            formset_class = forms.formset_factory(
                ItemForm,
                formset=ItemFormSet,
                extra=extra,
                can_order=True,
                can_delete=True,
                max_num=section.max_items,
                validate_max=True,
            )
            initial = [_initial(section.fields, item) for item in content.get(section.name) or []]
            self.formsets[section.name] = formset_class(
                data, prefix=section.name, initial=initial, item_list=section
            )

    def blocks(self) -> list[dict[str, Any]]:
        """In page order: ``{"field": bound field}`` or ``{"list", "formset", "items"}``.

        ``items`` pairs each form of the formset with its label ("Phase 2").
        """
        shown: list[dict[str, Any]] = []
        for section in self.sections:
            if isinstance(section, ItemList):
                formset = self.formsets[section.name]
                items = [
                    (form, section.item_label % {"number": number})
                    for number, form in enumerate(formset, start=1)
                ]
                shown.append({"list": section, "formset": formset, "items": items})
            else:
                shown.append({"field": self.form[section.name]})
        return shown

    def is_valid(self) -> bool:
        valid = self.form.is_valid()
        return all([valid, *(formset.is_valid() for formset in self.formsets.values())])

    def content(self) -> dict[str, Any]:
        """The cleaned content (after :meth:`is_valid`), as :func:`clean_content` returns it."""
        data = dict(self.form.cleaned_data)
        for name, formset in self.formsets.items():
            data[name] = formset.items()
        return clean_content(self.kind, data)


def add_item(data, list_name: str) -> Any:
    """A copy of POST ``data`` with one more empty item in the list ``list_name``.

    The "Add" button of a list submits the form without saving it: the page comes back with
    what was typed and a new empty item, so lists grow without JavaScript.
    """
    data = data.copy()
    key = f"{list_name}-TOTAL_FORMS"
    try:
        data[key] = str(int(data.get(key, 0)) + 1)
    except ValueError:
        data[key] = "1"
    return data
