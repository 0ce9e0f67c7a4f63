"""check_site against fixture pages in real headless Chromium (4 render cells)."""

from __future__ import annotations

from pathlib import Path

import pytest

from builder.a11y import (
    CheckOptions,
    CheckRun,
    CheckTarget,
    PageResult,
    RenderCell,
    check_paths,
    check_site,
    serve_directory,
)

FIXTURES = Path(__file__).parents[1] / "a11y_fixtures"
LIGHT = ("light-1280", "light-320")
DARK = ("dark-1280", "dark-320")
WIDE = ("light-1280", "dark-1280")
NARROW = ("light-320", "dark-320")
ALL = LIGHT + DARK

TARGETS = (
    CheckTarget("clean.html", "en", "ltr"),
    CheckTarget("clean.html", "fr", "ltr"),  # wrong language declared
    CheckTarget("clean-ar.html", "ar", "rtl"),
    CheckTarget("ar-no-dir.html", "ar", "rtl"),
    CheckTarget("image-alt.html", "en", "ltr"),
    CheckTarget("no-lang.html", None, None),
    CheckTarget("contrast.html", "en", "ltr"),
    CheckTarget("dark-contrast.html", "en", "ltr"),
    CheckTarget("reflow.html", "en", "ltr"),
    CheckTarget("reflow-rtl.html", "ar", "rtl"),
    CheckTarget("focus-none.html", "en", "ltr"),
    CheckTarget("focus-custom.html", "en", "ltr"),
    CheckTarget("iframe.html", "en", "ltr"),
    CheckTarget("best-practice.html", "en", "ltr"),
)


@pytest.fixture(scope="module")
def run() -> CheckRun:
    return check_site(FIXTURES, TARGETS, CheckOptions(), jobs=2)


def result(run: CheckRun, path: str, label: str, locale: str | None = "en") -> PageResult:
    (found,) = [r for r in run.results
                if r.path == path and r.cell.label == label and r.locale == locale]
    return found


def blocking_cells(run: CheckRun, path: str, rule: str, locale: str | None = "en") -> tuple[str, ...]:
    return tuple(label for label in ALL
                 if rule in {f.rule_id for f in result(run, path, label, locale).violations})


def test_run_metadata(run: CheckRun) -> None:
    assert len(run.results) == len(TARGETS) * 4
    assert run.axe_version == "4.10.2" and len(run.axe_sha256) == 64
    assert run.chromium_version
    assert run.options["probes"] is True
    assert all(r.error is None for r in run.results)
    assert not run.passed


@pytest.mark.parametrize(("path", "locale"), [("clean.html", "en"), ("clean-ar.html", "ar"),
                                              ("focus-custom.html", "en")])
def test_clean_pages_have_no_findings_in_any_cell(run: CheckRun, path: str, locale: str) -> None:
    for label in ALL:
        page = result(run, path, label, locale)
        assert (page.violations, page.best_practice, page.error) == ((), (), None), label


@pytest.mark.parametrize(("path", "rule", "locale"), [
    ("image-alt.html", "image-alt", "en"),
    ("no-lang.html", "html-has-lang", None),
    ("contrast.html", "color-contrast", "en"),
])
def test_axe_rule_fires_in_every_cell(run: CheckRun, path: str, rule: str, locale: str | None) -> None:
    assert blocking_cells(run, path, rule, locale) == ALL
    finding = next(f for f in result(run, path, "light-1280", locale).violations if f.rule_id == rule)
    assert finding.source == "axe" and finding.nodes and finding.help_url.startswith("https://")


def test_dark_only_contrast_failure(run: CheckRun) -> None:
    assert blocking_cells(run, "dark-contrast.html", "color-contrast") == DARK
    for label in LIGHT:
        assert result(run, "dark-contrast.html", label).violations == ()


@pytest.mark.parametrize(("path", "locale"), [("reflow.html", "en"), ("reflow-rtl.html", "ar")])
def test_reflow_fires_only_at_320(run: CheckRun, path: str, locale: str) -> None:
    assert blocking_cells(run, path, "infopages-reflow", locale) == NARROW
    finding = result(run, path, "light-320", locale).violations[0]
    assert finding.rule_id == "infopages-reflow" and finding.source == "probe"
    assert finding.tags == ("wcag21aa", "wcag1410")
    assert [n.selector for n in finding.nodes] == ["#wide"]
    for label in WIDE:
        assert result(run, path, label, locale).violations == ()


def test_rtl_overflow_goes_left(run: CheckRun) -> None:
    node = result(run, "reflow-rtl.html", "dark-320", "ar").violations[0].nodes[0]
    assert "-2" in node.failure_summary  # left edge is negative: overflow to the left


def test_focus_outline_none_fires(run: CheckRun) -> None:
    assert blocking_cells(run, "focus-none.html", "infopages-focus-visible") == ALL
    finding = result(run, "focus-none.html", "light-1280").violations[0]
    assert "#invisible" in [n.selector for n in finding.nodes]
    assert finding.tags == ("wcag2aa", "wcag247")


def test_lang_probe_fires_on_wrong_language(run: CheckRun) -> None:
    assert blocking_cells(run, "clean.html", "infopages-lang", "fr") == ALL
    summary = result(run, "clean.html", "light-1280", "fr").violations[0].nodes[0].failure_summary
    assert 'lang is "en", expected "fr"' in summary


def test_arabic_rendered_left_to_right_fails(run: CheckRun) -> None:
    assert blocking_cells(run, "ar-no-dir.html", "infopages-dir", "ar") == ALL
    (finding,) = result(run, "ar-no-dir.html", "light-320", "ar").violations
    assert finding.tags == ("wcag2a", "wcag132")
    assert ('the page is rendered left-to-right (computed direction "ltr"), but "ar" is written '
            'right-to-left: add dir="rtl" to <html>') in finding.nodes[0].failure_summary


def test_image_without_alt_inside_iframe_is_found(run: CheckRun) -> None:
    assert blocking_cells(run, "iframe.html", "image-alt") == ALL
    finding = next(f for f in result(run, "iframe.html", "light-1280").violations
                   if f.rule_id == "image-alt")
    assert finding.nodes[0].target[0] == "iframe" and len(finding.nodes[0].target) == 2


def test_best_practice_is_reported_not_blocking(run: CheckRun) -> None:
    for label in ALL:
        page = result(run, "best-practice.html", label)
        assert page.violations == () and page.blocking_count == 0
        assert "region" in {f.rule_id for f in page.best_practice}


def test_blocking_count_adds_up(run: CheckRun) -> None:
    assert run.blocking_count == sum(len(r.violations) for r in run.results)


def test_untested_cross_origin_frame_fails(tmp_path: Path) -> None:
    # localhost vs 127.0.0.1 makes the frame cross-origin, out of axe's reach.
    with serve_directory(FIXTURES) as other:
        port = other.rsplit(":", 1)[1].rstrip("/")
        page = (FIXTURES / "iframe.html").read_text(encoding="utf-8").replace(
            'src="iframe-child.html"', f'src="http://localhost:{port}/iframe-child.html"')
        (tmp_path / "index.html").write_text(page, encoding="utf-8")
        run = check_site(tmp_path, [CheckTarget("index.html", "en", "ltr")],
                         CheckOptions(cells=(RenderCell("light", 1280),), probes=False))
    assert "frame-tested" in {f.rule_id for f in run.results[0].violations}
    assert not run.passed


def test_check_paths_reads_lang_and_direction() -> None:
    targets = {t.path: t for t in check_paths(FIXTURES)}
    assert targets["clean.html"] == CheckTarget("clean.html", "en", "ltr")
    assert targets["reflow-rtl.html"] == CheckTarget("reflow-rtl.html", "ar", "rtl")
    assert targets["no-lang.html"] == CheckTarget("no-lang.html", None, None)
    assert list(targets) == sorted(targets)


def test_check_paths_prefers_locale_folder(tmp_path: Path) -> None:
    (tmp_path / "ar").mkdir()
    (tmp_path / "ar" / "index.html").write_text('<html lang="en"><title>x</title>', encoding="utf-8")
    (tmp_path / "404.html").write_text('<html lang="fr"><title>x</title>', encoding="utf-8")
    assert check_paths(tmp_path, locales={"en", "ar"}) == (
        CheckTarget("404.html", "fr", "ltr"), CheckTarget("ar/index.html", "ar", "rtl"))
