"""Markdown blocks ↔ msgids.

A page body is parsed once with markdown-it-py. Every leaf block (heading,
paragraph, list item, table cell, a lone image's alt text) is one segment whose
msgid is the block's inline Markdown with whitespace normalised, so re-wrapping
a paragraph never changes it. Rendering swaps each block's inline content for
its translation and renders the token stream again: block structure comes from
the source, never from a translation.
"""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata
from dataclasses import dataclass
from typing import Callable

from markdown_it import MarkdownIt
from markdown_it.token import Token

from builder.source.content import Page
from builder.segments.linkslots import from_slots, to_slots

# ASCII whitespace only: a no-break space (French « … », "10\u00a0km") is meaningful.
WS_RE = re.compile(r"[ \t\n\r\f\v]+")
# A run of left-to-right text (Latin words, #hashtags, e-mail addresses, URLs)
# inside right-to-left text: isolated in <bdi> so neutral characters at its
# edges ("#WeProtect", "U.S.") are not reordered by the bidi algorithm.
_LATIN = "A-Za-z\u00C0-\u024F"
_WORD = rf"(?:[A-Z]\.){{2,}}|[#@]?[{_LATIN}](?:[{_LATIN}0-9.:/@#’'&_-]*[{_LATIN}0-9])?"
LTR_RUN_RE = re.compile(rf"{_WORD}(?:[ ,]+(?:{_WORD}|[0-9]+\b))*")
MARKDOWN_KINDS = {"heading", "paragraph", "list item", "table header", "table cell",
                  "quotation", "summary", "title", "figure caption"}
BLOCK_KINDS = {"h": "heading", "p": "paragraph", "li": "list item", "th": "table header",
               "td": "table cell", "q": "quotation", "alt": "image alt text"}


def make_markdown() -> MarkdownIt:
    # html=False: raw HTML from authors or translators is shown as text, never markup.
    return MarkdownIt("commonmark", {"html": False, "typographer": False, "xhtmlOut": False}).enable("table")


def normalize(text: str) -> str:
    return WS_RE.sub(" ", unicodedata.normalize("NFC", text)).strip(" ")


def slugify(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"


@dataclass(frozen=True)
class Segment:
    msgid: str
    msgctxt: str | None
    anchor: str          # "topics/crimes-against-children#partnerships.p1"
    kind: str            # heading, paragraph, list item, … title, summary, navigation
    source: str          # "content/topics/crimes-against-children.md"
    line: int
    note: str = ""       # author's note for translators
    targets: tuple[str, ...] = ()   # link destinations behind the msgid's `]{n}` slots
    context: str = ""    # page title › heading path, so a translator knows where it stands
    max_length: int | None = None

    def comment(self) -> str:
        digest = hashlib.sha256(self.msgid.encode()).hexdigest()[:8]
        lines = [f"id: {self.anchor} ({self.kind}, source {digest})"]
        lines += [f"context: {self.context}"] if self.context else []
        lines += [f"{{{n}}}: {t[1:-1]}" for n, t in enumerate(self.targets, 1)]
        return "\n".join(lines)

    def flags(self) -> list[str]:
        """Flags Weblate (and our lint) understand."""
        flags = ["md-text"] if self.kind in MARKDOWN_KINDS else []
        flags += ["python-brace-format"] if self.targets else []
        flags += ["python-format"] if "%(" in self.msgid else []
        flags += [f"max-length:{self.max_length}"] if self.max_length else []
        return flags


@dataclass(frozen=True)
class Slot:
    index: int           # position of the inline token in the stream
    segment: Segment
    image_only: bool
    titles: tuple[Segment, ...] = ()   # link and image titles ([x](url "title")) in the block


@dataclass(frozen=True)
class ParsedBody:
    tokens: tuple[Token, ...]
    slots: tuple[Slot, ...]
    page_links: tuple[tuple[str, int], ...]   # ("topics/x", line) from [text](page:topics/x)
    images: tuple[tuple[str, str, int], ...] = ()   # (src, alt, line) of every image
    # Link reference definitions ([x][ref] … [ref]: url): a translation keeps `[x][ref]`,
    # so rendering it needs the page's definitions.
    references: tuple[tuple[str, dict], ...] = ()


@dataclass(frozen=True)
class Localized:
    """A piece of translated text, and whether it fell back to the source language."""
    html: str
    text: str
    fallback: bool
    state: str = "ok"        # ok | fuzzy | untranslated
    anchor: str = ""         # shown to translators in the preview

    def __html__(self) -> str:
        return self.html

    def __str__(self) -> str:
        return self.text


class _Walker:
    """Assigns anchors while walking a token stream; one per page."""

    def __init__(self, page: Page):
        self.page = page
        self.section = "intro"
        self.counts: dict[str, int] = {}
        self.heading_ids: dict[str, int] = {}
        self.headings: list[tuple[int, str]] = []

    def enter_heading(self, level: int, text: str) -> None:
        self.headings = [h for h in self.headings if h[0] < level] + [(level, text)]

    @property
    def context(self) -> str:
        return " › ".join([normalize(self.page.title)] + [t for _, t in self.headings])

    def anchor(self, short: str) -> str:
        key = f"{self.section}.{short}"
        self.counts[key] = self.counts.get(key, 0) + 1
        return f"{self.page.key}#{key}{self.counts[key]}"

    def heading_id(self, text: str) -> str:
        base = slugify(re.sub(r"[*_`\[\]()]", "", text))
        self.heading_ids[base] = self.heading_ids.get(base, 0) + 1
        count = self.heading_ids[base]
        return base if count == 1 else f"{base}-{count}"


def parse_body(page: Page, md: MarkdownIt) -> ParsedBody:
    env: dict = {}
    tokens = md.parse(page.body, env)
    walker = _Walker(page)
    slots: list[Slot] = []
    links: list[tuple[str, int]] = []
    images: list[tuple[str, str, int]] = []
    stack: list[str] = []
    for index, token in enumerate(tokens):
        if token.nesting == 1:
            stack.append(token.type)
            if token.type == "heading_open":
                inline = tokens[index + 1]
                walker.section = walker.heading_id(normalize(inline.content))
                token.attrSet("id", walker.section)
                walker.enter_heading(int(token.tag[1]), normalize(inline.content))
        elif token.nesting == -1:
            stack.pop()
        elif token.type == "inline":
            line = page.body_line + (token.map[0] if token.map else 0)
            slot = _slot(index, token, stack, walker, page, line)
            if slot is not None:
                slots.append(slot)
            links.extend((href[5:], line) for href in _hrefs(token) if href.startswith("page:"))
            images.extend((str(c.attrGet("src")), _plain(c.children or []), line)
                          for c in token.children or [] if c.type == "image")
    references = tuple(sorted(env.get("references", {}).items()))
    return ParsedBody(tuple(tokens), tuple(slots), tuple(links), tuple(images), references)


def _slot(index: int, token: Token, stack: list[str], walker: _Walker, page: Page,
          line: int) -> Slot | None:
    children = [c for c in token.children or [] if not (c.type == "text" and not c.content.strip())]
    if len(children) == 1 and children[0].type == "image":
        alt = normalize(_plain(children[0].children or []))
        if not alt:
            return None
        seg = Segment(alt, "img.alt", walker.anchor("alt"), BLOCK_KINDS["alt"], page.source, line,
                      context=walker.context)
        return Slot(index, seg, True)
    raw = normalize(token.content)
    if not raw:
        return None
    links = sum(1 for c in token.children or [] if c.type in ("link_open", "image"))
    slotted = to_slots(raw, links)
    short = _short_kind(stack)
    context = walker.context if short != "h" else " › ".join(walker.context.split(" › ")[:-1])
    segment = Segment(slotted.text, None, walker.anchor(short), BLOCK_KINDS[short],
                      page.source, line, targets=slotted.targets, context=context)
    titles = tuple(Segment(normalize(str(c.attrGet("title"))), "link.title",
                           f"{segment.anchor}.title{n}", "link title", page.source, line,
                           context=context)
                   for n, c in enumerate((c for c in token.children or []
                                          if c.type in ("link_open", "image")
                                          and c.attrGet("title")), 1))
    return Slot(index, segment, False, titles)


def _plain(tokens: list[Token]) -> str:
    """Text content only, as an alt attribute shows it."""
    return "".join(t.content if t.type in ("text", "code_inline") else _plain(t.children or [])
                   for t in tokens)


def _short_kind(stack: list[str]) -> str:
    for kind in reversed(stack):
        if kind == "heading_open":
            return "h"
        if kind in ("th_open", "td_open"):
            return kind[:2]
        if kind == "list_item_open":
            return "li"
        if kind == "blockquote_open":
            return "q"
    return "p"


def _hrefs(token: Token) -> list[str]:
    return [str(c.attrGet("href")) for c in token.children or [] if c.type == "link_open"]


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
        children = _translate_titles(children, translate)
        tokens[slot.index] = inline.copy(children=_resolve_links(children, resolve))
    return md.renderer.render(tokens, md.options, {}), fallbacks


def _inline_children(md: MarkdownIt, text: str, env: dict) -> list[Token]:
    parsed = md.parseInline(text, dict(env))
    return list(parsed[0].children or []) if parsed else []


def _image_with_alt(image: Token, alt: str, attrs: dict[str, str] | bool) -> Token:
    new = image.copy(children=[Token("text", "", 0, content=alt)], attrs=dict(image.attrs))
    for name, value in (attrs or {}).items():
        new.attrSet(name, value)
    return new


def _mark_block(tokens: list[Token], index: int, children: list[Token],
                attrs: dict[str, str]) -> list[Token]:
    opener = tokens[index - 1]
    if not opener.hidden and opener.nesting == 1:
        marked = opener.copy(attrs=dict(opener.attrs))
        for name, value in attrs.items():
            marked.attrSet(name, value)
        tokens[index - 1] = marked
        return children
    # A tight list hides its paragraph tokens: mark the text with a span instead.
    attr_text = "".join(f' {k}="{html.escape(v)}"' for k, v in attrs.items())
    return [Token("html_inline", "", 0, content=f"<span{attr_text}>"), *children,
            Token("html_inline", "", 0, content="</span>")]


def _translate_titles(children: list[Token], translate: Translate) -> list[Token]:
    """Link and image `title` attributes are segments of their own (msgctxt link.title)."""
    out = []
    for child in children:
        title = child.attrGet("title") if child.type in ("link_open", "image") else None
        if title:
            child = child.copy(attrs=dict(child.attrs))
            child.attrSet("title", translate("link.title", normalize(str(title)))[0])
        out.append(child)
    return out


def _resolve_links(children: list[Token], resolve: LinkResolver) -> list[Token]:
    """`page:KEY` links and media file names become relative URLs for this page."""
    out = []
    for child in children:
        href = child.attrGet("href") if child.type == "link_open" else None
        src = child.attrGet("src") if child.type == "image" else None
        if isinstance(href, str) and href.startswith("page:"):
            child = child.copy(attrs=dict(child.attrs))
            child.attrSet("href", resolve(href))
        elif isinstance(src, str) and ":" not in src and not src.startswith("/"):
            child = child.copy(attrs=dict(child.attrs))
            child.attrSet("src", resolve(f"media:{src}"))
        out.append(child)
    return out


def isolate_ltr_runs(children: list[Token]) -> list[Token]:
    """Wrap left-to-right runs of text tokens in <bdi> (for right-to-left pages)."""
    out: list[Token] = []
    for child in children:
        if child.type != "text" or not LTR_RUN_RE.search(child.content):
            out.append(child)
            continue
        position = 0
        for match in LTR_RUN_RE.finditer(child.content):
            if match.start() > position:
                out.append(child.copy(content=child.content[position:match.start()]))
            out += [Token("html_inline", "", 0, content='<bdi dir="ltr">'),
                    child.copy(content=match.group()),
                    Token("html_inline", "", 0, content="</bdi>")]
            position = match.end()
        if position < len(child.content):
            out.append(child.copy(content=child.content[position:]))
    return out


def render_inline(md: MarkdownIt, text: str, isolate_ltr: bool = False) -> tuple[str, str]:
    """(html, plain text) of one inline Markdown string."""
    tokens = md.parseInline(text)
    children = tokens[0].children or [] if tokens else []
    if tokens and isolate_ltr:
        tokens[0].children = isolate_ltr_runs(children)
    html = md.renderer.render(tokens, md.options, {}) if tokens else ""
    plain = md.renderer.renderInlineAsText(children, md.options, {})
    return html, plain


def front_matter_segments(page: Page) -> list[Segment]:
    """Translatable front-matter fields, one field at a time, in file order."""
    note, title = page.translator_note, normalize(page.title)
    limits = dict(page.limits)

    def field(text: str, ctxt: str | None, name: str, kind: str, line: int,
              context: str = title, note: str = "") -> tuple[int, Segment]:
        return line, Segment(normalize(text), page.context(name, ctxt), f"{page.key}#{name}",
                             kind, page.source, line, note, context=context,
                             max_length=limits.get(name))

    items = [field(page.title, None, "title", "title", page.line_of("title"), "", note)]
    if page.summary:
        items.append(field(page.summary, None, "summary", "summary", page.line_of("summary")))
    if page.image and page.image.alt.strip():
        items.append(field(page.image.alt, "img.alt", "image.alt", "image alt text",
                           page.image.line))
    if page.image and page.image.caption:
        items.append(field(page.image.caption, None, "image.caption", "figure caption",
                           page.image.line))
    for number, link in enumerate(page.related, 1):
        if link.label:
            items.append(field(link.label, None, f"related.{number}", "link label", link.line))
    return [segment for _, segment in sorted(items, key=lambda item: item[0])]


def page_segments(page: Page, parsed: ParsedBody) -> list[Segment]:
    body = [s for slot in parsed.slots for s in (slot.segment, *slot.titles)]
    return front_matter_segments(page) + body
