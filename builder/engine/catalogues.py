"""`extract` and `update` as the pipeline runs them: remembered work, every core,
and all files written in one journalled step.

The catalogue work itself is pure and lives in `catalogues` (segments →
entries by domain → POT texts; POT + PO → merged PO text). Here: the page
analyses are taken from the record where a page has not changed (`pagememo`), only
the catalogues whose domain's POT changed (or that someone edited) are merged,
each locale's together (`localemerge`) and large ones in parallel, and
`apply_update` writes every POT and PO file and removes those that have no
place any more as one transaction — all or none, even if the command is killed.
"""

from __future__ import annotations

import os
import tempfile
from concurrent.futures import as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from builder.catalogues import patch
from builder.catalogues.domains import (
    domain_of,
    is_current,
    order,
    po_files,
    po_path,
    pot_files,
    pot_path,
    ui_domain,
)
from builder.catalogues.extract import extract as extract_entries
from builder.catalogues.extract import pot_text
from builder.engine import memo, pagememo
from builder.engine.localemerge import (
    Basis,
    LocaleJob,
    LocaleMerge,
    Merged,
    Retired,
    merge_locale,
)
from builder.engine.pool import cyclic_gc_paused, fork_pool
from builder.errors import Collector, Diagnostic, InputError
from builder.output import journal
from builder.segments.references import check_body_references
from builder.source.config import SiteConfig, load_config
from builder.source.content import Content, load_content, media_names
from builder.source.inputs import Inputs
from builder.source.localecodes import catalogue_folder_errors
from builder.source.theme import theme_templates

Report = Callable[[int, int, str], None]
# Below this many messages, starting processes costs more than merging in one.
PARALLEL_MESSAGES = 5000


@dataclass(frozen=True)
class PotPlan:
    """One domain's template (`locales/DOMAIN.pot`): computed in memory, or, when
    nothing it is made of changed since it was written (`memo.unchanged_pots`), the
    file as it is (`text` None: `read()` reads it when a merge needs it)."""
    domain: str
    path: Path
    text: str | None
    messages: int
    changed: bool          # differs from the file on disk (or there is none)
    sha: str               # `memo.text_sha` of the text
    key: str               # `memo.domain_keys`: what the text was made of

    def read(self) -> str:
        return self.path.read_text("utf-8") if self.text is None else self.text


@dataclass(frozen=True)
class ExtractPlan:
    """What `extract` would write: every domain's template, and the stale ones to remove."""
    pots: tuple[PotPlan, ...]
    stale: tuple[Path, ...]    # templates of ours whose domain has no message any more
    warnings: tuple[Diagnostic, ...]

    @property
    def messages(self) -> int:
        return sum(pot.messages for pot in self.pots)

    def shas(self) -> dict[str, str]:
        return {pot.domain: pot.sha for pot in self.pots}

    def text(self, domain: str) -> str:
        """The domain's POT text, "" for a domain without one."""
        return next((pot.read() for pot in self.pots if pot.domain == domain), "")


def plan_extract(root: Path, inputs: Inputs) -> ExtractPlan:
    """Every domain's POT text, computed in memory (nothing is written), except the
    domains whose POT file is what the same inputs gave last time: those are kept."""
    config = load_config(root)
    diags = Collector(root)
    diags.extend(catalogue_folder_errors(config.locales, inputs.files))
    content = load_content(config, inputs, diags, pagememo.loaded_pages(root, inputs))
    diags.raise_if_errors()
    templates = {f.path: inputs.absolute(f.path) for f in inputs.of_kind("template")}
    templates |= theme_templates()
    digests = pagememo.page_digests(content.pages)
    keys = memo.domain_keys(config, content, templates, digests)
    paths = {domain: pot_path(config.locales_dir, domain) for domain in keys}
    kept = memo.unchanged_pots(root, keys, paths)
    wanted = [p for p in content.pages if domain_of(config.catalogues, p) not in kept]
    refs, analysed = pagememo.analyse_pages(root, content.pages, {p.key for p in wanted}, digests)
    check_body_references(config, content, refs, media_names(inputs), diags)
    diags.raise_if_errors()
    segments = {key: list(a.segments) for key, a in analysed.items()}
    pots = [PotPlan(domain, paths[domain], None, count, False, sha, keys[domain])
            for domain, (sha, count) in kept.items()]
    # Templates only give the interface's messages: unchanged, it is kept, unparsed.
    used = {} if ui_domain(config.catalogues) in kept else templates
    made = extract_entries(config, Content(tuple(wanted)), segments, used)
    for domain, entries in made.items():
        if domain in kept:
            continue
        previous = paths[domain].read_text("utf-8") if paths[domain].is_file() else None
        text = pot_text(config, entries, previous)
        pots.append(PotPlan(domain, paths[domain], text, len(entries), text != previous,
                            memo.text_sha(text), keys[domain]))
    pots.sort(key=lambda pot: order(pot.domain))
    stale = tuple(path for domain, path in pot_files(config.locales_dir).items()
                  if domain not in keys)
    return ExtractPlan(tuple(pots), stale, content.warnings)


@dataclass(frozen=True)
class UpdatePlan:
    """POTs and merged catalogues in memory, with each PO file's bytes when read."""
    extract: ExtractPlan
    merged: tuple[Merged, ...]
    prune_obsolete: bool = False
    retired: tuple[Retired, ...] = ()

    def stale(self) -> list[Path]:
        """Files `update` would change or remove: what `update --check` reports."""
        out = [pot.path for pot in self.extract.pots if pot.changed]
        out += list(self.extract.stale)
        out += [done.path for done in self.merged if not done.result.remembered and
                not done.same]
        return out + [r.path for r in self.retired]


def plan_update(root: Path, inputs: Inputs, prune_obsolete: bool = False,
                progress: Report | None = None) -> UpdatePlan:
    """Every locale's catalogues merged with their domain's new POT, in memory. A
    catalogue that is what `update` last wrote for the same POT is not merged again."""
    extracted = plan_extract(root, inputs)
    config = load_config(root)
    jobs, known, cuts = [], {}, {}
    for locale in config.target_locales:
        job, remembered = _locale_job(config, locale, extracted, prune_obsolete, cuts)
        known[locale] = remembered
        if job.pots:
            jobs.append(job)
    merged = dict(zip((job.locale for job in jobs), merge_locales(jobs, progress)))
    results, retired = [], []
    for locale in config.target_locales:
        done = merged.get(locale)
        fresh = {m.result.domain: m for m in (done.merged if done else ())}
        both = known[locale] | fresh
        results += [both[domain] for domain in sorted(both, key=order)]
        retired += done.retired if done else ()
    return UpdatePlan(extracted, tuple(results), prune_obsolete, tuple(retired))


def _locale_job(config: SiteConfig, locale: str, extracted: ExtractPlan, prune: bool,
                cuts: dict) -> tuple[LocaleJob, dict[str, Merged]]:
    """What to merge for `locale` (every domain with a template or a catalogue), and the
    catalogues `update` need not merge again. `cuts`: templates `patch.cut` already,
    by digest, shared by the locales."""
    found = po_files(config.locales_dir, locale)
    foreign = tuple(path for name, path in found.items()
                    if not is_current(config.catalogues, name))
    shas = extracted.shas()
    domains = sorted(set(shas) | {name for name in found if is_current(config.catalogues, name)},
                     key=order)
    paths = {domain: po_path(config.locales_dir, locale, domain) for domain in domains}
    known = {} if foreign else memo.remembered(config.root, shas, locale, paths, prune)
    unmerged = tuple(paths[domain] for domain, done in known.items() if done.result.obsolete)
    merged = {domain: path for domain, path in paths.items() if domain not in known}
    texts = {domain: extracted.text(domain) for domain in merged}   # a kept POT is read
    bases = {}
    for domain, (sha, old, totals) in ({} if foreign else memo.patch_bases(
            config.root, shas, locale, merged, prune)).items():
        was = _cut(cuts, sha, old)
        now = _cut(cuts, shas.get(domain, memo.EMPTY), texts[domain])
        if was is not None and now is not None:
            bases[domain] = Basis(was, now, totals)
    return LocaleJob(config.root, locale, tuple(texts.items()), config.title, prune,
                     ui_domain(config.catalogues), unmerged, foreign,
                     tuple(bases.items())), known


def _cut(cuts: dict, sha: str, text: str) -> patch.Pieces | None:
    if sha not in cuts:
        cuts[sha] = patch.cut(text)
    return cuts[sha]


def merge_locales(jobs: list[LocaleJob], progress: Report | None = None) -> list[LocaleMerge]:
    """Each locale's catalogues merged, one locale per process for large catalogues."""
    # A catalogue cut down (`job.bases`) is a few entries to merge, whatever its size.
    cut = [{domain for domain, _ in job.bases} for job in jobs]
    sizes = [sum(text.count("\nmsgid ") for domain, text in job.pots if domain not in skip)
             for job, skip in zip(jobs, cut)]
    cores = os.cpu_count() or 1
    if len(jobs) > 1 and cores > 1 and sum(sizes) > PARALLEL_MESSAGES:
        # Largest first: the locale that merges two catalogues (a translator's edit
        # and a new template) must not start last, after the others took the cores.
        first = sorted(range(len(jobs)), key=lambda i: -sizes[i])
        pool = fork_pool(min(cores, len(jobs)))
        try:
            futures = {pool.submit(_merge_locale, jobs[i]): i for i in first}
            results: dict[int, LocaleMerge] = {}
            for future in as_completed(futures):
                results[futures[future]] = future.result()
                if progress:
                    progress(len(results), len(jobs), jobs[futures[future]].locale)
        finally:
            # Every result is in: the workers' exit need not be waited for here.
            pool.shutdown(wait=False, cancel_futures=True)
        return [results[i] for i in range(len(jobs))]
    out: list[LocaleMerge] = []
    for job in jobs:
        out.append(_merge_locale(job))
        if progress:
            progress(len(out), len(jobs), job.locale)
    return out


def _merge_locale(job: LocaleJob) -> LocaleMerge:
    """`merge_locale`, its catalogues as the files to write (`Merged.as_file`), without
    the cyclic garbage collector: a merge makes tens of thousands of entries, none in
    a cycle, and the collector's passes over them cost about a tenth of the merge
    while freeing nothing."""
    with cyclic_gc_paused():
        return merge_locale(job, lambda merged: merged.as_file(memo.bytes_sha))


@dataclass(frozen=True)
class Written:
    """A template or catalogue `apply_update` had to write, and whether it was written."""
    path: Path
    written: bool


def apply_update(root: Path, plan: UpdatePlan) -> tuple[tuple[Written, ...], tuple[Written, ...]]:
    """Write every POT and merged catalogue that changed, and remove the templates and
    catalogues that have no place any more, all in one journalled step — unless a
    translator saved one of them meanwhile (then nothing is written)."""
    diags = Collector(root)
    for path, before in [(m.path, m.read_sha) for m in plan.merged if not m.result.remembered] + \
            [(r.path, memo.bytes_sha(r.before)) for r in plan.retired]:
        if (memo.bytes_sha(path.read_bytes()) if path.is_file() else None) != before:
            diags.error(path, None, "changed on disk while `update` was merging it",
                        "save your work in the editor, then run `infopages update` again")
    diags.raise_if_errors()
    ex = plan.extract
    files = [(pot.path, pot.text.encode("utf-8")) for pot in ex.pots if pot.changed]
    # Not `same`: the file is as read (above), so its bytes differ from the new ones.
    files += [(m.path, m.data) for m in plan.merged if not m.result.remembered and not m.same]
    written = {path for path, _ in files}
    removes = list(ex.stale) + [r.path for r in plan.retired]
    write_all(root, files, removes)
    memo.remember_pots(root, [(pot.domain, pot.key, pot.sha, pot.messages, pot.path)
                              for pot in ex.pots])
    memo.remember(root, ex.shas(), list(plan.merged), plan.prune_obsolete, ex.text)
    return tuple(Written(pot.path, pot.path in written) for pot in ex.pots), tuple(
        Written(m.path, m.path in written) for m in plan.merged)


def write_all(root: Path, files: list[tuple[Path, bytes]], removes: list[Path] = ()) -> None:
    """Write every file or none, and remove `removes`: each file to a temporary sibling,
    then all renamed and removed together under a journal. A file's permissions are
    kept; a new one gets 0644."""
    readonly = [path for path, _ in files if path.exists() and not _writable(path)]
    readonly += [path for path in removes if not _writable(path.parent)]
    if readonly:
        raise InputError([Diagnostic(str(path), None, "is read-only",
                                     "make it writable, then run the command again: nothing "
                                     "was changed") for path in readonly])
    temporary: list[tuple[str, str]] = []
    current = root
    try:
        for current, data in files:
            current.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{current.name}{journal.TEMP_MARK}",
                                       suffix=".tmp", dir=current.parent)
            temporary.append((tmp, str(current)))
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, current.stat().st_mode & 0o7777 if current.exists() else 0o644)
    except OSError as exc:
        for tmp, _ in temporary:
            Path(tmp).unlink(missing_ok=True)
        raise InputError([Diagnostic(str(current), None, f"cannot write ({exc.strerror})",
                                     "free some disk space or fix the permissions, then run "
                                     "the command again: nothing was changed")]) from None
    journal.run(root, journal.Journal(tuple(temporary), tuple(str(p) for p in removes)))


def _writable(path: Path) -> bool:
    """Whether the user meant the file to be changed: a file without write permission
    (even for root, who could) or one the system refuses to open for writing is not.
    A folder (whose files are to be removed): its write permission, for root too."""
    if path.stat().st_mode & 0o222 == 0:
        return False
    if path.is_dir():
        return os.access(path, os.W_OK)
    try:
        with open(path, "ab"):
            return True
    except OSError:
        return False


remove_leftovers = journal.remove_leftovers   # a `write_all` killed before its commit point
