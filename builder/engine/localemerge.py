"""`update` for one locale: its catalogues merged, one per domain, as one piece of work.

The catalogues of a locale are merged together (in one process) because they
lend to each other: text that left one domain's sources — a news item whose
date moved to another year, a paragraph moved from a topic to a news item —
keeps its translation in the domain where it now is (`lenders.Neighbours`). The
index of lenders spans every catalogue of the locale: the entries that left
the catalogues merged now, and the obsolete entries of those `update` leaves as
they are (read without parsing the rest).

A catalogue of another layout (the single `messages.po` of a site that now
splits its catalogues, or the reverse) lends everything it holds: each
translation goes to the domain whose template has its text, what no domain
takes is kept as obsolete entries of the interface catalogue, and the file is
removed in the same journalled step that writes the new ones (`Retired`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import polib

from builder.catalogues import merge
from builder.catalogues.counts import translated_any
from builder.catalogues.domains import po_path
from builder.catalogues.lenders import Neighbours, lenders_of, obsolete_lenders
from builder.catalogues.pofile import Catalogue, read_catalogue
from builder.catalogues.poread import parse_po
from builder.errors import Collector


@dataclass(frozen=True)
class Merged:
    """One catalogue of a locale after `update`. Merged now: `result.text` is the new
    file — or, once `as_file` made it the file's bytes, `data` with its digest `sha`.
    Not merged (`result.remembered`): counts only."""
    path: Path
    result: merge.MergeResult
    before: bytes | None = None     # the file's bytes when it was read
    data: bytes = b""
    sha: str = ""

    def as_file(self, digest) -> Merged:
        """With the text as the bytes to write (`digest` of them: `memo.bytes_sha`) and
        the text dropped: 5 MB of Arabic is 11 ms to encode and hash, which the process
        that merged spends rather than the one that writes every file."""
        if self.result.remembered:
            return self
        data = self.result.text.encode("utf-8")
        return replace(self, result=replace(self.result, text=""), data=data, sha=digest(data))


@dataclass(frozen=True)
class Retired:
    """A catalogue of another layout whose translations moved into the site's."""
    path: Path
    before: bytes
    taken: int            # translations some domain took (exactly or as fuzzy)
    kept: int             # translations no domain took, kept as obsolete entries
    into: tuple[Path, ...]


@dataclass(frozen=True)
class LocaleJob:
    root: Path
    locale: str
    pots: tuple[tuple[str, str], ...]   # (domain, POT text) to merge; "" for none
    title: str
    prune: bool
    ui: str                             # where translations no domain takes are kept
    unmerged: tuple[Path, ...] = ()     # catalogues not merged now, with obsolete entries
    foreign: tuple[Path, ...] = ()      # catalogues of another layout, to retire


@dataclass(frozen=True)
class LocaleMerge:
    merged: tuple[Merged, ...]
    retired: tuple[Retired, ...] = ()


@dataclass(frozen=True)
class _Old:
    domain: str
    path: Path
    before: bytes | None
    read: Catalogue | None       # None: no file, or an empty one


def merge_locale(job: LocaleJob) -> LocaleMerge:
    """Every catalogue of `job.pots` merged for one locale; InputError on a broken file."""
    pots = {domain: parse_po(text) if text else polib.POFile() for domain, text in job.pots}
    olds = [_read(job, domain, po_path(job.root / "locales", job.locale, domain))
            for domain, _ in job.pots]
    foreign = [_read(job, path.stem, path) for path in job.foreign]
    held = _check_conflicts(job, olds, pots, foreign)
    lenders: list[polib.POEntry] = []
    for old in olds:
        if old.read is not None:
            lenders += lenders_of(old.read.po, old.read.text,
                                  {(e.msgctxt or None, e.msgid) for e in pots[old.domain]})
    for path in job.unmerged:
        lenders += obsolete_lenders(path.read_bytes())
    moving = [e for old in foreign if old.read is not None
              for e in lenders_of(old.read.po, old.read.text, None)]
    neighbours = Neighbours(tuple(lenders), tuple(moving))
    origin = next((o.read for o in foreign if o.read is not None and o.read.po.metadata), None)
    results = {old.domain: _merge(job, pots[old.domain], old, neighbours, origin)
               for old in olds}
    taken = held.union(*(r.borrowed for r in results.values()))
    left = tuple(e for e in moving if (e.msgctxt or None, e.msgid) not in taken and
                 translated_any(e))
    home = next((o for o in olds if o.domain == job.ui), olds[0] if olds else None)
    if left and home is not None:    # kept where every later merge finds them
        results[home.domain] = _merge(job, pots[home.domain], home,
                                      replace(neighbours, leftovers=left), origin)
    retired = tuple(Retired(o.path, o.before or b"", _count(o, taken), _count(o, taken, False),
                            tuple(old.path for old in olds)) for o in foreign if olds)
    return LocaleMerge(tuple(Merged(o.path, results[o.domain], o.before) for o in olds), retired)


def _check_conflicts(job: LocaleJob, olds: list[_Old], pots: dict[str, polib.POFile],
                     foreign: list[_Old]) -> frozenset:
    """Catalogues joined into one (from one per domain to `split: none`, the news years
    into one `news`, or into a catalogue that exists already) must not translate the
    same text differently: one of the translations would be lost. Returns the keys
    the site's own catalogues hold translated already (the same translation)."""
    seen: dict[tuple, tuple[Path, polib.POEntry]] = {}
    for old in olds if foreign else ():    # the site's own catalogue of that text first
        wanted = {(e.msgctxt or None, e.msgid) for e in pots[old.domain]}
        for entry in old.read.po if old.read is not None else ():
            key = (entry.msgctxt or None, entry.msgid)
            if key in wanted and not entry.obsolete and translated_any(entry):
                seen.setdefault(key, (old.path, entry))
    diags = Collector(job.root)
    for old in foreign:
        for entry in old.read.po if old.read is not None else ():
            if not entry.msgid or not translated_any(entry):
                continue
            first = seen.setdefault((entry.msgctxt or None, entry.msgid), (old.path, entry))
            if first[1] is not entry and _translation(first[1]) != _translation(entry):
                diags.error(old.path, entry.linenum,
                            f"`{entry.msgid[:50]}` is translated differently in "
                            f"{first[0].name} (line {first[1].linenum}); both become one "
                            "catalogue", "make the two translations the same, then run "
                            "`infopages update` again: nothing was changed")
    diags.raise_if_errors()
    return frozenset(key for key, (path, _) in seen.items() if path in {o.path for o in olds})


def _translation(entry: polib.POEntry) -> tuple:
    return entry.msgstr, tuple(sorted(entry.msgstr_plural.items()))


def _read(job: LocaleJob, domain: str, path: Path) -> _Old:
    before = path.read_bytes() if path.is_file() else None
    read = read_catalogue(path, job.root, repairable=True) if before is not None else None
    if read is not None and not read.empty:
        merge.check_plurals(read, job.locale, path, job.root)
        return _Old(domain, path, before, read)
    return _Old(domain, path, before, None)


def _merge(job: LocaleJob, pot: polib.POFile, old: _Old, neighbours: Neighbours,
           origin: Catalogue | None) -> merge.MergeResult:
    if old.read is not None:
        return merge.merge(pot, old.read.po, job.locale, job.prune, old_text=old.read.text,
                           layout=old.read.layout, neighbours=neighbours, domain=old.domain)
    if origin is not None:   # a domain catalogue made from the file it is split from
        return merge.merge_into_new(pot, origin, job.locale, job.prune, neighbours, old.domain)
    return merge.merge(pot, merge.new_catalogue(job.locale, job.title), job.locale, job.prune,
                       neighbours=neighbours, domain=old.domain)


def _count(old: _Old, taken: frozenset, was_taken: bool = True) -> int:
    """Translations of a retired file that a domain took (or, not `was_taken`, kept)."""
    if old.read is None:
        return 0
    keys = {(e.msgctxt or None, e.msgid) for e in old.read.po if e.msgid and translated_any(e)}
    return len(keys & taken) if was_taken else len(keys - taken)
