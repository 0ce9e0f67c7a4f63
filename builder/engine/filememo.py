"""What `lint` and `stats` found in each catalogue, kept under what they found it in.

Linting a catalogue, or counting its entries, depends on the file's bytes, its
path in the project, its locale and the command's other arguments (the glossary),
and on the builder itself: nothing else. A 10,000-item site has 390 MB of
catalogues, and `lint` took 24 s on two cores; a translator's save changes one
file. So each result is kept under a key made of all of that (SHA-256), and the
next run does the work only for the files whose key moved.

A file's bytes are known without reading them when its fingerprint (modification
and change times, size, inode: `source.inputs.fingerprint`) is the one kept with
its row, as the build's input scan does: a run where nothing changed reads no
catalogue (hashing 390 MB took 0.3 s of it). A fingerprint taken within a tick
of the file system's clock of a save could hide a second save (`inputs.racy`): it
is kept as one that matches nothing, and the file is hashed next time.

The memo is `.infopages-cache/files.sqlite`, one row per command, locale and file
(replaced when its key moves; the rows of files gone are dropped). It is a cache:
whatever goes wrong with it (a damaged file, a read-only project, a busy lock)
means the work is done and nothing is kept. A result is kept only if the file's
bytes were the same after the work as when its fingerprint was taken, so a save
during the run is not kept under the bytes it replaced.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from pathlib import Path
from typing import Any, Callable, NamedTuple, Sequence

from builder.engine.cache import CACHE_DIR, RACY, code_fingerprint
from builder.errors import Collector
from builder.source.inputs import Fingerprint, clock_tick, fingerprint, racy

MEMO_FILE = "files.sqlite"
MEMO_VERSION = 3     # bump when a key or a row changes meaning (the memo is then emptied)

# One call: (locale, path, *rest), for a function called as fn(root, locale, path, *rest).
Call = tuple


class Seen(NamedTuple):
    """A file as this run found it: its fingerprint (taken first), the SHA-256 of its
    bytes (None: it cannot be read), and whether they were read for it."""
    fingerprint: Fingerprint | None
    sha: bytes | None
    read: bool


class Row(NamedTuple):
    key: bytes
    value: str
    fingerprint: Fingerprint
    sha: bytes


class Codec(NamedTuple):
    """A result as JSON's plain values and back. Not pickle: a project's cache folder
    can come with the project (a pull request checked out in CI), and unpickling runs
    whatever its bytes say."""
    encode: Callable[[Any], Any]
    decode: Callable[[Any], Any]


def per_file(root: Path, kind: str, fn: Callable[..., Any], calls: Sequence[Call],
             run: Callable[[list[Call]], list[Any]], codec: Codec,
             look: bool = True) -> list[Any]:
    """fn(root, *call) for every call, in order: from the memo where its file and
    arguments are as when it was kept (unless not `look`: then every file is read),
    the others by `run` (which returns their results in the order given). `kind`
    names the work (its rows are apart); `codec` stores its results."""
    salt = repr((MEMO_VERSION, kind, f"{fn.__module__}.{fn.__qualname__}", code_fingerprint()))
    db = _open(root)
    rows = _rows(db, kind) if db is not None and look else {}   # none: every file is read
    places = [(call[0], _rel(root, call[1])) for call in calls]
    taken = time.time_ns()    # before any fingerprint: see `_keep`
    seen = [_seen(call[1], rows.get(place)) for call, place in zip(calls, places)]
    keys = [_key(salt, call, place[1], file.sha) for call, place, file in zip(calls, places, seen)]
    found = {}
    for index, (place, key) in enumerate(zip(places, keys)):
        row = rows.get(place)
        if key is not None and row is not None and row.key == key:
            try:
                found[index] = codec.decode(json.loads(row.value))
            except (ValueError, TypeError, KeyError, AttributeError):
                pass      # not what this builder wrote: the work is done again
    todo = [index for index in range(len(calls)) if index not in found]
    fresh = dict(zip(todo, run([calls[index] for index in todo])))
    if db is not None:
        # Kept only if the bytes worked on are those the key was made of.
        results = [(places[index], keys[index], seen[index], fresh[index]) for index in todo
                   if keys[index] is not None and _sha(calls[index][1]) == seen[index].sha]
        # A file read although its result was found (touched, or saved back): its new
        # fingerprint, so that the next run need not read it.
        moved = [(places[index], keys[index], seen[index]) for index in found
                 if seen[index].read]
        _keep(db, kind, root, codec, results, moved, taken)
        db.close()
    return [found[index] if index in found else fresh[index] for index in range(len(calls))]


def _seen(path: Path, row: Row | None) -> Seen:
    """The file's fingerprint, then its bytes' SHA-256: the row's if the fingerprint is
    the one kept with it (never for a racy one, kept as RACY), else read."""
    try:
        now = fingerprint(os.stat(path))
    except OSError:
        return Seen(None, None, False)
    if row is not None and row.fingerprint == now:
        return Seen(now, row.sha, False)
    return Seen(now, _sha(path), True)


def _sha(path: Path) -> bytes | None:
    try:
        with open(path, "rb") as handle:
            return hashlib.file_digest(handle, "sha256").digest()
    except OSError:
        return None


def _key(salt: str, call: Call, rel: str, sha: bytes | None) -> bytes | None:
    """The digest of everything the result of `call` depends on; None if its file
    cannot be read (the work reports that itself)."""
    if sha is None:
        return None
    locale, _path, *rest = call
    return hashlib.sha256(repr((salt, locale, rel, rest, sha)).encode()).digest()


def _rel(root: Path, path: Path) -> str:
    return Collector(root).rel(path)


def _open(root: Path) -> sqlite3.Connection | None:
    """The memo, or None. A cache folder or memo that is a symbolic link may point out
    of the project: it is neither read nor written. A memo of another version is
    emptied."""
    folder = root / CACHE_DIR
    if folder.is_symlink() or (folder / MEMO_FILE).is_symlink():
        return None
    try:
        folder.mkdir(exist_ok=True)
        db = sqlite3.connect(folder / MEMO_FILE, timeout=5, isolation_level=None)
        if db.execute("PRAGMA user_version").fetchone()[0] != MEMO_VERSION:
            db.execute("BEGIN IMMEDIATE")
            db.execute("DROP TABLE IF EXISTS memo")
            db.execute("CREATE TABLE memo (kind TEXT, locale TEXT, path TEXT, key BLOB, "
                       "value TEXT, mtime_ns INTEGER, size INTEGER, ctime_ns INTEGER, "
                       "inode INTEGER, sha BLOB, PRIMARY KEY (kind, locale, path))")
            db.execute(f"PRAGMA user_version = {MEMO_VERSION}")
            db.execute("COMMIT")
        return db
    except (OSError, sqlite3.Error):
        return None


def _rows(db: sqlite3.Connection, kind: str) -> dict[tuple[str, str], Row]:
    """The rows of `kind`, by (locale, path); none if they are not what this builder
    writes (the work is done again)."""
    try:
        rows = {}
        for locale, path, key, value, *stat, sha in db.execute(
                "SELECT locale, path, key, value, mtime_ns, size, ctime_ns, inode, sha "
                "FROM memo WHERE kind = ?", (kind,)):
            if not (isinstance(key, bytes) and isinstance(value, str) and isinstance(sha, bytes)
                    and all(type(n) is int for n in stat)):
                return {}
            rows[(locale, path)] = Row(key, value, tuple(stat), sha)
        return rows
    except sqlite3.Error:
        return {}


def _keep(db: sqlite3.Connection, kind: str, root: Path, codec: Codec,
          results: list[tuple[tuple[str, str], bytes, Seen, Any]],
          moved: list[tuple[tuple[str, str], bytes, Seen]], taken: int) -> None:
    """The fresh `results` in place of their files' rows, and the new fingerprints of
    the rows of results found (`moved`); rows of files gone go too. A fingerprint taken
    within a tick of a save (`taken`: before any was taken) is kept as RACY."""
    tick = None     # the file system clock's: probed only when a file was saved just now

    def stored(print_: Fingerprint) -> Fingerprint:
        nonlocal tick
        if racy(print_, taken):
            tick = clock_tick(root / CACHE_DIR / ".tick-files") if tick is None else tick
            if racy(print_, taken, tick):
                return (RACY, *print_[1:])
        return print_

    try:
        db.execute("BEGIN IMMEDIATE")
        gone = [(kind, path) for (path,) in db.execute(
            "SELECT DISTINCT path FROM memo WHERE kind = ?", (kind,))
            if not (root / path).is_file()]
        db.executemany("DELETE FROM memo WHERE kind = ? AND path = ?", gone)
        db.executemany("INSERT OR REPLACE INTO memo VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
            (kind, locale, path, key,
             json.dumps(codec.encode(value), ensure_ascii=False, sort_keys=True),
             *stored(seen.fingerprint), seen.sha)
            for (locale, path), key, seen, value in results])
        db.executemany("UPDATE memo SET mtime_ns = ?, size = ?, ctime_ns = ?, inode = ?, "
                       "sha = ? WHERE kind = ? AND locale = ? AND path = ? AND key = ?", [
            (*stored(seen.fingerprint), seen.sha, kind, locale, path, key)
            for (locale, path), key, seen in moved])
        db.execute("COMMIT")
    except sqlite3.Error:
        if db.in_transaction:
            db.execute("ROLLBACK")
