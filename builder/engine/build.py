"""`infopages build`: one function, readable top-down.

Scan the inputs, read the settings, check the output folder; then either
bring the last build up to date (`incremental.rebuild`, which answers with the
full build's result or declines) or build everything (`full.full_build`). Both
load the site with `load`, and render with `render.outputs.render_output`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Mapping

from builder.catalogues.domains import is_current, pot_files, ui_domain
from builder.engine.cache import BuildCache, InputChanges, build_state, file_sha
from builder.engine.catstream import Reading, catalogues_stored
from builder.engine.full import BuildInputs, BuildResult, Record, full_build
from builder.engine.incremental import rebuild
from builder.engine.pagememo import analyse_pages, loaded_pages
from builder.engine.pool import cyclic_gc_paused, inherited_map
from builder.engine.refused import refused_translations
from builder.engine.stored import KeyHashes
from builder.engine.parallel import LazyParsed
from builder.errors import Collector, Diagnostic, InputError
from builder.output.site import check_target
from builder.render.gates import Publication, evaluate
from builder.render.locale import make_translator
from builder.render.locales import LocaleNames
from builder.render.outputs import variants
from builder.render.pseudo import pseudo_messages
from builder.render.site import SiteModel, site_model
from builder.render.theme import compile_templates, make_env
from builder.render.translations import Messages, load_messages
from builder.segments.blocks import Segment, make_markdown, parse_body
from builder.segments.references import Refs, check_body_references
from builder.source.config import SiteConfig, load_config
from builder.source.content import Content, Page, load_content, media_names
from builder.source.inputs import Inputs, checked_scan

Report = Callable[[int, int, str], None]


@dataclass(frozen=True)
class BuildOptions:
    """What a build was asked for: the options of `infopages build` (or of `serve`)."""
    out: Path | None = None                  # default: PROJECT/site
    locales: tuple[str, ...] = ()            # only these locales (default: all)
    preview: bool | None = None              # default: when site.yaml sets publish gates
    pseudo: bool = False
    full: bool = False                       # ignore the record of the last build
    jobs: int | None = None
    shard: tuple[int, int] | None = None
    record: str = "build"                    # the build record's name (`serve` keeps its own)
    keep_going: bool = False                 # a broken catalogue: build the other locales


def build(root: Path, options: BuildOptions, progress: Report | None = None,
          scanned: Inputs | None = None) -> BuildResult:
    """Build the site: incrementally when the last build's record allows it. `scanned`:
    the inputs as the up-to-date check found them (a scan of 20,000 files, not redone).
    Without the cyclic garbage collector, in this process and its workers (see
    `cyclic_gc_paused`)."""
    with cyclic_gc_paused():
        return _build(root, options, progress, scanned)


def _build(root: Path, options: BuildOptions, progress: Report | None,
           scanned: Inputs | None) -> BuildResult:
    config = load_config(root)
    inputs = checked_scan(root, config, scanned)
    unknown = [code for code in options.locales if config.locale_code(code) is None]
    if unknown:
        raise InputError([_no_locale(config, unknown)])
    options = replace(options, locales=tuple(str(config.locale_code(c)) for c in options.locales))
    target = options.out or root / "site"
    check_target(root, target)
    preview = options.preview if options.preview is not None else config.has_gates
    # Builds of part of the site, or with pseudo-locales, are not what the record describes.
    recorded = not (options.locales or options.pseudo or options.shard)
    state = build_state(target, (preview,))
    jobs = options.jobs or os.cpu_count() or 1

    def load(reuse: Mapping[str, Page], names: LocaleNames | None = None,
             known: Callable[[], Mapping[str, Refs]] | None = None,
             checked: frozenset[str] = frozenset()) -> BuildInputs:
        return load_site(root, target, inputs, config, reuse, preview, options, names, known,
                         checked)

    cache = BuildCache(root, options.record)
    try:
        if recorded and not options.full:
            try:
                result = rebuild(root, target, cache, inputs, state, load, jobs, progress)
            except InputError:
                if not options.keep_going:
                    raise
                result = None      # the full build below sorts out what it can build
            if result is not None:
                return with_refused(root, cache, result)
        cache.invalidate()   # until a build of the whole site commits a new record
        broken = broken_catalogues(config, config.target_locales) if options.keep_going else {}
        ui = ui_domain(config.catalogues)
        if recorded and not broken:   # translations go to the record, where workers look
            # them up; this process loads the content while they read the catalogues,
            # then, with a core to spare, makes once what each render worker would make
            # again: the compiled templates and every page's dates.
            with catalogues_stored(cache.path, config, config.target_locales, jobs) as reading:
                source = load({})
                changes = cache.input_changes(inputs, unhashed=reading.paths)
                model = source.model
                templates_compiled(model)
                model.dates.fill(model.locales, (p.date for p in model.content.pages if p.date))
            changes = with_digests(root, changes, reading)
            # Small catalogues are read into memory by each render worker on its first
            # lookup (`stored.RecordedRows`): a dict lookup instead of an SQLite query
            # per translation.
            loaded = catalogue_bytes(inputs) <= IN_MEMORY_CATALOGUES
            hashes = KeyHashes()      # the locales of a page look up the same messages
            messages = {code: cache.recorded_messages(code, ui, hashes) if loaded
                        else cache.shared_messages(code, ui) for code in config.locales}
            record = Record(cache, source, changes, state)
        else:
            source = load({})
            fine = tuple(code for code in config.locales if code not in broken)
            messages, record = load_all_messages(config, fine, jobs), None
            messages |= {code: Messages(code, {}, {}, ui=ui) for code in broken}
        result = full_build(with_messages(source, messages), jobs, progress, record,
                            options.shard, broken)
        return with_refused(root, cache, result) if record is not None else result
    finally:
        cache.close()


def templates_compiled(model: SiteModel) -> None:
    """The templates compiled once, here, into the store the render workers inherit
    (each compiled every template itself: some 40 ms at the start of its work). The
    Environment is made as a renderer's is, for the source locale."""
    config = model.config
    messages = Messages(config.source_locale, {}, {}, ui=ui_domain(config.catalogues))
    compile_templates(make_env(model.templates, make_translator(
        messages, config.source_locale, make_markdown())))


def with_digests(root: Path, changes: InputChanges, reading: Reading) -> InputChanges:
    """`changes` with the digests of the catalogues as their workers read them (each
    file read once; one saved during the build is recorded as it was built)."""
    shas = {path: reading.shas.get(path) or file_sha(root / path)
            for path in reading.paths if path in changes.fingerprints}
    return replace(changes, shas=changes.shas | shas)


def with_refused(root: Path, cache: BuildCache, result: BuildResult) -> BuildResult:
    """The result, with the translations the build refused (from its record)."""
    refused = refused_translations(root, cache)
    return replace(result, warnings=result.warnings + refused.first, refused=refused.counts)


# Bytes of PO files, all locales, up to which a clean build keeps translations in
# memory: about 4x that in dicts per process, shared copy-on-write with the workers.
IN_MEMORY_CATALOGUES = 64 * 1024 * 1024


def catalogue_bytes(inputs: Inputs) -> int:
    return sum(f.fingerprint[1] for f in inputs.files.values() if f.kind == "catalogue")


def broken_catalogues(config: SiteConfig,
                      locales: tuple[str, ...]) -> dict[str, tuple[Diagnostic, ...]]:
    """The locales with a catalogue that cannot be read, with why (for `--keep-going`)."""
    broken = {}
    for code in locales:
        try:
            load_messages(config, code)
        except InputError as exc:
            broken[code] = exc.diagnostics
    return broken


def load_site(root: Path, target: Path, inputs: Inputs, config: SiteConfig,
              reuse: Mapping[str, Page], preview: bool, options: BuildOptions,
              names: LocaleNames | None = None,
              known: Callable[[], Mapping[str, Refs]] | None = None,
              checked: frozenset[str] = frozenset()) -> BuildInputs:
    """Content loaded and validated (pages of unchanged files reused), bodies parsed on
    first use (by the render workers, who report their references). `names`: the
    locales' names as the last build found them (`render.locales.site_locales`);
    `known`: the body references of the reused pages, if the record holds them;
    `checked`: reused pages whose references need no new look (`load_content`)."""
    diags = Collector(root)
    content = load_content(config, inputs, diags, reuse, checked=checked)
    if diags.errors:   # report the bodies' broken links too: every problem in one run
        check_body_references(config, content, _body_refs(content, reuse, known),
                              media_names(inputs), diags)
    diags.raise_if_errors()
    parsed = LazyParsed(content.by_key(), make_markdown(), config.feed_size)
    model = site_model(config, content, parsed, inputs, names)
    pots = {domain: path for domain, path in pot_files(config.locales_dir).items()
            if is_current(config.catalogues, domain)}
    everything = Publication({}, config.source_locale, everything=True)   # until translations
    return BuildInputs(root, target, inputs, model, {},
                       variants(model, everything, options.locales or config.locales,
                                preview, options.pseudo),
                       lambda code: pseudo_messages(pots, code, ui_domain(config.catalogues)))


def _body_refs(content: Content, reuse: Mapping[str, Page],
               known: Callable[[], Mapping[str, Refs]] | None) -> dict[str, Refs]:
    """Every page's body references: a reused page's as recorded, if they are, else
    parsed. A typo in one file of 10,000 was reported after parsing every body (3 s)."""
    recorded, md = known() if known else {}, make_markdown()
    return {p.key: recorded[p.key] if p.key in recorded and reuse.get(p.source) is p
            else Refs.of(parse_body(p, md)) for p in content.pages}


def with_messages(source: BuildInputs, messages: dict[str, Messages]) -> BuildInputs:
    """The build's inputs with its translations, and the publish gates they open."""
    config, md = source.model.config, make_markdown()
    publication = evaluate(source.model, {code: make_translator(
        messages[code], config.source_locale, md) for code in config.locales})
    published = replace(source.variants[0], publication=publication)
    return replace(source, messages=messages, variants=(published, *source.variants[1:]))


def load_all_messages(config: SiteConfig, locales: tuple[str, ...],
                      jobs: int) -> dict[str, Messages]:
    """Every locale's catalogues, read and checked in parallel (a locale per process)."""
    workers = locale_workers(config, len(locales), jobs)
    if workers > 1:
        return dict(zip(locales, inherited_map(workers, load_messages, config, locales)))
    return {code: load_messages(config, code) for code in locales}


def locale_workers(config: SiteConfig, locales: int, jobs: int) -> int:
    """Processes to read `locales` locales' catalogues with, one locale each: one (this
    process) unless the catalogues are big enough to pay for a pool (over 1 MB of
    templates: every locale's catalogues are about as big)."""
    if jobs < 2 or locales < 2:
        return 1
    size = sum(path.stat().st_size for path in pot_files(config.locales_dir).values())
    return min(jobs, locales) if size > 1_000_000 else 1


def publication(root: Path) -> Publication:
    """Every page's translation status and publish gate, per target locale (for a
    command that holds no lock: the record is only read)."""
    model, segments = page_model(root, read_only=True)
    config, md = model.config, make_markdown()
    messages = load_all_messages(config, config.locales, 1)
    return evaluate(model, {code: make_translator(messages[code], config.source_locale, md)
                            for code in config.locales}, every_page=True, segments=segments)


def page_model(root: Path, read_only: bool = False
               ) -> tuple[SiteModel, dict[str, tuple[Segment, ...]]]:
    """The site's content loaded and checked, and every page's segments: what page
    statuses are made of. The pages of files unchanged since the last build, and the
    segments of pages unchanged since they were last parsed, come from the build
    record, as `extract` takes them (10,000 bodies are parsed in about 5 s); those
    parsed here are kept in it, unless `read_only` (a command without the lock)."""
    config = load_config(root)
    inputs = checked_scan(root, config)
    diags = Collector(root)
    content = load_content(config, inputs, diags, loaded_pages(root, inputs, read_only))
    diags.raise_if_errors()
    analyses = analyse_pages(root, content.pages, {p.key for p in content.pages},
                             read_only=read_only)[1]
    segments = {key: analysis.segments for key, analysis in analyses.items()}
    model = site_model(config, content, LazyParsed(content.by_key(), make_markdown()), inputs)
    return model, segments


def _no_locale(config: SiteConfig, unknown: list[str]) -> Diagnostic:
    return Diagnostic("content/site.yaml", config.line_of("locales"),
                      f"--locale {', '.join(unknown)} is not one of this site's locales",
                      "choose from " + ", ".join(config.locales))
