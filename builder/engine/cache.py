"""The incremental build's memory: `.infopages-cache/build.sqlite`.

For the last successful build it records every input file's fingerprint, every
output with the facts it depends on (see `deps`) and its `pages.json` entry
(as the document's line), the hashes of the listings, the loaded pages (a row
each, so a rebuild rewrites only the changed ones), which pages use which message,
and each locale's publishable translations, so that a rebuild neither parses
every source nor loads every catalogue. PO files are snapshotted beside it so
that `podiff` can tell which entries a translator changed.

Written in one transaction at the end of a build: a build that fails or is
killed leaves the previous record, and the next build redoes its work.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping

from builder.engine.stored import (
    HashedMessages,
    KeyHashes,
    MsgKey,
    RecordedMessages,
    RecordedRows,
    StoredMessages,
    locale_rows,
    msg_hash,
)
from builder.output.manifest import spread
from builder.render.routes import Output
from builder.source.inputs import Fingerprint, Inputs, clock_tick, racy, scan

if TYPE_CHECKING:   # imported when used: the up-to-date check must start fast
    from builder.engine.parallel import Rendered
    from builder.render.translations import Messages

# 18: the pages' listed fields one value of `meta` (`pagestore.LISTING`), not a row per
# page; 17: a column of their own; 16: a page's body in a table of its own, its digest in
# its row (`pagestore`); 15: its body in a column of its own; 14: `update`'s memo and
# `page_digest` by SHA-256; 13: `analysis.page_digest` hashes the body as text; 12: inputs'
# digests by SHA-256; 11: a page's row holds its values
SCHEMA_VERSION = "18"
CACHE_DIR = ".infopages-cache"
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value BLOB);
CREATE TABLE IF NOT EXISTS inputs (path TEXT PRIMARY KEY, mtime_ns INTEGER, size INTEGER,
                                   ctime_ns INTEGER, inode INTEGER, sha TEXT);
CREATE TABLE IF NOT EXISTS outputs (path TEXT PRIMARY KEY, variant TEXT, locale TEXT, key TEXT,
                                    prefix TEXT, entry TEXT, spread INTEGER);
CREATE TABLE IF NOT EXISTS deps (locale TEXT, fact TEXT, path TEXT);
CREATE TABLE IF NOT EXISTS uses (msg BLOB, page TEXT);
CREATE TABLE IF NOT EXISTS pages (source TEXT PRIMARY KEY, data BLOB, digest BLOB);
CREATE TABLE IF NOT EXISTS bodies (source TEXT PRIMARY KEY, body TEXT);
CREATE TABLE IF NOT EXISTS refs (key TEXT PRIMARY KEY, data BLOB);
CREATE TABLE IF NOT EXISTS cards (key TEXT PRIMARY KEY, card TEXT);
CREATE TABLE IF NOT EXISTS analyses (digest BLOB PRIMARY KEY, data BLOB) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS messages (locale TEXT, domain TEXT, msg BLOB, kind TEXT, value TEXT,
                                     PRIMARY KEY (locale, domain, msg)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS entries (locale TEXT, domain TEXT, entry BLOB,
                                    PRIMARY KEY (locale, domain, entry)) WITHOUT ROWID;
-- Only the refused translations: listing them costs nothing on a big site.
CREATE INDEX IF NOT EXISTS messages_refused ON messages (locale) WHERE kind = 'r';
"""
INDEXES = """
CREATE INDEX IF NOT EXISTS deps_fact ON deps (locale, fact);
CREATE INDEX IF NOT EXISTS deps_path ON deps (path);
CREATE INDEX IF NOT EXISTS uses_msg ON uses (msg);
CREATE INDEX IF NOT EXISTS uses_page ON uses (page);
-- The manifest's parts (`manifest_parts`), and its entry count.
CREATE INDEX IF NOT EXISTS outputs_spread ON outputs (spread) WHERE entry IS NOT NULL;
"""


def entry_hash(entry) -> bytes:
    """What makes two entries of a catalogue duplicates: context, msgid, obsolete or not."""
    text = f"{entry.msgctxt or ''}\x04{entry.msgid}\x04{int(entry.obsolete)}"
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


# The modification time recorded for a file that was racy when scanned (`inputs.racy`):
# no stat has it, so the next build reads the file and compares its digest.
RACY = -1


def file_sha(path: Path) -> str:
    """The digest of a file's bytes, read a MiB at a time (a catalogue can be 130 MB);
    `bytes_sha` of the same bytes. SHA-256, not BLAKE2: processors'
    SHA instructions make it three times as fast here, and a clean build digests every
    input (46 MB of catalogues at N = 1,000)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()[:32]


def bytes_sha(data: bytes) -> str:
    """`file_sha` of bytes already read (a catalogue a worker stores, a file `update`
    wrote: its memo keeps this digest)."""
    return hashlib.sha256(data).hexdigest()[:32]


@dataclass(frozen=True)
class InputChanges:
    """The input files that changed since the build record was written, as a new scan sees them."""
    changed: frozenset[str]    # added, removed or modified (by content, not by date)
    fingerprints: dict[str, Fingerprint]
    shas: dict[str, str]       # of every file whose fingerprint moved
    scanned_ns: int | None = None   # when the fingerprints were taken (`Inputs.scanned_ns`)
    # The record's SHA of every input it listed, as read then (its commands hold the
    # project's lock: nothing else writes it before `record_inputs`, which needs them).
    recorded: Mapping[str, str] | None = None


def code_fingerprint() -> str:
    """What the builder is: its modules, its built-in theme (templates and static files:
    inputs of every build that change only with the builder, so a change means a full
    build), Python and the libraries that shape the output (polib: how catalogues are
    read, which `lint` and `stats` remember too). Stat only, no import: the
    up-to-date check runs before anything heavy is loaded."""
    import importlib.util
    import sys

    here = os.path.dirname(os.path.dirname(__file__))
    files = []
    for folder, dirs, names in os.walk(here):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        theme = os.path.relpath(folder, here).split(os.sep)[0] == "theme"
        for name in names:
            if theme or name.endswith(".py"):
                path = os.path.join(folder, name)
                stat = os.stat(path)
                files.append((os.path.relpath(path, here).replace(os.sep, "/"),
                              stat.st_size, stat.st_mtime_ns))
    files.sort()
    libraries = []
    for name in ("babel", "jinja2", "markdown_it", "markupsafe", "polib", "yaml"):
        spec = importlib.util.find_spec(name)
        origin = Path(spec.origin) if spec and spec.origin else None
        libraries.append((name, origin.stat().st_mtime_ns if origin else None))
    return repr((sys.version_info[:3], files, libraries))


def build_state(target: Path, options: tuple = ()) -> tuple:
    """A rebuild is incremental only onto the same output folder, by the same builder,
    with the same options (variants, locales)."""
    return (SCHEMA_VERSION, code_fingerprint(), str(target.resolve()), options)


@dataclass(frozen=True)
class Freshness:
    """What the up-to-date check found: the last build's (summary, warnings, refused
    translations per locale) when no input changed; else the scan it took, if any,
    which the build then uses (its fingerprints are from before anything was read)."""
    answer: tuple[dict, tuple, tuple] | None
    inputs: Inputs | None = None


def up_to_date(root: Path, target: Path) -> Freshness:
    """Whether no input has been touched since the last build (see `Freshness`).
    Reads the record without writing, and stats the inputs without opening them. The
    options the last build had are those a plain `build` would have: they come from
    site.yaml, which has not changed."""
    path = root / CACHE_DIR / "build.sqlite"
    if not path.is_file() or not target.is_dir():
        return Freshness(None)
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        meta = dict(db.execute("SELECT name, value FROM meta WHERE name IN "
                               "('state', 'summary', 'warnings', 'refused')"))
        state = pickle.loads(meta["state"]) if "state" in meta else None
        if state is None or state[:3] != build_state(target)[:3]:
            return Freshness(None)
        before = {p: (m, s, c, i) for p, m, s, c, i in db.execute(
            "SELECT path, mtime_ns, size, ctime_ns, inode FROM inputs")}
        refused = tuple(db.execute("SELECT locale, count(*) FROM messages WHERE kind = 'r' "
                                   "GROUP BY locale ORDER BY locale"))
    finally:
        db.close()
    inputs = scan(root)
    if inputs.errors or before != inputs.fingerprints():
        return Freshness(None, inputs)
    # The refused translations the last build showed with file and line, as it did
    # (`refused.refused_translations` keeps them, for exactly these inputs).
    shown = pickle.loads(meta["refused"])[1] if "refused" in meta else ()
    return Freshness((pickle.loads(meta["summary"]),
                      pickle.loads(meta["warnings"]) + tuple(shown), refused))


def snapshot_dir(db_path: Path) -> Path:
    """Where a build record keeps the bytes of the catalogues it read (for `catalogues.diff`)."""
    return db_path.parent / ("po" if db_path.stem == "build" else f"{db_path.stem}-po")


def snapshot_path(db_path: Path, locale: str, domain: str) -> Path:
    return snapshot_dir(db_path) / locale / f"{domain}.po"


class BuildCache:
    """One SQLite connection to the record of the last build (or a new, empty one)."""

    def __init__(self, root: Path, name: str = "build", read_only: bool = False):
        """`read_only`: for a command that holds no lock, which must neither create nor
        change the record (sqlite3.Error if there is none of this version to read)."""
        self.dir = root / CACHE_DIR
        self.name = name
        self.closed = False
        if read_only:
            self.db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True,
                                      isolation_level=None, timeout=600)
            if self.db.execute("PRAGMA user_version").fetchone()[0] != int(SCHEMA_VERSION):
                self.db.close()
                raise sqlite3.DatabaseError(f"{self.path}: a record of another version")
            return
        self.dir.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path, isolation_level=None, timeout=600)
        # Taken by a new record only. Its rows are large (a translation: 850 bytes in the
        # benchmark's catalogues): 16 KiB pages store them in half the time of 4 KiB ones.
        self.db.execute("PRAGMA page_size = 16384")
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
        self.closed = True

    # -- meta ---------------------------------------------------------------
    def get(self, name: str) -> Any:
        row = self.db.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
        return pickle.loads(row[0]) if row else None

    def put(self, name: str, value: Any) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                        (name, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)))

    def drop(self, name: str) -> None:
        self.db.execute("DELETE FROM meta WHERE name = ?", (name,))

    def snapshot_path(self, locale: str, domain: str) -> Path:
        return snapshot_path(self.path, locale, domain)

    # -- inputs ---------------------------------------------------------------
    def input_changes(self, inputs: Inputs, unhashed: frozenset[str] = frozenset()
                      ) -> InputChanges:
        """`unhashed`: files whose digest the caller gets as they are read (a full
        build's catalogues, from their workers): not read here, so neither in `shas`
        nor, when they moved, in `changed`."""
        root, now = inputs.root, inputs.fingerprints()
        before = {path: ((mtime, size, ctime, inode), sha) for path, mtime, size, ctime, inode, sha
                  in self.db.execute("SELECT path, mtime_ns, size, ctime_ns, inode, sha FROM inputs")}
        changed, shas = set(now.keys() ^ before.keys()), {}
        for path, fingerprint in now.items():
            old = before.get(path)
            if (old is None or old[0] != fingerprint) and path not in unhashed:
                shas[path] = file_sha(root / path)
                if old is not None and old[1] != shas[path]:
                    changed.add(path)
        return InputChanges(frozenset(changed), now, shas, inputs.scanned_ns,
                            {path: sha for path, (_, sha) in before.items()})

    def record_inputs(self, root: Path, changes: InputChanges, full: bool) -> None:
        """The fingerprints `changes` saw; only the moved ones unless `full`."""
        old = changes.recorded
        if old is None:
            old = dict(self.db.execute("SELECT path, sha FROM inputs"))
        if full:
            self.db.execute("DELETE FROM inputs")
        rows = []
        taken = time.time_ns() if changes.scanned_ns is None else changes.scanned_ns
        tick = None   # the clock's: probed only when a file was saved near the scan
        for path, fingerprint in changes.fingerprints.items():
            if full or path in changes.shas or path not in old:
                sha = changes.shas.get(path) or old.get(path) or file_sha(root / path)
                if racy(fingerprint, taken):
                    tick = clock_tick(self.dir / ".tick") if tick is None else tick
                    if racy(fingerprint, taken, tick):   # matches nothing: read next time
                        fingerprint = (RACY, *fingerprint[1:])
                rows.append((path, *fingerprint, sha))
        gone = [] if full else [(p,) for p in old if p not in changes.fingerprints]
        self.db.executemany("DELETE FROM inputs WHERE path = ?", gone)
        self.db.executemany("INSERT OR REPLACE INTO inputs VALUES (?, ?, ?, ?, ?, ?)", rows)

    # -- outputs and their facts ------------------------------------------------
    def outputs(self, paths: Iterable[str] | None = None,
                locales: Iterable[str] = ()) -> dict[str, Output]:
        """Every stored output, or those of `paths` and of `locales`."""
        query = "SELECT path, variant, locale, key, prefix FROM outputs"
        if paths is None:
            rows = self.db.execute(query).fetchall()
        else:
            paths = sorted(set(paths))
            rows = [row for start in range(0, len(paths), 500) for row in self.db.execute(
                f"{query} WHERE path IN ({','.join('?' * len(paths[start:start + 500]))})",
                paths[start:start + 500])]
            for code in set(locales):
                rows += self.db.execute(f"{query} WHERE locale = ?", (code,)).fetchall()
        return {path: Output(variant, locale, key, prefix)
                for path, variant, locale, key, prefix in rows}

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
        for name in ("deps_fact", "deps_path", "uses_msg", "uses_page", "outputs_spread"):
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
        self.db.executemany("INSERT OR REPLACE INTO outputs VALUES (?, ?, ?, ?, ?, ?, ?)",
                            [(r.path, *r.output, r.line, spread(r.path))
                             for r in rows])
        self.db.executemany("INSERT INTO deps VALUES (?, ?, ?)",
                            [(r.output.locale, fact, r.path) for r in rows for fact in r.facts])
        if not full:
            self.index()

    def changed_entries(self, rendered: Iterable[Rendered]) -> list[str]:
        """The outputs whose `pages.json` entry differs from the stored one."""
        changed = []
        for r in rendered:
            row = self.db.execute("SELECT entry FROM outputs WHERE path = ?", (r.path,)).fetchone()
            if (row[0] if row else None) != r.line:
                changed.append(r.path)
        return changed

    def forget_outputs(self, paths: Iterable[str]) -> None:
        rows = [(p,) for p in paths]
        self.db.executemany("DELETE FROM outputs WHERE path = ?", rows)
        self.db.executemany("DELETE FROM deps WHERE path = ?", rows)

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
    def record_uses(self, uses: Mapping[str, Iterable[bytes]], full: bool) -> None:
        """Which content page's segments use which message (page key → the `msg_hash`
        of each message, once each)."""
        if not full:
            self.db.executemany("DELETE FROM uses WHERE page = ?", [(k,) for k in uses])
        self.db.executemany("INSERT INTO uses VALUES (?, ?)",
                            [(key, page) for page, keys in uses.items() for key in keys])

    def users(self, keys: Iterable[MsgKey]) -> dict[MsgKey, set[str]]:
        out: dict[MsgKey, set[str]] = {}
        for key in keys:
            out[key] = {page for (page,) in self.db.execute(
                "SELECT page FROM uses WHERE msg = ?", (msg_hash(key),))}
        return out

    def forget_messages(self, locale: str, keys: Iterable[MsgKey]) -> None:
        self.db.executemany("DELETE FROM messages WHERE locale = ? AND domain = ? AND msg = ?",
                            [(locale, k[0], msg_hash(k)) for k in keys])

    @property
    def path(self) -> Path:
        return self.dir / f"{self.name}.sqlite"

    def shared_messages(self, locale: str, ui: str) -> Messages:
        """Committed translations, for render workers in other processes; `ui`: the
        interface's domain."""
        from builder.render.translations import Messages

        return Messages(locale, StoredMessages(self.path, locale, "s"),
                        StoredMessages(self.path, locale, "p"),
                        StoredMessages(self.path, locale, "f"),
                        plural_forms=self.plural_forms(locale, ui), ui=ui)

    def recorded_messages(self, locale: str, ui: str, hashes: KeyHashes) -> Messages:
        """Committed translations, read into memory by each process on its first lookup
        (`stored.RecordedRows`); `hashes`: shared by the locales of a build."""
        from builder.render.translations import Messages

        rows = RecordedRows(self.path, locale, hashes)
        return Messages(locale, *(RecordedMessages(rows, kind) for kind in "spf"),
                        plural_forms=self.plural_forms(locale, ui), ui=ui)

    def invalidate(self) -> None:
        """The record no longer describes the site (a build is under way)."""
        self.put("state", None)

    def messages(self, locale: str, ui: str, loaded: bool = False) -> Messages:
        """A locale's publishable translations: looked up one by one, or all `loaded`
        into memory (for a process pool: an SQLite connection does not survive fork)."""
        from builder.render.translations import Messages

        rule = self.plural_forms(locale, ui)
        if not loaded:
            return Messages(locale, *(StoredMessages(self.db, locale, kind) for kind in "spf"),
                            plural_forms=rule, ui=ui)
        found = locale_rows(self.db, locale)
        return Messages(locale, *(HashedMessages(found[kind]) for kind in "spf"),
                        plural_forms=rule, ui=ui)

    def plural_forms(self, locale: str, domain: str) -> str | None:
        """A catalogue's own Plural-Forms, stored with its translations (kind "h"), keyed
        as its header entry: one lookup by the table's key."""
        row = self.db.execute("SELECT value FROM messages WHERE locale = ? AND domain = ? "
                              "AND msg = ? AND kind = 'h'",
                              (locale, domain, msg_hash((domain, None, "")))).fetchone()
        return row[0] if row else None
