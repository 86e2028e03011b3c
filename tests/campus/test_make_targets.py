"""The Makefile does no work twice: an unchanged lock installs nothing."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(not shutil.which("make"), reason="make is not installed")
def test_make_install_is_up_to_date_when_lock_unchanged():
    """After one install, `make -q install` reports nothing left to do."""
    if not (ROOT / ".venv" / ".installed-dev.lock").exists():
        pytest.skip("the suite is not running from `make test`'s virtual environment")
    result = subprocess.run(
        ["make", "-q", "install"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, (
        "make would reinstall although requirements/dev.lock is unchanged"
    )


def test_make_run_and_test_targets_exist():
    """The README's two commands are Makefile targets; `make -n run` plans a Daphne server."""
    result = subprocess.run(
        ["make", "-n", "run", "PORT=8123"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "seed_demo" in result.stdout
    assert "daphne -b 127.0.0.1 -p 8123 campus.asgi:application" in result.stdout
