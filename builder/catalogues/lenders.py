"""Translations one catalogue of a locale lends to the others.

A locale has one catalogue per domain (`domains`). Text that left one domain's
sources — a news item whose date moved to another year, a paragraph moved from
a topic to a news item — keeps its translation where it now is: the merge of
each catalogue is given the entries that left the locale's other catalogues
(or are obsolete there) as `Neighbours.lenders`, and takes the same text
exactly, similar text as fuzzy (`merge`).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import polib

from builder.catalogues.counts import translated_any
from builder.catalogues.diff import numbered_blocks
from builder.catalogues.oldtext import Raw, entry_key
from builder.catalogues.podata import normalise
from builder.catalogues.poread import parse_po


@dataclass(frozen=True)
class Neighbours:
    """What the locale's other catalogues bring to the merge of one of them."""
    # Entries whose text left another catalogue (or is obsolete there), translated,
    # with their `#|` / `#~|` previous fields: see `lenders_of`.
    lenders: tuple[polib.POEntry, ...] = ()
    # Every entry of a catalogue of another layout being removed (`lenders_of(…, None)`):
    # they lend like `lenders`, and a translation also fills this file's untranslated
    # entry of the same text, so that none is lost.
    moving: tuple[polib.POEntry, ...] = ()
    # Translations of a file being removed that no catalogue took: kept here, obsolete.
    leftovers: tuple[polib.POEntry, ...] = ()

    def by_key(self, own: dict) -> dict:
        """Key → the entry this file takes instead of its own (`own`: key → entry)."""
        found: dict = {}
        for entry in self.moving:
            mine = own.get(entry_key(entry))
            if mine is None or translated_any(entry) and not translated_any(mine):
                found.setdefault(entry_key(entry), entry)
        for entry in self.lenders:   # this file's own entries come first
            if entry_key(entry) not in own:
                found.setdefault(entry_key(entry), entry)
        return found


def lenders_of(old: polib.POFile, text: str | None,
               wanted: set | None) -> list[polib.POEntry]:
    """The entries of a catalogue that other catalogues of the locale may borrow:
    translated, and obsolete or no longer in its template's `wanted` keys — or, if
    `wanted` is None (a file being removed), every entry, translated or not, so that
    translator comments and flags move with it. An obsolete entry's `#~|` lines,
    which polib skips, are read from `text` into its previous fields."""
    chosen = [entry for entry in old if entry.msgid and (wanted is None or (
        translated_any(entry) and (entry.obsolete or entry_key(entry) not in wanted)))]
    if not any(entry.obsolete for entry in chosen):
        return chosen    # cutting the text into blocks is only for `#~|` lines
    raw = Raw.of(old, text)
    return [_with_previous(entry, raw) for entry in chosen]


def obsolete_lenders(data: bytes) -> list[polib.POEntry]:
    """`lenders_of` a catalogue that `update` wrote and does not merge this time: its
    obsolete entries (the others are all in its template), read without parsing the
    rest of the file."""
    out = []
    for _, block in numbered_blocks(normalise(data)[0]):
        if b"#~" not in block:
            continue
        text = block.decode("utf-8", "replace")
        found = parse_po(text + "\n")
        raw = Raw(text, None, {e.linenum: text for e in found})
        out += [_with_previous(e, raw) for e in found
                if e.obsolete and e.msgid and translated_any(e)]
    return out


def _with_previous(entry: polib.POEntry, raw: Raw) -> polib.POEntry:
    if not entry.obsolete:
        return entry
    entry = copy.copy(entry)   # never change the caller's catalogue
    for name, value in raw.previous(entry).items():
        setattr(entry, name, value)
    return entry
