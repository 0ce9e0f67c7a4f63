"""Render a list of outputs, on every core.

The parent loads the site once, then forks workers that inherit it (no
pickling of the model). Work is handed out in chunks of page keys, each with
all its locales and variants, so a worker parses a page's Markdown once and
renders it four times. Every output is made by `render.outputs.render_output`.
Workers write their files into the staging folder themselves and send back
only what the build record keeps: path, facts and `pages.json` entry.
"""

from __future__ import annotations

import os
import pickle
import signal
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Mapping

from builder.catalogues.domains import domain_of
from builder.engine.deps import FactIndex
from builder.engine.pool import fork_pool
from builder.engine.stored import msg_hash
from builder.errors import Diagnostic, InputError
from builder.output.manifest import NOTHING_LAID, entry_line, laid_value
from builder.output.write import write_new
from builder.render.manifest import ManifestMemo, manifest_entry
from builder.render.outputs import PUBLISHED, Output, Renderers, Variant, render_output
from builder.render.routes import FEED, GLOBAL, NOT_FOUND, SITEMAP
from builder.render.site import SiteModel
from builder.render.translations import Key as MsgKey
from builder.render.translations import Messages
from builder.segments.analysis import Analysis, page_digest
from builder.segments.blocks import ParsedBody, page_segments, parse_body
from builder.segments.references import Refs

Report = Callable[[int, int, str], None]
CHUNK = 24                     # page keys per task: small enough to balance two cores
PARALLEL_MIN = 200             # below this many outputs a pool costs more than it saves
LONG = frozenset({FEED, SITEMAP})    # outputs made from many pages: handed out first
KEEP_PARSED = 32               # bodies a worker keeps: one page in every locale, then the next
KEEP_PARSED_MAX = 256          # at most, whatever the feed size


@dataclass(frozen=True)
class Rendered:
    """One output a worker wrote, with what the build record keeps of it."""
    output: Output
    path: str
    facts: tuple[str, ...]
    line: str | None           # the page's `pages.json` entry, as its line in its part


@dataclass(frozen=True)
class PageInfo:
    """What the parent needs of a page a worker parsed: its body's references, the
    messages its segments use, and its analysis as the record stores it. Made here
    as the record keeps them (hashes, pickled bytes): the parent neither receives
    every paragraph's text nor pickles the analysis again."""
    key: str
    refs: Refs
    uses: tuple[bytes, ...]        # `msg_hash` of each (domain, msgctxt, msgid), once each
    digest: bytes                  # of the page, for `extract` (segments.analysis)
    pickled: bytes                 # its Analysis

    @classmethod
    def of(cls, key: str, analysis: Analysis, messages: Iterable[MsgKey],
           digest: bytes) -> PageInfo:
        return cls(key, Refs.of(analysis), tuple(dict.fromkeys(map(msg_hash, messages))),
                   digest, pickle.dumps(analysis, pickle.HIGHEST_PROTOCOL))


@dataclass(frozen=True)
class RenderJob:
    """What every render worker inherits: the loaded site, its messages and where to write."""
    model: SiteModel
    messages: Mapping[str, Messages]
    variants: tuple[Variant, ...]
    target: Path               # an empty staging folder
    read: Callable[[str], bytes]                          # an input file's bytes
    pseudo_messages: Callable[[str], Messages] | None = None


class LazyParsed(Mapping):
    """Page key → ParsedBody, parsed on first use; keeps the last few (a worker
    renders one page in every locale, then moves on). A feed reads its `feed_size`
    newest bodies once per locale: with fewer kept than that, each locale's feed would
    parse all of them again (first in, first out, in the same order)."""

    def __init__(self, pages: Mapping, md, feed_size: int = 0):
        self.pages, self.md = pages, md
        self.keep = max(KEEP_PARSED, min(feed_size, KEEP_PARSED_MAX))
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
    """Renders outputs of any variant and locale (through `render_output`) into the
    staging folder; renderers are made on first use, per process."""

    def __init__(self, job: RenderJob):
        self.job = job
        self.renderers = Renderers(job.model, job.messages, job.variants,
                                   job.pseudo_messages, job.read)
        self.manifest = ManifestMemo()    # what pages.json entries share
        self.laid: tuple[object, Mapping[str, str]] = (None, NOTHING_LAID)   # sources, text
        self.facts = FactIndex(job.model.content, job.model.config)
        # Paths as strings: a Path made, parsed and hashed for each of thousands of
        # files cost 2 % of a worker's time.
        self.staged = os.fspath(job.target)
        self.folders: set[str] = set()

    def render(self, output: Output) -> Rendered:
        data = render_output(self.renderers, output)
        line = None
        if output.variant == PUBLISHED and output.locale != GLOBAL and \
                output.key not in (FEED, NOT_FOUND):
            entry = manifest_entry(self.renderers.get(PUBLISHED, output.locale), output.key,
                                   self.manifest)
            line = None if entry is None else self.entry_line(output.path, entry)
        path = output.path
        target = os.path.join(self.staged, path)
        folder = os.path.dirname(target)
        try:
            if folder not in self.folders:
                os.makedirs(folder, exist_ok=True)
                self.folders.add(folder)
            write_new(target, data)
        except OSError as exc:     # disk full, quota, permissions: the machine, not the input
            raise InputError([Diagnostic(str(self.job.target.parent), None,
                                         f"cannot write the new site ({exc.strerror})",
                                         "free some disk space or fix the permissions; the "
                                         "previous site is unchanged")]) from None
        return Rendered(output, path, self.facts.facts(output.key), line)

    def entry_line(self, path: str, entry: dict) -> str:
        """The entry's line, its page's sources laid out once for all its locales (they
        are most of it; the parent used to lay out each locale's in turn)."""
        sources = entry["sources"]
        if sources is not self.laid[0]:
            self.laid = (sources, {"sources": laid_value(sources)})
        return entry_line(path, entry, self.laid[1])

    def info(self, key: str) -> PageInfo:
        parsed = self.job.model.parsed[key]
        page = self.job.model.content.by_key()[key]
        segments = tuple(page_segments(page, parsed))
        analysis = Analysis(segments, parsed.page_links, parsed.images, parsed.problems)
        domain = domain_of(self.job.model.config.catalogues, page)
        return PageInfo.of(key, analysis, ((domain, s.msgctxt, s.msgid) for s in segments),
                           page_digest(page))

    def chunk(self, outputs: list[Output]) -> Chunk:
        """Render `outputs`; an output whose template fails is reported, not fatal: every
        problem of the run is collected, so any two builds report the same."""
        rendered, errors = [], []
        for output in outputs:
            try:
                rendered.append(self.render(output))
            except InputError as exc:
                errors += exc.diagnostics
        pages = self.job.model.content.by_key()
        keys = dict.fromkeys(o.key for o in outputs if o.key in pages)
        ui = {(variant, locale): frozenset(r.t.ui_keys)
              for (variant, locale), r in self.renderers.made.items()}
        return Chunk(rendered, [self.info(key) for key in keys] if not errors else [],
                     tuple(errors), ui)


@dataclass(frozen=True)
class Chunk:
    """What a worker sends back for a chunk of outputs."""
    rendered: list[Rendered]
    infos: list[PageInfo]
    errors: tuple[Diagnostic, ...]
    # Interface strings the renderers looked up so far (templates, site settings): a
    # change to one of them concerns every page of its locale.
    ui: dict[tuple[str, str], frozenset[MsgKey]]


# The worker of this process, set once by the pool's initializer (fork: inherited, not pickled).
_worker: Worker | None = None


def _init(job: RenderJob) -> None:
    global _worker
    # Ctrl-C and SIGTERM are the parent's to handle: it cancels the work and cleans up.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _worker = Worker(job)


def _run_chunk(outputs: list[Output]) -> Chunk:
    assert _worker is not None
    return _worker.chunk(outputs)


def chunks(outputs: list[Output]) -> list[list[Output]]:
    """Outputs grouped by key (all locales of a page together), CHUNK keys a task. The
    feeds and the sitemap, which each read many pages, come first, a key a task (the
    feeds of every locale together: they render the same bodies): the longest tasks
    first, so that none is left for one core at the end."""
    by_key: dict[str, list[Output]] = {}
    for output in outputs:
        by_key.setdefault(output.key, []).append(output)
    long = [group for key, group in by_key.items() if key in LONG]
    groups = [group for key, group in by_key.items() if key not in LONG]
    return long + [[o for group in groups[i:i + CHUNK] for o in group]
                   for i in range(0, len(groups), CHUNK)]


Sink = Callable[[list[Rendered], list[PageInfo]], None]


@dataclass
class Results:
    """Everything the workers sent back (without `rendered`/`infos` when a sink took them)."""
    rendered: list[Rendered] = field(default_factory=list)
    infos: list[PageInfo] = field(default_factory=list)
    errors: set[Diagnostic] = field(default_factory=set)
    ui: dict[str, set[MsgKey]] = field(default_factory=dict)

    def add(self, chunk: Chunk, sink: Sink | None) -> None:
        if sink is not None and not self.errors and not chunk.errors:
            sink(chunk.rendered, chunk.infos)
        elif sink is None:
            self.rendered += chunk.rendered
            self.infos += chunk.infos
        self.errors.update(chunk.errors)
        for (variant, locale), keys in chunk.ui.items():
            if variant == PUBLISHED:
                self.ui.setdefault(locale, set()).update(keys)

    def raise_if_errors(self) -> None:
        """Every template problem of the run, in one order whatever the workers did."""
        if self.errors:
            raise InputError(sorted(self.errors, key=lambda d: (d.path, d.line or 0,
                                                               d.message)))


def render_outputs(job: RenderJob, outputs: list[Output], jobs: int | None = None,
                   progress: Report | None = None,
                   meanwhile: Callable[[], None] | None = None, sink: Sink | None = None
                   ) -> Results:
    """Render `outputs` into `job.target`, in a process pool when it pays; the parent
    runs `meanwhile` (bookkeeping) while the workers render. With `sink`, each chunk's
    results go there as they arrive and are not kept (the parent stays small)."""
    cores = jobs or os.cpu_count() or 1
    tasks = chunks(outputs)
    results = Results()
    count = 0
    if cores > 1 and len(outputs) >= PARALLEL_MIN:
        with fork_pool(cores, _init, (job,)) as pool:
            done = pool.map(_run_chunk, tasks)   # submits every task now
            try:
                if meanwhile:
                    meanwhile()
                for chunk in done:
                    results.add(chunk, sink)
                    count += len(chunk.rendered)
                    if progress and chunk.rendered:
                        progress(count, len(outputs), chunk.rendered[-1].output.locale or "site")
            except BaseException:     # interrupted or failed: drop the chunks not started
                pool.shutdown(wait=True, cancel_futures=True)
                raise
    else:
        if meanwhile:
            meanwhile()
        worker = Worker(job)
        for task in tasks:
            chunk = worker.chunk(task)
            results.add(chunk, sink)
            count += len(chunk.rendered)
            if progress and chunk.rendered:
                progress(count, len(outputs), chunk.rendered[-1].output.locale or "site")
    results.raise_if_errors()
    return results
