"""Forms of the certification dossier: open one, add evidence, validate an item, issue."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from campus.models import (
    CertificationDossier,
    EvidenceKind,
    Framework,
    RecordEntry,
    User,
    ValidationStatus,
)
from campus.selectors_certification import certifiable_frameworks
from campus.services_certification import (
    COMMENT_MAX_CHARS,
    EVIDENCE_EXTENSIONS,
    LINK_KINDS,
    OBSERVATION_MAX_CHARS,
    evidence_file_error,
    evidence_max_bytes,
    evidence_url_error,
)


class RecordEntryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: RecordEntry) -> str:
        return f"{obj.title} ({obj.get_kind_display()}, {obj.occurred_at:%d/%m/%Y})"


class DossierOpenForm(DsfrBaseForm):
    """Open a dossier: a trainer names the teacher by email; a teacher opens their own."""

    email = forms.EmailField(
        label=_("Teacher's email address"),
        help_text=_("You will be one of the tutors of their dossier."),
    )
    framework = forms.ModelChoiceField(
        label=_("Certification"), queryset=Framework.objects.none(), empty_label=None
    )

    def __init__(self, *args, for_others: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not for_others:
            del self.fields["email"]
        # The frameworks a certification rule is configured for (C2i2e 2011 by default);
        # CRCN-Édu or Pix+Édu join once loaded and given a rule.
        self.fields["framework"].queryset = Framework.objects.filter(
            pk__in=[f.pk for f in certifiable_frameworks()]
        )

    def clean_email(self) -> User:
        email = self.cleaned_data["email"].strip()
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("Nobody on Campus has this email address."))
        return user


class EvidenceForm(DsfrBaseForm):
    """A piece of evidence for one item: a link (possibly from the record), an observation
    (tutors only) or a file. What each kind needs is checked here for the form's messages and
    again by the service."""

    kind = forms.ChoiceField(label=_("Kind of evidence"), widget=forms.RadioSelect)
    record_entry = RecordEntryChoiceField(
        label=_("From the teacher's record"),
        queryset=RecordEntry.objects.none(),
        required=False,
        empty_label=_("— None —"),
        help_text=_("A module completed, a resource published…: its title and link are used."),
    )
    title = forms.CharField(label=_("Title"), max_length=300, required=False)
    url = forms.CharField(
        label=_("Link"),
        max_length=500,
        required=False,
        help_text=_("A web address (https://…) or a page of Campus (/…)."),
    )
    text = forms.CharField(
        label=_("Observation"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=OBSERVATION_MAX_CHARS,
        required=False,
        help_text=_("What you observed during the placement (tutors only)."),
    )
    file = forms.FileField(label=_("File"), required=False)

    def __init__(self, *args, dossier: CertificationDossier, tutor: bool, entries, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            (value, label)
            for value, label in EvidenceKind.choices
            if tutor or value != EvidenceKind.OBSERVATION
        ]
        self.fields["record_entry"].queryset = entries
        if not tutor:
            del self.fields["text"]
        megabytes = f"{evidence_max_bytes() / (1024 * 1024):g}"
        self.fields["file"].help_text = _("%(types)s; %(size)s MB at most.") % {
            "types": ", ".join(EVIDENCE_EXTENSIONS),
            "size": megabytes,
        }
        self.fields["file"].widget.attrs["accept"] = ",".join(f".{e}" for e in EVIDENCE_EXTENSIONS)

    def clean_url(self) -> str:
        url = self.cleaned_data.get("url", "").strip()
        if url and (refusal := evidence_url_error(url)):
            raise forms.ValidationError(refusal)
        return url

    def clean_file(self):
        file = self.cleaned_data.get("file")
        if file and (refusal := evidence_file_error(file)):
            raise forms.ValidationError(refusal)
        return file

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind in LINK_KINDS:
            if not data.get("record_entry") and not data.get("url") and "url" not in self.errors:
                self.add_error("url", _("Give the link, or choose an entry of the record."))
            if not data.get("record_entry") and not data.get("title"):
                self.add_error("title", _("Give the evidence a title."))
        elif kind == EvidenceKind.OBSERVATION and not data.get("text", "").strip():
            self.add_error("text", _("Write the observation."))
        elif kind == EvidenceKind.FILE and not data.get("file") and "file" not in self.errors:
            self.add_error("file", _("Choose a file."))
        return data


class ValidationForm(DsfrBaseForm):
    """A tutor's decision on an item, with an optional comment."""

    status = forms.ChoiceField(
        label=_("Decision"), choices=ValidationStatus.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=COMMENT_MAX_CHARS,
        required=False,
    )


class IssueForm(DsfrBaseForm):
    """The jury member's confirmation before issuing."""

    confirm = forms.BooleanField(
        label=_("I confirm that the jury issues this certification."), required=True
    )
