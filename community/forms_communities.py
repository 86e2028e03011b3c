"""Forms of the communities' pages: a community's settings, the directory's filters, invitations.

Forms parse and check their own fields; the rules that need the database (who may do what,
who is already in) are the services', whose errors the views put back on the form.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from campus.models import Academy, Degree, Discipline
from community.models import Community, CommunityKind, MemberRole
from community.services_communities import COMMUNITY_FIELDS


class CommunityForm(forms.ModelForm, DsfrBaseForm):
    """A community's name, description, kind, access and what it is about."""

    class Meta:
        model = Community
        fields = list(COMMUNITY_FIELDS)
        widgets = {"description": forms.Textarea(attrs={"rows": 6})}
        help_texts = {
            "description": _(
                "What the community is for and who it welcomes. Plain text; simple HTML "
                "(paragraphs, emphasis, lists, links) is kept."
            ),
            "access": _(
                "Open to all: anyone joins at once. On request: an animateur approves each "
                "request. By invitation only: the community is hidden from others."
            ),
        }

    def _post_clean(self):
        # The service sanitises and saves; the model's own validation has nothing to add.
        pass


class CommunityFilterForm(DsfrBaseForm):
    """The directory's filters (GET): kind, discipline, degree, académie, and a text."""

    text = forms.CharField(label=_("Search"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All")), *CommunityKind.choices]
    )
    discipline = forms.ModelChoiceField(
        label=_("Discipline"),
        required=False,
        queryset=Discipline.objects.all(),
        empty_label=_("All"),
        to_field_name="slug",
    )
    degree = forms.ChoiceField(
        label=_("Degree"), required=False, choices=[("", _("All")), *Degree.choices]
    )
    academy = forms.ModelChoiceField(
        label=_("Académie"),
        required=False,
        queryset=Academy.objects.all(),
        empty_label=_("All"),
        to_field_name="slug",
    )


class InviteForm(DsfrBaseForm):
    """Invite someone who has a Campus account, by their email address."""

    email = forms.EmailField(
        label=_("Email address of the person to invite"),
        help_text=_("They must already have a Campus account; they will be notified."),
    )


class RoleForm(forms.Form):
    """A member's new role (one small form per row of the members' table)."""

    role = forms.ChoiceField(label=_("Role"), choices=MemberRole.choices)
