"""One short function per command, reading top-down like the pipeline itself.

(`check` lives in `a11y.run`: it needs a browser, the rest of the pipeline does not.)

config → content → segments → catalogues → render → output → a11y → reports.
Nothing here prints or exits: results go back to `cli`, errors are raised as
`InputError` with every diagnostic of the run.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping

import polib

from builder.catalogues import memo as updatememo
from builder.catalogues import merge
from builder.catalogues.extract import extract as extract_entries
from builder.catalogues.extract import pot_text, site_segments
from builder.catalogues.pofile import read_catalogue, read_po
from builder.catalogues.poread import parse_po
from builder.engine import incremental
from builder.engine.cache import BuildCache
from builder.engine.catstream import store_catalogues
from builder.engine.full import BuildResult, cores, full_build, load_all_messages
from builder.engine.parallel import LazyParsed
from builder.errors import Collector, Diagnostic, InputError
from builder.output.write import atomic_write
from builder.render.feeds import atom_feed, language_chooser
from builder.render.gates import Publication, marked_required, page_status
from builder.render.locale import LocaleRenderer, make_translator
from builder.render.pages import render_locale
from builder.render.routes import locale_info
from builder.render.site import SiteModel
from builder.render.translations import Messages, Translator, load_messages
from builder.segments.analysis import analyse_pages
from builder.segments.blocks import make_markdown, page_segments, parse_body
from builder.source.config import SiteConfig, load_config
from builder.source.content import Content, load_content

Report = Callable[[int, int, str], None]   # (done, total, what): progress for the CLI


def load_site(root: Path, parse: bool = True) -> SiteModel:
    """Config and content, validated. With `parse=False` the Markdown bodies are
    parsed on first use (by the render workers, who report their references)."""
    config = load_config(root)
    diags = Collector(config.root)
    content = load_content(config, diags=diags)
    md = make_markdown()
    parsed: Mapping = {}
    if parse:
        parsed = {page.key: parse_body(page, md) for page in content.pages}
        check_body_references(config, content, parsed, diags)
    diags.raise_if_errors()
    if not parse:
        parsed = LazyParsed(content.by_key(), md)
    return SiteModel(config, content, parsed, tuple(locale_info(c) for c in config.locales))


def check_body_references(config: SiteConfig, content: Content, parsed: Mapping,
                          diags: Collector) -> None:
    """Every `page:` link and image of every page body (`parsed`: key → its references)."""
    # A page that failed to load was reported already: links to it are not.
    known = set(content.by_key()) | {"home", "news"} | content.unloaded
    for page in content.pages:
        path = config.root / page.source
        if page.key not in parsed:
            continue
        for target, line in parsed[page.key].page_links:
            if target.split("#", 1)[0] not in known:
                diags.error(path, line, f"link to unknown page `{target}`",
                            "link with page:FOLDER/NAME, e.g. page:topics/crimes-against-children")
        for src, alt, line in parsed[page.key].images:
            if ":" in src or src.startswith("/") or ".." in src.split("/"):
                diags.error(path, line, f"image `{src}` is not a file of content/media/",
                            "copy the image into content/media/ and give its name")
            elif not (config.content_dir / "media" / src).is_file():
                diags.error(path, line, f"image `{src}` not found",
                            "put the file in content/media/ or fix the name")
            if not alt.strip():
                diags.error(path, line, f"image `{src}` has no alt text",
                            "describe the image between the brackets: ![what it shows](file)")


@dataclass(frozen=True)
class ExtractResult:
    path: Path
    messages: int
    written: bool
    warnings: tuple[Diagnostic, ...] = ()


def pot_path(config: SiteConfig) -> Path:
    return config.locales_dir / "messages.pot"


@dataclass(frozen=True)
class ExtractPlan:
    path: Path
    text: str
    messages: int
    warnings: tuple[Diagnostic, ...]


def plan_extract(root: Path) -> ExtractPlan:
    """The POT's text, computed in memory; nothing is written."""
    model = load_site(root, parse=False)
    analysed = analyse_pages(root, model.content.pages)
    diags = Collector(root)
    check_body_references(model.config, model.content, analysed, diags)
    diags.raise_if_errors()
    segments = {key: list(a.segments) for key, a in analysed.items()}
    entries = extract_entries(model.config, model.content, segments)
    path = pot_path(model.config)
    previous = path.read_text("utf-8") if path.is_file() else None
    text = pot_text(model.config, entries, previous)
    return ExtractPlan(path, text, len(entries), model.content.warnings)


def extract(root: Path) -> ExtractResult:
    plan = plan_extract(root)
    return ExtractResult(plan.path, plan.messages,
                         atomic_write(plan.path, plan.text.encode("utf-8")), plan.warnings)


@dataclass(frozen=True)
class UpdateResult:
    extract: ExtractResult
    merged: tuple[tuple[Path, merge.MergeResult, bool], ...]


@dataclass(frozen=True)
class UpdatePlan:
    """POT and merged catalogues in memory, with each PO file's bytes when read."""
    extract: ExtractPlan
    merged: tuple[tuple[Path, merge.MergeResult, bytes | None], ...]
    prune_obsolete: bool = False

    def stale(self) -> list[Path]:
        """Files `update` would change: what `update --check` reports."""
        out = [] if _same(self.extract.path, self.extract.text) else [self.extract.path]
        return out + [path for path, result, _ in self.merged
                      if not result.remembered and not _same(path, result.text)]


def _same(path: Path, text: str) -> bool:
    return path.is_file() and path.read_bytes() == text.encode("utf-8")


def update(root: Path, prune_obsolete: bool = False,
           progress: Report | None = None) -> UpdateResult:
    return apply_update(plan_update(root, prune_obsolete, progress), root)


def plan_update(root: Path, prune_obsolete: bool = False,
                progress: Report | None = None) -> UpdatePlan:
    extracted = plan_extract(root)
    config = load_config(root)
    known = updatememo.remembered(root, extracted.text, config.target_locales, prune_obsolete)
    todo = tuple(code for code in config.target_locales if code not in known)
    merged = {result[1].locale: result for result in merge_catalogues(
        root, extracted.text, todo, config.title, prune_obsolete, progress)}
    results = tuple((known | merged)[code] for code in config.target_locales)
    return UpdatePlan(extracted, results, prune_obsolete)


# Below this many messages, starting processes costs more than merging in one.
PARALLEL_MESSAGES = 5000
MergeJob = tuple[Path, str, str, str, bool]


def merge_catalogues(root: Path, pot_text: str, locales: tuple[str, ...], title: str,
                     prune_obsolete: bool, progress: Report | None = None
                     ) -> list[tuple[Path, merge.MergeResult, bytes | None]]:
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


def _merge_job(job: MergeJob) -> tuple[Path, merge.MergeResult, bytes | None]:
    root, pot_text, locale, title, prune = job
    return _merge_locale(root, parse_po(pot_text), locale, title, prune)


def _merge_locale(root: Path, pot: polib.POFile, locale: str, title: str,
                  prune: bool) -> tuple[Path, merge.MergeResult, bytes | None]:
    path = merge.po_path(root / "locales", locale)
    before = path.read_bytes() if path.is_file() else None
    read = read_catalogue(path, root, repairable=True) if before is not None else None
    if read is None or read.empty:   # no file, or an empty one: a fresh catalogue
        return path, merge.merge(pot, merge.new_catalogue(locale, title), locale, prune), before
    return path, merge.merge_read(pot, read, locale, prune, path, root), before


def apply_update(plan: UpdatePlan, root: Path) -> UpdateResult:
    """Write the POT and every merged catalogue, unless a translator saved one meanwhile."""
    diags = Collector(root)
    for path, result, before in plan.merged:
        if result.remembered:
            continue     # not written: nothing a translator saved meanwhile can be lost
        now = path.read_bytes() if path.is_file() else None
        if now != before:
            diags.error(path, None, "changed on disk while `update` was merging it",
                        "save your work in the editor, then run `infopages update` again")
    diags.raise_if_errors()
    ex = plan.extract
    extracted = ExtractResult(ex.path, ex.messages, atomic_write(ex.path, ex.text.encode("utf-8")),
                              ex.warnings)
    written = tuple((path, result, not result.remembered and
                     atomic_write(path, result.text.encode("utf-8")))
                    for path, result, _ in plan.merged)
    updatememo.remember(root, ex.text, list(plan.merged), plan.prune_obsolete)
    return UpdateResult(extracted, written)


def stats(root: Path) -> list[merge.Stats]:
    config = load_config(root)
    out = []
    for locale in config.target_locales:
        path = merge.po_path(config.locales_dir, locale)
        po = read_po(path, root) if path.is_file() else polib.POFile()
        if not path.is_file():
            pot = pot_path(config)
            po = polib.pofile(pot.read_text("utf-8")) if pot.is_file() else po
        out.append(merge.stats(po, locale))
    return out


def page_statuses(root: Path) -> Publication:
    """Every page's translation status and publish gate, per target locale."""
    model = load_site(root)
    md = make_markdown()
    translators = {code: make_translator(load_messages(root, code), model.config.source_locale,
                                         md) for code in model.config.locales}
    return publication(model, translators)


def build(root: Path, out: Path | None = None, only: tuple[str, ...] = (),
          preview: bool | None = None, pseudo: bool = False,
          progress: Report | None = None, full: bool = False, jobs: int | None = None,
          shard: tuple[int, int] | None = None) -> BuildResult:
    """Build the site: incrementally when the last build's record allows it."""
    config = load_config(root)
    unknown = [code for code in only if code not in config.locales]
    if unknown:
        raise InputError([_no_locale(config, unknown)])
    target = out or root / "site"
    preview = preview if preview is not None else config.has_gates
    ordinary = not (only or preview or pseudo or shard)
    cache = BuildCache(root)
    try:
        if ordinary and not full:
            result = incremental.rebuild(root, target, cache, cores(jobs), progress)
            if result is not None:
                return result
        if not ordinary:
            cache.put("state", None)    # this site is not what an ordinary build makes
        return _full_build(root, target, only or config.locales, preview, pseudo, progress,
                           cores(jobs), cache if ordinary else None, shard)
    finally:
        cache.close()


def _full_build(root: Path, target: Path, locales: tuple[str, ...], preview: bool,
                pseudo: bool, progress: Report | None, jobs: int, cache: BuildCache | None,
                shard: tuple[int, int] | None) -> BuildResult:
    model = load_site(root, parse=False)
    config = model.config
    if cache is not None:   # an ordinary build: translations go to the cache, not to memory
        cache.invalidate()
        store_catalogues(cache.path, root, config.target_locales, jobs)
        messages = {code: cache.shared_messages(code) for code in config.locales}
    else:
        messages = load_all_messages(root, config.locales, jobs)
    publication = _publication(model, messages)

    def extra(model: SiteModel) -> dict[str, bytes]:
        files = static_files(config)
        if preview:
            files |= preview_files(model, make_markdown(), messages, locales)
        if pseudo:   # en-XA and ar-XB, for layout testing before translations exist
            from builder.catalogues.pseudo import pseudo_files

            files |= pseudo_files(root)
        return files

    return full_build(root, target, model, messages, publication, extra, locales, jobs,
                      progress, cache, shard)


def _publication(model: SiteModel, messages: dict[str, Messages]) -> Publication:
    """Without publish gates every page is published: no need to look at every segment."""
    if not model.config.has_gates and model.content.pages:
        return Publication({}, model.config.source_locale, everything=True)
    md = make_markdown()
    return publication(model, {code: make_translator(messages[code], model.config.source_locale,
                                                     md) for code in model.config.locales})


PREVIEW = "_preview"


def preview_files(model: SiteModel, md, messages: dict[str, Messages],
                  locales: tuple[str, ...]) -> dict[str, bytes]:
    """Every page of every locale, whatever its gate, with fuzzy text shown and
    untranslated or fuzzy blocks highlighted with their anchors: for translators."""
    config = model.config
    renderers = {code: LocaleRenderer(model, make_translator(
        messages[code], config.source_locale, md, preview=True), md)
        for code in config.locales}
    files = {"index.html": language_chooser(renderers, config.source_locale)}
    for code in locales:
        files |= render_locale(renderers[code])
        files[f"{code}/feed.xml"] = atom_feed(renderers[code])
    files |= static_files(config)
    return {f"{PREVIEW}/{name}": data for name, data in files.items()}


def publication(model: SiteModel, translators: dict[str, Translator]) -> Publication:
    """Evaluate every page's publish gate in every target locale."""
    config = model.config
    navigation = [s for s in site_segments(config) if s.kind == "navigation"]
    statuses = {}
    for code in config.target_locales:
        lookup = translators[code].lookup
        gate = config.gate(code)
        for page in model.content.pages:
            statuses[(code, page.key)] = page_status(
                page.key, code, page_segments(page, model.parsed[page.key]), navigation,
                lambda s: not lookup(s.msgctxt, s.msgid)[1], gate,
                marked_required(page.required, page.key))
    return Publication(statuses, config.source_locale)


def _no_locale(config: SiteConfig, unknown: list[str]) -> Diagnostic:
    return Diagnostic("content/site.yaml", config.line_of("locales"),
                      f"--locale {', '.join(unknown)} is not one of this site's locales",
                      "choose from " + ", ".join(config.locales))


def static_files(config: SiteConfig) -> dict[str, bytes]:
    files = {}
    for folder, prefix in ((config.templates_dir / "static", "assets"),
                           (config.content_dir / "media", "media")):
        for path in sorted(folder.rglob("*")) if folder.is_dir() else ():
            if path.is_file():
                files[f"{prefix}/{path.relative_to(folder).as_posix()}"] = path.read_bytes()
    return files
