"""A self-contained, accessible HTML report of a CheckRun.

No JavaScript and no inline style attributes (a strict CSP can serve it),
one stylesheet in <head> with light and dark palettes. The report is
checked by the same checker in the test suite, so it has to practise
what it preaches.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from html import escape

from builder.a11y.html_views import (
    by_locale_section,
    by_page_section,
    cross_locale_section,
)
from builder.a11y.model import CheckRun, Finding, NodeRef, PageResult
from builder.a11y.sources import sources_text

MAX_NODES = 25  # per rule and page; results.json has them all
MAX_SHOTS = 3  # element screenshots per rule in the whole report

# Contrast: light text 16:1, links 6.4:1 on white; dark text 15:1, links
# 9:1 on #121212. Visited links keep the palette (UA purple fails in dark).
_CSS = """
:root { color-scheme: light dark; --fg: #1a1a1a; --bg: #ffffff; --muted: #4a4a4a;
  --link: #0b57d0; --rule: #c4c4c4; --code-bg: #f2f2f2; --bad: #a0001c; --good: #0a6b2c; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e8e8e8; --bg: #121212; --muted: #c2c2c2; --link: #9cc3ff;
    --rule: #5a5a5a; --code-bg: #1e1e1e; --bad: #ff9aa8; --good: #8fe0a8; }
}
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 72rem; padding: 1rem; color: var(--fg); background: var(--bg);
  font: 1rem/1.5 system-ui, sans-serif; overflow-wrap: break-word; }
a, a:visited { color: var(--link); }
.skip { margin: 0 0 .5rem; }
nav ul { display: flex; flex-wrap: wrap; gap: .25rem 1.25rem; padding: 0; list-style: none; }
table { width: 100%; border-collapse: collapse; margin: 1rem 0; }
caption { text-align: start; font-weight: 600; padding-bottom: .25rem; }
th, td { text-align: start; vertical-align: top; border-bottom: 1px solid var(--rule);
  padding: .35rem .5rem .35rem 0; }
/* Selectors and markup have no spaces; let them break anywhere at 320 px. */
code, pre { font-family: ui-monospace, monospace; background: var(--code-bg); overflow-wrap: anywhere; }
pre { white-space: pre-wrap; padding: .5rem; margin: .25rem 0; }
.nodes { padding-inline-start: 1.25rem; }
.muted { color: var(--muted); }
.fail { color: var(--bad); }
.pass { color: var(--good); }
.shot { display: block; max-width: 100%; height: auto; border: 1px solid var(--rule); margin: .25rem 0; }
/* Wide tables scroll inside their own focusable region instead of the page. */
.scroll { overflow-x: auto; }
.scroll:focus-visible { outline: 3px solid var(--link); outline-offset: 2px; }
td.only { font-weight: 700; }
"""


@dataclass(frozen=True)
class _Group:
    """All occurrences of one rule: finding per (page, cell)."""

    finding: Finding
    by_page: Mapping[str, tuple[tuple[str, Finding], ...]]


def _groups(results: Iterable[PageResult], kind: str) -> tuple[_Group, ...]:
    pages: dict[str, dict[str, list[tuple[str, Finding]]]] = defaultdict(lambda: defaultdict(list))
    first: dict[str, Finding] = {}
    for result in results:
        for finding in getattr(result, kind):
            pages[finding.rule_id][result.path].append((result.cell.label, finding))
            first.setdefault(finding.rule_id, finding)
    return tuple(
        _Group(first[rule], {p: tuple(v) for p, v in sorted(pages[rule].items())})
        for rule in sorted(pages)
    )


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _merged_nodes(occurrences: Iterable[tuple[str, Finding]]) -> list[tuple[NodeRef, list[str]]]:
    # The same element usually fails in several cells; list it once. Probes
    # can report one element (<head>) for several problems: keep each problem.
    merged: dict[tuple[object, ...], tuple[NodeRef, list[str]]] = {}
    for label, finding in occurrences:
        for node in finding.nodes:
            labels = merged.setdefault((node.target, node.failure_summary), (node, []))[1]
            if label not in labels:
                labels.append(label)
    return list(merged.values())


def _shot(node: NodeRef, budget: list[int]) -> str:
    # budget is the rule's remaining screenshot allowance, shared by its pages.
    if not node.screenshot.startswith("data:image/png;base64,") or budget[0] <= 0:
        return ""
    budget[0] -= 1
    return (f'<img class="shot" src="{_e(node.screenshot)}" '
            f'alt="Screenshot of the element {_e(node.selector)}">')


def _node_items(occurrences: tuple[tuple[str, Finding], ...], budget: list[int]) -> list[str]:
    nodes = _merged_nodes(occurrences)
    items = []
    for node, labels in nodes[:MAX_NODES]:
        summary = f"<p>{_e(node.failure_summary)}</p>" if node.failure_summary else ""
        where = (f'<p>Source: <code dir="ltr">{_e(sources_text(node))}</code></p>'
                 if node.sources else "")
        items.append(
            f"<li><p><code dir=\"ltr\">{_e(node.selector)}</code> "
            f"<span class=\"muted\">({_e(', '.join(labels))})</span></p>{where}"
            f"<pre dir=\"ltr\"><code>{_e(node.html)}</code></pre>{_shot(node, budget)}{summary}</li>"
        )
    if len(nodes) > MAX_NODES:
        items.append(f"<li>… and {len(nodes) - MAX_NODES} more element(s), listed in results.json</li>")
    return items


def _group_section(group: _Group, prefix: str) -> list[str]:
    f = group.finding
    anchor = f"{prefix}-{f.rule_id}"
    wcag = ", ".join(f.wcag_tags) or "none (best practice)"
    out = [
        f'<section aria-labelledby="{_e(anchor)}">',
        f'<h3 id="{_e(anchor)}">{_e(f.rule_id)}</h3>',
        f"<p>{_e(f.help)}. Impact: {_e(f.impact or 'unknown')}. WCAG: {_e(wcag)}.</p>",
    ]
    if f.help_url:
        out.append(f'<p><a href="{_e(f.help_url)}">How to fix {_e(f.rule_id)}</a></p>')
    budget = [MAX_SHOTS]
    for path, occurrences in group.by_page.items():
        cells = ", ".join(label for label, _ in occurrences)
        out += [f'<h4 dir="ltr">{_e(path)}</h4>', f"<p>Render cells: {_e(cells)}</p>",
                '<ul class="nodes">', *_node_items(occurrences, budget), "</ul>"]
    out.append("</section>")
    return out


def _kind_section(run: CheckRun, kind: str, anchor: str, title: str, intro: str) -> list[str]:
    groups = _groups(run.results, kind)
    out = [f'<section aria-labelledby="{anchor}">', f'<h2 id="{anchor}">{_e(title)}</h2>',
           f"<p>{_e(intro)}</p>"]
    if not groups:
        out.append("<p>None.</p>")
    for group in groups:
        out += _group_section(group, anchor)
    out.append("</section>")
    return out


def _count_rows(run: CheckRun) -> list[str]:
    rows = [
        ("Pages", len(run.pages)),
        ("Render cells", len({r.cell for r in run.results})),
        ("Checks (page × cell)", len(run.results)),
        ("Blocking (violations + errors)", run.blocking_count),
        ("Best practice (not blocking)", run.best_practice_count),
        ("Needs review", run.incomplete_count),
        ("Errors", run.error_count),
    ]
    return [f'<tr><th scope="row">{_e(k)}</th><td>{_e(v)}</td></tr>' for k, v in rows]


def _rule_rows(run: CheckRun) -> list[str]:
    rows = []
    for group in _groups(run.results, "violations"):
        count = sum(len(v) for v in group.by_page.values())
        rows.append(
            f'<tr><th scope="row"><a href="#blocking-{_e(group.finding.rule_id)}">'
            f"{_e(group.finding.rule_id)}</a></th><td>{_e(group.finding.impact or 'unknown')}</td>"
            f"<td>{count} page × cell result(s) on {len(group.by_page)} page(s)</td></tr>"
        )
    return rows


def _summary_section(run: CheckRun) -> list[str]:
    out = ['<section aria-labelledby="summary">', '<h2 id="summary">Summary</h2>',
           "<table>", "<caption>Counts</caption>", "<tbody>", *_count_rows(run), "</tbody>", "</table>"]
    rule_rows = _rule_rows(run)
    if rule_rows:
        out += ["<table>", "<caption>Blocking violations by rule</caption>", "<thead><tr>",
                '<th scope="col">Rule</th><th scope="col">Impact</th>',
                '<th scope="col">Found in</th>',
                "</tr></thead>", "<tbody>", *rule_rows, "</tbody>", "</table>"]
    out.append("</section>")
    return out


def _errors_section(run: CheckRun) -> list[str]:
    out = ['<section aria-labelledby="errors">', '<h2 id="errors">Errors</h2>']
    errors = [r for r in run.results if r.error]
    if not errors:
        out.append("<p>None: every page was checked in every cell.</p>")
    else:
        out.append("<ul>")
        out += [f"<li><code>{_e(r.path)}</code> ({_e(r.cell.label)}): {_e(r.error)}</li>" for r in errors]
        out.append("</ul>")
    out.append("</section>")
    return out


def _tools_section(run: CheckRun, tools: Mapping[str, str]) -> list[str]:
    rows = [("axe-core", run.axe_version), ("axe-core SHA-256", run.axe_sha256),
            ("Chromium", run.chromium_version), ("ChromeDriver", run.chromedriver_version),
            *sorted(tools.items()), ("Options", json.dumps(dict(run.options), sort_keys=True))]
    return ['<section aria-labelledby="tools">', '<h2 id="tools">Tools</h2>', "<table>",
            "<caption>Versions used for this run</caption>", "<tbody>",
            *(f'<tr><th scope="row">{_e(k)}</th><td><code>{_e(v)}</code></td></tr>' for k, v in rows),
            "</tbody>", "</table>", "</section>"]


_NAV = (("summary", "Summary"), ("cross-locale", "Across locales"), ("blocking", "By rule"),
        ("by-page", "By page"), ("by-locale", "By locale"), ("best-practice", "Best practice"),
        ("needs-review", "Needs review"), ("errors", "Errors"), ("tools", "Tools"))


def render_html_report(run: CheckRun, tools: Mapping[str, str], direction: str = "ltr") -> str:
    """The report; `direction="rtl"` lays it out for a right-to-left reader."""
    verdict = "pass" if run.passed else "fail"
    body = [
        *_summary_section(run),
        *cross_locale_section(run),
        *_kind_section(run, "violations", "blocking", "Blocking violations",
                       "WCAG 2.2 A/AA failures. Each one fails the check."),
        *by_page_section(run),
        *by_locale_section(run),
        *_kind_section(run, "best_practice", "best-practice", "Best practice",
                       "Reported to improve the pages; these do not fail the check."),
        *_kind_section(run, "incomplete", "needs-review", "Needs review",
                       "axe-core could not decide these; a person should look."),
        *_errors_section(run),
        *_tools_section(run, tools),
    ]
    nav = "".join(f'<li><a href="#{a}">{t}</a></li>' for a, t in _NAV)
    return "\n".join([
        "<!doctype html>", f'<html lang="en" dir="{_e(direction)}">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Accessibility report: {verdict.upper()}</title>", f"<style>{_CSS}</style>", "</head>",
        "<body>", "<header>", '<p class="skip"><a href="#main">Skip to results</a></p>',
        "<p>infopages accessibility report</p>", "</header>",
        f'<nav aria-label="Report sections"><ul>{nav}</ul></nav>',
        '<main id="main">',
        f'<h1>Accessibility report: <span class="{verdict}">{verdict.upper()}</span></h1>',
        *body, "</main>",
        "<footer><p>Generated by infopages with axe-core and headless Chromium.</p></footer>",
        "</body>", "</html>", "",
    ])
