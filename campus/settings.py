"""Campus settings: one module, configured by environment variables (see README).

Embedded default (nothing set): SQLite in WAL mode, local-memory cache and the in-memory
channel layer. With DATABASE_URL=postgres://… and REDIS_URL=redis://… the same code runs on
PostgreSQL (psycopg 3 with its connection pool), the Redis cache and channels_redis.
"""

from __future__ import annotations

from pathlib import Path

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from campus.credentials import parse_signing_keys
from campus.env import (
    env_bool,
    env_database,
    env_email,
    env_float,
    env_int,
    env_list,
    env_redis,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is required when DEBUG is off (set SECRET_KEY or SECRET_KEY_FILE)."
        )
    SECRET_KEY = "django-insecure-campus-development-only-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = (env_str("SITE_URL") or "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # Ours first so our templates win over the apps' own.
    "campus",
    "lrs",
    "courses",
    "community",
    "daphne",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "channels",
    "django_tasks",
    "django_tasks_db",
    "dsfr",
    "widget_tweaks",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "campus.middleware.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "campus.urls"
WSGI_APPLICATION = "campus.wsgi.application"
ASGI_APPLICATION = "campus.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "campus.context_processors.navigation",
                "community.context_processors.notifications",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
DATABASES = {"default": env_database("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
_db = DATABASES["default"]
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run while one writer commits; IMMEDIATE takes the write lock at BEGIN
    # so concurrent writers queue instead of failing with "database is locked" mid-transaction.
    _db["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA busy_timeout=5000;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
else:
    # Under ASGI every request may run on a different thread: persistent per-thread
    # connections (CONN_MAX_AGE>0) would open one connection per thread and exhaust
    # PostgreSQL under load. psycopg's pool shares a bounded set instead.
    _db["CONN_MAX_AGE"] = 0
    if env_bool("DATABASE_POOL", True):
        _db["OPTIONS"] = {
            "pool": {
                "min_size": env_int("DATABASE_POOL_MIN_SIZE", 2, minimum=0),
                "max_size": env_int("DATABASE_POOL_MAX_SIZE", 20, minimum=1),
                "timeout": env_int("DATABASE_POOL_TIMEOUT", 10, minimum=1),
            }
        }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, channel layer, background tasks ----------------------------------------------
REDIS_URL = env_redis("REDIS_URL")
REDIS_LAYER_SOCKET_TIMEOUT = 30  # Seconds; must exceed channels_redis's 5 s blocking pop.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "campus"),
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # redis-py 8 gives up reading a socket after 5 s, which is just how long
                # channels_redis blocks waiting for a message (BZPOPMIN, 5 s): a quiet
                # consumer's receive would fail and its websocket die. Reads outlast it.
                "hosts": [{"address": REDIS_URL, "socket_timeout": REDIS_LAYER_SOCKET_TIMEOUT}],
                "prefix": env_str("CHANNEL_LAYER_PREFIX", "campus"),
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# Production queues tasks in the database for `make worker` (db_worker); `make run` (DEBUG)
# runs them at once, so a password-reset email shows in the console without a worker.
TASKS = {
    "default": {
        "BACKEND": env_str(
            "TASKS_BACKEND",
            "django_tasks.backends.immediate.ImmediateBackend"
            if DEBUG
            else "django_tasks_db.DatabaseBackend",
        ),
    }
}

# --- Authentication ----------------------------------------------------------------------
AUTH_USER_MODEL = "campus.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Email ----------------------------------------------------------------------------------
_email = env_email("EMAIL_URL", "consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST") or "localhost"
EMAIL_PORT = _email.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER") or ""
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = bool(_email.get("EMAIL_USE_TLS"))
EMAIL_USE_SSL = bool(_email.get("EMAIL_USE_SSL"))
EMAIL_FILE_PATH = _email.get("EMAIL_FILE_PATH") or None
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Campus <ne-pas-repondre@campus.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Internationalisation ----------------------------------------------------------------
LANGUAGE_CODE = env_str("LANGUAGE_CODE", "fr")
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
if LANGUAGE_CODE not in dict(LANGUAGES):
    raise ImproperlyConfigured(f"LANGUAGE_CODE={LANGUAGE_CODE!r} must be one of fr, en")
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Europe/Paris")
USE_I18N = True
USE_TZ = True

# --- Static and media files --------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
# Let Django serve uploaded files itself: on in development and in a small single-host
# deployment without a reverse proxy; at scale a proxy or object storage serves /media/.
SERVE_MEDIA = env_bool("SERVE_MEDIA", DEBUG)
# Files only their owner and their trainers may read (assignments handed in): kept outside
# MEDIA_ROOT so no web server ever serves them; views check permissions and stream them.
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "private")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    },
    "staticfiles": {
        # Hashed, compressed files in production (collected at image build); plain files in
        # development so no collectstatic is needed.
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}
WHITENOISE_USE_FINDERS = DEBUG
DSFR_USE_INTEGRITY_CHECKSUMS = True
# Mark optional fields rather than required ones, as the DSFR now recommends.
DSFR_MARK_OPTIONAL_FIELDS = True
# django-dsfr marks alerts' content safe by default, flash messages included, and those quote
# what people typed (a community's name, a resource's title): escape them like any text.
DSFR_CONTENT_IS_SAFE = False

# --- Wagtail --------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Campus"
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAIL_I18N_ENABLED = False
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
if _db["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's French text search configuration: stemming and stop words, so that
    # « évaluations » finds « évaluer ». Pages are indexed with it: after changing it, run
    # `manage.py update_index`. (SQLite's full-text index has no language; it matches words.)
    WAGTAILSEARCH_BACKENDS["default"]["SEARCH_CONFIG"] = "french"
# Documents editors may upload: office files, and the videos and captions (WebVTT) that the
# step video block plays.
WAGTAILDOCS_EXTENSIONS = [
    "csv",
    "docx",
    "mp4",
    "odp",
    "ods",
    "odt",
    "pdf",
    "pptx",
    "txt",
    "vtt",
    "webm",
    "xlsx",
    "zip",
]

# --- Security -------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if env_bool("TRUST_X_FORWARDED_PROTO", False):
    # Only behind a reverse proxy that sets the header itself (see README, "Scaling out").
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    # Probes call these over plain HTTP from inside the cluster.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

CONTENT_SECURITY_POLICY = {
    # The Wagtail and Django admins ship inline scripts and styles of their own; they are
    # staff-only and protected by the rest of the headers.
    "EXCLUDE_URL_PREFIXES": ["/cms/", "/admin/"],
    "DIRECTIVES": {
        "default-src": [SELF],
        # Scripts are files of ours only: no inline script, so no nonce is needed.
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "media-src": [SELF],
        "frame-src": [SELF, "https://www.youtube-nocookie.com", "https://player.vimeo.com"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# --- LRS ------------------------------------------------------------------------------------
# The Agent set as `authority` on the statements Campus's own pages record in-process
# (lrs.api, xAPI 1.0.3 §2.4.9). HTTP clients get theirs from their lrs.Client row.
LRS_AUTHORITY = {
    "objectType": "Agent",
    "name": "Campus",
    "account": {"homePage": SITE_URL, "name": "campus"},
}
# How long a verified Basic-auth key:secret pair is trusted before its hash is checked again.
LRS_AUTH_CACHE_SECONDS = env_int("LRS_AUTH_CACHE_SECONDS", 30, minimum=0)
# Forwarding every stored statement to an external LRS (an académie's Ralph or Learning
# Locker) through the durable outbox (lrs.forwarding). Off (empty) unless LRS_FORWARD_URL is
# set; the key "default" is the target's name recorded on each outbox row, so keep it stable.
LRS_FORWARD_TARGETS: dict[str, dict] = {}
_lrs_forward_url = (env_str("LRS_FORWARD_URL") or "").strip().rstrip("/")
if _lrs_forward_url:
    if not _lrs_forward_url.startswith(("http://", "https://")):
        raise ImproperlyConfigured(
            f"LRS_FORWARD_URL={_lrs_forward_url!r} must be the http(s):// URL of an xAPI "
            "endpoint (e.g. https://lrs.example.org/xAPI)"
        )
    LRS_FORWARD_TARGETS["default"] = {
        "BACKEND": env_str("LRS_FORWARD_BACKEND", "lrs.forwarding.HTTPForwarder"),
        "URL": _lrs_forward_url,
        "USERNAME": env_str("LRS_FORWARD_USERNAME", ""),
        "PASSWORD": env_str("LRS_FORWARD_PASSWORD", ""),
        "TIMEOUT": env_int("LRS_FORWARD_TIMEOUT", 10, minimum=1),
        "BATCH_SIZE": env_int("LRS_FORWARD_BATCH_SIZE", 100, minimum=1),
    }

# --- Courses ----------------------------------------------------------------------------------

# The largest file a learner may hand in for an assignment (bytes).
COURSES_SUBMISSION_MAX_BYTES = env_int(
    "COURSES_SUBMISSION_MAX_BYTES", 20 * 1024 * 1024, minimum=1024
)

# --- Community --------------------------------------------------------------------------------

# The rubric average (1 to 4) a review of a resource must be above to count towards its
# publication; two such reviews of the current version are needed (community.services_review).
COMMUNITY_REVIEW_THRESHOLD = env_float("COMMUNITY_REVIEW_THRESHOLD", 2.5, minimum=1, maximum=4)
# The largest file one may attach to a community resource (bytes).
COMMUNITY_ATTACHMENT_MAX_BYTES = env_int(
    "COMMUNITY_ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024, minimum=1024
)

# --- Credentials (Open Badges 3.0) ------------------------------------------------------------

# The Ed25519 keys that sign the platform's verifiable credentials, "kid:<base64url 32-byte
# seed>" separated by commas: the first signs, the others still verify (rotation). Unset: a
# development key derived from SECRET_KEY when DEBUG is on; issuing is off otherwise (the check
# campus.W001 says so). URLs in credentials and keys are built on SITE_URL.
try:
    CREDENTIAL_SIGNING_KEYS = parse_signing_keys(env_str("CREDENTIAL_SIGNING_KEYS") or "")
except ValueError as error:
    raise ImproperlyConfigured(f"CREDENTIAL_SIGNING_KEYS: {error}") from None
# The issuer's name in credentials (their « issuer.name »).
CREDENTIAL_ISSUER_NAME = env_str("CREDENTIAL_ISSUER_NAME", "Campus")
