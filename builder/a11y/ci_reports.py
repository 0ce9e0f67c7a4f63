"""JUnit XML and SARIF 2.1.0 views of a CheckRun, for CI dashboards and code scanning.

Both are built from the same CheckRun as results.json and the HTML report,
and are deterministic (no timestamps, no ports) so they diff cleanly.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any
from xml.etree import ElementTree as ET

from builder.a11y.model import CheckRun, Finding, NodeRef, PageResult
from builder.a11y.sources import first_source, sources_text

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFO_URI = "https://www.w3.org/WAI/WCAG22/quickref/"
SourceLookup = Callable[[PageResult], Iterable[str]]  # page → project files it comes from


def _ordered(results: Iterable[PageResult]) -> list[PageResult]:
    return sorted(results, key=lambda r: (r.path, r.locale or "", r.cell.scheme, -r.cell.width))


def _nodes_text(finding: Finding) -> str:
    return "\n".join(f"{n.selector}\n  {n.html}\n  {n.failure_summary}".rstrip()
                     + (f"\n  source: {sources_text(n)}" if n.sources else "")
                     for n in finding.nodes)


def junit_xml(run: CheckRun) -> str:
    """One <testsuite> per page, one <testcase> per cell × rule that ran or failed."""
    suites = ET.Element("testsuites", name="infopages accessibility check")
    by_page: dict[str, list[PageResult]] = defaultdict(list)
    for result in _ordered(run.results):
        by_page[result.path].append(result)
    for path, results in by_page.items():
        suite = ET.SubElement(suites, "testsuite", name=path)
        _properties(suite, run)
        tests = failures = errors = 0
        for result in results:
            for case in _cases(result):
                suite.append(case)
                tests += 1
                failures += case.find("failure") is not None
                errors += case.find("error") is not None
        suite.set("tests", str(tests))
        suite.set("failures", str(failures))
        suite.set("errors", str(errors))
    ET.indent(suites)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


def _properties(suite: ET.Element, run: CheckRun) -> None:
    # Every report records the engine that produced it (issue: "faithful").
    props = ET.SubElement(suite, "properties")
    for name, value in (("axe-core", run.axe_version), ("axe-sha256", run.axe_sha256),
                        ("chromium", run.chromium_version),
                        ("options", json.dumps(dict(run.options), sort_keys=True))):
        ET.SubElement(props, "property", name=name, value=value)


def _cases(result: PageResult) -> list[ET.Element]:
    classname = f"{result.path}.{result.cell.label}"
    if result.error:
        case = ET.Element("testcase", name=f"load [{result.cell.label}]", classname=classname)
        ET.SubElement(case, "error", message=result.error, type="page-error")
        return [case]
    failing = {f.rule_id: f for f in result.violations}
    advisory = {f.rule_id: f for f in (*result.best_practice, *result.incomplete)}
    cases = []
    for rule in sorted(set(result.rules_run) | set(failing) | set(advisory)):
        case = ET.Element("testcase", name=f"{rule} [{result.cell.label}]", classname=classname)
        if rule in failing:
            f = failing[rule]
            failure = ET.SubElement(case, "failure", message=f.help, type=f.impact or "violation")
            failure.text = f"{f.help_url}\n{_nodes_text(f)}"
        elif rule in advisory:
            ET.SubElement(case, "system-out").text = (
                f"not blocking ({', '.join(advisory[rule].tags)}): {advisory[rule].help}\n"
                + _nodes_text(advisory[rule]))
        cases.append(case)
    return cases


def _sarif_rule(finding: Finding) -> dict[str, Any]:
    return {
        "id": finding.rule_id, "name": finding.rule_id,
        "shortDescription": {"text": finding.help or finding.rule_id},
        "fullDescription": {"text": finding.description or finding.help or finding.rule_id},
        "helpUri": finding.help_url or INFO_URI,
        "help": {"text": f"{finding.help}. See {finding.help_url or INFO_URI}"},
        "properties": {"tags": list(finding.tags), "source": finding.source,
                       "impact": finding.impact or "unknown"},
    }


_LEVELS = (("violations", "error"), ("best_practice", "warning"), ("incomplete", "note"))


def sarif_document(run: CheckRun, tools: dict[str, str], site_prefix: str = "",
                   sources: SourceLookup | None = None) -> dict[str, Any]:
    """SARIF 2.1.0: one result per page × rule × element, its cells merged.

    `site_prefix` turns a site-relative page path into a project-relative
    one (e.g. "site/"); `sources` names the content file or template a page
    comes from, reported as related locations.
    """
    rules: dict[str, dict[str, Any]] = {}
    merged: dict[tuple[str, str, str, str], dict[str, Any]] = {}
    for result in _ordered(run.results):
        for kind, level in _LEVELS:
            for finding in getattr(result, kind):
                rules.setdefault(finding.rule_id, _sarif_rule(finding))
                for node in finding.nodes:
                    slot = (result.path, finding.rule_id, kind, node.selector)
                    entry = merged.get(slot) or _sarif_result(result, finding, node, level,
                                                              site_prefix, sources)
                    entry["properties"]["cells"].append(result.cell.label)
                    merged[slot] = entry
    ordered_rules = sorted(rules)
    results = []
    for entry in merged.values():
        entry["ruleIndex"] = ordered_rules.index(entry["ruleId"])
        results.append(entry)
    driver = {"name": "infopages-a11y", "version": tools.get("infopages", "unknown"),
              "informationUri": INFO_URI, "rules": [rules[r] for r in ordered_rules],
              "properties": {"axe-core": run.axe_version, "axe-sha256": run.axe_sha256,
                             "chromium": run.chromium_version, "options": dict(run.options)}}
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0",
            "runs": [{"tool": {"driver": driver}, "results": results,
                      "columnKind": "unicodeCodePoints"}]}


def _sarif_result(result: PageResult, finding: Finding, node: NodeRef, level: str,
                  site_prefix: str, sources: SourceLookup | None) -> dict[str, Any]:
    """The source line as the location when it is known (code scanning annotates it);
    the generated page, the translation and the page's files as related locations."""
    uri = result.path if "://" in result.path else site_prefix + result.path
    logical = [{"fullyQualifiedName": node.selector, "kind": "element"}]
    page = {"physicalLocation": {"artifactLocation": {"uri": uri},
                                 "region": {"snippet": {"text": node.html}}}}
    primary = first_source(node)
    related: list[tuple[dict[str, Any], str]] = []
    if primary is not None:
        location = {"physicalLocation": {"artifactLocation": {"uri": primary.path},
                                          "region": {"startLine": primary.line}},
                    "message": {"text": f"{primary.kind}: {primary.note}"},
                    "logicalLocations": logical}
        related.append((page, f"the generated page ({result.cell.label})"))
    else:
        location = {**page, "logicalLocations": logical}
        related += [({"physicalLocation": {"artifactLocation": {"uri": p}}}, "source of this page")
                    for p in (sources(result) if sources else ())]
    related += [({"physicalLocation": {"artifactLocation": {"uri": s.path},
                                       "region": {"startLine": s.line}}},
                 f"the translation: {s.note}") for s in node.sources if s.kind == "catalogue"]
    entry: dict[str, Any] = {
        "ruleId": finding.rule_id, "level": level,
        "message": {"text": f"{finding.help}: {node.failure_summary or node.html}"[:2000]},
        "locations": [location],
        "partialFingerprints": {"selector/v1": f"{result.path}|{node.selector}"},
        "properties": {"cells": [], "locale": result.locale, "wcag": list(finding.wcag_tags),
                       "page": uri},
    }
    if related:
        entry["relatedLocations"] = [{"id": i, **where, "message": {"text": text}}
                                     for i, (where, text) in enumerate(related)]
    return entry
