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
import gettext
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import polib

from builder.catalogues.plurals import plural_header, plural_problem
from builder.catalogues.pofile import anchors_of
from builder.catalogues.similarity import Side, pair_up

PO_HEADER = "Translations for {title}.\nThis file is edited by translators; `infopages update` merges new text in."
NOTE = "infopages: "            # our own `#.` notes, kept while the text is unchanged
PLURAL_NOTE = "plural forms: "
PREVIOUS_RE = re.compile(r'^#~\|\s*(?:(msgctxt|msgid_plural|msgid)\s+)?"(.*)"\s*$')


@dataclass(frozen=True)
class MergeResult:
    locale: str
    text: str
    exact: int        # kept: exact matches, moves, revivals and carried-over edits
    fuzzy: int
    new: int
    obsolete: int
    carried: int = 0  # of `exact`: punctuation/whitespace-only edits carried over
    similar: int = 0  # of `fuzzy`: found by similarity on the page, not by anchor
    remembered: bool = False   # not merged: the file is what the last update wrote (text "")


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
          prune_obsolete: bool = False, old_text: str | None = None) -> MergeResult:
    raw = Raw.of(old, old_text)
    nplurals, _ = plural_header(locale)
    note = plural_examples(locale)
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
        blocks.append(_render(entry, previous, raw, reused))
    obsolete = [] if prune_obsolete else _obsolete(old, wanted, used)
    blocks += [_render(_as_obsolete(e), e, raw, reused) for e in obsolete]
    header = _header(old, _metadata(old, locale))
    if header == _header(old, old.metadata) and raw.header is not None:
        # Every block is an old one, unchanged and in order: the file as it was.
        if reused == [e.linenum for e in old] and len(reused) == len(blocks):
            return _result(locale, raw.text, counts, len(obsolete))
        header = raw.header
    return _result(locale, "\n\n".join([header] + blocks) + "\n", counts, len(obsolete))


def _result(locale: str, text: str, counts: Counter, obsolete: int) -> MergeResult:
    return MergeResult(locale, text, counts["exact"] + counts["carried"],
                       counts["anchor"] + counts["similar"], counts["new"], obsolete,
                       counts["carried"], counts["similar"])


def _pairs(pot: polib.POFile, old: polib.POFile, old_by_key: dict,
           wanted: set) -> dict[int, tuple[polib.POEntry, str]]:
    """Template index → (old entry, kind) for templates without an exact match.

    Only translated text that left the sources lends: an inserted block must
    not borrow the translation of a neighbour that is still there."""
    news = [(i, t) for i, t in enumerate(pot) if _key(t) not in old_by_key]
    olds = [e for e in old if _key(e) not in wanted and _translated_any(e)
            and old_by_key.get(_key(e)) is e]
    matches = pair_up(
        [Side(t.msgid, frozenset(anchors_of(t)), bool(t.msgid_plural)) for _, t in news],
        [Side(e.msgid, frozenset(anchors_of(e)), bool(e.msgid_plural), not e.obsolete)
         for e in olds])
    return {news[m.new][0]: (olds[m.old], m.kind) for m in matches}


def plural_examples(locale: str) -> str:
    """`plural forms: [0] n=0, [1] n=1, …`: the smallest n that picks each form,
    so a translator knows which msgstr[i] is which in their language."""
    count, header = plural_header(locale)
    formula = gettext.c2py(header.split("plural=", 1)[1].rstrip(";"))
    first: dict[int, int] = {}
    # CLDR's "many" of French or Spanish starts at a million, past plural_problem's range.
    for n in [*range(1001), *(10 ** k for k in range(4, 10))]:
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


def _translated_any(entry: polib.POEntry) -> bool:
    return bool(entry.msgstr) or any(entry.msgstr_plural.values())


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
    fuzzy = (was_fuzzy or kind in ("anchor", "similar")) and _translated_any(entry)
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
        if key in wanted or id(entry) in used or key in seen or not _translated_any(entry):
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
            reused: list[int]) -> str:
    """The old bytes when nothing changed, else polib's unwrapped layout."""
    if previous is not None and previous.linenum in raw.blocks and \
            (entry is previous or _fields(entry) == _fields(previous)):
        reused.append(previous.linenum)
        return raw.blocks[previous.linenum]
    return entry.__unicode__(0).rstrip("\n")


def _metadata(old: polib.POFile, locale: str) -> dict[str, str]:
    """The old header, in its order, with Language, charset and Plural-Forms settled.

    An equivalent Plural-Forms (same form for every n = 0…1000) is kept as the
    translator's tool wrote it. A different one is never rewritten header-only:
    that would silently swap the meaning of every msgstr[i] already translated."""
    meta = dict(old.metadata)
    meta["Language"] = locale
    if "charset=utf-8" not in meta.get("Content-Type", "").lower().replace(" ", ""):
        meta["Content-Type"] = "text/plain; charset=UTF-8"
    if plural_problem(meta.get("Plural-Forms"), locale) is not None:
        if meta.get("Plural-Forms") and any(e.msgid_plural and _translated_any(e) for e in old):
            raise ValueError(f"Plural-Forms `{meta['Plural-Forms']}` is not {locale}'s; "
                             "fix the catalogue before merging")
        meta["Plural-Forms"] = plural_header(locale)[1]
    return meta


def _header(old: polib.POFile, meta: dict[str, str]) -> str:
    lines = [f"# {line}" if line else "#" for line in old.header.split("\n")] if old.header else []
    lines += ["#, fuzzy"] if old.metadata_is_fuzzy else []
    lines += ['msgid ""', 'msgstr ""']
    lines += [f'"{polib.escape(f"{name}: {value}")}\\n"' for name, value in meta.items()]
    return "\n".join(lines)


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
