"""Communities' pages: the directory, a community's home, members and settings; invitations
and notifications.

A community is read through :func:`community.selectors.visible_community`: one a person may
not see (invitation-only, archived, banned from) is a 404 for them, as if it did not exist.
Members' and settings pages then need an active membership, resp. to run the community (403
otherwise). Views stay thin: they parse a form, call a service of
:mod:`community.services_communities` and show its refusal
(:class:`~community.services_communities.CommunityError`) on the form or as a message.
"""

from __future__ import annotations

from functools import cached_property

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from community import selectors
from community import services_communities as services
from community.forms_communities import CommunityFilterForm, CommunityForm, InviteForm, RoleForm
from community.models import Community, MemberRole, Membership, MembershipStatus
from community.services_notifications import notification_mark_read

DIRECTORY_PAGE_SIZE = 20
MEMBERS_PAGE_SIZE = 50
NOTIFICATIONS_PAGE_SIZE = 30


def _page(request, queryset, per_page: int):
    """The requested page of ``queryset`` and the numbers to link to (with ellipses)."""
    paginator = Paginator(queryset, per_page)
    page = paginator.get_page(request.GET.get("page"))
    links = list(paginator.get_elided_page_range(page.number, on_each_side=2))
    return page, links


# --- The directory ---------------------------------------------------------------------------


class CommunityListView(TemplateView):
    """The directory of communities (with filters), and the user's own communities."""

    template_name = "community/communities/community_list.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        form = CommunityFilterForm(self.request.GET or None)
        filters = form.cleaned_data if form.is_valid() else {}
        communities = selectors.community_directory(
            user, **{k: v for k, v in filters.items() if v not in ("", None)}
        )
        page, links = _page(self.request, communities, DIRECTORY_PAGE_SIZE)
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(
            filter_form=form,
            communities=page,
            page_links=links,
            filters_querystring=query.urlencode(),
            mine=list(selectors.my_communities(user)) if user.is_authenticated else [],
            may_create=selectors.may_create_community(user),
            **kwargs,
        )


class CommunityCreateView(LoginRequiredMixin, UserPassesTestMixin, FormView):
    """A teacher or trainer creates a community and becomes its owner."""

    form_class = CommunityForm
    template_name = "community/communities/community_form.html"

    def test_func(self) -> bool:
        return selectors.may_create_community(self.request.user)

    def handle_no_permission(self):
        # Logged-in people without the role get a 403, not a loop back to the log-in page.
        self.raise_exception = self.request.user.is_authenticated
        return super().handle_no_permission()

    def form_valid(self, form):
        try:
            community = services.community_create(actor=self.request.user, **form.cleaned_data)
        except services.CommunityError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("The community « %(name)s » is created: invite its first members.")
            % {"name": community.name},
        )
        return redirect("community:community_members", community.slug)


# --- One community ---------------------------------------------------------------------------


class CommunityMixin:
    """A page of the community at ``slug`` that the user may see (404 otherwise)."""

    @cached_property
    def community(self) -> Community:
        community = selectors.visible_community(self.request.user, self.kwargs["slug"])
        if community is None:
            raise Http404
        return community

    @cached_property
    def membership(self) -> Membership | None:
        return selectors.membership_of(self.request.user, self.community)

    @property
    def runs(self) -> bool:
        return self.membership is not None and self.membership.runs_community

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            community=self.community, membership=self.membership, runs=self.runs, **kwargs
        )


class ActiveMemberMixin(LoginRequiredMixin, CommunityMixin):
    """A page for the community's active members (403 for everybody else)."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not (self.membership and self.membership.is_active):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class RunnerMixin(LoginRequiredMixin, CommunityMixin):
    """A page or action for the community's owners and animateurs (403 for everybody else)."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not self.runs:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def _room_links(community: Community, rooms: list) -> list[dict]:
    """Each room with the address of its page, when the rooms' pages exist (else None)."""
    try:
        reverse("community:room_detail", kwargs={"slug": community.slug, "room": "x"})
    except NoReverseMatch:
        return [{"room": room, "url": None} for room in rooms]
    return [
        {
            "room": room,
            "url": reverse(
                "community:room_detail", kwargs={"slug": community.slug, "room": room.slug}
            ),
        }
        for room in rooms
    ]


class CommunityDetailView(CommunityMixin, TemplateView):
    """A community's home: what it is, how many members, its rooms, and joining or leaving."""

    template_name = "community/communities/community_detail.html"

    def get_context_data(self, **kwargs):
        is_member = self.membership is not None and self.membership.is_active
        rooms = list(self.community.rooms.filter(archived=False)) if is_member else []
        return super().get_context_data(
            member_count=selectors.member_count(self.community),
            is_member=is_member,
            rooms=_room_links(self.community, rooms),
            **kwargs,
        )


class CommunityMembersView(ActiveMemberMixin, FormView):
    """The members and their roles; for those who run it, requests, invitations and bans."""

    form_class = InviteForm
    template_name = "community/communities/community_members.html"

    def post(self, request, *args, **kwargs):
        if not self.runs:
            raise PermissionDenied
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        members, links = _page(
            self.request, selectors.community_memberships(self.community), MEMBERS_PAGE_SIZE
        )
        context = {"members": members, "page_links": links, "role_choices": MemberRole.choices}
        if self.runs:
            owner = self.membership.role == MemberRole.OWNER
            for member in members:
                # What this page offers on each row; the services check it again.
                member.can_change_role = owner
                member.can_ban = member.pk != self.membership.pk and (
                    owner or member.role == MemberRole.MEMBER
                )
            context.update(
                requests=selectors.community_memberships(self.community, MembershipStatus.PENDING),
                invited=selectors.community_memberships(self.community, MembershipStatus.INVITED),
                banned=selectors.community_memberships(self.community, MembershipStatus.BANNED),
            )
        return super().get_context_data(**context, **kwargs)

    def form_valid(self, form):
        try:
            membership = services.community_invite(
                actor=self.request.user, community=self.community, email=form.cleaned_data["email"]
            )
        except services.CommunityError as error:
            form.add_error("email", str(error))
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("%(name)s is invited.")
            % {"name": membership.user.get_full_name() or membership.user.email},
        )
        return redirect("community:community_members", self.community.slug)


class CommunitySettingsView(RunnerMixin, FormView):
    """A community's settings (owners and animateurs); archiving (owners)."""

    form_class = CommunityForm
    template_name = "community/communities/community_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.community}

    def form_valid(self, form):
        try:
            services.community_update(
                actor=self.request.user, community=self.community, **form.cleaned_data
            )
        except services.CommunityError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(self.request, _("The community's settings are saved."))
        return redirect("community:community_settings", self.community.slug)


# --- Actions (POST) --------------------------------------------------------------------------


class CommunityActionView(LoginRequiredMixin, CommunityMixin, View):
    """One button of a community's pages: call a service, say how it went, go back.

    Subclasses name the service's outcome in ``act()`` (which returns the success message)
    and where to go next in ``success_url()``. A refusal is shown as an error message.
    """

    http_method_names = ["post"]

    def act(self) -> str:
        raise NotImplementedError

    def success_url(self) -> str:
        return reverse("community:community_detail", kwargs={"slug": self.community.slug})

    def post(self, request, *args, **kwargs):
        try:
            messages.success(request, self.act())
        except services.CommunityError as error:
            messages.error(request, str(error))
        return HttpResponseRedirect(self.success_url())


class CommunityJoinView(CommunityActionView):
    """Join, ask to join, or accept an invitation (the service decides which)."""

    def act(self) -> str:
        membership = services.community_join(actor=self.request.user, community=self.community)
        if membership.status == MembershipStatus.PENDING:
            return _("Your request is sent to the community's animateurs.")
        return _("Welcome to « %(name)s »!") % {"name": self.community.name}


class CommunityLeaveView(CommunityActionView):
    """Leave a community, or withdraw a request to join it."""

    def act(self) -> str:
        pending = self.membership is not None and self.membership.status == MembershipStatus.PENDING
        services.community_leave(actor=self.request.user, community=self.community)
        if pending:
            return _("Your request is withdrawn.")
        return _("You have left « %(name)s ».") % {"name": self.community.name}

    def success_url(self) -> str:
        # The community may now be hidden from the user (invitation-only): back to the list.
        return reverse("community:community_list")


class InvitationAcceptView(CommunityActionView):
    """Accept an invitation to the community."""

    def act(self) -> str:
        services.invitation_accept(actor=self.request.user, community=self.community)
        return _("Welcome to « %(name)s »!") % {"name": self.community.name}


class InvitationDeclineView(CommunityActionView):
    """Decline an invitation to the community."""

    def act(self) -> str:
        services.invitation_decline(actor=self.request.user, community=self.community)
        return _("The invitation is declined.")

    def success_url(self) -> str:
        return reverse("community:invitations")


class CommunityArchiveView(RunnerMixin, CommunityActionView):
    """Archive the community (owners), or bring it back with ``restore``."""

    restore = False

    def act(self) -> str:
        if self.restore:
            services.community_unarchive(actor=self.request.user, community=self.community)
            return _("The community is active again.")
        services.community_archive(actor=self.request.user, community=self.community)
        return _("The community is archived.")

    def success_url(self) -> str:
        return reverse("community:community_settings", kwargs={"slug": self.community.slug})


class MembershipActionView(RunnerMixin, CommunityActionView):
    """An owner's or animateur's action on one membership of the community (``pk``)."""

    def success_url(self) -> str:
        return reverse("community:community_members", kwargs={"slug": self.community.slug})

    @cached_property
    def target(self) -> Membership:
        return get_object_or_404(
            self.community.memberships.select_related("user"), pk=self.kwargs["pk"]
        )

    @property
    def name(self) -> str:
        return self.target.user.get_full_name() or self.target.user.email


class RequestApproveView(MembershipActionView):
    def act(self) -> str:
        services.request_approve(actor=self.request.user, membership=self.target)
        return _("%(name)s is now a member.") % {"name": self.name}


class RequestDeclineView(MembershipActionView):
    def act(self) -> str:
        services.request_decline(actor=self.request.user, membership=self.target)
        return _("The request of %(name)s is declined.") % {"name": self.name}


class MembershipRoleView(MembershipActionView):
    def act(self) -> str:
        form = RoleForm(self.request.POST)
        if not form.is_valid():
            raise services.CommunityError(_("Choose a role."))
        role = form.cleaned_data["role"]
        services.membership_role_change(actor=self.request.user, membership=self.target, role=role)
        return _("%(name)s is now %(role)s.") % {
            "name": self.name,
            "role": MemberRole(role).label.lower(),
        }


class MembershipBanView(MembershipActionView):
    def act(self) -> str:
        services.membership_ban(actor=self.request.user, membership=self.target)
        return _("%(name)s is banned from the community.") % {"name": self.name}


class MembershipUnbanView(MembershipActionView):
    def act(self) -> str:
        services.membership_unban(actor=self.request.user, membership=self.target)
        return _("The ban of %(name)s is lifted.") % {"name": self.name}


# --- The user's invitations and notifications ------------------------------------------------


class InvitationListView(LoginRequiredMixin, ListView):
    """The invitations waiting for the user's answer."""

    template_name = "community/communities/invitations.html"
    context_object_name = "invitations"

    def get_queryset(self):
        return selectors.invitations_for(self.request.user)


class NotificationListView(LoginRequiredMixin, ListView):
    """The user's notifications, newest first, unread ones marked."""

    template_name = "community/communities/notifications.html"
    context_object_name = "notifications"
    paginate_by = NOTIFICATIONS_PAGE_SIZE

    def get_queryset(self):
        return selectors.notifications_for(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = context["page_obj"]
        context["page_links"] = list(
            page.paginator.get_elided_page_range(page.number, on_each_side=2)
        )
        return context


class NotificationOpenView(LoginRequiredMixin, View):
    """Follow a notification's link, marking it read on the way.

    A GET, so that the notification is an ordinary link (opened in a new tab, copied);
    marking one's own notification read is harmless if a third party triggers it.
    """

    def get(self, request, pk: int):
        notification = get_object_or_404(selectors.notifications_for(request.user), pk=pk)
        notification_mark_read(actor=request.user, ids=[notification.pk])
        url = notification.url
        if url and url_has_allowed_host_and_scheme(
            url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return HttpResponseRedirect(url)
        return redirect("community:notifications")


class NotificationMarkReadView(LoginRequiredMixin, View):
    """Mark one notification (``id`` in the form) or all of them read."""

    http_method_names = ["post"]

    def post(self, request):
        raw = request.POST.get("id", "")
        if raw and not raw.isdigit():
            return redirect("community:notifications")
        count = notification_mark_read(actor=request.user, ids=[int(raw)] if raw else None)
        if not raw:
            messages.success(request, _("All your notifications are marked as read."))
        elif count:
            messages.success(request, _("The notification is marked as read."))
        return redirect("community:notifications")
