"""The record's pages: a command reads every page's front matter and recorded digest,
but a body only where it needs it (a rebuild: the pages it renders; `update`: pages
whose analysis is not remembered); a record that lost a body costs a full build, never
a wrong page. The record's SQLite file is edited with SQLite itself, as damage would."""

from __future__ import annotations

import pickle
import sqlite3
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

from builder.cli.app import main
from builder.engine import incremental, pagememo
from builder.engine.cache import BuildCache
from builder.engine.pagestore import (LISTED, LISTING, RecordedPage, RecordReader, digest_of,
                                     read_heads, stored_content)
from builder.errors import Collector
from builder.segments.analysis import page_digest
from builder.source.config import load_config
from builder.source.content import load_content
from builder.source.inputs import scan
from tests.engine.test_incremental import (build, edit, rebuild_and_compare, reference, site,
                                           stamps, touched, tree)

__all__ = ["site"]   # the fixture, for pytest


def forget_bodies(project: Path) -> None:
    """Every page's body gone from the record."""
    db = sqlite3.connect(project / ".infopages-cache" / "build.sqlite")
    with db:
        db.execute("DELETE FROM bodies")
    db.close()


def fresh_pages(project: Path) -> dict[str, object]:
    config = load_config(project)
    diags = Collector(project)
    content = load_content(config, scan(project), diags)
    assert not diags.errors
    return {page.source: page for page in content.pages}


def spy_on(module, monkeypatch) -> list:
    """What `stored_content` gave `module`, kept to look at after the command."""
    given = []

    def spy(cache, **options):
        given.append(stored_content(cache, **options))
        return given[-1]

    monkeypatch.setattr(module, "stored_content", spy)
    return given


def unread(content) -> bool:
    return all(type(p) is RecordedPage and "body" not in vars(p) for p in content.pages)


def test_a_recorded_page_equals_the_page_its_file_loads_to(site: Path):
    fresh = fresh_pages(site)
    cache = BuildCache(site)
    try:
        lazy = {p.source: p for p in stored_content(cache).pages}
        whole = {p.source: p for p in stored_content(cache, whole=True).pages}
        other = stored_content(cache).by_key()["topics/safety"]
    finally:
        cache.close()
    assert lazy.keys() == fresh.keys() == whole.keys()
    for source, page in fresh.items():
        recorded = lazy[source]
        assert all(name in vars(recorded) for name in LISTED) and "title" not in vars(recorded)
        assert digest_of(whole[source]) == page_digest(page) and "body" not in vars(whole[source])
        assert whole[source] == page and "title" in vars(whole[source])
        assert recorded == page and page == recorded
        assert hash(recorded) == hash(page) and recorded.body == page.body
        assert replace(recorded, title="Other") != page
        assert digest_of(replace(recorded, title="Other")) != digest_of(page)
    # Sent to another process (pickled) unread, a page reads its body there.
    code = ("import pickle, sys; page = pickle.load(sys.stdin.buffer); "
            "sys.stdout.buffer.write(page.body.encode())")
    out = subprocess.run([sys.executable, "-c", code], input=pickle.dumps(other),
                         capture_output=True, check=True, cwd=site)
    assert "body" not in vars(other)
    assert out.stdout.decode("utf-8") == fresh["content/topics/safety.md"].body


def test_a_rebuild_reads_no_body_of_a_page_it_does_not_render(site: Path, tmp_path: Path,
                                                               capsys, monkeypatch):
    """A topic's body edit renders the topic's own pages only: the record's pages the
    rebuild was given (every other one) are all unread at the end."""
    given = spy_on(incremental, monkeypatch)
    edit(site / "content/topics/safety.md", "We protect people", "We protect everyone")
    written = rebuild_and_compare(site, tmp_path, capsys)
    assert {p for p in written if p.endswith(".html")} == {
        f"{code}/topics/safety.html" for code in ("en", "fr", "ar")}
    assert len(given) == 1 and len(given[0].pages) == 5 and unread(given[0])


def test_update_reads_no_body_whose_analysis_it_remembers(site: Path, monkeypatch, capsys):
    given = spy_on(pagememo, monkeypatch)
    catalogues = sorted((site / "locales").rglob("*.po*"))
    before = {path: path.read_bytes() for path in catalogues}
    assert main(["update", "--project", str(site)]) == 0
    assert {path: path.read_bytes() for path in catalogues} == before
    assert len(given) == 1 and len(given[0].pages) == 5 and unread(given[0])


def test_pages_whose_bodies_the_record_lost_are_read_from_their_files(
        site: Path, tmp_path: Path, capsys):
    """Still a rebuild, equal to a full build: the pages without a body in the record
    are loaded from their files, as changed ones are."""
    forget_bodies(site)
    edit(site / "content/news/2020-03-01-second.md", "The second news item", "Second item")
    assert "en/feed.xml" in rebuild_and_compare(site, tmp_path, capsys)


def test_a_body_lost_while_a_rebuild_runs_means_a_full_build(site: Path, tmp_path: Path,
                                                              capsys, monkeypatch):
    """A title edit re-renders the pages that show the item's card, and the feed, which
    carries the bodies of its items: here they are gone by the time they are read."""
    def losing(cache):
        content = stored_content(cache)
        forget_bodies(site)
        return content

    monkeypatch.setattr(incremental, "stored_content", losing)
    edit(site / "content/news/2020-03-01-second.md", "The second news item", "Second item")
    before = stamps(site / "site")
    capsys.readouterr()
    assert build(site) == 0
    assert capsys.readouterr().out.startswith("built ")
    assert "en/feed.xml" in touched(before, site / "site")
    assert tree(site / "site") == reference(site, tmp_path)
    # The full build wrote the record again, bodies and all: the next one is a rebuild.
    monkeypatch.undo()
    edit(site / "content/news/2020-03-01-second.md", "Second item", "The second item")
    assert "en/feed.xml" in rebuild_and_compare(site, tmp_path, capsys)


def test_reading_bodies_leaves_no_write_ahead_log(site: Path, tmp_path: Path, capsys,
                                                  monkeypatch):
    """A title edit renders its neighbours, whose bodies the rebuild reads from the
    record. Read through a second connection of the writing process, they kept the
    record's write-ahead log from being folded back into it at the end: the next
    command read through a log of tens of megabytes (10 ms more at N = 1,000)."""
    given = spy_on(incremental, monkeypatch)
    edit(site / "content/news/2020-03-01-second.md", "The second news item", "Second item")
    rebuild_and_compare(site, tmp_path, capsys)
    assert any("body" in vars(page) for page in given[0].pages)
    assert not (site / ".infopages-cache" / "build.sqlite-wal").exists()


def test_update_leaves_no_write_ahead_log_after_reading_bodies(site: Path, capsys):
    """`update` reads the body of an unchanged page whose analysis it does not remember
    (here: every analysis forgotten), after the record it took the page from is closed."""
    db = sqlite3.connect(site / ".infopages-cache" / "build.sqlite")
    with db:
        db.execute("DELETE FROM analyses")
        db.execute("DELETE FROM meta WHERE name = 'extract_refs'")
    db.close()
    assert main(["update", "--project", str(site)]) == 0
    assert not (site / ".infopages-cache" / "build.sqlite-wal").exists()


def test_an_input_error_is_reported_with_the_recorded_links_of_unchanged_pages(
        site: Path, capsys, monkeypatch):
    """A typo in one file stops the rebuild before it renders, and every problem is
    still reported at once: the body links of unchanged pages come from the record, not
    from parsing every body (3.3 s for one typo at N = 10,000, now 0.5 s). The report is
    the full build's, and the site is as it was."""
    given = spy_on(incremental, monkeypatch)
    (site / "content/pages/about.md").unlink()          # linked from the topic's body
    edit(site / "content/news/2020-03-01-second.md", "title: The", "title: [The")
    before = tree(site / "site")
    capsys.readouterr()
    assert build(site) == 2
    report = capsys.readouterr().err
    assert len(given) == 1 and unread(given[0])
    assert "2020-03-01-second.md:2: error: invalid YAML" in report
    assert "safety.md:17: error: link to unknown page `pages/about`" in report
    assert build(site, "--full") == 2
    assert capsys.readouterr().err == report
    assert tree(site / "site") == before


def test_a_rebuild_reads_the_rest_of_the_front_matter_only_of_the_pages_it_shows(
        site: Path, tmp_path: Path, capsys, monkeypatch):
    """A news item's body edit renders that item's pages: of the record's other pages
    only what listings are made of (`LISTED`) is read, but for those the item's page
    shows (its topic, the items before and after it), whose titles it needs; and no
    other page's body references."""
    given, every_ref = spy_on(incremental, monkeypatch), []
    monkeypatch.setattr(incremental, "recorded_refs", lambda *a: every_ref.append(a) or {})
    edit(site / "content/news/2020-03-01-second.md", "Body of the second", "New body of the second")
    written = rebuild_and_compare(site, tmp_path, capsys)
    assert every_ref == []     # the other pages' body links are not read, nor checked again
    assert {p for p in written if p.endswith(".html")} == {
        f"{code}/news/2020-03-01-second.html" for code in ("en", "fr", "ar")}
    pages = given[0].by_key()
    assert all({"source", *LISTED} <= vars(page).keys() for page in pages.values())
    html = (site / "site/en/news/2020-03-01-second.html").read_text("utf-8")
    shown = {key for key in pages if f'{key.split("/")[1]}.html"' in html}
    read = {key for key, page in pages.items() if "title" in vars(page)}
    assert read == shown - {"news/2020-03-01-second"} and "pages/about" not in read


def test_references_of_unchanged_pages_are_checked_again_when_their_target_goes(
        site: Path, tmp_path: Path, capsys):
    """The unchanged pages' links, topics and images are taken as checked only while no
    page or media file comes or goes: a page or a media file removed, that unchanged
    pages point at, is reported for each of them, as a full build reports it."""
    media = site / "content/media"
    media.mkdir()
    (media / "map.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    edit(site / "content/news/2021-06-30-third.md", "---\n\n", "---\n\n![A map](map.png)\n\n")
    assert build(site) == 0
    for gone in (site / "content/pages/about.md", media / "map.png"):
        saved = gone.read_bytes()
        gone.unlink()
        capsys.readouterr()
        assert build(site) == 2
        errors = capsys.readouterr().err
        assert build(site, "--full") == 2
        assert capsys.readouterr().err == errors
        name = "about" if gone.suffix == ".md" else "map.png"
        assert errors.count(name) >= (2 if name == "about" else 1), errors
        gone.write_bytes(saved)
        assert build(site) == 0    # a full build: the failed `--full` left no record
    assert tree(site / "site") == reference(site, tmp_path)


def test_front_matters_read_in_one_pass_equal_those_read_one_by_one(site: Path, monkeypatch):
    """Before a rebuild renders many pages on several processes, the rest of every
    recorded front matter is read at once (`read_heads`): the same pages as their
    files load to, and none is read again one by one."""
    fresh = fresh_pages(site)
    cache = BuildCache(site)
    try:
        content = stored_content(cache)
        assert all("title" not in vars(page) for page in content.pages)
        read_heads(cache, content)
    finally:
        cache.close()

    def refuse(reader, source):
        raise AssertionError(f"{source} read again")

    monkeypatch.setattr(RecordReader, "head", refuse)
    assert {page.source: page for page in content.pages} == fresh


def statements(project: Path, monkeypatch) -> list[str]:
    """Every SQL statement run on `project`'s build record, kept to look at."""
    run: list[str] = []
    opened = BuildCache.__init__

    def tracing(self, *args, **kwargs):
        opened(self, *args, **kwargs)
        if self.path.parent.parent == project:
            self.db.set_trace_callback(run.append)

    monkeypatch.setattr(BuildCache, "__init__", tracing)
    return run


def listing_writes(project: Path, monkeypatch) -> list[object]:
    """Each `LISTING` `project`'s build record is given."""
    written = []
    put = BuildCache.put

    def spy(self, name, value):
        if name == LISTING and self.path.parent.parent == project:
            written.append(value)
        put(self, name, value)

    monkeypatch.setattr(BuildCache, "put", spy)
    return written


def test_a_rebuild_reads_the_listing_not_a_row_per_page(site: Path, tmp_path: Path, capsys,
                                                       monkeypatch):
    """A body edit: the pages come from the record's one listing value, which stays as it
    was; the pages' rows are read one by one, for the pages rendered only (the item's
    own, its neighbours, the feed's five items)."""
    config = site / "content" / "site.yaml"    # the feed (whose items' bodies it
    config.write_text(config.read_text("utf-8") + "feed_size: 5\n", "utf-8")   # carries): 5
    for index in range(40):
        (site / "content" / "news" / f"2001-01-{index % 28 + 1:02d}-old-{index}.md").write_text(
            f"---\ntitle: Old item {index}\ndate: 2001-01-{index % 28 + 1:02d}\n---\n\n"
            f"Text of old item {index}.\n", "utf-8")
    assert build(site) == 0
    run, written = statements(site, monkeypatch), listing_writes(site, monkeypatch)
    edit(site / "content/news/2020-03-01-second.md", "Body of the second", "New body of the second")
    rebuild_and_compare(site, tmp_path, capsys)
    assert f"SELECT value FROM meta WHERE name = '{LISTING}'" in run
    rows = [s for s in run if " FROM pages" in s and not s.startswith("DELETE")]
    assert rows and all(s.startswith("SELECT data FROM pages WHERE source = ") for s in rows)
    assert len(set(rows)) < 10, rows      # of 45 pages
    assert written == []


def test_an_edit_of_what_listings_show_rewrites_the_listing(site: Path, tmp_path: Path, capsys,
                                                            monkeypatch):
    written = listing_writes(site, monkeypatch)
    page = site / "content/news/2020-03-01-second.md"
    edit(page, "date: 2020-03-01", "date: 2019-12-31")
    rebuild_and_compare(site, tmp_path, capsys)
    assert len(written) == 1
    listing = dict(written[0])
    assert str(listing["content/news/2020-03-01-second.md"][LISTED.index("date")]) == "2019-12-31"
    # The next rebuild starts from the listing written: a body edit, then equal again.
    edit(page, "Body of the second", "New body of the second")
    rebuild_and_compare(site, tmp_path, capsys)
    assert len(written) == 1
