"""Render a list of outputs, on every core.

The parent loads the site and the catalogues once, then forks workers that
inherit them (no pickling of the model). Work is handed out in chunks of page
keys, each with all its locales, so a worker parses a page's Markdown once and
renders it four times. Workers write their files themselves and send back only
what the build cache records: path, facts and `pages.json` entry.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
from collections import OrderedDict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Mapping

from builder.engine.deps import CHOOSER, FEED, GLOBAL, SITEMAP, FactIndex
from builder.output.write import atomic_write
from builder.render.feeds import atom_feed, language_chooser, sitemap
from builder.render.gates import Publication
from builder.render.locale import LocaleRenderer, make_translator
from builder.render.manifest import manifest_entry
from builder.render.pages import NOT_FOUND, page_file, render_key
from builder.render.site import SiteModel
from builder.render.translations import Messages
from builder.segments.analysis import Analysis, page_digest
from builder.segments.blocks import ParsedBody, make_markdown, page_segments, parse_body

Output = tuple[str, str]       # (locale, key); GLOBAL locale for sitemap and chooser
Report = Callable[[int, int, str], None]
CHUNK = 24                     # page keys per task: small enough to balance two cores
PARALLEL_MIN = 200             # below this many outputs a pool costs more than it saves


@dataclass(frozen=True)
class Rendered:
    path: str
    locale: str
    key: str
    facts: tuple[str, ...]
    entry: dict | None         # the page's `pages.json` entry
    written: bool


@dataclass(frozen=True)
class PageInfo:
    """What the parent needs of a page a worker parsed: references to check, messages used."""
    key: str
    page_links: tuple[tuple[str, int], ...]
    images: tuple[tuple[str, str, int], ...]
    messages: tuple[tuple[str | None, str], ...]
    digest: bytes = b""        # the page's analysis for `extract` (analysis.py), pickled
    analysis: bytes = b""


@dataclass(frozen=True)
class RenderJob:
    model: SiteModel
    messages: Mapping[str, Messages]
    publication: Publication
    target: Path
    fresh: bool                # target is an empty staging folder: no need to compare


class LazyParsed(Mapping):
    """Page key → ParsedBody, parsed on first use; keeps the last few (a worker
    renders one page in every locale, then moves on)."""

    def __init__(self, pages: Mapping, md, keep: int = 32):
        self.pages, self.md, self.keep = pages, md, keep
        self.recent: OrderedDict[str, ParsedBody] = OrderedDict()

    def __getitem__(self, key: str) -> ParsedBody:
        found = self.recent.get(key)
        if found is None:
            found = parse_body(self.pages[key], self.md)
            self.recent[key] = found
            if len(self.recent) > self.keep:
                self.recent.popitem(last=False)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self.pages)

    def __len__(self) -> int:
        return len(self.pages)


class Worker:
    """Renders outputs of any locale; renderers are made on first use, per process."""

    def __init__(self, job: RenderJob):
        self.job = job
        self.md = make_markdown()
        self.renderers: dict[str, LocaleRenderer] = {}
        self.template_chains: dict[str, list[str]] = {}   # for pages.json sources
        config = job.model.config
        self.facts = FactIndex(job.model.content, config.news_page_size, config.latest_news,
                               config.feed_size)

    def renderer(self, code: str) -> LocaleRenderer:
        if code not in self.renderers:
            model = self.job.model
            translator = make_translator(self.job.messages[code], model.config.source_locale,
                                         self.md)
            self.renderers[code] = LocaleRenderer(model, translator, self.md,
                                                  self.job.publication)
        return self.renderers[code]

    def render(self, locale: str, key: str) -> Rendered:
        path, data = self._bytes(locale, key)
        entry = None
        if locale != GLOBAL and key not in (FEED, NOT_FOUND):
            entry = manifest_entry(self.renderer(locale), key, self.template_chains)
        target = self.job.target / path
        if self.job.fresh:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            written = True
        else:
            written = atomic_write(target, data)
        return Rendered(path, locale, key, self.facts.facts(key), entry, written)

    def _bytes(self, locale: str, key: str) -> tuple[str, bytes]:
        """(output_file(locale, key), its bytes)."""
        source = self.job.model.config.source_locale
        if key == FEED:
            return output_file(locale, key), atom_feed(self.renderer(locale))
        if key == SITEMAP:
            return output_file(locale, key), sitemap(self.renderer(source))
        if key == CHOOSER:
            codes = self.job.model.config.locales
            return output_file(locale, key), language_chooser(
                {c: self.renderer(c) for c in codes}, source)
        return render_key(self.renderer(locale), key)

    def info(self, key: str) -> PageInfo:
        parsed = self.job.model.parsed[key]
        page = self.job.model.content.by_key()[key]
        segments = tuple(page_segments(page, parsed))
        analysis = Analysis(segments, parsed.page_links, parsed.images)
        return PageInfo(key, parsed.page_links, parsed.images,
                        tuple(dict.fromkeys((s.msgctxt, s.msgid) for s in segments)),
                        page_digest(page), pickle.dumps(analysis, pickle.HIGHEST_PROTOCOL))

    def chunk(self, outputs: list[Output]) -> tuple[list[Rendered], list[PageInfo]]:
        rendered = [self.render(locale, key) for locale, key in outputs]
        pages = self.job.model.content.by_key()
        keys = dict.fromkeys(key for _, key in outputs if key in pages)
        return rendered, [self.info(key) for key in keys]


def output_file(locale: str, key: str) -> str:
    """Where the output (locale, key) is written, without rendering it."""
    special = {FEED: f"{locale}/feed.xml", SITEMAP: "sitemap.xml", CHOOSER: "index.html"}
    return special.get(key) or page_file(locale, key)


# The worker of this process, set once by the pool's initializer (fork: inherited, not pickled).
_worker: Worker | None = None


def _init(job: RenderJob) -> None:
    global _worker
    # Ctrl-C and SIGTERM are the parent's to handle: it cancels the work and cleans up.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _worker = Worker(job)


def _run_chunk(outputs: list[Output]) -> tuple[list[Rendered], list[PageInfo]]:
    assert _worker is not None
    return _worker.chunk(outputs)


def chunks(outputs: list[Output]) -> list[list[Output]]:
    """Outputs grouped by key (all locales of a page together), CHUNK keys a task."""
    by_key: dict[str, list[Output]] = {}
    for output in outputs:
        by_key.setdefault(output[1], []).append(output)
    groups = list(by_key.values())
    return [[o for group in groups[i:i + CHUNK] for o in group]
            for i in range(0, len(groups), CHUNK)]


Sink = Callable[[list[Rendered], list[PageInfo]], None]


def render_outputs(job: RenderJob, outputs: list[Output], jobs: int | None = None,
                   progress: Report | None = None,
                   meanwhile: Callable[[], None] | None = None, sink: Sink | None = None
                   ) -> tuple[list[Rendered], list[PageInfo]]:
    """Render `outputs` into `job.target`, in a process pool when it pays; the parent
    runs `meanwhile` (bookkeeping) while the workers render. With `sink`, each chunk's
    results go there as they arrive and are not kept (the parent stays small)."""
    cores = jobs or os.cpu_count() or 1
    tasks = chunks(outputs)
    rendered: list[Rendered] = []
    infos: list[PageInfo] = []
    count = 0
    if cores > 1 and len(outputs) >= PARALLEL_MIN:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(cores, mp_context=context, initializer=_init,
                                 initargs=(job,)) as pool:
            results = pool.map(_run_chunk, tasks)   # submits every task now
            try:
                if meanwhile:
                    meanwhile()
                for done, info in results:
                    count = _collect(rendered, infos, done, info, sink, count)
                    if progress and done:
                        progress(count, len(outputs), done[-1].locale or "site")
            except BaseException:     # interrupted or failed: drop the chunks not started
                pool.shutdown(wait=True, cancel_futures=True)
                raise
    else:
        if meanwhile:
            meanwhile()
        worker = Worker(job)
        for task in tasks:
            done, info = worker.chunk(task)
            count = _collect(rendered, infos, done, info, sink, count)
            if progress and done:
                progress(count, len(outputs), done[-1].locale or "site")
    return rendered, infos


def _collect(rendered: list, infos: list, done: list[Rendered], info: list[PageInfo],
             sink: Sink | None, count: int) -> int:
    if sink is None:
        rendered += done
        infos += info
    else:
        sink(done, info)
    return count + len(done)
