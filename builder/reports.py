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

from builder.a11y.html_report import render_html_report
from builder.a11y.model import CheckRun, Finding, NodeRef, PageResult
from builder.output import atomic_write

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


def node_dict(node: NodeRef) -> dict[str, Any]:
    return {"target": list(node.target), "html": node.html, "failure_summary": node.failure_summary}


def finding_dict(finding: Finding) -> dict[str, Any]:
    return {
        "id": finding.rule_id,
        "source": finding.source,
        "impact": finding.impact,
        "tags": list(finding.tags),
        "wcag": list(finding.wcag_tags),
        "help": finding.help,
        "help_url": finding.help_url,
        "nodes": [node_dict(n) for n in finding.nodes],
    }


def page_dict(result: PageResult) -> dict[str, Any]:
    return {
        "path": result.path,
        # The served URL's path: the host and port change every run, the path does not.
        "url": "/" + result.path,
        "locale": result.locale,
        "cell": {"scheme": result.cell.scheme, "width": result.cell.width,
                 "height": result.cell.height, "label": result.cell.label},
        "violations": [finding_dict(f) for f in result.violations],
        "best_practice": [finding_dict(f) for f in result.best_practice],
        "incomplete": [finding_dict(f) for f in result.incomplete],
        "error": result.error,
    }


def summary_counts(run: CheckRun) -> dict[str, Any]:
    by_rule = Counter(f.rule_id for r in run.results for f in r.violations)
    return {
        "pages": len(run.pages),
        "cells": len({r.cell for r in run.results}),
        "checks": len(run.results),
        "blocking": run.blocking_count,
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


def summary_lines(run: CheckRun) -> list[str]:
    counts = summary_counts(run)
    cells = ", ".join(dict.fromkeys(r.cell.label for r in run.results)) or "none"
    lines = [
        f"Checked {counts['pages']} page(s) in {counts['cells']} render cell(s) ({cells}): "
        f"{counts['checks']} check(s).",
        f"axe-core {run.axe_version} in Chromium {run.chromium_version or 'unknown'}.",
    ]
    lines += _violation_lines(run)
    lines.append(f"Best practice (not blocking): {counts['best_practice']} finding(s).")
    lines.append(f"Needs review (axe incomplete): {counts['incomplete']} finding(s).")
    lines += _error_lines(run)
    verdict = "PASS" if run.passed else f"FAIL ({run.blocking_count} blocking)"
    lines.append(f"Result: {verdict}")
    return lines


def _violation_lines(run: CheckRun) -> list[str]:
    pages: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    impact: dict[str, str] = {}
    for result in _ordered(run.results):
        for finding in result.violations:
            pages[finding.rule_id][result.path].append(result.cell.label)
            impact.setdefault(finding.rule_id, finding.impact or "unknown")
    total = sum(len(cells) for by_page in pages.values() for cells in by_page.values())
    lines = [f"Blocking violations: {total} in {len(pages)} rule(s)."]
    for rule in sorted(pages, key=lambda r: (-sum(map(len, pages[r].values())), r)):
        by_page = pages[rule]
        shown = "; ".join(f"{p} [{', '.join(c)}]" for p, c in list(by_page.items())[:FIRST_PAGES])
        more = f"; and {len(by_page) - FIRST_PAGES} more page(s)" if len(by_page) > FIRST_PAGES else ""
        count = sum(map(len, by_page.values()))
        lines.append(f"  {rule} ({impact[rule]}): {count} — {shown}{more}")
    return lines


def _error_lines(run: CheckRun) -> list[str]:
    errors = [r for r in _ordered(run.results) if r.error]
    lines = [f"Errors (pages not checked, count as failures): {len(errors)}."]
    lines += [f"  {r.path} [{r.cell.label}]: {r.error}" for r in errors]
    return lines
