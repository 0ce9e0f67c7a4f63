"""`infopages build`: a full build, and the incremental rebuild that follows it.

Full: load the site (front matter only), load the catalogues in parallel,
render every output in a process pool into a staging folder, check the body
references the workers report, swap the folder in, then record everything in
the build cache. Incremental (`incremental.py`): compare input fingerprints,
work out which facts changed, re-render only the outputs made of them, in place.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Mapping, NamedTuple

from builder.engine.cache import BuildCache, InputChanges, build_state
from builder.engine.deps import (
    CHOOSER,
    FEED,
    GLOBAL,
    SITEMAP,
    card_signature,
    list_hashes,
)
from builder.engine.parallel import (
    Output,
    PageInfo,
    Rendered,
    RenderJob,
    render_outputs,
)
from builder.errors import Collector, Diagnostic
from builder.output.write import staging_dir, swap_in, write_tree
from builder.render.gates import Publication
from builder.render.locale import LocaleRenderer, make_translator
from builder.render.manifest import MANIFEST_PATH, manifest_document
from builder.render.pages import locale_keys
from builder.render.site import SiteModel
from builder.render.translations import Messages, load_messages
from builder.segments.blocks import make_markdown
from builder.source.content import Content

Report = Callable[[int, int, str], None]


@dataclass(frozen=True)
class BuildResult:
    out: Path
    files: int
    pages: int
    locales: tuple[str, ...]
    warnings: tuple[Diagnostic, ...] = ()
    written: int = 0            # files written or removed by this run
    incremental: bool = False


def load_all_messages(root: Path, locales: tuple[str, ...], jobs: int) -> dict[str, Messages]:
    """Every locale's catalogue, read and checked in parallel (each is one process's work)."""
    if jobs > 1 and len(locales) > 1 and _big_catalogues(root):
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(min(jobs, len(locales)), mp_context=context) as pool:
            loaded = pool.map(load_messages, [root] * len(locales), locales)
            return dict(zip(locales, loaded))
    return {code: load_messages(root, code) for code in locales}


def _big_catalogues(root: Path) -> bool:
    pot = root / "locales" / "messages.pot"
    return pot.is_file() and pot.stat().st_size > 1_000_000


def all_outputs(model: SiteModel, publication: Publication, locales: tuple[str, ...],
                md) -> list[Output]:
    """Every (locale, key) a build writes, in a stable order."""
    config = model.config
    outputs: list[Output] = []
    for code in locales:
        if not publication.locale_published(code):
            continue
        renderer = LocaleRenderer(model, make_translator(Messages(code, {}, {}),
                                                         config.source_locale, md), md,
                                  publication)
        outputs += [(code, key) for key in locale_keys(renderer)] + [(code, FEED)]
    return outputs + [(GLOBAL, SITEMAP), (GLOBAL, CHOOSER)]


def check_references(model: SiteModel, refs: Mapping) -> None:
    """Body links and images of every page (key → its `page_links` and `images`, as the
    workers parsed them): fail once, with all."""
    from builder.pipeline import check_body_references

    diags = Collector(model.config.root)
    check_body_references(model.config, model.content, refs, diags)
    diags.raise_if_errors()


def full_build(root: Path, target: Path, model: SiteModel, messages: dict[str, Messages],
               publication: Publication, extra: Callable[[SiteModel], dict[str, bytes]],
               locales: tuple[str, ...], jobs: int, progress: Report | None,
               cache: BuildCache | None, shard: tuple[int, int] | None = None) -> BuildResult:
    """Render everything (or one shard of it) into a staging folder and swap it in;
    record it in `cache` for the next, incremental, build."""
    md = make_markdown()
    inputs = cache.input_changes(root) if cache is not None else None
    outputs = all_outputs(model, publication, locales, md)
    if shard is not None:
        outputs = [o for o in outputs if in_shard(o[1], shard)]
    record = Record(cache, root, model, inputs) if cache is not None and inputs else None
    try:
        with staging_dir(target) as staged:
            job = RenderJob(model, messages, publication, staged, fresh=True)
            rendered, infos = render_outputs(job, outputs, jobs, progress,
                                             record and record.start, record and record.add)
            refs = record.refs if record else {i.key: i for i in infos}
            check_references(model, refs)
            manifest = record.manifest() if record else manifest_document(
                {r.path: r.entry for r in rendered if r.entry is not None})
            files = extra(model) | {MANIFEST_PATH: manifest}
            write_tree(staged, files)
            swap_in(staged, target)
    except BaseException:
        if cache is not None and cache.db.in_transaction:
            cache.db.execute("ROLLBACK")
        raise
    written = record.count if record else len(rendered)
    pages = record.pages if record else sum(1 for r in rendered if r.path.endswith(".html"))
    result = BuildResult(target, written + len(files), pages, locales,
                         model.content.warnings, written + len(files))
    if record is not None:
        record.finish(result)
    return result


class Record:
    """The build record of a full build, written while the workers render: the
    sources first, then each chunk's outputs as it arrives (nothing piles up in
    the parent), committed at the end."""

    def __init__(self, cache: BuildCache, root: Path, model: SiteModel, inputs: InputChanges):
        self.cache, self.root, self.model, self.inputs = cache, root, model, inputs
        self.refs: dict[str, Refs] = {}
        self.count = self.pages = 0

    def start(self) -> None:
        """Inputs, content and listings. The fingerprints are those taken before the
        build read anything: a file saved during the build is seen as changed next time."""
        cache, config = self.cache, self.model.config
        cache.db.execute("BEGIN")
        cache.put("state", None)       # until `finish` commits
        cache.record_inputs(self.root, self.inputs, full=True)
        cache.clear_outputs()
        cache.put("content", strip_content(self.model.content))
        cache.put("lists", list_hashes(self.model.content, config.news_page_size,
                                       config.feed_size))
        cache.put("cards", {p.key: card_signature(p) for p in self.model.content.pages})

    def add(self, rendered: list[Rendered], infos: list[PageInfo]) -> None:
        self.cache.record_outputs(((r.path, r.locale, r.key, r.facts, r.entry)
                                   for r in rendered), full=True)
        self.cache.record_uses({i.key: i.messages for i in infos}, full=True)
        self.cache.record_analyses({i.digest: i.analysis for i in infos})
        self.refs |= {i.key: Refs(i.page_links, i.images) for i in infos}
        self.count += len(rendered)
        self.pages += sum(1 for r in rendered if r.path.endswith(".html"))

    def manifest(self) -> bytes:
        return self.cache.manifest_text()

    def finish(self, summary: BuildResult) -> None:
        self.cache.index()
        self.cache.put("refs", {key: tuple(value) for key, value in self.refs.items()})
        record_summary(self.cache, summary)
        self.cache.put("state", build_state(summary.out))
        self.cache.db.execute("COMMIT")


class Refs(NamedTuple):
    page_links: tuple
    images: tuple


def in_shard(key: str, shard: tuple[int, int]) -> bool:
    """Shard I of N owns a page key in every locale: a stable hash, not Python's `hash`."""
    index, count = shard
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=4).digest()) % count \
        == index - 1


def record_summary(cache: BuildCache, result: BuildResult) -> None:
    """Plain data, so that the up-to-date check needs no builder class to read it."""
    cache.put("summary", {"out": str(result.out), "files": result.files, "pages": result.pages,
                          "locales": result.locales})
    cache.put("warnings", tuple(result.warnings))


def summary_result(summary: dict, warnings: tuple) -> BuildResult:
    return BuildResult(Path(summary["out"]), summary["files"], summary["pages"],
                       tuple(summary["locales"]), warnings, 0, True)


def strip_content(content: Content) -> Content:
    return replace(content, warnings=())


def cores(jobs: int | None) -> int:
    return jobs or os.cpu_count() or 1
