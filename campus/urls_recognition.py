"""Routes of the career-recognition record, its attestations and credentials.

Mounted at the root by campus/urls.py: the teacher's record under ``dossier/``, what anyone
may check (``verifier/``, the credentials' keys and status lists) under their own prefixes.
"""

from __future__ import annotations

from django.urls import path

from campus import views_certification

app_name = "recognition"

urlpatterns: list = []

# Certification dossiers (C2i2e): the candidate's, the tutor's list, items, issuing.
urlpatterns += [
    path(
        "certification/",
        views_certification.MyDossiersView.as_view(),
        name="certification_mine",
    ),
    path(
        "certification/ouvrir/",
        views_certification.DossierOpenView.as_view(),
        name="certification_open",
    ),
    path(
        "certification/suivi/",
        views_certification.TutoredDossiersView.as_view(),
        name="certification_tutored",
    ),
    path(
        "certification/<int:pk>/",
        views_certification.DossierView.as_view(),
        name="certification_dossier",
    ),
    path(
        "certification/<int:pk>/items/<int:item_pk>/",
        views_certification.ItemView.as_view(),
        name="certification_item",
    ),
    path(
        "certification/<int:pk>/items/<int:item_pk>/preuve/",
        views_certification.EvidenceAddView.as_view(),
        name="certification_evidence_add",
    ),
    path(
        "certification/<int:pk>/items/<int:item_pk>/validation/",
        views_certification.ItemValidateView.as_view(),
        name="certification_validate",
    ),
    path(
        "certification/<int:pk>/delivrer/",
        views_certification.IssueView.as_view(),
        name="certification_issue",
    ),
    path(
        "certification/preuves/<int:pk>/fichier/",
        views_certification.evidence_file,
        name="certification_evidence_file",
    ),
]
