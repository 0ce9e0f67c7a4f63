"""What the builder knows about every page it wrote, for the checker's probes.

Written to the site's manifest (`output.manifest`: `_infopages/pages.json` and its
parts): per page its key, locale and
source locale (BCP 47 tags: pt-BR, zh-Hant), direction, translations (hreflang
alternates) and which segments fell back to the source language, so `check`
can verify that each of them is marked; and where the page comes from
(`sources`), so each finding can name the content line or template it was
written in:

    "sources": {"content": "content/topics/x.md" or null,
                "templates": ["templates/topic.html", "theme/base.html", …],
                "blocks": [{"tag": "h2", "depth": 0, "line": 12, "anchor": "topics/x#a.h1"}, …],
                "fields": [{"anchor": "topics/x#title", "line": 2, "msgid": "X"}, …]}

`blocks` are the rendered body's block elements in document order (what
Markdown made of the body: the tag, its nesting depth, the content line it
starts on, and the segment anchor of the text it holds, if any); `fields`
are the translatable front-matter fields. The templates are the page's
template first, then those it extends, includes and imports, each named as
the builder names it: `templates/NAME` for the project's own file,
`theme/NAME` for the built-in theme's (as the POT cites it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import jinja2

from builder.render.locale import LocaleRenderer
from builder.render.theme import referenced_templates
from builder.segments.blocks import ParsedBody, Segment, front_matter_segments
from builder.source.content import Page

# Markdown tokens rendered as a block element with no opening token of their own.
_LEAF_BLOCKS = {"fence": "pre", "code_block": "pre", "hr": "hr"}
_PAGE_TEMPLATES = {"topic": "topic.html", "news": "news_item.html", "page": "page.html"}


@dataclass
class ManifestMemo:
    """What one process's entries share: template chains by template name, and the
    parts of the last page's entry that are the same in every locale (a render worker
    makes a page in every locale in turn)."""
    chains: dict[str, list[str]] = field(default_factory=dict)
    key: str | None = None
    segments: list[Segment] = field(default_factory=list)
    sources: dict[str, Any] = field(default_factory=dict)

    def page(self, r: LocaleRenderer, key: str, page: Page | None) -> None:
        """Make `key` the page whose segments and sources are held."""
        if key != self.key:
            self.key = key
            front = [] if page is None else front_matter_segments(page)
            body = [] if page is None else [s.segment for s in r.model.parsed[key].slots]
            self.segments = front + body
            self.sources = page_sources(r, key, self.chains, front)


def manifest_entry(r: LocaleRenderer, key: str,
                   memo: ManifestMemo | None = None) -> dict[str, Any] | None:
    """What the checker needs to know about one published page of one locale.
    `memo`: what a process's entries share (a worker passes one for all its pages)."""
    if not r.published(key):
        return None
    page = r.model.content.by_key().get(key)
    memo = memo or ManifestMemo()
    memo.page(r, key, page)
    fallbacks = []
    if page is not None and not r.t.is_source:
        domain = r.domain(page)
        fallbacks = [s.anchor for s in memo.segments
                     if r.t.lookup(s.msgctxt, s.msgid, domain)[1]]
    return {
        "key": key, "locale": r.info.bcp47, "dir": r.info.direction,
        "source_locale": r.source_info.bcp47,
        "title_fallback": page is not None and r.title(page).fallback,
        "fallback_segments": fallbacks,
        "alternates": {info.bcp47: r.path(key, info.code)
                       for info in r.published_locales if r.published(key, info.code)},
        "sources": memo.sources,
    }


def page_sources(r: LocaleRenderer, key: str, chains: dict[str, list[str]],
                 front: list[Segment]) -> dict[str, Any]:
    """`front`: the page's `front_matter_segments` (none for a list page)."""
    page = r.model.content.by_key().get(key)
    if key == "home":
        template = "home.html"
    elif page is None:
        template = "news_index.html"  # news, news/page-N
    else:
        template = _PAGE_TEMPLATES[page.kind]
    if template not in chains:
        chains[template] = template_chain(r, template)
    if page is None:
        return {"content": None, "templates": chains[template], "blocks": [], "fields": []}
    return {"content": page.source, "templates": chains[template],
            "blocks": body_blocks(r.model.parsed[key], page.body_line),
            "fields": [{"anchor": s.anchor, "line": s.line, "msgid": s.msgid}
                       for s in front]}


def body_blocks(parsed: ParsedBody, body_line: int) -> list[dict[str, Any]]:
    """The block elements the body renders to, in document order, each with the
    content line it starts on and the anchor of the segment it holds."""
    anchors = {slot.index: slot.segment.anchor for slot in parsed.slots}
    blocks: list[dict[str, Any]] = []
    for index, token in enumerate(parsed.tokens):
        tag = _LEAF_BLOCKS.get(token.type) or (
            token.tag if token.nesting == 1 and not token.hidden else None)
        if tag is not None:
            line = body_line + token.map[0] if token.map else body_line
            blocks.append({"tag": tag, "depth": token.level, "line": line})
        elif index in anchors and blocks:
            # An inline token's block is the one opened just before it (a tight
            # list's hidden paragraph: the list item).
            blocks[-1]["anchor"] = anchors[index]
    return blocks


def template_chain(r: LocaleRenderer, name: str) -> list[str]:
    """`name` and every template it extends, includes or imports, most specific first,
    each as the builder names its file: `templates/NAME` (the project's) or
    `theme/NAME` (the built-in theme's)."""
    order: list[str] = []
    pending = [name]
    paths: list[str] = []
    while pending:
        current = pending.pop(0)
        if current in order:
            continue
        order.append(current)
        try:
            pending += referenced_templates(r.env, current)
            filename = r.env.loader.get_source(r.env, current)[1]
        except jinja2.TemplateError:
            # A name that loads nothing or a template that does not parse: rendering
            # reports it with the template's file and line; the chain just omits it.
            continue
        if filename not in paths:
            paths.append(filename)
    return paths
