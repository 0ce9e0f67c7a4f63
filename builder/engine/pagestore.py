"""The build record's pages: a row per page file, its front matter apart from its body.

A rebuild reuses the page of every unchanged file but renders only the few whose
outputs changed, and `update` needs a page's body only where its analysis is not
remembered. The bodies are nine tenths of the pages' bytes (39 of 44 MB at N =
10,000 news items), so they are a table of their own. Of the front matter, a
rebuild reads for every page only what the site's listings, routes and catalogue
domains are made of (`LISTED`: kind, date, order, topics), with the page's
`page_digest`, made when the page was recorded, read with it where asked for
(`update`); a rebuild reads every page's LISTED values as one value of the record
(`LISTING`), rewritten only when a page comes, goes or changes one of them. The rest
of a page's front matter, and its body, are read from its rows when something asks
for them (`RecordedPage`).
"""

from __future__ import annotations

import os
import pickle
import sqlite3
from dataclasses import fields
from functools import cached_property
from typing import Iterable, Mapping

from builder.engine.cache import BuildCache
from builder.segments.analysis import page_digest
from builder.segments.references import Refs
from builder.source.content import Content, Page

# Every field but the body, in the order a row holds their values.
HEAD = tuple(f.name for f in fields(Page) if f.name != "body")
# What every page is asked for in a rebuild (listings, routes, domains, dates), besides
# its source: `LISTING` holds them for every page; the rest of HEAD is read on demand.
LISTED = ("key", "kind", "date", "order", "topics")
# The record's meta value that holds, for every page in source order, its source and
# its LISTED values: a rebuild reads the site's listings as one value (at N = 10,000,
# 8 ms against 42 ms for a row per page), and an edit that leaves them as they were
# (a body, a title) does not write it.
LISTING = "listing"


class RecordDamaged(Exception):
    """A body or front matter the record should hold and does not: the rebuild gives way
    to a full build."""


class RecordReader:
    """Reads pages' bodies and front matters from the record. In the process that
    opened the record, through its connection while it is open, else on a connection
    closed after the read: a second connection left open there would keep the record's
    write-ahead log from being folded back into it when the writer closes, and the next
    command would read through a log of tens of megabytes. Another process (a render
    worker, forked from the build: a connection does not survive a fork) keeps one of
    its own."""

    def __init__(self, cache: BuildCache):
        self.cache: BuildCache | None = cache
        self.pid: int | None = os.getpid()
        self.path = cache.path
        self.opened: tuple[int, sqlite3.Connection] | None = None

    def __getstate__(self) -> dict:
        return {"cache": None, "pid": None, "path": self.path, "opened": None}

    def body(self, source: str) -> str:
        row = self._row("SELECT body FROM bodies WHERE source = ?", source)
        if row is None or not isinstance(row[0], str):
            raise RecordDamaged(f"{self.path}: no body for {source}")
        return row[0]

    def head(self, source: str) -> dict:
        """The page's recorded front matter: HEAD's fields by name."""
        row = self._row("SELECT data FROM pages WHERE source = ?", source)
        if row is None or not isinstance(row[0], bytes):
            raise RecordDamaged(f"{self.path}: no front matter for {source}")
        return _head(row[0])

    def _row(self, query: str, source: str) -> tuple | None:
        if os.getpid() != self.pid:
            if self.opened is None or self.opened[0] != os.getpid():
                self.opened = (os.getpid(), self._connect())
            return self.opened[1].execute(query, (source,)).fetchone()
        if self.cache is not None and not self.cache.closed:
            return self.cache.db.execute(query, (source,)).fetchone()
        db = self._connect()
        try:
            return db.execute(query, (source,)).fetchone()
        finally:
            db.close()

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, isolation_level=None)
        db.execute("PRAGMA mmap_size = 0")   # as `stored.StoredMessages`: not in RSS
        return db


class RecordedPage(Page):
    """A page as the record holds it: equal to the page its file loads to, its body and
    (unless loaded `whole`) the front matter beyond `LISTED` read from the record on
    first use. Not a dataclass of its own: Page's fields, __init__ and repr;
    `dataclasses.replace` makes one with everything in hand."""

    @cached_property
    def body(self) -> str:   # type: ignore[override]  # Page.__init__ sets it; else read
        return self.__dict__["_record"].body(self.source)

    def __getattr__(self, name: str) -> object:
        # Python asks here only for what the instance does not hold: a field of the
        # front matter not read yet, read with the rest of it, once.
        record = self.__dict__.get("_record")
        if record is None or name not in HEAD:
            raise AttributeError(name)
        self.__dict__.update(record.head(self.source))
        return self.__dict__[name]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Page):
            return NotImplemented
        return all(getattr(self, f.name) == getattr(other, f.name) for f in fields(Page))

    __hash__ = Page.__hash__


def stored_content(cache: BuildCache, whole: bool = False) -> Content | None:
    """The last build's pages (without warnings), or None without a record of them;
    each page reads its body, and unless `whole` the front matter beyond `LISTED`, when
    first asked for it (`RecordedPage`). Unless `whole`, the pages come from the
    record's listing, one value for the site (`LISTING`), not from a row per page. A
    page whose body the record has lost is left out: its file is read again."""
    unloaded = cache.get("unloaded")
    if unloaded is None:
        return None
    reader, new, pages = RecordReader(cache), object.__new__, []
    listing = None if whole else _listing(cache)
    if listing is not None:
        for source, values in listing:
            # As pickle makes an object (its dict filled in, no __init__): a frozen
            # dataclass's __init__ sets each of 17 fields through object.__setattr__.
            page = new(RecordedPage)
            page.__dict__.update(zip(LISTED, values), source=source, _record=reader)
            pages.append(page)
    else:   # every front matter whole, and the digests, from the rows of pages with a body
        for source, data, digest in cache.db.execute(
                "SELECT source, data, digest FROM pages WHERE source IN "
                "(SELECT source FROM bodies) ORDER BY source"):
            page = new(RecordedPage)
            page.__dict__.update(_head(data), source=source, _record=reader, _digest=digest)
            pages.append(page)
    return Content(tuple(pages), (), unloaded)


def _listing(cache: BuildCache) -> tuple | None:
    """The record's listing, if it has a body for each of its pages."""
    listing = cache.get(LISTING)
    bodies = cache.db.execute("SELECT COUNT(*) FROM bodies").fetchone()[0]
    return listing if listing is not None and len(listing) == bodies else None


def read_heads(cache: BuildCache, content: Content) -> None:
    """The rest of the front matter of every recorded page of `content` not read yet,
    in one pass: before a rebuild that renders many pages, whose render workers would
    otherwise each read them one query at a time."""
    pages = {p.source: p for p in content.pages
             if type(p) is RecordedPage and "title" not in vars(p)}
    if not pages:
        return
    for source, data in cache.db.execute("SELECT source, data FROM pages"):
        if source in pages:
            pages[source].__dict__.update(_head(data))


def digest_of(page: Page) -> bytes:
    """`page_digest(page)`: as recorded, for a page of the record read `whole` (its
    body unread)."""
    return page.__dict__.get("_digest") or page_digest(page)


def record_content(cache: BuildCache, content: Content,
                   changed: Iterable[str] | None = None, listing_same: bool = False) -> None:
    """Every page of `content`, or (incremental) only those of the `changed` files:
    a rebuild writes what changed, not 40 MB of pages. `listing_same`: the changed
    files left every page's LISTED values as they were (`LISTING` stays)."""
    if changed is None:
        cache.db.execute("DELETE FROM pages")
        cache.db.execute("DELETE FROM bodies")
        pages = content.pages
    else:
        changed = set(changed)
        gone = [(source,) for source in changed]
        cache.db.executemany("DELETE FROM pages WHERE source = ?", gone)
        cache.db.executemany("DELETE FROM bodies WHERE source = ?", gone)
        pages = tuple(p for p in content.pages if p.source in changed)
    # The values only: a page object's pickle names each of its fields.
    cache.db.executemany("INSERT INTO pages VALUES (?, ?, ?)", [
        (p.source, _pickled(p, HEAD), digest_of(p)) for p in pages])
    cache.db.executemany("INSERT INTO bodies VALUES (?, ?)", [(p.source, p.body) for p in pages])
    cache.put("unloaded", content.unloaded)
    if changed is None or not listing_same:
        cache.put(LISTING, tuple((p.source, listed(p))
                                 for p in sorted(content.pages, key=lambda p: p.source)))


def listed(page: Page) -> tuple:
    """The page's LISTED values."""
    return tuple(getattr(page, name) for name in LISTED)


def _head(data: bytes) -> dict:
    """A recorded front matter (a `pages` row's `data`): HEAD's fields by name."""
    return dict(zip(HEAD, pickle.loads(data)))


def _pickled(page: Page, names: tuple[str, ...]) -> bytes:
    return pickle.dumps(tuple(getattr(page, name) for name in names),
                        protocol=pickle.HIGHEST_PROTOCOL)


# A row per page, not a value for the whole site: a rebuild reads and writes those of
# the pages it changed (at N = 10,000, 0.6 MB each, read and written whole, cost 20 ms).

def recorded_refs(cache: BuildCache) -> dict[str, Refs]:
    """The body references of every page, as the last build found them."""
    return {key: Refs(*pickle.loads(data))
            for key, data in cache.db.execute("SELECT key, data FROM refs")}


def record_refs(cache: BuildCache, refs: Mapping[str, Refs], gone: Iterable[str] = (),
                full: bool = False) -> None:
    """The body references of the pages of `refs`, in place of all (`full`) or of theirs
    and those of `gone`."""
    _write(cache, "refs", {key: pickle.dumps(tuple(value), protocol=pickle.HIGHEST_PROTOCOL)
                           for key, value in refs.items()}, gone, full)


def recorded_cards(cache: BuildCache, keys: Iterable[str]) -> dict[str, str]:
    """The `card_signature` of the pages of `keys`, as the last build recorded them."""
    query = "SELECT key, card FROM cards WHERE key = ?"
    return dict(row for key in sorted(set(keys)) for row in cache.db.execute(query, (key,)))


def record_cards(cache: BuildCache, cards: Mapping[str, str], gone: Iterable[str] = (),
                 full: bool = False) -> None:
    _write(cache, "cards", cards, gone, full)


def _write(cache: BuildCache, table: str, values: Mapping[str, object], gone: Iterable[str],
           full: bool) -> None:
    if full:
        cache.db.execute(f"DELETE FROM {table}")
    cache.db.executemany(f"DELETE FROM {table} WHERE key = ?", [(key,) for key in gone])
    cache.db.executemany(f"INSERT OR REPLACE INTO {table} VALUES (?, ?)", sorted(values.items()))
