"""Django admin (/admin/) for operators: cohorts and their in-person sessions.

Trainers set cohorts up in their own pages; this is for operators who fix a cohort by hand
(its trainers, its dates). Members are not edited here: joining and leaving go through
:mod:`courses.services_cohorts`, which records the learners' xAPI statements.
"""

from django.contrib import admin

from courses.models import Cohort, CohortSession


class CohortSessionInline(admin.TabularInline):
    model = CohortSession
    extra = 0
    fields = ["title", "starts_at", "duration_minutes", "place", "virtual_class_url", "step"]
    raw_id_fields = ["step"]


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ["name", "module", "academy", "starts_on", "ends_on", "capacity", "is_open"]
    list_filter = ["is_open", "requires_approval", "academy"]
    search_fields = ["name", "module__title", "trainers__email"]
    date_hierarchy = "starts_on"
    raw_id_fields = ["module"]
    autocomplete_fields = ["trainers"]
    inlines = [CohortSessionInline]
