"""JavaScript shared by the probes: a stable CSS path and an axe-like snippet of an element."""

from __future__ import annotations

UNDERSTANDING = "https://www.w3.org/WAI/WCAG22/Understanding/"

HELPERS_JS = r"""
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
const node = (el, extra) => Object.assign({target: cssPath(el), html: snippet(el)}, extra || {});
"""
