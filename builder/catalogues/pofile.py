"""Reading PO files strictly: every problem becomes `path:line: error`."""

from __future__ import annotations

import re
from pathlib import Path

import polib

from builder.catalogues.plurals import plural_header, plural_problem
from builder.catalogues.poread import parse_po
from builder.errors import Collector, InputError

ID_RE = re.compile(r"^id: (\S+)")
PO_LINE_RE = re.compile(r"line (\d+)")


PO_STRING = r'"(?:[^"\\]++|\\[\\"abfnrtv0-7xuU])*+"'   # possessive: no backtracking
PO_LINE = re.compile(rf'^(?:(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+)?{PO_STRING}\s*$')
PO_FIX = "fix the entry in your PO editor, or restore the file from version control"


def read_po(path: Path, root: Path) -> polib.POFile:
    """Parse a PO file strictly, turning every problem into `path:line: error`.

    polib alone accepts an unterminated string or a duplicate entry without a
    word; a translator must hear about both before the site is built.
    """
    diags = Collector(root)
    text = diags.read_text(path, "catalogue is not valid UTF-8",
                           "save it as UTF-8 and set `charset=UTF-8` in its header")
    if text is None:
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
    locale = path.parent.parent.name if path.suffix == ".po" else None
    if locale and (problem := plural_problem(catalogue.metadata.get("Plural-Forms"), locale)):
        diags.error(path, header_line(text, "Plural-Forms"), problem,
                    f"set the header to: {plural_header(locale)[1]}")
    diags.raise_if_errors()
    return catalogue


def check_po_lines(text: str, path: Path, diags: Collector, first_line: int = 1) -> bool:
    """Every line is a comment, a keyword with a string, or a string; False if not."""
    ok = True
    for number, line in enumerate(text.splitlines(), first_line):
        stripped = line.strip()
        if stripped and not stripped.startswith("#") and not PO_LINE.match(stripped):
            diags.error(path, number, f"PO syntax error: `{stripped[:60]}`", PO_FIX)
            ok = False
    return ok


def _check_duplicates(catalogue: polib.POFile, path: Path, diags: Collector) -> None:
    seen: dict[tuple, int] = {}
    for entry in catalogue:
        key = (entry.msgctxt, entry.msgid, entry.obsolete)
        if key in seen:
            diags.error(path, entry.linenum, f"duplicate entry for msgid `{entry.msgid[:50]}` "
                        f"(first at line {seen[key]})", "keep one of the two entries")
        seen.setdefault(key, entry.linenum)


def anchors_of(entry: polib.POEntry) -> list[str]:
    return [m.group(1) for line in (entry.comment or "").splitlines()
            if (m := ID_RE.match(line))]


def header_line(text: str, name: str) -> int:
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith(f'"{name}:'):
            return number
    return 1


