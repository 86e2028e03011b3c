"""Course URLs for the cohorts views (joined into courses/urls.py).

A learner joins at "groupes/<pk>/rejoindre/"; a cohort's trainers set it up under
"mes-groupes/<pk>/…", beside the trainer space's own pages of the cohort.
"""

from django.urls import URLPattern, path

from courses import views_cohorts as views

urlpatterns: list[URLPattern] = [
    path("groupes/<int:pk>/rejoindre/", views.cohort_join, name="cohort_join"),
    path("mes-groupes/nouveau/", views.CohortCreateView.as_view(), name="cohort_create"),
    path(
        "mes-groupes/<int:pk>/parametres/", views.CohortUpdateView.as_view(), name="cohort_update"
    ),
    path(
        "mes-groupes/<int:pk>/regroupements/",
        views.CohortSessionsView.as_view(),
        name="cohort_sessions",
    ),
    path(
        "regroupements/<int:pk>/modifier/",
        views.CohortSessionUpdateView.as_view(),
        name="cohort_session_update",
    ),
    path(
        "regroupements/<int:pk>/supprimer/",
        views.CohortSessionDeleteView.as_view(),
        name="cohort_session_delete",
    ),
    path("mes-groupes/<int:pk>/membres/", views.CohortMembersView.as_view(), name="cohort_members"),
    path(
        "mes-groupes/<int:pk>/membres/<int:enrolment_pk>/accepter/",
        views.CohortMemberActionView.as_view(action="approve"),
        name="cohort_member_approve",
    ),
    path(
        "mes-groupes/<int:pk>/membres/<int:enrolment_pk>/refuser/",
        views.CohortMemberActionView.as_view(action="decline"),
        name="cohort_member_decline",
    ),
    path(
        "mes-groupes/<int:pk>/membres/<int:enrolment_pk>/retirer/",
        views.CohortMemberActionView.as_view(action="remove"),
        name="cohort_member_remove",
    ),
    path("mes-groupes/<int:pk>/import/", views.CohortImportView.as_view(), name="cohort_import"),
]
