"""Barriers axe-core 4.10 leaves out, reported as "needs review" with the element.

(Duplicate ids that labels or ARIA point to are not here: axe's
duplicate-id-aria already lists them as needs review.)

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
        "Check this: the link's target is \"{href}\", so it {what}; use a <button> for an action, "
        "or link to the real destination"),
    "infopages-link-text": (
        ("wcag2a", "wcag244"), "Links with the same text should lead to the same place",
        "link-purpose-in-context.html",
        "Check this: \"{text}\" is the text of {count} links in the same context that lead to "
        "{targets} different places ({hrefs}); unless they serve the same purpose, give each a "
        "text (or accessible name) that tells them apart"),
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

// Data tables with no header cells: a table (not a layout table with role
// presentation/none, no nested table) with at least two rows and two columns of text.
const size = new Map();
out['infopages-table-headers'] = Array.from(document.querySelectorAll('table')).filter((t) => {
  const role = (t.getAttribute('role') || '').trim();
  if ((role && role !== 'table' && role !== 'grid' && role !== 'treegrid') || !visible(t)) { return false; }
  if (t.querySelector('table, th, [role=columnheader], [role=rowheader]')) { return false; }
  const rows = Array.from(t.rows).filter((r) => Array.from(r.cells).some((c) => norm(c.textContent)));
  const cols = Math.max(0, ...rows.map((r) => Array.from(r.cells).filter((c) => norm(c.textContent)).length));
  size.set(t, [rows.length, cols]);
  return rows.length >= 2 && cols >= 2;
}).map((t) => node(t, {rows: size.get(t)[0], cols: size.get(t)[1]}));

// Fields whose only name is a placeholder.
const TEXTUAL = ['', 'text', 'search', 'email', 'tel', 'url', 'password', 'number', 'date',
  'datetime-local', 'month', 'week', 'time'];
out['infopages-placeholder-label'] = Array.from(document.querySelectorAll(
  'input[placeholder], textarea[placeholder]')).filter((f) => {
  if (f.localName === 'input' && !TEXTUAL.includes((f.getAttribute('type') || '').toLowerCase())) { return false; }
  if (!norm(f.getAttribute('placeholder')) || !visible(f)) { return false; }
  if (norm(f.getAttribute('aria-label')) || norm(f.getAttribute('title'))) { return false; }
  if ((f.getAttribute('aria-labelledby') || '').split(/\s+/).some((i) => i && byId(i))) { return false; }
  if (f.labels && Array.from(f.labels).some((l) => norm(l.textContent))) { return false; }
  // A button right after the field names its purpose (WCAG technique G167: a search box).
  const next = f.nextElementSibling;
  return !(next && next.matches('button, input[type=submit], input[type=button], input[type=image]') &&
           (norm(next.textContent) || norm(next.getAttribute('value')) || norm(next.getAttribute('alt')) ||
            norm(next.getAttribute('aria-label'))));
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

// Links to nowhere: a "javascript:" URL, a fragment no element has, or "#"
// on a link that says it controls something (it is a button in disguise).
// A bare href="#" is left alone: it goes to the top of the page, and W3C's
// own ACT examples use such links as ordinary links.
const hrefOf = (a) => (a.getAttribute('href') || '').trim();
const absolute = (a) => { try { return new URL(hrefOf(a), document.baseURI); } catch (e) { return null; } };
const here = location.href.split('#')[0];
const CONTROLS = ['aria-expanded', 'aria-haspopup', 'aria-controls', 'aria-pressed'];
const nowhere = (a) => {
  const href = hrefOf(a);
  if (/^javascript:/i.test(href)) { return 'only runs a script'; }
  if (href === '#') {
    return CONTROLS.some((c) => a.hasAttribute(c)) ? 'goes to the top of the page, while it says it controls something' : '';
  }
  const url = absolute(a);
  if (!href.startsWith('#') || !url || url.href.split('#')[0] !== here) { return ''; }
  let id = href.slice(1);
  try { id = decodeURIComponent(id); } catch (e) { /* keep it as written */ }
  if (id.toLowerCase() === 'top' || byId(id) || document.getElementsByName(id).length) { return ''; }
  return 'goes to an element that does not exist';
};
out['infopages-link-target'] = Array.from(document.querySelectorAll('a[href], area[href]'))
  .filter((a) => !WIDGET.test((a.getAttribute('role') || '').trim()) && visible(a) && nowhere(a))
  .map((a) => {
    const href = hrefOf(a);
    return node(a, {href: href.length > 60 ? href.slice(0, 59) + '…' : href, what: nowhere(a)});
  });

// The same link text in the same context for different destinations (WCAG 2.4.4
// lets the context tell links apart: the paragraph, list item or cell around them).
const CONTEXT = 'p, li, td, th, dd, dt, figcaption, caption, blockquote, label';
const contextOf = (a) => norm((a.closest(CONTEXT) || a.parentElement || a).textContent);
const dest = (a) => { const u = absolute(a); return u ? u.href.replace(/#$/, '') : hrefOf(a); };
const byText = new Map();
for (const a of document.querySelectorAll('a[href], area[href]')) {
  if (WIDGET.test((a.getAttribute('role') || '').trim()) || !visible(a)) { continue; }
  if (a.closest('[aria-hidden=true]') || /^(javascript|mailto|tel):/i.test(hrefOf(a))) { continue; }
  const text = textOf(a).toLowerCase();
  if (!text) { continue; }
  const key = text + '\u0000' + contextOf(a);
  if (!byText.has(key)) { byText.set(key, []); }
  byText.get(key).push(a);
}
out['infopages-link-text'] = Array.from(byText.values()).filter((links) =>
  new Set(links.map(dest)).size > 1).map((links) => {
  const hrefs = Array.from(new Set(links.map(hrefOf)));
  return node(links[0], {text: textOf(links[0]), count: links.length, targets: hrefs.length,
    hrefs: hrefs.slice(0, 3).join(', ') + (hrefs.length > 3 ? ', …' : '')});
});

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
