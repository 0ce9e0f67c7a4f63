"""The incremental rebuild: redo only what the changed inputs touch.

1. Fingerprints (`buildcache.scan_inputs`) say which files changed. Site
   settings, the builder itself, publish gates or another output folder mean a
   full build (`rebuild` returns None).
2. Changed pages are loaded and validated with everything else from the cache;
   changed catalogue entries come from `podiff`. Errors stop the build before a
   file is written, and roll the cache back.
3. Each change dirties facts (`deps`); the outputs made of a dirty fact, and new
   outputs, are rendered in place, each file atomically; outputs whose source is
   gone are removed. The result is byte for byte what a full build makes
   (tests/test_incremental.py proves it per kind of change).
"""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

from builder.catalogues.diff import po_change
from builder.catalogues.merge import po_path
from builder.engine.cache import BuildCache, InputChanges, MsgKey, build_state
from builder.engine.catstream import catalogue_rows, write_snapshot
from builder.engine.deps import GLOBAL, UI, card_signature, list_hashes
from builder.engine.full import (
    BuildResult,
    Refs,
    all_outputs,
    record_summary,
    strip_content,
    summary_result,
)
from builder.engine.parallel import (
    PARALLEL_MIN,
    LazyParsed,
    RenderJob,
    output_file,
    render_outputs,
)
from builder.errors import Collector
from builder.output.write import staging_dir
from builder.render.gates import Publication
from builder.render.manifest import MANIFEST_PATH
from builder.render.routes import locale_info
from builder.render.site import SiteModel
from builder.render.translations import visible
from builder.segments.blocks import make_markdown, parse_body
from builder.source.config import SiteConfig, load_config
from builder.source.content import (
    KINDS,
    Content,
    Page,
    check_dates,
    check_references,
    load_page,
)

Report = Callable[[int, int, str], None]


@dataclass
class Dirty:
    """Facts to redo, per locale (GLOBAL: the sitemap and the language chooser)."""
    facts: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    everything: set[str] = field(default_factory=set)    # locales to redo entirely

    def all_locales(self, locales: tuple[str, ...], *facts: str) -> None:
        for code in (*locales, GLOBAL):
            self.facts[code].update(facts)


@dataclass(frozen=True)
class Changes:
    pages: tuple[str, ...]          # content/<folder>/<name>.md
    catalogues: tuple[str, ...]     # locale codes
    templates: bool
    static: tuple[str, ...]         # templates/static/… and content/media/…


def classify(changed: frozenset[str], config: SiteConfig) -> Changes | None:
    """Sort changed paths by what they affect; None if only a full build will do."""
    pages, catalogues, static, templates = [], [], [], False
    for path in sorted(changed):
        parts = path.split("/")
        if path == "content/site.yaml":
            return None
        if parts[0] == "templates":
            if parts[1] == "static":
                static.append(path)
            else:
                templates = True
        elif parts[:2] == ["content", "media"]:
            static.append(path)
        elif parts[0] == "content" and len(parts) == 3 and parts[1] in KINDS and \
                path.endswith(".md"):
            pages.append(path)
        elif parts[0] == "locales" and path.endswith("/LC_MESSAGES/messages.po") and \
                parts[1] in config.target_locales:
            catalogues.append(parts[1])
    return Changes(tuple(pages), tuple(catalogues), templates, tuple(static))


def rebuild(root: Path, target: Path, cache: BuildCache, jobs: int,
            progress: Report | None) -> BuildResult | None:
    """Bring `target` up to date with the sources, or None if a full build is needed."""
    if cache.get("state") != build_state(target) or not target.is_dir():
        return None
    config = load_config(root)
    inputs = cache.input_changes(root)    # before reading anything: see build.record_full
    changes = classify(inputs.changed, config)
    if changes is None or config.has_gates:   # a gate may open or close: links change
        return None
    cache.db.execute("BEGIN")
    read: dict[str, bytes | None] = {}   # each changed catalogue, as this build read it
    try:
        result = _apply(root, target, cache, config, inputs, changes, jobs, progress, read)
        cache.db.execute("COMMIT")
    except BaseException:
        cache.db.execute("ROLLBACK")
        raise
    for code, data in read.items():   # after the commit: a snapshot ahead of the record
        write_snapshot(cache.snapshot_path(code), data)   # would hide a change for ever
    return result


def _apply(root: Path, target: Path, cache: BuildCache, config: SiteConfig,
           inputs: InputChanges, changes: Changes, jobs: int,
           progress: Report | None, read: dict[str, bytes | None]) -> BuildResult:
    summary = summary_result(cache.get("summary"), cache.get("warnings"))
    if not inputs.changed:
        cache.record_inputs(root, inputs, full=False)   # touched, not changed
        return summary
    dirty = Dirty()
    diags = Collector(root)
    old: Content = cache.get("content")
    content, parsed = _updated_content(root, config, old, changes.pages, diags, cache)
    diags.raise_if_errors()
    _content_facts(old, content, changes.pages, dirty, config, cache)
    for code in changes.catalogues:
        _catalogue_facts(root, code, cache, content, dirty, diags, read)
    diags.raise_if_errors()
    if changes.templates:
        dirty.all_locales(config.locales, UI)
    model = SiteModel(config, content, parsed, tuple(locale_info(c) for c in config.locales))
    # New files are rendered into a staging folder and moved into place only when all
    # rendered: an interrupted rebuild leaves the previous site as it was.
    with staging_dir(target) as staged:
        gone = _static(root, staged, changes.static)
        removed, pages = _render(staged, cache, model, dirty, changes, jobs, progress)
        written = move_into(staged, target, gone + removed)
    cache.record_inputs(root, inputs, full=False)
    if changes.pages:   # 35 MB of pickled pages at 10,000 items: only when they changed
        cache.put("content", strip_content(content))
    result = replace(summary, pages=pages, warnings=content.warnings, written=written)
    record_summary(cache, result)
    return result


def page_key(path: str) -> str:
    """content/news/x.md → news/x"""
    return path.removeprefix("content/").removesuffix(".md")


def _updated_content(root: Path, config: SiteConfig, old: Content, changed: tuple[str, ...],
                     diags: Collector, cache: BuildCache) -> tuple[Content, LazyParsed]:
    """The cached pages with the changed files reloaded, validated like a full load."""
    pages = {p.key: p for p in old.pages}
    refs = {key: Refs(*value) for key, value in cache.get("refs").items()}
    md = make_markdown()
    fresh, broken = {}, set()
    for path in changed:
        folder, key = path.split("/")[1], page_key(path)
        pages.pop(key, None)
        refs.pop(key, None)
        if not (root / path).is_file():
            continue
        page = load_page(root / path, KINDS[folder], folder, diags)
        if page is None:
            broken.add(key)
            continue
        pages[key] = page
        fresh[key] = parse_body(page, md)
        refs[key] = Refs(fresh[key].page_links, fresh[key].images)
    folders = list(KINDS)
    ordered = sorted(pages.values(), key=lambda p: (folders.index(p.key.split("/")[0]),
                                                    p.source.rsplit("/", 1)[1]))
    content = Content(tuple(ordered), unloaded=frozenset(broken))
    check_references(config, content, diags, broken)
    check_dates(config, content, diags, None)
    from builder.pipeline import check_body_references

    check_body_references(config, content, refs, diags)
    if changed:
        cache.put("refs", {key: tuple(value) for key, value in refs.items()})
    parsed = LazyParsed(content.by_key(), md, keep=64)
    parsed.recent.update(fresh)
    return Content(content.pages, tuple(diags.warnings), frozenset(broken)), parsed


def _content_facts(old: Content, new: Content, changed: tuple[str, ...], dirty: Dirty,
                   config: SiteConfig, cache: BuildCache) -> None:
    if not changed:
        return
    cards = cache.get("cards")
    pages = new.by_key()
    for key in map(page_key, changed):
        dirty.all_locales(config.locales, f"page:{key}")
        if key not in pages or cards.get(key) != card_signature(pages[key]):
            dirty.all_locales(config.locales, f"card:{key}")
        if key in pages:
            cards[key] = card_signature(pages[key])
        else:
            cards.pop(key, None)
    lists = list_hashes(new, config.news_page_size, config.feed_size)
    before = cache.get("lists")
    dirty.all_locales(config.locales, *(name for name in lists.keys() | before.keys()
                                        if lists.get(name) != before.get(name)))
    if lists != before:
        cache.put("lists", lists)
    if changed:
        cache.put("cards", cards)


def _catalogue_facts(root: Path, code: str, cache: BuildCache, content: Content,
                     dirty: Dirty, diags: Collector, read: dict[str, bytes | None]) -> None:
    """Apply one locale's changed entries to the stored translations; dirty their users."""
    path = po_path(root / "locales", code)
    snapshot = cache.snapshot_path(code)
    data = read[code] = path.read_bytes() if path.is_file() else None
    if data is None or not snapshot.is_file():
        return _reload(root, code, data, cache, dirty)
    change = po_change(snapshot.read_bytes(), data, path, diags)
    if change.reload:
        return _reload(root, code, data, cache, dirty)
    keys = {(e.msgctxt or None, e.msgid) for e in change.removed + change.added}
    cache.forget_messages(code, keys)
    rule = cache.plural_forms(code)   # unchanged: a new Plural-Forms reloads the catalogue
    for entry in change.added:
        kind, value = visible(entry, code, rule)
        if kind is not None and not entry.obsolete:
            key = (entry.msgctxt or None, entry.msgid)
            cache.record_messages(code, {key: value} if kind == "singular" else {},
                                  {key: value} if kind == "plural" else {}, full=False)
    pages = content.by_key()
    for key, users in cache.users(keys).items():
        for page_key in users:
            dirty.facts[code].add(f"page:{page_key}")
            if page_key in pages and _on_card(pages[page_key], key):
                dirty.facts[code].add(f"card:{page_key}")
    ui = any(ref.startswith(("templates/", "content/site.yaml"))
             for e in change.removed + change.added for ref, _ in e.occurrences)
    if ui:
        dirty.facts[code].add(UI)
        dirty.facts[GLOBAL].add(UI)


def _on_card(page: Page, key: MsgKey) -> bool:
    return key in ((page.context("title"), page.title), (page.context("summary"), page.summary))


def _reload(root: Path, code: str, data: bytes | None, cache: BuildCache,
            dirty: Dirty) -> None:
    rows = catalogue_rows(root, code, data) if data is not None else []   # strict: raises
    cache.db.execute("DELETE FROM messages WHERE locale = ?", (code,))
    cache.db.executemany("INSERT OR REPLACE INTO messages VALUES (?, ?, ?, ?)", rows)
    dirty.everything.add(code)
    dirty.facts[GLOBAL].add(UI)


def _static(root: Path, staged: Path, changed: tuple[str, ...]) -> list[str]:
    """Copy changed assets and media into `staged`; returns those that are gone."""
    gone = []
    for path in changed:
        name = path.replace("templates/static/", "assets/", 1).replace("content/media/",
                                                                       "media/", 1)
        if (root / path).is_file():
            (staged / name).parent.mkdir(parents=True, exist_ok=True)
            (staged / name).write_bytes((root / path).read_bytes())
        else:
            gone.append(name)
    return gone


def move_into(staged: Path, target: Path, gone: list[str]) -> int:
    """Move every staged file that differs into `target`, remove `gone`; count the changes."""
    changed = 0
    for path in sorted(p for p in staged.rglob("*") if p.is_file()):
        name = path.relative_to(staged)
        old = target / name
        if old.is_file() and old.read_bytes() == path.read_bytes():
            continue
        old.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(path, 0o644)
        os.replace(path, old)
        changed += 1
    for name in gone:
        if (target / name).is_file():
            (target / name).unlink()
            changed += 1
    return changed


def _render(staged: Path, cache: BuildCache, model: SiteModel, dirty: Dirty,
            changes: Changes, jobs: int, progress: Report | None) -> tuple[list[str], int]:
    """Render the outputs made of dirty facts into `staged`; returns the outputs now
    gone, and how many pages the site has."""
    config = model.config
    publication = Publication({}, config.source_locale, everything=True)
    outputs = all_outputs(model, publication, config.locales, make_markdown())
    wanted = {output_file(*o): o for o in outputs}
    stored = cache.outputs()
    todo = {path for path in wanted if path not in stored}
    for code, facts in dirty.facts.items():
        todo |= cache.dependents(code, facts)
    todo |= {p for p, (code, _) in stored.items() if code in dirty.everything}
    selected = [wanted[path] for path in sorted(todo) if path in wanted]
    parallel = jobs > 1 and len(selected) >= PARALLEL_MIN
    messages = {code: cache.messages(code, loaded=parallel) for code in config.locales}
    job = RenderJob(model, messages, publication, staged, fresh=True)
    rendered, infos = render_outputs(job, selected, jobs if parallel else 1, progress)
    changed_keys = {page_key(path) for path in changes.pages}
    cache.record_uses({i.key: i.messages for i in infos if i.key in changed_keys}
                      | {key: () for key in changed_keys if key not in model.content.by_key()},
                      full=False)
    cache.record_analyses({i.digest: i.analysis for i in infos if i.key in changed_keys})
    removed = [path for path in stored if path not in wanted]
    cache.forget_outputs(removed)
    cache.record_outputs(((r.path, r.locale, r.key, r.facts, r.entry) for r in rendered),
                         full=False)
    if removed or any(r.entry is not None for r in rendered):
        (staged / MANIFEST_PATH).parent.mkdir(parents=True, exist_ok=True)
        (staged / MANIFEST_PATH).write_bytes(cache.manifest_text())
    return removed, sum(1 for path in wanted if path.endswith(".html"))
