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
