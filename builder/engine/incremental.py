"""The incremental rebuild: the full build's result, redoing only what changed.

1. The input scan (`source.inputs.scan`, the same as the full build's) and the
   record's fingerprints say which files changed. Site settings, the builder
   itself, other options or anything the record cannot account for mean a full
   build (`rebuild` returns None).
2. Pages are loaded and validated by the full build's own code
   (`source.content.load_content`), reusing the pages of unchanged files; a
   changed catalogue's entries come from `catalogues.diff`, and anything unusual
   in it (encoding, line endings, header) reloads it whole. Errors stop the build
   before a file is written, and roll the record back.
3. Each change dirties facts (`deps`); the outputs made of a dirty fact, and new
   outputs, are rendered with `render.outputs.render_output` into a staging
   folder and published with a journal, like a full build's; outputs whose
   source is gone are removed. tests/engine proves the result equals a full build.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

from builder.catalogues.diff import po_change
from builder.catalogues.domains import OURS_RE, domain_of, is_current, order, po_path, ui_domain
from builder.engine.cache import BuildCache, InputChanges, MsgKey, entry_hash
from builder.engine.catstream import (Stored, catalogue_rows, message_rows, replace_catalogue,
                                      write_snapshot)
from builder.engine.deps import UI, card_signature, list_hashes
from builder.engine.full import (
    BuildInputs,
    BuildResult,
    check_references,
    record_summary,
    summary_result,
)
from builder.engine.manifest_parts import write_manifest
from builder.engine.pagestore import (RecordDamaged, listed, read_heads, record_cards,
                                     record_content, record_refs, recorded_cards,
                                     recorded_refs, stored_content)
from builder.engine.parallel import PARALLEL_MIN, PageInfo, Rendered, render_outputs
from builder.errors import Collector, InputError
from builder.output.site import publish, staging
from builder.render.routes import GLOBAL, page_count
from builder.segments.references import Refs
from builder.source.config import CatalogueSettings, SiteConfig
from builder.source.content import Content, Page
from builder.source.inputs import Inputs, classify
from builder.source.localecodes import catalogue_folder

Report = Callable[[int, int, str], None]
# Changes to these kinds of file cannot change the site (warnings are recomputed).
INERT = {"other-content", "other-template", "other-locales", "pot", "glossary"}


@dataclass
class Dirty:
    """Facts to redo, per locale (GLOBAL: the sitemap, the chooser, copied files)."""
    facts: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    everything: set[str] = field(default_factory=set)    # locales to redo entirely

    def all_locales(self, locales: tuple[str, ...], *facts: str) -> None:
        for code in (*locales, GLOBAL):
            self.facts[code].update(facts)


@dataclass(frozen=True)
class Changes:
    """The changed inputs, sorted by what they affect: what an incremental rebuild redoes."""
    pages: tuple[str, ...]          # content/<folder>/<name>.md
    catalogues: tuple[tuple[str, str], ...]   # (locale, domain), in the full build's order
    templates: bool
    files: tuple[str, ...]          # copied as they are: templates/static/…, content/media/…


def classify_changes(changed: frozenset[str], locales: tuple[str, ...],
                     settings: CatalogueSettings) -> Changes | None:
    """Sort changed paths by what they affect; None if only a full build will do."""
    pages, catalogues, files, templates = [], [], [], False
    folders = {catalogue_folder(code): code for code in locales}
    for path in sorted(changed):
        kind = classify(path)
        if kind == "config":
            return None
        if kind == "page":
            pages.append(path)
        elif kind == "template":
            templates = True
        elif kind in ("static", "media"):
            files.append(path)
        elif kind == "catalogue":
            code = folders.get(path.split("/")[1])
            domain = path.rsplit("/", 1)[1].removesuffix(".po")
            if code is not None and OURS_RE.match(domain):
                if not is_current(settings, domain):
                    return None     # a catalogue of another layout: the full build says so
                catalogues.append((code, domain))
        elif kind not in INERT:
            return None     # a kind of input this build does not know how to follow
    catalogues.sort(key=lambda cd: (locales.index(cd[0]), order(cd[1])))
    return Changes(tuple(pages), tuple(catalogues), templates, tuple(files))


def rebuild(root: Path, target: Path, cache: BuildCache, inputs: Inputs, state: tuple,
            load: Callable[..., BuildInputs], jobs: int,
            progress: Report | None) -> BuildResult | None:
    """Bring `target` up to date with the sources, or None if a full build is needed.
    `load(reuse, names, refs, checked)` loads the build's inputs as a full build does,
    with the pages of unchanged files (`reuse`, by path), the locales' names, (to report
    an input error with every broken link) the body references taken from the record,
    and the reused pages whose references need no new look."""
    if cache.get("state") != state or not target.is_dir():
        return None
    changes_seen = cache.input_changes(inputs)   # before reading anything
    old = stored_content(cache)   # a body is read when a renderer needs it
    if old is None:
        return None
    # The record's state is this builder's, Babel included: its locale names hold.
    checked = still_checked(old, inputs, changes_seen.changed)
    source = load(reusable(old, changes_seen.changed), cache.get("locale_names"),
                  lambda: recorded_refs(cache), checked)
    config = source.model.config
    changes = classify_changes(changes_seen.changed, config.target_locales, config.catalogues)
    if changes is None or source.model.config.has_gates:   # a gate may open or close
        return None
    cache.db.execute("BEGIN")
    read: dict[tuple[str, str], bytes | None] = {}   # each changed catalogue, as read
    try:
        result = _apply(source, cache, changes_seen, changes, old, jobs, progress, read,
                        checked)
    except RecordDamaged:   # a record that lost a body costs a full build, not a failure
        if cache.db.in_transaction:
            cache.db.execute("ROLLBACK")
        return None
    except BaseException:
        if cache.db.in_transaction:
            cache.db.execute("ROLLBACK")
        raise
    for (code, domain), data in read.items():   # after the commit: a snapshot ahead of the
        write_snapshot(cache.snapshot_path(code, domain), data)   # record hides a change
    return result


def _apply(source: BuildInputs, cache: BuildCache, seen: InputChanges, changes: Changes,
           old: Content, jobs: int, progress: Report | None,
           read: dict[tuple[str, str], bytes | None], checked: frozenset[str]) -> BuildResult:
    summary = summary_result(cache.get("summary"), cache.get("warnings"))
    content = source.model.content
    if not seen.changed:
        cache.record_inputs(source.root, seen, full=False)   # touched, not changed
        cache.db.execute("COMMIT")
        return replace(summary, warnings=content.warnings)
    config = source.model.config
    dirty = Dirty()
    listing_same = _listed_same(old, content, changes.pages)
    _content_facts(old, content, changes.pages, dirty, config, cache, listing_same)
    ui = ui_domain(config.catalogues)
    errors = []
    for code, domain in changes.catalogues:   # every catalogue's errors, as a full build
        try:
            _catalogue_facts(source.root, code, domain, cache, content, dirty, read, config)
        except InputError as exc:
            errors += exc.diagnostics
    if errors:
        raise InputError(errors)
    if changes.templates:
        dirty.all_locales(config.locales, UI)
    dirty.facts[GLOBAL].update(f"file:{path}" for path in changes.files)
    with staging(source.root, source.target) as staged:
        # `list:pages` hashes every page key and news list key: unchanged, so is the set
        # of outputs (a news item's topics decide its topics' archive pages).
        same = not changes.files and "list:pages" not in dirty.facts[GLOBAL]
        selected, removed, wanted = _select(source, cache, dirty, same)
        parallel = jobs > 1 and len(selected) >= PARALLEL_MIN
        if parallel:    # read once here, inherited by the workers
            read_heads(cache, content)
        messages = {code: _messages(cache, code, ui, parallel, changes) for code in config.locales}
        job = replace(source, messages=messages).job(staged)
        recorded = _Recorded(cache, {page_key(path) for path in changes.pages})
        results = render_outputs(job, selected, jobs if parallel else 1, progress,
                                 sink=recorded)
        check_references(source, _refs(cache, source, changes, recorded.infos, checked),
                         checked)
        changed = recorded.changed + removed
        cache.forget_outputs(removed)
        ui = cache.get("ui_keys") or {}
        cache.put("ui_keys", {code: frozenset(ui.get(code, ())) | results.ui.get(code, set())
                              for code in ui.keys() | results.ui.keys()})
        files = recorded.paths
        if changed:     # the manifest's parts that hold the changed entries
            manifest, stale = write_manifest(cache, staged, changed)
            files += manifest
            removed = removed + stale
        pages = summary.pages if wanted is None else page_count(wanted.values())
        result = replace(summary, pages=pages, warnings=content.warnings)

        def commit() -> None:
            cache.record_inputs(source.root, seen, full=False)
            if changes.pages:
                record_content(cache, content, changes.pages, listing_same)
            record_summary(cache, result)
            cache.db.execute("COMMIT")

        written = publish(source.root, source.target, staged, files, removed, commit,
                          compare=True)
    return replace(result, written=written)


def _messages(cache: BuildCache, code: str, ui: str, parallel: bool, changes: Changes):
    """A locale's translations for the rebuild's renderers. Workers in other processes
    read the record's committed rows themselves, as a full build's do, unless this
    build changed the locale's rows (in its open transaction): those are loaded into
    memory before the fork. Loading every locale cost 240 MiB at N = 10,000."""
    if not parallel:
        return cache.messages(code, ui)
    if any(locale == code for locale, _ in changes.catalogues):
        return cache.messages(code, ui, loaded=True)
    return cache.shared_messages(code, ui)


class _Recorded:
    """The sink of a rebuild's rendering: each chunk's outputs go into the record (in the
    build's transaction) as they arrive, and only their paths are kept, with the page
    infos of the changed pages (`_refs`). A template edit renders 40,000 outputs at
    N = 10,000: kept until the end, their entries held 0.4 GB in the parent."""

    def __init__(self, cache: BuildCache, pages: set[str]):
        self.cache, self.pages = cache, pages
        self.paths: list[str] = []
        self.changed: list[str] = []      # whose `pages.json` entry is new or differs
        self.infos: list[PageInfo] = []

    def __call__(self, rendered: list[Rendered], infos: list[PageInfo]) -> None:
        self.changed += self.cache.changed_entries(rendered)
        self.cache.record_outputs(rendered, full=False)
        self.paths += [r.path for r in rendered]
        self.infos += [info for info in infos if info.key in self.pages]


def _select(source: BuildInputs, cache: BuildCache, dirty: Dirty, same: bool):
    """(outputs to render, stored paths to remove, every output the site should have, or
    None when it is the same set as the record's: `same`, no page or copied file added
    or removed — then only the dirty facts' outputs are looked up, not 40,000)."""
    todo = set()
    for code, facts in dirty.facts.items():
        todo |= cache.dependents(code, facts)
    if same:
        stored = cache.outputs(todo, dirty.everything)
        return [stored[path] for path in sorted(stored)], [], None
    wanted = {o.path: o for o in source.outputs()}
    stored = cache.outputs()
    # New paths, and paths now made from another source: templates/static/style.css
    # added over the theme's (or removed from over it) makes the same assets/style.css.
    todo |= {path for path, o in wanted.items() if stored.get(path) != o}
    todo |= {p for p, o in stored.items() if o.locale in dirty.everything}
    selected = [wanted[path] for path in sorted(todo) if path in wanted]
    removed = [path for path in stored if path not in wanted]
    return selected, removed, wanted


def _refs(cache: BuildCache, source: BuildInputs, changes: Changes, infos,
          checked: frozenset[str]) -> dict[str, Refs]:
    """The body references to check: the changed pages' (fresh, and recorded for the
    next build), and the record's of every other page unless all are `checked`."""
    pages = source.model.content.by_key()
    changed = {page_key(path) for path in changes.pages}
    fresh = {i.key: i for i in infos if i.key in changed}
    refs = {key: i.refs for key, i in fresh.items()}
    for key in changed & pages.keys():
        if key not in fresh:   # changed, but none of its outputs was rendered
            refs[key] = Refs.of(source.model.parsed[key])
    cache.record_uses({key: fresh[key].uses for key in fresh}
                      | {key: () for key in changed if key not in pages}, full=False)
    cache.record_analyses({i.digest: i.pickled for i in fresh.values()})
    record_refs(cache, refs, gone=changed - pages.keys())
    unchecked = any(p.source not in checked for key, p in pages.items() if key not in refs)
    return recorded_refs(cache) | refs if unchecked else refs


def page_key(path: str) -> str:
    """content/news/x.md → news/x"""
    return path.removeprefix("content/").removesuffix(".md")


def reusable(old: Content, changed: frozenset[str]) -> dict[str, Page]:
    """The record's pages whose files have not changed, by path."""
    return {p.source: p for p in old.pages if p.source not in changed}


def still_checked(old: Content, inputs: Inputs, changed: frozenset[str]) -> frozenset[str]:
    """The unchanged pages whose links, topics and images need no new look: every one
    when no page file was added or removed and no media file changed (the scan does not
    tell a new media file from an edited one), since what they point at is then what
    the last build checked them against, and it passed; else none. At N = 10,000 the
    rest of their front matters is then not even read."""
    pages = {f.path for f in inputs.of_kind("page")}
    if pages != {p.source for p in old.pages} or any(
            classify(path) == "media" for path in changed):
        return frozenset()
    return frozenset(pages - changed)


def _content_facts(old: Content, new: Content, changed: tuple[str, ...], dirty: Dirty,
                   config: SiteConfig, cache: BuildCache, listing_same: bool) -> None:
    if not changed:
        return
    locales, pages = config.locales, new.by_key()
    keys = [page_key(path) for path in changed]
    recorded, cards = recorded_cards(cache, keys), {}
    for key in keys:
        dirty.all_locales(locales, f"page:{key}")
        card = card_signature(pages[key]) if key in pages else None
        if card is None or recorded.get(key) != card:
            dirty.all_locales(locales, f"card:{key}")
        if card is not None:
            cards[key] = card
    if not listing_same:
        before, lists = cache.get("lists"), list_hashes(new, config)
        dirty.all_locales(locales, *(name for name in lists.keys() | before.keys()
                                     if lists.get(name) != before.get(name)))
        if lists != before:
            cache.put("lists", lists)
    record_cards(cache, cards, gone=[key for key in keys if key not in cards])


def _listed_same(old: Content, new: Content, changed: tuple[str, ...]) -> bool:
    """Whether the `changed` files left every listing as it was: each is a page before
    and after, with the same `LISTED` values (kind, date, order, topics) — all
    `list_hashes` reads of a page, and all the record's `LISTING` holds. Then hashing 10,000
    listings would find nothing new, and the record's listing stays."""
    if not changed:     # a catalogue or template edit: no page's index of keys to build
        return True
    before, after = old.by_key(), new.by_key()
    for key in map(page_key, changed):
        if key not in before or key not in after or listed(before[key]) != listed(after[key]):
            return False
    return True


def _catalogue_facts(root: Path, code: str, domain: str, cache: BuildCache, content: Content,
                     dirty: Dirty, read: dict[tuple[str, str], bytes | None],
                     config: SiteConfig) -> None:
    """Apply one catalogue's changed entries to the stored translations; dirty their users.
    Anything but clean, new entries (a problem, a duplicate, a new header) reloads the
    whole catalogue the full build's way, which also reports problems its way."""
    path = po_path(root / "locales", code, domain)
    snapshot = cache.snapshot_path(code, domain)
    data = read[(code, domain)] = path.read_bytes() if path.is_file() else None
    if data is None or not snapshot.is_file():
        return _reload(root, code, domain, data, cache, dirty, content, config)
    found = Collector(root)
    change = po_change(snapshot.read_bytes(), data, path, found)
    if change.reload or found.items or _duplicates(cache, code, domain, change):
        return _reload(root, code, domain, data, cache, dirty, content, config)
    keys = {(domain, e.msgctxt or None, e.msgid) for e in change.removed + change.added}
    cache.forget_messages(code, keys)
    rule = cache.plural_forms(code, domain)   # unchanged: a new one reloads the catalogue
    cache.db.executemany("INSERT OR REPLACE INTO messages VALUES (?, ?, ?, ?, ?)",
                         message_rows(code, domain, [e for e in change.added if not e.obsolete],
                                      rule))
    cache.db.executemany("DELETE FROM entries WHERE locale = ? AND domain = ? AND entry = ?",
                         [(code, domain, entry_hash(e)) for e in change.removed])
    cache.db.executemany("INSERT INTO entries VALUES (?, ?, ?)",
                         [(code, domain, entry_hash(e)) for e in change.added])
    pages = content.by_key()
    for key, users in cache.users(keys).items():
        for page in users:
            dirty.facts[code].add(f"page:{page}")
            if page in pages and _on_card(pages[page], key):
                dirty.facts[code].add(f"card:{page}")
    if keys & (cache.get("ui_keys") or {}).get(code, frozenset()):
        dirty.facts[code].add(UI)
        dirty.facts[GLOBAL].add(UI)


def _duplicates(cache: BuildCache, code: str, domain: str, change) -> bool:
    """Would the changed entries make two entries of one message?"""
    added = [entry_hash(e) for e in change.added]
    if len(set(added)) < len(added):
        return True
    gone = {entry_hash(e) for e in change.removed}
    return any(key not in gone and cache.db.execute(
        "SELECT 1 FROM entries WHERE locale = ? AND domain = ? AND entry = ?",
        (code, domain, key)).fetchone() for key in added)


def _on_card(page: Page, key: MsgKey) -> bool:
    return key[1:] in ((page.context("title"), page.title),
                       (page.context("summary"), page.summary))


def _reload(root: Path, code: str, domain: str, data: bytes | None, cache: BuildCache,
            dirty: Dirty, content: Content, config: SiteConfig) -> None:
    """The catalogue read whole: the interface's dirties the whole locale, another
    domain's the pages of that domain and their cards (a new year's catalogue, say)."""
    stored = catalogue_rows(root, code, domain, data) if data is not None else Stored([], [])
    replace_catalogue(cache.db, code, domain, stored)   # catalogue_rows is strict: it raises
    if domain == ui_domain(config.catalogues):
        dirty.everything.add(code)
        dirty.facts[GLOBAL].add(UI)
        return
    for page in content.pages:
        if domain_of(config.catalogues, page) == domain:
            dirty.facts[code].update((f"page:{page.key}", f"card:{page.key}"))
