"""results.json, terminal summary and the HTML report (which must pass its own check)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from builder.a11y import CheckOptions, CheckRun, CheckTarget, check_site
from builder.reports import results_document, summary_lines, write_html_report, write_results_json

FIXTURES = Path(__file__).parent / "a11y_fixtures"


@pytest.fixture(scope="module")
def run() -> CheckRun:
    targets = [CheckTarget("image-alt.html", "en", "ltr"), CheckTarget("contrast.html", "en", "ltr"),
               CheckTarget("dark-contrast.html", "en", "ltr"), CheckTarget("reflow.html", "en", "ltr"),
               CheckTarget("best-practice.html", "en", "ltr"), CheckTarget("iframe.html", "en", "ltr"),
               CheckTarget("focus-none.html", "en", "ltr"), CheckTarget("ar-no-dir.html", "ar", "rtl"),
               CheckTarget("clean.html", "en", "ltr"), CheckTarget("missing.html", "en", "ltr")]
    return check_site(FIXTURES, targets, CheckOptions())


def test_results_document_shape(run: CheckRun) -> None:
    doc = results_document(run)
    assert doc["schema_version"] == 1
    assert doc["axe"] == {"version": run.axe_version, "sha256": run.axe_sha256}
    assert doc["chromium"]["version"] == run.chromium_version
    assert set(doc["tools"]) >= {"infopages", "selenium", "python"}
    summary = doc["summary"]
    assert (summary["pages"], summary["cells"], summary["checks"]) == (10, 4, 40)
    assert summary["errors"] == 4 and summary["passed"] is False
    assert summary["violations_by_rule"]["color-contrast"] == 6
    assert summary["blocking"] == run.blocking_count
    page = next(p for p in doc["results"] if p["path"] == "image-alt.html")
    violation = page["violations"][0]
    assert violation["id"] == "image-alt" and "wcag2a" in violation["wcag"]
    assert violation["help_url"].startswith("https://") and violation["nodes"][0]["target"] == ["img"]
    assert [r["cell"]["label"] for r in doc["results"][:4]] == [
        "dark-1280", "dark-320", "light-1280", "light-320"]


def test_results_json_is_deterministic_and_portless(run: CheckRun, tmp_path: Path) -> None:
    first, second = tmp_path / "a" / "results.json", tmp_path / "b.json"
    write_results_json(run, first)
    write_results_json(run, second)
    text = first.read_text(encoding="utf-8")
    assert text == second.read_text(encoding="utf-8") and text.endswith("}\n")
    assert "127.0.0.1" not in text
    assert json.loads(text) == json.loads(json.dumps(results_document(run)))
    assert [p.name for p in first.parent.iterdir()] == ["results.json"]  # no temp files left


def test_summary_lines(run: CheckRun) -> None:
    lines = summary_lines(run)
    text = "\n".join(lines)
    assert lines[0] == "Checked 10 page(s) in 4 render cell(s) (light-1280, light-320, dark-1280, dark-320): 40 check(s)."
    assert "  color-contrast (serious): 6 — contrast.html [dark-1280, dark-320, light-1280, light-320]" in text
    assert "infopages-reflow" in text and "image-alt" in text
    assert "missing.html [light-1280]: file not found: missing.html" in text
    assert lines[-1] == f"Result: FAIL ({run.blocking_count} blocking)"


def test_html_report_passes_its_own_check(run: CheckRun, tmp_path: Path) -> None:
    report = tmp_path / "report.html"
    write_html_report(run, report)
    html = report.read_text(encoding="utf-8")
    assert html.count("<h1") == 1 and "style=" not in html and "<script" not in html
    assert 'href="#blocking-color-contrast"' in html and "&lt;img" in html
    checked = check_site(tmp_path, [CheckTarget("report.html", "en", "ltr")], CheckOptions())
    assert len(checked.results) == 4
    for page in checked.results:
        assert page.error is None, page.error
        assert [f.rule_id for f in page.violations] == [], page.cell
        assert [f.rule_id for f in page.best_practice] == [], page.cell
    assert checked.passed
