"""Merge the POT into each locale's PO file, and count what is left to translate.

Rules, in order: an exact (msgctxt, msgid) match keeps its translation; a
segment whose anchor is unchanged but whose text changed keeps the old
translation as fuzzy, with the previous msgid (`#| msgid`) so translators see
exactly what changed; anything else starts empty. Old entries that no longer
match become obsolete (`#~`), never dropped, and come back if their text does.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polib

from .catalogues import anchors_of, plural_header

PO_HEADER = "Translations for {title}.\nThis file is edited by translators; `infopages update` merges new text in."


@dataclass(frozen=True)
class MergeResult:
    locale: str
    text: str
    exact: int
    fuzzy: int
    new: int
    obsolete: int


def new_catalogue(locale: str, title: str) -> polib.POFile:
    po = polib.POFile(wrapwidth=0)
    po.header = PO_HEADER.format(title=title)
    po.metadata = {
        "Project-Id-Version": title,
        "Report-Msgid-Bugs-To": "",
        "PO-Revision-Date": "YEAR-MO-DA HO:MI+ZONE",
        "Last-Translator": "",
        "Language-Team": "",
        "Language": locale,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
    }
    return po


def _key(entry: polib.POEntry) -> tuple[str | None, str]:
    return (entry.msgctxt or None, entry.msgid)


def merge(pot: polib.POFile, old: polib.POFile, locale: str,
          prune_obsolete: bool = False) -> MergeResult:
    nplurals, plural_forms = plural_header(locale)
    merged = polib.POFile(wrapwidth=0)
    merged.header = old.header
    merged.metadata = dict(old.metadata)
    merged.metadata.pop("POT-Creation-Date", None)
    merged.metadata.update({"Language": locale, "Plural-Forms": plural_forms,
                            "Content-Type": "text/plain; charset=UTF-8"})
    old_by_key = {_key(e): e for e in old}
    wanted = {_key(e) for e in pot}
    # Only text that left the sources lends its translation: an inserted block
    # must not borrow the translation of a neighbour that is still there.
    by_anchor = {a: e for e in old for a in anchors_of(e) if _key(e) not in wanted}
    used: set[tuple[str | None, str]] = set()
    counts = {"exact": 0, "fuzzy": 0, "new": 0}
    for template in pot:
        entry = _fresh(template, nplurals)
        previous = old_by_key.get(_key(template))
        if previous is not None:
            _carry(previous, entry, fuzzy="fuzzy" in previous.flags)
            counts["exact"] += 1
        elif (previous := _by_anchor(template, by_anchor)) is not None:
            _carry(previous, entry, fuzzy=True)
            entry.previous_msgid = previous.msgid
            entry.previous_msgctxt = previous.msgctxt or None
            counts["fuzzy"] += 1
        else:
            counts["new"] += 1
        if previous is not None:
            used.add(_key(previous))
        merged.append(entry)
    obsolete = [] if prune_obsolete else _obsolete(old, wanted | used)
    for entry in obsolete:
        merged.append(entry)
    return MergeResult(locale, str(merged), counts["exact"], counts["fuzzy"], counts["new"],
                       len(obsolete))


def _fresh(template: polib.POEntry, nplurals: int) -> polib.POEntry:
    entry = polib.POEntry(msgid=template.msgid, msgctxt=template.msgctxt,
                          occurrences=list(template.occurrences), comment=template.comment,
                          flags=[f for f in template.flags if f != "fuzzy"])
    if template.msgid_plural:
        entry.msgid_plural = template.msgid_plural
        entry.msgstr_plural = {i: "" for i in range(nplurals)}
    return entry


def _by_anchor(template: polib.POEntry,
               by_anchor: dict[str, polib.POEntry]) -> polib.POEntry | None:
    """The old entry of the same segment (page and block), if it was translated."""
    for anchor in anchors_of(template):
        candidate = by_anchor.get(anchor)
        if candidate is not None and _translated_any(candidate):
            return candidate
    return None


def _translated_any(entry: polib.POEntry) -> bool:
    return bool(entry.msgstr) or any(entry.msgstr_plural.values())


def _carry(previous: polib.POEntry, entry: polib.POEntry, fuzzy: bool) -> None:
    entry.tcomment = previous.tcomment
    if entry.msgid_plural:
        for index in entry.msgstr_plural:
            entry.msgstr_plural[index] = previous.msgstr_plural.get(index, "")
    else:
        entry.msgstr = previous.msgstr
    extra = [f for f in previous.flags if f not in entry.flags and f != "fuzzy"]
    entry.flags += extra
    if fuzzy and _translated_any(entry):
        entry.flags.insert(0, "fuzzy")
        if previous.previous_msgid and not entry.previous_msgid:
            entry.previous_msgid = previous.previous_msgid


def _obsolete(old: polib.POFile, keep: set) -> list[polib.POEntry]:
    """Entries whose text left the sources: kept as `#~` so no work is ever lost."""
    out = []
    for entry in list(old) + old.obsolete_entries():
        if _key(entry) in keep or not _translated_any(entry):
            continue
        entry.obsolete = True
        entry.occurrences = []
        out.append(entry)
    seen: set = set()
    return [e for e in out if not (_key(e) in seen or seen.add(_key(e)))]


@dataclass(frozen=True)
class Stats:
    locale: str
    total: int
    translated: int
    fuzzy: int
    untranslated: int
    obsolete: int
    words: int
    words_translated: int

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


def stats(po: polib.POFile, locale: str) -> Stats:
    active = [e for e in po if not e.obsolete and e.msgid]
    translated = [e for e in active if complete(e)]
    fuzzy = [e for e in active if "fuzzy" in e.flags]
    words = sum(len(e.msgid.split()) for e in active)
    return Stats(locale, len(active), len(translated), len(fuzzy),
                 len(active) - len(translated) - len(fuzzy), len(po.obsolete_entries()),
                 words, sum(len(e.msgid.split()) for e in translated))


def po_path(locales_dir: Path, locale: str) -> Path:
    return locales_dir / locale / "LC_MESSAGES" / "messages.po"
