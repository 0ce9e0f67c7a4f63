"""A page body in one locale: its parsed blocks with each block's translation swapped in.

Block structure comes from the source, never from a translation. The HTML of a
page's blocks — everything but their inline content — is the same in every locale:
it is rendered once per parsed body (`Skeleton`), with a mark where each block's
inline content goes. Each locale then renders only the inline content of each
block, from its translation, and may add attributes to the block's opening tag
(the language of a block left in the source language).
"""

from __future__ import annotations

import html
from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token

from builder.render.bidi import isolate_ltr_runs, ltr_runs
from builder.render.tokens import copy_token
from builder.segments.blocks import ParsedBody, Segment, normalize
from builder.segments.linkslots import from_slots
from builder.segments.quickinline import INLINE_SYNTAX, link_runs, linked_inline, plain_inline

Translate = Callable[[str | None, str], tuple[str, bool]]


LinkResolver = Callable[[str], str]

# Where a block's inline content goes in a skeleton. markdown-it replaces every NUL of
# the source with U+FFFD before parsing, so no rendered body contains one.
_HOLE = "\x00"
SKELETONS_KEPT = 64


@dataclass(frozen=True)
class Skeleton:
    """A parsed body's HTML around its blocks' inline content: `parts[n]` comes before
    slot n's content (ending with its block's opening tag), `parts[-1]` after the last.
    `openers[n]`: the index in `tokens` of slot n's opening tag where a mark can go on
    it, and the length of its HTML at the end of `parts[n]`; None where the block has
    no tag of its own (a tight list's paragraph), whose text gets a <span> instead."""
    parts: tuple[str, ...]
    openers: tuple[tuple[int, int] | None, ...]
    tokens: tuple[Token, ...]      # the stream rendered, with the table regions


def body_skeleton(parsed: ParsedBody, md: MarkdownIt) -> Skeleton:
    holes = {slot.index: Token("inline", "", 0, children=[Token("html_inline", "", 0,
                                                                content=_HOLE)])
             for slot in parsed.slots}
    tokens = scroll_regions([holes.get(i, t) for i, t in enumerate(parsed.tokens)])
    parts = tuple(md.renderer.render(tokens, md.options, {}).split(_HOLE))
    assert len(parts) == len(parsed.slots) + 1, "a rendered body holds a NUL"
    where = {id(token): index for index, token in enumerate(tokens)}
    openers = []
    for slot, part in zip(parsed.slots, parts):
        index = where[id(holes[slot.index])] - 1
        opener = tokens[index]
        if opener.hidden or opener.nesting != 1:
            openers.append(None)
            continue
        tag = _render_one(md, tokens, index, opener)
        assert part.endswith(tag), "a block's inline content follows its opening tag"
        openers.append((index, len(tag)))
    return Skeleton(parts, tuple(openers), tuple(tokens))


class Skeletons:
    """The skeletons of the last bodies rendered (a page is rendered in every locale
    in turn), by parsed body: a body parsed again is a new object, and a new entry."""

    def __init__(self, keep: int = SKELETONS_KEPT):
        self.keep = keep
        self.recent: OrderedDict[int, tuple[ParsedBody, Skeleton]] = OrderedDict()

    def get(self, parsed: ParsedBody, md: MarkdownIt) -> Skeleton:
        found = self.recent.get(id(parsed))
        if found is not None and found[0] is parsed:
            return found[1]
        skeleton = body_skeleton(parsed, md)
        self.recent[id(parsed)] = (parsed, skeleton)   # holds `parsed`: its id stays its own
        if len(self.recent) > self.keep:
            self.recent.popitem(last=False)
        return skeleton


def render_body(parsed: ParsedBody, md: MarkdownIt, translate: Translate,
                fallback_attrs: dict[str, str], resolve: LinkResolver,
                isolate_ltr: bool = False,
                marker: Callable[[Segment], dict[str, str]] | None = None,
                skeleton: Skeleton | None = None) -> tuple[str, int]:
    """Render a parsed body in one locale; returns (html, number of fallback blocks).

    `fallback_attrs` (e.g. {"lang": "en", "dir": "ltr"}) go on every block whose
    translation is missing, so screen readers read it in the right voice.
    """
    skeleton = skeleton or body_skeleton(parsed, md)
    out: list[str] = []
    fallbacks = 0
    for slot, part, opener in zip(parsed.slots, skeleton.parts, skeleton.openers):
        segment = slot.segment
        text, fallback = translate(segment.msgctxt, segment.msgid)
        if segment.targets:
            restored = from_slots(text, segment.targets)
            fallback = fallback or restored is None
            text = restored if restored is not None else from_slots(segment.msgid, segment.targets)
        fallbacks += fallback
        inline = parsed.tokens[slot.index]
        if slot.image_only:
            out += [part, _render_inline(md, [
                _image_with_alt(c, text, fallback and fallback_attrs)
                for c in inline.children or [] if c.type == "image"], translate, fallback,
                resolve)]
            continue
        attrs = marker(segment) if marker else (fallback_attrs if fallback else {})
        if attrs and opener is not None:
            part = _marked(md, skeleton, part, opener, attrs)
        isolate = isolate_ltr and not fallback
        content = _quick_html(md, text, resolve, isolate)
        if content is None:
            # The source text itself was parsed with the page: reuse it (copied).
            children = list(inline.children or []) if text == inline.content else \
                _inline_children(md, text, {"references": dict(parsed.references)})
            content = _render_inline(md, isolate_ltr_runs(children) if isolate else children,
                                     translate, fallback, resolve)
        if attrs and opener is None:
            content = f"{_span(attrs)}{content}</span>"
        out += [part, content]
    out.append(skeleton.parts[-1])
    return "".join(out), fallbacks


def _render_inline(md: MarkdownIt, children: list[Token], translate: Translate,
                   fallback: bool, resolve: LinkResolver) -> str:
    children = _resolve_links(_translate_titles(children, translate, fallback), resolve)
    return md.renderer.renderInline(children, md.options, {})


def _quick_html(md: MarkdownIt, text: str, resolve: LinkResolver, isolate: bool) -> str | None:
    """The HTML of plain text, or of plain text and plain links on one line (most
    blocks), written directly: what rendering their tokens gives (`linked_inline`'s, the
    links resolved, the text isolated where asked); else None."""
    text_html = _isolated if isolate else _escape_plain
    if not INLINE_SYNTAX.found_in(text):
        return text_html(text)
    found = link_runs(md, text) if "](" in text else None
    if not found or not found[0] or any(INLINE_SYNTAX.found_in(run) for run, _, _ in found[0]) \
            or INLINE_SYNTAX.found_in(found[1]):
        return None
    out = []
    for run, label, href in found[0]:
        target = resolve(href) if href.startswith("page:") else href
        out += [text_html(run), f'<a href="{escapeHtml(target)}">', text_html(label), "</a>"]
    out.append(text_html(found[1]))
    return "".join(out)


def _escape_plain(text: str) -> str:
    """markdown-it's escapeHtml of text without `&` or `<` (INLINE_SYNTAX finds
    neither): two of its four replacements."""
    return text.replace(">", "&gt;").replace('"', "&quot;")


def _isolated(text: str) -> str:
    """Plain text's HTML (no `&` or `<`) with its left-to-right runs isolated: what
    rendering `isolate_ltr_runs` of its one text token gives."""
    out, position = [], 0
    for start, end in ltr_runs(text):
        out += [_escape_plain(text[position:start]), '<bdi dir="ltr">',
                _escape_plain(text[start:end]), "</bdi>"]
        position = end
    out.append(_escape_plain(text[position:]))
    return "".join(out)


def _marked(md: MarkdownIt, skeleton: Skeleton, part: str, opener: tuple[int, int],
            attrs: dict[str, str]) -> str:
    """`part` with its block's opening tag given `attrs` too."""
    index, length = opener
    marked = copy_token(skeleton.tokens[index], attrs=dict(skeleton.tokens[index].attrs))
    for name, value in attrs.items():
        marked.attrSet(name, value)
    return part[:len(part) - length] + _render_one(md, skeleton.tokens, index, marked)


def _render_one(md: MarkdownIt, tokens: tuple[Token, ...] | list[Token], index: int,
                token: Token) -> str:
    """The HTML of `token` in place of tokens[index]: a block tag's rendering looks at
    its two neighbours (whether a line break follows it), and only at them."""
    window = [*tokens[max(0, index - 1):index], token, *tokens[index + 1:index + 2]]
    at = 1 if index else 0
    rule = md.renderer.rules.get(token.type)
    return rule(window, at, md.options, {}) if rule else \
        md.renderer.renderToken(window, at, md.options, {})


def _span(attrs: dict[str, str]) -> str:
    """A tight list hides its paragraph tags: the text is marked with a span instead."""
    return "<span" + "".join(f' {k}="{html.escape(v)}"' for k, v in attrs.items()) + ">"


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
    if text and not INLINE_SYNTAX.found_in(text):   # plain text: most titles and summaries
        return (_isolated(text) if isolate_ltr else _escape_plain(text)), text
    plain = plain_inline(text)
    tokens = md.parseInline(text) if plain is None else \
        [Token("inline", "", 0, content=text, map=[0, 1], children=plain)]
    children = tokens[0].children or [] if tokens else []
    if tokens and isolate_ltr:
        tokens[0].children = isolate_ltr_runs(children)
    html = md.renderer.render(tokens, md.options, {}) if tokens else ""
    plain = md.renderer.renderInlineAsText(children, md.options, {})
    return html, plain
