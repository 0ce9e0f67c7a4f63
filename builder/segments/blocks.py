"""Markdown blocks ↔ msgids.

A page body is parsed once with markdown-it-py. Every leaf block (heading,
paragraph, list item, table cell, a lone image's alt text) is one segment whose
msgid is the block's inline Markdown with whitespace normalised, so re-wrapping
a paragraph never changes it. Rendering swaps each block's inline content for
its translation and renders the token stream again: block structure comes from
the source, never from a translation.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from builder.segments.linkslots import code_span_end, to_slots
from builder.source.content import Page
from builder.textscan import AnyOf, between

if TYPE_CHECKING:   # the parser is imported where it is made: `update` often needs none
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

# ASCII whitespace only: a no-break space (French « … », "10\u00a0km") is meaningful.
WS_RE = re.compile(r"[ \t\n\r\f\v]+")
# What str.split() takes for whitespace and WS_RE does not (str.isspace, less WS_RE's).
OTHER_SPACE = AnyOf(between("\x1c", "\x1f") + "\x85\xa0\u1680" + between("\u2000", "\u200a")
                    + "\u2028\u2029\u202f\u205f\u3000")
MARKDOWN_KINDS = {"heading", "paragraph", "list item", "table header", "table cell",
                  "quotation", "summary", "title", "figure caption"}
BLOCK_KINDS = {"h": "heading", "p": "paragraph", "li": "list item", "th": "table header",
               "td": "table cell", "q": "quotation", "alt": "image alt text"}


# markdown-it stops parsing blocks nested deeper than maxNesting and drops the rest of
# the page without a word: allow deep nesting, and refuse what is deeper still.
MAX_NESTING = 60


def make_markdown() -> MarkdownIt:
    from markdown_it import MarkdownIt

    from builder.segments.quickblock import quick_block
    from builder.segments.quickinline import quick_inline

    # html=False: raw HTML from authors or translators is shown as text, never markup.
    md = MarkdownIt("commonmark", {"html": False, "typographer": False, "xhtmlOut": False,
                                   "maxNesting": MAX_NESTING}).enable("table")
    md.normalizeLink = _quick_normalize(md.normalizeLink)
    md.core.ruler.at("block", quick_block)     # most bodies: paragraphs, headings, lists
    md.core.ruler.at("inline", quick_inline)   # most blocks: plain text and plain links
    return md


# An http(s) URL that markdown-it's normalizeLink gives back as it is: a lower-case ASCII
# host, a path of unreserved characters (tests/render/test_inline_fast_path.py).
PLAIN_URL_RE = re.compile(r"https?://[a-z0-9-]+(?:\.[a-z0-9-]+)*(?:/[A-Za-z0-9._~/-]*)?")


def _quick_normalize(normalize_link: Callable[[str], str]) -> Callable[[str], str]:
    """markdown-it's normalizeLink (URL parsing and encoding, some 50 µs), skipped for
    plain URLs, which it keeps as they are (a page's own links, each once), and
    memoised for the rest: the same ones recur (every locale of a page, `page:`
    links on many pages)."""
    memo = functools.lru_cache(maxsize=4096)(normalize_link)

    def normalize_link_quickly(url: str) -> str:
        return url if PLAIN_URL_RE.fullmatch(url) else memo(url)
    return normalize_link_quickly


def normalize(text: str) -> str:
    """NFC, runs of ASCII whitespace as one space, no space at either end."""
    text = unicodedata.normalize("NFC", text)
    if OTHER_SPACE.found_in(text):   # str.split would cut there too: the regex way
        return WS_RE.sub(" ", text).strip(" ")
    return " ".join(text.split())     # the same, three times faster


# A hard line break in inline Markdown: a backslash, or two spaces or more, before a newline.
HARD_BREAK_RE = re.compile(r"(?:\\| {2,})\n")


def block_text(token: Token) -> str:
    """A block's msgid: its inline Markdown normalised, each hard line break kept (as a
    backslash and a newline): whitespace would make it a space, or a stray backslash.
    Where the breaks the parser found are not the ones found here, the text is
    normalised whole (a stray backslash, as before)."""
    breaks = sum(1 for child in token.children or [] if child.type == "hardbreak")
    if not breaks:
        return normalize(token.content)
    found = _hard_breaks(token.content)
    if len(found) != breaks:
        return normalize(token.content)
    parts, start = [], 0
    for match in found:
        parts.append(token.content[start:match.start()])
        start = match.end()
    parts.append(token.content[start:])
    return "\\\n".join(map(normalize, parts))


def _hard_breaks(text: str) -> list[re.Match]:
    """HARD_BREAK_RE's matches outside code spans (where a newline is a space)."""
    spans, start = [], text.find("`")
    while start != -1:
        end = code_span_end(text, start)
        ticks = len(text) - start - len(text[start:].lstrip("`"))
        if end > start + ticks:    # closed: an unclosed run of backticks is text
            spans.append((start, end))
        start = text.find("`", end)
    return [match for match in HARD_BREAK_RE.finditer(text)
            if not any(first <= match.start() < end for first, end in spans)]


def slugify(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"


@dataclass(frozen=True)
class Segment:
    """One translatable text, a catalogue entry, and where it stands in the source."""
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
    """A block of a body a translation replaces: its inline token and its segment."""
    index: int           # position of the inline token in the stream
    segment: Segment
    image_only: bool
    titles: tuple[Segment, ...] = ()   # link and image titles ([x](url "title")) in the block


@dataclass(frozen=True)
class ParsedBody:
    """A page's body parsed: its tokens, translatable blocks and what it refers to."""
    tokens: tuple[Token, ...]
    slots: tuple[Slot, ...]
    page_links: tuple[tuple[str, int], ...]   # ("topics/x", line) from [text](page:topics/x)
    images: tuple[tuple[str, str, int], ...] = ()   # (src, alt, line) of every image
    # Link reference definitions ([x][ref] … [ref]: url): a translation keeps `[x][ref]`,
    # so rendering it needs the page's definitions.
    references: tuple[tuple[str, dict], ...] = ()
    problems: tuple[tuple[int, str, str], ...] = ()   # (line, what, what to do)


class _Walker:
    """Assigns anchors while walking a token stream; one per page."""

    def __init__(self, page: Page):
        self.page = page
        self.title = normalize(page.title)
        self.section = "intro"
        self.counts: dict[str, int] = {}
        self.heading_ids: dict[str, int] = {}
        self.headings: list[tuple[int, str]] = []

    def enter_heading(self, level: int, text: str) -> None:
        self.headings = [h for h in self.headings if h[0] < level] + [(level, text)]

    @property
    def context(self) -> str:
        return " › ".join([self.title] + [t for _, t in self.headings])

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
    return ParsedBody(tuple(tokens), tuple(slots), tuple(links), tuple(images), references,
                      _nesting_problems(tokens, page.body_line))


def _nesting_problems(tokens: list[Token], body_line: int) -> tuple[tuple[int, str, str], ...]:
    """A block nested so deep that markdown-it would drop it and everything after it."""
    deep = next((t for t in tokens if t.level >= MAX_NESTING - 2), None)
    if deep is None:
        return ()
    line = body_line + (deep.map[0] if deep.map else 0)
    return ((line, f"Markdown nested more than {(MAX_NESTING - 2) // 2} levels deep "
             "(lists or quotations inside each other)",
             "flatten the structure: the rest of the page would not be shown"),)


def _slot(index: int, token: Token, stack: list[str], walker: _Walker, page: Page,
          line: int) -> Slot | None:
    children = token.children or []
    if any(c.type == "image" for c in children):
        children = [c for c in children if not (c.type == "text" and not c.content.strip())]
    if len(children) == 1 and children[0].type == "image":
        alt = normalize(_plain(children[0].children or []))
        if not alt:
            return None
        seg = Segment(alt, "img.alt", walker.anchor("alt"), BLOCK_KINDS["alt"], page.source, line,
                      context=walker.context)
        return Slot(index, seg, True)
    raw = block_text(token)
    if not raw:
        return None
    linked = [c for c in children if c.type in ("link_open", "image")]
    slotted = to_slots(raw, len(linked))
    short = _short_kind(stack)
    context = walker.context if short != "h" else " › ".join(walker.context.split(" › ")[:-1])
    segment = Segment(slotted.text, None, walker.anchor(short), BLOCK_KINDS[short],
                      page.source, line, targets=slotted.targets, context=context)
    titles = tuple(Segment(normalize(str(c.attrGet("title"))), "link.title",
                           f"{segment.anchor}.title{n}", "link title", page.source, line,
                           context=context)
                   for n, c in enumerate((c for c in linked if c.attrGet("title")), 1))
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
