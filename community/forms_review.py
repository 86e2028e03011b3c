"""Forms of the peer review and moderation pages.

They parse their own fields only; who may do what, and in which state, is the services'
guards' business (their errors go back on the form or into a message).
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from campus.models import User
from community.models import Review
from community.services_moderation import NOTE_MAX_LENGTH, REASON_MAX_LENGTH
from community.services_review import COMMENT_MAX_LENGTH

# What each rubric criterion asks, shown under its name.
RUBRIC_HELP = {
    "scientific_accuracy": _("Are the contents correct and up to date in the discipline?"),
    "pedagogical_value": _("Do the activities serve the stated objectives and the pupils?"),
    "feasibility": _("Can a colleague run it in class as described (time, materials, tools)?"),
    "accessibility": _(
        "Does it plan for all pupils: differentiation, disabilities, accessible documents?"
    ),
    "rights": _("Are the sources credited and the licence compatible with what is reused?"),
}
SCORES = [
    (1, _("1 — insufficient")),
    (2, _("2 — to improve")),
    (3, _("3 — satisfactory")),
    (4, _("4 — very good")),
]


def _inline_radios() -> forms.RadioSelect:
    """Radio buttons side by side (the DSFR fieldset's inline variant)."""
    widget = forms.RadioSelect()
    widget.inline = True
    return widget


class NoteForm(DsfrBaseForm):
    """An optional note that goes with a step (kept in the history or the audit log)."""

    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReviewForm(DsfrBaseForm):
    """The rubric: five criteria scored 1 to 4, and a comment for the authors."""

    comment = forms.CharField(
        label=_("Comment for the authors"),
        help_text=_("What works, what to change and why. Paragraphs and links are kept."),
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        criteria = {
            name: forms.TypedChoiceField(
                label=Review._meta.get_field(name).verbose_name.capitalize(),
                help_text=RUBRIC_HELP[name],
                choices=SCORES,
                coerce=int,
                widget=_inline_radios(),
            )
            for name in Review.RUBRIC
        }
        # The criteria first, in the rubric's order, then the comment.
        self.fields = {**criteria, "comment": self.fields["comment"]}

    @property
    def scores(self) -> dict[str, int]:
        return {name: self.cleaned_data[name] for name in Review.RUBRIC}


class DeclineForm(DsfrBaseForm):
    reason = forms.CharField(
        label=_("Why you decline (optional, shown to the animateurs)"),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AnswerForm(DsfrBaseForm):
    answer = forms.CharField(
        label=_("Your answer to the reviewer"),
        help_text=_("Say what you changed, or why you did not."),
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class ReviewerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.email


class AssignForm(DsfrBaseForm):
    """An animateur picks a reviewer among the members who may review (see the view)."""

    reviewer = ReviewerChoiceField(label=_("Reviewer"), queryset=User.objects.none())

    def __init__(self, *args, reviewers=None, **kwargs):
        super().__init__(*args, **kwargs)
        if reviewers is not None:
            self.fields["reviewer"].queryset = reviewers


class ReportForm(DsfrBaseForm):
    reason = forms.CharField(
        label=_("Why do you report this?"),
        help_text=_("Only the community's animateurs read your report."),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
