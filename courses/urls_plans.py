"""Course URLs of the training plans (joined into courses/urls.py): "Plans de formation"."""

from django.urls import URLPattern, path

from courses import views_plans as views

urlpatterns: list[URLPattern] = [
    path("plans/", views.PlanListView.as_view(), name="plan_list"),
    path("plans/nouveau/", views.PlanCreateView.as_view(), name="plan_create"),
    path("plans/<int:pk>/", views.PlanDashboardView.as_view(), name="plan_dashboard"),
    path("plans/<int:pk>/modifier/", views.PlanUpdateView.as_view(), name="plan_update"),
    path(
        "plans/<int:pk>/etablissements/<int:establishment_pk>/",
        views.PlanEstablishmentView.as_view(),
        name="plan_establishment",
    ),
    path("plans/<int:pk>/export.csv", views.PlanExportCsvView.as_view(), name="plan_export_csv"),
    path("plans/<int:pk>/export.xlsx", views.PlanExportXlsxView.as_view(), name="plan_export_xlsx"),
    path("plans/<int:pk>/relance/", views.PlanRemindView.as_view(), name="plan_remind"),
]
