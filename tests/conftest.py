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


def catalogues(root: Path, locale: str) -> list[Path]:
    """A locale's catalogues: one per domain (ui, topics, pages, news-YYYY)."""
    return sorted((root / "locales" / locale / "LC_MESSAGES").glob("*.po"))


def catalogue_of(root: Path, locale: str, msgid: str) -> Path:
    """The catalogue of `locale` whose active entries include `msgid`."""
    import polib

    for path in catalogues(root, locale):
        if any(e.msgid == msgid and not e.obsolete for e in polib.pofile(str(path))):
            return path
    raise AssertionError(f"no catalogue of {locale} has {msgid!r}")


def translate_catalogues(root: Path, locale: str, translate) -> None:
    """Every entry of every catalogue of `locale` given `translate(source)`."""
    import polib

    for path in catalogues(root, locale):
        catalogue = polib.pofile(str(path), wrapwidth=0)
        for entry in catalogue:
            if entry.msgid_plural:
                entry.msgstr_plural = {k: translate(entry.msgid_plural)
                                       for k in entry.msgstr_plural}
            else:
                entry.msgstr = translate(entry.msgid)
        catalogue.save()
