"""Pages of the certification dossiers: mine, those I tutor, one dossier, one item, issuing.

Permissions (see :mod:`campus.selectors_certification`): a dossier one may not see is a 404;
seeing it without the right to act (a jury member adding evidence, a tutor issuing) is a 403.
Writes go through :mod:`campus.services_certification`, which checks again.
"""

from __future__ import annotations

import posixpath
from functools import cached_property

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.generic import FormView, TemplateView

from campus import selectors_certification as selectors
from campus import services_certification as services
from campus.forms_certification import (
    DossierOpenForm,
    EvidenceForm,
    IssueForm,
    ValidationForm,
)
from campus.models import DossierStatus, EvidenceKind


def dossier_url(dossier, fragment: str = "") -> str:
    return reverse("recognition:certification_dossier", args=[dossier.pk]) + fragment


class MyDossiersView(LoginRequiredMixin, TemplateView):
    """The user's own dossiers with their progress, and the way to open one."""

    template_name = "campus/certification/my_dossiers.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            dossiers=selectors.with_results(selectors.dossiers_of_candidate(user)),
            may_open_own=selectors.may_open_own(user),
            may_tutor=selectors.may_open_for_others(user) or selectors.is_jury(user),
            **kwargs,
        )


class DossierOpenView(LoginRequiredMixin, FormView):
    """Open a dossier: trainers for a teacher (by email), teachers for themselves."""

    template_name = "campus/certification/dossier_open.html"
    form_class = DossierOpenForm

    @cached_property
    def for_others(self) -> bool:
        return selectors.may_open_for_others(self.request.user)

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not (self.for_others or selectors.may_open_own(user)):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "for_others": self.for_others}

    def form_valid(self, form):
        candidate = form.cleaned_data.get("email") or self.request.user
        try:
            dossier, created = services.dossier_open(
                actor=self.request.user,
                candidate=candidate,
                framework=form.cleaned_data["framework"],
            )
        except services.CertificationError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        if created:
            messages.success(self.request, _("The certification dossier is open."))
        else:
            messages.info(self.request, _("This dossier was open already: here it is."))
        return HttpResponseRedirect(dossier_url(dossier))


class TutoredDossiersView(LoginRequiredMixin, TemplateView):
    """The dossiers a trainer tutors; for a jury member, those ready to be issued too."""

    template_name = "campus/certification/tutored.html"

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not (
            selectors.may_open_for_others(user) or selectors.is_jury(user)
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            dossiers=selectors.with_results(selectors.dossiers_of_tutor(user)),
            is_jury=selectors.is_jury(user),
            ready=selectors.open_dossiers_for_jury(user),
            **kwargs,
        )


class DossierMixin(LoginRequiredMixin):
    """A view of one dossier (``pk``) the user may see; 404 for the others."""

    @cached_property
    def dossier(self):
        return selectors.dossier_for_viewer(self.request.user, self.kwargs["pk"])

    @cached_property
    def is_candidate(self) -> bool:
        return self.dossier.user_id == self.request.user.pk

    @cached_property
    def is_tutor(self) -> bool:
        return selectors.is_tutor(self.request.user, self.dossier)

    @cached_property
    def is_jury(self) -> bool:
        return selectors.is_jury(self.request.user)

    @property
    def is_open(self) -> bool:
        return self.dossier.status == DossierStatus.OPEN

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            dossier=self.dossier,
            candidate=self.dossier.user,
            is_candidate=self.is_candidate,
            is_tutor=self.is_tutor,
            is_jury=self.is_jury,
            is_open=self.is_open,
            **kwargs,
        )


class DossierView(DossierMixin, TemplateView):
    """The dossier: every item by domain and competence, and the progress against the rule."""

    template_name = "campus/certification/dossier.html"

    def get_context_data(self, **kwargs):
        table = selectors.dossier_table(self.dossier)
        return super().get_context_data(
            table=table,
            result=table.result,
            tutors=list(self.dossier.tutors.all()),
            may_issue=self.is_jury
            and not self.is_candidate
            and self.is_open
            and table.result.holds,
            **kwargs,
        )


class ItemView(DossierMixin, TemplateView):
    """One item of the dossier: its evidence, its validations, the forms to add to them."""

    template_name = "campus/certification/item.html"

    @cached_property
    def item(self):
        return selectors.item_of_dossier(self.dossier, self.kwargs["item_pk"])

    @property
    def may_add_evidence(self) -> bool:
        return self.is_open and (self.is_candidate or self.is_tutor)

    def item_url(self, fragment: str = "") -> str:
        return (
            reverse("recognition:certification_item", args=[self.dossier.pk, self.item.pk])
            + fragment
        )

    def evidence_form(self, data=None, files=None) -> EvidenceForm:
        return EvidenceForm(
            data,
            files,
            dossier=self.dossier,
            tutor=self.is_tutor,
            entries=selectors.candidate_record_entries(self.dossier),
            initial={"kind": EvidenceKind.STEP_COMPLETED},
        )

    def get_context_data(self, **kwargs):
        if self.may_add_evidence:
            kwargs.setdefault("evidence_form", self.evidence_form())
        if self.is_open and self.is_tutor:
            kwargs.setdefault("validation_form", ValidationForm())
        history = list(selectors.item_history(self.dossier, self.item))
        return super().get_context_data(
            item=self.item,
            evidence=selectors.item_evidence(self.dossier, self.item),
            history=history,
            current=history[0] if history else None,
            **kwargs,
        )


class EvidenceAddView(ItemView):
    """Add evidence to an item (POST); errors are shown on the item's page."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        if not (self.is_candidate or self.is_tutor):
            raise PermissionDenied
        form = self.evidence_form(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.evidence_add(
                    actor=request.user,
                    dossier=self.dossier,
                    item=self.item,
                    kind=data["kind"],
                    title=data.get("title", ""),
                    url=data.get("url", ""),
                    text=data.get("text", ""),
                    file=data.get("file"),
                    record_entry=data.get("record_entry"),
                )
            except services.CertificationError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("The evidence has been added."))
                return HttpResponseRedirect(self.item_url("#evidence"))
        return self.render_to_response(self.get_context_data(evidence_form=form))


class ItemValidateView(ItemView):
    """Record a tutor's decision on an item (POST)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        if not self.is_tutor:
            raise PermissionDenied
        form = ValidationForm(request.POST)
        if form.is_valid():
            try:
                services.item_validate(
                    actor=request.user,
                    dossier=self.dossier,
                    item=self.item,
                    status=form.cleaned_data["status"],
                    comment=form.cleaned_data["comment"],
                )
            except services.CertificationError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Your decision has been recorded."))
                return HttpResponseRedirect(self.item_url("#validations"))
        return self.render_to_response(self.get_context_data(validation_form=form))


class IssueView(DossierMixin, FormView):
    """The jury member confirms, then the certification is issued."""

    template_name = "campus/certification/issue.html"
    form_class = IssueForm

    def dispatch(self, request, *args, **kwargs):
        # A dossier one may not see is a 404 (by ``self.dossier``) before anything is refused.
        if (
            request.user.is_authenticated
            and self.dossier
            and (not self.is_jury or self.is_candidate)
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(result=selectors.dossier_rule(self.dossier), **kwargs)

    def form_valid(self, form):
        try:
            dossier = services.certification_issue(actor=self.request.user, dossier=self.dossier)
        except services.CertificationError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("The certification has been issued to %(name)s: it is in their record.")
            % {"name": dossier.user.get_full_name() or dossier.user.email},
        )
        return HttpResponseRedirect(dossier_url(dossier))


@never_cache
@require_GET
@login_required
def evidence_file(request, pk: int):
    """Stream an evidence file to whoever may see its dossier (as an attachment)."""
    evidence = selectors.evidence_for_download(request.user, pk)
    if not evidence.file:
        raise Http404("This evidence has no file.")
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404("The file is missing.") from None
    # An attachment, never shown inline: the file is the uploader's, not trusted content.
    # never_cache marks it private and no-store: no shared cache keeps a candidate's file.
    return FileResponse(handle, as_attachment=True, filename=posixpath.basename(evidence.file.name))
