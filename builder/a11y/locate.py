"""What each offending element looks like in the page, so reports can name its source.

Read in the browser right after a check (the same page state), stored with
the result (ElementInfo), and turned into content, template and catalogue
locations by sources.py when reports are written.

The rendered body of a built page is found without knowing the theme: it is
the element whose children are the body's top-level blocks, tag for tag, as
the builder's manifest lists them; an element's block is then its nearest
enclosing block element, counted in document order — the order of the
Markdown blocks it was rendered from.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from selenium.common.exceptions import JavascriptException
from selenium.webdriver.remote.webdriver import WebDriver

from builder.a11y.model import ElementInfo, Finding

BLOCK_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6", "p", "ul", "ol", "li", "blockquote", "table",
              "thead", "tbody", "tr", "th", "td", "pre", "hr")
ATTRIBUTES = ("id", "class", "role", "name", "type", "for", "lang", "dir", "rel", "hreflang",
              "alt", "title", "scope", "tabindex", "placeholder", "translate")

_LOCATE_JS = r"""
const args = arguments[0];
const norm = (s) => (s || '').replace(/\s+/g, ' ').trim();
const BLOCKS = args.blocks.join(',');
let container = null;
if (args.body.length && document.body) {
  const top = args.body.filter((b) => b[1] === 0).map((b) => b[0]).join(',');
  for (const el of document.body.querySelectorAll('*')) {
    if (el.childElementCount && Array.from(el.children).map((c) => c.localName).join(',') === top) {
      container = el;
      break;
    }
  }
}
let blocks = container ? Array.from(container.querySelectorAll(BLOCKS)) : [];
if (blocks.map((b) => b.localName).join(',') !== args.body.map((b) => b[0]).join(',')) {
  blocks = [];  // a script changed the body: blocks no longer line up with the source
}
const describe = (el) => {
  const attributes = [];
  for (const a of el.attributes) {
    if (args.attributes.includes(a.name) || a.name.startsWith('aria-')) {
      attributes.push([a.name, a.value.slice(0, 200)]);
    }
  }
  const text = norm(el.innerText !== undefined && el.localName !== 'html' ? el.innerText : '') ||
    norm(el.getAttribute('alt')) || norm(el.getAttribute('aria-label')) || norm(el.getAttribute('title'));
  const ancestors = [];
  for (let a = el.parentElement; a && ancestors.length < 8; a = a.parentElement) {
    ancestors.push(a.localName + (a.id ? '#' + a.id : '') +
                   Array.from(a.classList).map((c) => '.' + c).join(''));
  }
  const block = container && container.contains(el) ? blocks.indexOf(el.closest(BLOCKS)) : -1;
  return {tag: el.localName, attributes: attributes, text: text.slice(0, 200), block: block,
          blockTag: block >= 0 ? blocks[block].localName : '', ancestors: ancestors};
};
return args.targets.map((sel) => {
  let el = null;
  try { el = document.querySelector(sel); } catch (e) { el = null; }
  return el ? describe(el) : null;
});
"""


def locate_findings(driver: WebDriver, findings: Sequence[Finding],
                    body: Sequence[tuple[str, int]] = ()) -> list[Finding]:
    """`findings` with each top-frame node's ElementInfo filled in.

    `body` is the page's rendered body as (tag, depth) of each block, from the
    builder's manifest; empty for pages the builder did not write. Elements in
    frames or shadow trees keep no ElementInfo (no selector reaches them from
    the top document).
    """
    targets = sorted({n.target[0] for f in findings for n in f.nodes
                      if len(n.target) == 1 and ">>" not in n.target[0]})
    if not targets:
        return list(findings)
    args = {"targets": targets, "body": [list(b) for b in body], "blocks": list(BLOCK_TAGS),
            "attributes": list(ATTRIBUTES)}
    try:
        found = driver.execute_script(_LOCATE_JS, args)
    except JavascriptException:
        return list(findings)  # a page that breaks the DOM API: no locations, same findings
    infos = {t: _info(d) for t, d in zip(targets, found) if d}
    return [replace(f, nodes=tuple(replace(n, element=infos.get(n.target[0])) if len(n.target) == 1
                                   else n for n in f.nodes))
            for f in findings]


def _info(data: Mapping[str, Any]) -> ElementInfo:
    return ElementInfo(
        tag=str(data.get("tag", "")),
        attributes=tuple((str(k), str(v)) for k, v in data.get("attributes", ())),
        text=str(data.get("text", "")), block=int(data.get("block", -1)),
        block_tag=str(data.get("blockTag", "")),
        ancestors=tuple(str(a) for a in data.get("ancestors", ())))
