"""URLs of the community app's communities (joined in community/urls.py).

These come first under /communautes/, so a community's home ``<slug>/`` would shadow the other
parts' pages (``ressources/``…): the ``community`` converter refuses the reserved words, and
the services never give a community one of them as its slug.
"""

from __future__ import annotations

from django.urls import path, register_converter
from django.urls.converters import SlugConverter

from community import views_communities as views
from community.services_communities import RESERVED_SLUGS


class CommunitySlugConverter(SlugConverter):
    """A community's slug: any slug but the reserved first segments of other pages."""

    def to_python(self, value: str) -> str:
        if value in RESERVED_SLUGS:
            raise ValueError(value)  # No match: the next patterns are tried.
        return value


register_converter(CommunitySlugConverter, "community")

urlpatterns = [
    path("", views.CommunityListView.as_view(), name="community_list"),
    path("nouvelle/", views.CommunityCreateView.as_view(), name="community_create"),
    path("invitations/", views.InvitationListView.as_view(), name="invitations"),
    path("notifications/", views.NotificationListView.as_view(), name="notifications"),
    path(
        "notifications/lues/",
        views.NotificationMarkReadView.as_view(),
        name="notifications_mark_read",
    ),
    path(
        "notifications/<int:pk>/",
        views.NotificationOpenView.as_view(),
        name="notification_open",
    ),
    path("<community:slug>/", views.CommunityDetailView.as_view(), name="community_detail"),
    path(
        "<community:slug>/membres/",
        views.CommunityMembersView.as_view(),
        name="community_members",
    ),
    path(
        "<community:slug>/parametres/",
        views.CommunitySettingsView.as_view(),
        name="community_settings",
    ),
    path(
        "<community:slug>/parametres/archiver/",
        views.CommunityArchiveView.as_view(),
        name="community_archive",
    ),
    path(
        "<community:slug>/parametres/reactiver/",
        views.CommunityArchiveView.as_view(restore=True),
        name="community_unarchive",
    ),
    path("<community:slug>/rejoindre/", views.CommunityJoinView.as_view(), name="community_join"),
    path("<community:slug>/quitter/", views.CommunityLeaveView.as_view(), name="community_leave"),
    path(
        "<community:slug>/invitation/accepter/",
        views.InvitationAcceptView.as_view(),
        name="invitation_accept",
    ),
    path(
        "<community:slug>/invitation/refuser/",
        views.InvitationDeclineView.as_view(),
        name="invitation_decline",
    ),
    path(
        "<community:slug>/membres/<int:pk>/accepter/",
        views.RequestApproveView.as_view(),
        name="request_approve",
    ),
    path(
        "<community:slug>/membres/<int:pk>/refuser/",
        views.RequestDeclineView.as_view(),
        name="request_decline",
    ),
    path(
        "<community:slug>/membres/<int:pk>/role/",
        views.MembershipRoleView.as_view(),
        name="membership_role",
    ),
    path(
        "<community:slug>/membres/<int:pk>/bannir/",
        views.MembershipBanView.as_view(),
        name="membership_ban",
    ),
    path(
        "<community:slug>/membres/<int:pk>/lever-le-bannissement/",
        views.MembershipUnbanView.as_view(),
        name="membership_unban",
    ),
]
