"""What a catalogue holds: translated, fuzzy, untranslated and obsolete entries.

One definition for `stats`, `update`'s report, the build and the status page:
translated means not fuzzy, not obsolete, and every plural form filled (as
`msgfmt --statistics` counts); fuzzy entries count as not translated.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import polib


@dataclass(frozen=True)
class Stats:
    """What a locale's catalogue holds, in entries and words: one domain's, or all of them."""
    locale: str
    total: int
    translated: int
    fuzzy: int
    untranslated: int
    obsolete: int
    words: int
    words_translated: int
    domain: str = ""      # "": every domain of the locale (`total`)

    @property
    def percent(self) -> float:
        return 100.0 * self.translated / self.total if self.total else 100.0


def complete(entry: polib.POEntry) -> bool:
    """Translated means: not fuzzy, and every plural form filled."""
    if "fuzzy" in entry.flags or entry.obsolete:
        return False
    if entry.msgid_plural:
        return bool(entry.msgstr_plural) and all(entry.msgstr_plural.values())
    return bool(entry.msgstr)


def translated_any(entry: polib.POEntry) -> bool:
    return bool(entry.msgstr) or any(entry.msgstr_plural.values())


def stats(po: Iterable[polib.POEntry], locale: str) -> Stats:
    entries = list(po)
    active = [e for e in entries if not e.obsolete and e.msgid]
    translated = [e for e in active if complete(e)]
    fuzzy = [e for e in active if "fuzzy" in e.flags]
    words = sum(len(e.msgid.split()) for e in active)
    return Stats(locale, len(active), len(translated), len(fuzzy),
                 len(active) - len(translated) - len(fuzzy),
                 sum(1 for e in entries if e.obsolete),
                 words, sum(len(e.msgid.split()) for e in translated))


COUNTED = ("total", "translated", "fuzzy", "untranslated", "obsolete", "words",
           "words_translated")


def total(rows: Iterable[Stats], locale: str) -> Stats:
    """A locale's figures over all its domains."""
    rows = list(rows)
    return Stats(locale, *(sum(getattr(row, name) for row in rows) for name in COUNTED))


def tally(entries: Iterable[polib.POEntry]) -> tuple[int, int, int, int]:
    """(translated, fuzzy, untranslated, obsolete) as `stats` counts them, without words."""
    translated = fuzzy = untranslated = obsolete = 0
    for entry in entries:
        if entry.obsolete:
            obsolete += 1
        elif not entry.msgid:
            continue
        elif "fuzzy" in entry.flags:
            fuzzy += 1
        elif complete(entry):
            translated += 1
        else:
            untranslated += 1
    return translated, fuzzy, untranslated, obsolete
