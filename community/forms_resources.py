"""Forms of the resources' pages: creating, describing, editing, filtering, remixing.

The content itself (a scenario's phases…) has its forms in :mod:`community.content`, built
from the description of each resource type. Forms check their own fields; who may do what is
the services' business, whose refusals the views put back on the form.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm
from taggit.forms import TagField

from campus.models import CompetenceItem, Discipline
from campus.widgets import QuickSelect
from community import facets
from community.models import Community, Licence, ResourceKind, ResourceState
from community.services_resources import ATTACHMENT_EXTENSIONS, attachment_file_error

LICENCE_HELP = _(
    "Creative Commons BY-SA (the default) lets everyone reuse and adapt the resource, "
    "crediting you and sharing their version alike; BY asks only for credit; BY-NC-SA "
    "forbids commercial use; « all rights reserved » forbids remixes."
)
RIGHTS_LABEL = _(
    "I confirm that the authors hold the rights to everything in this resource (texts, "
    "images, files) and publish it under the chosen licence."
)


def _blank(choices) -> list:
    return [("", _("All")), *choices]


class CompetenceChoiceField(forms.ModelMultipleChoiceField):
    """Competence items, named by their code and title."""

    def label_from_instance(self, obj: CompetenceItem) -> str:
        return f"{obj.code} — {obj.title}"


class LevelsField(forms.MultipleChoiceField):
    """School levels grouped by stage; pages draw them with one fieldset per stage
    (templates/community/resources/includes/levels_field.html)."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        super().__init__(choices=facets.level_choices, **kwargs)


class ResourceDescriptionForm(DsfrBaseForm):
    """What describes a resource besides its content: title, summary, licence, facets."""

    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("Summary of the resource"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Two or three sentences shown in lists and search results."),
    )
    licence = forms.ChoiceField(
        label=_("Licence"),
        choices=Licence.choices,
        initial=Licence.CC_BY_SA,
        widget=forms.RadioSelect,
        help_text=LICENCE_HELP,
    )
    disciplines = forms.ModelMultipleChoiceField(
        label=_("Disciplines"),
        required=False,
        queryset=Discipline.objects.all(),
        widget=forms.CheckboxSelectMultiple(attrs={"data-fr-inline": "1"}),
    )
    levels = LevelsField(label=_("Levels and cycles"), required=False)
    competences = CompetenceChoiceField(
        label=_("Competences"),
        required=False,
        queryset=CompetenceItem.objects.all(),
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Hold Ctrl (or Cmd) to choose several."),
    )
    tags = TagField(
        label=_("Keywords"),
        required=False,
        help_text=_("Separated by commas, for example: oral, cooperation, escape game."),
    )
    rights_confirmed = forms.BooleanField(label=RIGHTS_LABEL, required=False)

    def __init__(self, *args, licence_frozen: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if licence_frozen:
            # A published resource's licence is granted for good (see the services).
            self.fields["licence"].disabled = True
            self.fields["licence"].help_text = _(
                "The resource has been published under this licence: it can no longer change."
            )

    def service_kwargs(self) -> dict[str, Any]:
        """The cleaned description, as the resource services take it."""
        data = self.cleaned_data
        return {
            "summary": data["summary"],
            "licence": data["licence"],
            "disciplines": data["disciplines"],
            "levels": data["levels"],
            "competences": data["competences"],
            "tags": data["tags"],
            "rights_confirmed": data["rights_confirmed"],
        }


class ResourceCreateForm(ResourceDescriptionForm):
    """A new resource: its community and type first, then its description."""

    community = forms.ModelChoiceField(
        label=_("Community"),
        queryset=Community.objects.none(),
        empty_label=None,
        to_field_name="slug",
        help_text=_("The resource is shared with this community's members while in draft."),
    )
    kind = forms.ChoiceField(
        label=_("Type of resource"),
        choices=ResourceKind.choices,
        initial=ResourceKind.SCENARIO,
        widget=forms.RadioSelect,
    )
    field_order = ["community", "kind", "title"]

    def __init__(self, *args, communities=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities


class ResourceEditForm(ResourceDescriptionForm):
    """The description part of the edit page, with the revision it started from."""

    base_revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    message = forms.CharField(
        label=_("What did you change?"),
        required=False,
        max_length=200,
        help_text=_("A short note for the history of versions, for example: phase 2 shortened."),
    )


class ResourceFilterForm(DsfrBaseForm):
    """The list's search and facets, sent as GET parameters so a search has its own URL."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    kind = forms.ChoiceField(
        label=_("Type"), required=False, choices=_blank(ResourceKind.choices), widget=QuickSelect
    )
    discipline = forms.ModelChoiceField(
        label=_("Discipline"),
        queryset=Discipline.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("All"),
        widget=QuickSelect,
    )
    cycle = forms.ChoiceField(
        label=_("Cycle"),
        required=False,
        choices=lambda: _blank(facets.stage_choices()),
        widget=QuickSelect,
    )
    level = forms.ChoiceField(
        label=_("Level"),
        required=False,
        choices=lambda: _blank(facets.grade_choices()),
        widget=QuickSelect,
    )
    competence = forms.CharField(
        label=_("Competence"),
        required=False,
        max_length=20,
        help_text=_("A code, for example A.1 or A.1-3."),
    )
    licence = forms.ChoiceField(
        label=_("Licence"), required=False, choices=_blank(Licence.choices), widget=QuickSelect
    )
    # Set by the links of a resource's keywords and a community's page; kept when filtering.
    tag = forms.SlugField(label=_("Keyword"), required=False, widget=forms.HiddenInput)
    community = forms.ModelChoiceField(
        label=_("Community"),
        queryset=Community.objects.none(),
        to_field_name="slug",
        required=False,
        widget=forms.HiddenInput,
    )
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=_blank(ResourceState.choices),
        widget=QuickSelect,
    )

    def __init__(self, *args, communities=None, **kwargs):
        super().__init__(*args, **kwargs)
        if communities is not None:
            self.fields["community"].queryset = communities

    def filters(self) -> dict[str, Any]:
        """The valid filters, ready for ``resources_filtered`` (an invalid one is left out)."""
        if not self.is_bound:
            return {}
        self.is_valid()  # Fills cleaned_data with the fields that are valid.
        return {key: value for key, value in self.cleaned_data.items() if value}


class CoauthorForm(DsfrBaseForm):
    """Choose a member of the community to co-author the resource."""

    user = forms.ModelChoiceField(label=_("Member"), queryset=None, empty_label=None)

    def __init__(self, *args, candidates=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = candidates
        self.fields["user"].label_from_instance = lambda u: (
            f"{u.get_full_name() or u.get_short_name()}"
        )


class AttachmentForm(DsfrBaseForm):
    """A file to attach, with an optional title."""

    file = forms.FileField(
        label=_("File"),
        help_text=_("Accepted types: %(types)s.") % {"types": ", ".join(ATTACHMENT_EXTENSIONS)},
    )
    title = forms.CharField(
        label=_("Title"),
        required=False,
        max_length=200,
        help_text=_("What the file is; its name is used if left empty."),
    )

    def clean_file(self):
        file = self.cleaned_data["file"]
        if error := attachment_file_error(file):
            raise forms.ValidationError(error)
        return file


class RemixForm(DsfrBaseForm):
    """Where to remix a resource, and under which licence when its licence lets one choose."""

    community = forms.ModelChoiceField(
        label=_("Into the community"), queryset=None, empty_label=None, to_field_name="slug"
    )
    licence = forms.ChoiceField(label=_("Licence of the remix"), widget=forms.RadioSelect)

    def __init__(self, *args, communities=None, licences=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities
        self.fields["licence"].choices = [(code, Licence(code).label) for code in licences]
        if licences:
            self.fields["licence"].initial = licences[0]
        if len(licences) <= 1:
            # A ShareAlike licence is imposed: nothing to choose (the service applies it).
            self.fields["licence"].widget = forms.HiddenInput()
            self.fields["licence"].required = False


class CompareForm(forms.Form):
    """Two revision numbers to compare, and how (GET)."""

    de = forms.IntegerField(min_value=1)
    a = forms.IntegerField(min_value=1)
    vue = forms.ChoiceField(
        choices=[("cote-a-cote", _("Side by side")), ("unifiee", _("Unified"))],
        required=False,
    )
