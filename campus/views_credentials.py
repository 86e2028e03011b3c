"""Pages and documents of the verifiable credentials (Open Badges 3.0).

The holder's (login required): issue a badge from a record entry, see it, download its JSON;
staff and administrators see anyone's and revoke. A credential one may not see is a 404;
seeing it without the right to act (the holder revoking) is a 403. What anyone may read: the
verifier, the public keys, the status list and the frameworks alignments point to — served
with ``Access-Control-Allow-Origin: *`` where a verifier's browser fetches them.
"""

from __future__ import annotations

import json
from functools import cached_property

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.generic import FormView, TemplateView
from dsfr.forms import DsfrBaseForm

from campus import credentials as vc
from campus import services_credentials as services
from campus.models import Credential, Framework, RecordEntry

# The largest credential the verifier reads (a credential is a few KB).
MAX_CREDENTIAL_BYTES = 512 * 1024
LD_JSON = "application/ld+json"


def _json(document: dict, *, public: bool = False, max_age: int = 0, **kwargs) -> JsonResponse:
    response = JsonResponse(
        document,
        content_type=LD_JSON,
        json_dumps_params={"ensure_ascii": False, "indent": 2},
        **kwargs,
    )
    if public:
        response["Access-Control-Allow-Origin"] = "*"
        response["Cache-Control"] = f"public, max-age={max_age}"
    return response


def _credential_for(user, pk) -> Credential:
    """The credential ``pk`` if the user may see it (holder, staff); 404 otherwise."""
    credential = get_object_or_404(Credential.objects.select_related("entry", "user"), pk=pk)
    if not services.may_see_credential(user, credential):
        raise Http404
    return credential


# --- The holder's ------------------------------------------------------------------------------


class CredentialIssueView(LoginRequiredMixin, View):
    """Issue a record entry as a digital badge (POST), then go back where the button was."""

    http_method_names = ["post"]

    def post(self, request, entry_pk: int):
        entry = get_object_or_404(RecordEntry, pk=entry_pk)
        if entry.user_id != request.user.pk and not services.may_manage_credentials(request.user):
            raise Http404
        try:
            credential = services.credential_issue(actor=request.user, entry=entry)
        except services.CredentialError as error:
            messages.error(request, str(error))
            return HttpResponseRedirect(self._back(default="/"))
        messages.success(request, _("Your digital badge is ready: download it to share it."))
        return HttpResponseRedirect(
            self._back(default=reverse("recognition:credentials_detail", args=[credential.pk]))
        )

    def _back(self, *, default: str) -> str:
        target = self.request.POST.get("next", "")
        if target and url_has_allowed_host_and_scheme(
            target, allowed_hosts={self.request.get_host()}, require_https=self.request.is_secure()
        ):
            return target
        return default


class CredentialDetailView(LoginRequiredMixin, TemplateView):
    """One credential: what it says, whether it verifies, its download; revoking for staff."""

    template_name = "campus/credentials/detail.html"

    @cached_property
    def credential(self) -> Credential:
        return _credential_for(self.request.user, self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        document = self.credential.document
        result = services.credential_verify(document)
        return super().get_context_data(
            credential=self.credential,
            document=document,
            document_json=json.dumps(document, ensure_ascii=False, indent=2),
            result=result,
            failures=explain(result),
            may_revoke=services.may_manage_credentials(self.request.user),
            revoke_form=RevokeForm(),
            **kwargs,
        )


@method_decorator(never_cache, name="dispatch")
class CredentialDownloadView(LoginRequiredMixin, View):
    """The credential as a JSON-LD file (attachment), for the holder's wallet or backpack."""

    http_method_names = ["get"]

    def get(self, request, pk):
        credential = _credential_for(request.user, pk)
        response = _json(credential.document)
        response["Content-Disposition"] = f'attachment; filename="badge-{credential.pk}.json"'
        return response


class RevokeForm(DsfrBaseForm):
    reason = forms.CharField(
        label=gettext_lazy("Reason for the revocation"),
        max_length=services.REASON_MAX_CHARS,
        help_text=gettext_lazy("Kept with the credential; it is not published."),
    )


class CredentialRevokeView(LoginRequiredMixin, View):
    """Revoke a credential (staff and administrators): its bit is set in the status list."""

    http_method_names = ["post"]

    def post(self, request, pk):
        credential = _credential_for(request.user, pk)
        if not services.may_manage_credentials(request.user):
            raise PermissionDenied
        form = RevokeForm(request.POST)
        detail = reverse("recognition:credentials_detail", args=[credential.pk])
        if not form.is_valid():
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
            return HttpResponseRedirect(detail)
        try:
            services.credential_revoke(
                actor=request.user, credential=credential, reason=form.cleaned_data["reason"]
            )
        except services.CredentialError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The credential is revoked."))
        return HttpResponseRedirect(detail)


# --- Anyone's ----------------------------------------------------------------------------------


class VerifyForm(DsfrBaseForm):
    """A credential to verify, pasted or as a file, and optionally the holder's email."""

    document = forms.CharField(
        label=gettext_lazy("Credential (JSON)"),
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
        required=False,
        help_text=gettext_lazy("Paste the content of the credential's .json file."),
    )
    file = forms.FileField(
        label=gettext_lazy("Or the credential's file"),
        required=False,
        help_text=gettext_lazy("A .json file of 512 KB at most."),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".json,application/json,application/ld+json"}
        ),
    )
    email = forms.EmailField(
        label=gettext_lazy("Holder's email address"),
        required=False,
        help_text=gettext_lazy("To check the credential was issued to this address."),
    )

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload:
            if upload.size > MAX_CREDENTIAL_BYTES:
                self.add_error("file", _("The file is too large: 512 KB at most."))
                return data
            raw = upload.read()
            field = "file"
        else:
            raw = (data.get("document") or "").strip().encode("utf-8")
            field = "document"
        if not raw:
            self.add_error("document", _("Paste a credential or choose its file."))
            return data
        if len(raw) > MAX_CREDENTIAL_BYTES:
            self.add_error(field, _("The credential is too large: 512 KB at most."))
            return data
        try:
            parsed = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
            detail = str(error) if isinstance(error, json.JSONDecodeError) else _("not UTF-8 text")
            self.add_error(field, _("This is not valid JSON (%(detail)s).") % {"detail": detail})
            return data
        if not isinstance(parsed, dict):
            self.add_error(field, _("A credential is a JSON object ({…})."))
            return data
        data["credential"] = parsed
        return data


RESULT_MESSAGES = {
    vc.MALFORMED: gettext_lazy("This is not an Open Badges 3.0 credential."),
    vc.UNKNOWN_KEY: gettext_lazy(
        "It is signed with a key this platform does not know: it was not issued here, or with "
        "a key since withdrawn."
    ),
    vc.SIGNATURE_INVALID: gettext_lazy(
        "The signature does not match: the credential was changed after it was issued."
    ),
    vc.REVOKED: gettext_lazy("The credential was revoked by its issuer."),
    vc.NOT_YET_VALID: gettext_lazy("The credential is not valid yet."),
    vc.EXPIRED: gettext_lazy("The credential has expired."),
    vc.STATUS_LIST_INVALID: gettext_lazy("Its revocation status could not be checked."),
}


def explain(result: vc.VerificationResult) -> list[dict[str, str]]:
    """Each failure of a verification, as a sentence and its technical detail."""
    explained = []
    for reason in result.reasons:
        code, _sep, detail = reason.partition(":")
        explained.append(
            {"message": str(RESULT_MESSAGES.get(code, code)), "detail": detail.strip()}
        )
    return explained


class VerifierView(FormView):
    """Anyone checks a credential: signature, shape, validity period, revocation."""

    template_name = "campus/credentials/verifier.html"
    form_class = VerifyForm

    def form_valid(self, form):
        document = form.cleaned_data["credential"]
        result = services.credential_verify(document)
        email = form.cleaned_data.get("email")
        return self.render_to_response(
            self.get_context_data(
                form=form,
                result=result,
                failures=explain(result),
                document=document,
                email_matches=_email_matches(document, email) if email and result.valid else None,
            )
        )


def _email_matches(document: dict, email: str) -> bool:
    """Whether one of the subject's hashed email identifiers is this address."""
    for identifier in document.get("credentialSubject", {}).get("identifier", []):
        if (
            isinstance(identifier, dict)
            and identifier.get("identityType") == "emailAddress"
            and identifier.get("hashed") is True
            and isinstance(identifier.get("salt", ""), str)
        ):
            expected = vc.identity_hash(email.strip().lower(), identifier.get("salt", ""))
            if identifier.get("identityHash") == expected:
                return True
    return False


@require_GET
def key_view(request, kid: str):
    """One public key, as a Multikey verification method."""
    document = services.multikey_for(kid)
    if document is None:
        raise Http404
    return _json(document, public=True, max_age=3600)


@require_GET
def keys_view(request):
    """Every public key of the platform (``/.well-known/campus-credential-keys.json``)."""
    return _json(services.keys_document(), public=True, max_age=3600)


@require_GET
def status_list_view(request, list_id: int):
    """The signed revocation list (Bitstring Status List); short-lived in caches."""
    if list_id != services.STATUS_LIST_ID:
        raise Http404
    try:
        document = services.status_list_document()
    except services.CredentialError as error:
        return JsonResponse({"error": str(error)}, status=503)
    return _json(document, public=True, max_age=60)


class FrameworkView(TemplateView):
    """A competence framework's items, each an anchor credentials' alignments point to."""

    template_name = "campus/credentials/framework.html"

    def get_context_data(self, **kwargs):
        framework = get_object_or_404(
            Framework.objects.prefetch_related("domains__competences__items"),
            code=self.kwargs["code"],
        )
        return super().get_context_data(framework=framework, **kwargs)
