"""The build record's pages: a row per page file, its front matter apart from its body.

A rebuild reuses the page of every unchanged file but renders only the few whose
outputs changed, and `update` needs a page's body only where its analysis is not
remembered. The bodies are nine tenths of the pages' bytes (39 of 44 MB at N =
10,000 news items), so they are a table of their own: a command reads the front
matters (what listings, links and checks across the site are made of) with each
page's `page_digest`, made when the page was recorded, and a body only when
something asks for it (`RecordedPage`).
"""

from __future__ import annotations

import os
import pickle
import sqlite3
from dataclasses import fields
from functools import cached_property
from typing import Iterable

from builder.engine.cache import BuildCache
from builder.segments.analysis import page_digest
from builder.source.content import Content, Page

# Every field but the body, in the order a row holds their values.
HEAD = tuple(f.name for f in fields(Page) if f.name != "body")


class RecordDamaged(Exception):
    """A body the record should hold and does not: the rebuild gives way to a full build."""


class Bodies:
    """Reads pages' bodies from the record. In the process that opened the record,
    through its connection while it is open, else on a connection closed after the
    read: a second connection left open there would keep the record's write-ahead log
    from being folded back into it when the writer closes, and the next command would
    read through a log of tens of megabytes. Another process (a render worker, forked
    from the build: a connection does not survive a fork) keeps one of its own."""

    def __init__(self, cache: BuildCache):
        self.cache: BuildCache | None = cache
        self.pid: int | None = os.getpid()
        self.path = cache.path
        self.opened: tuple[int, sqlite3.Connection] | None = None

    def __getstate__(self) -> dict:
        return {"cache": None, "pid": None, "path": self.path, "opened": None}

    def body(self, source: str) -> str:
        if os.getpid() != self.pid:
            if self.opened is None or self.opened[0] != os.getpid():
                self.opened = (os.getpid(), self._connect())
            row = self._row(self.opened[1], source)
        elif self.cache is not None and not self.cache.closed:
            row = self._row(self.cache.db, source)
        else:
            db = self._connect()
            try:
                row = self._row(db, source)
            finally:
                db.close()
        if row is None or not isinstance(row[0], str):
            raise RecordDamaged(f"{self.path}: no body for {source}")
        return row[0]

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, isolation_level=None)
        db.execute("PRAGMA mmap_size = 0")   # as `stored.StoredMessages`: not in RSS
        return db

    @staticmethod
    def _row(db: sqlite3.Connection, source: str) -> tuple | None:
        return db.execute("SELECT body FROM bodies WHERE source = ?", (source,)).fetchone()


class RecordedPage(Page):
    """A page as the record holds it: equal to the page its file loads to, its body
    read from the record on first use. Not a dataclass of its own: Page's fields,
    __init__ and repr; `dataclasses.replace` makes one with its body in hand."""

    @cached_property
    def body(self) -> str:   # type: ignore[override]  # Page.__init__ sets it; else read
        return self.__dict__["_bodies"].body(self.source)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Page):
            return NotImplemented
        return all(getattr(self, f.name) == getattr(other, f.name) for f in fields(Page))

    __hash__ = Page.__hash__


def stored_content(cache: BuildCache) -> Content | None:
    """The last build's pages (without warnings), or None without a record of them;
    each page reads its body when first asked for it (`RecordedPage`). A page whose
    body the record has lost is left out: its file is read again."""
    unloaded = cache.get("unloaded")
    if unloaded is None:
        return None
    reader, new, pages = Bodies(cache), object.__new__, []
    for data, digest in cache.db.execute(
            "SELECT data, digest FROM pages WHERE source IN (SELECT source FROM bodies) "
            "ORDER BY source"):
        # As pickle makes an object (its dict filled in, no __init__): a frozen
        # dataclass's __init__ sets each of 17 fields through object.__setattr__.
        page = new(RecordedPage)
        page.__dict__.update(zip(HEAD, pickle.loads(data)), _bodies=reader, _digest=digest)
        pages.append(page)
    return Content(tuple(pages), (), unloaded)


def digest_of(page: Page) -> bytes:
    """`page_digest(page)`: as recorded, for a page of the record (its body unread)."""
    return page.__dict__.get("_digest") or page_digest(page)


def record_content(cache: BuildCache, content: Content,
                   changed: Iterable[str] | None = None) -> None:
    """Every page of `content`, or (incremental) only those of the `changed` files:
    a rebuild writes what changed, not 40 MB of pages."""
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
    # The values only: a page object's pickle names each of its fields, and a
    # rebuild unpickles every row (10,000 tuples of values: half the time).
    cache.db.executemany("INSERT INTO pages VALUES (?, ?, ?)", [
        (p.source, pickle.dumps(tuple(getattr(p, name) for name in HEAD),
                                protocol=pickle.HIGHEST_PROTOCOL), digest_of(p))
        for p in pages])
    cache.db.executemany("INSERT INTO bodies VALUES (?, ?)", [(p.source, p.body) for p in pages])
    cache.put("unloaded", content.unloaded)
