"""Course URLs for the assessment views (joined into courses/urls.py)."""

from django.urls import URLPattern, path

from courses import views_assessment as views

urlpatterns: list[URLPattern] = [
    path(
        "etapes/<int:step_id>/devoir/<str:block_id>/",
        views.assignment_submit,
        name="assignment_submit",
    ),
    path("devoirs/<int:pk>/fichier/", views.submission_file, name="submission_file"),
    path(
        "devoirs/<int:pk>/evaluation/",
        views.SubmissionReviewView.as_view(),
        name="submission_review",
    ),
    path("mes-groupes/<int:pk>/devoirs/", views.CohortReviewsView.as_view(), name="cohort_reviews"),
    path(
        "seances/<int:pk>/emargement/",
        views.AttendanceSheetView.as_view(),
        name="attendance_sheet",
    ),
]
