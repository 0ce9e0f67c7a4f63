"""Reading PO files strictly: every problem becomes `path:line: error`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import polib

from builder.catalogues.podata import (
    Layout,
    decode_block,
    header_line,
    locale_of,
    normalise,
    report_empty,
    report_header,
)
from builder.catalogues.poread import parse_po, previous_line_problem
from builder.errors import Collector, InputError

__all__ = ["Catalogue", "read_catalogue", "read_po", "check_po_lines", "anchors_of",
           "header_line", "PO_FIX"]

ID_RE = re.compile(r"^id: (\S+)")
PO_LINE_RE = re.compile(r"line (\d+)")


PO_STRING = r'"(?:[^"\\]++|\\[\\"abfnrtv0-7xuU])*+"'   # possessive: no backtracking
PO_LINE = re.compile(rf'^(?:(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+)?{PO_STRING}\s*$')
PLAIN_KEYWORDS = frozenset(("msgctxt", "msgid", "msgid_plural", "msgstr"))
PO_FIX = "fix the entry in your PO editor, or restore the file from version control"


@dataclass(frozen=True)
class Catalogue:
    """A PO file as read: its entries, its text (LF, no BOM) and how it was saved."""
    po: polib.POFile
    text: str
    layout: Layout
    empty: bool = False    # the file had nothing in it (only `repairable` reads return one)


def read_po(path: Path, root: Path) -> polib.POFile:
    """Parse a PO file strictly, turning every problem into `path:line: error`.

    polib alone accepts an unterminated string or a duplicate entry without a
    word; a translator must hear about both before the site is built.
    """
    return read_catalogue(path, root).po


def read_catalogue(path: Path, root: Path, repairable: bool = False) -> Catalogue:
    """`read_po` with the file's text and layout. `repairable` (for `update`): an
    empty file, a missing header or a missing Plural-Forms are not errors, since
    `update` writes them."""
    diags = Collector(root)
    data, layout = normalise(path.read_bytes())
    text = decode_block(data, 1, path, diags)
    if text is None:
        raise InputError(diags.items)
    if not text.strip():
        if repairable:
            return Catalogue(polib.POFile(wrapwidth=0), "", layout, empty=True)
        report_empty(path, diags)
        raise InputError(diags.items)
    check_po_lines(text, path, diags)
    diags.raise_if_errors()
    try:
        catalogue = parse_po(text)
    except (OSError, ValueError) as exc:
        found = PO_LINE_RE.search(str(exc))
        diags.error(path, int(found.group(1)) if found else 1, f"PO syntax error: {exc}", PO_FIX)
        raise InputError(diags.items) from None
    _check_duplicates(catalogue, path, diags)
    report_header(catalogue.metadata, text, path, locale_of(path), diags, repairable=repairable)
    diags.raise_if_errors()
    return Catalogue(catalogue, text, layout)


def check_po_lines(text: str, path: Path, diags: Collector, first_line: int = 1) -> bool:
    """Every line is a comment, a keyword with a string, or a string, and every `#|`
    line (the previous text of a fuzzy entry) is one that GNU msgfmt takes; False if not."""
    ok = True
    after_previous = False   # a `#| "…"` line continues the `#|` line before it
    for number, line in enumerate(text.splitlines(), first_line):
        stripped = line.strip()
        if not stripped or stripped.startswith("#~|") or stripped == "#|":
            continue     # the reader skips these (GNU msgfmt reads past a bare `#|` too)
        if stripped.startswith("#~") and len(stripped.split(None, 1)) > 1:
            stripped = stripped[2:].strip()    # an obsolete entry's line
        if stripped[0] != "#":
            after_previous = False
            if not (_plain_string(stripped) or PO_LINE.match(stripped)):
                diags.error(path, number, f"PO syntax error: `{stripped[:60]}`", PO_FIX)
                ok = False
            continue
        mark, after = stripped[:2], stripped[2:3]
        if mark == "#|" and after in ("", " ", "\t"):
            problem = previous_line_problem(stripped[2:].lstrip(), after_previous)
            if problem:
                diags.error(path, number, f"PO syntax error: `{stripped[:60]}`: {problem}",
                            PO_FIX)
                ok = False
            after_previous = problem is None
        elif not (mark in ("#:", "#,", "#.") and not after):   # the reader ignores those
            after_previous = False
    return ok


def _plain_string(line: str) -> bool:
    """A keyword and a string without escapes or inner quotes, or such a string alone
    (most lines): valid for `PO_LINE` without running it, a third of the check's time.
    Anything else is left to `PO_LINE`."""
    if line[0] != '"':
        keyword, _, line = line.partition(" ")
        if keyword not in PLAIN_KEYWORDS and not (
                keyword[:7] == "msgstr[" and keyword[-1:] == "]" and keyword[7:-1].isdecimal()):
            return False
    return (len(line) > 1 and line[0] == '"' and line[-1] == '"'
            and '"' not in line[1:-1] and "\\" not in line)


def _check_duplicates(catalogue: polib.POFile, path: Path, diags: Collector) -> None:
    seen: dict[tuple, int] = {}
    for entry in catalogue:
        check_duplicate(entry, entry.linenum, seen, path, diags)


def check_duplicate(entry: polib.POEntry, line: int, seen: dict[tuple, int], path: Path,
                    diags: Collector) -> None:
    """One rule for every reader: an active and an obsolete entry may share a key."""
    key = (entry.msgctxt, entry.msgid, entry.obsolete)
    if key in seen:
        diags.error(path, line, f"duplicate entry for msgid `{entry.msgid[:50]}` "
                    f"(first at line {seen[key]})", "keep one of the two entries")
    seen.setdefault(key, line)


def anchors_of(entry: polib.POEntry) -> list[str]:
    return [m.group(1) for line in (entry.comment or "").splitlines()
            if (m := ID_RE.match(line))]
