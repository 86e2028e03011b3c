"""French demo content for the people side of Campus (used by `manage.py seed_demo`)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from campus.models import Academy, Degree, Discipline, Establishment, User
from campus.roles import ROLE_GROUPS, Role

DEMO_PASSWORD = "campus-demo"  # noqa: S105 - demo accounts only; seed_demo refuses production.


@dataclass(frozen=True)
class DemoPerson:
    email: str
    first_name: str
    last_name: str
    roles: tuple[Role, ...]
    academy: str
    uai: str | None
    disciplines: tuple[str, ...] = ()
    degree: str = Degree.SECOND
    superuser: bool = False
    # Permissions held in person rather than through a role (« app_label.codename »).
    permissions: tuple[str, ...] = ()


ESTABLISHMENTS = [
    ("0690026D", "Lycée du Parc", "Lyon", "lyon"),
    ("0750655E", "Lycée Louis-le-Grand", "Paris", "paris"),
    ("0693331J", "Collège Jean Moulin", "Lyon", "lyon"),
    # Schools of the demo cohort's learners (courses.demo), all in the académie de Lyon.
    ("0690027E", "Lycée Ampère", "Lyon", "lyon"),
    ("0691664J", "Collège Gabriel Rosset", "Lyon", "lyon"),
    ("0692339T", "École élémentaire Jean Jaurès", "Villeurbanne", "lyon"),
    ("0694152N", "École primaire Les Tilleuls", "Vénissieux", "lyon"),
]

PEOPLE = [
    DemoPerson(
        "enseignante@campus.localhost",
        "Claire",
        "Martin",
        (Role.TEACHER,),
        "lyon",
        "0693331J",
        ("mathematiques",),
    ),
    DemoPerson(
        "formateur@campus.localhost",
        "Karim",
        "Benali",
        (Role.TRAINER, Role.TEACHER),
        "lyon",
        "0690026D",
        ("physique-chimie",),
        # A member of the C2i2e jury, so the demo can go as far as issuing a certification.
        permissions=("campus.issue_certification",),
    ),
    DemoPerson(
        "inspectrice@campus.localhost",
        "Sophie",
        "Lefèvre",
        (Role.INSPECTOR,),
        "lyon",
        None,
        ("mathematiques",),
    ),
    # Approves what content editors submit in the CMS (the « Validation pédagogique » workflow).
    DemoPerson(
        "moderatrice@campus.localhost",
        "Nadia",
        "Haddad",
        (Role.MODERATOR,),
        "lyon",
        None,
    ),
    DemoPerson(
        "admin@campus.localhost",
        "Alex",
        "Durand",
        (Role.ADMIN, Role.EDITOR),
        "lyon",
        None,
        superuser=True,
    ),
]


@transaction.atomic
def seed_people() -> list[tuple[DemoPerson, bool]]:
    """Create the demo establishments and people if missing; return (person, created)."""
    academies = {a.slug: a for a in Academy.objects.all()}
    for uai, name, town, academy in ESTABLISHMENTS:
        Establishment.objects.get_or_create(
            uai=uai, defaults={"name": name, "town": town, "academy": academies[academy]}
        )
    result = []
    for person in PEOPLE:
        user, created = User.objects.get_or_create(
            email=person.email,
            defaults={
                "first_name": person.first_name,
                "last_name": person.last_name,
                "academy": academies[person.academy],
                "degree": person.degree,
                "establishment": Establishment.objects.filter(uai=person.uai).first(),
                "is_staff": person.superuser,
                "is_superuser": person.superuser,
            },
        )
        if created:
            # Only on creation: a second run must not reset a password someone changed.
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            user.disciplines.set(Discipline.objects.filter(slug__in=person.disciplines))
        user.groups.add(*Group.objects.filter(name__in=[ROLE_GROUPS[r] for r in person.roles]))
        for dotted in person.permissions:
            app_label, codename = dotted.split(".")
            user.user_permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        result.append((person, created))
    return result
