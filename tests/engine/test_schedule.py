"""A clean build's schedule: this process loads the content while the catalogue
workers read, and the outputs made from many pages are handed out first. What is
built and what is reported stay the same (the golden and differential tests)."""

from __future__ import annotations

import multiprocessing
import os
import random
from pathlib import Path

import polib
import pytest

from builder.cli.app import main
from builder.engine import catstream, parallel
from builder.catalogues.domains import catalogue_files, ui_domain
from builder.engine.build import (
    BuildOptions,
    load_all_messages,
    load_site,
    templates_compiled,
    with_messages,
)
from builder.engine.cache import BuildCache, file_sha
from builder.engine.catstream import catalogues_stored
from builder.engine.parallel import KEEP_PARSED, KEEP_PARSED_MAX, LazyParsed, chunks
from builder.engine.pool import fork_pool
from builder.engine.stored import KeyHashes, RecordedRows, msg_hash
from builder.errors import Collector, Diagnostic
from builder.render.manifest import ManifestMemo, manifest_entry
from builder.render.outputs import PUBLISHED, Renderers, render_output
from builder.render.routes import CHOOSER, FEED, GLOBAL, SITEMAP, Output
from builder.segments.blocks import make_markdown, parse_body
from builder.source.config import load_config
from builder.source.content import load_content
from builder.source.inputs import checked_scan
from tests.conftest import make_project, translate_catalogues
from tests.engine.test_incremental import po


def _stored(root: Path, jobs: int):
    config = load_config(root)
    cache = BuildCache(root, "build")
    return catalogues_stored(cache.path, config, config.target_locales, jobs), cache


# Set before the workers fork, so that they inherit it.
_INSIDE = multiprocessing.get_context("fork").Event()
_STORE = catstream.store_catalogue


def _store_once_the_block_runs(db_path, root, locale, domain):
    """`store_catalogue`, started only once the parent is inside the block: with the
    storing done before the block (no overlap), it waits in vain and says so."""
    if not _INSIDE.wait(timeout=10):
        return catstream.Read((Diagnostic(f"{locale}/{domain}", None,
                                          "stored before the block ran"),), domain)
    return _STORE(db_path, root, locale, domain)


def test_the_catalogue_workers_read_while_the_block_runs(mini: Path, monkeypatch):
    assert main(["update", "--project", str(mini)]) == 0
    stored, cache = _stored(mini, 2)
    monkeypatch.setattr(catstream, "store_catalogue", _store_once_the_block_runs)
    _INSIDE.clear()
    try:
        with stored:
            _INSIDE.set()
        rows = cache.db.execute("SELECT COUNT(*) FROM entries").fetchone()[0]
        assert rows > 0
    finally:
        cache.close()
    assert not multiprocessing.active_children()


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_workers_give_the_digest_of_what_they_stored(mini: Path, jobs):
    """Each catalogue is read once: its workers give the digest of its bytes, under
    the name the scan gives the file, and the record keeps it (as it keeps every
    input's, read by the parent)."""
    assert main(["update", "--project", str(mini)]) == 0
    stored, cache = _stored(mini, jobs)
    try:
        with stored as reading:
            assert reading.shas == {}       # not before the workers are done
        names = set(checked_scan(mini, load_config(mini)).files)
        assert reading.paths and reading.paths <= names
        assert reading.shas == {path: file_sha(mini / path) for path in reading.paths}
    finally:
        cache.close()
    assert main(["build", "--project", str(mini), "--quiet", "--full", "--jobs", str(jobs)]) == 0
    cache = BuildCache(mini, "build")
    try:
        recorded = dict(cache.db.execute("SELECT path, sha FROM inputs"))
    finally:
        cache.close()
    assert reading.paths <= set(recorded)
    assert recorded == {path: file_sha(mini / path) for path in recorded}


def _translated_and_stored(root: Path, jobs: int) -> BuildCache:
    """`root`'s catalogues, French and Arabic translated, stored in its build record."""
    assert main(["update", "--project", str(root)]) == 0
    for locale in ("fr", "ar"):
        translate_catalogues(root, locale, lambda text, locale=locale: f"{locale}: {text}")
    stored, cache = _stored(root, jobs)
    with stored:
        pass
    return cache


# The translations a forked child looks up: set before the fork, so that it inherits them.
_FORKED: dict[str, object] = {}


def _read_in_child() -> tuple[int, int | None, list]:
    singular = _FORKED["singular"]
    rows = sorted(singular.by_hash.items())     # the first lookup of this process
    return os.getpid(), singular.rows.read[0], rows


def test_each_process_reads_the_recorded_translations_itself(mini: Path):
    """A clean build's parent does not read the translations the catalogue workers
    stored (without publish gates, it shows no page): each render worker reads them
    from the record on its first lookup, the same as the parent's own read gives,
    instead of inheriting a copy whose memory its lookups would copy page by page."""
    cache = _translated_and_stored(mini, 2)
    try:
        config = load_config(mini)
        ui = ui_domain(config.catalogues)
        for code in config.target_locales:
            recorded = cache.recorded_messages(code, ui, KeyHashes())
            loaded = cache.messages(code, ui, loaded=True)
            rows = recorded.singular.rows
            assert rows.read is None                       # nothing read before a lookup
            assert len(loaded.singular) > 10
            _FORKED["singular"] = recorded.singular
            with fork_pool(1) as pool:
                child, reader, found = pool.submit(_read_in_child).result()
            assert rows.read is None                       # the child's read is its own
            assert child != os.getpid() and reader == child
            assert found == sorted(loaded.singular.by_hash.items())
            for kind in ("singular", "plural", "fuzzy"):
                assert getattr(recorded, kind).by_hash == getattr(loaded, kind).by_hash
            assert rows.read[0] == os.getpid()
            read = rows.read
            assert recorded.fuzzy.get(("x", None, "not a message")) is None
            with fork_pool(1) as pool:                     # read here, then forked:
                child, reader, found = pool.submit(_read_in_child).result()
            assert reader == os.getpid() != child          # inherited, not read again
            assert found == sorted(loaded.singular.by_hash.items())
            fresh = cache.recorded_messages(code, ui, KeyHashes())
            assert fresh.plural.by_hash == loaded.plural.by_hash   # read for one kind:
            _FORKED["singular"] = fresh.singular
            with fork_pool(1) as pool:
                child, reader, found = pool.submit(_read_in_child).result()
            assert reader == child != os.getpid()          # read again for the others
            assert found == sorted(loaded.singular.by_hash.items())
            assert rows.read is read                       # once a process, every kind
    finally:
        _FORKED.clear()
        cache.close()


def test_the_locales_share_the_digests_of_the_keys_they_look_up(mini: Path):
    """A page's locales look up the same messages: each key's `msg_hash` is made once
    for all of them, and is the digest the record keys the translation by."""
    cache = _translated_and_stored(mini, 1)
    try:
        config = load_config(mini)
        ui = ui_domain(config.catalogues)
        hashes = KeyHashes()
        keys = [(domain, entry.msgctxt, entry.msgid)
                for domain, path in catalogue_files(config, "fr").items()
                for entry in polib.pofile(str(path)) if entry.msgid]
        assert len(keys) > 10
        for code in ("fr", "ar"):
            recorded = cache.recorded_messages(code, ui, hashes)
            loaded = cache.messages(code, ui, loaded=True)
            found = [recorded.singular.get(key) for key in keys]
            assert found == [loaded.singular.get(key) for key in keys]
            assert sum(text is not None for text in found) > 10
        assert hashes.kept == {key: msg_hash(key) for key in keys}   # made once, for both
    finally:
        cache.close()
    many = KeyHashes()
    for number in range(KeyHashes.KEEP + 5):
        assert many(("news", None, f"text {number}")) == msg_hash(("news", None, f"text {number}"))
    assert len(many.kept) <= KeyHashes.KEEP


def test_a_clean_build_reads_the_translations_in_its_render_workers(mini: Path, tmp_path: Path,
                                                                  monkeypatch):
    """In a clean build of a site big enough for a pool, the parent reads no
    translation: each render worker reads each locale's once (pids logged by the real
    reader)."""
    for index in range(80):
        day = f"2019-{index % 12 + 1:02d}-{index % 28 + 1:02d}"
        (mini / "content" / "news" / f"{day}-item-{index}.md").write_text(
            f"---\ntitle: Item {index}\ndate: {day}\n---\n\nText of item {index}.\n")
    assert main(["update", "--project", str(mini)]) == 0
    translate_catalogues(mini, "fr", lambda text: f"fr: {text}")
    log = tmp_path / "reads.log"
    read_rows = RecordedRows._rows

    def logged(rows):
        with open(log, "a", encoding="utf-8") as out:
            out.write(f"{os.getpid()} {rows.locale}\n")
        return read_rows(rows)

    monkeypatch.setattr(RecordedRows, "_rows", logged)
    assert main(["build", "--project", str(mini), "--quiet", "--full", "--jobs", "2"]) == 0
    reads = [tuple(line.split()) for line in log.read_text("utf-8").splitlines()]
    assert reads and str(os.getpid()) not in {pid for pid, _ in reads}
    assert len(reads) == len(set(reads))                   # once a process and locale
    assert "fr: Text of item 7." in (mini / "site" / "fr" / "news" /
                                     "2019-08-08-item-7.html").read_text("utf-8")


def test_templates_and_dates_are_made_once_before_the_workers_fork(mini: Path):
    """The parent compiles every template the pages are rendered with
    (`templates_compiled`) and makes every page's dates (`DateBook.fill`): renderers
    made afterwards (a worker's) make none of them again."""
    source, renderers = _renderers(mini)
    store, dates = source.model.templates.bytecode.store, source.model.dates
    assert store == {} and len(dates) == 0
    templates_compiled(source.model)
    dated = {p.date for p in source.model.content.pages if p.date}
    dates.fill(source.model.locales, (p.date for p in source.model.content.pages if p.date))
    compiled, made = dict(store), len(dates)
    assert len(compiled) >= 8
    assert made == len(dated) * len(source.model.locales) >= 6
    outputs = [o for o in source.outputs() if o.variant == PUBLISHED]
    assert {o.locale for o in outputs} >= {"en", "fr", "ar", GLOBAL}
    for output in outputs:
        assert render_output(renderers, output)
    assert store.keys() == compiled.keys()
    assert all(store[key] is compiled[key] for key in compiled)   # none compiled again
    assert len(dates) == made                                     # no date made again


def test_a_template_that_does_not_compile_is_left_to_the_build(mini: Path, capsys):
    (mini / "templates").mkdir(exist_ok=True)
    (mini / "templates" / "topic.html").write_text(
        '{% extends "theme/topic.html" %}\n{% block main %}{% if %}{% endblock %}\n', "utf-8")
    config = load_config(mini)
    source = load_site(mini, mini / "site", checked_scan(mini, config), config, {}, False,
                       BuildOptions())
    templates_compiled(source.model)
    assert len(source.model.templates.bytecode.store) >= 8
    assert main(["build", "--project", str(mini), "--quiet", "--jobs", "2"]) == 2
    err = capsys.readouterr().err
    assert "templates/topic.html:2: error: template syntax error" in err
    assert "Traceback" not in err


def test_a_failure_of_the_block_stops_the_workers(mini: Path):
    assert main(["update", "--project", str(mini)]) == 0
    stored, cache = _stored(mini, 2)
    try:
        with pytest.raises(KeyError):
            with stored:
                raise KeyError("not an input problem")
    finally:
        cache.close()
    assert not multiprocessing.active_children()


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_content_error_comes_alone_as_in_an_incremental_build(mini: Path, capsys, jobs):
    """The incremental build stops at the content; the full build, whose catalogue
    workers were already reading, must report the same."""
    assert main(["update", "--project", str(mini)]) == 0
    po(mini, "fr").write_bytes(po(mini, "fr").read_bytes()
                               + b'\nmsgid "broken"\nmsgstr "unterminated\n')
    page = mini / "content" / "topics" / "safety.md"
    page.write_text(page.read_text("utf-8").replace("title: Safety", "title: Safety\ncolour: red"),
                    "utf-8")
    capsys.readouterr()
    assert main(["build", "--project", str(mini), "--quiet", "--jobs", jobs]) == 2
    err = capsys.readouterr().err
    assert "content/topics/safety.md:" in err and "colour" in err
    assert "locales/fr/LC_MESSAGES/" not in err
    assert "Traceback" not in err
    assert not multiprocessing.active_children()
    page.write_text(page.read_text("utf-8").replace("colour: red\n", ""), "utf-8")
    assert main(["build", "--project", str(mini), "--quiet", "--jobs", jobs]) == 2
    assert "locales/fr/LC_MESSAGES/" in capsys.readouterr().err   # its turn now


def test_outputs_made_from_many_pages_are_handed_out_first_and_nothing_is_lost():
    pages = [Output("", locale, key, locale) for key in ("home", "news", "topics/a", "news/b")
             for locale in ("en", "fr")]
    outputs = pages + [Output("", "en", FEED, "en"), Output("", "fr", FEED, "fr"),
                       Output("", GLOBAL, SITEMAP), Output("", GLOBAL, CHOOSER)]
    tasks = chunks(outputs)
    # The feeds of every locale in one task: they render the same newest bodies.
    assert tasks[:2] == [[Output("", "en", FEED, "en"), Output("", "fr", FEED, "fr")],
                         [Output("", GLOBAL, SITEMAP)]]
    assert sorted(o for task in tasks for o in task) == sorted(outputs)
    for key in ("home", "news", "topics/a", "news/b"):   # a page's locales stay together
        assert len({i for i, task in enumerate(tasks) for o in task if o.key == key}) == 1


@pytest.mark.parametrize("feed_size", [KEEP_PARSED + 8, 2 * KEEP_PARSED])
def test_a_feed_parses_its_bodies_once_for_every_locale(tmp_path: Path, feed_size: int):
    """A worker renders the feeds of every locale in turn, each reading the newest
    `feed_size` bodies in the same order: the bodies are kept for the next locale's feed
    instead of parsed again (with the old fixed 32 kept, every locale parsed them all)."""
    root = make_project(tmp_path, "mini")
    for index in range(feed_size + 5):
        day = f"2020-{index % 12 + 1:02d}-{index % 28 + 1:02d}"
        (root / "content" / "news" / f"{day}-item-{index}.md").write_text(
            f"---\ntitle: Item {index}\ndate: {day}\n---\n\nText of *item* {index}.\n")
    config = load_config(root)
    diags = Collector(root)
    content = load_content(config, checked_scan(root, config), diags)
    assert not diags.errors
    newest = [p.key for p in content.news_newest_first()][:feed_size]
    parsed = LazyParsed(content.by_key(), make_markdown(), feed_size)
    first = [parsed[key] for key in newest]
    for _locale in range(3):
        assert all(parsed[key] is body for key, body in zip(newest, first))
    small = LazyParsed(content.by_key(), make_markdown(), 0)   # no feed: the usual few
    assert small.keep == KEEP_PARSED
    assert LazyParsed(content.by_key(), make_markdown(), 10 ** 6).keep == KEEP_PARSED_MAX


def test_a_build_parses_a_feed_item_at_most_twice(mini: Path, monkeypatch):
    """The build's own wiring: its render workers keep `feed_size` bodies, so the feeds
    of all three locales parse the newest 40 once (and their pages may parse them
    again later), where 32 kept made every locale's feed parse all 40 (156 parses of
    50 pages then; 66 now)."""
    (mini / "content" / "site.yaml").write_text(
        (mini / "content" / "site.yaml").read_text("utf-8") + "feed_size: 40\n", "utf-8")
    for index in range(45):
        day = f"2019-{index % 12 + 1:02d}-{index % 28 + 1:02d}"
        (mini / "content" / "news" / f"{day}-item-{index}.md").write_text(
            f"---\ntitle: Item {index}\ndate: {day}\n---\n\nText of item {index}.\n")
    parses: list[str] = []

    def counted(page, md):
        parses.append(page.key)
        return parse_body(page, md)

    monkeypatch.setattr(parallel, "parse_body", counted)
    assert main(["build", "--project", str(mini), "--quiet", "--jobs", "1"]) == 0
    pages = len(set(parses))
    assert pages >= 45 + 3
    assert len(parses) <= pages + 40, (len(parses), pages)


def _renderers(root: Path):
    """The published site's renderers of `root`, loaded as a build loads them."""
    config = load_config(root)
    inputs = checked_scan(root, config)
    source = load_site(root, root / "site", inputs, config, {}, False, BuildOptions())
    source = with_messages(source, load_all_messages(config, config.locales, 1))
    return source, Renderers(source.model, source.messages, source.variants, None, source.read)


def test_pages_json_entries_are_the_same_whatever_order_a_worker_makes_them_in(repo: Path):
    """A worker keeps the parts of the last page's entry that every locale shares: an
    entry made in any order, the memo shared, equals one made with a memo of its own."""
    source, renderers = _renderers(repo)
    outputs = [o for o in source.outputs() if o.variant == PUBLISHED and o.locale != GLOBAL]
    fresh = {o: manifest_entry(renderers.get(PUBLISHED, o.locale), o.key) for o in outputs}
    assert sum(1 for e in fresh.values() if e and e["sources"]["blocks"]) >= 8
    memo = ManifestMemo()
    for order in (sorted(outputs, key=lambda o: o.key), outputs,
                  random.Random(7).sample(outputs, len(outputs))):
        for o in order:
            assert manifest_entry(renderers.get(PUBLISHED, o.locale), o.key, memo) == fresh[o]
