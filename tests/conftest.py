"""Shared fixtures: small named sites copied into a temporary folder per test."""

from __future__ import annotations

import os
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

# 2026-01-01: a POT written now takes this creation date, not the clock's minute.
SOURCE_DATE = "1767225600"


@pytest.fixture(autouse=True, scope="session")
def fixed_source_date():
    """Every test that compares two runs' POT files (the memo against a fresh update,
    an incremental build against a clean one) sees one creation date: on the clock, two
    runs either side of a minute boundary differ in their headers, and such tests failed
    at random. The date rule itself is tested with the variable removed."""
    before = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = SOURCE_DATE
    yield
    if before is None:
        del os.environ["SOURCE_DATE_EPOCH"]
    else:
        os.environ["SOURCE_DATE_EPOCH"] = before


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


def parsed_pages(monkeypatch) -> list[str]:
    """The keys of the pages whose bodies the analysis memo parses from now on (those it
    could not take from the build record), in order."""
    from builder.engine import pagememo

    parsed: list[str] = []
    real = pagememo._parse
    monkeypatch.setattr(pagememo, "_parse", lambda pages: parsed.extend(p.key for p in pages)
                        or real(pages))
    return parsed
