"""Merge the POT into each locale's PO file, and count what is left to translate.

Rules, in order (our own merge, not Babel's `Catalog.update` or msgmerge):
1. an exact (msgctxt, msgid) match keeps its translation — also when the text
   moved to another section, or comes back after being obsolete (revived);
2. a punctuation- or whitespace-only edit on the same page, with placeholders
   and markup unchanged, carries the translation over (noted in a `#.` line);
3. the same anchor with changed text, or similar text on the same page
   (`similarity.pair_up`), keeps the old translation as fuzzy, with the
   previous msgid (`#| msgid`) so translators see exactly what changed;
4. anything else starts empty.
Old entries that no longer match become obsolete (`#~`), never dropped unless
asked (`prune_obsolete`); an active and an obsolete entry never share a key.

Translators' tools must see their own bytes again: an entry that is
semantically unchanged is written exactly as it was read (its wrapping, `#~|`
lines and comment layout included), and an up-to-date file comes back
byte-identical. That needs the old file's text (`old_text`); without it the
merge is the same but everything is written in polib's unwrapped layout.
"""

from __future__ import annotations

import copy
import re
from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import polib

from builder.catalogues.counts import Stats, complete, stats, tally, translated_any
from builder.catalogues.plurals import (
    SAMPLES,
    catalogue_rule,
    plural_header,
    plural_hint,
    plural_problem,
)
from builder.catalogues.podata import Layout, header_line, language_matches
from builder.catalogues.pofile import Catalogue, anchors_of
from builder.catalogues.powrap import detect_width, entry_text, header_text
from builder.catalogues.similarity import Side, pair_up
from builder.errors import Collector, InputError
from builder.source.localecodes import catalogue_folder

__all__ = ["MergeResult", "Stats", "complete", "stats", "merge", "merge_read", "new_catalogue",
           "plural_examples", "po_path", "PluralsInUse"]

PO_HEADER = "Translations for {title}.\nThis file is edited by translators; `infopages update` merges new text in."
NOTE = "infopages: "            # our own `#.` notes, kept while the text is unchanged
PLURAL_NOTE = "plural forms: "
PREVIOUS_RE = re.compile(r'^#~\|\s*(?:(msgctxt|msgid_plural|msgid)\s+)?"(.*)"\s*$')


class PluralsInUse(ValueError):
    """The catalogue's Plural-Forms is wrong and translated plural forms depend on it."""


@dataclass(frozen=True)
class MergeResult:
    """A merged catalogue and what the merge did. `translated`, `fuzzy_total`,
    `untranslated` and `obsolete` describe the file written, exactly as `stats`
    counts it; `exact`, `fuzzy`, `new`, `carried`, `similar`, `moved` and
    `obsoleted` count what happened in this run."""
    locale: str
    text: str
    exact: int        # kept: exact matches, moves, revivals and carried-over edits
    fuzzy: int        # made fuzzy in this run (the text changed; old translation offered)
    new: int          # new messages with nothing to start from
    obsolete: int     # obsolete (#~) entries in the file written
    carried: int = 0  # of `exact`: punctuation/whitespace-only edits carried over
    similar: int = 0  # of `fuzzy`: found by similarity on the page, not by anchor
    remembered: bool = False   # not merged: the file is what the last update wrote (text "")
    moved: int = 0    # of `fuzzy`: found by similarity on another page
    obsoleted: int = 0    # of `obsolete`: made obsolete in this run
    translated: int = 0   # in the file written, as `stats` counts
    fuzzy_total: int = 0
    untranslated: int = 0
    notes: tuple[str, ...] = ()   # what update changed beyond entries (a dropped BOM…)

    def counts(self) -> tuple:
        """What `update` remembers of a merge: the counts (not the text, and not the
        notes, which say what that run changed)."""
        return (self.exact, self.fuzzy, self.new, self.obsolete, self.carried, self.similar,
                False, self.moved, self.obsoleted, self.translated, self.fuzzy_total,
                self.untranslated, ())


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


@dataclass(frozen=True)
class Raw:
    """The old file's text, cut into the blocks polib's entries were read from."""
    text: str
    header: str | None
    blocks: dict[int, str]   # entry.linenum → its lines, as written

    @cached_property
    def width(self) -> int:
        """The wrap width of the old file, for the entries written anew (0: none)."""
        return detect_width(self.text)

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


def merge(pot: polib.POFile, old: polib.POFile, locale: str,
          prune_obsolete: bool = False, old_text: str | None = None,
          layout: Layout = Layout()) -> MergeResult:
    """`old` brought up to date with `pot`. `old_text` is the old file's text (LF
    line endings, no BOM: `podata.normalise`), `layout` how it was saved; the
    result's text is written in that layout and at the file's wrap width."""
    raw = Raw.of(old, old_text)
    meta = _metadata(old, locale)
    nplurals = catalogue_rule(meta["Plural-Forms"], locale)[0]
    note = plural_examples(locale, meta["Plural-Forms"])
    old_by_key: dict = {}
    for entry in old:   # an active entry wins over an obsolete one of the same key
        if _key(entry) not in old_by_key or old_by_key[_key(entry)].obsolete:
            old_by_key[_key(entry)] = entry
    wanted = {_key(e) for e in pot}
    paired = _pairs(pot, old, old_by_key, wanted)
    counts: Counter = Counter()
    blocks: list[str] = []
    reused: list[int] = []
    used: set[int] = set()
    written: list[polib.POEntry] = []
    for index, template in enumerate(pot):
        previous = old_by_key.get(_key(template))
        kind = "exact" if previous is not None else "new"
        if previous is None and index in paired:
            previous, kind = paired[index]
        entry = _fresh(template, nplurals, note)
        if previous is not None:
            used.add(id(previous))
            _carry(previous, entry, kind, raw)
        counts[kind] += 1
        written.append(entry)
        blocks.append(_render(entry, previous, raw, reused, template.flags))
    obsolete = [] if prune_obsolete else _obsolete(old, wanted, used)
    gone = [_as_obsolete(e) for e in obsolete]
    blocks += [_render(g, e, raw, reused) for g, e in zip(gone, obsolete)]
    counts["obsoleted"] = sum(1 for e in obsolete if not e.obsolete)
    totals = tally(written + gone)
    notes = ("removed the byte-order mark: GNU gettext cannot read a file that has one",) \
        if layout.bom else ()
    if meta == old.metadata and raw.header is not None:
        # Every block is an old one, unchanged and in order: the file as it was.
        if reused == [e.linenum for e in old] and len(reused) == len(blocks):
            return _result(locale, layout.text(raw.text), counts, len(gone), totals, notes)
        header = raw.header
    else:
        header = header_text(old.header, bool(old.metadata_is_fuzzy), meta, raw.width)
    text = "\n\n".join([header] + blocks) + "\n"
    return _result(locale, layout.text(text), counts, len(gone), totals, notes)


def _result(locale: str, text: str, counts: Counter, obsolete: int,
            totals: tuple[int, int, int, int], notes: tuple[str, ...]) -> MergeResult:
    return MergeResult(locale, text, counts["exact"] + counts["carried"],
                       counts["anchor"] + counts["similar"] + counts["moved"], counts["new"],
                       obsolete, counts["carried"], counts["similar"], moved=counts["moved"],
                       obsoleted=counts["obsoleted"], translated=totals[0],
                       fuzzy_total=totals[1], untranslated=totals[2], notes=notes)


def merge_read(pot: polib.POFile, read: Catalogue, locale: str, prune: bool, path: Path,
               root: Path) -> MergeResult:
    """`merge` of a catalogue `read_catalogue` read; a Plural-Forms that cannot be
    replaced without changing translations is an error at its line."""
    try:
        return merge(pot, read.po, locale, prune, old_text=read.text, layout=read.layout)
    except PluralsInUse as exc:
        diags = Collector(root)
        diags.error(path, header_line(read.text, "Plural-Forms") if read.po.metadata else 1,
                    str(exc), plural_hint(locale))
        raise InputError(diags.items) from None


def _pairs(pot: polib.POFile, old: polib.POFile, old_by_key: dict,
           wanted: set) -> dict[int, tuple[polib.POEntry, str]]:
    """Template index → (old entry, kind) for templates without an exact match.

    Only translated text that left the sources lends: an inserted block must
    not borrow the translation of a neighbour that is still there."""
    news = [(i, t) for i, t in enumerate(pot) if _key(t) not in old_by_key]
    olds = [e for e in old if _key(e) not in wanted and translated_any(e)
            and old_by_key.get(_key(e)) is e]
    matches = pair_up(
        [Side(t.msgid, frozenset(anchors_of(t)), bool(t.msgid_plural)) for _, t in news],
        [Side(e.msgid, frozenset(anchors_of(e)), bool(e.msgid_plural), not e.obsolete)
         for e in olds])
    return {news[m.new][0]: (olds[m.old], m.kind) for m in matches}


def plural_examples(locale: str, plural_forms: str | None = None) -> str:
    """`plural forms: [0] n=0, [1] n=1, …`: the smallest n that picks each form of the
    catalogue's rule, so a translator knows which msgstr[i] is which."""
    count, formula = catalogue_rule(plural_forms, locale)
    first: dict[int, int] = {}
    for n in sorted(SAMPLES):   # CLDR's "many" of French or Spanish starts at a million
        first.setdefault(formula(n), n)
    return PLURAL_NOTE + ", ".join(f"[{i}] n={first[i]}" for i in range(count) if i in first)


def _fresh(template: polib.POEntry, nplurals: int, note: str) -> polib.POEntry:
    entry = polib.POEntry(msgid=template.msgid, msgctxt=template.msgctxt,
                          occurrences=list(template.occurrences), comment=template.comment,
                          flags=[f for f in template.flags if f != "fuzzy"])
    if template.msgid_plural:
        entry.msgid_plural = template.msgid_plural
        entry.msgstr_plural = {i: "" for i in range(nplurals)}
        entry.comment = "\n".join(filter(None, [entry.comment, note]))
    return entry


def _carry(previous: polib.POEntry, entry: polib.POEntry, kind: str, raw: Raw) -> None:
    """Give `entry` the old entry's translation, translator comment and own flags."""
    entry.tcomment = previous.tcomment
    if entry.msgid_plural:
        for index in entry.msgstr_plural:
            entry.msgstr_plural[index] = previous.msgstr_plural.get(index, "")
    else:
        entry.msgstr = previous.msgstr
    flags = entry.flags + [f for f in previous.flags if f not in entry.flags and f != "fuzzy"]
    was_fuzzy = "fuzzy" in previous.flags
    fuzzy = (was_fuzzy or kind in ("anchor", "similar", "moved")) and translated_any(entry)
    flags = (["fuzzy"] if fuzzy else []) + flags
    # Keep the translator's flag order when the set is the same: no diff noise.
    entry.flags = list(previous.flags) if set(flags) == set(previous.flags) else flags
    prior = raw.previous(previous) if previous.obsolete else {
        "previous_msgctxt": previous.previous_msgctxt,
        "previous_msgid": previous.previous_msgid,
        "previous_msgid_plural": previous.previous_msgid_plural}
    if kind in ("exact", "carried") or (was_fuzzy and prior.get("previous_msgid")):
        # The translation still answers the text it was made for: keep that text.
        for name, value in prior.items():
            setattr(entry, name, value)
    elif fuzzy:
        entry.previous_msgctxt = previous.msgctxt or None
        entry.previous_msgid = previous.msgid
        entry.previous_msgid_plural = previous.msgid_plural or None
    _notes(previous, entry, kind)


def _notes(previous: polib.POEntry, entry: polib.POEntry, kind: str) -> None:
    """Our `#.` notes: kept while the text stays the same, so a second update is a no-op."""
    lines = entry.comment.splitlines() if entry.comment else []
    if kind == "exact":
        lines += [line for line in (previous.comment or "").splitlines()
                  if line.startswith(NOTE) and line not in lines]
    elif kind == "carried":
        old = previous.msgid.replace("\\", "\\\\").replace("\n", "\\n")
        lines.append(f'{NOTE}carried over from a punctuation-only change of "{old}"')
    entry.comment = "\n".join(lines)


def _obsolete(old: polib.POFile, wanted: set, used: set[int]) -> list[polib.POEntry]:
    """Translated entries whose text left the sources, in file order, once per key."""
    out, seen = [], set()
    for entry in old:
        key = _key(entry)
        if key in wanted or id(entry) in used or key in seen or not translated_any(entry):
            continue
        seen.add(key)
        out.append(entry)
    return out


def _as_obsolete(entry: polib.POEntry) -> polib.POEntry:
    if entry.obsolete:
        return entry
    gone = copy.copy(entry)   # never change the caller's catalogue
    gone.obsolete = True
    gone.occurrences = []
    return gone


def _fields(entry: polib.POEntry) -> tuple:
    """What an entry means; obsolete entries are written without `#.` and `#:`."""
    shown = () if entry.obsolete else (entry.comment, tuple(entry.occurrences))
    return (entry.obsolete, entry.msgctxt or None, entry.msgid, entry.msgid_plural or None,
            entry.msgstr, tuple(sorted(entry.msgstr_plural.items())), tuple(entry.flags),
            entry.tcomment, entry.previous_msgctxt, entry.previous_msgid,
            entry.previous_msgid_plural) + shown


def _render(entry: polib.POEntry, previous: polib.POEntry | None, raw: Raw,
            reused: list[int], template_flags: list[str] = ()) -> str:
    """The old bytes when nothing changed, else GNU's layout at the file's wrap width.

    A flag of the template that the old entry lacks (`md-text`: GNU's msgcat and
    msgmerge drop flags they do not know) is not a change: it is added back only
    when the entry is rewritten for another reason, so no tool's save churns."""
    if previous is not None and previous.linenum in raw.blocks:
        dropped = [f for f in template_flags if f not in previous.flags and f in entry.flags]
        if dropped and entry is not previous:
            kept = copy.copy(entry)
            kept.flags = [f for f in entry.flags if f not in dropped]
            if _fields(kept) == _fields(previous):
                reused.append(previous.linenum)
                return raw.blocks[previous.linenum]
        if entry is previous or _fields(entry) == _fields(previous):
            reused.append(previous.linenum)
            return raw.blocks[previous.linenum]
    return entry_text(entry, raw.width)


def _metadata(old: polib.POFile, locale: str) -> dict[str, str]:
    """The old header, in its order, with Language, charset and Plural-Forms settled.

    An equivalent Plural-Forms (same form for every n = 0…1000) is kept as the
    translator's tool wrote it. A different one is never rewritten header-only:
    that would silently swap the meaning of every msgstr[i] already translated.
    Language stays as the translator's tool wrote it when it names the folder's
    language (`fr_FR` in `fr/`)."""
    meta = dict(old.metadata)
    if not language_matches(meta.get("Language", ""), locale):
        meta["Language"] = locale   # `fr_FR`, as a translator's tool wrote it, stays
    if "charset=utf-8" not in meta.get("Content-Type", "").lower().replace(" ", ""):
        meta["Content-Type"] = "text/plain; charset=UTF-8"
    if plural_problem(meta.get("Plural-Forms"), locale) is not None:
        if any(e.msgid_plural and translated_any(e) for e in old):
            problem = plural_problem(meta.get("Plural-Forms"), locale)
            raise PluralsInUse(f"{problem}: the translated plural forms depend on it; "
                               "fix the catalogue before merging")
        meta["Plural-Forms"] = plural_header(locale)[1]
    return meta


def po_path(locales_dir: Path, locale: str) -> Path:
    """A locale's catalogue; its folder is gettext's form of the code (`pt_BR`)."""
    return locales_dir / catalogue_folder(locale) / "LC_MESSAGES" / "messages.po"
