"""Writes on people and places. Every function is keyword-only, transactional, with an actor."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction

from campus.models import Academy, Establishment, User


@transaction.atomic
def profile_update(*, actor: User, user: User, data: dict) -> User:
    """Save a user's profile fields; create their establishment if its UAI is new."""
    if actor.pk != user.pk and not actor.has_perm("campus.change_user"):
        raise PermissionDenied("Only the user or an administrator may change a profile.")
    for field in ("first_name", "last_name", "academy", "degree"):
        setattr(user, field, data.get(field) or ("" if field != "academy" else None))
    uai = data.get("uai")
    if uai:
        user.establishment = establishment_get_or_create(
            uai=uai,
            name=data.get("establishment_name", ""),
            town=data.get("establishment_town", ""),
            academy=user.academy,
        )
    else:
        user.establishment = None
    user.save()
    user.disciplines.set(data.get("disciplines") or [])
    return user


def establishment_get_or_create(
    *, uai: str, name: str, town: str, academy: Academy | None
) -> Establishment:
    """Return the establishment with this UAI, creating it from name and town if unknown."""
    establishment, _created = Establishment.objects.get_or_create(
        uai=uai.strip().upper(),
        defaults={"name": name.strip(), "town": town.strip(), "academy": academy},
    )
    return establishment
