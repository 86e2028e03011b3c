"""Forms of assessment: handing in an assignment, reviewing it, the attendance sheet."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from courses.models import AssignmentSubmission, AttendanceStatus, SubmissionStatus
from courses.selectors_assessment import AttendanceLine
from courses.services_assessment import (
    SUBMISSION_EXTENSIONS,
    SUBMISSION_TEXT_MAX_CHARS,
    submission_file_error,
    submission_max_bytes,
)


class AssignmentSubmissionForm(DsfrBaseForm):
    """The learner's work for one assignment block: what the block expects is required.

    A file is optional when handing in again a submission that has one: it is kept unless a
    new one replaces it.
    """

    text = forms.CharField(
        label=_("Your answer"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=SUBMISSION_TEXT_MAX_CHARS,
        required=False,
    )
    file = forms.FileField(label=_("Your file"), required=False)

    def __init__(
        self,
        *args,
        block,
        block_id: str,
        submission: AssignmentSubmission | None = None,
        **kwargs,
    ):
        self.block = block
        self.submission = submission
        # Ids unique on the page, which may hold several assignments; field names stay plain.
        kwargs.setdefault("auto_id", f"assignment-{block_id}-%s")
        super().__init__(*args, **kwargs)
        if not block["expects_text"]:
            del self.fields["text"]
        if not block["expects_file"]:
            del self.fields["file"]
            return
        megabytes = f"{submission_max_bytes() / (1024 * 1024):g}"
        hint = _("%(types)s; %(size)s MB at most.") % {
            "types": ", ".join(SUBMISSION_EXTENSIONS),
            "size": megabytes,
        }
        if submission is not None and submission.file:
            hint = _("Leave empty to keep the file already handed in. ") + hint
        self.fields["file"].help_text = hint
        self.fields["file"].widget.attrs["accept"] = ",".join(
            f".{e}" for e in SUBMISSION_EXTENSIONS
        )
        self.fields["file"].required = submission is None or not submission.file
        if "text" in self.fields:
            self.fields["text"].required = True

    def clean_file(self):
        file = self.cleaned_data.get("file")
        if file:
            refusal = submission_file_error(file)
            if refusal:
                raise forms.ValidationError(refusal)
        return file

    def clean_text(self):
        text = self.cleaned_data.get("text", "")
        if self.block["expects_text"] and not text.strip():
            raise forms.ValidationError(_("This assignment expects a text answer."))
        return text


class ReviewForm(DsfrBaseForm):
    """A trainer's decision on a submission; returning it needs feedback."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (SubmissionStatus.ACCEPTED, _("Accept the assignment")),
            (SubmissionStatus.RETURNED, _("Return it for rework")),
        ],
        widget=forms.RadioSelect,
    )
    feedback = forms.CharField(
        label=_("Feedback to the learner"),
        help_text=_("Required when you return the assignment: say what to rework."),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=10_000,
        required=False,
    )

    @property
    def accept(self) -> bool:
        """Whether the trainer accepts the work (after validation)."""
        return self.cleaned_data["decision"] == SubmissionStatus.ACCEPTED

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("decision") == SubmissionStatus.RETURNED
            and not cleaned.get("feedback", "").strip()
        ):
            self.add_error("feedback", _("Say what to rework when you return an assignment."))
        return cleaned


def mark_field_name(enrolment_pk: int) -> str:
    """The name of a learner's radio group on the attendance sheet."""
    return f"mark-{enrolment_pk}"


class AttendanceSheetForm(forms.Form):
    """One radio group per learner of the cohort (present, absent, excused).

    Rendered by hand as a table with one fieldset per row (the DSFR form snippet lays fields
    out one under the other). A learner left unmarked is not recorded.
    """

    def __init__(self, *args, lines: list[AttendanceLine], **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = lines
        for line in lines:
            user = line.enrolment.user
            self.fields[mark_field_name(line.enrolment.pk)] = forms.ChoiceField(
                label=user.get_full_name() or user.email,
                choices=AttendanceStatus.choices,
                widget=forms.RadioSelect,
                required=False,
                initial=line.status,
            )

    def clean(self):
        cleaned = super().clean()
        # A mark for somebody who is not (or no longer) a learner of the cohort: a stale
        # sheet or a forged one. Refused as a whole rather than silently dropped.
        known = set(self.fields)
        strangers = [k for k in self.data if k.startswith("mark-") and k not in known]
        if strangers:
            raise forms.ValidationError(
                _("Some learners marked are not in this cohort: reload the sheet and try again.")
            )
        return cleaned

    def rows(self):
        """(attendance line, bound field) per learner, in the sheet's order."""
        return [(line, self[mark_field_name(line.enrolment.pk)]) for line in self.lines]

    def marks(self) -> dict[int, str]:
        """Enrolment id → status for the learners marked (after validation)."""
        return {
            line.enrolment.pk: value
            for line in self.lines
            if (value := self.cleaned_data.get(mark_field_name(line.enrolment.pk)))
        }


class SubmissionFilterForm(DsfrBaseForm):
    """The status filter of a cohort's list of submissions (GET, so the list has its URL)."""

    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("All")), *SubmissionStatus.choices],
        required=False,
    )

    def status_filter(self) -> str | None:
        """The status to keep, or None for all (an invalid value shows everything)."""
        if not self.is_bound or not self.is_valid():
            return None
        return self.cleaned_data["status"] or None
