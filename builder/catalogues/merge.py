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

A locale has one catalogue per domain (`domains`). Text that left another
catalogue of the locale (a news item whose date moved to another year, a
paragraph moved from a topic to a news item) lends its translation here too
(`Neighbours.lenders`): the same text keeps its translation, like a move within
one file, and similar text is offered as fuzzy; rules 1 to 4 come first.

Translators' tools must see their own bytes again: an entry that is
semantically unchanged is written exactly as it was read (its wrapping, `#~|`
lines and comment layout included), and an up-to-date file comes back
byte-identical. That needs the old file's text (`old_text`); without it the
merge is the same but everything is written in polib's unwrapped layout.
"""

from __future__ import annotations

import copy
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

import polib

from builder.catalogues.counts import Stats, complete, stats, tally, total, translated_any
from builder.catalogues.lenders import Neighbours
from builder.catalogues.oldtext import Raw, entry_key
from builder.catalogues.plurals import catalogue_rule
from builder.catalogues.podata import Layout
from builder.catalogues.pofile import Catalogue, anchors_of
from builder.catalogues.poread import new_entry
from builder.catalogues.powrap import detect_width, entry_text, header_text
from builder.catalogues.settle import check_plurals, plural_examples, settled_metadata
from builder.catalogues.similarity import Side, pair_up

__all__ = ["MergeResult", "MergeParts", "Neighbours", "Stats", "complete", "stats", "total",
           "merge", "merge_parts", "merge_read", "merge_into_new", "new_catalogue"]

PO_HEADER = "Translations for {title}.\nThis file is edited by translators; `infopages update` merges new text in."
NOTE = "infopages: "            # our own `#.` notes, kept while the text is unchanged


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
    domain: str = ""
    borrowed: frozenset = frozenset()   # keys of `Neighbours.lenders` taken (not remembered)
    kept: int = 0     # of `obsolete`: `Neighbours.leftovers` kept here

    def counts(self) -> tuple:
        """What `update` remembers of a merge: the counts (not the text, and not the
        notes, which say what that run changed)."""
        return (self.exact, self.fuzzy, self.new, self.obsolete, self.carried, self.similar,
                False, self.moved, self.obsoleted, self.translated, self.fuzzy_total,
                self.untranslated, (), self.domain)


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


def merge(pot: polib.POFile, old: polib.POFile, locale: str,
          prune_obsolete: bool = False, old_text: str | None = None,
          layout: Layout = Layout(), neighbours: Neighbours = Neighbours(),
          width: int | None = None, domain: str = "") -> MergeResult:
    """`old` brought up to date with `pot`. `old_text` is the old file's text (LF
    line endings, no BOM: `podata.normalise`), `layout` how it was saved; the
    result's text is written in that layout and at the file's wrap width (`width`
    for a new file made from another one, or the whole file's for a cut one)."""
    parts = merge_parts(pot, old, locale, prune_obsolete, old_text, layout, neighbours,
                        width, domain)
    return replace(parts.result, text=layout.text(parts.text()))


@dataclass(frozen=True)
class MergeParts:
    """A merge's file in pieces (`patch` splices them into a catalogue it cut down):
    the header, one block per template entry in the template's order, then the
    obsolete entries; `whole` is the old text when it comes back unchanged."""
    result: MergeResult      # its `text` is ""
    header: str
    blocks: tuple[str, ...]
    whole: str | None = None

    def text(self) -> str:
        if self.whole is not None:
            return self.whole
        return "\n\n".join((self.header,) + self.blocks) + "\n"


def merge_parts(pot: polib.POFile, old: polib.POFile, locale: str,
                prune_obsolete: bool = False, old_text: str | None = None,
                layout: Layout = Layout(), neighbours: Neighbours = Neighbours(),
                width: int | None = None, domain: str = "") -> MergeParts:
    """`merge`, its file in pieces (LF line endings)."""
    raw = Raw.of(old, old_text)
    if width is not None:
        raw = replace(raw, fixed_width=width)
    meta = settled_metadata(old, locale)
    nplurals = catalogue_rule(meta["Plural-Forms"], locale)[0]
    note = plural_examples(locale, meta["Plural-Forms"])
    old_by_key: dict = {}
    for entry in old:   # an active entry wins over an obsolete one of the same key
        if entry_key(entry) not in old_by_key or old_by_key[entry_key(entry)].obsolete:
            old_by_key[entry_key(entry)] = entry
    wanted = {entry_key(e) for e in pot}
    foreign = neighbours.by_key(old_by_key)
    paired = _pairs(pot, old, old_by_key, wanted,
                    [e for key, e in foreign.items() if key not in wanted and translated_any(e)])
    run = _Run(raw, {id(e) for e in old})
    for index, template in enumerate(pot):
        previous = foreign.get(entry_key(template)) or old_by_key.get(entry_key(template))
        kind = "exact" if previous is not None else "new"
        if previous is None and index in paired:
            previous, kind = paired[index]
        run.add(template, previous, kind, nplurals, note)
    obsolete = [] if prune_obsolete else _obsolete(old, wanted, run.used)
    gone = [_as_obsolete(e) for e in obsolete]
    run.blocks += [_render(g, e, raw, run.reused) for g, e in zip(gone, obsolete)]
    run.counts["obsoleted"] = sum(1 for e in obsolete if not e.obsolete)
    kept = [] if prune_obsolete else _leftovers(
        neighbours.leftovers, wanted | {entry_key(e) for e in old})
    run.blocks += [entry_text(e, raw.width) for e in kept]
    notes = ("removed the byte-order mark: GNU gettext cannot read a file that has one",) \
        if layout.bom else ()
    result = replace(_result(locale, "", run.counts, len(gone) + len(kept),
                             tally(run.written + gone + kept), notes),
                     domain=domain, borrowed=frozenset(run.borrowed), kept=len(kept))
    return _parts(result, old, meta, raw, run)


@dataclass
class _Run:
    """What a merge has written so far: blocks, counts, and which old entries it used
    (this file's, by identity) or borrowed (another catalogue's, by key)."""
    raw: Raw
    own: set[int]
    counts: Counter = field(default_factory=Counter)
    blocks: list[str] = field(default_factory=list)
    reused: list[int] = field(default_factory=list)    # linenums of blocks kept as read
    used: set[int] = field(default_factory=set)
    borrowed: set = field(default_factory=set)
    written: list[polib.POEntry] = field(default_factory=list)

    def add(self, template: polib.POEntry, previous: polib.POEntry | None, kind: str,
            nplurals: int, note: str) -> None:
        mine = previous is not None and id(previous) in self.own
        entry = _fresh(template, nplurals, note)
        if previous is not None:
            if mine:
                self.used.add(id(previous))
            else:
                self.borrowed.add(entry_key(previous))
            _carry(previous, entry, kind, self.raw if mine else None)
        self.counts[kind] += 1
        self.written.append(entry)
        self.blocks.append(_render(entry, previous if mine else None, self.raw, self.reused,
                                   template.flags))


def _parts(result: MergeResult, old: polib.POFile, meta: dict[str, str], raw: Raw,
           run: _Run) -> MergeParts:
    """The file: as it was if every block is an old one, unchanged and in order."""
    if meta == old.metadata and raw.header is not None:
        whole = raw.text if run.reused == [e.linenum for e in old] and \
            len(run.reused) == len(run.blocks) else None
        return MergeParts(result, raw.header, tuple(run.blocks), whole)
    header = header_text(old.header, bool(old.metadata_is_fuzzy), meta, raw.width)
    return MergeParts(result, header, tuple(run.blocks))


def _result(locale: str, text: str, counts: Counter, obsolete: int,
            totals: tuple[int, int, int, int], notes: tuple[str, ...]) -> MergeResult:
    return MergeResult(locale, text, counts["exact"] + counts["carried"],
                       counts["anchor"] + counts["similar"] + counts["moved"], counts["new"],
                       obsolete, counts["carried"], counts["similar"], moved=counts["moved"],
                       obsoleted=counts["obsoleted"], translated=totals[0],
                       fuzzy_total=totals[1], untranslated=totals[2], notes=notes)


def _leftovers(entries: tuple[polib.POEntry, ...], taken: set) -> list[polib.POEntry]:
    """Obsolete copies of `entries`, once per key, none of a key the file has."""
    out = []
    for entry in entries:
        if entry_key(entry) not in taken:
            taken.add(entry_key(entry))
            out.append(_as_obsolete(entry))
    return out


def merge_read(pot: polib.POFile, read: Catalogue, locale: str, prune: bool, path: Path,
               root: Path, neighbours: Neighbours = Neighbours(),
               domain: str = "") -> MergeResult:
    """`merge` of a catalogue `read_catalogue` read; a Plural-Forms that cannot be
    replaced without changing translations is an error at its line."""
    check_plurals(read, locale, path, root)
    return merge(pot, read.po, locale, prune, old_text=read.text, layout=read.layout,
                 neighbours=neighbours, domain=domain)


def merge_into_new(pot: polib.POFile, origin: Catalogue, locale: str, prune: bool,
                   neighbours: Neighbours, domain: str) -> MergeResult:
    """A new catalogue made from `origin` (a file being split or joined): its header,
    its layout and its wrap width, with the translations the `neighbours` lend."""
    old = polib.POFile(wrapwidth=0)
    old.header = origin.po.header
    old.metadata = dict(origin.po.metadata)
    old.metadata_is_fuzzy = origin.po.metadata_is_fuzzy
    return merge(pot, old, locale, prune, layout=Layout(crlf=origin.layout.crlf),
                 neighbours=neighbours,
                 width=detect_width(origin.text), domain=domain)


def _pairs(pot: polib.POFile, old: polib.POFile, old_by_key: dict, wanted: set,
           lenders: list[polib.POEntry]) -> dict[int, tuple[polib.POEntry, str]]:
    """Template index → (old entry, kind) for templates without an exact match, here
    or among the `lenders` of the locale's other catalogues.

    Only translated text that left the sources lends: an inserted block must
    not borrow the translation of a neighbour that is still there."""
    lent = {entry_key(e) for e in lenders}
    news = [(i, t) for i, t in enumerate(pot) if entry_key(t) not in old_by_key and
            entry_key(t) not in lent]
    olds = [e for e in old if entry_key(e) not in wanted and translated_any(e)
            and old_by_key.get(entry_key(e)) is e] + lenders
    matches = pair_up(
        [Side(t.msgid, frozenset(anchors_of(t)), bool(t.msgid_plural)) for _, t in news],
        [Side(e.msgid, frozenset(anchors_of(e)), bool(e.msgid_plural), not e.obsolete)
         for e in olds])
    return {news[m.new][0]: (olds[m.old], m.kind) for m in matches}


def _fresh(template: polib.POEntry, nplurals: int, note: str) -> polib.POEntry:
    entry = new_entry(None)
    entry.msgid, entry.msgctxt, entry.comment = template.msgid, template.msgctxt, template.comment
    entry.occurrences = list(template.occurrences)
    entry.flags = [f for f in template.flags if f != "fuzzy"]
    if template.msgid_plural:
        entry.msgid_plural = template.msgid_plural
        entry.msgstr_plural = {i: "" for i in range(nplurals)}
        entry.comment = "\n".join(filter(None, [entry.comment, note]))
    return entry


def _carry(previous: polib.POEntry, entry: polib.POEntry, kind: str, raw: Raw | None) -> None:
    """Give `entry` the old entry's translation, translator comment and own flags
    (`raw`: the old file's, None for a lender from another file, see `lenders_of`)."""
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
    prior = raw.previous(previous) if previous.obsolete and raw is not None else {
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
        key = entry_key(entry)
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
