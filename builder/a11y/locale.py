"""Locale probes driven by the builder's manifest (site/_infopages/pages.json).

The builder knows which segments fell back to the source language, which
translations exist and whether a title was left untranslated; these probes
check that the rendered page says so to browsers, assistive technology and
search engines. Pages the manifest does not list (or any folder without a
manifest) skip them: there is nothing to compare against.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from builder.a11y.language import bcp47
from builder.a11y.model import Finding, NodeRef, PageInfo
from builder.output.manifest import read_manifest

UNDERSTANDING = "https://www.w3.org/WAI/WCAG22/Understanding/"
FALLBACK_RULE = "infopages-locale-fallback-lang"
SWITCHER_RULE = "infopages-locale-switcher"
HREFLANG_RULE = "infopages-locale-hreflang"
RECIPROCAL_RULE = "infopages-locale-hreflang-reciprocal"
TITLE_RULE = "infopages-locale-title"
PARTS = ("wcag2aa", "wcag312")  # 3.1.2 Language of Parts
PAGE = ("wcag2a", "wcag311")  # 3.1.1 Language of Page

COLLECT_JS = r"""
const src = args.source.toLowerCase();
const primary = (v) => (v || '').trim().toLowerCase().replace('_', '-').split('-')[0];
const main = document.querySelector('main') || document.body;
const marked = main ? Array.from(main.querySelectorAll('[lang]'))
  .filter((e) => primary(e.getAttribute('lang')) === primary(src)).length : 0;
const snippet = (el) => { const h = el.outerHTML; return h.length <= 250 ? h : h.slice(0, 249) + '…'; };
return {
  marked: marked,
  title: document.title,
  switcher: Array.from(document.querySelectorAll('a[hreflang][translate=no]')).map((a) => ({
    hreflang: a.getAttribute('hreflang'), lang: a.getAttribute('lang'), html: snippet(a)})),
  alternates: Array.from(document.querySelectorAll('link[rel~=alternate][hreflang]')).map((l) => ({
    hreflang: l.getAttribute('hreflang'), href: l.getAttribute('href')})),
};
"""


@dataclass
class _HeadLinks:
    """<title> text and hreflang alternates of a page on disk."""
    links: list[tuple[str, str]] = field(default_factory=list)
    title_parts: list[str] = field(default_factory=list)


_LINK_RE = re.compile(r"<link\b([^>]*)>", re.I)
_TITLE_RE = re.compile(r"<title\b[^>]*>(.*?)</title>", re.I | re.S)
_ATTR_RE = re.compile(r"""([^\s=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?""")


def _read_head(path: Path) -> _HeadLinks | None:
    """The head of a page the builder wrote (pages.json lists it): a checked site can
    hold 40,000 pages, and a regular expression over the head is ten times faster
    than HTMLParser over the page, with the same result on our markup."""
    if not path.is_file():
        return None
    found = _HeadLinks()
    text = path.read_text(encoding="utf-8", errors="replace")
    head = text[: end] if (end := text.find("</head>")) >= 0 else text
    for tag in _LINK_RE.finditer(head):
        attrs = {m.group(1).lower(): html.unescape(m.group(2) or m.group(3) or m.group(4) or "")
                 for m in _ATTR_RE.finditer(tag.group(1))}
        if "alternate" in attrs.get("rel", "").split() and attrs.get("hreflang"):
            found.links.append((attrs["hreflang"], attrs.get("href", "")))
    if title := _TITLE_RE.search(head):
        found.title_parts.append(html.unescape(title.group(1)))
    return found


def _norm(code: str) -> str:
    return bcp47(code).lower()


def href_path(href: str) -> str:
    """The site-relative path of an alternate's URL (the site may be served anywhere)."""
    return urlparse(href).path.lstrip("/")


def same_page(href: str, path: str) -> bool:
    found = href_path(href)
    return found == path or found.endswith("/" + path)


def load_manifest(root: Path, content_dir: Path | None = None) -> dict[str, PageInfo]:
    """PageInfo per site-relative path; {} when the folder has no manifest.

    With `content_dir`, the title probe only covers pages made from a
    content file (content/<key>.md): for home and listing pages the builder
    writes title_fallback=false without tracking it, so it says nothing.
    """
    pages = read_manifest(Path(root))
    if pages is None:
        return {}  # none, not ours or corrupt: the folder is checked as any other folder
    heads: dict[str, _HeadLinks | None] = {}

    def head(path: str) -> _HeadLinks | None:
        if path not in heads:
            heads[path] = _read_head(Path(root) / path)
        return heads[path]

    infos = {path: _page_info(path, entry, pages, head) for path, entry in sorted(pages.items())}
    if content_dir is None:
        return infos
    return {path: info if (Path(content_dir) / f"{info.key}.md").is_file()
            else replace(info, source_title=None) for path, info in infos.items()}


def _page_info(path: str, entry: Mapping[str, Any], pages: Mapping[str, Any], head) -> PageInfo:
    alternates = tuple(sorted((str(k), str(v)) for k, v in entry.get("alternates", {}).items()))
    source = str(entry.get("source_locale", ""))
    source_path = dict(alternates).get(source)
    links = []
    for _, other in alternates:
        if other != path:
            parsed = head(other)
            links.append((other, tuple(sorted(parsed.links)) if parsed else ()))
    source_head = head(source_path) if source_path and source_path != path else None
    return PageInfo(
        key=str(entry.get("key", "")), locale=str(entry.get("locale", "")),
        direction=str(entry.get("dir", "")), source_locale=source,
        title_fallback=bool(entry.get("title_fallback", False)),
        fallback_segments=tuple(str(s) for s in entry.get("fallback_segments", ())),
        alternates=alternates, alternate_links=tuple(links),
        source_title="".join(source_head.title_parts).strip() if source_head else None,
        body=_body(entry),
    )


def _body(entry: Mapping[str, Any]) -> tuple[tuple[str, int], ...]:
    sources = entry.get("sources")
    blocks = sources.get("blocks", ()) if isinstance(sources, Mapping) else ()
    try:
        return tuple((str(b["tag"]), int(b["depth"])) for b in blocks)
    except (KeyError, TypeError, ValueError):
        return ()  # an older or foreign manifest: no block locations


def locale_findings(found: Mapping[str, Any], path: str, page: PageInfo) -> tuple[Finding, ...]:
    """The manifest probes from what COLLECT_JS read of the page."""
    findings = (_fallback(found, page), _switcher(found), _hreflang(found, page),
                _reciprocal(path, page), _title(found, page))
    return tuple(f for f in findings if f is not None)


def _finding(rule: str, tags: tuple[str, ...], help_text: str, page: str, description: str,
             nodes: tuple[NodeRef, ...]) -> Finding:
    return Finding(rule_id=rule, impact="serious", tags=tags, help=help_text,
                   help_url=UNDERSTANDING + page, description=description, nodes=nodes,
                   source="probe")


def _fallback(found: Mapping[str, Any], page: PageInfo) -> Finding | None:
    expected, marked = len(page.fallback_segments), int(found.get("marked", 0))
    if page.locale == page.source_locale or marked >= expected:
        return None
    summary = (f"Fix this: {expected} segment(s) are shown in the source language "
               f"({', '.join(page.fallback_segments)}) but only {marked} element(s) in <main> "
               f'carry lang="{page.source_locale}"')
    return _finding(FALLBACK_RULE, PARTS, "Untranslated segments must declare their language",
                    "language-of-parts.html",
                    "Ensures text shown in the source language is marked with its lang",
                    (NodeRef(("main",), "<main>", summary),))


def _switcher(found: Mapping[str, Any]) -> Finding | None:
    bad = [link for link in found.get("switcher", ())
           if not link.get("lang") or _norm(link["lang"]) != _norm(link.get("hreflang") or "")]
    if not bad:
        return None
    nodes = tuple(NodeRef((f'a[hreflang="{link.get("hreflang")}"]',), str(link.get("html", "")),
                          f'Fix this: lang is {_shown(link.get("lang"))}, '
                          f'hreflang is {_shown(link.get("hreflang"))}; they must match')
                  for link in bad)
    return _finding(SWITCHER_RULE, PARTS, "Language switcher links must declare lang and hreflang",
                    "language-of-parts.html",
                    "Ensures each language name is announced in its own language", nodes)


def _hreflang(found: Mapping[str, Any], page: PageInfo) -> Finding | None:
    declared = {(_norm(l.get("hreflang") or ""), href_path(l.get("href") or ""))
                for l in found.get("alternates", ()) if _norm(l.get("hreflang") or "") != "x-default"}
    problems = []
    for code, path in page.alternates:
        if not any(c == _norm(code) and (p == path or p.endswith("/" + path)) for c, p in declared):
            problems.append(f'missing <link rel="alternate" hreflang="{code}"> to {path}')
    known = {_norm(c) for c, _ in page.alternates}
    problems += [f'unexpected hreflang="{c}" ({p})' for c, p in sorted(declared) if c not in known]
    if not problems:
        return None
    return _finding(HREFLANG_RULE, PAGE, "hreflang alternates must list every translation",
                    "language-of-page.html",
                    "Ensures the page's hreflang links equal the translations the builder wrote",
                    tuple(NodeRef(("head",), "<head>", "Fix this: " + p) for p in problems))


def _reciprocal(path: str, page: PageInfo) -> Finding | None:
    problems = []
    for other, links in page.alternate_links:
        if not any(_norm(c) == _norm(page.locale) and same_page(h, path) for c, h in links):
            problems.append(f'{other} has no <link rel="alternate" hreflang="{page.locale}"> '
                            f"back to {path}")
    if not problems:
        return None
    return _finding(RECIPROCAL_RULE, PAGE, "hreflang alternates must be reciprocal",
                    "language-of-page.html",
                    "Ensures every translation links back to this page",
                    tuple(NodeRef(("head",), "<head>", "Fix this: " + p) for p in problems))


def _title(found: Mapping[str, Any], page: PageInfo) -> Finding | None:
    title = str(found.get("title", "")).strip()
    if (page.locale == page.source_locale or page.title_fallback or page.source_title is None
            or title != page.source_title):
        return None
    summary = (f'Fix this: the title "{title}" is the {page.source_locale} title, but the '
               "builder reports it as translated")
    return _finding(TITLE_RULE, PAGE, "A translated page's <title> must be translated",
                    "language-of-page.html",
                    "Ensures <title> is not left in the source language on a translated page",
                    (NodeRef(("title",), f"<title>{title}</title>", summary),))


def _shown(value: str | None) -> str:
    return "missing" if not value else f'"{value}"'
