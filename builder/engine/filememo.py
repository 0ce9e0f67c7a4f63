"""What `lint` and `stats` found in each catalogue, kept under what they found it in.

Linting a catalogue, or counting its entries, depends on the file's bytes, its
path in the project, its locale and the command's other arguments (the glossary),
and on the builder itself: nothing else. A 10,000-item site has 390 MB of
catalogues, and `lint` took 24 s on two cores; a translator's save changes one
file. So each result is kept under a key made of all of that (SHA-256), and the
next run hashes every file (0.3 s at that size) and does the work only for the
files whose key moved.

The memo is `.infopages-cache/files.sqlite`, one row per command, locale and file
(replaced when its key moves; the rows of files gone are dropped). It is a cache:
whatever goes wrong with it (a damaged file, a read-only project, a busy lock)
means the work is done and nothing is kept. A result is kept only if the file's
bytes were the same before and after the work, so a save during the run is not
kept under the bytes it replaced.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path
from typing import Any, Callable, NamedTuple, Sequence

from builder.engine.cache import CACHE_DIR, code_fingerprint
from builder.errors import Collector

MEMO_FILE = "files.sqlite"
MEMO_VERSION = 2     # bump when a key or a row changes meaning

# One call: (locale, path, *rest), for a function called as fn(root, locale, path, *rest).
Call = tuple


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
    arguments are as when it was kept (unless not `look`), the others by `run` (which
    returns their results in the order given). `kind` names the work (its rows are
    apart); `codec` stores its results."""
    salt = repr((MEMO_VERSION, kind, f"{fn.__module__}.{fn.__qualname__}", code_fingerprint()))
    keys = [_key(root, salt, call) for call in calls]
    db = _open(root)
    found = _lookup(db, kind, root, calls, keys, codec) if db is not None and look else {}
    todo = [index for index in range(len(calls)) if index not in found]
    fresh = dict(zip(todo, run([calls[index] for index in todo])))
    if db is not None:
        _keep(db, kind, root, codec, {index: (calls[index], keys[index], fresh[index])
                               for index in todo if keys[index] is not None
                               and _key(root, salt, calls[index]) == keys[index]})
        db.close()
    return [found[index] if index in found else fresh[index] for index in range(len(calls))]


def _key(root: Path, salt: str, call: Call) -> bytes | None:
    """The digest of everything the result of `call` depends on; None if its file
    cannot be read (the work reports that itself)."""
    locale, path, *rest = call
    digest = hashlib.sha256(repr((salt, locale, _rel(root, path), rest)).encode())
    try:
        with open(path, "rb") as handle:
            hashlib.file_digest(handle, lambda: digest)
    except OSError:
        return None
    return digest.digest()


def _rel(root: Path, path: Path) -> str:
    return Collector(root).rel(path)


def _open(root: Path) -> sqlite3.Connection | None:
    """The memo, or None. A cache folder or memo that is a symbolic link may point out
    of the project: it is neither read nor written."""
    folder = root / CACHE_DIR
    if folder.is_symlink() or (folder / MEMO_FILE).is_symlink():
        return None
    try:
        folder.mkdir(exist_ok=True)
        db = sqlite3.connect(folder / MEMO_FILE, timeout=5, isolation_level=None)
        db.execute("CREATE TABLE IF NOT EXISTS memo (kind TEXT, locale TEXT, path TEXT, "
                   "key BLOB, value BLOB, PRIMARY KEY (kind, locale, path))")
        return db
    except (OSError, sqlite3.Error):
        return None


def _lookup(db: sqlite3.Connection, kind: str, root: Path, calls: Sequence[Call],
            keys: list[bytes | None], codec: Codec) -> dict[int, Any]:
    found = {}
    try:
        rows = {(locale, path, key): value for locale, path, key, value in db.execute(
            "SELECT locale, path, key, value FROM memo WHERE kind = ?", (kind,))}
        for index, (call, key) in enumerate(zip(calls, keys)):
            value = rows.get((call[0], _rel(root, call[1]), key)) if key is not None else None
            if value is not None:
                found[index] = codec.decode(json.loads(value))
    except (sqlite3.Error, ValueError, TypeError, KeyError, AttributeError):
        return {}      # not what this builder wrote: the work is done again
    return found


def _keep(db: sqlite3.Connection, kind: str, root: Path, codec: Codec,
          results: dict[int, tuple[Call, bytes, Any]]) -> None:
    """The fresh results, in place of their files' rows; rows of files gone go too."""
    try:
        db.execute("BEGIN IMMEDIATE")
        gone = [(kind, path) for (path,) in db.execute(
            "SELECT DISTINCT path FROM memo WHERE kind = ?", (kind,))
            if not (root / path).is_file()]
        db.executemany("DELETE FROM memo WHERE kind = ? AND path = ?", gone)
        db.executemany("INSERT OR REPLACE INTO memo VALUES (?, ?, ?, ?, ?)", [
            (kind, call[0], _rel(root, call[1]), key,
             json.dumps(codec.encode(value), ensure_ascii=False, sort_keys=True))
            for call, key, value in results.values()])
        db.execute("COMMIT")
    except sqlite3.Error:
        if db.in_transaction:
            db.execute("ROLLBACK")
