"""The apps depend on each other only in the allowed directions."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
OUR_APPS = {"campus", "lrs", "courses", "community"}
# lrs stands alone; courses and community may use lrs and campus, not each other; campus
# uses neither (services in courses and community feed its recognition record), except in
# the URL/routing wiring and settings that assemble the project.
ALLOWED = {
    "lrs": set(),
    "courses": {"lrs", "campus"},
    "community": {"lrs", "campus"},
    "campus": {"lrs"},
}
WIRING = {"campus/urls.py", "campus/routing.py", "campus/settings.py", "campus/asgi.py"}


def _imported_apps(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names & OUR_APPS


@pytest.mark.parametrize("app", sorted(ALLOWED))
def test_architecture_app_imports_only_what_it_may(app):
    """No module of an app imports an app it must not depend on."""
    offenders = []
    for path in sorted((ROOT / app).rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if relative in WIRING:
            continue
        forbidden = _imported_apps(path) - ALLOWED[app] - {app}
        if forbidden:
            offenders.append(f"{relative} imports {sorted(forbidden)}")
    assert offenders == []
