"""Campus's own course URLs (the pages themselves are served by Wagtail's page tree).

Included by campus/urls.py under "parcours/".
"""

from django.urls import path

from courses import (
    urls_assessment,
    urls_cohorts,
    urls_plans,
    urls_trainer,
    views,
    views_quiz,
    views_video,
)

app_name = "courses"

urlpatterns = [
    path("ma-formation/", views.my_training, name="my_training"),
    path("modules/<int:module_id>/inscription/", views.enrol, name="enrol"),
    path("inscriptions/<int:pk>/reprendre/", views.resume, name="resume"),
    path("inscriptions/<int:pk>/desinscription/", views.withdraw, name="withdraw"),
    path(
        "etapes/<int:step_id>/quiz/<str:block_id>/",
        views_quiz.quiz_submit_view,
        name="quiz_submit",
    ),
    path(
        "etapes/<int:step_id>/video/<str:block_id>/",
        views_video.video_event_view,
        name="video_event",
    ),
]
# Cohorts (joining, members, CSV import), the trainer's space (grid, reminders,
# announcements, export) and assessment (assignments handed in and reviewed, attendance).
urlpatterns += urls_cohorts.urlpatterns + urls_trainer.urlpatterns + urls_assessment.urlpatterns
urlpatterns += urls_plans.urlpatterns  # Training plans of the inspectors.
