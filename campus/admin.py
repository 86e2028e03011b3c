"""Django admin (/admin/) for operators: users, académies, establishments."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from campus.models import (
    Academy,
    Competence,
    CompetenceItem,
    Discipline,
    Establishment,
    Framework,
    FrameworkDomain,
    User,
)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "academy", "degree", "is_staff"]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups", "degree", "academy"]
    search_fields = ["email", "first_name", "last_name", "establishment__uai"]
    autocomplete_fields = ["establishment"]
    filter_horizontal = ["groups", "user_permissions", "disciplines"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (
            _("Profile"),
            {
                "fields": [
                    "first_name",
                    "last_name",
                    "academy",
                    "degree",
                    "disciplines",
                    "establishment",
                ]
            },
        ),
        (
            _("Roles and permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "first_name", "last_name", "password1", "password2"],
            },
        )
    ]


@admin.register(Academy)
class AcademyAdmin(admin.ModelAdmin):
    list_display = ["name", "region"]
    search_fields = ["name", "region"]


@admin.register(Discipline)
class DisciplineAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]


@admin.register(Establishment)
class EstablishmentAdmin(admin.ModelAdmin):
    list_display = ["name", "uai", "town", "academy"]
    list_filter = ["academy"]
    search_fields = ["name", "uai", "town"]


class CompetenceItemInline(admin.TabularInline):
    model = CompetenceItem
    extra = 0


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "version"]


@admin.register(FrameworkDomain)
class FrameworkDomainAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "framework"]
    list_filter = ["framework"]


@admin.register(Competence)
class CompetenceAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "domain"]
    list_filter = ["domain__framework"]
    inlines = [CompetenceItemInline]


@admin.register(CompetenceItem)
class CompetenceItemAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "competence"]
    list_filter = ["competence__domain__framework"]
    search_fields = ["code", "title"]
