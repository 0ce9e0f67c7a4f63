"""Checks axe-core does not make: reflow at 320 px, declared language and
direction, and a visible keyboard focus indicator.

Each probe returns at most one Finding (with one node per offending
element) so results line up with axe's one-rule-one-finding shape.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver

from builder.a11y import locale
from builder.a11y.model import NARROW_WIDTH, CheckTarget, Finding, NodeRef, RenderCell

UNDERSTANDING = "https://www.w3.org/WAI/WCAG22/Understanding/"
REFLOW_RULE = "infopages-reflow"
LANG_RULE = "infopages-lang"
FOCUS_RULE = "infopages-focus-visible"
MAX_REFLOW_NODES = 10

# Shared by every probe script: a stable CSS path and an axe-like snippet.
_HELPERS_JS = r"""
const cssPath = (el) => {
  const parts = [];
  for (let e = el; e && e.nodeType === 1 && e !== document.documentElement; e = e.parentElement) {
    if (e.id && document.querySelectorAll('#' + CSS.escape(e.id)).length === 1) {
      parts.unshift('#' + CSS.escape(e.id));
      return parts.join(' > ');
    }
    let part = e.localName;
    const parent = e.parentElement;
    if (parent) {
      const same = Array.from(parent.children).filter((c) => c.localName === e.localName);
      if (same.length > 1) { part += ':nth-of-type(' + (same.indexOf(e) + 1) + ')'; }
    }
    parts.unshift(part);
  }
  return parts.length ? parts.join(' > ') : 'html';
};
const snippet = (el) => {
  const html = el.outerHTML;
  if (html.length <= 250) { return html; }
  const open = html.slice(0, html.indexOf('>') + 1);
  return (open.length <= 250 ? open : open.slice(0, 249)) + '…';
};
"""

# Offenders are boxes (or their own text) past the edge the page scrolls
# towards: the right in LTR, the left in RTL. Content clipped by an
# overflow container does not widen the page, so it is ignored.
_REFLOW_JS = _HELPERS_JS + r"""
const de = document.documentElement;
const vw = de.clientWidth;
const sw = de.scrollWidth;
if (sw <= vw + 1) { return {overflow: false, viewport: vw, content: sw, nodes: []}; }
const rtl = getComputedStyle(de).direction === 'rtl';
const outside = (r, bothSides) => (r.width > 0 || r.height > 0) &&
  (bothSides ? (r.left < -1 || r.right > vw + 1) : (rtl ? r.left < -1 : r.right > vw + 1));
const clipped = (el) => {
  for (let a = el.parentElement; a && a !== de && a !== document.body; a = a.parentElement) {
    if (getComputedStyle(a).overflowX !== 'visible') { return true; }
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
const collect = (bothSides) => {
  const all = Array.from(document.body ? document.body.querySelectorAll('*') : []).slice(0, 5000);
  return all.filter((el) => !clipped(el) &&
    (outside(el.getBoundingClientRect(), bothSides) || ownTextOutside(el, bothSides)));
};
let offenders = collect(false);
if (!offenders.length) { offenders = collect(true); }
const deepest = offenders.filter((el) => !offenders.some((o) => o !== el && el.contains(o)));
// Worst first, so the cap never hides the element that widens the page most.
const excess = (r) => Math.max(r.right - vw, -r.left);
const nodes = deepest.map((el) => ({el: el, rect: el.getBoundingClientRect()}))
  .sort((a, b) => excess(b.rect) - excess(a.rect)).slice(0, arguments[0]);
return {overflow: true, viewport: vw, content: sw, rtl: rtl,
  nodes: nodes.map(({el, rect}) => ({target: cssPath(el), html: snippet(el),
    left: Math.round(rect.left), right: Math.round(rect.right)}))};
"""

_LANG_JS = r"""
const de = document.documentElement;
const html = de.outerHTML;
return {lang: de.getAttribute('lang'), dir: de.getAttribute('dir'),
        html: html.slice(0, html.indexOf('>') + 1)};
"""

# Focus probe state lives on window so each Tab can compare the element
# that just lost focus (its unfocused look) with what it looked like focused.
_FOCUS_SETUP_JS = _HELPERS_JS + r"""
const PROPS = ['outline-style', 'outline-width', 'outline-color', 'outline-offset', 'box-shadow',
  'border-top-style', 'border-top-width', 'border-top-color', 'border-bottom-style',
  'border-bottom-width', 'border-bottom-color',
  'background-color', 'background-image', 'color', 'text-decoration-line',
  'text-decoration-style', 'text-decoration-color', 'text-decoration-thickness',
  'text-underline-offset', 'opacity', 'transform', 'filter', 'clip-path', 'clip',
  'visibility', 'position', 'left', 'top', 'right', 'bottom', 'content'];
const PARENT_PROPS = ['outline-style', 'outline-color', 'box-shadow', 'background-color',
  'border-top-color', 'border-bottom-color'];
// Properties that cannot show (an outline offset with no outline, a
// ::before with no content) are dropped: Chromium's UA sheet changes some
// of them on :focus-visible even when the author hid the indicator.
const INERT = [['outline-style', 'outline-'], ['border-top-style', 'border-top-'],
  ['border-bottom-style', 'border-bottom-'], ['text-decoration-line', 'text-decoration-'],
  ['text-decoration-line', 'text-underline-']];
const read = (cs, props, prefix, out) => {
  const values = {};
  for (const p of props) { values[p] = cs.getPropertyValue(p); }
  if (prefix.startsWith('::') && (values.content === 'none' || values.content === 'normal')) {
    out[prefix + 'content'] = values.content;
    return;
  }
  for (const [switchProp, family] of INERT) {
    if (values[switchProp] !== 'none') { continue; }
    for (const p of props) { if (p !== switchProp && p.startsWith(family)) { delete values[p]; } }
  }
  for (const p of Object.keys(values)) { out[prefix + p] = values[p]; }
};
const snap = (el) => {
  const out = {};
  read(getComputedStyle(el), PROPS, '', out);
  read(getComputedStyle(el, '::before'), PROPS, '::before ', out);
  read(getComputedStyle(el, '::after'), PROPS, '::after ', out);
  if (el.parentElement) { read(getComputedStyle(el.parentElement), PARENT_PROPS, 'parent ', out); }
  return JSON.stringify(out);
};
const settle = async (el) => {
  const anims = [el, el.parentElement].filter(Boolean)
    .flatMap((t) => (t.getAnimations ? t.getAnimations({subtree: t === el}) : []));
  if (!anims.length) { return; }
  await Promise.race([Promise.allSettled(anims.map((a) => a.finished)),
                      new Promise((r) => setTimeout(r, 600))]);
};
const st = {prev: null, seen: new Set(), outside: 0, failures: []};
st.release = async () => {
  if (!st.prev) { return; }
  const {el, focused} = st.prev;
  st.prev = null;
  await settle(el);
  if (snap(el) === focused) { st.failures.push({target: cssPath(el), html: snippet(el)}); }
};
st.step = async () => {
  const a = document.activeElement;
  const cur = a && a !== document.body && a !== de ? a : null;
  if (st.prev && st.prev.el !== cur) { await st.release(); }
  if (!cur) { st.outside += 1; return st.seen.size > 0 || st.outside >= 2; }
  if (cur.localName === 'iframe') { return false; }  // focus moved inside a frame
  if (st.seen.has(cur)) { return true; }  // wrapped around
  st.seen.add(cur);
  await settle(cur);
  st.prev = {el: cur, focused: snap(cur)};
  return false;
};
const de = document.documentElement;
if (document.activeElement && document.activeElement.blur) { document.activeElement.blur(); }
window.scrollTo(0, 0);
window.__infopagesFocus = st;
"""

_FOCUS_STEP_JS = r"""
const done = arguments[arguments.length - 1];
window.__infopagesFocus.step().then((finished) => done({finished: finished}),
                                    (e) => done({finished: true, error: String(e)}));
"""

_FOCUS_FINISH_JS = r"""
const done = arguments[arguments.length - 1];
const st = window.__infopagesFocus;
const last = st.prev && st.prev.el;
if (last && last.blur) { last.blur(); }
st.release().then(() => done({failures: st.failures, stops: st.seen.size}),
                  (e) => done({failures: st.failures, stops: st.seen.size, error: String(e)}));
"""


def probe_ids(target: CheckTarget, cell: RenderCell) -> set[str]:
    """Probe rules that run for this target and cell (JUnit lists their passes)."""
    ids = {FOCUS_RULE}
    if target.locale is not None or target.direction is not None:
        ids.add(LANG_RULE)
    if cell.width <= NARROW_WIDTH:
        ids.add(REFLOW_RULE)
    if target.page is not None:
        ids |= {locale.FALLBACK_RULE, locale.SWITCHER_RULE, locale.HREFLANG_RULE,
                locale.RECIPROCAL_RULE, locale.TITLE_RULE}
    return ids


def run_probes(driver: WebDriver, target: CheckTarget, cell: RenderCell,
               max_focus_stops: int = 60) -> tuple[Finding, ...]:
    """All probes for one loaded page; focus goes last because it moves focus and scroll."""
    findings = [lang_probe(driver, target)]
    if cell.width <= NARROW_WIDTH:
        findings.append(reflow_probe(driver))
    findings.append(focus_probe(driver, max_focus_stops))
    return tuple(f for f in findings if f is not None)


def normalise_locale(value: str) -> str:
    return value.strip().replace("_", "-").lower()


def lang_probe(driver: WebDriver, target: CheckTarget) -> Finding | None:
    if target.locale is None and target.direction is None:
        return None
    found: Mapping[str, Any] = driver.execute_script(_LANG_JS)
    problems = []
    lang, direction = found.get("lang"), found.get("dir")
    if target.locale is not None and normalise_locale(lang or "") != normalise_locale(target.locale):
        problems.append(_mismatch("lang", lang, target.locale))
    if target.direction is not None and (direction or "").strip().lower() != target.direction.lower():
        problems.append(_mismatch("dir", direction, target.direction))
    if not problems:
        return None
    return Finding(
        rule_id=LANG_RULE, impact="serious", tags=("wcag2a", "wcag311"),
        help="<html> must declare the page's language and text direction",
        help_url=UNDERSTANDING + "language-of-page.html",
        description="Ensures <html lang> and <html dir> match the locale the page was built for",
        nodes=(NodeRef(("html",), str(found.get("html", "")), "Fix this: " + "; ".join(problems)),),
        source="probe",
    )


def _mismatch(attribute: str, actual: str | None, expected: str) -> str:
    shown = "missing" if actual is None else f'"{actual}"'
    return f'{attribute} is {shown}, expected "{expected}"'


def reflow_probe(driver: WebDriver) -> Finding | None:
    found: Mapping[str, Any] = driver.execute_script(_REFLOW_JS, MAX_REFLOW_NODES)
    if not found.get("overflow"):
        return None
    viewport, content = found.get("viewport"), found.get("content")
    summary = (f"Fix this: the page is {content}px wide in a {viewport}px viewport, "
               "so it scrolls horizontally; this element extends past the edge")
    nodes = tuple(NodeRef((n["target"],), n["html"], f"{summary} ({n['left']}px to {n['right']}px)")
                  for n in found.get("nodes", ()))
    if not nodes:
        nodes = (NodeRef(("html",), "<html>", summary.replace("; this element extends past the edge", "")),)
    return Finding(
        rule_id=REFLOW_RULE, impact="serious", tags=("wcag21aa", "wcag1410"),
        help="Content must reflow without horizontal scrolling at 320 CSS px",
        help_url=UNDERSTANDING + "reflow.html",
        description="Ensures no element forces horizontal scrolling in a 320 px wide viewport",
        nodes=nodes, source="probe",
    )


def focus_probe(driver: WebDriver, max_stops: int = 60) -> Finding | None:
    """Tab through the page with real key presses.

    Programmatic el.focus() does not reliably match :focus-visible, so
    only real Tab presses show the indicator a keyboard user would see.
    """
    driver.execute_script(_FOCUS_SETUP_JS)
    for _ in range(max_stops + 1):
        ActionChains(driver).send_keys(Keys.TAB).perform()
        if driver.execute_async_script(_FOCUS_STEP_JS).get("finished"):
            break
    found: Mapping[str, Any] = driver.execute_async_script(_FOCUS_FINISH_JS)
    failures = found.get("failures", ())
    if not failures:
        return None
    summary = ("Fix this: nothing about the element's look changes when it receives keyboard "
               "focus (outline, box-shadow, border, background, colour, text decoration, "
               "::before/::after compared)")
    return Finding(
        rule_id=FOCUS_RULE, impact="serious", tags=("wcag2aa", "wcag247"),
        help="Keyboard focus must be visible",
        help_url=UNDERSTANDING + "focus-visible.html",
        description="Ensures every element reached with Tab shows a focus indicator",
        nodes=tuple(NodeRef((f["target"],), f["html"], summary) for f in failures),
        source="probe",
    )
