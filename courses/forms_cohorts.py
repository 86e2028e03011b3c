"""Forms of the cohort pages: a cohort's settings, its sessions, members, CSV import, joining.

Forms only parse and check their own fields; the rules that need the database or more than
one object (capacity, who is already where, session dates within the cohort's) are the
services', whose errors the views put back on the form.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from courses import csv_import
from courses.models import Cohort, CohortSession, CompletionRule, ModulePage, StepPage
from courses.selectors_cohorts import modules_for_cohorts
from courses.services_cohorts import COHORT_FIELDS, SESSION_FIELDS

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class CohortForm(forms.ModelForm, DsfrBaseForm):
    """A cohort's settings; the module is chosen at creation only, among published modules."""

    class Meta:
        model = Cohort
        fields = ["module", *COHORT_FIELDS]
        widgets = {
            "starts_on": DATE_INPUT,
            "ends_on": DATE_INPUT,
            "enrolment_key": forms.TextInput(attrs={"autocomplete": "off"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["module"]  # A cohort's learners and progress belong to its module.
        else:
            self.fields["module"].queryset = modules_for_cohorts()

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The cohort cannot end before it starts."))
        return cleaned

    def _post_clean(self):
        # The service saves and checks the date order; the model's validation would repeat it
        # as the table constraint's bare message.
        pass


class StepChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: StepPage) -> str:
        return obj.title


class CohortSessionForm(forms.ModelForm, DsfrBaseForm):
    """An in-person session: when, where, and the "attended" step of the module it completes."""

    step = StepChoiceField(
        label=_("Step completed by attending"),
        queryset=StepPage.objects.none(),
        required=False,
        empty_label=_("None"),
        help_text=_("A step of the module whose completion rule is attendance."),
    )
    virtual_class_url = forms.URLField(
        label=_("virtual classroom address"), required=False, assume_scheme="https"
    )

    class Meta:
        model = CohortSession
        fields = list(SESSION_FIELDS)
        widgets = {"starts_at": DATETIME_INPUT, "address": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, module: ModulePage, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["step"].queryset = (
            StepPage.objects.child_of(module)
            .filter(completion_rule=CompletionRule.ATTENDED)
            .order_by("path")
        )
        self.fields["starts_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


class MemberAddForm(DsfrBaseForm):
    """Add a person who has a Campus account, by their email address."""

    email = forms.EmailField(
        label=_("Email address"),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        help_text=_("The person must already have a Campus account; otherwise import them."),
    )


class CsvImportForm(DsfrBaseForm):
    """The CSV file of learners to import."""

    file = forms.FileField(
        label=_("CSV file"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Interpolated here, not at import time, so it is translated in the visitor's language.
        self.fields["file"].help_text = _(
            "One learner per line; a first line naming the columns: email, first name, last "
            "name and, optionally, UAI (e.g. « email;prénom;nom;uai »). At most %(size)d MB "
            "and %(rows)d learners."
        ) % {"size": csv_import.MAX_BYTES // (1024 * 1024), "rows": csv_import.MAX_ROWS}

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size > csv_import.MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)d MB: split it into several files.")
                % {"size": csv_import.MAX_BYTES // (1024 * 1024)}
            )
        return file


class CohortJoinForm(DsfrBaseForm):
    """A learner's request to join a cohort, with its enrolment key when they have it."""

    key = forms.CharField(
        label=_("Enrolment key"),
        required=False,
        max_length=64,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
