"""Helpers of the certification tests: the C2i2e framework, dossiers, validations, the jury.

Evidence files go to a temporary private storage (:func:`use_temporary_private_storage`),
never to the project's ``private/`` folder.
"""

from __future__ import annotations

from django.contrib.auth.models import Permission
from django.core.files.storage import FileSystemStorage

from campus.models import (
    CertificationDossier,
    CompetenceItem,
    Framework,
    ItemEvidence,
    ItemValidation,
    ValidationStatus,
)


def c2i2e() -> Framework:
    """The C2i2e 2011 framework, loaded by migration campus 0006."""
    return Framework.objects.get(code="c2i2e", version="2011")


def item(code: str) -> CompetenceItem:
    """A C2i2e item by its code (« A.1-1 »)."""
    return CompetenceItem.objects.get(competence__domain__framework=c2i2e(), code=code)


def all_codes() -> list[str]:
    """The 28 C2i2e item codes, in the framework's order."""
    return list(
        CompetenceItem.objects.filter(competence__domain__framework=c2i2e()).values_list(
            "code", flat=True
        )
    )


def dossier(*, candidate, tutors=()) -> CertificationDossier:
    """The candidate's C2i2e dossier, followed by ``tutors``."""
    folder = CertificationDossier.objects.create(user=candidate, framework=c2i2e())
    folder.tutors.set(tutors)
    return folder


def validate_all_but(folder: CertificationDossier, *, by, missing=()) -> None:
    """Validate every item of the dossier except the codes in ``missing`` (straight rows)."""
    ItemValidation.objects.bulk_create(
        ItemValidation(
            dossier=folder,
            item=element,
            status=ValidationStatus.VALIDATED,
            validated_by=by,
        )
        for element in CompetenceItem.objects.filter(
            competence__domain__framework=folder.framework
        ).exclude(code__in=missing)
    )


def make_jury(user):
    """Grant the user the jury's permission, as an administrator does in the admin."""
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="campus", codename="issue_certification")
    )
    # Django caches permissions on the instance: a fresh one sees the new permission.
    return type(user).objects.get(pk=user.pk)


def use_temporary_private_storage(monkeypatch, path) -> FileSystemStorage:
    """Point the evidence file field at a storage in ``path`` for one test."""
    storage = FileSystemStorage(location=path)
    monkeypatch.setattr(ItemEvidence._meta.get_field("file"), "storage", storage)
    return storage


# Six items short, one in each of six competences: 22 validated, no competence failing.
SIX_SHORT = ("A.1-1", "A.2-1", "A.3-1", "B.2-1", "B.3-1", "B.4-1")
