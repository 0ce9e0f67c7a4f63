"""Inline Markdown made into tokens without running the inline parser, where that is
sure to give what the parser gives: plain text, and plain text with plain links.

Most blocks of a page, in the source and in its translations, are such text. The
parser's cost is in its rules, tried at every character that may start one;
these paths look for those characters in C (a regular expression) and answer only
where none is found. `quick_inline` puts them in front of markdown-it's own `inline`
core rule, so `parse` and `parseInline` take them too. tests/render/
test_inline_fast_path.py holds each path equal to the parser on random text,
random documents and every catalogue and page it can find.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from markdown_it.token import Token

from builder.textscan import AnyOf

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.rules_core import StateCore

# Every character an inline rule of make_markdown()'s parser acts on (escape, code,
# emphasis, link, image, autolink, entity, line break) or that its `normalize` core
# rule rewrites: inline text without any of them parses to a single text token.
INLINE_SYNTAX = AnyOf("\n\r\0\\`*_[]!<&")
# The same, less the line break: text over several lines is plain text and soft breaks.
RUN_SYNTAX = AnyOf("\r\0\\`*_[]!<&")
# A link as `linkslots.from_slots` writes one back: a label of plain text (one character
# at least) and a destination with no character that needs unescaping or decoding.
LINK_RE = re.compile(r"\[([^\n\r\0\\`*_\[\]!<&]+)\]\(([A-Za-z0-9:/._#?=%+~-]+)\)")


def plain_inline(text: str) -> list[Token] | None:
    """What parseInline makes of `text`, without parsing, when it has no inline syntax;
    else None."""
    if not text or INLINE_SYNTAX.found_in(text):
        return None
    return [Token("text", "", 0, content=text)]


def link_runs(md: MarkdownIt, text: str) -> tuple[list[tuple[str, str, str]], str] | None:
    """Each link of `text` that LINK_RE finds as (the text before it, its label, its
    normalised destination), and the text after the last; None if a destination is
    one markdown-it refuses (it would be text, not a link)."""
    links = []
    position = 0
    for link in LINK_RE.finditer(text):
        href = md.normalizeLink(link.group(2))
        if not md.validateLink(href):
            return None
        links.append((text[position:link.start()], link.group(1), href))
        position = link.end()
    return links, text[position:]


def linked_inline(md: MarkdownIt, text: str) -> list[Token] | None:
    """What parseInline makes of `text`, without parsing, when it is plain text and
    plain links, over one line or several (most paragraphs); else None."""
    found = link_runs(md, text)
    if found is None:
        return None
    tokens: list[Token] = []
    for run, label, href in found[0]:
        if not _plain_run(run, tokens):
            return None
        tokens += [Token("link_open", "a", 1, attrs={"href": href}),
                   Token("text", "", 0, level=1, content=label),
                   Token("link_close", "a", -1)]
    if not _plain_run(found[1], tokens) or not tokens:
        return None
    return tokens


def _plain_run(run: str, tokens: list[Token]) -> bool:
    """Tokens of plain text over lines, as markdown-it's `newline` rule makes them (a
    soft break; one space before it dropped, the next line's leading spaces and tabs
    skipped); False for anything else (a hard break, other syntax)."""
    if RUN_SYNTAX.found_in(run):
        return False
    if "\n" not in run:      # most runs: text between links
        if run:
            tokens.append(Token("text", "", 0, content=run))
        return True
    lines = run.split("\n")
    for number, line in enumerate(lines):
        if number:
            line = line.lstrip(" \t")
        if number < len(lines) - 1:
            if line.endswith("  "):
                return False
            line = line.removesuffix(" ")
        if line:
            tokens.append(Token("text", "", 0, content=line))
        if number < len(lines) - 1:
            tokens.append(Token("softbreak", "br", 0))
    return True


def quick_inline(state: StateCore) -> None:
    """markdown-it's `inline` core rule, with the two paths above tried first."""
    md = state.md
    for token in state.tokens:
        if token.type == "inline":
            quick = None if token.children else \
                plain_inline(token.content) or linked_inline(md, token.content)
            if quick is not None:
                token.children = quick
                continue
            if token.children is None:
                token.children = []
            md.inline.parse(token.content, md, state.env, token.children)
