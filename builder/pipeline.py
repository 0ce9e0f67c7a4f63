"""One short function per command, reading top-down like the pipeline itself.

source → segments → catalogues → lint → render → output → a11y, with the
engine (build record, workers, journals) around them. Nothing here prints or
exits: results go back to `cli`, errors are raised as `InputError` with every
diagnostic of the run. Commands that write into the project hold its lock.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator

from builder.catalogues.domains import catalogue_files, is_current, order, pot_files
from builder.errors import Diagnostic, InputError
from builder.output.lock import project_lock
from builder.source.config import load_config
from builder.source.inputs import Inputs, checked_scan

# Each command imports its stages when run: the catalogue commands do not load the
# renderer (Babel's locale data, Jinja, Markdown), `build` not the catalogue merge.
if TYPE_CHECKING:
    from builder.catalogues import merge
    from builder.engine import catalogues as work
    from builder.engine.build import BuildOptions
    from builder.engine.filememo import Codec
    from builder.engine.full import BuildResult
    from builder.engine.localemerge import Retired
    from builder.lint.checks import Finding
    from builder.render.gates import Publication

Report = Callable[[int, int, str], None]   # (done, total, what): progress for the CLI


@dataclass(frozen=True)
class ExtractResult:
    """What `infopages extract` did to the templates (POT files), for the CLI to report."""
    pots: tuple[tuple[Path, int, bool], ...]   # (POT path, messages, written) per domain
    removed: tuple[Path, ...] = ()             # templates of domains without messages
    warnings: tuple[Diagnostic, ...] = ()

    @property
    def messages(self) -> int:
        return sum(count for _, count, _ in self.pots)


def _extract_result(plan: work.ExtractPlan, written: tuple[work.Written, ...]) -> ExtractResult:
    return ExtractResult(tuple((pot.path, pot.messages, w.written)
                               for pot, w in zip(plan.pots, written)),
                         plan.stale, plan.warnings)


def extract(root: Path) -> ExtractResult:
    """`infopages extract`: every translatable segment into its domain's POT
    (locales/DOMAIN.pot)."""
    from builder.engine import catalogues as work

    with project_lock(root):
        plan = work.plan_extract(root, checked_scan(root))
        pots, _ = work.apply_update(root, work.UpdatePlan(plan, ()))
        return _extract_result(plan, pots)


@dataclass(frozen=True)
class UpdateResult:
    """What `infopages update` did: its extract, each catalogue merged, any retired."""
    extract: ExtractResult
    merged: tuple[tuple[Path, merge.MergeResult, bool], ...]
    retired: tuple[Retired, ...] = ()   # catalogues of another layout, moved and removed


def update(root: Path, prune_obsolete: bool = False,
           progress: Report | None = None) -> UpdateResult:
    """`infopages update`: extract, then merge into every locale's catalogues (one step)."""
    from builder.engine import catalogues as work

    with project_lock(root):
        work.remove_leftovers(root / "locales")
        plan = work.plan_update(root, checked_scan(root), prune_obsolete, progress)
        pots, written = work.apply_update(root, plan)
    return UpdateResult(_extract_result(plan.extract, pots),
                        tuple((m.path, m.result, w.written)
                              for m, w in zip(plan.merged, written)),
                        plan.retired)


def stale_catalogues(root: Path, prune_obsolete: bool = False) -> tuple[list[Path], tuple]:
    """`infopages update --check`: the files `update` would change (nothing is written)."""
    from builder.engine import catalogues as work

    plan = work.plan_update(root, checked_scan(root), prune_obsolete)
    return plan.stale(), plan.extract.warnings


def stats(root: Path, remembered: bool = True) -> list[merge.Stats]:
    """`infopages stats`: per locale and domain, entries and words translated, fuzzy,
    left; each locale's total (domain "") follows its domains. `remembered`: the
    counts of catalogues unchanged since the last run are taken from its memo."""
    from builder.catalogues import merge
    from builder.engine.filememo import Codec

    config = load_config(root)
    checked_scan(root, config)
    templates = pot_files(config.locales_dir)
    files = []   # (locale, domain, its catalogue or else its template)
    for locale in config.target_locales:
        found = catalogue_files(config, locale)
        files += [(locale, domain, found.get(domain, templates.get(domain)))
                  for domain in sorted(found.keys() | templates.keys(), key=order)
                  if domain in found or is_current(config.catalogues, domain)]
    counted = _per_file(root, "stats", _file_stats, [(locale, path, domain)
                                                    for locale, domain, path in files],
                        Codec(asdict, lambda plain: merge.Stats(**plain)), remembered)
    out = []
    for locale in config.target_locales:
        rows = [row for row in counted if row.locale == locale]
        out += rows + [merge.total(rows, locale)]
    return out


def _file_stats(root: Path, locale: str, path: Path, domain: str) -> merge.Stats:
    from builder.catalogues import merge
    from builder.catalogues.pofile import read_po

    return replace(merge.stats(read_po(path, root), locale), domain=domain)


# Catalogue bytes from which `lint` and `stats` use every core: a pool costs some 50
# ms to start; a megabyte of catalogue takes about 0.2 s to lint, 0.02 s to count.
PARALLEL_BYTES = 1 << 20


def _per_file(root: Path, kind: str, fn: Callable, calls: list[tuple], codec: Codec,
              remembered: bool) -> list:
    """fn(root, locale, path, *rest) for each call (locale, path, *rest), in order: work
    done on each file by itself, remembered under the file's bytes (`engine.filememo`;
    unless `remembered` is False, the memo is only written), the rest on every core
    when there is enough of it."""
    from builder.engine.filememo import per_file

    def run(todo: list[tuple]) -> list:
        with _file_map([call[1] for call in todo]) as map_:
            return list(map_(fn, [root] * len(todo), *zip(*todo))) if todo else []

    return per_file(root, kind, fn, calls, run, codec, look=remembered)


@contextmanager
def _file_map(paths: list[Path]) -> Iterator[Callable]:
    """`map`, or past PARALLEL_BYTES of `paths` a process pool's: for work done on
    each file by itself, its results in the files' order."""
    from builder.engine.pool import fork_pool

    workers = min(os.cpu_count() or 1, len(paths))
    if workers < 2 or sum(path.stat().st_size for path in paths) < PARALLEL_BYTES:
        yield map
        return
    with fork_pool(workers) as pool:
        yield pool.map


def lint(root: Path, locales: tuple[str, ...], domains: tuple[str, ...] = (),
         remembered: bool = True) -> list[Finding]:
    """`infopages lint`: the findings of the catalogues of `locales` (and `domains`),
    by locale, domain, then line; the files on every core when there is enough to do.
    `remembered`: the findings of catalogues unchanged since the last run are taken
    from its memo."""
    from builder.engine.filememo import Codec
    from builder.lint.checks import Finding, lint_plan, lint_planned
    from builder.lint.glossary import load_glossary

    config = load_config(root)
    glossary = load_glossary(root, config.target_locales)
    plan = lint_plan(config, locales, domains)
    codec = Codec(lambda found: [asdict(f) for f in found],
                  lambda plain: [Finding(**f) for f in plain])
    return lint_planned(root, plan, glossary, lambda fn, roots, *columns: _per_file(
        root, "lint", fn, list(zip(*columns)), codec, remembered))


def page_statuses(root: Path) -> Publication:
    """`infopages stats --pages`: every page's translation status and publish gate."""
    from builder.engine.build import publication

    return publication(root)


def build(root: Path, options: BuildOptions, progress: Report | None = None,
          scanned: Inputs | None = None) -> BuildResult:
    """`infopages build`: render every locale to static HTML, incrementally when it can
    (`scanned`: the project's inputs, if the up-to-date check just scanned them)."""
    from builder.engine.build import build as build_site

    with project_lock(root):
        return build_site(root, options, progress, scanned)


def merge_shards(root: Path, parts: tuple[Path, ...], target: Path) -> int:
    """`infopages build --merge`: the shards' folders joined into one site."""
    from builder.output.shards import merge_sites

    with project_lock(root):
        return merge_sites(root, parts, target)


def status(root: Path, out: Path, locale: str = "en", results: Path | None = None
           ) -> list[Path]:
    """`infopages status`: the translation and accessibility status pages, into `out`."""
    from builder.source.localecodes import parse_locale
    from builder.tools.status import STATUS_DIR, write_status

    code = parse_locale(locale)
    if code is None:
        raise InputError([Diagnostic("--locale", None, f"unknown locale code `{locale}`",
                                     "use a BCP 47 tag such as en, ar or pt-BR")])
    with project_lock(root):
        write_status(root, out, code, results)
    return [out / STATUS_DIR / "translation.html", out / STATUS_DIR / "accessibility.html"]


def new(target: Path, site) -> list[Path]:
    """`infopages new DIR`: a project of its own, with catalogues, ready to build."""
    from builder.tools.scaffold import create

    return create(target, site, lambda root: update(root))
