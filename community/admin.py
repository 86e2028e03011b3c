"""Django admin (/admin/) for operators: communities and their members.

Day-to-day running (approving, inviting, banning) happens on the communities' own pages,
through the services and their guards; the admin is for operators fixing what went wrong
(an orphaned community, a person to move), hence its plain model forms.
"""

from django.contrib import admin
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from community.models import Community, Membership, MembershipStatus


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "community"
    extra = 0
    fields = ["user", "role", "status", "invited_by", "joined_at"]
    autocomplete_fields = ["user", "invited_by"]


@admin.register(Community)
class CommunityAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "kind",
        "access",
        "discipline",
        "degree",
        "academy",
        "members",
        "archived",
    ]
    list_filter = ["kind", "access", "archived", "degree", "discipline", "academy"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["created_by"]
    list_select_related = ["discipline", "academy"]
    inlines = [MembershipInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                active_members=Count(
                    "memberships", filter=Q(memberships__status=MembershipStatus.ACTIVE)
                )
            )
        )

    @admin.display(description=_("members"), ordering="active_members")
    def members(self, community: Community) -> int:
        return community.active_members


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "community", "role", "status", "created", "joined_at"]
    list_filter = ["role", "status", "community__kind", "community"]
    search_fields = ["user__email", "user__first_name", "user__last_name", "community__name"]
    autocomplete_fields = ["user", "community", "invited_by"]
    list_select_related = ["user", "community"]
    date_hierarchy = "created"
