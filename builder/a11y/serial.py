"""PageResult ⇄ plain JSON-able dicts: the one shape shared by results.json,
the results cache and `check merge`.

A result read back must equal the result written (dataclass equality), so a
cached or merged run reports exactly what a fresh run would.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from builder.a11y.model import (
    CheckRun,
    ElementInfo,
    Finding,
    NodeRef,
    PageResult,
    RenderCell,
    SourceRef,
)


def node_dict(node: NodeRef) -> dict[str, Any]:
    out: dict[str, Any] = {"target": list(node.target), "html": node.html,
                           "failure_summary": node.failure_summary}
    if node.screenshot:
        out["screenshot"] = node.screenshot
    if node.element is not None:
        out["element"] = element_dict(node.element)
    if node.sources:
        out["sources"] = [source_dict(s) for s in node.sources]
    return out


def element_dict(info: ElementInfo) -> dict[str, Any]:
    return {"tag": info.tag, "attributes": [list(a) for a in info.attributes], "text": info.text,
            "block": info.block, "block_tag": info.block_tag, "ancestors": list(info.ancestors)}


def source_dict(source: SourceRef) -> dict[str, Any]:
    return {"path": source.path, "line": source.line, "kind": source.kind, "note": source.note}


def finding_dict(finding: Finding) -> dict[str, Any]:
    return {
        "id": finding.rule_id,
        "source": finding.source,
        "impact": finding.impact,
        "tags": list(finding.tags),
        "wcag": list(finding.wcag_tags),
        "help": finding.help,
        "help_url": finding.help_url,
        "description": finding.description,
        "nodes": [node_dict(n) for n in finding.nodes],
    }


def page_dict(result: PageResult) -> dict[str, Any]:
    return {
        "path": result.path,
        # The served URL's path: the host and port change every run, the path does not.
        "url": result.url if "://" in result.path else "/" + result.path,
        "locale": result.locale,
        "key": result.key,
        "component": result.component,
        "cell": {"scheme": result.cell.scheme, "width": result.cell.width,
                 "height": result.cell.height, "label": result.cell.label},
        "violations": [finding_dict(f) for f in result.violations],
        "best_practice": [finding_dict(f) for f in result.best_practice],
        "incomplete": [finding_dict(f) for f in result.incomplete],
        "rules_run": list(result.rules_run),
        "error": result.error,
        # axe's own output for this page, untrimmed (every check of every node).
        "axe_raw": json.loads(result.axe_raw) if result.axe_raw else None,
    }


def node_from(data: Mapping[str, Any]) -> NodeRef:
    element = data.get("element")
    return NodeRef(target=tuple(str(t) for t in data.get("target", ())),
                   html=str(data.get("html", "")),
                   failure_summary=str(data.get("failure_summary", "")),
                   screenshot=str(data.get("screenshot", "")),
                   element=element_from(element) if element else None,
                   sources=tuple(source_from(s) for s in data.get("sources", ())))


def element_from(data: Mapping[str, Any]) -> ElementInfo:
    return ElementInfo(tag=str(data.get("tag", "")),
                       attributes=tuple((str(a[0]), str(a[1])) for a in data.get("attributes", ())),
                       text=str(data.get("text", "")), block=int(data.get("block", -1)),
                       block_tag=str(data.get("block_tag", "")),
                       ancestors=tuple(str(a) for a in data.get("ancestors", ())))


def source_from(data: Mapping[str, Any]) -> SourceRef:
    kind = data.get("kind")
    return SourceRef(path=str(data.get("path", "")), line=int(data.get("line", 0)),
                     kind=kind if kind in ("content", "template", "catalogue") else "content",
                     note=str(data.get("note", "")))


def finding_from(data: Mapping[str, Any]) -> Finding:
    source = "probe" if data.get("source") == "probe" else "axe"
    return Finding(rule_id=str(data["id"]), impact=data.get("impact"),
                   tags=tuple(str(t) for t in data.get("tags", ())),
                   help=str(data.get("help", "")), help_url=str(data.get("help_url", "")),
                   description=str(data.get("description", "")),
                   nodes=tuple(node_from(n) for n in data.get("nodes", ())), source=source)


def page_from(data: Mapping[str, Any], url: str | None = None) -> PageResult:
    cell = data["cell"]
    return PageResult(
        url=url if url is not None else str(data.get("url", "")),
        path=str(data["path"]), locale=data.get("locale"),
        cell=RenderCell(cell["scheme"], int(cell["width"])),
        violations=tuple(finding_from(f) for f in data.get("violations", ())),
        best_practice=tuple(finding_from(f) for f in data.get("best_practice", ())),
        incomplete=tuple(finding_from(f) for f in data.get("incomplete", ())),
        error=data.get("error"), key=data.get("key"),
        rules_run=tuple(str(r) for r in data.get("rules_run", ())),
        axe_raw=json.dumps(data["axe_raw"], sort_keys=True, ensure_ascii=False)
        if data.get("axe_raw") is not None else "",
    )


def run_from(document: Mapping[str, Any]) -> CheckRun:
    """A CheckRun back from a results.json document (for `check merge`)."""
    return CheckRun(
        results=tuple(page_from(p) for p in document.get("results", ())),
        axe_version=str(document.get("axe", {}).get("version", "")),
        axe_sha256=str(document.get("axe", {}).get("sha256", "")),
        chromium_version=str(document.get("chromium", {}).get("version", "")),
        chromedriver_version=str(document.get("chromium", {}).get("chromedriver", "")),
        options=dict(document.get("options", {})),
    )
