"""Course URLs for the trainer views (joined into courses/urls.py): "Mes groupes"."""

from django.urls import URLPattern, path

from courses import views_trainer as views

urlpatterns: list[URLPattern] = [
    path("mes-groupes/", views.MyCohortsView.as_view(), name="my_cohorts"),
    path("mes-groupes/<int:pk>/", views.CohortDetailView.as_view(), name="cohort_detail"),
    path("mes-groupes/<int:pk>/export.csv", views.CohortExportView.as_view(), name="cohort_export"),
    path(
        "mes-groupes/<int:pk>/relances/<int:enrolment_pk>/",
        views.CohortRemindView.as_view(),
        name="cohort_remind",
    ),
    path(
        "mes-groupes/<int:pk>/annonce/", views.CohortAnnounceView.as_view(), name="cohort_announce"
    ),
    path(
        "mes-groupes/<int:pk>/quiz/",
        views.CohortQuizResultsView.as_view(),
        name="cohort_quiz_results",
    ),
]
