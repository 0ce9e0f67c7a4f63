"""Which entries of a catalogue changed since the last build, without parsing it all.

A 10,000-item site has a 140 MB catalogue per locale; parsing one takes seconds,
but a translator's save changes one entry (and the header's revision date).
PO entries are separated by blank lines, so both versions are split into
blocks and only blocks that are not in both are parsed: byte comparisons in C
instead of a parse in Python. Changed blocks get the same strict checks as a
full read (`catalogues.check_po_lines`), with their real line numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import polib

from .catalogues import PO_FIX, check_po_lines, plural_problem
from .errors import Collector
from .poread import parse_po

# Header fields that change what every entry means: a change reloads the catalogue.
HEADER_FIELDS = ("Plural-Forms", "Content-Type")


@dataclass(frozen=True)
class PoChange:
    removed: tuple[polib.POEntry, ...]   # entries of the old file no longer there as they were
    added: tuple[polib.POEntry, ...]     # entries of the new file that were not
    reload: bool = False                 # the header changed meaning: read the whole file


def _blocks(data: bytes) -> list[bytes]:
    return [block for _, block in numbered_blocks(data)]


def numbered_blocks(data: bytes) -> Iterator[tuple[int, bytes]]:
    """(first line, block without surrounding blank lines) of every entry-sized block,
    one at a time: a 130 MB catalogue is not copied into a list of its blocks."""
    line, start = 1, 0
    while start <= len(data):
        end = data.find(b"\n\n", start)
        piece = data[start:] if end < 0 else data[start:end]
        block = piece.strip(b"\n")
        if block.strip():
            yield line + len(piece) - len(piece.lstrip(b"\n")), block
        line += piece.count(b"\n") + 2
        if end < 0:
            break
        start = end + 2


def po_change(old: bytes, new: bytes, path: Path, diags: Collector) -> PoChange:
    """The entries that differ between two versions of one PO file."""
    old_blocks, new_blocks = _blocks(old), _blocks(new)
    if not new_blocks or not old_blocks:
        return PoChange((), (), reload=True)
    if old_blocks[0] != new_blocks[0] and _header_meaning(old_blocks[0]) != _header_meaning(
            new_blocks[0]):
        return PoChange((), (), reload=True)
    old_set, new_set = set(old_blocks[1:]), set(new_blocks[1:])
    gone = [b for b in old_blocks[1:] if b not in new_set]
    came = [(line, block) for line, block in list(numbered_blocks(new))[1:]
            if block not in old_set]
    added = []
    for line, block in came:
        text = _decode(block, line, path, diags)
        if text is None or not check_po_lines(text, path, diags, first_line=line):
            continue
        for entry in parse_po(text):
            entry.linenum = (entry.linenum or 1) + line - 1   # the block's first entry has 0
            added.append(entry)
    removed = [e for block in gone for e in parse_po(block.decode("utf-8", "replace"))]
    return PoChange(tuple(removed), tuple(added))


def _header_meaning(block: bytes) -> tuple[str | None, ...]:
    header = parse_po(block.decode("utf-8", "replace") + "\n")
    return tuple(header.metadata.get(name) for name in HEADER_FIELDS)


def _decode(block: bytes, line: int, path: Path, diags: Collector) -> str | None:
    try:
        return block.decode("utf-8")
    except UnicodeDecodeError as exc:
        diags.error(path, line + block[: exc.start].count(b"\n"), "catalogue is not valid UTF-8",
                    "save it as UTF-8 and set `charset=UTF-8` in its header")
        return None


def header_problem(data: bytes, locale: str) -> str | None:
    blocks = _blocks(data)
    header = parse_po(blocks[0].decode("utf-8", "replace") + "\n") if blocks else None
    return plural_problem(header.metadata.get("Plural-Forms") if header else None, locale)


__all__ = ["PoChange", "po_change", "header_problem", "PO_FIX"]
