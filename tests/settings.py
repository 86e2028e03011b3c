"""Test settings: the production module plus what makes tests fast and isolated.

DATABASE_URL and REDIS_URL still apply, so the same suite runs embedded (SQLite, in-memory
layer) or against PostgreSQL and Redis (see .ci/run).
"""

import os

os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-not-for-production")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("ALLOWED_HOSTS", "localhost,127.0.0.1,testserver")

from campus.settings import *  # noqa: F403
from campus.settings import CACHES, REDIS_LAYER_SOCKET_TIMEOUT, REDIS_URL, STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
LANGUAGE_CODE = "fr"
WHITENOISE_USE_FINDERS = True

if REDIS_URL:
    # Each xdist worker gets its own key and channel prefixes on the shared Redis.
    _worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    CACHES = {"default": {**CACHES["default"], "KEY_PREFIX": f"campus-test-{_worker}"}}
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # As in campus/settings.py: reads outlast channels_redis's 5 s blocking pop.
                "hosts": [{"address": REDIS_URL, "socket_timeout": REDIS_LAYER_SOCKET_TIMEOUT}],
                "prefix": f"campus-test-{_worker}",
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
