"""axe-core, loaded from the pinned axe-selenium-python wheel and run by hand.

The wrapper's own `Axe.run` splices a Python repr of the options into
JavaScript source, which breaks on booleans and quotes; we pass options as a
real JSON argument instead and only borrow the vendored axe.min.js.
"""

from __future__ import annotations

import hashlib
import importlib.resources
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from selenium.webdriver.remote.webdriver import WebDriver

from builder.a11y.errors import CheckUnavailable
from builder.a11y.model import Finding, NodeRef

AXE_PACKAGE = "axe_selenium_python"
EXPERIMENTAL = "experimental"
# axe's experimental rules that test WCAG A/AA: run, but only ever "needs review"
# (axe's authors do not vouch for their failures yet). Not css-orientation-lock:
# it makes axe fetch every stylesheet again on each run, and reports "cannot
# tell" wherever that fails.
EXPERIMENTAL_WCAG_RULES = ("label-content-name-mismatch", "p-as-heading", "table-fake-caption",
                           "td-has-header")
# Rules an infopages probe implements as the W3C ACT rules define them (spacing.py).
REPLACED_RULES = ("avoid-inline-spacing",)
AXE_RESOURCE = "node_modules/axe-core/axe.min.js"
FRAME_TESTED = "frame-tested"
_VERSION_RE = re.compile(r"axe v(\d+\.\d+\.\d+\S*)")

# Results axe gives where the rule does not apply, dropped before anyone sees
# them: the <html> rules on a document that is not HTML (an SVG or MathML
# file), and keyboard rules on content a modal dialog has made inert.
_FILTER_JS = """
const NOT_HTML_RULES = ['html-has-lang', 'html-lang-valid', 'html-xml-lang-mismatch'];
const INERT_RULES = ['frame-focusable-content', 'scrollable-region-focusable'];
// An XML file is shown by Chromium's own viewer, an HTML page that is not the document.
const isHtml = ['text/html', 'application/xhtml+xml'].includes(document.contentType) &&
  document.documentElement.namespaceURI === 'http://www.w3.org/1999/xhtml' &&
  document.documentElement.localName === 'html';
const modal = (() => { try { return document.querySelector('dialog:modal'); } catch (e) { return null; } })();
// Inside a frame, the frame element itself decides (target[0] is in this document).
const inert = (node) => {
  if (typeof node.target[0] !== 'string') { return false; }
  let el = null;
  try { el = document.querySelector(node.target[0]); } catch (e) { return false; }
  return !!el && (!!el.closest('[inert]') || (!!modal && !modal.contains(el)));
};
const notApplicable = (rules) => rules.map((r) => {
  if (!isHtml && NOT_HTML_RULES.includes(r.id)) { return null; }
  if (!INERT_RULES.includes(r.id)) { return r; }
  const nodes = r.nodes.filter((n) => !inert(n));
  return nodes.length ? Object.assign({}, r, {nodes: nodes}) : null;
}).filter(Boolean);
"""

# Runs in the top frame; axe itself fans out to every frame it was injected
# into. Fonts and two animation frames first, because contrast and target
# size are measured on the final layout.
_RUN_JS = _FILTER_JS + """
const options = arguments[0];
const fresh = arguments[1];
const done = arguments[arguments.length - 1];
if (typeof axe === 'undefined') { done({ok: false, missing: true}); return; }
const trim = (rules) => rules.map((r) => ({
  id: r.id, impact: r.impact, tags: r.tags, help: r.help, helpUrl: r.helpUrl,
  description: r.description,
  nodes: r.nodes.map((n) => ({target: n.target, html: n.html,
                              failureSummary: n.failureSummary || ''})),
}));
(async () => {
  if (document.fonts && document.fonts.ready) { await document.fonts.ready; }
  if (fresh) {
    // Just loaded: let the page lay itself out for two frames.
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  } else {
    // Another cell of a loaded page: the new colour scheme or width may have
    // started transitions; measure their end state, as a fresh load would show.
    getComputedStyle(document.documentElement).color;
    for (const a of document.getAnimations()) {
      if (typeof CSSTransition !== 'undefined' && a instanceof CSSTransition) { a.finish(); }
    }
  }
  const res = await axe.run(document, options);
  const violations = notApplicable(res.violations);
  const incomplete = notApplicable(res.incomplete);
  done({ok: true, version: res.testEngine.version,
        violations: trim(violations), incomplete: trim(incomplete),
        passes: res.passes.map((r) => r.id),
        raw: {violations: violations, incomplete: incomplete}});
})().catch((e) => done({ok: false, error: String((e && e.stack) || e)}));
"""


# Rule ids per outcome only: what conformance harnesses (ACT) need to classify.
_RUN_IDS_JS = _FILTER_JS + """
const options = arguments[0];
const done = arguments[arguments.length - 1];
const ids = (rules) => rules.map((r) => r.id);
const tagged = (rules) => rules.map((r) => ({id: r.id, tags: r.tags}));
axe.run(document, options).then(
  (res) => done({ok: true, violations: tagged(notApplicable(res.violations)),
                 incomplete: tagged(notApplicable(res.incomplete)),
                 passes: ids(res.passes), inapplicable: ids(res.inapplicable)}),
  (e) => done({ok: false, error: String((e && e.stack) || e)}));
"""


@dataclass(frozen=True)
class AxeScript:
    """The vendored axe.min.js, with the version and SHA-256 that runs and cache keys record."""

    source: str
    version: str
    sha256: str


@dataclass(frozen=True)
class AxeOutcome:
    """axe's results on a page as it is, sorted into blocking, best-practice and needs review."""

    violations: tuple[Finding, ...]
    best_practice: tuple[Finding, ...]
    incomplete: tuple[Finding, ...]
    passes: tuple[str, ...] = ()  # ids of rules that ran and passed
    raw: str = ""                 # axe's own violations and incomplete, untrimmed, as JSON


class AxeError(Exception):
    """axe.run itself failed on a page (recorded as that page's error)."""


def load_axe_script() -> AxeScript:
    try:
        resource = importlib.resources.files(AXE_PACKAGE).joinpath(AXE_RESOURCE)
        source = resource.read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError, OSError) as err:
        raise CheckUnavailable(
            "axe-core not found in the axe-selenium-python package — "
            "reinstall it: pip install axe-selenium-python==3.0.0"
        ) from err
    match = _VERSION_RE.search(source[:200])
    return AxeScript(
        source=source,
        version=match.group(1) if match else "unknown",
        sha256=hashlib.sha256(source.encode("utf-8")).hexdigest(),
    )


def preload_axe(driver: WebDriver, script: AxeScript) -> None:
    """Make Chromium evaluate axe in every new document, iframes included.

    Injecting only into the top frame would leave iframes untested (axe
    reports them as `frame-tested`); the preload reaches each frame before
    its own scripts run.
    """
    # execute_cdp_cmd also works on webdriver.Remote when it was created
    # with a ChromiumRemoteConnection (see browser.py).
    driver.execute_cdp_cmd("Page.enable", {})
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": script.source})


def ensure_axe(driver: WebDriver, script: AxeScript) -> None:
    # The preload can miss documents opened before it was registered or
    # replaced via document.write; the top frame at least gets axe.
    if driver.execute_script("return typeof window.axe === 'undefined';"):
        driver.execute_script(script.source)


def axe_options(tags: Sequence[str]) -> dict[str, Any]:
    """Our tags; experimental WCAG rules on (their failures are "needs review");
    rules a probe does better off. Passing nodes are not reported (only the
    ids of rules that passed), which spares axe most of its selector work."""
    rules = {r: {"enabled": True} for r in EXPERIMENTAL_WCAG_RULES}
    rules |= {r: {"enabled": False} for r in REPLACED_RULES}
    return {
        "runOnly": {"type": "tag", "values": list(tags)},
        "rules": rules,
        "resultTypes": ["violations", "incomplete"],
        "selectors": True,
        "ancestry": False,
        "xpath": False,
    }


def rule_options(rules: Sequence[str]) -> dict[str, Any]:
    """Exactly these axe rules (experimental ones too), as a conformance harness asks."""
    return {"runOnly": {"type": "rule", "values": [r for r in rules if r not in REPLACED_RULES]},
            "resultTypes": ["violations", "incomplete"]}


def run_axe(driver: WebDriver, script: AxeScript, tags: Sequence[str],
            blocking_tags: Iterable[str], fresh: bool = True) -> AxeOutcome:
    """axe on the page as it is; `fresh` after a load (wait two frames), else after a
    cell switch (finish the transitions it started)."""
    raw = driver.execute_async_script(_RUN_JS, axe_options(tags), fresh)
    if isinstance(raw, Mapping) and raw.get("missing"):
        ensure_axe(driver, script)
        raw = driver.execute_async_script(_RUN_JS, axe_options(tags), fresh)
    if not isinstance(raw, Mapping) or not raw.get("ok"):
        error = raw.get("error") if isinstance(raw, Mapping) else repr(raw)
        raise AxeError(f"axe.run failed: {str(error).splitlines()[0] if error else 'no result'}")
    outcome = classify(raw.get("violations", []), raw.get("incomplete", []), frozenset(blocking_tags))
    passes = tuple(sorted(str(p) for p in raw.get("passes", ())))
    untrimmed = json.dumps(raw.get("raw", {}), sort_keys=True, ensure_ascii=False)
    return AxeOutcome(outcome.violations, outcome.best_practice, outcome.incomplete, passes,
                      untrimmed)


def run_axe_ids(driver: WebDriver, script: AxeScript, options: Mapping[str, Any]) -> dict[str, list[str]]:
    """Rule ids by outcome (violations, incomplete, passes, inapplicable), options as real
    JSON, classified as the checker classifies them (an experimental rule's failure is
    incomplete: it needs review)."""
    ensure_axe(driver, script)
    raw = driver.execute_async_script(_RUN_IDS_JS, dict(options))
    if not isinstance(raw, Mapping) or not raw.get("ok"):
        error = raw.get("error") if isinstance(raw, Mapping) else repr(raw)
        raise AxeError(f"axe.run failed: {str(error).splitlines()[0] if error else 'no result'}")
    failed = [r for r in raw.get("violations", ()) if EXPERIMENTAL not in r.get("tags", ())]
    review = [r for r in raw.get("violations", ()) if EXPERIMENTAL in r.get("tags", ())]
    return {"violations": [str(r["id"]) for r in failed],
            "incomplete": [str(r["id"]) for r in (*review, *raw.get("incomplete", ()))],
            "passes": [str(i) for i in raw.get("passes", ())],
            "inapplicable": [str(i) for i in raw.get("inapplicable", ())]}


def classify(violations: Sequence[Mapping[str, Any]], incomplete: Sequence[Mapping[str, Any]],
             blocking_tags: frozenset[str]) -> AxeOutcome:
    """Split raw axe rules into blocking / best-practice / needs-review.

    An untested frame means part of the page was never checked, so
    `frame-tested` is promoted to a blocking failure wherever it shows up.
    An experimental rule's failures only ever need review.
    """
    blocking: list[Finding] = []
    advisory: list[Finding] = []
    review: list[Finding] = []
    for rule in violations:
        finding = finding_from_axe(rule)
        if EXPERIMENTAL in finding.tags:
            review.append(finding)
        elif finding.rule_id == FRAME_TESTED or blocking_tags.intersection(finding.tags):
            blocking.append(finding)
        else:
            advisory.append(finding)
    for rule in incomplete:
        finding = finding_from_axe(rule)
        (blocking if finding.rule_id == FRAME_TESTED else review).append(finding)
    return AxeOutcome(tuple(blocking), tuple(advisory), tuple(review))


def finding_from_axe(rule: Mapping[str, Any]) -> Finding:
    return Finding(
        rule_id=str(rule.get("id", "")),
        impact=rule.get("impact"),
        tags=tuple(str(t) for t in rule.get("tags", ())),
        help=str(rule.get("help", "")),
        help_url=str(rule.get("helpUrl", "")),
        description=str(rule.get("description", "")),
        nodes=tuple(_node(n) for n in rule.get("nodes", ())),
        source="axe",
    )


def _node(node: Mapping[str, Any]) -> NodeRef:
    return NodeRef(
        target=tuple(_selector(part) for part in node.get("target", ())),
        html=str(node.get("html", "")),
        failure_summary=str(node.get("failureSummary", "")),
    )


def _selector(part: Any) -> str:
    # Shadow-DOM targets come as nested lists: host, then inner selector.
    if isinstance(part, (list, tuple)):
        return " >> ".join(str(p) for p in part)
    return str(part)
