"""Fixtures shared by the community app's tests (add to this file)."""

from __future__ import annotations

import pytest
from django.utils import translation

from tests.community import rooms_helpers


@pytest.fixture
def english():
    """Messages in English (the msgids), whatever the French catalogue says."""
    with translation.override("en"):
        yield


@pytest.fixture
def rooms(trainer, learner, inspector, outsider, settings):
    """The rooms tests' world (tests/community/rooms_helpers.py), with a cache of its own."""
    rooms_helpers.fresh_cache(settings)
    return rooms_helpers.world(
        animateur=trainer, learner=learner, inspector=inspector, outsider=outsider
    )
