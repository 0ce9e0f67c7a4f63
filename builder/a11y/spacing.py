"""Text spacing (WCAG 1.4.12) and zoom (1.4.4) where a page forbids them, as the
W3C ACT rules define it.

`infopages-text-spacing` implements ACT rules 24afc2, 9e45ec and 78fd32
(letter, word and line spacing set with !important in a style attribute)
and replaces axe's avoid-inline-spacing, which judges the declaring element
instead of the text it applies to: a declaration that no visible text
inherits is not a failure, and an inherited absolute value is measured
against the font size of the text it reaches. `infopages-meta-viewport`
adds what axe's meta-viewport lets through: values browsers read as "no
zoom" although they are not "no" (`user-scalable=invalid`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from builder.a11y.model import Finding, NodeRef
from builder.a11y.probe_js import UNDERSTANDING

SPACING_RULE = "infopages-text-spacing"
VIEWPORT_RULE = "infopages-meta-viewport"
REPLACED_AXE_RULES = ("avoid-inline-spacing",)
MINIMUM = {"letter-spacing": 0.12, "word-spacing": 0.16, "line-height": 1.5}  # × font size

SPACING_JS = r"""
const MIN = {'letter-spacing': 0.12, 'word-spacing': 0.16, 'line-height': 1.5};
const px = (value, prop) => {
  if (value === 'normal') { return prop === 'line-height' ? NaN : 0; }
  return parseFloat(value);
};
const onPage = (r) => r.width > 0 && r.height > 0 && r.right + scrollX > 0 && r.bottom + scrollY > 0;
const lines = (range) => new Set(Array.from(range.getClientRects())
  .filter((r) => r.width > 0).map((r) => Math.round(r.top))).size;
const inheritsFrom = (p, owner, prop) => {
  for (let x = p; x && x !== owner; x = x.parentElement) {
    if (x.style && x.style.getPropertyValue(prop)) { return false; }
    const parent = x.parentElement;
    if (!parent || getComputedStyle(x).getPropertyValue(prop) !==
        getComputedStyle(parent).getPropertyValue(prop)) { return false; }
  }
  return true;
};
const failures = [];
for (const el of Array.from(document.querySelectorAll('[style]')).slice(0, 2000)) {
  if (!el.style || el.namespaceURI !== 'http://www.w3.org/1999/xhtml') { continue; }
  for (const prop of Object.keys(MIN)) {
    const declared = el.style.getPropertyValue(prop).trim().toLowerCase();
    if (!declared || el.style.getPropertyPriority(prop) !== 'important') { continue; }
    if (['inherit', 'unset', 'revert', 'revert-layer'].includes(declared)) { continue; }
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    let worst = null;
    for (let t = walker.nextNode(); t; t = walker.nextNode()) {
      const p = t.parentElement;
      if (!p || !t.data.trim() || !inheritsFrom(p, el, prop)) { continue; }
      const range = document.createRange();
      range.selectNodeContents(t);
      if (!onPage(range.getBoundingClientRect())) { continue; }
      if (prop === 'line-height' && lines(range) < 2) { continue; }
      const cs = getComputedStyle(p);
      const size = parseFloat(cs.fontSize);
      const value = px(cs.getPropertyValue(prop), prop);
      const ratio = size > 0 ? value / size : Infinity;
      if (!(ratio >= MIN[prop] - 0.001) && (worst === null || !(ratio >= worst.ratio))) {
        worst = {ratio: ratio, value: cs.getPropertyValue(prop), size: cs.fontSize};
      }
    }
    if (worst) {
      failures.push(node(el, {prop: prop, declared: declared, value: worst.value, size: worst.size,
                              minimum: MIN[prop]}));
    }
  }
}
const viewport = [];
for (const meta of document.querySelectorAll('meta[name=viewport i][content]')) {
  for (const part of meta.getAttribute('content').split(/[,;]/)) {
    const [key, raw] = part.split('=').map((s) => (s || '').trim().toLowerCase());
    if (!raw || (key !== 'user-scalable' && key !== 'maximum-scale')) { continue; }
    const known = ['yes', 'no', 'device-width', 'device-height'].includes(raw) || !isNaN(parseFloat(raw));
    if (!known) { viewport.push(node(meta, {key: key, value: raw})); }
  }
}
return {spacing: failures.slice(0, args.max), viewport: viewport};
"""


def spacing_findings(found: Mapping[str, Any]) -> list[Finding]:
    findings = []
    nodes = tuple(NodeRef((n["target"],), n["html"],
                          f"Fix this: {n['prop']}: {n['declared']} !important in the style attribute "
                          f"gives text {n['value']} at a font size of {n['size']}, less than "
                          f"{n['minimum']} × the font size, and users cannot override it; remove "
                          "!important or raise the value")
                  for n in found.get("spacing", ()))
    if nodes:
        findings.append(Finding(
            rule_id=SPACING_RULE, impact="serious", tags=("wcag21aa", "wcag1412"),
            help="Text spacing set with !important in a style attribute must be wide enough",
            help_url=UNDERSTANDING + "text-spacing.html",
            description="Ensures letter, word and line spacing forced on text can be met by users "
                        "(W3C ACT rules 24afc2, 9e45ec, 78fd32)",
            nodes=nodes, source="probe"))
    viewport = tuple(NodeRef((n["target"],), n["html"],
                             f"Fix this: {n['key']}={n['value']} is not a value browsers know, so "
                             f"they read it as {'no zoom' if n['key'] == 'user-scalable' else 'a maximum scale of 0'}; "
                             f"remove {n['key']}")
                     for n in found.get("viewport", ()))
    if viewport:
        findings.append(Finding(
            rule_id=VIEWPORT_RULE, impact="critical", tags=("wcag2aa", "wcag144"),
            help="The viewport must not disable zooming with an unknown value",
            help_url=UNDERSTANDING + "resize-text.html",
            description="Ensures <meta name=viewport> does not stop zooming through a value that "
                        "browsers treat as 'no'",
            nodes=viewport, source="probe"))
    return findings
