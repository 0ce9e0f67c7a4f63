"""Turn a CheckRun into results.json, a terminal summary and an HTML report.

Everything here is deterministic for a given run: no timestamps, no URLs
(they carry the ephemeral port), sorted keys. Two runs over the same site
with the same tools produce byte-identical files, so CI can diff them.
"""

from __future__ import annotations

import json
import platform
from collections import Counter, defaultdict
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path
from typing import Any

from builder.a11y.ci_reports import junit_xml, sarif_document
from builder.a11y.html_report import render_html_report
from builder.a11y.model import CheckRun, PageResult
from builder.a11y.serial import finding_dict, node_dict, page_dict  # noqa: F401 - re-exported
from builder.a11y.sources import sources_text
from builder.output.write import atomic_write
from builder.render.routes import listing

SCHEMA_VERSION = 1
FIRST_PAGES = 3  # pages named per rule in the terminal summary


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "unknown"


def tool_versions() -> dict[str, str]:
    return {
        "infopages": _version("infopages"),
        "selenium": _version("selenium"),
        "axe-selenium-python": _version("axe-selenium-python"),
        "python": platform.python_version(),
    }


def summary_counts(run: CheckRun) -> dict[str, Any]:
    """Counts, each named by what it counts.

    A check is one page in one render cell. `violations` counts rule × check
    (a rule failing on a page in two cells counts twice), `violation_nodes`
    element × rule × check; `blocking_rules`, `blocking_elements` (an element
    is one selector on one page, whatever the cells) and `failing_checks`
    (checks with a blocking finding or an error) answer "how many rules, how
    many elements, how many checks". `blocking` is violations + errors.
    """
    by_rule = Counter(f.rule_id for r in run.results for f in r.violations)
    elements = {(r.path, n.selector) for r in run.results for f in r.violations for n in f.nodes}
    failing = [r for r in run.results if r.violations or r.error]
    return {
        "pages": len(run.pages),
        "cells": len({r.cell for r in run.results}),
        "checks": len(run.results),
        "blocking": run.blocking_count,
        "blocking_rules": len(by_rule),
        "blocking_elements": len(elements),
        "failing_checks": len(failing),
        "failing_pages": len({r.path for r in failing}),
        "violations": sum(by_rule.values()),
        "violation_nodes": sum(len(f.nodes) for r in run.results for f in r.violations),
        "violations_by_rule": dict(sorted(by_rule.items())),
        "best_practice": run.best_practice_count,
        "incomplete": run.incomplete_count,
        "errors": run.error_count,
        "passed": run.passed,
    }


def results_document(run: CheckRun) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "tools": tool_versions(),
        "axe": {"version": run.axe_version, "sha256": run.axe_sha256},
        "chromium": {"version": run.chromium_version, "chromedriver": run.chromedriver_version},
        "options": dict(run.options),
        "summary": summary_counts(run),
        "results": [page_dict(r) for r in _ordered(run.results)],
    }


def _ordered(results: Iterable[PageResult]) -> list[PageResult]:
    return sorted(results, key=lambda r: (r.path, r.locale or "", r.cell.scheme, -r.cell.width))


def write_results_json(run: CheckRun, path: Path) -> None:
    text = json.dumps(results_document(run), sort_keys=True, indent=2, ensure_ascii=False)
    atomic_write(Path(path), (text + "\n").encode("utf-8"))


def write_html_report(run: CheckRun, path: Path) -> None:
    atomic_write(Path(path), render_html_report(run, tool_versions()).encode("utf-8"))


def write_junit(run: CheckRun, path: Path) -> None:
    atomic_write(Path(path), junit_xml(run).encode("utf-8"))


def page_sources(project: Path):
    """page → the project files it is made from: content/<key>.md, or its template
    (the project's templates/NAME, else the built-in theme's when the package lies
    inside the project, as in the demo)."""
    def template(name: str) -> str | None:
        own = f"templates/{name}"
        if (project / own).is_file():
            return own
        from builder.source.theme import THEME_DIR

        try:
            return (THEME_DIR / name).resolve().relative_to(project.resolve()).as_posix()
        except ValueError:
            return None

    def sources(result: PageResult) -> list[str]:
        if not result.key:
            return []
        shown = listing(result.key)
        page = shown[0] if shown else result.key      # a topic's news archive: the topic
        content = f"content/{page}.md" if page else ""
        found = [content] if page and (project / content).is_file() else []
        if result.key == "home":
            found.append(template("home.html"))
        elif shown:
            found.append(template("news_index.html"))
        return [p for p in found if p is not None and (project / p).is_file()]
    return sources


def write_sarif(run: CheckRun, path: Path, project: Path, site: Path | None) -> None:
    prefix = ""
    if site is not None:
        try:
            prefix = Path(site).resolve().relative_to(Path(project).resolve()).as_posix() + "/"
        except ValueError:
            prefix = Path(site).resolve().as_uri() + "/"
    document = sarif_document(run, tool_versions(), prefix, page_sources(Path(project)))
    text = json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False)
    atomic_write(Path(path), (text + "\n").encode("utf-8"))


def write_reports(run: CheckRun, out: Path, project: Path,
                  site: Path | None) -> tuple[Path, Path, Path, Path]:
    """results.json, report.html, junit.xml and results.sarif in `out`."""
    out = Path(out)
    paths = (out / "results.json", out / "report.html", out / "junit.xml", out / "results.sarif")
    write_results_json(run, paths[0])
    write_html_report(run, paths[1])
    write_junit(run, paths[2])
    write_sarif(run, paths[3], project, site)
    return paths


def summary_lines(run: CheckRun) -> list[str]:
    counts = summary_counts(run)
    cells = ", ".join(dict.fromkeys(r.cell.label for r in run.results)) or "none"
    lines = [
        f"Checked {counts['pages']} page(s) in {counts['cells']} render cell(s) ({cells}): "
        f"{counts['checks']} check(s).",
        f"axe-core {run.axe_version} in Chromium {run.chromium_version or 'unknown'}.",
    ]
    lines += _violation_lines(run)
    lines.append(f"Best practice (not blocking): {counts['best_practice']} rule × check finding(s).")
    lines.append(f"Needs review (axe incomplete and infopages review items): "
                 f"{counts['incomplete']} rule × check finding(s).")
    lines += _error_lines(run)
    verdict = "PASS" if run.passed else (
        f"FAIL ({counts['failing_checks']} of {counts['checks']} page × cell check(s) failing: "
        f"{counts['blocking_rules']} rule(s) on {counts['blocking_elements']} element(s), "
        f"{counts['errors']} error(s))")
    lines.append(f"Result: {verdict}")
    return lines


def _violation_lines(run: CheckRun) -> list[str]:
    pages: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    elements: dict[str, set[tuple[str, str]]] = defaultdict(set)
    first: dict[str, str] = {}
    impact: dict[str, str] = {}
    for result in _ordered(run.results):
        for finding in result.violations:
            pages[finding.rule_id][result.path].append(result.cell.label)
            elements[finding.rule_id] |= {(result.path, n.selector) for n in finding.nodes}
            impact.setdefault(finding.rule_id, finding.impact or "unknown")
            where = next((sources_text(n) for n in finding.nodes if n.sources), "")
            if where:
                first.setdefault(finding.rule_id, where)
    checks = sum(len(cells) for by_page in pages.values() for cells in by_page.values())
    lines = [f"Blocking violations: {len(pages)} rule(s) on "
             f"{len(set().union(*elements.values())) if elements else 0} element(s), "
             f"{checks} rule × check finding(s) (a check is one page in one render cell)."]
    for rule in sorted(pages, key=lambda r: (-sum(map(len, pages[r].values())), r)):
        by_page = pages[rule]
        shown = "; ".join(f"{p} [{', '.join(c)}]" for p, c in list(by_page.items())[:FIRST_PAGES])
        more = f"; and {len(by_page) - FIRST_PAGES} more page(s)" if len(by_page) > FIRST_PAGES else ""
        count = sum(map(len, by_page.values()))
        source = f"; source: {first[rule]}" if rule in first else ""
        lines.append(f"  {rule} ({impact[rule]}): {len(elements[rule])} element(s) on "
                     f"{len(by_page)} page(s), {count} check(s) — {shown}{more}{source}")
    return lines


def _error_lines(run: CheckRun) -> list[str]:
    errors = [r for r in _ordered(run.results) if r.error]
    lines = [f"Errors (page × cell checks not done, count as failures): {len(errors)}."]
    lines += [f"  {r.path} [{r.cell.label}]: {r.error}" for r in errors]
    return lines
