"""The probes on hand-written pages, each with a failing and a passing fixture (real Chromium).

Language and direction as HTML computes them, reflow as WCAG 1.4.10 defines it,
and the "needs review" barriers axe leaves out. The fast path (one load per
page, cells by emulation, batched and replayed Tab presses) gives exactly
what the slow path (a fresh load and one Tab per round trip per cell) gives.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from builder.a11y import CheckOptions, CheckRun, PageResult, RenderCell, check_paths, check_site
from builder.a11y.serial import page_dict

FIXTURES = Path(__file__).parents[1] / "a11y_fixtures"
CELLS = (RenderCell("light", 1280), RenderCell("dark", 320))


@pytest.fixture(scope="module")
def run() -> CheckRun:
    targets = [t for t in check_paths(FIXTURES) if t.path.startswith(("lang/", "reflow/", "review/"))]
    return check_site(FIXTURES, targets, CheckOptions(cells=CELLS, screenshots=0), jobs=2)


def result(run: CheckRun, path: str, label: str = "light-1280") -> PageResult:
    (found,) = [r for r in run.results if r.path == path and r.cell.label == label]
    assert found.error is None, found.error
    return found


def rules(findings) -> set[str]:
    return {f.rule_id for f in findings}


@pytest.mark.parametrize("page", ["en-no-dir", "ar-dir-rtl", "ar-body-rtl", "he-css-rtl",
                                  "fr-english-names"])
def test_pages_whose_computed_direction_and_language_are_right_pass(run: CheckRun, page: str) -> None:
    for cell in ("light-1280", "dark-320"):
        found = result(run, f"lang/{page}.html", cell)
        assert (found.violations, found.incomplete) == ((), ()), [f.rule_id for f in found.violations]


def test_rtl_language_rendered_ltr_and_the_reverse_fail(run: CheckRun) -> None:
    (ar,) = result(run, "lang/ar-no-dir.html").violations
    assert ar.rule_id == "infopages-dir" and "add dir=\"rtl\" to <html>" in ar.nodes[0].failure_summary
    (en,) = result(run, "lang/en-rtl.html", "dark-320").violations
    assert en.rule_id == "infopages-dir"
    assert 'rendered right-to-left (computed direction "rtl"), but "en" is written left-to-right' \
        in en.nodes[0].failure_summary


def test_text_in_another_script_than_the_declared_language_fails(run: CheckRun) -> None:
    (finding,) = result(run, "lang/en-arabic-text.html").violations
    assert finding.rule_id == "infopages-lang" and finding.tags == ("wcag2a", "wcag311")
    assert "written in the Arabic script" in finding.nodes[0].failure_summary


def test_page_scrolling_at_320_fails_and_says_what_to_do_with_a_table(run: CheckRun) -> None:
    assert result(run, "reflow/table-page.html").violations == ()  # 1280: nothing to reflow
    (finding,) = result(run, "reflow/table-page.html", "dark-320").violations
    assert finding.rule_id == "infopages-reflow"
    assert any("put it in its own scrollable region" in n.failure_summary for n in finding.nodes)


@pytest.mark.parametrize("page", ["table-region", "pre-region"])
def test_two_dimensional_content_scrolling_in_its_region_needs_review(run: CheckRun, page: str) -> None:
    narrow = result(run, f"reflow/{page}.html", "dark-320")
    assert narrow.violations == ()
    (review,) = narrow.incomplete
    assert review.rule_id == "infopages-reflow-region" and review.source == "probe"
    assert "may need two-dimensional layout" in review.nodes[0].failure_summary
    assert result(run, f"reflow/{page}.html").incomplete == ()


@pytest.mark.parametrize(("name", "rule", "nodes"), [
    ("table-headers", "infopages-table-headers", 1),
    ("placeholder", "infopages-placeholder-label", 1),
    ("group", "infopages-group-label", 1),
    ("link-target", "infopages-link-target", 3),
    ("link-text", "infopages-link-text", 1),
    ("duplicate-id", "duplicate-id-aria", 1),  # axe's own rule covers it: no probe of ours
])
def test_review_items_fire_on_the_failing_fixture_only(run: CheckRun, name: str, rule: str,
                                                      nodes: int) -> None:
    for cell in ("light-1280", "dark-320"):
        failing = result(run, f"review/{name}-fail.html", cell)
        passing = result(run, f"review/{name}-pass.html", cell)
        assert failing.violations == () and passing.violations == ()  # never blocking
        (found,) = [f for f in failing.incomplete if f.rule_id == rule]
        assert len(found.nodes) == nodes
        assert found.nodes[0].failure_summary.startswith("Check this" if found.source == "probe" else "Fix")
        assert rule not in rules(passing.incomplete), cell
    assert not rules(result(run, "review/duplicate-id-fail.html").incomplete) & {
        "infopages-duplicate-id"}


def test_the_fast_path_equals_the_slow_path() -> None:
    """One load, emulated cells, batched and replayed Tabs == a fresh load per cell, one Tab at a time."""
    pages = ("clean.html", "clean-ar.html", "contrast.html", "dark-contrast.html", "reflow.html",
             "reflow-rtl.html", "focus-none.html", "focus-custom.html", "iframe.html",
             "review/link-target-fail.html", "reflow/table-region.html", "lang/ar-no-dir.html")
    targets = [t for t in check_paths(FIXTURES) if t.path in pages]
    cells = (RenderCell("light", 1280), RenderCell("dark", 1280), RenderCell("light", 320),
             RenderCell("dark", 320))
    fast = check_site(FIXTURES, targets, CheckOptions(cells=cells, screenshots=0), jobs=2)
    slow = check_site(FIXTURES, targets, CheckOptions(cells=cells, screenshots=0, one_load=False),
                      jobs=2)
    assert len(fast.results) == len(pages) * 4 and fast.error_count == 0
    assert [page_dict(r) for r in fast.results] == [page_dict(r) for r in slow.results]
    assert fast.options["one_load"] is True and slow.options["one_load"] is False
