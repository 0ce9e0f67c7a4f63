"""A locale's translations as the build record stores them, looked up by message.

`StoredMessages` asks the record's SQLite file one message at a time (no process
holds every catalogue); `HashedMessages` holds them in memory, keyed the same way.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from pathlib import Path
from typing import Any, Iterator, Mapping

MsgKey = tuple[str, str | None, str]    # (domain, msgctxt, msgid)


def msg_hash(key: MsgKey) -> bytes:
    domain, ctxt, msgid = key
    return hashlib.blake2b(f"{domain}\x04{ctxt or ''}\x04{msgid}".encode("utf-8"),
                           digest_size=16).digest()


class HashedMessages(Mapping):
    """Translations keyed by `msg_hash`, looked up by (msgctxt, msgid)."""

    def __init__(self, by_hash: dict[bytes, Any]):
        self.by_hash = by_hash

    def __getitem__(self, key: MsgKey) -> Any:
        return self.by_hash[msg_hash(key)]

    def get(self, key: MsgKey, default: Any = None) -> Any:
        """Mapping's own `get` would raise and catch a KeyError for every message not
        translated (a dozen times a page)."""
        return self.by_hash.get(msg_hash(key), default)

    def __iter__(self) -> Iterator:
        raise TypeError("hashed messages are looked up by key, not listed")

    def __len__(self) -> int:
        return len(self.by_hash)


def locale_rows(db: sqlite3.Connection, locale: str) -> dict[str, dict[bytes, Any]]:
    """A locale's rows of the record's `messages`, by kind, then by `msg_hash`."""
    found: dict[str, dict[bytes, Any]] = {"s": {}, "p": {}, "f": {}, "h": {}, "r": {}}
    for msg, kind, value in db.execute(
            "SELECT msg, kind, value FROM messages WHERE locale = ?", (locale,)):
        found[kind][msg] = tuple(json.loads(value)) if kind == "p" else value
    return found


class KeyHashes:
    """`msg_hash` of the keys looked up lately, shared by a build's locales: the
    locales of a page, rendered one after another, look up the same messages, whose
    digest (of a whole paragraph, often) each made again."""

    KEEP = 8192

    def __init__(self) -> None:
        self.kept: dict[MsgKey, bytes] = {}

    def __call__(self, key: MsgKey) -> bytes:
        found = self.kept.get(key)
        if found is None:
            if len(self.kept) >= self.KEEP:
                self.kept.clear()
            found = self.kept[key] = msg_hash(key)
        return found


class RecordedRows:
    """A locale's translations in the record, read into memory on the first lookup of
    a process (one that inherited a read of its parent's for one kind reads again for
    another). The render workers of a clean build read them themselves rather than
    inherit a copy the parent read: a string looked up in a forked child has its
    reference count written, which copies its memory page (some 10,000 pages a worker
    at N = 1,000, more time than reading the rows in parallel), and the parent, which
    shows no page unless publish gates need them, then need not read them at all."""

    def __init__(self, path: Path, locale: str, hashes: KeyHashes):
        self.path, self.locale, self.hashes = path, locale, hashes
        self.read: tuple[int, dict[str, dict[bytes, Any]]] | None = None

    def of_kind(self, kind: str) -> dict[bytes, Any]:
        if self.read is None or self.read[0] != os.getpid():
            self.read = (os.getpid(), self._rows())
        return self.read[1][kind]

    def _rows(self) -> dict[str, dict[bytes, Any]]:
        db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, isolation_level=None)
        try:
            db.execute("PRAGMA mmap_size = 0")    # as StoredMessages
            return locale_rows(db, self.locale)
        finally:
            db.close()


class RecordedMessages(HashedMessages):
    """`HashedMessages` of one kind, read on the first lookup (`RecordedRows`): a
    process forked before it reads its own, one forked after inherits them."""

    def __init__(self, rows: RecordedRows, kind: str):
        self.rows, self.kind = rows, kind      # `by_hash` is set by the first lookup

    def __getattr__(self, name: str) -> Any:
        # Only while `by_hash` is not set: then every lookup finds it at once (a check
        # of the process on each would cost a system call, 4 % of a build).
        if name != "by_hash":
            raise AttributeError(name)
        self.by_hash = self.rows.of_kind(self.kind)
        return self.by_hash

    def get(self, key: MsgKey, default: Any = None) -> Any:
        return self.by_hash.get(self.rows.hashes(key), default)


class StoredMessages(Mapping):
    """A locale's translations, looked up in the cache one message at a time, so
    that no process holds every catalogue. Given a connection (an incremental
    build's own transaction) or a database path: then each process opens its own
    connection on first use (a connection does not survive fork)."""

    def __init__(self, db: sqlite3.Connection | Path, locale: str, kind: str):
        self.source, self.locale, self.kind = db, locale, kind
        self.opened: tuple[int, sqlite3.Connection] | None = None

    @property
    def db(self) -> sqlite3.Connection:
        if isinstance(self.source, sqlite3.Connection):
            return self.source
        if self.opened is None or self.opened[0] != os.getpid():
            db = sqlite3.connect(f"file:{self.source}?mode=ro", uri=True, isolation_level=None)
            # No memory map: mapped pages of the record counted in each worker's RSS
            # (300 MB apiece at 10,000 items), and reads through the OS cache were
            # no slower (benchmarks/build_bench.py).
            db.execute("PRAGMA mmap_size = 0")
            db.execute("BEGIN")   # one read snapshot: no locking round trip per lookup
            self.opened = (os.getpid(), db)
        return self.opened[1]

    def __getitem__(self, key: MsgKey) -> Any:
        row = self.db.execute("SELECT value FROM messages WHERE locale = ? AND domain = ? "
                              "AND msg = ? AND kind = ?",
                              (self.locale, key[0], msg_hash(key), self.kind)).fetchone()
        if row is None:
            raise KeyError(key)
        return tuple(json.loads(row[0])) if self.kind == "p" else row[0]

    def __iter__(self) -> Iterator:
        raise TypeError("stored messages are looked up by key, not listed")

    def __len__(self) -> int:
        return self.db.execute("SELECT count(*) FROM messages WHERE locale = ? AND kind = ?",
                               (self.locale, self.kind)).fetchone()[0]
