"""/healthz checks the database, cache and channel layer; /readyz the migrations."""

from __future__ import annotations

import pytest


@pytest.mark.django_db
def test_views_healthz_reports_every_dependency(client):
    """All three dependencies answer: 200 with a JSON report."""
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "channel_layer"}
    assert all(check["ok"] for check in body["checks"].values())
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_views_healthz_fails_when_the_cache_is_down(client, settings):
    """A cache that cannot be reached turns /healthz into a 503 naming the cache."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # Nothing listens on port 1.
        }
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["cache"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True


@pytest.mark.django_db
def test_views_readyz_ready_when_migrated(client):
    """A fully migrated database makes the process ready."""
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "reason": "ready"}


def test_views_health_endpoints_are_not_redirected_to_https(client, settings, db):
    """Probes on plain HTTP are exempt from the HTTPS redirect of production."""
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    assert client.get("/healthz").status_code == 200
    assert client.get("/compte/connexion/").status_code == 301
