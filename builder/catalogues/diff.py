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
from collections import Counter
from pathlib import Path
from typing import Iterator

import polib

from builder.catalogues.podata import decode_block, normalise
from builder.catalogues.pofile import check_po_lines
from builder.catalogues.poread import parse_po
from builder.errors import Collector

# Header fields that change what every entry means: a change reloads the catalogue.
HEADER_FIELDS = ("Plural-Forms", "Content-Type")


@dataclass(frozen=True)
class PoChange:
    """What changed between two versions of a PO file: its entries, or all of it (`reload`)."""
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
    """The entries that differ between two versions of one PO file (decoded as every
    reader decodes a catalogue: `podata.normalise`, then UTF-8 block by block)."""
    old, new = normalise(old)[0], normalise(new)[0]
    old_head, old_body = _split_header(old)
    new_head, new_body = _split_header(new)
    if not old_head.strip() or not new_head.strip():
        return PoChange((), (), reload=True)
    if old_head != new_head and _header_meaning(old_head) != _header_meaning(new_head):
        return PoChange((), (), reload=True)
    # Only the region between the common prefix and suffix can hold changes.
    start, old_end, new_end = _window(old_body, new_body)
    first_line = new[: len(new_head) + start].count(b"\n") + 1
    # Counted, not just compared: a block saved twice is an entry added twice.
    old_count = Counter(block for _, block in numbered_blocks(old_body[start:old_end]))
    new_blocks = list(numbered_blocks(new_body[start:new_end]))
    removed_count = old_count - Counter(block for _, block in new_blocks)
    added = []
    for line, block in new_blocks:
        if old_count[block] > 0:
            old_count[block] -= 1
            continue
        line += first_line - 1
        text = decode_block(block, line, path, diags)
        if text is None or not check_po_lines(text, path, diags, first_line=line):
            continue
        for entry in parse_po(text):
            entry.linenum = (entry.linenum or 1) + line - 1   # the block's first entry has 0
            added.append(entry)
    removed = [e for block, times in removed_count.items() for _ in range(times)
               for e in parse_po(block.decode("utf-8", "replace"))]
    return PoChange(tuple(removed), tuple(added))


def _split_header(data: bytes) -> tuple[bytes, bytes]:
    """(header block and the blank line after it, the entries)."""
    end = data.find(b"\n\n")
    return (data, b"") if end < 0 else (data[: end + 2], data[end + 2:])


CHUNK = 1 << 20


def _window(old: bytes, new: bytes) -> tuple[int, int, int]:
    """(start, old end, new end) of the differing middle, widened to whole blocks."""
    prefix = _common_prefix(old, new, min(len(old), len(new)))
    suffix = _common_suffix(old, new, min(len(old), len(new)) - prefix)
    start = old.rfind(b"\n\n", 0, prefix)
    start = 0 if start < 0 else start + 2
    old_end = old.find(b"\n\n", len(old) - suffix)
    new_end = new.find(b"\n\n", len(new) - suffix)
    return (start, len(old) if old_end < 0 else old_end,
            len(new) if new_end < 0 else new_end)


def _common_prefix(a: bytes, b: bytes, limit: int) -> int:
    """Length of the common prefix, up to `limit`: whole megabytes compared at C
    speed, then a binary search in the one that differs."""
    done = 0
    while done < limit:
        size = min(CHUNK, limit - done)
        if a[done:done + size] == b[done:done + size]:
            done += size
            continue
        low, high = 0, size       # equal over `low` bytes, not over `high`
        while high - low > 1:
            middle = (low + high) // 2
            if a[done:done + middle] == b[done:done + middle]:
                low = middle
            else:
                high = middle
        return done + (low if a[done:done + 1] == b[done:done + 1] else 0)
    return limit


def _common_suffix(a: bytes, b: bytes, limit: int) -> int:
    """Length of the common suffix, up to `limit` (see `_common_prefix`)."""
    def tail(data: bytes, done: int, size: int) -> bytes:
        return data[len(data) - done - size: len(data) - done]

    done = 0
    while done < limit:
        size = min(CHUNK, limit - done)
        if tail(a, done, size) == tail(b, done, size):
            done += size
            continue
        low, high = 0, size
        while high - low > 1:
            middle = (low + high) // 2
            if tail(a, done, middle) == tail(b, done, middle):
                low = middle
            else:
                high = middle
        return done + (low if tail(a, done, 1) == tail(b, done, 1) else 0)
    return limit


def _header_meaning(block: bytes) -> tuple[str | None, ...]:
    header = parse_po(block.decode("utf-8", "replace") + "\n")
    return tuple(header.metadata.get(name) for name in HEADER_FIELDS)
