"""A page body's blocks made into tokens without running the block parser, where that
is sure to give what the parser gives: paragraphs, one-line headings and tight lists
of one-line items, each line beginning with a letter, blocks apart by blank lines.

Most news items and topic pages are just that. markdown-it's block parser tries each
of its rules at each line; this path looks at each line's first characters instead,
and answers only where no line could start any other block (a quotation, code, a
table, a rule, a setext heading, a reference definition, an ordered or nested list,
HTML) or continue one in another way: anything else, it declines and the parser
runs. `quick_block` puts it in front of markdown-it's own `block` core rule.
tests/segments/test_quick_block.py holds it equal to the parser on random documents.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from markdown_it.rules_core import block as parser_block
from markdown_it.token import Token

try:     # markdown-it-py 4 trims a block's text of CommonMark's whitespace only
    from markdown_it.common.utils import mdTrim as trim
except ImportError:   # markdown-it-py 3: of what str.strip takes
    trim = str.strip

if TYPE_CHECKING:
    from markdown_it.rules_core import StateCore

# A line of a paragraph or a list item's text: a letter or an opening quote first (no
# block starts with one; a table's second line starts with `|`, `-` or `:`), then
# anything but a tab (which counts as spaces in places).
_TEXT = r"(?:[^\W\d_]|[\"'(«¿¡“‘„])[^\t]*"
PARAGRAPH_LINE = re.compile(_TEXT)
HEADING_LINE = re.compile(rf"(#{{1,6}}) ({_TEXT})")
ITEM_LINE = re.compile(rf"- ({_TEXT})")
# A line that is blank to the block parser: spaces only (a tab would be too, but tabs
# are left to it).
BLANK_LINE = re.compile(r" *")


def quick_block(state: StateCore) -> None:
    """markdown-it's `block` core rule, with `simple_blocks` tried first."""
    tokens = None if state.inlineMode or "\t" in state.src else simple_blocks(state.src)
    if tokens is None:
        parser_block(state)
    else:
        state.tokens.extend(tokens)


def simple_blocks(src: str) -> list[Token] | None:
    """The block tokens markdown-it makes of `src` (inline children still empty), if
    every block is a paragraph, a one-line ATX heading or a tight list of one-line
    `- ` items, as described above; else None."""
    lines = src.split("\n")
    if src.endswith("\n"):
        lines.pop()
    elif BLANK_LINE.fullmatch(lines[-1]) and len(lines) > 1:
        return None    # a last line of spaces, unended: markdown-it does not count it
    tokens: list[Token] = []
    line, end = 0, len(lines)
    after_list = False
    while line < end:
        if BLANK_LINE.fullmatch(lines[line]):
            line += 1
            continue
        first = line
        while line < end and not BLANK_LINE.fullmatch(lines[line]):
            line += 1
        chunk = lines[first:line]
        if ITEM_LINE.match(chunk[0]):
            if after_list:       # blank lines between two lists' items: one loose list
                return None
            made = _list(chunk, first, _next_text(lines, line))
            after_list = True
        else:
            made = _heading(chunk[0], first) if len(chunk) == 1 and chunk[0][:1] == "#" \
                else _paragraph(chunk, first, line)
            after_list = False
        if made is None:
            return None
        tokens += made
    return tokens


def _next_text(lines: list[str], line: int) -> int:
    """The first line from `line` on that is not blank (or the end)."""
    while line < len(lines) and BLANK_LINE.fullmatch(lines[line]):
        line += 1
    return line


def _paragraph(chunk: list[str], first: int, end: int) -> list[Token] | None:
    if not all(PARAGRAPH_LINE.fullmatch(text) for text in chunk):
        return None
    where = [first, end]
    return [_block("paragraph_open", "p", 1, 0, map=where),
            _block("inline", "", 0, 1, map=list(where), content=trim("\n".join(chunk)),
                   children=[]),
            _block("paragraph_close", "p", -1, 0)]


def _heading(text: str, first: int) -> list[Token] | None:
    found = HEADING_LINE.fullmatch(text)
    if found is None or found.group(2).rstrip(" ").endswith("#"):   # a closing sequence
        return None
    tag, markup = f"h{len(found.group(1))}", found.group(1)
    return [_block("heading_open", tag, 1, 0, map=[first, first + 1], markup=markup),
            _block("inline", "", 0, 1, map=[first, first + 1],
                   content=trim(found.group(2)), children=[]),
            _block("heading_close", tag, -1, 0, markup=markup)]


def _list(chunk: list[str], first: int, next_text: int) -> list[Token] | None:
    """A tight list, one item a line; the last item's lines run to the next text."""
    items = [ITEM_LINE.fullmatch(text) for text in chunk]
    if not all(items):
        return None
    tokens = [_block("bullet_list_open", "ul", 1, 0, map=[first, next_text], markup="-")]
    for number, item in enumerate(items):
        at = first + number
        tokens += [
            _block("list_item_open", "li", 1, 1, markup="-",
                   map=[at, at + 1 if number < len(items) - 1 else next_text]),
            _block("paragraph_open", "p", 1, 2, map=[at, at + 1], hidden=True),
            _block("inline", "", 0, 3, map=[at, at + 1], content=trim(item.group(1)),
                   children=[]),
            _block("paragraph_close", "p", -1, 2, hidden=True),
            _block("list_item_close", "li", -1, 1, markup="-")]
    tokens.append(_block("bullet_list_close", "ul", -1, 0, markup="-"))
    return tokens


def _block(kind: str, tag: str, nesting: int, level: int, **fields) -> Token:
    return Token(kind, tag, nesting, level=level, block=True, **fields)
