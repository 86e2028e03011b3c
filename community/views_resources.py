"""Pages of co-built resources: the searchable list, a resource, its editor and its history.

Reads go through :mod:`community.selectors_resources` (a resource one may not read is a 404,
its title staying private); writes through :mod:`community.services_resources`, whose
refusals come back as form errors or messages (a 4xx status when a form is shown again).
Every page works without JavaScript; ``static/community/editing.js`` adds "who is editing".
"""

from __future__ import annotations

import posixpath
from functools import cached_property

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from campus.models import User
from community import content as resource_content
from community import selectors_resources as selectors
from community import services_resources as services
from community.diff import compare
from community.facets import level_labels
from community.forms_resources import (
    AttachmentForm,
    CoauthorForm,
    CompareForm,
    RemixForm,
    ResourceCreateForm,
    ResourceEditForm,
    ResourceFilterForm,
)
from community.models import Community, Resource, ResourceRevision

# Filled by the review part of the app when it exists; the detail page shows it in its aside.
REVIEW_PANEL_TEMPLATE = "community/review/resource_panel.html"


def _detail_url(resource: Resource) -> str:
    return reverse("community:resource_detail", kwargs={"pk": resource.pk})


class ResourceListView(TemplateView):
    """The resources one may read, searched and filtered by facets; public."""

    template_name = "community/resources/resource_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        form = ResourceFilterForm(
            self.request.GET or None, communities=Community.objects.filter(archived=False)
        )
        filters = form.filters()
        with selectors.serial_plans():
            resources = selectors.resources_filtered(user, **filters)
            paginator = Paginator(resources, selectors.PER_PAGE)
            page = paginator.get_page(self.request.GET.get("page"))
            page.object_list = list(page.object_list)  # Read here, with the count.
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            filter_form=form,
            resources=page,
            page_links=list(paginator.get_elided_page_range(page.number, on_each_side=2)),
            filters_querystring=query.urlencode(),
            searching=bool(filters.get("q")),
            current_community=filters.get("community"),
            current_tag=filters.get("tag", ""),
            may_create=selectors.contribution_communities(user).exists(),
        )
        return context


class ResourceCreateView(LoginRequiredMixin, View):
    """A member starts a resource: community, type and description; then writes its content."""

    template_name = "community/resources/resource_create.html"

    @cached_property
    def communities(self):
        return selectors.contribution_communities(self.request.user)

    def _render(self, form, status=200):
        return TemplateResponse(self.request, self.template_name, {"form": form}, status=status)

    def get(self, request):
        initial = {}
        if slug := request.GET.get("community"):  # As the list filters by it.
            initial["community"] = slug
        return self._render(ResourceCreateForm(communities=self.communities, initial=initial))

    def post(self, request):
        form = ResourceCreateForm(request.POST, communities=self.communities)
        if not form.is_valid():
            return self._render(form, status=400)
        try:
            resource = services.resource_create(
                actor=request.user,
                community=form.cleaned_data["community"],
                kind=form.cleaned_data["kind"],
                title=form.cleaned_data["title"],
                **form.service_kwargs(),
            )
        except services.ResourceError as error:
            form.add_error(None, str(error))
            return self._render(form, status=400)
        messages.success(
            request,
            _("The draft « %(title)s » is created: write its content.") % {"title": resource.title},
        )
        return HttpResponseRedirect(reverse("community:resource_edit", args=[resource.pk]))


class ResourceMixin:
    """Reads the resource of the URL for a person who may see it (else a 404)."""

    @cached_property
    def resource(self) -> Resource:
        return selectors.resource_for_viewer(self.request.user, self.kwargs["pk"])

    def require_editor(self) -> None:
        """Co-authors only (403 for others who may read it); editable states only."""
        if not selectors.may_edit_resource(self.request.user, self.resource):
            raise PermissionDenied("not an editor of this resource")


class ResourceDetailView(ResourceMixin, TemplateView):
    """A resource: its content, licence, authors, lineage, files, last versions."""

    template_name = "community/resources/resource_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        resource = self.resource
        revision = resource.current_revision
        authors = list(resource.authors.order_by("last_name", "first_name", "pk"))
        is_author = any(author.pk == user.pk for author in authors)
        may_edit = selectors.may_edit_resource(user, resource)
        source = resource.remixed_from
        context.update(
            resource=resource,
            revision=revision,
            sections=resource_content.content_sections(resource.kind, revision.content)
            if revision
            else [],
            authors=authors,
            is_author=is_author,
            may_edit=may_edit,
            may_watch=is_author and selectors.may_join_editing(user, resource),
            disciplines=resource.disciplines.all(),
            competences=resource.competences.select_related("competence"),
            tags=resource.tags.all(),
            levels=level_labels(resource.levels),
            attachments=resource.attachments.all(),
            revisions=selectors.revisions_of(resource)[:5],
            source=source if source and selectors.resource_visible_to(user, source) else None,
            remixes=selectors.remixes_visible_to(user, resource),
            may_remix=(
                user.is_authenticated
                and selectors.is_published(resource)
                and bool(services.REMIX_LICENCES[resource.licence])
            ),
            rights_ok=services.rights_check_passed(resource),
            review_panel=_review_panel(),
        )
        if is_author and selectors.may_join_editing(user, resource):
            context["coauthor_form"] = CoauthorForm(
                candidates=selectors.coauthor_candidates(resource)
            )
        if may_edit:
            context["attachment_form"] = AttachmentForm()
        return context


def _review_panel():
    """The review part's panel template, once it exists (None until then)."""
    try:
        return get_template(REVIEW_PANEL_TEMPLATE)
    except TemplateDoesNotExist:
        return None


class ResourceEditView(LoginRequiredMixin, ResourceMixin, View):
    """The editor: description and content, saved as a new revision by a co-author.

    The form carries the revision it was opened on; a save based on a stale revision comes
    back as the conflict page (409): the current version and the author's, compared, with
    the form filled with the author's text and based on the current revision, to merge.
    """

    template_name = "community/resources/resource_edit.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.require_editor()
        return super().dispatch(request, *args, **kwargs)

    def _forms(self, data=None, *, extra: int = 1):
        resource = self.resource
        revision = resource.current_revision
        description = ResourceEditForm(
            data,
            licence_frozen=resource.published_at is not None,
            initial={
                "title": resource.title,
                "summary": resource.summary,
                "licence": resource.licence,
                "disciplines": list(resource.disciplines.all()),
                "levels": resource.levels,
                "competences": list(resource.competences.all()),
                "tags": list(resource.tags.all()),
                "rights_confirmed": resource.rights_confirmed,
                "base_revision": revision.number,
            },
        )
        editor = resource_content.ContentEditor(
            resource.kind, data=data, content=revision.content, extra=extra
        )
        return description, editor

    def _render(self, description, editor, *, status=200, conflict=None):
        context = {
            "resource": self.resource,
            "revision": self.resource.current_revision,
            "form": description,
            "editor": editor,
            "conflict": conflict,
        }
        if conflict is not None:
            theirs = resource_content.content_lines(
                self.resource.kind, conflict.theirs.title, conflict.theirs.content
            )
            current = resource_content.content_lines(
                self.resource.kind, conflict.current.title, conflict.current.content
            )
            context["comparison"] = compare(
                current,
                theirs,
                old_label=_("Version %(number)s") % {"number": conflict.current.number},
                new_label=_("Your version"),
            )
        return TemplateResponse(self.request, self.template_name, context, status=status)

    def get(self, request, pk):
        return self._render(*self._forms())

    def post(self, request, pk):
        if list_name := request.POST.get("add_item"):
            # "Add a phase": the page again with what was typed and one more empty item.
            data = resource_content.add_item(request.POST, list_name)
            return self._render(*self._forms(data))
        description, editor = self._forms(request.POST)
        if not (description.is_valid() and editor.is_valid()):
            return self._render(description, editor, status=400)
        base = description.cleaned_data["base_revision"]
        try:
            revision = services.resource_save(
                actor=request.user,
                resource=self.resource,
                base_revision=base,
                title=description.cleaned_data["title"],
                content=editor.content(),
                message=description.cleaned_data["message"],
                **description.service_kwargs(),
            )
        except services.RevisionConflict as conflict:
            # Shown again on the current revision: saving now keeps the merged text.
            data = request.POST.copy()
            data["base_revision"] = str(conflict.current.number)
            self.resource.refresh_from_db()
            description, editor = self._forms(data)
            description.is_valid()
            editor.is_valid()
            return self._render(description, editor, status=409, conflict=conflict)
        except services.ResourceError as error:
            description.add_error(None, str(error))
            return self._render(description, editor, status=400)
        if revision.number == base:
            messages.info(request, _("The text did not change: no new version was made."))
        else:
            messages.success(
                request, _("Version %(number)s is saved.") % {"number": revision.number}
            )
        return HttpResponseRedirect(_detail_url(self.resource))


class RevisionHistoryView(ResourceMixin, TemplateView):
    """Every revision of a resource, to compare two or restore one."""

    template_name = "community/resources/revision_history.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        revisions = list(selectors.revisions_of(self.resource))
        context.update(
            resource=self.resource,
            revisions=revisions,
            may_edit=selectors.may_edit_resource(self.request.user, self.resource),
        )
        return context


class RevisionDetailView(ResourceMixin, TemplateView):
    """One revision, as it was saved."""

    template_name = "community/resources/revision_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        revision = selectors.revision_of(self.resource, self.kwargs["number"])
        context.update(
            resource=self.resource,
            revision=revision,
            sections=resource_content.content_sections(self.resource.kind, revision.content),
            is_current=revision.pk == self.resource.current_revision_id,
            may_edit=selectors.may_edit_resource(self.request.user, self.resource),
        )
        return context


class RevisionCompareView(ResourceMixin, TemplateView):
    """Two revisions compared, side by side or unified (``?de=1&a=3&vue=unifiee``)."""

    template_name = "community/resources/revision_compare.html"

    def get(self, request, *args, **kwargs):
        form = CompareForm(request.GET)
        if not form.is_valid():
            return TemplateResponse(
                request,
                "community/resources/revision_compare.html",
                {"resource": self.resource, "form": form, "invalid": True},
                status=400,
            )
        self.form = form
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        old = selectors.revision_of(self.resource, self.form.cleaned_data["de"])
        new = selectors.revision_of(self.resource, self.form.cleaned_data["a"])
        kind = self.resource.kind
        old_label = _("Version %(number)s") % {"number": old.number}
        new_label = _("Version %(number)s") % {"number": new.number}
        context.update(
            resource=self.resource,
            old=old,
            new=new,
            old_label=old_label,
            new_label=new_label,
            unified=self.form.cleaned_data["vue"] == "unifiee",
            comparison=compare(
                resource_content.content_lines(kind, old.title, old.content),
                resource_content.content_lines(kind, new.title, new.content),
                old_label=old_label,
                new_label=new_label,
            ),
            numbers=list(
                ResourceRevision.objects.filter(resource=self.resource)
                .order_by("-number")
                .values_list("number", flat=True)
            ),
        )
        return context


class ResourceActionView(LoginRequiredMixin, ResourceMixin, View):
    """A POST that calls one service and goes back to a page with its outcome as a message."""

    http_method_names = ["post"]

    def act(self, request) -> str:
        """Call the service; return the success message (ResourceError is shown instead)."""
        raise NotImplementedError

    def success_url(self) -> str:
        return _detail_url(self.resource)

    def post(self, request, *args, **kwargs):
        try:
            done = self.act(request)
        except services.ResourceError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, done)
        return HttpResponseRedirect(self.success_url())


class RevisionRestoreView(ResourceActionView):
    """A co-author restores an old revision (as a new one)."""

    def act(self, request) -> str:
        revision = selectors.revision_of(self.resource, self.kwargs["number"])
        restored = services.revision_restore(
            actor=request.user, resource=self.resource, revision=revision
        )
        return _("Version %(old)s is restored as version %(new)s.") % {
            "old": revision.number,
            "new": restored.number,
        }


class CoauthorAddView(ResourceActionView):
    """A co-author adds a member of the community as a co-author."""

    def act(self, request) -> str:
        form = CoauthorForm(request.POST, candidates=selectors.coauthor_candidates(self.resource))
        if not form.is_valid():
            raise services.ResourceError(_("Choose a member of the community."))
        user = form.cleaned_data["user"]
        services.coauthor_add(actor=request.user, resource=self.resource, user=user)
        return _("%(name)s is now a co-author.") % {"name": services.author_name(user)}


class CoauthorRemoveView(ResourceActionView):
    """A co-author removes another co-author, or themselves."""

    def act(self, request) -> str:
        user = get_object_or_404(User, pk=self.kwargs["user_pk"])
        services.coauthor_remove(actor=request.user, resource=self.resource, user=user)
        if user.pk == request.user.pk:
            return _("You are no longer a co-author of this resource.")
        return _("%(name)s is no longer a co-author.") % {"name": services.author_name(user)}

    def success_url(self) -> str:
        # Someone who left a draft can no longer read it.
        if selectors.resource_visible_to(self.request.user, self.resource):
            return _detail_url(self.resource)
        return reverse("community:resource_list")


class RightsConfirmView(ResourceActionView):
    """A co-author confirms the rights (the check the review asks for)."""

    def act(self, request) -> str:
        services.resource_rights_confirm(actor=request.user, resource=self.resource)
        return _("The rights are confirmed.")


class AttachmentAddView(ResourceActionView):
    """A co-author attaches a file."""

    def act(self, request) -> str:
        form = AttachmentForm(request.POST, request.FILES)
        if not form.is_valid():
            raise services.ResourceError(
                " ".join(str(e) for errors in form.errors.values() for e in errors)
            )
        attachment = services.attachment_add(
            actor=request.user,
            resource=self.resource,
            file=form.cleaned_data["file"],
            title=form.cleaned_data["title"],
        )
        return _(
            "« %(title)s » is attached. Confirm the rights again: the file may carry rights "
            "of its own."
        ) % {"title": attachment.title}


class AttachmentRemoveView(ResourceActionView):
    """A co-author removes a file."""

    def act(self, request) -> str:
        attachment = get_object_or_404(self.resource.attachments, pk=self.kwargs["attachment_pk"])
        services.attachment_remove(actor=request.user, attachment=attachment)
        return _("« %(title)s » is removed.") % {"title": attachment.title}


class AttachmentDownloadView(View):
    """A file of a resource one may read.

    A published resource's files are public: the browser is sent on to their /media/ address
    (served by the proxy, cacheable). Other files are streamed here, after the permission
    check, as downloads — never shown inline.
    """

    def get(self, request, pk, attachment_pk):
        attachment = selectors.attachment_for_download(request.user, pk, attachment_pk)
        resource = attachment.resource
        if selectors.is_published(resource) and resource.hidden_at is None:
            return HttpResponseRedirect(attachment.file.url)
        try:
            handle = attachment.file.open("rb")
        except FileNotFoundError:
            raise Http404("The file is missing.") from None
        response = FileResponse(
            handle, as_attachment=True, filename=posixpath.basename(attachment.file.name)
        )
        response["Cache-Control"] = "private, no-store"
        return response


class ResourceRemixView(LoginRequiredMixin, ResourceMixin, View):
    """Remix a published resource into one's community: choose where (and the licence)."""

    template_name = "community/resources/resource_remix.html"

    def _form(self, data=None):
        return RemixForm(
            data,
            communities=selectors.contribution_communities(self.request.user),
            licences=services.REMIX_LICENCES[self.resource.licence],
        )

    def _render(self, form, status=200):
        return TemplateResponse(
            self.request,
            self.template_name,
            {"resource": self.resource, "form": form},
            status=status,
        )

    def get(self, request, pk):
        return self._render(self._form())

    def post(self, request, pk):
        form = self._form(request.POST)
        if not form.is_valid():
            return self._render(form, status=400)
        try:
            remix = services.resource_remix(
                actor=request.user,
                resource=self.resource,
                community=form.cleaned_data["community"],
                licence=form.cleaned_data["licence"] or None,
            )
        except services.ResourceError as error:
            form.add_error(None, str(error))
            return self._render(form, status=400)
        messages.success(
            request,
            _("Your remix of « %(title)s » is a draft in « %(community)s »: adapt it.")
            % {"title": self.resource.title, "community": remix.community.name},
        )
        return HttpResponseRedirect(_detail_url(remix))
