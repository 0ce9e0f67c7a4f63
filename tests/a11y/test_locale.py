"""Manifest-driven locale probes, firing and silent, in real Chromium (one cell)."""

from __future__ import annotations

from pathlib import Path

import pytest

from builder.a11y import CheckOptions, CheckRun, PageResult, RenderCell, check_site
from builder.a11y.locale import (
    FALLBACK_RULE,
    HREFLANG_RULE,
    RECIPROCAL_RULE,
    SWITCHER_RULE,
    TITLE_RULE,
    load_manifest,
)
from builder.a11y.targets import folder_targets

SITE = Path(__file__).parents[1] / "a11y_fixtures" / "locale-site"
LOCALE_RULES = {FALLBACK_RULE, SWITCHER_RULE, HREFLANG_RULE, RECIPROCAL_RULE, TITLE_RULE}


@pytest.fixture(scope="module")
def run() -> CheckRun:
    options = CheckOptions(cells=(RenderCell("light", 1280),), screenshots=0)
    return check_site(SITE, folder_targets(SITE, ("en", "fr", "es")), options, jobs=2)


def page(run: CheckRun, path: str) -> PageResult:
    (found,) = [r for r in run.results if r.path == path]
    return found


def fired(run: CheckRun, path: str) -> set[str]:
    return {f.rule_id for f in page(run, path).violations} & LOCALE_RULES


def test_manifest_expectations_are_read_from_disk() -> None:
    info = load_manifest(SITE)["fr/bad.html"]
    assert info.component == "news" and info.source_title == "Bad page"
    assert dict(info.alternate_links)["es/bad.html"] == ()
    assert load_manifest(SITE / "en") == {}  # any folder without a manifest


def test_correct_pages_are_silent(run: CheckRun) -> None:
    for path in ("en/good.html", "fr/good.html"):
        result = page(run, path)
        assert result.error is None
        assert result.violations == (), (path, [f.rule_id for f in result.violations])
        assert LOCALE_RULES <= set(result.rules_run)  # the probes ran (JUnit passes)
        assert result.key == "topics/good"


def test_every_locale_probe_fires_on_the_broken_translation(run: CheckRun) -> None:
    assert fired(run, "fr/bad.html") == {FALLBACK_RULE, SWITCHER_RULE, HREFLANG_RULE,
                                         RECIPROCAL_RULE, TITLE_RULE}
    by_rule = {f.rule_id: f for f in page(run, "fr/bad.html").violations}
    assert "2 segment(s)" in by_rule[FALLBACK_RULE].nodes[0].failure_summary
    assert 'lang is missing, hreflang is "en"' in by_rule[SWITCHER_RULE].nodes[0].failure_summary
    assert 'missing <link rel="alternate" hreflang="es">' in by_rule[HREFLANG_RULE].nodes[0].failure_summary
    assert "the title \"Bad page\" is the en title" in by_rule[TITLE_RULE].nodes[0].failure_summary
    assert by_rule[FALLBACK_RULE].tags == ("wcag2aa", "wcag312")
    assert by_rule[TITLE_RULE].tags == ("wcag2a", "wcag311")


def test_reciprocity_is_judged_from_the_other_pages(run: CheckRun) -> None:
    # es/bad.html links to nobody, so en/bad.html's alternates are not reciprocal.
    assert fired(run, "en/bad.html") == {RECIPROCAL_RULE}
    summary = page(run, "en/bad.html").violations[0].nodes[0].failure_summary
    assert "es/bad.html has no <link rel=\"alternate\" hreflang=\"en\"> back to en/bad.html" in summary
    assert fired(run, "es/bad.html") == {HREFLANG_RULE, RECIPROCAL_RULE}


def test_pages_outside_the_manifest_skip_locale_probes(run: CheckRun) -> None:
    for path in ("extra.html", "index.html"):
        result = page(run, path)
        assert result.violations == () and result.key is None
        assert not LOCALE_RULES & set(result.rules_run)
