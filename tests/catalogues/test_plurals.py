"""Plural-Forms: GNU's (what `msginit` writes, run here) and CLDR's are both valid;
pages pick forms by the catalogue's own rule, in full and incremental builds."""

from __future__ import annotations

import subprocess
from pathlib import Path

import polib
import pytest

from builder.catalogues.plurals import (
    GNU_PLURALS,
    gnu_header,
    parse_rule,
    plural_header,
    plural_problem,
)
from builder.cli.app import main
from builder.render.translations import Messages

# Every locale of the demo and the test sites, and a few with other GNU rules.
LOCALES = ("fr", "es", "ar", "de", "en", "pt_BR", "pl", "ru", "cs", "ja", "ro", "sl")
GNU_FRENCH = "nplurals=2; plural=(n > 1);"


def msginit(tmp_path: Path, locale: str) -> str | None:
    """The Plural-Forms GNU msginit writes for `locale` (None if it writes none)."""
    pot = tmp_path / "t.pot"
    pot.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                   'msgid "a"\nmsgstr ""\n', "utf-8")
    out = subprocess.run(["msginit", "--no-translator", "-l", locale, "-i", str(pot), "-o", "-"],
                         capture_output=True, text=True, check=True).stdout
    return polib.pofile(out).metadata.get("Plural-Forms")


@pytest.mark.parametrize("locale", LOCALES)
def test_msginit_and_cldr_headers_are_both_accepted(tmp_path: Path, locale: str):
    gnu = msginit(tmp_path, locale)
    assert gnu == gnu_header(locale), "GNU_PLURALS must be what msginit writes"
    if gnu is not None:
        assert plural_problem(gnu, locale) is None
    assert plural_problem(plural_header(locale)[1], locale) is None


def test_gnu_table_is_what_msginit_writes_for_every_language_listed(tmp_path: Path):
    for header, names in GNU_PLURALS.items():
        for name in names.split():
            assert msginit(tmp_path, name) == header, name
    assert gnu_header("fr_FR") == GNU_FRENCH and gnu_header("pt") != GNU_FRENCH


@pytest.mark.parametrize("header, locale, problem", [
    ("nplurals=2; plural=(n <= 1);", "fr", "picks form 1 for n=0"),   # permuted GNU French
    ("nplurals=2; plural=(n != 1);", "fr", "picks form 1 for n=0"),   # another language's
    ("nplurals=4; plural=(n > 1);", "fr", "needs 3 (CLDR) or 2 (GNU)"),
    ("nplurals=2; plural=(n != 1);", "ar", "ar needs 6 (CLDR)"),
    ("nplurals=2; plural=n > 1 ? (;", "fr", "cannot evaluate"),
])
def test_any_other_formula_is_refused(header: str, locale: str, problem: str):
    assert problem in plural_problem(header, locale)


def test_the_catalogues_own_rule_picks_the_form():
    forms = ("un sujet", "des sujets")
    gnu = Messages("fr", {}, {(None, "Topic"): forms}, plural_forms=GNU_FRENCH)
    assert [gnu.plural_index()(n) for n in (0, 1, 2, 5, 1000000)] == [0, 0, 1, 1, 1]
    cldr = Messages("fr", {}, {}, plural_forms=None)
    assert [cldr.plural_index()(n) for n in (0, 1, 2, 1000000)] == [0, 0, 2, 1]
    assert parse_rule(GNU_FRENCH)[0] == 2


def po(root: Path, locale: str) -> Path:
    return root / "locales" / locale / "LC_MESSAGES" / "messages.po"


def test_a_msginit_catalogue_builds_with_its_own_plural_forms(mini: Path, tmp_path: Path):
    """French made by GNU msginit from our POT, two plural forms: update keeps the
    header, lint accepts it, and a page with two topics shows form 1, fully and
    incrementally."""
    (mini / "content/topics/privacy.md").write_text(
        "---\ntitle: Privacy\nsummary: How we keep data.\n---\n\nWe keep little.\n", "utf-8")
    news = mini / "content/news/2020-03-01-second.md"
    news.write_text(news.read_text("utf-8").replace("topics: [safety]",
                                                     "topics: [safety, privacy]"), "utf-8")
    assert main(["extract", "--project", str(mini)]) == 0
    path = po(mini, "fr")
    path.parent.mkdir(parents=True)
    subprocess.run(["msginit", "--no-translator", "-l", "fr_FR", "-i",
                    str(mini / "locales/messages.pot"), "-o", str(path)],
                   check=True, capture_output=True)
    catalogue = polib.pofile(str(path))
    assert catalogue.metadata["Plural-Forms"] == GNU_FRENCH
    catalogue.metadata["Language"] = "fr_FR"    # as Poedit writes French (France)
    entry = next(e for e in catalogue if e.msgid_plural)
    entry.msgstr_plural = {0: "Sujet :", 1: "Sujets :"}
    catalogue.save()
    assert main(["update", "--project", str(mini)]) == 0
    after = polib.pofile(str(path))
    assert after.metadata["Plural-Forms"] == GNU_FRENCH and after.metadata["Language"] == "fr_FR"
    assert main(["lint", "--project", str(mini), "--locale", "fr"]) == 0
    assert main(["build", "--project", str(mini), "--quiet"]) == 0
    page = mini / "site/fr/news/2020-03-01-second.html"
    assert "Sujets :" in page.read_text("utf-8")
    assert "Sujet :" in (mini / "site/fr/news/2020-01-15-first.html").read_text("utf-8")
    # Incrementally: a new translation of the plural entry reaches the page.
    entry = next(e for e in after if e.msgid_plural)
    entry.msgstr_plural = {0: "Thème :", 1: "Thèmes :"}
    after.save()
    assert main(["build", "--project", str(mini), "--quiet"]) == 0
    assert "Thèmes :" in page.read_text("utf-8")
