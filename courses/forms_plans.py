"""Forms of the training plans: a plan's settings and target, the reminder's confirmation.

The form parses and checks its own fields (dates, UAI syntax, which fields the chosen target
needs); what needs the database (establishments of the académie, the imported list's
teachers) is the services', whose errors the views put back on the form.
"""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from campus.models import Academy, Degree, Discipline, Establishment
from campus.validators import validate_uai
from courses import csv_import
from courses.models import ModulePage
from courses.models_plans import TargetKind, TrainingPlan
from courses.selectors_plans import department_label

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ModuleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: ModulePage) -> str:
        return obj.title


def department_choices(academy: Academy) -> list[tuple[str, str]]:
    """The departments of the académie's establishments (by their UAI codes), one query."""
    uais = Establishment.objects.filter(academy=academy).values_list("uai", flat=True)
    codes = sorted({uai[:3] for uai in uais.iterator(chunk_size=5000)})
    return [(code, department_label(code)) for code in codes]


class PlanForm(DsfrBaseForm):
    """A training plan: title, disciplines and degree, target population, modules, deadline."""

    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    disciplines = forms.ModelMultipleChoiceField(
        label=_("Disciplines"),
        queryset=Discipline.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Required for a plan by discipline; otherwise they narrow the target."),
    )
    degree = forms.ChoiceField(
        label=_("Degree"),
        choices=[("", _("Both degrees")), *Degree.choices],
        required=False,
    )
    target_kind = forms.ChoiceField(
        label=_("Target population"), choices=TargetKind.choices, widget=forms.RadioSelect
    )
    target_uais = forms.CharField(
        label=_("UAI codes of the establishments"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For a plan by establishment: UAI codes separated by spaces, commas or lines."),
    )
    target_departments = forms.MultipleChoiceField(
        label=_("Departments"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("For a plan by department."),
    )
    imported_file = forms.FileField(
        label=_("Imported list (CSV)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
        help_text=_(
            "For an imported list: one teacher's email address or one establishment's UAI code "
            "per line. The whole list is refused if a line is wrong. At most 2 MB."
        ),
    )
    modules = ModuleChoiceField(
        label=_("Required modules"),
        queryset=ModulePage.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    deadline = forms.DateField(label=_("Deadline"), widget=DATE_INPUT)

    def __init__(self, *args, academy: Academy, instance: TrainingPlan | None = None, **kwargs):
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "title": instance.title,
                "description": instance.description,
                "disciplines": list(instance.disciplines.all()),
                "degree": instance.degree,
                "target_kind": instance.target_kind,
                "target_uais": " ".join(instance.target_uais),
                "target_departments": instance.target_departments,
                "modules": list(instance.modules.all()),
                "deadline": instance.deadline,
            }
        super().__init__(*args, **kwargs)
        self.fields["modules"].queryset = ModulePage.objects.live().order_by("title")
        self.fields["target_departments"].choices = department_choices(academy)
        self.fields["deadline"].input_formats = ["%Y-%m-%d", "%d/%m/%Y"]

    def clean_target_uais(self) -> list[str]:
        codes = [c for c in re.split(r"[\s,;]+", self.cleaned_data["target_uais"].upper()) if c]
        errors = []
        for code in codes:
            try:
                validate_uai(code)
            except ValidationError as error:
                errors.append(f"{code} : {error.messages[0]}")
        if errors:
            raise ValidationError(errors)
        return list(dict.fromkeys(codes))

    def clean_imported_file(self):
        file = self.cleaned_data["imported_file"]
        if file and file.size > csv_import.MAX_BYTES:
            raise ValidationError(_("The file is larger than 2 MB: split it into several files."))
        return file

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        unchanged = self.instance is not None and self.instance.deadline == deadline
        if deadline < timezone.localdate() and not unchanged:
            raise ValidationError(_("The deadline cannot be in the past."))
        return deadline

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("target_kind")
        if kind == TargetKind.DISCIPLINE and not cleaned.get("disciplines"):
            self.add_error("disciplines", _("A plan by discipline needs at least one discipline."))
        if kind == TargetKind.ESTABLISHMENTS and not cleaned.get("target_uais"):
            if "target_uais" not in self.errors:
                self.add_error("target_uais", _("Give at least one UAI code."))
        if kind == TargetKind.DEPARTMENTS and not cleaned.get("target_departments"):
            self.add_error("target_departments", _("Choose at least one department."))
        has_list = self.instance is not None and (
            self.instance.imported_emails or self.instance.imported_uais
        )
        if kind == TargetKind.IMPORTED and not cleaned.get("imported_file") and not has_list:
            if "imported_file" not in self.errors:
                self.add_error(
                    "imported_file", _("Import a list of teachers' emails or UAI codes.")
                )
        return cleaned


class ReminderConfirmForm(DsfrBaseForm):
    """The confirmation of a reminder: nothing to fill, a POST with its CSRF token."""
