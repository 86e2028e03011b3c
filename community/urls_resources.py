"""URLs of the community app's resources (joined in community/urls.py), under /communautes/."""

from __future__ import annotations

from django.urls import path

from community import views_resources as views

urlpatterns = [
    path("ressources/", views.ResourceListView.as_view(), name="resource_list"),
    path("ressources/nouvelle/", views.ResourceCreateView.as_view(), name="resource_create"),
    path("ressources/<int:pk>/", views.ResourceDetailView.as_view(), name="resource_detail"),
    path("ressources/<int:pk>/modifier/", views.ResourceEditView.as_view(), name="resource_edit"),
    path(
        "ressources/<int:pk>/versions/",
        views.RevisionHistoryView.as_view(),
        name="revision_history",
    ),
    path(
        "ressources/<int:pk>/versions/comparer/",
        views.RevisionCompareView.as_view(),
        name="revision_compare",
    ),
    path(
        "ressources/<int:pk>/versions/<int:number>/",
        views.RevisionDetailView.as_view(),
        name="revision_detail",
    ),
    path(
        "ressources/<int:pk>/versions/<int:number>/restaurer/",
        views.RevisionRestoreView.as_view(),
        name="revision_restore",
    ),
    path(
        "ressources/<int:pk>/coauteurs/",
        views.CoauthorAddView.as_view(),
        name="coauthor_add",
    ),
    path(
        "ressources/<int:pk>/coauteurs/<int:user_pk>/retirer/",
        views.CoauthorRemoveView.as_view(),
        name="coauthor_remove",
    ),
    path(
        "ressources/<int:pk>/droits/",
        views.RightsConfirmView.as_view(),
        name="resource_rights_confirm",
    ),
    path(
        "ressources/<int:pk>/fichiers/",
        views.AttachmentAddView.as_view(),
        name="attachment_add",
    ),
    path(
        "ressources/<int:pk>/fichiers/<int:attachment_pk>/",
        views.AttachmentDownloadView.as_view(),
        name="attachment_download",
    ),
    path(
        "ressources/<int:pk>/fichiers/<int:attachment_pk>/retirer/",
        views.AttachmentRemoveView.as_view(),
        name="attachment_remove",
    ),
    path("ressources/<int:pk>/remixer/", views.ResourceRemixView.as_view(), name="resource_remix"),
]
