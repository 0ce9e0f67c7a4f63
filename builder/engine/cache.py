"""The incremental build's memory: `.infopages-cache/build.sqlite`.

For the last successful build it records every input file's fingerprint, every
output with the facts it depends on (see `deps`) and its `pages.json` entry,
the hashes of the listings, the loaded content, which pages use which message,
and each locale's publishable translations, so that a rebuild neither parses
every source nor loads every catalogue. PO files are snapshotted beside it so
that `podiff` can tell which entries a translator changed.

Written in one transaction at the end of a build: a build that fails or is
killed leaves the previous record, and the next build redoes its work.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Mapping

from builder.render.routes import Output
from builder.source.inputs import Fingerprint, Inputs, scan

if TYPE_CHECKING:   # imported when used: the up-to-date check must start fast
    from builder.engine.parallel import Rendered
    from builder.render.translations import Messages

SCHEMA_VERSION = "6"
CACHE_DIR = ".infopages-cache"
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value BLOB);
CREATE TABLE IF NOT EXISTS inputs (path TEXT PRIMARY KEY, mtime_ns INTEGER, size INTEGER,
                                   ctime_ns INTEGER, inode INTEGER, sha TEXT);
CREATE TABLE IF NOT EXISTS outputs (path TEXT PRIMARY KEY, variant TEXT, locale TEXT, key TEXT,
                                    prefix TEXT, entry TEXT);
CREATE TABLE IF NOT EXISTS deps (locale TEXT, fact TEXT, path TEXT);
CREATE TABLE IF NOT EXISTS uses (msg BLOB, page TEXT);
CREATE TABLE IF NOT EXISTS analyses (digest BLOB PRIMARY KEY, data BLOB) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS messages (locale TEXT, msg BLOB, kind TEXT, value TEXT,
                                     PRIMARY KEY (locale, msg)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS entries (locale TEXT, entry BLOB,
                                    PRIMARY KEY (locale, entry)) WITHOUT ROWID;
"""
INDEXES = """
CREATE INDEX IF NOT EXISTS deps_fact ON deps (locale, fact);
CREATE INDEX IF NOT EXISTS deps_path ON deps (path);
CREATE INDEX IF NOT EXISTS uses_msg ON uses (msg);
CREATE INDEX IF NOT EXISTS uses_page ON uses (page);
"""
MsgKey = tuple[str | None, str]    # (msgctxt, msgid)


def entry_hash(entry) -> bytes:
    """What makes two entries of a catalogue duplicates: context, msgid, obsolete or not."""
    text = f"{entry.msgctxt or ''}\x04{entry.msgid}\x04{int(entry.obsolete)}"
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


def msg_hash(key: MsgKey) -> bytes:
    ctxt, msgid = key
    return hashlib.blake2b(f"{ctxt or ''}\x04{msgid}".encode("utf-8"), digest_size=16).digest()


def file_sha(path: Path) -> str:
    return hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()


def entry_json(entry: dict) -> str:
    """A `pages.json` entry as it appears in the document, less its indentation."""
    return json.dumps(entry, sort_keys=True, indent=1, ensure_ascii=False)


@dataclass(frozen=True)
class InputChanges:
    changed: frozenset[str]    # added, removed or modified (by content, not by date)
    fingerprints: dict[str, Fingerprint]
    shas: dict[str, str]       # of every file whose fingerprint moved


def code_fingerprint() -> str:
    """What the builder is: its modules, its built-in theme (templates and static files:
    inputs of every build that change only with the builder, so a change means a full
    build), Python and the libraries that shape the output. Stat only, no import: the
    up-to-date check runs before anything heavy is loaded."""
    import importlib.util
    import sys

    here = Path(__file__).parent.parent
    theme = [p for p in (here / "theme").rglob("*") if p.is_file()]
    files = sorted((p.relative_to(here).as_posix(), p.stat().st_size, p.stat().st_mtime_ns)
                   for p in [*here.rglob("*.py"), *theme])
    libraries = []
    for name in ("babel", "jinja2", "markdown_it", "markupsafe", "yaml"):
        spec = importlib.util.find_spec(name)
        origin = Path(spec.origin) if spec and spec.origin else None
        libraries.append((name, origin.stat().st_mtime_ns if origin else None))
    return repr((sys.version_info[:3], files, libraries))


def build_state(target: Path, options: tuple = ()) -> tuple:
    """A rebuild is incremental only onto the same output folder, by the same builder,
    with the same options (variants, locales)."""
    return (SCHEMA_VERSION, code_fingerprint(), str(target.resolve()), options)


def up_to_date(root: Path, target: Path) -> tuple[dict, tuple] | None:
    """(summary, warnings) of the last build if no input has been touched since; else None.
    Reads the record without writing, and stats the inputs without opening them. The
    options the last build had are those a plain `build` would have: they come from
    site.yaml, which has not changed."""
    path = root / CACHE_DIR / "build.sqlite"
    if not path.is_file() or not target.is_dir():
        return None
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        meta = dict(db.execute("SELECT name, value FROM meta WHERE name IN "
                               "('state', 'summary', 'warnings')"))
        state = pickle.loads(meta["state"]) if "state" in meta else None
        if state is None or state[:3] != build_state(target)[:3]:
            return None
        before = {p: (m, s, c, i) for p, m, s, c, i in db.execute(
            "SELECT path, mtime_ns, size, ctime_ns, inode FROM inputs")}
    finally:
        db.close()
    inputs = scan(root)
    if inputs.errors or before != inputs.fingerprints():
        return None
    return pickle.loads(meta["summary"]), pickle.loads(meta["warnings"])


def snapshot_path(db_path: Path, locale: str) -> Path:
    """Where a build record keeps the bytes of a catalogue it read (for `catalogues.diff`)."""
    folder = "po" if db_path.stem == "build" else f"{db_path.stem}-po"
    return db_path.parent / folder / f"{locale}.po"


class BuildCache:
    """One SQLite connection to the record of the last build (or a new, empty one)."""

    def __init__(self, root: Path, name: str = "build"):
        self.dir = root / CACHE_DIR
        self.name = name
        self.dir.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path, isolation_level=None, timeout=600)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        if self.db.execute("PRAGMA user_version").fetchone()[0] != int(SCHEMA_VERSION):
            self._reset()    # a record from another version of infopages: start again
        self.db.executescript(SCHEMA)

    def _reset(self) -> None:
        tables = [name for (name,) in self.db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")]
        for name in tables:
            self.db.execute(f"DROP TABLE IF EXISTS {name}")
        self.db.execute(f"PRAGMA user_version = {int(SCHEMA_VERSION)}")

    def close(self) -> None:
        self.db.close()

    # -- meta ---------------------------------------------------------------
    def get(self, name: str) -> Any:
        row = self.db.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
        return pickle.loads(row[0]) if row else None

    def put(self, name: str, value: Any) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                        (name, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)))

    def snapshot_path(self, locale: str) -> Path:
        return snapshot_path(self.path, locale)

    # -- inputs ---------------------------------------------------------------
    def input_changes(self, inputs: Inputs) -> InputChanges:
        root, now = inputs.root, inputs.fingerprints()
        before = {path: ((mtime, size, ctime, inode), sha) for path, mtime, size, ctime, inode, sha
                  in self.db.execute("SELECT path, mtime_ns, size, ctime_ns, inode, sha FROM inputs")}
        changed, shas = set(now.keys() ^ before.keys()), {}
        for path, fingerprint in now.items():
            old = before.get(path)
            if old is None or old[0] != fingerprint:
                shas[path] = file_sha(root / path)
                if old is not None and old[1] != shas[path]:
                    changed.add(path)
        return InputChanges(frozenset(changed), now, shas)

    def record_inputs(self, root: Path, changes: InputChanges, full: bool) -> None:
        """The fingerprints `changes` saw; only the moved ones unless `full`."""
        old = dict(self.db.execute("SELECT path, sha FROM inputs"))
        if full:
            self.db.execute("DELETE FROM inputs")
        rows = []
        for path, fingerprint in changes.fingerprints.items():
            if full or path in changes.shas or path not in old:
                sha = changes.shas.get(path) or old.get(path) or file_sha(root / path)
                rows.append((path, *fingerprint, sha))
        gone = [] if full else [(p,) for p in old if p not in changes.fingerprints]
        self.db.executemany("DELETE FROM inputs WHERE path = ?", gone)
        self.db.executemany("INSERT OR REPLACE INTO inputs VALUES (?, ?, ?, ?, ?, ?)", rows)

    # -- outputs and their facts ------------------------------------------------
    def outputs(self) -> dict[str, Output]:
        return {path: Output(variant, locale, key, prefix) for path, variant, locale, key, prefix
                in self.db.execute("SELECT path, variant, locale, key, prefix FROM outputs")}

    def dependents(self, locale: str, facts: Iterable[str]) -> set[str]:
        out: set[str] = set()
        facts = sorted(set(facts))
        for start in range(0, len(facts), 500):
            chunk = facts[start:start + 500]
            marks = ",".join("?" * len(chunk))
            out.update(path for (path,) in self.db.execute(
                f"SELECT path FROM deps WHERE locale = ? AND fact IN ({marks})",
                (locale, *chunk)))
        return out

    def clear_outputs(self) -> None:
        """Before a full build's outputs arrive: no rows, no indexes until `index`."""
        for name in ("deps_fact", "deps_path", "uses_msg", "uses_page"):
            self.db.execute(f"DROP INDEX IF EXISTS {name}")
        for table in ("outputs", "deps", "uses", "analyses"):
            self.db.execute(f"DELETE FROM {table}")

    def index(self) -> None:
        for statement in filter(str.strip, INDEXES.split(";")):
            self.db.execute(statement)   # not executescript: it would commit

    def record_outputs(self, rendered: Iterable[Rendered], full: bool) -> None:
        """Outputs rendered, with their facts and pages.json entries; `full`: rows of a
        full build, after `clear_outputs` (nothing to replace)."""
        rows = list(rendered)
        if not full:
            self.db.executemany("DELETE FROM deps WHERE path = ?", [(r.path,) for r in rows])
        self.db.executemany("INSERT OR REPLACE INTO outputs VALUES (?, ?, ?, ?, ?, ?)",
                            [(r.path, *r.output, None if r.entry is None else entry_json(r.entry))
                             for r in rows])
        self.db.executemany("INSERT INTO deps VALUES (?, ?, ?)",
                            [(r.output.locale, fact, r.path) for r in rows for fact in r.facts])
        if not full:
            self.index()

    def entries_differ(self, rendered: Iterable[Rendered]) -> bool:
        """Whether any of these outputs' `pages.json` entries differs from the stored one."""
        for r in rendered:
            row = self.db.execute("SELECT entry FROM outputs WHERE path = ?", (r.path,)).fetchone()
            stored = row[0] if row else None
            if stored != (None if r.entry is None else entry_json(r.entry)):
                return True
        return False

    def forget_outputs(self, paths: Iterable[str]) -> None:
        rows = [(p,) for p in paths]
        self.db.executemany("DELETE FROM outputs WHERE path = ?", rows)
        self.db.executemany("DELETE FROM deps WHERE path = ?", rows)

    def manifest_text(self) -> bytes:
        """`pages.json` from the stored entries, as `manifest.manifest_document` writes it,
        without decoding and encoding 40,000 entries again."""
        rows = self.db.execute(
            "SELECT path, entry FROM outputs WHERE entry IS NOT NULL ORDER BY path").fetchall()
        if not rows:
            return (json.dumps({"pages": {}, "schema_version": 1}, indent=1) + "\n").encode()
        pages = ",\n".join(f"  {json.dumps(path, ensure_ascii=False)}: "
                            f"{entry.replace(chr(10), chr(10) + '  ')}" for path, entry in rows)
        return f'{{\n "pages": {{\n{pages}\n }},\n "schema_version": 1\n}}\n'.encode()

    # -- pages' segments and references (see analysis.py) -------------------------
    def analyses(self, digests: Iterable[bytes]) -> dict[bytes, bytes]:
        out = {}
        for digest in digests:
            row = self.db.execute("SELECT data FROM analyses WHERE digest = ?",
                                  (digest,)).fetchone()
            if row:
                out[digest] = row[0]
        return out

    def record_analyses(self, items: Mapping[bytes, bytes]) -> None:
        self.db.executemany("INSERT OR REPLACE INTO analyses VALUES (?, ?)", items.items())

    # -- messages: who uses them, and their publishable translations ---------------
    def record_uses(self, uses: Mapping[str, Iterable[MsgKey]], full: bool) -> None:
        """Which content page's segments use which message (page key → messages)."""
        if not full:
            self.db.executemany("DELETE FROM uses WHERE page = ?", [(k,) for k in uses])
        self.db.executemany("INSERT INTO uses VALUES (?, ?)",
                            [(msg_hash(m), page) for page, msgs in uses.items()
                             for m in set(msgs)])

    def users(self, keys: Iterable[MsgKey]) -> dict[MsgKey, set[str]]:
        out: dict[MsgKey, set[str]] = {}
        for key in keys:
            out[key] = {page for (page,) in self.db.execute(
                "SELECT page FROM uses WHERE msg = ?", (msg_hash(key),))}
        return out

    def record_messages(self, locale: str, singular: Mapping[MsgKey, str],
                        plural: Mapping[MsgKey, tuple[str, ...]], full: bool) -> None:
        if full:
            self.db.execute("DELETE FROM messages WHERE locale = ?", (locale,))
        rows = [(locale, msg_hash(k), "s", v) for k, v in singular.items()]
        rows += [(locale, msg_hash(k), "p", json.dumps(v)) for k, v in plural.items()]
        self.db.executemany("INSERT OR REPLACE INTO messages VALUES (?, ?, ?, ?)", rows)

    def forget_messages(self, locale: str, keys: Iterable[MsgKey]) -> None:
        self.db.executemany("DELETE FROM messages WHERE locale = ? AND msg = ?",
                            [(locale, msg_hash(k)) for k in keys])

    @property
    def path(self) -> Path:
        return self.dir / f"{self.name}.sqlite"

    def shared_messages(self, locale: str) -> Messages:
        """Committed translations, for render workers in other processes."""
        from builder.render.translations import Messages

        return Messages(locale, StoredMessages(self.path, locale, "s"),
                        StoredMessages(self.path, locale, "p"),
                        StoredMessages(self.path, locale, "f"),
                        plural_forms=self.plural_forms(locale))

    def invalidate(self) -> None:
        """The record no longer describes the site (a build is under way)."""
        self.put("state", None)

    def messages(self, locale: str, loaded: bool = False) -> Messages:
        """A locale's publishable translations: looked up one by one, or all `loaded`
        into memory (for a process pool: an SQLite connection does not survive fork)."""
        from builder.render.translations import Messages

        rule = self.plural_forms(locale)
        if not loaded:
            return Messages(locale, *(StoredMessages(self.db, locale, kind) for kind in "spf"),
                            plural_forms=rule)
        found: dict[str, dict[bytes, Any]] = {"s": {}, "p": {}, "f": {}, "h": {}}
        for msg, kind, value in self.db.execute(
                "SELECT msg, kind, value FROM messages WHERE locale = ?", (locale,)):
            found[kind][msg] = tuple(json.loads(value)) if kind == "p" else value
        return Messages(locale, *(HashedMessages(found[kind]) for kind in "spf"),
                        plural_forms=rule)

    def plural_forms(self, locale: str) -> str | None:
        """The catalogue's own Plural-Forms, stored with its translations (kind "h")."""
        row = self.db.execute("SELECT value FROM messages WHERE locale = ? AND msg = ? "
                              "AND kind = 'h'", (locale, msg_hash((None, "")))).fetchone()
        return row[0] if row else None


class HashedMessages(Mapping):
    """Translations keyed by `msg_hash`, looked up by (msgctxt, msgid)."""

    def __init__(self, by_hash: dict[bytes, Any]):
        self.by_hash = by_hash

    def __getitem__(self, key: MsgKey) -> Any:
        return self.by_hash[msg_hash(key)]

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
            db.execute("PRAGMA mmap_size = 268435456")   # OS cache pages, not read(); bounded
            db.execute("BEGIN")   # one read snapshot: no locking round trip per lookup
            self.opened = (os.getpid(), db)
        return self.opened[1]

    def __getitem__(self, key: MsgKey) -> Any:
        row = self.db.execute("SELECT value FROM messages WHERE locale = ? AND msg = ? "
                              "AND kind = ?", (self.locale, msg_hash(key), self.kind)).fetchone()
        if row is None:
            raise KeyError(key)
        return tuple(json.loads(row[0])) if self.kind == "p" else row[0]

    def __iter__(self) -> Iterator:
        raise TypeError("stored messages are looked up by key, not listed")

    def __len__(self) -> int:
        return self.db.execute("SELECT count(*) FROM messages WHERE locale = ? AND kind = ?",
                               (self.locale, self.kind)).fetchone()[0]
