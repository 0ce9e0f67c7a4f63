"""Shared fixtures: small named sites copied into a temporary folder per test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SITES = Path(__file__).resolve().parent / "sites"


def make_project(tmp_path: Path, name: str) -> Path:
    """Copy tests/sites/NAME into tmp_path with the repository's templates."""
    root = tmp_path / name
    shutil.copytree(SITES / name, root)
    if not (root / "templates").exists():
        shutil.copytree(REPO / "templates", root / "templates")
    return root


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
