"""Personas shared by every test: a learner, a trainer, an inspector, an outsider…"""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from wagtail.models import Collection, Locale, Page, Site

from campus.models import HomePage
from campus.roles import Role, sync_role_groups
from tests.campus.factories import UserFactory


@pytest.fixture(autouse=True)
def fresh_channel_layers():
    """Each test gets channel layers of its own.

    Channels keeps one layer instance per alias for the whole process, and channels_redis lets
    only one event loop at a time receive on an instance. In production a process has one
    loop; in the tests each server thread and each async test brings its own, and a socket of
    an earlier test still being closed on its loop would refuse the next test's receives.
    """
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.fixture
def learner(db):
    """Claire, a maths teacher in Lyon taking modules."""
    return UserFactory(
        email="claire.martin@ac-lyon.fr",
        first_name="Claire",
        last_name="Martin",
        roles=[Role.TEACHER],
    )


@pytest.fixture
def trainer(db):
    """Karim, an INSPE trainer who runs blended cohorts."""
    return UserFactory(
        email="karim.benali@ac-lyon.fr",
        first_name="Karim",
        last_name="Benali",
        roles=[Role.TRAINER],
    )


@pytest.fixture
def inspector(db):
    """Sophie, a maths IPR in the académie of Lyon."""
    return UserFactory(
        email="sophie.lefevre@ac-lyon.fr",
        first_name="Sophie",
        last_name="Lefèvre",
        roles=[Role.INSPECTOR],
    )


@pytest.fixture
def editor(db):
    """Luc, who writes training modules in the CMS."""
    return UserFactory(
        email="luc.moreau@ac-lyon.fr", first_name="Luc", last_name="Moreau", roles=[Role.EDITOR]
    )


@pytest.fixture
def moderator(db):
    """Nadia, who reviews the modules editors submit and publishes them."""
    return UserFactory(
        email="nadia.haddad@ac-lyon.fr",
        first_name="Nadia",
        last_name="Haddad",
        roles=[Role.MODERATOR],
    )


@pytest.fixture
def outsider(db):
    """Olivier, logged in but holding no role at all."""
    return UserFactory(email="olivier@example.org", first_name="Olivier", last_name="Roux")


@pytest.fixture
def reference_data(transactional_db):
    """The data migrations' content, present even after another test flushed the database.

    Transactional tests (live server, browser) flush the database when they end, taking the
    académies, disciplines, frameworks and the Wagtail tree with it; under pytest-xdist such a
    test may run before any other on the same worker. This re-runs the data migrations'
    own loaders (idempotent) and rebuilds the root collection and the site root if gone.
    """
    for name in ("0002_reference_data", "0006_load_c2i2e"):
        importlib.import_module(f"campus.migrations.{name}").load(apps, None)
    # Wagtail's migrations create the root collection, which documents and images need.
    if not Collection.objects.exists():
        Collection.add_root(name="Root")
    if not HomePage.objects.exists():
        Locale.objects.get_or_create(language_code="fr")
        root = Page.get_first_root_node() or Page.add_root(title="Root", slug="root")
        home = root.add_child(instance=HomePage(title="Campus", slug="accueil"))
        Site.objects.update_or_create(
            is_default_site=True,
            defaults={"hostname": "localhost", "port": 80, "root_page": home},
        )
    sync_role_groups()
