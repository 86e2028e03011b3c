"""Routes of the career-recognition record, its attestations and credentials.

Mounted at the root by campus/urls.py: the teacher's record under ``dossier/``, what anyone
may check (``verifier/``, the credentials' keys and status lists) under their own prefixes.
"""

from __future__ import annotations

from django.urls import path

from campus import (
    views_attestations,
    views_certification,
    views_credentials,
    views_recognition,
)

app_name = "recognition"

urlpatterns: list = []

# The teacher's record (« Mon dossier »): timeline, entries, share links, and a link's page.
urlpatterns += [
    path("dossier/", views_recognition.RecordView.as_view(), name="record"),
    path("dossier/entrees/<int:pk>/", views_recognition.EntryView.as_view(), name="record_entry"),
    path("dossier/partages/", views_recognition.SharesView.as_view(), name="record_shares"),
    path(
        "dossier/partages/<uuid:pk>/revoquer/",
        views_recognition.ShareRevokeView.as_view(),
        name="record_share_revoke",
    ),
    path(
        "dossier/partage/<uuid:pk>/",
        views_recognition.PublicShareView.as_view(),
        name="record_share_public",
    ),
]

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

# Verifiable credentials (Open Badges 3.0): the holder's under dossier/, what anyone checks
# (verifier, keys, status list, frameworks) under credentials/ and .well-known/.
urlpatterns += [
    path(
        "dossier/credentials/entrees/<int:entry_pk>/",
        views_credentials.CredentialIssueView.as_view(),
        name="credentials_issue",
    ),
    path(
        "dossier/credentials/<uuid:pk>/",
        views_credentials.CredentialDetailView.as_view(),
        name="credentials_detail",
    ),
    path(
        "dossier/credentials/<uuid:pk>.json",
        views_credentials.CredentialDownloadView.as_view(),
        name="credentials_download",
    ),
    path(
        "dossier/credentials/<uuid:pk>/revoquer/",
        views_credentials.CredentialRevokeView.as_view(),
        name="credentials_revoke",
    ),
    path(
        "credentials/verifier/",
        views_credentials.VerifierView.as_view(),
        name="credentials_verifier",
    ),
    path("credentials/keys/<str:kid>", views_credentials.key_view, name="credentials_key"),
    path(
        ".well-known/campus-credential-keys.json",
        views_credentials.keys_view,
        name="credentials_keys",
    ),
    path(
        "credentials/status/<int:list_id>",
        views_credentials.status_list_view,
        name="credentials_status_list",
    ),
    path(
        "credentials/referentiels/<slug:code>/",
        views_credentials.FrameworkView.as_view(),
        name="credentials_framework",
    ),
]

# Attestations: the teacher's PDF, and the page where anyone checks one.
urlpatterns += [
    path(
        "dossier/entrees/<int:pk>/attestation/",
        views_attestations.AttestationIssueView.as_view(),
        name="attestation_issue",
    ),
    path(
        "dossier/attestations/annuelle/<str:school_year>/",
        views_attestations.AttestationYearlyView.as_view(),
        name="attestation_yearly",
    ),
    path(
        "dossier/attestations/<uuid:pk>.pdf",
        views_attestations.AttestationPdfView.as_view(),
        name="attestation_pdf",
    ),
    path(
        "verifier/<uuid:pk>/",
        views_attestations.AttestationVerifyView.as_view(),
        name="attestation_verify",
    ),
]
