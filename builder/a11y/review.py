"""Barriers axe-core 4.10 leaves out, reported as "needs review" with the element.

Each check looks only at markup and names, never guesses at intent, and
stays quiet wherever the page gives a reason to believe it is fine (a header
cell anywhere, a label of any kind, a group with a name, a link with a widget
role). None of them blocks: a person confirms.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from builder.a11y.model import Finding, NodeRef
from builder.a11y.probe_js import UNDERSTANDING

MAX_NODES = 10

# rule id → (WCAG tags, help, Understanding page, what to check)
RULES: dict[str, tuple[tuple[str, ...], str, str, str]] = {
    "infopages-table-headers": (
        ("wcag2a", "wcag131"), "Data tables need header cells", "info-and-relationships.html",
        "Check this: the table has {rows} rows and {cols} columns of data but no header cell "
        "(<th>, or a columnheader/rowheader role); if it is a data table, mark its headers with "
        "<th scope>; if it only lays content out, give it role=\"presentation\""),
    "infopages-placeholder-label": (
        ("wcag2a", "wcag332"), "Form fields need a label, not only a placeholder",
        "labels-or-instructions.html",
        "Check this: the field's only name is its placeholder \"{placeholder}\", which disappears "
        "as soon as something is typed; give it a visible <label>"),
    "infopages-group-label": (
        ("wcag2a", "wcag131"), "Groups of radio buttons and checkboxes need a group label",
        "info-and-relationships.html",
        "Check this: {count} {kind} named \"{name}\" form a group with no group label; put them in "
        "a <fieldset> with a <legend> (or role=\"group\"/\"radiogroup\" with a name)"),
    "infopages-link-target": (
        ("wcag2a", "wcag244"), "Links must lead somewhere", "link-purpose-in-context.html",
        "Check this: the link's target is {href}, so it {what}; use a <button> for an action, or "
        "link to the real destination"),
    "infopages-link-text": (
        ("wcag2a", "wcag244"), "Links with the same text should lead to the same place",
        "link-purpose-in-context.html",
        "Check this: \"{text}\" is the text of {count} links on this page that lead to {targets} "
        "different places ({hrefs}); give each a text (or accessible name) that tells them apart"),
    "infopages-duplicate-id": (
        ("wcag2a", "wcag131"), "Ids that labels and ARIA refer to must be unique",
        "info-and-relationships.html",
        "Check this: id \"{id}\" is used by {count} elements, and {refs} refers to it, so it "
        "points at the first one only; give each element its own id"),
}

REVIEW_JS = r"""
const norm = (s) => (s || '').replace(/\s+/g, ' ').trim();
const visible = (el) => !el.checkVisibility || el.checkVisibility({visibilityProperty: true});
const out = {};
const byId = (id) => document.getElementById(id);
const textOf = (el) => norm(el.getAttribute('aria-label')) ||
  norm((el.getAttribute('aria-labelledby') || '').split(/\s+/).map((i) => byId(i))
    .filter(Boolean).map((e) => e.textContent).join(' ')) ||
  norm(el.innerText !== undefined ? el.innerText : el.textContent) ||
  norm(Array.from(el.querySelectorAll('img[alt]')).map((i) => i.alt).join(' ')) ||
  norm(el.getAttribute('title'));
const WIDGET = /^(button|menuitem|menuitemcheckbox|menuitemradio|tab|option|switch|checkbox|radio|treeitem)$/;

// Data tables with no header cells.
out['infopages-table-headers'] = Array.from(document.querySelectorAll('table')).filter((t) => {
  const role = (t.getAttribute('role') || '').trim();
  if ((role && role !== 'table' && role !== 'grid' && role !== 'treegrid') || !visible(t)) { return false; }
  if (t.querySelector('table, th, [role=columnheader], [role=rowheader]')) { return false; }
  if (t.getAttribute('summary') === null && !t.caption && role === '' &&
      t.querySelector('[headers], [scope], thead, tfoot, colgroup') === null &&
      t.rows.length < 2) { return false; }
  const rows = Array.from(t.rows).filter((r) => Array.from(r.cells).some((c) => norm(c.textContent)));
  const cols = Math.max(0, ...rows.map((r) => Array.from(r.cells).filter((c) => norm(c.textContent)).length));
  t.__rc = [rows.length, cols];
  return rows.length >= 2 && cols >= 2;
}).map((t) => node(t, {rows: t.__rc[0], cols: t.__rc[1]}));

// Fields whose only name is a placeholder.
const TEXTUAL = ['', 'text', 'search', 'email', 'tel', 'url', 'password', 'number', 'date',
  'datetime-local', 'month', 'week', 'time'];
out['infopages-placeholder-label'] = Array.from(document.querySelectorAll(
  'input[placeholder], textarea[placeholder]')).filter((f) => {
  if (f.localName === 'input' && !TEXTUAL.includes((f.getAttribute('type') || '').toLowerCase())) { return false; }
  if (!norm(f.getAttribute('placeholder')) || !visible(f)) { return false; }
  if (norm(f.getAttribute('aria-label')) || norm(f.getAttribute('title'))) { return false; }
  if ((f.getAttribute('aria-labelledby') || '').split(/\s+/).some((i) => i && byId(i))) { return false; }
  return !(f.labels && Array.from(f.labels).some((l) => norm(l.textContent)));
}).map((f) => node(f, {placeholder: norm(f.getAttribute('placeholder'))}));

// Radio buttons and checkboxes sharing a name, with no group around them.
const groups = new Map();
for (const f of document.querySelectorAll('input[type=radio][name], input[type=checkbox][name]')) {
  if (!visible(f)) { continue; }
  const key = [f.form ? 'f' : 'd', f.type, f.name].join('|');
  if (!groups.has(key)) { groups.set(key, []); }
  groups.get(key).push(f);
}
const named = (g) => {
  if (g.localName === 'fieldset') { const l = g.querySelector(':scope > legend'); return !!(l && norm(l.textContent)); }
  return !!(norm(g.getAttribute('aria-label')) || (g.getAttribute('aria-labelledby') || '')
    .split(/\s+/).some((i) => i && byId(i) && norm(byId(i).textContent)));
};
out['infopages-group-label'] = Array.from(groups.values()).filter((fields) => fields.length > 1)
  .filter((fields) => !fields.every((f) => {
    const g = f.closest('fieldset, [role=group], [role=radiogroup]');
    return g && named(g);
  })).map((fields) => node(fields[0], {count: fields.length, name: fields[0].name,
    kind: fields[0].type === 'radio' ? 'radio buttons' : 'checkboxes'}));

// Links to nowhere: "#", "javascript:", or a fragment with no element to go to.
const here = location.href.split('#')[0];
out['infopages-link-target'] = Array.from(document.querySelectorAll('a[href], area[href]')).filter((a) => {
  const role = (a.getAttribute('role') || '').trim();
  if (WIDGET.test(role) || !visible(a)) { return false; }
  const href = a.getAttribute('href').trim();
  if (href === '#' || /^javascript:/i.test(href)) { return true; }
  if (!href.startsWith('#') || a.href.split('#')[0] !== here) { return false; }
  const id = decodeURIComponent(href.slice(1));
  return id.toLowerCase() !== 'top' && !byId(id) && !document.getElementsByName(id).length;
}).map((a) => {
  const href = a.getAttribute('href').trim();
  return node(a, {href: href.length > 60 ? href.slice(0, 59) + '…' : href,
    what: href === '#' ? 'goes to the top of the page' :
      (/^javascript:/i.test(href) ? 'only runs a script' : 'goes to an element that does not exist')});
});

// The same link text for different destinations.
const dest = (a) => a.href.replace(/#$/, '');
const byText = new Map();
for (const a of document.querySelectorAll('a[href], area[href]')) {
  if (WIDGET.test((a.getAttribute('role') || '').trim()) || !visible(a)) { continue; }
  if (/^(javascript|mailto|tel):/i.test(a.getAttribute('href').trim())) { continue; }
  const text = textOf(a).toLowerCase();
  if (!text) { continue; }
  if (!byText.has(text)) { byText.set(text, []); }
  byText.get(text).push(a);
}
out['infopages-link-text'] = Array.from(byText.values()).filter((links) =>
  new Set(links.map(dest)).size > 1).map((links) => {
  const hrefs = Array.from(new Set(links.map((a) => a.getAttribute('href'))));
  return node(links[0], {text: textOf(links[0]), count: links.length, targets: hrefs.length,
    hrefs: hrefs.slice(0, 3).join(', ') + (hrefs.length > 3 ? ', …' : '')});
});

// Duplicate ids that a label or an ARIA attribute points to.
const REFS = ['aria-labelledby', 'aria-describedby', 'aria-controls', 'aria-owns',
  'aria-activedescendant', 'aria-details', 'aria-errormessage', 'aria-flowto'];
const refs = new Map();
for (const el of document.querySelectorAll('label[for], [' + REFS.join('], [') + ']')) {
  const ids = el.localName === 'label' && el.hasAttribute('for') ? [el.getAttribute('for')] : [];
  for (const attr of REFS) {
    if (el.hasAttribute(attr)) { ids.push(...el.getAttribute(attr).split(/\s+/)); }
  }
  for (const id of ids.filter(Boolean)) {
    if (!refs.has(id)) { refs.set(id, el.localName === 'label' ? 'a <label for>' : 'an ARIA attribute'); }
  }
}
out['infopages-duplicate-id'] = Array.from(refs.entries()).map(([id, by]) => {
  const all = document.querySelectorAll('[id="' + CSS.escape(id) + '"]');
  return all.length > 1 ? node(all[1], {id: id, count: all.length, refs: by}) : null;
}).filter(Boolean);
for (const key of Object.keys(out)) { out[key] = out[key].slice(0, args.max); }
return out;
"""


def review_findings(found: Mapping[str, Any]) -> list[Finding]:
    findings = []
    for rule, (tags, help_text, page, template) in RULES.items():
        nodes = tuple(NodeRef((n["target"],), n["html"], template.format_map(_Fields(n)))
                      for n in found.get(rule, ())[:MAX_NODES])
        if nodes:
            findings.append(Finding(rule_id=rule, impact="moderate", tags=tags, help=help_text,
                                    help_url=UNDERSTANDING + page, description=help_text,
                                    nodes=nodes, source="probe"))
    return findings


class _Fields(dict):
    def __init__(self, values: Mapping[str, Any]) -> None:
        super().__init__(values)

    def __missing__(self, key: str) -> str:
        return "?"
