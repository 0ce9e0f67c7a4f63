"""A full build: every output rendered into a staging folder, then published at once.

Load the site (front matter; bodies are parsed by the render workers), stream
every catalogue into the build record, render every output on every core,
check the body references the workers report, publish the staging folder
(`output.site.publish`: journalled, all or nothing) and commit the record at
the publish's commit point, so the record always describes the site on disk.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Mapping

from builder.engine.cache import BuildCache, InputChanges, MsgKey
from builder.engine.deps import card_signature, list_hashes
from builder.engine.manifest_parts import write_manifest
from builder.engine.pagestore import record_cards, record_content, record_refs
from builder.engine.parallel import PageInfo, Rendered, RenderJob, render_outputs
from builder.errors import Collector, Diagnostic
from builder.output.manifest import entry_line, files_of_lines, read_manifest, write_files
from builder.output.site import owned, publish, staging
from builder.render.locales import locale_names
from builder.render.outputs import Variant, plan
from builder.render.routes import (CHOOSER, STATIC, THEME_STATIC, Output,
                                   page_count, static_path)
from builder.render.site import SiteModel
from builder.render.translations import Messages
from builder.segments.references import Refs, check_body_references
from builder.source.content import media_names
from builder.source.inputs import Inputs
from builder.source.theme import theme_file, theme_static

Report = Callable[[int, int, str], None]


@dataclass(frozen=True)
class BuildResult:
    """What a build made and where, with the counts and warnings `infopages build` reports."""
    out: Path
    files: int
    pages: int
    locales: tuple[str, ...]
    warnings: tuple[Diagnostic, ...] = ()
    written: int = 0            # files written or removed by this run
    incremental: bool = False
    kept: tuple[str, ...] = ()  # locales whose previous pages were kept (`--keep-going`)
    refused: tuple[tuple[str, int], ...] = ()   # (locale, translations lint refuses)


@dataclass(frozen=True)
class BuildInputs:
    """Everything a build renders from, loaded and validated."""
    root: Path
    target: Path
    inputs: Inputs
    model: SiteModel
    messages: dict[str, Messages]
    variants: tuple[Variant, ...]
    pseudo_messages: Callable[[str], Messages] | None = None

    def read(self, path: str) -> bytes:
        """An input file (a stylesheet, an image): only files the scan found, and the
        built-in theme's (`theme/static/…`)."""
        if path.startswith(THEME_STATIC):
            return theme_file(path).read_bytes()
        if self.inputs.files.get(path) is None:
            raise KeyError(path)
        return self.inputs.absolute(path).read_bytes()

    def job(self, staged: Path) -> RenderJob:
        return RenderJob(self.model, self.messages, self.variants, staged, self.read,
                         self.pseudo_messages)

    def outputs(self) -> list[Output]:
        return plan(self.model, self.variants, static_sources(self.inputs))


def static_sources(inputs: Inputs) -> tuple[str, ...]:
    """Files copied as they are: the project's static files and media, and the theme's
    static files the project does not replace (templates/static/x replaces theme/static/x)."""
    project = [f.path for f in inputs.of_kind("static") + inputs.of_kind("media")]
    taken = {static_path(path) for path in project}
    return tuple(project + [name for name in theme_static() if static_path(name) not in taken])


def full_build(source: BuildInputs, jobs: int, progress: Report | None,
               record: "Record | None", shard: tuple[int, int] | None = None,
               broken: Mapping[str, tuple[Diagnostic, ...]] | None = None) -> BuildResult:
    """Render everything (or one shard of it) into a staging folder and publish it;
    `record` keeps it in the build record for the next, incremental, build. The
    outputs of `broken` locales (and the chooser, which shows every language) are
    not rendered: their previous versions are kept."""
    outputs = source.outputs()
    if shard is not None:
        outputs = [o for o in outputs if o.key.startswith(STATIC) or in_shard(o.key, shard)]
    kept = {o.path for o in outputs if broken and (o.locale in broken or o.key == CHOOSER)}
    outputs = [o for o in outputs if o.path not in kept]
    model = source.model
    with staging(source.root, source.target) as staged:
        results = render_outputs(source.job(staged), outputs, jobs, progress,
                                 record and record.start, record and record.add)
        refs = record.refs if record else {i.key: i.refs for i in results.infos}
        check_references(source, refs)
        if record:
            manifest, _ = write_manifest(record.cache, staged)
        else:
            lines = {r.path: r.line for r in results.rendered if r.line is not None}
            manifest = write_files(staged, files_of_lines(lines | _kept_lines(source.target,
                                                                              kept)))
        files = [o.path for o in outputs] + manifest
        pages = page_count(outputs)
        warnings = model.content.warnings + tuple(d for ds in (broken or {}).values() for d in ds)
        result = BuildResult(source.target, len(files) + 1, pages, model.config.locales,
                             warnings, len(files) + 1, kept=tuple(broken or ()))
        ours = publish(source.root, source.target, staged, files,
                       removes=_stale(source, set(files) | kept),
                       commit=record and (lambda: record.finish(result, results.ui)))
    return replace(result, written=ours)


def _kept_lines(target: Path, kept: set[str]) -> dict[str, str]:
    """The previous `pages.json` entries of pages kept as they were, as their lines."""
    pages = read_manifest(target) or {}
    return {path: entry_line(path, entry) for path, entry in pages.items() if path in kept}


def _stale(source: BuildInputs, files: set[str]) -> list[str]:
    """Files of the last build that this one does not make."""
    before = owned(source.target) if source.target.is_dir() else None
    return sorted((before or set()) - files)


def check_references(source: BuildInputs, refs: Mapping[str, Refs],
                     checked: frozenset[str] = frozenset()) -> None:
    """Body links and images of every page but those of `checked` (sources whose
    references were checked against the same pages and media files), as the workers
    parsed them: fail once."""
    config, content = source.model.config, source.model.content
    diags = Collector(config.root)
    check_body_references(config, content, refs, media_names(source.inputs), diags, checked)
    diags.raise_if_errors()


class Record:
    """The build record of a full build, written while the workers render: the
    sources first, then each chunk's outputs as it arrives (nothing piles up in
    the parent), committed at the publish's commit point."""

    def __init__(self, cache: BuildCache, source: BuildInputs, inputs: InputChanges,
                 state: tuple):
        self.cache, self.source, self.inputs, self.state = cache, source, inputs, state
        self.refs: dict[str, Refs] = {}

    def start(self) -> None:
        """Inputs, content and listings. The fingerprints are those taken before the
        build read anything: a file saved during the build is seen as changed next time."""
        cache, model = self.cache, self.source.model
        config = model.config
        cache.db.execute("BEGIN")
        cache.put("state", None)       # until `finish` commits
        cache.record_inputs(self.source.root, self.inputs, full=True)
        cache.clear_outputs()
        record_content(cache, model.content)
        cache.put("lists", list_hashes(model.content, config))
        record_cards(cache, {p.key: card_signature(p) for p in model.content.pages}, full=True)
        cache.put("locale_names", locale_names(model.locales))

    def add(self, rendered: list[Rendered], infos: list[PageInfo]) -> None:
        self.cache.record_outputs(rendered, full=True)
        self.cache.record_uses({i.key: i.uses for i in infos}, full=True)
        self.cache.record_analyses({i.digest: i.pickled for i in infos})
        self.refs |= {i.key: i.refs for i in infos}

    def finish(self, summary: BuildResult, ui: dict[str, set[MsgKey]]) -> None:
        self.cache.index()
        record_refs(self.cache, self.refs, full=True)
        self.cache.put("ui_keys", {code: frozenset(keys) for code, keys in ui.items()})
        record_summary(self.cache, summary)
        self.cache.put("state", self.state)
        self.cache.db.execute("COMMIT")


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
