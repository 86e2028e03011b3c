"""Fixtures of the LRS tests: a client with credentials and an HTTP client speaking xAPI."""

from __future__ import annotations

import pytest
from django.test import Client as DjangoClient

from lrs.auth import forget_verified_credentials
from tests.lrs.factories import ClientFactory, basic_auth

XAPI_VERSION = "1.0.3"


@pytest.fixture(autouse=True)
def _forget_credentials():
    """Verified credentials are remembered per process: forget them between tests."""
    forget_verified_credentials()
    yield
    forget_verified_credentials()


@pytest.fixture
def lrs_credentials(db):
    """The LRS client (model) every request of ``lrs_client`` authenticates as."""
    return ClientFactory(name="campus-tests")


def xapi_client(credentials) -> DjangoClient:
    """A Django test client sending Basic auth for ``credentials`` and the xAPI version."""
    return DjangoClient(
        HTTP_AUTHORIZATION=basic_auth(credentials),
        HTTP_X_EXPERIENCE_API_VERSION=XAPI_VERSION,
    )


@pytest.fixture
def lrs_client(lrs_credentials) -> DjangoClient:
    """A Django test client authenticated as a client holding every scope."""
    return xapi_client(lrs_credentials)
