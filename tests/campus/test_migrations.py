"""Every model change has its migration checked in."""

from __future__ import annotations

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_migrations_are_complete(capsys):
    """`makemigrations --check` finds nothing to write."""
    try:
        call_command("makemigrations", "--check", "--dry-run", verbosity=1)
    except SystemExit as exc:  # --check exits non-zero when a migration is missing.
        pytest.fail(f"missing migrations:\n{capsys.readouterr().out}\n(exit {exc.code})")
