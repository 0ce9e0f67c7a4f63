"""Status pages from fixture catalogues and fixture check results: numbers, then axe."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from builder.a11y.history import HISTORY_KEEP, read_history, record_history
from builder.tools.status import (
    a11y_summary,
    column_chart,
    stacked_bar,
    status_files,
    translation_data,
)

PO = '''msgid ""
msgstr ""
"Language: fr\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Plural-Forms: nplurals=3; plural=(n == 0 || n == 1) ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2;\\n"

#. id: site#title (site title)
msgid "Mini site"
msgstr "Mini site"

#. id: pages/about#title (title)
msgid "About us today"
msgstr ""

#, fuzzy
#. id: pages/about#p1 (paragraph)
msgid "We are small."
msgstr "Nous sommes petits."
'''

RESULTS = {"summary": {"pages": 2, "checks": 8, "blocking": 3, "violations": 3, "passed": False},
           "results": [
               {"path": "en/index.html", "locale": "en", "cell": {"label": "light-1280"},
                "violations": [{"id": "color-contrast", "impact": "serious"}]},
               {"path": "fr/index.html", "locale": "fr", "cell": {"label": "light-320"},
                "violations": [{"id": "color-contrast", "impact": "serious"},
                               {"id": "image-alt", "impact": "critical"}]}]}


@pytest.fixture
def project(mini: Path) -> Path:
    po = mini / "locales" / "fr" / "LC_MESSAGES" / "pages.po"
    po.parent.mkdir(parents=True)
    po.write_text(PO, "utf-8")
    (mini / "reports" / "a11y").mkdir(parents=True)
    (mini / "reports" / "a11y" / "results.json").write_text(json.dumps(RESULTS), "utf-8")
    return mini


def test_translation_numbers(project: Path) -> None:
    fr = {s.code: s for s in translation_data(project)}["fr"]
    assert (fr.entries.translated, fr.entries.fuzzy, fr.entries.untranslated) == (1, 1, 1)
    assert (fr.words.translated, fr.words.fuzzy, fr.words.untranslated) == (2, 3, 3)
    assert [e.msgid for e in fr.next] == ["About us today", "We are small."]
    assert fr.next[0].line == 11 and fr.next[1].fuzzy and fr.next[0].domain == "pages"
    assert [(d.name, d.entries.total, d.exists) for d in fr.domains] == [("pages", 3, True)]


def test_translation_numbers_per_domain_add_up(project: Path) -> None:
    from builder.pipeline import extract

    extract(project)          # the templates of the domains not translated yet count too
    fr = {s.code: s for s in translation_data(project)}["fr"]
    assert [d.name for d in fr.domains] == ["ui", "topics", "pages", "news-2020", "news-2021"]
    assert [d.exists for d in fr.domains] == [False, False, True, False, False]
    assert fr.entries.total == sum(d.entries.total for d in fr.domains)
    assert (fr.entries.translated, fr.entries.fuzzy) == (1, 1)   # pages.po, as it is
    assert fr.domains[0].entries.untranslated == fr.domains[0].entries.total > 20


def test_a11y_summary_and_history(tmp_path: Path) -> None:
    summary = a11y_summary(RESULTS)
    assert summary["by_rule"] == [("color-contrast", 2), ("image-alt", 1)]
    assert summary["by_locale"] == [("en", 1), ("fr", 2)]
    assert not summary["passed"]
    start = dt.datetime(2026, 1, 1)
    for day in range(HISTORY_KEEP + 5):
        record_history(tmp_path, RESULTS, start + dt.timedelta(days=day))
    history = read_history(tmp_path)
    assert len(history) == HISTORY_KEEP and history[-1]["blocking"] == 3
    assert history[0]["when"].startswith("2026-01-06")


def test_charts_have_text_alternatives() -> None:
    bar = stacked_bar("b", "Title", "Desc", [("translated", 3, "done"), ("fuzzy", 1, "fuzzy")])
    assert 'role="img" aria-labelledby="b-t b-d"' in bar and '<desc id="b-d">Desc</desc>' in bar
    assert 'width="75.00%"' in bar
    assert "<title" in column_chart("c", "T", "D", [("a", 1), ("b", 2)])


def test_pages_show_the_numbers(project: Path) -> None:
    record_history(project, RESULTS, dt.datetime(2026, 1, 1))
    files = status_files(project)
    translation = files["_status/translation.html"].decode()
    assert '<html lang="en" dir="ltr">' in translation
    assert "1 translated, 1 fuzzy, 1 untranslated of 3 entries." in translation
    assert "../../locales/fr/LC_MESSAGES/pages.po" in translation and "pages.po:11" in translation
    assert "../_preview/fr/about.html" in translation
    accessibility = files["_status/accessibility.html"].decode()
    assert re.search(r"<th scope=\"row\" translate=\"no\">color-contrast</th><td translate=\"no\" lang=\"en\" dir=\"ltr\">serious</td><td>2</td>",
                     accessibility)
    assert "../../reports/a11y/report.html" in accessibility
    assert "<script" not in translation + accessibility


def test_rtl_status_pages(project: Path) -> None:
    page = status_files(project, locale="ar")["_status/translation.html"].decode()
    assert '<html lang="ar" dir="rtl">' in page
    assert '<span lang="en" dir="ltr">Translation status</span>' in page


@pytest.mark.parametrize("locale, direction", [("en", "ltr"), ("ar", "rtl")])
def test_status_and_pseudo_pages_pass_the_checker(project: Path, tmp_path: Path, locale: str,
                                                  direction: str) -> None:
    """Zero blocking findings in light/dark × 1280/320, also right-to-left; the
    pseudo-locale pages of the same site go through the same checker."""
    from builder.a11y import CheckOptions, CheckTarget, check_site
    from builder.engine.build import BuildOptions
    from builder.pipeline import build, extract

    extract(project)
    site = tmp_path / "site"
    build(project, BuildOptions(out=site, preview=True, pseudo=True))
    record_history(project, RESULTS, dt.datetime(2026, 1, 1))
    record_history(project, {"summary": {"blocking": 0}}, dt.datetime(2026, 1, 2))
    pseudo = "en-XA" if locale == "en" else "ar-XB"
    for name, data in status_files(project, locale).items():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_bytes(data)
    targets = [CheckTarget("_status/translation.html", locale, direction),
               CheckTarget("_status/accessibility.html", locale, direction),
               CheckTarget(f"_preview/{pseudo}/index.html", pseudo, direction),
               CheckTarget(f"_preview/{pseudo}/about.html", pseudo, direction)]
    run = check_site(site, targets, CheckOptions(screenshots=0))
    problems = [(r.path, r.cell.label, [f.rule_id for f in r.violations], r.error)
                for r in run.results if r.violations or r.error]
    assert not problems
    assert len(run.results) == 16


def test_page_statuses_from_the_build_record_equal_those_parsed_afresh(
        project: Path, tmp_path: Path, monkeypatch) -> None:
    """`status` takes unchanged pages and their segments from the build record (as
    `extract` does) and parses only the pages edited since: the same data as a
    project without a record, where every page is read and parsed."""
    import shutil

    from tests.conftest import parsed_pages
    from builder.engine.build import BuildOptions
    from builder.pipeline import build, update

    update(project)
    build(project, BuildOptions())
    about = project / "content" / "pages" / "about.md"
    about.write_text(about.read_text("utf-8").replace("About us", "About us now", 1)
                     + "\nA new paragraph, not translated yet.\n", "utf-8")
    parsed = parsed_pages(monkeypatch)
    remembered = translation_data(project)
    assert parsed == ["pages/about"]
    afresh = tmp_path / "afresh"
    shutil.copytree(project, afresh, ignore=shutil.ignore_patterns(".infopages-cache", "site"))
    assert remembered == translation_data(afresh)
    fr = {s.code: s for s in remembered}["fr"]
    about_status = next(s for s in fr.pages if s.key == "pages/about")
    assert about_status.total > about_status.translated   # the new paragraph counts


def test_a_big_site_s_locales_are_studied_in_parallel_as_in_one_process(tmp_path: Path):
    """Over 1 MB of templates, `status` reads each locale in a process of its own: the
    same figures, pages and next entries as one process reading them in turn."""
    import importlib.util

    from builder.engine.build import locale_workers
    from builder.source.config import load_config

    repo = Path(__file__).resolve().parents[2]
    spec = importlib.util.spec_from_file_location("gen_site", repo / "benchmarks" / "gen_site.py")
    gen_site = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen_site)
    root = tmp_path / "site"
    gen_site.generate(root, 170, seed=5)
    config = load_config(root)
    assert locale_workers(config, 3, 3) == 3      # the pool is used, a locale a process
    assert locale_workers(config, 3, 1) == 1
    alone = translation_data(root, jobs=1)
    together = translation_data(root, jobs=3)
    assert [status.code for status in together] == ["fr", "es", "ar"]
    assert together == alone
    assert all(status.entries.translated > 1000 and status.pages for status in together)
