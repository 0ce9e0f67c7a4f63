"""Reflow at 320 CSS px as WCAG 1.4.10 defines it.

The page itself scrolling horizontally is a failure, whatever widens it. A
region that scrolls (or clips) horizontally inside its own box is not: the
criterion excepts content that needs two-dimensional layout — data tables,
preformatted text, figures, maps — and a person must judge whether this
content does, so each such region is listed as "needs review" with its element.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from builder.a11y.model import Finding, NodeRef
from builder.a11y.probe_js import UNDERSTANDING

REFLOW_RULE = "infopages-reflow"
REGION_RULE = "infopages-reflow-region"
MAX_NODES = 10

# Offenders are boxes (or their own text) past the edge the page scrolls
# towards: the right in LTR, the left in RTL. Content inside a box that
# scrolls or clips does not widen the page, so it is not an offender.
REFLOW_JS = r"""
const de = document.documentElement;
const body = document.body;
const vw = de.clientWidth;
const sw = de.scrollWidth;
const TWO_D = 'table,pre,figure,svg,canvas,img,picture,video,iframe,object,embed,map,math';
const twoD = (el) => el.matches(TWO_D) || !!el.closest(TWO_D) || !!el.querySelector(TWO_D);
const all = Array.from(body ? body.querySelectorAll('*') : []).slice(0, 5000);
const out = {viewport: vw, content: sw, overflow: sw > vw + 1, nodes: [], regions: []};
const styles = new Map(all.map((el) => [el, getComputedStyle(el)]));
for (const el of all) {
  const cs = styles.get(el);
  if (cs.overflowX === 'visible' || el.clientWidth <= 2 || el.clientHeight <= 2) { continue; }
  if (el.scrollWidth <= el.clientWidth + 1 || cs.visibility !== 'visible') { continue; }
  if (cs.clip !== 'auto' || cs.clipPath !== 'none') { continue; }  // visually-hidden pattern
  out.regions.push(node(el, {twoD: twoD(el), clips: cs.overflowX === 'hidden' || cs.overflowX === 'clip',
    content: el.scrollWidth, box: el.clientWidth}));
}
if (!out.overflow) { return out; }
const rtl = getComputedStyle(body || de).direction === 'rtl';
out.rtl = rtl;
const outside = (r, bothSides) => (r.width > 0 || r.height > 0) &&
  (bothSides ? (r.left < -1 || r.right > vw + 1) : (rtl ? r.left < -1 : r.right > vw + 1));
const clipped = (el) => {
  for (let a = el.parentElement; a && a !== de && a !== body; a = a.parentElement) {
    const cs = styles.get(a) || getComputedStyle(a);
    if (cs.overflowX !== 'visible') { return true; }
  }
  return false;
};
const ownTextOutside = (el, bothSides) => {
  for (const child of el.childNodes) {
    if (child.nodeType !== 3 || !child.textContent.trim()) { continue; }
    const range = document.createRange();
    range.selectNodeContents(child);
    if (outside(range.getBoundingClientRect(), bothSides)) { return true; }
  }
  return false;
};
const collect = (bothSides) => all.filter((el) => !clipped(el) &&
  (outside(el.getBoundingClientRect(), bothSides) || ownTextOutside(el, bothSides)));
let offenders = collect(false);
if (!offenders.length) { offenders = collect(true); }
const deepest = offenders.filter((el) => !offenders.some((o) => o !== el && el.contains(o)));
// Worst first, so the cap never hides the element that widens the page most.
const excess = (r) => Math.max(r.right - vw, -r.left);
out.nodes = deepest.map((el) => ({el: el, rect: el.getBoundingClientRect()}))
  .sort((a, b) => excess(b.rect) - excess(a.rect)).slice(0, args.max)
  .map(({el, rect}) => node(el, {left: Math.round(rect.left), right: Math.round(rect.right),
                                 twoD: twoD(el)}));
return out;
"""


def reflow_findings(found: Mapping[str, Any]) -> tuple[list[Finding], list[Finding]]:
    """(failures, needs review) from what REFLOW_JS read."""
    failures = [f for f in (_page_scroll(found),) if f is not None]
    review = [f for f in (_regions(found),) if f is not None]
    return failures, review


def _page_scroll(found: Mapping[str, Any]) -> Finding | None:
    if not found.get("overflow"):
        return None
    viewport, content = found.get("viewport"), found.get("content")
    summary = (f"Fix this: the page is {content}px wide in a {viewport}px viewport, "
               "so it scrolls horizontally; this element extends past the edge")
    nodes = []
    for n in found.get("nodes", ()):
        text = f"{summary} ({n['left']}px to {n['right']}px)"
        if n.get("twoD"):
            text += ("; if it needs two-dimensional layout (a data table, code, a map), put it in "
                     "its own scrollable region so that only the region scrolls, not the page")
        nodes.append(NodeRef((n["target"],), n["html"], text))
    if not nodes:
        nodes = [NodeRef(("html",), "<html>", summary.replace("; this element extends past the edge", ""))]
    return Finding(
        rule_id=REFLOW_RULE, impact="serious", tags=("wcag21aa", "wcag1410"),
        help="Content must reflow without horizontal scrolling at 320 CSS px",
        help_url=UNDERSTANDING + "reflow.html",
        description="Ensures the page does not scroll horizontally in a 320 px wide viewport",
        nodes=tuple(nodes), source="probe")


def _regions(found: Mapping[str, Any]) -> Finding | None:
    nodes = []
    for n in found.get("regions", ())[:MAX_NODES]:
        how = "cuts off" if n.get("clips") else "scrolls"
        kind = ("content that may need two-dimensional layout (a table, code, a figure or map)"
                if n.get("twoD") else "content that does not look two-dimensional")
        nodes.append(NodeRef((n["target"],), n["html"],
                             f"Check this: at 320px this region {how} horizontally inside itself "
                             f"({n['content']}px of content in {n['box']}px) while the page "
                             f"reflows; it holds {kind}. WCAG 1.4.10 allows that only for content "
                             "that needs two-dimensional layout, and the region must be reachable "
                             "and scrollable with the keyboard"))
    if not nodes:
        return None
    return Finding(
        rule_id=REGION_RULE, impact="moderate", tags=("wcag21aa", "wcag1410"),
        help="Regions that scroll horizontally at 320 CSS px must need two-dimensional layout",
        help_url=UNDERSTANDING + "reflow.html",
        description="Lists regions that scroll or clip horizontally inside themselves at 320 px",
        nodes=tuple(nodes), source="probe")
