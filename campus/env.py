"""Typed readers for the environment: a deployment's whole configuration.

Each helper fails loudly (ImproperlyConfigured naming the variable) on a value it cannot
parse, rather than silently falling back to a default: a typo in production must stop the
process at start-up, not leave DEBUG on. Secrets may be given as ``NAME_FILE`` pointing to a
file (Docker and Kubernetes secrets), as healthchecks' ``hc/settings.py`` does.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str | None:
    """Return the variable, or the content of the file named by ``NAME_FILE``, or default."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE: cannot read {file_name!r}: {exc}") from exc
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    """Parse 1/0, true/false, yes/no, on/off (any case); anything else is an error."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use 1/0, true/false, yes/no)")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    """Parse a whole number, optionally bounded below."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}={value} must be at least {minimum}")
    return value


def env_float(
    name: str, default: float, *, minimum: float | None = None, maximum: float | None = None
) -> float:
    """Parse a decimal number (a dot, or a comma as French operators write it), bounded."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = float(raw.strip().replace(",", "."))
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a number") from None
    if not math.isfinite(value):  # "nan", "inf" parse, and mean nothing here.
        raise ImproperlyConfigured(f"{name}={raw!r} is not a number")
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}={value} must be at least {minimum}")
    if maximum is not None and value > maximum:
        raise ImproperlyConfigured(f"{name}={value} must be at most {maximum}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    """Parse a comma-separated list, ignoring blanks."""
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_database(name: str, default: str) -> dict:
    """Parse a database URL (sqlite:///path, postgres://user:pass@host:port/name)."""
    raw = env_str(name) or default
    if not raw.startswith(("sqlite:", "postgres:", "postgresql:", "pgsql:")):
        raise ImproperlyConfigured(
            f"{name}={raw!r}: only sqlite:/// and postgres:// URLs are supported"
        )
    try:
        return environ.Env.db_url_config(raw)
    except Exception as exc:  # environ raises several types on malformed URLs.
        raise ImproperlyConfigured(f"{name}={raw!r} is not a valid database URL: {exc}") from exc


def env_email(name: str, default: str) -> dict:
    """Parse an email URL (consolemail://, smtp://user:pass@host:port, smtp+tls://…)."""
    raw = env_str(name) or default
    try:
        config = environ.Env.email_url_config(raw)
    except Exception as exc:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a valid email URL: {exc}") from exc
    if not config.get("EMAIL_BACKEND"):
        raise ImproperlyConfigured(f"{name}={raw!r}: unknown email scheme")
    return config


def env_redis(name: str) -> str | None:
    """Return a redis:// or rediss:// URL, or None when unset."""
    raw = env_str(name)
    if not raw:
        return None
    if not raw.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(f"{name}={raw!r} must start with redis://, rediss:// or unix://")
    return raw
