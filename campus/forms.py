"""Forms for the people side of Campus."""

from __future__ import annotations

from django import forms
from django.contrib.auth import forms as auth_forms
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from campus.models import Establishment, User
from campus.tasks import send_email
from campus.validators import validate_uai


class EmailAuthenticationForm(auth_forms.AuthenticationForm, DsfrBaseForm):
    """Log-in by email address (the username field of our user model)."""

    username = forms.EmailField(
        label=_("Email address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )


class ProfileForm(forms.ModelForm, DsfrBaseForm):
    """What a teacher says about themself; the establishment is found by its UAI code."""

    uai = forms.CharField(
        label=_("Establishment UAI code"),
        required=False,
        max_length=8,
        help_text=_("7 digits and a letter, e.g. 0750655E. Leave empty if you have none."),
    )
    establishment_name = forms.CharField(
        label=_("Establishment name"),
        required=False,
        max_length=200,
        help_text=_("Only needed when Campus does not know your establishment yet."),
    )
    establishment_town = forms.CharField(label=_("Town"), required=False, max_length=120)

    class Meta:
        model = User
        fields = ["first_name", "last_name", "academy", "degree", "disciplines"]
        widgets = {"disciplines": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first_name"].required = True
        self.fields["last_name"].required = True
        if self.instance.establishment_id:
            self.initial["uai"] = self.instance.establishment.uai

    def clean_uai(self) -> str:
        uai = self.cleaned_data["uai"].strip().upper()
        if uai:
            validate_uai(uai)
        return uai

    def clean(self):
        cleaned = super().clean()
        uai = cleaned.get("uai")
        self.establishment = None
        if uai:
            self.establishment = Establishment.objects.filter(uai=uai).first()
            if self.establishment is None:
                for field in ("establishment_name", "establishment_town"):
                    if not cleaned.get(field):
                        self.add_error(
                            field,
                            _(
                                "Campus does not know the establishment %(uai)s yet: "
                                "give its name and town."
                            )
                            % {"uai": uai},
                        )
        return cleaned


# Django's own account forms, drawn with the DSFR's field markup.
class PasswordChangeForm(auth_forms.PasswordChangeForm, DsfrBaseForm):
    pass


class PasswordResetForm(auth_forms.PasswordResetForm, DsfrBaseForm):
    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ) -> None:
        # Queued, so that a slow mail server neither delays the page nor reveals (by timing)
        # whether the address has an account.
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        body = render_to_string(email_template_name, context)
        send_email.enqueue(subject=subject, body=body, recipients=[to_email])


class SetPasswordForm(auth_forms.SetPasswordForm, DsfrBaseForm):
    pass
