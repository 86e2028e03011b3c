"""Settings come from the environment and fail loudly on bad values."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.core.exceptions import ImproperlyConfigured

from campus import env

ROOT = Path(__file__).resolve().parents[2]
# Set for this test process (by tests/settings.py or CI); a fresh process must not inherit them.
_TEST_ONLY_VARIABLES = {
    "DATABASE_URL",
    "REDIS_URL",
    "SECRET_KEY",
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "ALLOWED_HOSTS",
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "k3J9-vQ2#pL8@zR5!mW7$tY4%nB6^cX1&hF0*dG2(sA9)eU3+rT8~jN4",
    "ALLOWED_HOSTS": "campus.example.fr",
    "DJANGO_SETTINGS_MODULE": "campus.settings",
    # Verifiable credentials on (without a key, `check --deploy` warns campus.W001).
    "CREDENTIAL_SIGNING_KEYS": "k1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8",
}


def _fresh_environment(extra_env: dict[str, str]) -> dict[str, str]:
    """This process's environment without the test-only variables, plus `extra_env`."""
    inherited = {k: v for k, v in os.environ.items() if k not in _TEST_ONLY_VARIABLES}
    return {**inherited, **extra_env}


def run_django(code: str, extra_env: dict[str, str]):
    """Run `code` in a fresh interpreter with Django set up under the given environment."""
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=_fresh_environment({"DJANGO_SETTINGS_MODULE": "campus.settings", **extra_env}),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("raw,expected", [("1", True), ("TRUE", True), ("off", False), ("", False)])
def test_settings_env_bool_parses(monkeypatch, raw, expected):
    """env_bool accepts the usual spellings of true and false."""
    monkeypatch.setenv("CAMPUS_FLAG", raw)
    assert env.env_bool("CAMPUS_FLAG", not expected) is expected


def test_settings_env_bool_rejects_garbage(monkeypatch):
    """env_bool refuses a value that is neither true nor false, naming the variable."""
    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="DEBUG='maybe' is not a boolean"):
        env.env_bool("DEBUG", False)


def test_settings_env_int_rejects_garbage_and_small_values(monkeypatch):
    """env_int refuses text and values below the minimum."""
    monkeypatch.setenv("POOL", "ten")
    with pytest.raises(ImproperlyConfigured, match="not a whole number"):
        env.env_int("POOL", 1)
    monkeypatch.setenv("POOL", "0")
    with pytest.raises(ImproperlyConfigured, match="at least 1"):
        env.env_int("POOL", 1, minimum=1)
    monkeypatch.setenv("POOL", "7")
    assert env.env_int("POOL", 1, minimum=1) == 7


def test_settings_env_float_parses_decimals_and_bounds(monkeypatch):
    """env_float takes a dot or a comma, refuses text, NaN and values out of bounds."""
    assert env.env_float("THRESHOLD", 2.5) == 2.5
    monkeypatch.setenv("THRESHOLD", "3,25")
    assert env.env_float("THRESHOLD", 2.5, minimum=1, maximum=4) == 3.25
    for raw, message in [
        ("high", "not a number"),
        ("nan", "not a number"),
        ("0.5", "at least 1"),
        ("4.5", "at most 4"),
    ]:
        monkeypatch.setenv("THRESHOLD", raw)
        with pytest.raises(ImproperlyConfigured, match=message):
            env.env_float("THRESHOLD", 2.5, minimum=1, maximum=4)


def test_settings_env_list_splits_on_commas(monkeypatch):
    """env_list splits on commas and drops blanks."""
    monkeypatch.setenv("HOSTS", " a.fr, ,b.fr ")
    assert env.env_list("HOSTS", []) == ["a.fr", "b.fr"]


def test_settings_env_secret_file(monkeypatch, tmp_path):
    """A secret can be read from the file named by NAME_FILE."""
    secret = tmp_path / "secret"
    secret.write_text("from-a-file\n")
    monkeypatch.setenv("SECRET_KEY_FILE", str(secret))
    assert env.env_str("SECRET_KEY") == "from-a-file"
    monkeypatch.setenv("SECRET_KEY_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY_FILE: cannot read"):
        env.env_str("SECRET_KEY")


def test_settings_env_database_urls(monkeypatch):
    """DATABASE_URL accepts SQLite and PostgreSQL URLs and refuses others."""
    monkeypatch.setenv("DATABASE_URL", "postgres://campus:pw@db:5432/campus")
    config = env.env_database("DATABASE_URL", "sqlite:///x")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["NAME"], config["USER"]) == ("db", "campus", "campus")
    monkeypatch.setenv("DATABASE_URL", "mysql://root@localhost/campus")
    with pytest.raises(ImproperlyConfigured, match="only sqlite:/// and postgres://"):
        env.env_database("DATABASE_URL", "sqlite:///x")


def test_settings_env_email_and_redis_urls(monkeypatch):
    """EMAIL_URL picks the backend; REDIS_URL must be a redis URL."""
    monkeypatch.setenv("EMAIL_URL", "smtp+tls://user:pw@smtp.ac-lyon.fr:587")
    config = env.env_email("EMAIL_URL", "consolemail://")
    assert config["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert config["EMAIL_USE_TLS"] is True
    monkeypatch.setenv("REDIS_URL", "http://redis:6379")
    with pytest.raises(ImproperlyConfigured, match="must start with redis://"):
        env.env_redis("REDIS_URL")


def test_settings_production_refuses_to_start_without_secret_key():
    """With DEBUG off and no SECRET_KEY, loading the settings fails with a clear reason."""
    result = run_django("", {"DEBUG": "0", "DJANGO_SETTINGS_MODULE": "campus.settings"})
    assert result.returncode != 0
    assert "SECRET_KEY is required when DEBUG is off" in result.stderr


def test_settings_production_check_deploy_is_clean():
    """`manage.py check --deploy` reports nothing in the production configuration."""
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_fresh_environment(PRODUCTION_ENV),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_settings_postgres_uses_pool_and_no_persistent_connections():
    """On PostgreSQL, connections come from psycopg's pool and CONN_MAX_AGE is 0."""
    code = (
        "from django.conf import settings as s; d = s.DATABASES['default']; "
        "print(d['ENGINE'], d['CONN_MAX_AGE'], d['OPTIONS']['pool']['max_size'])"
    )
    result = run_django(
        code,
        {
            **PRODUCTION_ENV,
            "DATABASE_URL": "postgres://campus@db:5432/campus",
            "DATABASE_POOL_MAX_SIZE": "12",
        },
    )
    assert result.stdout.split() == ["django.db.backends.postgresql", "0", "12"], result.stderr


def test_settings_redis_url_selects_redis_cache_and_channel_layer():
    """REDIS_URL switches the cache and the channel layer to Redis."""
    code = (
        "from django.conf import settings as s; "
        "print(s.CACHES['default']['BACKEND'], s.CHANNEL_LAYERS['default']['BACKEND'])"
    )
    result = run_django(code, {**PRODUCTION_ENV, "REDIS_URL": "redis://cache:6379/0"})
    assert result.stdout.split() == [
        "django.core.cache.backends.redis.RedisCache",
        "channels_redis.core.RedisChannelLayer",
    ], result.stderr
    embedded = run_django(code, PRODUCTION_ENV)
    assert embedded.stdout.split() == [
        "django.core.cache.backends.locmem.LocMemCache",
        "channels.layers.InMemoryChannelLayer",
    ], embedded.stderr


def test_settings_docker_compose_environment_is_valid():
    """The environment docker/compose.yaml gives the web service loads cleanly."""
    compose = yaml.safe_load((ROOT / "docker" / "compose.yaml").read_text())
    web_env = {k: str(v) for k, v in compose["services"]["web"]["environment"].items()}
    # Compose interpolates ${VAR:-default}; use the defaults as a deployment would.
    # ${VAR:?message} must come from the operator's environment (no default on purpose).
    required = {k for k, v in web_env.items() if ":?" in v}
    assert required == {"SECRET_KEY"}
    resolved = {
        k: (v.split(":-", 1)[1].rstrip("}") if ":-" in v else v)
        for k, v in web_env.items()
        if k not in required
    }
    resolved["SECRET_KEY"] = PRODUCTION_ENV["SECRET_KEY"]
    code = (
        "from django.conf import settings as s; "
        "print(s.DATABASES['default']['HOST'], s.REDIS_URL, s.DEBUG, s.ALLOWED_HOSTS)"
    )
    result = run_django(code, resolved)
    assert result.returncode == 0, result.stderr
    host, redis_url, debug, *_hosts = result.stdout.split()
    assert (host, redis_url, debug) == ("db", "redis://redis:6379/0", "False")
    assert compose["services"]["worker"]["command"][-1] == "db_worker"
