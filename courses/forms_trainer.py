"""Forms of the trainer's space."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from courses.models import Announcement


class AnnouncementForm(forms.ModelForm, DsfrBaseForm):
    """An announcement to a whole cohort: a subject and a plain-text message."""

    body = forms.CharField(
        label=_("message"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Plain text, 5,000 characters at most. It is emailed to every learner in "
            "progress in the cohort."
        ),
    )

    class Meta:
        model = Announcement
        fields = ["subject", "body"]
