"""An old PO file's text, cut into the blocks its entries were read from.

`update` writes an entry that did not change exactly as it was read (wrapping,
`#~|` lines and comment layout included), and entries written anew at the
file's own wrap width: both need the file's text beside polib's entries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import polib

from builder.catalogues.powrap import detect_width

PREVIOUS_RE = re.compile(r'^#~\|\s*(?:(msgctxt|msgid_plural|msgid)\s+)?"(.*)"\s*$')


def entry_key(entry: polib.POEntry) -> tuple[str | None, str]:
    """What identifies a message in a catalogue: (msgctxt, msgid)."""
    return (entry.msgctxt or None, entry.msgid)


@dataclass(frozen=True)
class Raw:
    """The old file's text, cut into the blocks polib's entries were read from."""
    text: str
    header: str | None
    blocks: dict[int, str]   # entry.linenum → its lines, as written
    fixed_width: int | None = None   # a new file's, taken from the one it comes from

    @cached_property
    def width(self) -> int:
        """The wrap width of the old file, for the entries written anew (0: none)."""
        return self.fixed_width if self.fixed_width is not None else detect_width(self.text)

    @classmethod
    def of(cls, old: polib.POFile, text: str | None) -> Raw:
        if text is None and old.fpath and Path(old.fpath).is_file():
            text = Path(old.fpath).read_text("utf-8")
        lines = (text or "").lstrip("\ufeff").splitlines()
        starts = [e.linenum for e in old]
        if not text or not _fits(lines, starts):
            return cls(text or "", None, {})
        ends = starts[1:] + [len(lines) + 1]
        blocks = {a: "\n".join(lines[a - 1:b - 1]).rstrip() for a, b in zip(starts, ends)}
        header = "\n".join(lines[:(starts[0] if starts else len(lines) + 1) - 1]).rstrip()
        return cls(text, header, blocks)

    def previous(self, entry: polib.POEntry) -> dict[str, str]:
        """`#~|` fields of an obsolete entry: polib's reader skips those lines."""
        found: dict[str, str] = {}
        field = "msgid"
        for line in self.blocks.get(entry.linenum, "").splitlines():
            if m := PREVIOUS_RE.match(line.strip()):
                field = m.group(1) or field
                found[field] = found.get(field, "") + polib.unescape(m.group(2))
        return {"previous_" + k: v for k, v in found.items()}


def _fits(lines: list[str], starts: list[int]) -> bool:
    """Cheap proof that polib read `old` from these lines: each entry starts on a
    line of its own, in order, and there is one msgid line per entry plus the header."""
    if starts != sorted(set(starts)) or (starts and starts[-1] > len(lines)):
        return False
    msgids = sum(1 for line in lines if line.startswith(("msgid ", "#~ msgid ")))
    return msgids == len(starts) + 1
