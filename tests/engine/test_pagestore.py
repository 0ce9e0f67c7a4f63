"""The record's pages: a rebuild reads every page's front matter but only the bodies
of the pages it renders; a record that lost a body costs a full build, never a wrong
page. The record's SQLite file is edited with SQLite itself, as a damaged cache is."""

from __future__ import annotations

import pickle
import sqlite3
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

from builder.engine import incremental
from builder.engine.cache import BuildCache
from builder.engine.pagestore import RecordedPage, stored_content
from builder.source.config import load_config
from builder.source.content import load_content
from builder.source.inputs import scan
from builder.errors import Collector
from tests.engine.test_incremental import (build, edit, rebuild_and_compare, reference, site,
                                           stamps, touched, tree)

__all__ = ["site"]   # the fixture, for pytest


def forget_bodies(project: Path, keep: set[str] = frozenset()) -> None:
    """Every page's body gone from the record, but those of the `keep` files."""
    db = sqlite3.connect(project / ".infopages-cache" / "build.sqlite")
    with db:
        db.executemany("UPDATE pages SET body = NULL WHERE source = ?",
                       [(s,) for (s,) in db.execute("SELECT source FROM pages")
                        if s not in keep])
    db.close()


def fresh_pages(project: Path) -> dict[str, object]:
    config = load_config(project)
    diags = Collector(project)
    content = load_content(config, scan(project), diags)
    assert not diags.errors
    return {page.source: page for page in content.pages}


def test_a_recorded_page_equals_the_page_its_file_loads_to(site: Path):
    fresh = fresh_pages(site)
    cache = BuildCache(site)
    try:
        lazy = {p.source: p for p in stored_content(cache, bodies=False).pages}
        whole = {p.source: p for p in stored_content(cache).pages}
        unread = stored_content(cache, bodies=False).by_key()["topics/safety"]
    finally:
        cache.close()
    assert lazy.keys() == whole.keys() == fresh.keys()
    for source, page in fresh.items():
        recorded = lazy[source]
        assert type(recorded) is RecordedPage and type(whole[source]) is type(page)
        assert "body" not in vars(recorded)   # nothing read yet
        assert recorded == page and page == recorded and whole[source] == page
        assert hash(recorded) == hash(page) and recorded.body == page.body
        assert replace(recorded, title="Other") != page
        assert replace(recorded, title="Other").body == page.body
    # Sent to another process (pickled) unread, a page reads its body there.
    code = ("import pickle, sys; page = pickle.load(sys.stdin.buffer); "
            "sys.stdout.buffer.write(page.body.encode())")
    out = subprocess.run([sys.executable, "-c", code], input=pickle.dumps(unread),
                         capture_output=True, check=True, cwd=site)
    assert "body" not in vars(unread)
    assert out.stdout.decode("utf-8") == fresh["content/topics/safety.md"].body


def test_a_rebuild_reads_no_body_of_a_page_it_does_not_render(site: Path, tmp_path: Path,
                                                               capsys, monkeypatch):
    """A topic's body edit renders the topic's own pages only. Every other body is gone
    from the record, and the rebuild is still a rebuild (not a full build), equal to a
    full build of the same sources; the record's pages it was given are all unread."""
    given = []

    def spy(*args, **kwargs):
        given.append(stored_content(*args, **kwargs))
        return given[-1]

    monkeypatch.setattr(incremental, "stored_content", spy)
    forget_bodies(site)
    edit(site / "content/topics/safety.md", "We protect people", "We protect everyone")
    written = rebuild_and_compare(site, tmp_path, capsys)
    assert {p for p in written if p.endswith(".html")} == {
        f"{code}/topics/safety.html" for code in ("en", "fr", "ar")}
    assert len(given) == 1 and len(given[0].pages) == 5
    assert all(type(p) is RecordedPage and "body" not in vars(p) for p in given[0].pages)


def test_a_record_that_lost_a_body_it_needs_means_a_full_build(site: Path, tmp_path: Path,
                                                                capsys):
    """A title edit re-renders the pages that show the item's card, and the feed,
    which carries the bodies of its items: those bodies are gone."""
    forget_bodies(site)
    edit(site / "content/news/2020-03-01-second.md", "The second news item", "Second item")
    before = stamps(site / "site")
    capsys.readouterr()
    assert build(site) == 0
    assert capsys.readouterr().out.startswith("built ")
    assert "en/feed.xml" in touched(before, site / "site")
    assert tree(site / "site") == reference(site, tmp_path)
    # The full build wrote the record again, bodies and all: the next one is a rebuild.
    edit(site / "content/news/2020-03-01-second.md", "Second item", "The second item")
    assert "en/feed.xml" in rebuild_and_compare(site, tmp_path, capsys)
