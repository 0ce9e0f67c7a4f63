"""`extract` and `update` as the pipeline runs them: remembered work, every core,
and all files written in one journalled step.

The catalogue work itself is pure and lives in `catalogues` (segments →
entries → POT text; POT + PO → merged PO text). Here: the page analyses are
taken from the record where a page has not changed (`memo`), large catalogues
are merged in parallel, and `apply_update` writes the POT and every PO file as
one transaction — all or none, even if the command is killed.
"""

from __future__ import annotations

import multiprocessing
import os
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import polib

from builder.catalogues import merge
from builder.catalogues.extract import extract as extract_entries
from builder.catalogues.extract import pot_text
from builder.catalogues.pofile import read_catalogue
from builder.catalogues.poread import parse_po
from builder.engine import memo
from builder.errors import Collector, Diagnostic, InputError
from builder.output import journal
from builder.render.theme import theme_templates
from builder.segments.references import Refs, check_body_references
from builder.source.config import SiteConfig, load_config
from builder.source.content import load_content, media_names
from builder.source.inputs import Inputs
from builder.source.localecodes import catalogue_folder_errors

Report = Callable[[int, int, str], None]
# Below this many messages, starting processes costs more than merging in one.
PARALLEL_MESSAGES = 5000
Merged = tuple[Path, merge.MergeResult, bytes | None]   # (PO path, result, bytes it had)


def pot_path(config: SiteConfig) -> Path:
    return config.locales_dir / "messages.pot"


@dataclass(frozen=True)
class ExtractPlan:
    path: Path
    text: str
    messages: int
    warnings: tuple[Diagnostic, ...]


def plan_extract(root: Path, inputs: Inputs) -> ExtractPlan:
    """The POT's text, computed in memory; nothing is written."""
    config = load_config(root)
    diags = Collector(root)
    diags.extend(catalogue_folder_errors(config.locales, inputs.files))
    content = load_content(config, inputs, diags)
    diags.raise_if_errors()
    analysed = memo.analyse_pages(root, content.pages)
    refs = {key: Refs.of(a) for key, a in analysed.items()}
    check_body_references(config, content, refs, media_names(inputs), diags)
    diags.raise_if_errors()
    segments = {key: list(a.segments) for key, a in analysed.items()}
    templates = {f.path: inputs.absolute(f.path) for f in inputs.of_kind("template")}
    templates |= theme_templates()
    entries = extract_entries(config, content, segments, templates)
    path = pot_path(config)
    previous = path.read_text("utf-8") if path.is_file() else None
    text = pot_text(config, entries, previous)
    return ExtractPlan(path, text, len(entries), content.warnings)


@dataclass(frozen=True)
class UpdatePlan:
    """POT and merged catalogues in memory, with each PO file's bytes when read."""
    extract: ExtractPlan
    merged: tuple[Merged, ...]
    prune_obsolete: bool = False

    def stale(self) -> list[Path]:
        """Files `update` would change: what `update --check` reports."""
        out = [] if _same(self.extract.path, self.extract.text) else [self.extract.path]
        return out + [path for path, result, _ in self.merged
                      if not result.remembered and not _same(path, result.text)]


def _same(path: Path, text: str) -> bool:
    return path.is_file() and path.read_bytes() == text.encode("utf-8")


def plan_update(root: Path, inputs: Inputs, prune_obsolete: bool = False,
                progress: Report | None = None) -> UpdatePlan:
    extracted = plan_extract(root, inputs)
    config = load_config(root)
    known = memo.remembered(root, extracted.text, config.target_locales, prune_obsolete)
    todo = tuple(code for code in config.target_locales if code not in known)
    merged = {result[1].locale: result for result in merge_catalogues(
        root, extracted.text, todo, config.title, prune_obsolete, progress)}
    results = tuple((known | merged)[code] for code in config.target_locales)
    return UpdatePlan(extracted, results, prune_obsolete)


MergeJob = tuple[Path, str, str, str, bool]


def merge_catalogues(root: Path, pot_text: str, locales: tuple[str, ...], title: str,
                     prune_obsolete: bool, progress: Report | None = None) -> list[Merged]:
    """Merge the POT into every locale's PO, in parallel for large catalogues."""
    jobs = [(root, pot_text, locale, title, prune_obsolete) for locale in locales]
    cores = os.cpu_count() or 1
    results = []
    if len(jobs) > 1 and cores > 1 and pot_text.count("\nmsgid ") > PARALLEL_MESSAGES:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(min(cores, len(jobs)), mp_context=context) as pool:
            for result in pool.map(_merge_job, jobs):
                results.append(result)
                if progress:
                    progress(len(results), len(jobs), result[1].locale)
        return results
    pot = parse_po(pot_text)
    for root, _, locale, title, prune in jobs:
        results.append(_merge_locale(root, pot, locale, title, prune))
        if progress:
            progress(len(results), len(jobs), locale)
    return results


def _merge_job(job: MergeJob) -> Merged:
    root, pot_text, locale, title, prune = job
    return _merge_locale(root, parse_po(pot_text), locale, title, prune)


def _merge_locale(root: Path, pot: polib.POFile, locale: str, title: str,
                  prune: bool) -> Merged:
    path = merge.po_path(root / "locales", locale)
    before = path.read_bytes() if path.is_file() else None
    read = read_catalogue(path, root, repairable=True) if before is not None else None
    if read is None or read.empty:   # no file, or an empty one: a fresh catalogue
        return path, merge.merge(pot, merge.new_catalogue(locale, title), locale, prune), before
    return path, merge.merge_read(pot, read, locale, prune, path, root), before


@dataclass(frozen=True)
class Written:
    path: Path
    written: bool


def apply_update(root: Path, plan: UpdatePlan) -> tuple[Written, tuple[Written, ...]]:
    """Write the POT and every merged catalogue that changed, all in one journalled step,
    unless a translator saved one meanwhile (then nothing is written)."""
    diags = Collector(root)
    for path, result, before in plan.merged:
        if result.remembered:
            continue     # not written: nothing a translator saved meanwhile can be lost
        if (path.read_bytes() if path.is_file() else None) != before:
            diags.error(path, None, "changed on disk while `update` was merging it",
                        "save your work in the editor, then run `infopages update` again")
    diags.raise_if_errors()
    ex = plan.extract
    texts = [(ex.path, ex.text)] + [(path, result.text) for path, result, _ in plan.merged
                                    if not result.remembered]
    changed = {path for path, text in texts if not _same(path, text)}
    write_all(root, [(path, text.encode("utf-8")) for path, text in texts if path in changed])
    memo.remember(root, ex.text, list(plan.merged), plan.prune_obsolete)
    return Written(ex.path, ex.path in changed), tuple(
        Written(path, path in changed) for path, _, _ in plan.merged)


def write_all(root: Path, files: list[tuple[Path, bytes]]) -> None:
    """Write every file or none: each to a temporary sibling, then all renamed together
    under a journal. A file's permissions are kept; a new one gets 0644."""
    readonly = [path for path, _ in files if path.exists() and not _writable(path)]
    if readonly:
        raise InputError([Diagnostic(str(path), None, "is read-only",
                                     "make it writable, then run the command again: nothing "
                                     "was changed") for path in readonly])
    temporary: list[tuple[str, str]] = []
    current = root
    try:
        for current, data in files:
            current.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{current.name}.infopages-", suffix=".tmp",
                                       dir=current.parent)
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
    journal.run(root, journal.Journal(tuple(temporary)))


def _writable(path: Path) -> bool:
    """Whether the user meant the file to be changed: a file without write permission
    (even for root, who could) or one the system refuses to open for writing is not."""
    if path.stat().st_mode & 0o222 == 0:
        return False
    try:
        with open(path, "ab"):
            return True
    except OSError:
        return False


def remove_leftovers(folder: Path) -> None:
    """Temporary files of a `write_all` that was killed before its commit point."""
    for path in folder.rglob(".*.infopages-*.tmp") if folder.is_dir() else ():
        path.unlink(missing_ok=True)
