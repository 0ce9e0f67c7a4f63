"""A page body in one locale: its parsed blocks with each block's translation swapped in.

Block structure comes from the source, never from a translation: each block's
inline Markdown is replaced by its translation and the token stream rendered again.
"""

from __future__ import annotations

import html
from typing import Callable

from markdown_it import MarkdownIt
from markdown_it.token import Token

from builder.render.bidi import isolate_ltr_runs
from builder.render.tokens import copy_token
from builder.segments.blocks import ParsedBody, Segment, normalize
from builder.segments.linkslots import from_slots
from builder.segments.quickinline import linked_inline, plain_inline

Translate = Callable[[str | None, str], tuple[str, bool]]


LinkResolver = Callable[[str], str]


def render_body(parsed: ParsedBody, md: MarkdownIt, translate: Translate,
                fallback_attrs: dict[str, str], resolve: LinkResolver,
                isolate_ltr: bool = False,
                marker: Callable[[Segment], dict[str, str]] | None = None) -> tuple[str, int]:
    """Render a parsed body in one locale; returns (html, number of fallback blocks).

    `fallback_attrs` (e.g. {"lang": "en", "dir": "ltr"}) go on every block whose
    translation is missing, so screen readers read it in the right voice.
    """
    tokens = list(parsed.tokens)
    env = {"references": dict(parsed.references)}
    fallbacks = 0
    for slot in parsed.slots:
        segment = slot.segment
        text, fallback = translate(segment.msgctxt, segment.msgid)
        if segment.targets:
            restored = from_slots(text, segment.targets)
            fallback = fallback or restored is None
            text = restored if restored is not None else from_slots(segment.msgid, segment.targets)
        fallbacks += fallback
        inline = tokens[slot.index]
        if slot.image_only:
            children = [_image_with_alt(c, text, fallback and fallback_attrs)
                        for c in inline.children or [] if c.type == "image"]
        else:
            # The source text itself was parsed with the page: reuse it (copied).
            children = list(inline.children or []) if text == inline.content else \
                _inline_children(md, text, env)
            attrs = marker(segment) if marker else (fallback_attrs if fallback else {})
            if isolate_ltr and not fallback:
                children = isolate_ltr_runs(children)
            if attrs:
                children = _mark_block(tokens, slot.index, children, attrs)
        children = _translate_titles(children, translate, fallback)
        tokens[slot.index] = copy_token(inline, children=_resolve_links(children, resolve))
    return md.renderer.render(scroll_regions(tokens), md.options, {}), fallbacks


PAGE_TITLE_ID = "page-title"   # the id of every page template's <h1> (docs/templates.md)


def scroll_regions(tokens: list[Token]) -> list[Token]:
    """Every table inside a region that scrolls sideways on its own (style.css
    `.table-scroll`), focusable so that keyboard users can scroll it, and named by the
    heading it stands under — the page's title before the first heading — so no page
    is wider than the screen, whatever a translation's length (WCAG 1.4.10)."""
    out: list[Token] = []
    label = PAGE_TITLE_ID
    for token in tokens:
        if token.type == "heading_open" and token.attrGet("id"):
            label = str(token.attrGet("id"))
        if token.type == "table_open":
            out.append(Token("html_block", "", 0, content=(
                f'<div class="table-scroll" role="region" tabindex="0" '
                f'aria-labelledby="{html.escape(label)}">\n')))
        out.append(token)
        if token.type == "table_close":
            out.append(Token("html_block", "", 0, content="</div>\n"))
    return out


def _inline_children(md: MarkdownIt, text: str, env: dict) -> list[Token]:
    quick = plain_inline(text) or linked_inline(md, text)
    if quick is not None:
        return quick
    parsed = md.parseInline(text, dict(env))
    return list(parsed[0].children or []) if parsed else []


def _image_with_alt(image: Token, alt: str, attrs: dict[str, str] | bool) -> Token:
    new = copy_token(image, children=[Token("text", "", 0, content=alt)], attrs=dict(image.attrs))
    for name, value in (attrs or {}).items():
        new.attrSet(name, value)
    return new


def _mark_block(tokens: list[Token], index: int, children: list[Token],
                attrs: dict[str, str]) -> list[Token]:
    opener = tokens[index - 1]
    if not opener.hidden and opener.nesting == 1:
        marked = copy_token(opener, attrs=dict(opener.attrs))
        for name, value in attrs.items():
            marked.attrSet(name, value)
        tokens[index - 1] = marked
        return children
    # A tight list hides its paragraph tokens: mark the text with a span instead.
    attr_text = "".join(f' {k}="{html.escape(v)}"' for k, v in attrs.items())
    return [Token("html_inline", "", 0, content=f"<span{attr_text}>"), *children,
            Token("html_inline", "", 0, content="</span>")]


def _translate_titles(children: list[Token], translate: Translate,
                      block_fallback: bool) -> list[Token]:
    """Link and image `title` attributes are segments of their own (msgctxt link.title).
    An attribute cannot say which language it is in: a title left untranslated in a
    translated block is dropped (a tooltip only repeats what the text says), rather
    than read in the wrong language."""
    out = []
    for child in children:
        title = child.attrGet("title") if child.type in ("link_open", "image") else None
        if title:
            child = copy_token(child, attrs=dict(child.attrs))
            text, fallback = translate("link.title", normalize(str(title)))
            if fallback and not block_fallback:
                child.attrs.pop("title", None)
            else:
                child.attrSet("title", text)
        out.append(child)
    return out


def _resolve_links(children: list[Token], resolve: LinkResolver) -> list[Token]:
    """`page:KEY` links and media file names become relative URLs for this page."""
    out = []
    for child in children:
        href = child.attrGet("href") if child.type == "link_open" else None
        src = child.attrGet("src") if child.type == "image" else None
        if isinstance(href, str) and href.startswith("page:"):
            child = copy_token(child, attrs=dict(child.attrs))
            child.attrSet("href", resolve(href))
        elif isinstance(src, str) and ":" not in src and not src.startswith("/"):
            child = copy_token(child, attrs=dict(child.attrs))
            child.attrSet("src", resolve(f"media:{src}"))
        out.append(child)
    return out


def render_inline(md: MarkdownIt, text: str, isolate_ltr: bool = False) -> tuple[str, str]:
    """(html, plain text) of one inline Markdown string."""
    plain = plain_inline(text)
    tokens = md.parseInline(text) if plain is None else \
        [Token("inline", "", 0, content=text, map=[0, 1], children=plain)]
    children = tokens[0].children or [] if tokens else []
    if tokens and isolate_ltr:
        tokens[0].children = isolate_ltr_runs(children)
    html = md.renderer.render(tokens, md.options, {}) if tokens else ""
    plain = md.renderer.renderInlineAsText(children, md.options, {})
    return html, plain
