"""Shared fixtures: small named sites copied into a temporary folder per test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import settings

# No test depends on timing (issue 13): Hypothesis's per-example deadline (200 ms)
# fails property tests on a busy 2-core machine whatever the property says.
settings.register_profile("infopages", deadline=None)
settings.load_profile("infopages")

REPO = Path(__file__).resolve().parent.parent
SITES = Path(__file__).resolve().parent / "sites"


THEME = REPO / "builder" / "theme"


def make_project(tmp_path: Path, name: str) -> Path:
    """Copy tests/sites/NAME into tmp_path (the built-in theme renders it)."""
    root = tmp_path / name
    shutil.copytree(SITES / name, root)
    return root


def copy_theme(root: Path) -> None:
    """The built-in theme's templates and static files as a project's own templates/
    (overriding every file): for tests that edit templates."""
    (root / "templates").mkdir(parents=True, exist_ok=True)
    for path in sorted(THEME.iterdir()):
        if path.is_file() and path.suffix in (".html", ".xml"):
            shutil.copyfile(path, root / "templates" / path.name)
    shutil.copytree(THEME / "static", root / "templates" / "static", dirs_exist_ok=True)


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    return make_project(tmp_path, "mini")


@pytest.fixture
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory) -> Path:
    """The repository's own demo site, built once per test session."""
    from builder.engine.build import BuildOptions
    from builder.pipeline import build

    out = tmp_path_factory.mktemp("demo") / "site"
    build(REPO, BuildOptions(out=out))
    return out
