"""results.json, terminal summary and the HTML report (which must pass its own check)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from builder.a11y import CheckOptions, CheckRun, CheckTarget, check_site
from builder.a11y.reports import (
    results_document,
    summary_lines,
    write_html_report,
    write_results_json,
)

FIXTURES = Path(__file__).parents[1] / "a11y_fixtures"


@pytest.fixture(scope="module")
def run() -> CheckRun:
    targets = [CheckTarget("image-alt.html", "en", "ltr"), CheckTarget("contrast.html", "en", "ltr"),
               CheckTarget("dark-contrast.html", "en", "ltr"), CheckTarget("reflow.html", "en", "ltr"),
               CheckTarget("best-practice.html", "en", "ltr"), CheckTarget("iframe.html", "en", "ltr"),
               CheckTarget("focus-none.html", "en", "ltr"), CheckTarget("ar-no-dir.html", "ar", "rtl"),
               CheckTarget("clean.html", "en", "ltr"), CheckTarget("missing.html", "en", "ltr")]
    return check_site(FIXTURES, targets, CheckOptions(), jobs=2)


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
    counts = results_document(run)["summary"]
    assert lines[2] == (f"Blocking violations: {counts['blocking_rules']} rule(s) on "
                        f"{counts['blocking_elements']} element(s), {counts['violations']} rule × "
                        "check finding(s) (a check is one page in one render cell).")
    (contrast,) = [line for line in lines if line.startswith("  color-contrast (serious): ")]
    assert contrast.endswith(" element(s) on 2 page(s), 6 check(s) — contrast.html "
                             "[dark-1280, dark-320, light-1280, light-320]; dark-contrast.html "
                             "[dark-1280, dark-320]")
    assert "infopages-reflow" in text and "image-alt" in text
    assert "missing.html [light-1280]: file not found: missing.html" in text
    assert lines[-1] == (f"Result: FAIL ({counts['failing_checks']} of 40 page × cell check(s) "
                         f"failing: {counts['blocking_rules']} rule(s) on "
                         f"{counts['blocking_elements']} element(s), 4 error(s))")


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


def test_html_report_views_and_screenshots(run: CheckRun, tmp_path: Path) -> None:
    report = tmp_path / "report.html"
    write_html_report(run, report)
    html = report.read_text(encoding="utf-8")
    for anchor in ("cross-locale", "blocking", "by-page", "by-locale", "needs-review"):
        assert f'id="{anchor}"' in html
    shots = html.count('<img class="shot" src="data:image/png;base64,')
    rules = {f.rule_id for r in run.results for f in r.violations}
    assert 1 <= shots <= 3 * len(rules)
    section = html.split('id="blocking-image-alt"')[1].split("</section>")[0]
    assert 1 <= section.count('class="shot"') <= 3
    assert 'alt="Screenshot of the element img"' in html


def test_cross_locale_table_marks_a_single_locale_regression() -> None:
    from builder.a11y.html_views import cross_locale_section
    from builder.a11y.model import Finding, NodeRef, PageResult, RenderCell

    cell = RenderCell("light", 1280)
    bad = Finding("infopages-reflow", "serious", ("wcag21aa",), "h", "u", "d", (NodeRef(("#w",), "<div>"),))
    results = tuple(PageResult("u", f"{loc}/topics/a.html", loc, cell, (bad,) if loc == "ar" else (),
                               key="topics/a") for loc in ("ar", "en", "es", "fr"))
    html = "\n".join(cross_locale_section(CheckRun(results, "4.10.2", "0" * 64, "1")))
    assert '<th scope="col" lang="ar">ar</th>' in html and "<code dir=\"ltr\">topics/a</code>" in html
    assert '<td class="only fail">1 (only here)</td><td>0</td><td>0</td><td>0</td>' in html


def test_rtl_report_passes_its_own_check(run: CheckRun, tmp_path: Path) -> None:
    from builder.a11y.html_report import render_html_report
    from builder.a11y.reports import tool_versions

    (tmp_path / "report-rtl.html").write_text(render_html_report(run, tool_versions(), "rtl"),
                                               encoding="utf-8")
    checked = check_site(tmp_path, [CheckTarget("report-rtl.html", "en", "rtl")], CheckOptions())
    assert len(checked.results) == 4
    for page in checked.results:
        assert page.error is None, page.error
        assert [f.rule_id for f in page.violations + page.best_practice] == [], page.cell


def test_sarif_points_at_the_page_and_its_source(tmp_path: Path) -> None:
    from builder.a11y.model import Finding, NodeRef, PageResult, RenderCell
    from builder.a11y.reports import write_sarif

    (tmp_path / "content" / "news").mkdir(parents=True)
    (tmp_path / "content" / "news" / "a.md").write_text("---\ntitle: A\n---\n", encoding="utf-8")
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "home.html").write_text("<p>", encoding="utf-8")
    finding = Finding("image-alt", "critical", ("cat.text-alternatives", "wcag2a", "wcag111"),
                      "Images must have alternative text", "https://dequeuniversity.com/rules/axe/4.10/image-alt",
                      "d", (NodeRef(("img",), "<img src=x>", "Fix"),))
    results = tuple(PageResult("u", path, "fr", cell, (finding,), key=key)
                    for path, key in (("fr/news/a.html", "news/a"), ("fr/index.html", "home"))
                    for cell in (RenderCell("light", 1280), RenderCell("dark", 320)))
    out = tmp_path / "results.sarif"
    write_sarif(CheckRun(results, "4.10.2", "0" * 64, "1"), out, tmp_path, tmp_path / "site")
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["version"] == "2.1.0" and doc["$schema"].endswith("sarif-2.1.0.json")
    run_ = doc["runs"][0]
    (rule,) = run_["tool"]["driver"]["rules"]
    assert rule["helpUri"].startswith("https://dequeuniversity.com/") and "wcag111" in rule["properties"]["tags"]
    assert run_["tool"]["driver"]["properties"]["axe-core"] == "4.10.2"
    news, home = sorted(run_["results"], key=lambda r: r["locations"][0]["physicalLocation"]
                        ["artifactLocation"]["uri"])[::-1]
    assert news["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "site/fr/news/a.html"
    assert news["properties"]["cells"] == ["dark-320", "light-1280"]  # cells merged, one result
    assert [r["physicalLocation"]["artifactLocation"]["uri"] for r in news["relatedLocations"]] == [
        "content/news/a.md"]
    assert [r["physicalLocation"]["artifactLocation"]["uri"] for r in home["relatedLocations"]] == [
        "templates/home.html"]
    assert news["level"] == "error" and news["ruleIndex"] == 0


def test_results_json_keeps_axe_raw_output(tmp_path):
    """Every checked page keeps axe's own, untrimmed violations and incomplete results."""
    import json
    import shutil
    from pathlib import Path

    from builder.a11y import CheckOptions, RenderCell, check_site
    from builder.a11y.check import check_paths

    site = tmp_path / "site"
    site.mkdir()
    fixtures = Path(__file__).parents[1] / "a11y_fixtures"
    for name in ("image-alt.html", "pixel.svg"):
        shutil.copyfile(fixtures / name, site / name)
    run = check_site(site, check_paths(site), CheckOptions(cells=(RenderCell("light", 1280),),
                                                            probes=False))
    write_results_json(run, tmp_path / "results.json")
    page = json.loads((tmp_path / "results.json").read_text())["results"][0]
    raw = {rule["id"]: rule for rule in page["axe_raw"]["violations"]}
    assert "image-alt" in raw
    node = raw["image-alt"]["nodes"][0]
    assert {"any", "all", "none", "html", "target"} <= set(node)   # untrimmed: every check


def test_one_column_per_locale_however_it_is_spelled() -> None:
    from builder.a11y.html_views import by_locale_section, cross_locale_section
    from builder.a11y.model import PageResult, RenderCell

    cell = RenderCell("light", 1280)
    spelled = (("pt_BR/a.html", "pt_BR"), ("pt-BR/b.html", "pt-BR"), ("zh_Hant/a.html", "zh_Hant"),
               ("zh-hant/b.html", "zh-hant"), ("en/a.html", "en"))
    run = CheckRun(tuple(PageResult("u", path, locale, cell) for path, locale in spelled),
                   "4.10.2", "0" * 64, "1")
    html = "\n".join(cross_locale_section(run))
    head = html.split("<thead>")[1].split("</thead>")[0]
    assert head.count('<th scope="col"') == 4  # Page, en, pt-BR, zh-Hant
    assert '<th scope="col" lang="pt-BR">pt-BR</th>' in head and "pt_BR" not in head
    assert '<th scope="col" lang="zh-Hant">zh-Hant</th>' in head and "zh_Hant" not in head
    rows = html.split("<tbody>")[1]
    assert rows.count('<tr><th scope="row">') == 2  # a.html and b.html, across all spellings
    by_locale = "\n".join(by_locale_section(run))
    assert '<span lang="pt-BR">pt-BR</span> (2 page(s))' in by_locale
