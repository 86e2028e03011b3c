"""Factories for people and places.

Users are active, have a usable password ("password") and an académie; establishments get a
valid UAI (correct check letter) built from a sequence, so any number can be created.
"""

from __future__ import annotations

import factory
from django.contrib.auth.models import Group

from campus.models import Academy, Degree, Establishment, User
from campus.roles import ROLE_GROUPS, Role
from campus.validators import uai_check_letter

PASSWORD = "password"


def _uai(n: int) -> str:
    digits = f"069{n:04d}"
    return digits + uai_check_letter(digits)


class EstablishmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Establishment
        django_get_or_create = ["uai"]

    uai = factory.Sequence(_uai)
    name = factory.Sequence(lambda n: f"Collège n°{n}")
    town = "Lyon"
    academy = factory.LazyFunction(lambda: Academy.objects.get(slug="lyon"))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["email"]
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"enseignant{n}@ac-lyon.fr")
    first_name = "Camille"
    last_name = factory.Sequence(lambda n: f"Dupont{n}")
    academy = factory.LazyFunction(lambda: Academy.objects.get(slug="lyon"))
    degree = Degree.SECOND
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def roles(self, create: bool, extracted: list[Role] | None, **kwargs) -> None:
        """Put the user in the groups of the given roles: UserFactory(roles=[Role.TRAINER])."""
        if create and extracted:
            self.groups.add(*Group.objects.filter(name__in=[ROLE_GROUPS[r] for r in extracted]))
