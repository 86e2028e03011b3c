"""The CMS side of courses: a flat listing of training modules, filtered by collection."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.pages import PageListingViewSet

from courses.models import ModulePage


class ModuleFilterSet(PageListingViewSet.filterset_class):
    class Meta:
        model = ModulePage
        fields = ["collection", "modality", "degree", "live"]


class ModuleListingViewSet(PageListingViewSet):
    """Every module of the offer in one table, whatever catalogue it sits in."""

    model = ModulePage
    icon = "list-ul"
    menu_label = _("Training modules")
    menu_order = 150
    add_to_admin_menu = True
    filterset_class = ModuleFilterSet
    columns = [
        *PageListingViewSet.columns,
        Column("collection", label=_("Collection"), accessor="get_collection_display"),
        Column("modality", label=_("Modality"), accessor="get_modality_display"),
        Column("total_hours", label=_("Duration"), accessor="total_hours"),
    ]


@hooks.register("register_admin_viewset")
def register_module_listing():
    return ModuleListingViewSet("training_modules")
