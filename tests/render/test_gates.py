"""Publish gates: a page below its gate is not published in that locale, but is
in the translators' preview; a locale with nothing published disappears."""

from __future__ import annotations

import json
from pathlib import Path

import polib
import pytest

from builder.cli.app import main
from tests.conftest import catalogues

GATES = """
publish:
  default:
    min_percent: 60
    required: [title, heading, navigation]
"""


def translate(root: Path, locale: str, table) -> None:
    main(["update", "--project", str(root)])
    for path in catalogues(root, locale):
        catalogue = polib.pofile(str(path), wrapwidth=0)
        for entry in catalogue:
            if not entry.msgid_plural:
                entry.msgstr = table(entry)
        catalogue.save()


@pytest.fixture
def gated(mini: Path) -> Path:
    config = mini / "content" / "site.yaml"
    config.write_text(config.read_text() + GATES)
    # French: everything but the about page's paragraph and title; Arabic: nothing.
    translate(mini, "fr", lambda e: "" if "content/pages/about.md" in {f for f, _ in e.occurrences}
              and "content/topics/safety.md" not in {f for f, _ in e.occurrences}
              else "FR " + e.msgid)
    return mini


def test_pages_below_their_gate_are_not_published(gated: Path):
    assert main(["build", "--project", str(gated)]) == 0
    site = gated / "site"
    assert (site / "fr" / "topics" / "safety.html").is_file()
    assert not (site / "fr" / "about.html").exists()
    safety = (site / "fr" / "topics" / "safety.html").read_text()
    # The link to the unpublished page leads to the English page, and says so in French.
    assert '<a href="../../en/about.html" hreflang="en">FR About us</a>' not in safety
    assert 'href="../../en/about.html" hreflang="en"' in safety
    assert "(in anglais)" in safety or "(in English)" in safety or "anglais" in safety
    en_about = (site / "en" / "about.html").read_text()
    assert 'hreflang="fr"' in en_about          # switcher: French home instead
    assert '<a href="../fr/index.html" lang="fr" hreflang="fr"' in en_about
    assert '<link rel="alternate" hreflang="fr"' not in en_about


def test_a_locale_with_nothing_published_disappears(gated: Path):
    assert main(["build", "--project", str(gated)]) == 0
    site = gated / "site"
    assert not (site / "ar").exists()
    assert 'hreflang="ar"' not in (site / "en" / "index.html").read_text()
    assert "/ar/" not in (site / "sitemap.xml").read_text()
    assert 'hreflang="ar"' not in (site / "index.html").read_text()


def test_the_preview_has_everything_highlighted(gated: Path):
    main(["update", "--project", str(gated)])
    assert main(["build", "--project", str(gated)]) == 0
    preview = gated / "site" / "_preview"
    about = (preview / "fr" / "about.html").read_text()
    assert ('<h1 id="page-title" lang="en" class="i18n-untranslated" '
            'data-i18n-id="pages/about#title">About us</h1>') in about
    assert '<meta name="robots" content="noindex">' in about
    assert (preview / "ar" / "index.html").is_file()
    assert (preview / "assets" / "style.css").is_file()
    assert "_preview" not in (gated / "site" / "sitemap.xml").read_text()


def test_fuzzy_translations_show_in_the_preview_only(gated: Path):
    path = gated / "locales" / "fr" / "LC_MESSAGES" / "topics.po"
    catalogue = polib.pofile(str(path), wrapwidth=0)
    entry = catalogue.find("Safety")
    entry.msgstr, entry.flags = "Sécurité (à revoir)", ["fuzzy"]
    heading = catalogue.find("Our work")
    heading.msgstr, heading.flags = "Notre travail (à revoir)", ["fuzzy"]
    catalogue.save()
    assert main(["build", "--project", str(gated), "--preview"]) == 0
    page = (gated / "site" / "_preview" / "fr" / "topics" / "safety.html").read_text()
    assert "Sécurité (à revoir)" in page
    assert ('<h2 id="our-work" class="i18n-fuzzy" data-i18n-id="topics/safety#our-work.h1">'
            "Notre travail (à revoir)</h2>") in page
    assert "Sécurité (à revoir)" not in (gated / "site" / "fr" / "index.html").read_text()


def test_stats_pages_and_check(gated: Path, capsys):
    capsys.readouterr()
    assert main(["stats", "--project", str(gated), "--pages", "--json"]) == 0
    rows = {(r["locale"], r["key"]): r for r in json.loads(capsys.readouterr().out)}
    assert rows[("fr", "topics/safety")]["published"] is True
    assert rows[("fr", "pages/about")]["published"] is False
    assert "pages/about#title" in rows[("fr", "pages/about")]["missing_required"]
    assert main(["stats", "--project", str(gated), "--check"]) == 1
    assert "fr: pages/about fails its publish gate" in capsys.readouterr().out


def test_bad_gate_configuration_is_an_input_error(mini: Path, capsys):
    config = mini / "content" / "site.yaml"
    config.write_text(config.read_text() + "publish:\n  de: {min_percent: 50}\n  fr: {required: [titles]}\n")
    assert main(["build", "--project", str(mini)]) == 2
    err = capsys.readouterr().err
    assert "content/site.yaml:17: error: publish gate for unknown locale `de`" in err
    assert "content/site.yaml:18: error: unknown required kind `titles` — use title, heading" in err


def test_without_gates_every_page_is_listed_with_its_share(mini: Path, capsys):
    """A site without publish gates publishes every page: `stats --pages` and the
    status page still give each page's translated share, and say it passes."""
    translate(mini, "fr", lambda e: "FR " + e.msgid if "safety" in e.msgid.lower() else "")
    capsys.readouterr()
    assert main(["stats", "--project", str(mini), "--pages", "--json"]) == 0
    rows = {(r["locale"], r["key"]): r for r in json.loads(capsys.readouterr().out)}
    keys = {"topics/safety", "pages/about", "news/2020-01-15-first", "news/2020-03-01-second",
            "news/2021-06-30-third"}
    assert rows.keys() == {(code, key) for code in ("fr", "ar") for key in keys}
    assert all(r["published"] and not r["missing_required"] for r in rows.values())
    assert 0 < rows[("fr", "topics/safety")]["percent"] < 100
    assert rows[("ar", "topics/safety")]["percent"] == 0
    assert main(["stats", "--project", str(mini), "--check"]) == 0
    from builder.tools.status import translation_data

    fr = {s.code: s for s in translation_data(mini)}["fr"]
    assert {s.key for s in fr.pages} == keys and fr.passes


def test_stats_pages_reads_the_build_record_and_writes_nothing(gated: Path, tmp_path: Path,
                                                               monkeypatch):
    """`stats --pages` holds no lock: it takes unchanged pages and their segments from
    the build record opened read-only, parses only what changed since, and gives what a
    project without a record gives (where it creates none)."""
    import hashlib
    import shutil

    from tests.conftest import parsed_pages
    from builder.pipeline import page_statuses

    assert main(["build", "--project", str(gated), "--quiet"]) == 0
    about = gated / "content" / "pages" / "about.md"
    about.write_text(about.read_text("utf-8") + "\nOne more paragraph.\n", "utf-8")
    record = gated / ".infopages-cache" / "build.sqlite"
    before = hashlib.sha256(record.read_bytes()).digest()
    parsed = parsed_pages(monkeypatch)
    remembered = page_statuses(gated)
    assert parsed == ["pages/about"]
    assert hashlib.sha256(record.read_bytes()).digest() == before
    afresh = tmp_path / "afresh"
    shutil.copytree(gated, afresh, ignore=shutil.ignore_patterns(".infopages-cache", "site"))
    parsed.clear()
    assert remembered == page_statuses(afresh)
    assert len(parsed) == 5                        # every page, without a record
    assert not (afresh / ".infopages-cache" / "build.sqlite").exists()
    parsed.clear()
    assert page_statuses(gated) == remembered
    assert parsed == ["pages/about"]               # nothing was kept: parsed again
