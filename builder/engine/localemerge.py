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

A catalogue that is what `update` last wrote, from a template that changed since
(`Basis`), is cut down to the entries that changed (`catalogues.patch`) and
merged like the others, cut; the kept blocks are put back around the result.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

import polib

from builder.catalogues import merge, patch
from builder.catalogues.counts import tally, translated_any
from builder.catalogues.domains import order, po_path
from builder.catalogues.lenders import Neighbours, lenders_of, obsolete_lenders
from builder.catalogues.oldtext import entry_key
from builder.catalogues.plurals import plural_problem
from builder.catalogues.podata import normalise
from builder.catalogues.pofile import Catalogue, read_catalogue
from builder.catalogues.poread import parse_po
from builder.catalogues.powrap import detect_width
from builder.catalogues.settle import check_plurals
from builder.errors import Collector


@dataclass(frozen=True)
class Merged:
    """One catalogue of a locale after `update`. Merged now: `result.text` is the new
    file — or, once `as_file` made it the file's bytes, `data` with its digest `sha`.
    Not merged (`result.remembered`): counts only."""
    path: Path
    result: merge.MergeResult
    before: bytes | None = None     # the file's bytes when it was read; `as_file` drops them
    data: bytes = b""               # what to write; `as_file` leaves none if `same`
    sha: str = ""
    read_sha: str | None = None     # `as_file`: the digest of `before` (None: no file)
    same: bool = False              # `as_file`: the merge gave back the file's bytes

    def as_file(self, digest) -> Merged:
        """With the text as the bytes to write (`digest` of them: `memo.bytes_sha`) and
        the text dropped: 5 MB of Arabic is 11 ms to encode and hash, which the process
        that merged spends rather than the one that writes every file. The bytes read
        are dropped too, and the new ones where they are the same: the process that
        writes holds every locale's catalogues otherwise (1.3 GB at N = 10,000)."""
        if self.result.remembered:
            return self
        data = self.result.text.encode("utf-8")
        same, sha = data == self.before, digest(data)
        read = sha if same else None if self.before is None else digest(self.before)
        return replace(self, result=replace(self.result, text=""), before=None,
                       data=b"" if same else data, sha=sha, same=same, read_sha=read)


@dataclass(frozen=True)
class Retired:
    """A catalogue of another layout whose translations moved into the site's."""
    path: Path
    before: bytes
    taken: int            # translations some domain took (exactly or as fuzzy)
    kept: int             # translations no domain took, kept as obsolete entries
    into: tuple[Path, ...]


@dataclass(frozen=True)
class Basis:
    """A catalogue that is what `update` last wrote: the template it was merged with
    then (`was`) and the new one (`now`), both `patch.cut`, and the file's
    (translated, fuzzy, untranslated) counts."""
    was: patch.Pieces
    now: patch.Pieces
    totals: tuple[int, int, int]


@dataclass(frozen=True)
class LocaleJob:
    """Everything merging one locale's catalogues needs, as one piece of work for a process."""
    root: Path
    locale: str
    pots: tuple[tuple[str, str], ...]   # (domain, POT text) to merge; "" for none
    title: str
    prune: bool
    ui: str                             # where translations no domain takes are kept
    unmerged: tuple[Path, ...] = ()     # catalogues not merged now, with obsolete entries
    foreign: tuple[Path, ...] = ()      # catalogues of another layout, to retire
    bases: tuple[tuple[str, Basis], ...] = ()   # (domain, …) of catalogues to cut


@dataclass(frozen=True)
class LocaleMerge:
    """One locale's catalogues after `update`, and those of another layout it retired."""
    merged: tuple[Merged, ...]
    retired: tuple[Retired, ...] = ()


@dataclass(frozen=True)
class _Old:
    """A domain's catalogue as it was before the merge: read whole, cut down, or none."""
    domain: str
    path: Path
    before: bytes | None
    read: Catalogue | None       # None: no file, or an empty one
    cut: patch.Patch | None = None       # `read` is the catalogue cut down to `cut.po_text`
    width: int | None = None             # the whole file's wrap width, when cut
    totals: tuple[int, int, int] = (0, 0, 0)    # the whole file's, when cut


# A catalogue cut down for its merge (`_read_cut`) that waits for the second pass is
# kept, not read and cut again (0.04 s a locale for a 5 MB catalogue), up to this many
# bytes of files a locale: each holds its file's text two or three times over.
KEPT_CUT_BYTES = 32 * 1024 * 1024


def merge_locale(job: LocaleJob, finish: Callable[[Merged], Merged] = lambda m: m,
                 defer: bool = False) -> LocaleMerge:
    """Every catalogue of `job.pots` merged for one locale; InputError on a broken file.
    `finish` is applied to each catalogue as soon as it is merged (`Merged.as_file`)."""
    if job.foreign:
        return _merge_retiring(job, finish)
    return _merge_own(job, finish, defer)


def _merge_own(job: LocaleJob, finish: Callable[[Merged], Merged],
               defer: bool) -> LocaleMerge:
    """The locale's own catalogues, each parsed when its turn comes, not all at once
    (a locale's 28 catalogues held 823 MiB at N = 10,000). The first pass gathers every
    catalogue's lenders, and merges at once each catalogue that has every entry of its
    template: no lender can change its merge (`Neighbours.by_key` lends only keys a
    file lacks). The others are read again and merged once every lender is known —
    all of them with `defer`, the plain order the first must equal (tests)."""
    lent: dict[str, list[polib.POEntry]] = {}     # domain → lenders
    done: dict[str, Merged] = {}
    kept: dict[str, tuple[_Old, polib.POFile]] = {}   # cut ones, for the second pass
    budget = KEPT_CUT_BYTES
    for domain, text in job.pots:
        old, pot = _old_and_pot(job, domain, text)
        lent[domain] = _lenders(old, pot)
        if not defer and _complete(pot, old):
            done[domain] = finish(Merged(old.path, _merge(job, pot, old, Neighbours(), None),
                                         old.before))
        elif old.cut is not None and len(old.before) <= budget:   # a cut one has bytes
            kept[domain] = old, pot       # nothing above changed either
            budget -= len(old.before)
    lent |= _unmerged_lenders(job)
    neighbours = Neighbours(_in_domain_order(lent))
    for domain, text in job.pots:
        if domain not in done:
            old, pot = kept.pop(domain, None) or _old_and_pot(job, domain, text)
            done[domain] = finish(Merged(old.path, _merge(
                job, pot, old, _for_cut(old, neighbours, lent), None), old.before))
    return LocaleMerge(tuple(done[domain] for domain, _ in job.pots))


def _old_and_pot(job: LocaleJob, domain: str, text: str) -> tuple[_Old, polib.POFile]:
    """A domain's catalogue (cut down, if it has a `Basis` and can be) and its template."""
    bases = dict(job.bases)
    old = (_read_cut(job, domain, bases[domain]) if domain in bases else None) or \
        _read(job, domain, po_path(job.root / "locales", job.locale, domain))
    pot = parse_po(old.cut.pot_text if old.cut else text) if text else polib.POFile()
    return old, pot


def _lenders(old: _Old, pot: polib.POFile) -> list[polib.POEntry]:
    """What a catalogue lends the locale's others: its translated text that left `pot`."""
    if old.read is None:
        return []
    return lenders_of(old.read.po, old.read.text, {entry_key(e) for e in pot})


def _unmerged_lenders(job: LocaleJob) -> dict[str, list[polib.POEntry]]:
    """What the catalogues `update` does not merge now lend, by domain: their obsolete
    entries."""
    return {path.stem: obsolete_lenders(path.read_bytes()) for path in job.unmerged}


def _in_domain_order(lent: dict[str, list[polib.POEntry]]) -> tuple[polib.POEntry, ...]:
    """Every catalogue's lenders in the order of their domains, merged now or not: two
    catalogues may lend one text (obsolete in one, left in another), `Neighbours.by_key`
    takes the first, and which one must not depend on what the memo spared."""
    return tuple(e for domain in sorted(lent, key=order) for e in lent[domain])


def _complete(pot: polib.POFile, old: _Old) -> bool:
    """Whether the catalogue has an entry (active or obsolete) of every template entry."""
    own = {entry_key(e) for e in old.read.po} if old.read is not None else set()
    return all(entry_key(e) in own for e in pot)


def _merge_retiring(job: LocaleJob, finish: Callable[[Merged], Merged]) -> LocaleMerge:
    """The locale's catalogues and those of another layout it retires, all read first:
    each retired translation goes where some domain takes it, and two translations
    of one text must agree (`_check_conflicts`)."""
    loaded = [_old_and_pot(job, domain, text) for domain, text in job.pots]
    olds = [old for old, _ in loaded]
    pots = {old.domain: pot for old, pot in loaded}
    foreign = [_read(job, path.stem, path) for path in job.foreign]
    held = _check_conflicts(job, olds, pots, foreign)
    lent = {old.domain: _lenders(old, pots[old.domain]) for old in olds}
    lent |= _unmerged_lenders(job)
    moving = [e for old in foreign if old.read is not None
              for e in lenders_of(old.read.po, old.read.text, None)]
    neighbours = Neighbours(_in_domain_order(lent), tuple(moving))
    origin = next((o.read for o in foreign if o.read is not None and o.read.po.metadata), None)
    results = {old.domain: _merge(job, pots[old.domain], old,
                                  _for_cut(old, neighbours, lent), origin) for old in olds}
    taken = held.union(*(r.borrowed for r in results.values()))
    left = tuple(e for e in moving if (e.msgctxt or None, e.msgid) not in taken and
                 translated_any(e))
    home = next((o for o in olds if o.domain == job.ui), olds[0] if olds else None)
    if left and home is not None:    # kept where every later merge finds them
        results[home.domain] = _merge(job, pots[home.domain], home,
                                      replace(neighbours, leftovers=left), origin)
    retired = tuple(Retired(o.path, o.before or b"", _count(o, taken), _count(o, taken, False),
                            tuple(old.path for old in olds)) for o in foreign if olds)
    return LocaleMerge(tuple(finish(Merged(o.path, results[o.domain], o.before))
                             for o in olds), retired)


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
        check_plurals(read, job.locale, path, job.root)
        return _Old(domain, path, before, read)
    return _Old(domain, path, before, None)


def _read_cut(job: LocaleJob, domain: str, basis: Basis) -> _Old | None:
    """The catalogue cut down to what merging the new template must look at
    (`patch.plan`), or None: merged whole. (A job with catalogues of another layout to
    retire has no bases.)"""
    path = po_path(job.root / "locales", job.locale, domain)
    before = path.read_bytes()
    data, layout = normalise(before)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    cut = None if layout.bom else patch.plan(basis.was, basis.now, text)
    if cut is None:
        return None
    po = parse_po(cut.po_text)
    if plural_problem(po.metadata.get("Plural-Forms"), job.locale) is not None:
        return None     # settling it looks at every plural entry: merged whole
    return _Old(domain, path, before, Catalogue(po, cut.po_text, layout), cut,
                detect_width(text), basis.totals)


def _for_cut(old: _Old, neighbours: Neighbours,
             lent: dict[str, list[polib.POEntry]]) -> Neighbours:
    """The lenders a cut catalogue's merge sees: none of a key among its kept entries,
    which the whole merge would not borrow since the file has it (`Neighbours.by_key`)."""
    others = [e for domain, entries in lent.items() if domain != old.domain for e in entries]
    if old.cut is None or not others:
        return neighbours
    kept = {entry_key(e) for e in parse_po("\n\n".join(old.cut.kept_pot) + "\n")}
    return replace(neighbours, lenders=tuple(e for e in neighbours.lenders
                                             if entry_key(e) not in kept))


def _merge(job: LocaleJob, pot: polib.POFile, old: _Old, neighbours: Neighbours,
           origin: Catalogue | None) -> merge.MergeResult:
    if old.cut is not None:
        return _merge_cut(job, pot, old, neighbours)
    if old.read is not None:
        return merge.merge(pot, old.read.po, job.locale, job.prune, old_text=old.read.text,
                           layout=old.read.layout, neighbours=neighbours, domain=old.domain)
    if origin is not None:   # a domain catalogue made from the file it is split from
        return merge.merge_into_new(pot, origin, job.locale, job.prune, neighbours, old.domain)
    return merge.merge(pot, merge.new_catalogue(job.locale, job.title), job.locale, job.prune,
                       neighbours=neighbours, domain=old.domain)


def _merge_cut(job: LocaleJob, pot: polib.POFile, old: _Old,
               neighbours: Neighbours) -> merge.MergeResult:
    """`merge` of the cut catalogue, spliced back: the kept entries count as exact
    matches, and the file's totals change by what the cut entries became."""
    parts = merge.merge_parts(pot, old.read.po, job.locale, job.prune, old.read.text,
                              old.read.layout, neighbours, old.width, old.domain)
    done = parts.result
    before = tally(e for e in old.read.po if not e.obsolete)
    totals = [whole - cut + now for whole, cut, now in
              zip(old.totals, before, (done.translated, done.fuzzy_total, done.untranslated))]
    text = patch.splice(old.cut, parts.header, parts.blocks, parts.whole)
    return replace(done, text=old.read.layout.text(text), exact=done.exact + old.cut.unchanged,
                   translated=totals[0], fuzzy_total=totals[1], untranslated=totals[2])


def _count(old: _Old, taken: frozenset, was_taken: bool = True) -> int:
    """Translations of a retired file that a domain took (or, not `was_taken`, kept)."""
    if old.read is None:
        return 0
    keys = {(e.msgctxt or None, e.msgid) for e in old.read.po if e.msgid and translated_any(e)}
    return len(keys & taken) if was_taken else len(keys - taken)
