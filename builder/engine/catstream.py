"""A catalogue's publishable translations, read block by block into the build cache.

A 10,000-item site has 130 MB of catalogues per locale; `polib` holds that as
about a gigabyte of objects. For the build only the translations readers may
see are needed, so each catalogue file (one per locale and domain) is read one
entry block at a time, with the same strict checks as `catalogues.read_po` (the
same decoding, `catalogues.podata`; syntax with real line numbers, duplicates,
the header), and written to the cache as (locale, domain, message hash, text).
One process per file; the renderers then look translations up in the cache
instead of holding every catalogue in memory.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, NamedTuple

from builder.catalogues.counts import complete
from builder.catalogues.diff import numbered_blocks
from builder.catalogues.domains import catalogue_files, po_path
from builder.catalogues.podata import decode_block, normalise, report_empty, report_header
from builder.catalogues.pofile import check_duplicate, check_po_lines
from builder.catalogues.poread import parse_po, simple_entry
from builder.engine.cache import snapshot_dir, snapshot_path
from builder.engine.pool import fork_pool
from builder.errors import Collector, Diagnostic, InputError
from builder.render.translations import fuzzy_text, visible
from builder.source.config import SiteConfig

if TYPE_CHECKING:
    from concurrent.futures import Future

Row = tuple[str, str, bytes, str, str]    # (locale, domain, message hash, kind, value)


class Stored(NamedTuple):
    rows: list[Row]                  # what the renderers look up
    entries: list[bytes]             # every entry's `entry_hash`: duplicates are found by it


def catalogue_rows(root: Path, locale: str, domain: str, data: bytes) -> Stored:
    """Every publishable translation in `data`, the catalogue of `locale` and `domain`,
    and its Plural-Forms (kind "h", keyed as the header entry); InputError on any problem."""
    from builder.engine.cache import entry_hash, msg_hash

    path = po_path(root / "locales", locale, domain)
    syntax, checks = Collector(root), Collector(root)   # reported like read_po: syntax first
    rows: list[Row] = []
    entries: list[bytes] = []
    seen: dict[tuple, int] = {}
    rule = None
    data, _ = normalise(data)
    for index, (line, block) in enumerate(numbered_blocks(data)):
        text = decode_block(block, line, path, syntax)
        if text is None:
            break                                       # read_po stops at the first bad byte
        simple = simple_entry(text) if index else None  # most blocks: one plain entry
        if simple is not None:
            catalogue = [simple]
        elif not check_po_lines(text, path, syntax, first_line=line):
            continue
        else:
            catalogue = parse_po(text + "\n")
        if index == 0:
            report_header(catalogue.metadata, text, path, locale, checks, first_line=line)
            rule = catalogue.metadata.get("Plural-Forms")
            if rule:
                rows.append((locale, domain, msg_hash((domain, None, "")), "h", rule))
        for entry in catalogue:
            at = (entry.linenum or 1) + line - 1
            check_duplicate(entry, at, seen, path, checks)
            entries.append(entry_hash(entry))
        rows += message_rows(locale, domain, [e for e in catalogue if not e.obsolete], rule)
    if not data.strip():
        report_empty(path, syntax)
    syntax.raise_if_errors()
    checks.raise_if_errors()
    return Stored(rows, entries)


def message_rows(locale: str, domain: str, entries: list, plural_forms: str | None) -> list[Row]:
    """The record's rows for these entries of one catalogue: what readers see ("s"
    singular, "p" plural forms, by the catalogue's own `plural_forms`) and, for the
    translators' preview, fuzzy text that is not broken ("f"); translations lint
    refuses ("r", the msgid), which the build lists."""
    from builder.engine.cache import msg_hash

    rows: list[Row] = []
    for entry in entries:
        kind, value = visible(entry, locale, plural_forms)
        key = msg_hash((domain, entry.msgctxt or None, entry.msgid))
        if kind is not None:
            rows.append((locale, domain, key, kind[0],
                         value if kind == "singular" else json.dumps(value)))
        elif complete(entry) and entry.msgid:   # refused: listed by the build ("r")
            rows.append((locale, domain, key, "r", entry.msgid))
        elif (shown := fuzzy_text(entry, locale)) is not None:
            rows.append((locale, domain, key, "f", shown))
    return rows


def store_catalogue(db_path: Path, root: Path, locale: str,
                    domain: str) -> tuple[Diagnostic, ...]:
    """Store the translations of one catalogue (rows of a full build, which starts with
    none), and snapshot the very bytes they came from for the next build's `podiff`.
    Returns errors instead of raising them (a pool worker's exception would lose the
    other catalogues' errors)."""
    path = po_path(root / "locales", locale, domain)
    data = path.read_bytes() if path.is_file() else None
    try:
        stored = catalogue_rows(root, locale, domain, data) if data is not None \
            else Stored([], [])
    except InputError as exc:
        return tuple(exc.diagnostics)
    write_snapshot(snapshot_path(db_path, locale, domain), data)
    db = sqlite3.connect(db_path, timeout=600, isolation_level=None)
    try:
        db.execute("BEGIN IMMEDIATE")
        replace_catalogue(db, locale, domain, stored)
        db.execute("COMMIT")
    finally:
        db.close()
    return ()


def replace_catalogue(db: sqlite3.Connection, locale: str, domain: str,
                      stored: Stored) -> None:
    db.execute("DELETE FROM messages WHERE locale = ? AND domain = ?", (locale, domain))
    # In key order: each insert then lands next to the last one in the table's B-tree.
    db.executemany("INSERT OR REPLACE INTO messages VALUES (?, ?, ?, ?, ?)", sorted(stored.rows))
    db.execute("DELETE FROM entries WHERE locale = ? AND domain = ?", (locale, domain))
    db.executemany("INSERT OR IGNORE INTO entries VALUES (?, ?, ?)",
                   [(locale, domain, key) for key in sorted(stored.entries)])


def write_snapshot(snapshot: Path, data: bytes | None) -> None:
    """Atomically, without fsync: a lost snapshot only means a slower next build."""
    if data is None:
        snapshot.unlink(missing_ok=True)
        return
    snapshot.parent.mkdir(parents=True, exist_ok=True)
    partial = snapshot.with_name(f".{snapshot.name}.{os.getpid()}.tmp")
    partial.write_bytes(data)
    os.replace(partial, snapshot)


class Storing:
    """The catalogues of a `catalogues_stored` block, as its workers store them.
    `stored(locales)` yields each of `locales` once every catalogue of it is in the
    record (stored, or refused with errors raised when the block ends), in the order
    given: the block reads a locale's translations while the next locale's catalogues
    are still being parsed, instead of reading them all once every worker is done."""

    def __init__(self, db_path: Path, root: Path, files: list[tuple[str, str]],
                 pending: dict[int, Future] | None):
        self.db_path, self.root, self.files, self.pending = db_path, root, files, pending
        self.found: list[tuple[Diagnostic, ...] | None] = [None] * len(files)

    def stored(self, locales: tuple[str, ...]) -> Iterator[str]:
        for code in locales:
            for index, (locale, domain) in enumerate(self.files):
                if locale == code:
                    self._wait(index)
            yield code

    def errors(self) -> list[Diagnostic]:
        for index in range(len(self.files)):
            self._wait(index)
        return [d for diagnostics in self.found for d in diagnostics or ()]

    def _wait(self, index: int) -> None:
        if self.found[index] is not None:
            return
        locale, domain = self.files[index]
        self.found[index] = self.pending[index].result() if self.pending is not None \
            else store_catalogue(self.db_path, self.root, locale, domain)


def _largest_first(config: SiteConfig, files: list[tuple[str, str]]) -> list[int]:
    """The indexes of `files` (locale, domain), locale by locale in the order given,
    the largest file of a locale first: the small ones are left for the end, where they
    fill a worker that would otherwise wait for the last large one."""
    locales = list(dict.fromkeys(locale for locale, _ in files))
    sizes = [_size(po_path(config.locales_dir, locale, domain)) for locale, domain in files]
    return sorted(range(len(files)), key=lambda i: (locales.index(files[i][0]), -sizes[i], i))


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


@contextmanager
def catalogues_stored(db_path: Path, config: SiteConfig, locales: tuple[str, ...],
                      jobs: int) -> Iterator[Storing]:
    """Every catalogue of `locales` into the cache, one process per file, in place of
    whatever the record held (its rows and snapshots). The workers read while the block
    runs: a clean build loads its content meanwhile instead of leaving a core idle,
    then reads each locale's translations as soon as they are stored (`Storing`).
    Without a pool (one job), a file is stored when the block asks for its locale, or
    at the block's end. Errors are raised when the block ends. An exception of the
    block stops the workers and comes alone: content errors hide catalogue errors, as
    in an incremental build, which stops at the content (tests/engine/test_differential.py
    holds them equal)."""
    foreign = [d for code in locales for d in _foreign(config, code)]
    files = [] if foreign else [(code, domain) for code in locales
                                for domain in catalogue_files(config, code)]
    _clear(db_path)
    if jobs > 1 and len(files) > 1:
        with fork_pool(min(jobs, len(files))) as pool:
            # Locale by locale, so that the first locales are done first.
            storing = Storing(db_path, config.root, files, {
                index: pool.submit(store_catalogue, db_path, config.root, *files[index])
                for index in _largest_first(config, files)})
            try:
                yield storing
                errors = storing.errors()
            except BaseException:
                pool.shutdown(wait=True, cancel_futures=True)
                raise
    else:
        storing = Storing(db_path, config.root, files, None)
        yield storing
        errors = storing.errors()
    if foreign or errors:
        raise InputError(foreign + errors)


def _clear(db_path: Path) -> None:
    """No rows and no snapshots: what the record held goes, whatever is read next."""
    db = sqlite3.connect(db_path, timeout=600, isolation_level=None)
    try:
        db.execute("DELETE FROM messages")
        db.execute("DELETE FROM entries")
    finally:
        db.close()
    shutil.rmtree(snapshot_dir(db_path), ignore_errors=True)


def _foreign(config: SiteConfig, locale: str) -> list[Diagnostic]:
    try:
        catalogue_files(config, locale)
    except InputError as exc:
        return list(exc.diagnostics)
    return []
