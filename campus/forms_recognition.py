"""Forms of the record pages: the timeline's filters, a new share link."""

from __future__ import annotations

import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from campus.models import EntryKind, RecordEntry
from campus.services_recognition import LABEL_MAX

ALL_YEARS = "toutes"
_SCHOOL_YEAR = re.compile(r"^(\d{4})-(\d{4})$")


class RecordFilterForm(DsfrBaseForm):
    """School year and kind of the entries shown (a GET form: its values are in the URL)."""

    annee = forms.CharField(label=_("School year"), required=False, widget=forms.Select)
    type = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("All kinds")), *EntryKind.choices],
    )

    def __init__(self, *args, years: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        # The years with entries are offered; any well-formed year is accepted (a bookmark
        # of a year with nothing in it shows an empty year, not an error).
        self.fields["annee"].widget.choices = [(year, year) for year in years] + [
            (ALL_YEARS, _("All years"))
        ]

    def clean_annee(self) -> str:
        value = self.cleaned_data.get("annee", "").strip()
        if value in ("", ALL_YEARS):
            return value
        match = _SCHOOL_YEAR.match(value)
        if not match or int(match[2]) != int(match[1]) + 1:
            raise forms.ValidationError(
                _("Choose a school year from the list (for example « 2025-2026 »).")
            )
        return value


class EntryChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: RecordEntry) -> str:
        day = timezone.localtime(obj.occurred_at)
        return f"{obj.title} — {obj.get_kind_display()}, {day:%d/%m/%Y}"


class ShareForm(DsfrBaseForm):
    """A new share link: a name and the entries it shows (only the user's own)."""

    label = forms.CharField(
        label=_("Name of the link"),
        max_length=LABEL_MAX,
        help_text=_("For you, to recognise the link later: « Application for the CAFFA »…"),
    )
    entries = EntryChoiceField(
        label=_("Entries to share"),
        queryset=RecordEntry.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one entry to share."),
            "invalid_choice": _("Choose entries of your own record."),
        },
    )

    def __init__(self, *args, entries, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entries"].queryset = entries
