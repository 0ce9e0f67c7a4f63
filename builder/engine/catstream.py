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
from typing import Iterator, NamedTuple

from builder.catalogues.counts import complete
from builder.catalogues.diff import numbered_blocks
from builder.catalogues.domains import catalogue_files, po_path
from builder.catalogues.podata import decode_block, normalise, report_empty, report_header
from builder.catalogues.pofile import check_duplicate, check_po_lines
from builder.catalogues.poread import parse_po, simple_entry
from builder.engine.cache import bytes_sha, snapshot_dir, snapshot_path
from builder.engine.pool import fork_pool
from builder.errors import Collector, Diagnostic, InputError
from builder.render.translations import fuzzy_text, visible
from builder.source.config import SiteConfig

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


class Read(NamedTuple):
    """What storing one catalogue gives back: its errors, or the digest of the bytes
    stored (None: no file), which the build records (`cache.bytes_sha`) instead of
    reading the file a second time."""
    errors: tuple[Diagnostic, ...]
    path: str                        # the file's, from the project's folder
    sha: str | None = None


def store_catalogue(db_path: Path, root: Path, locale: str, domain: str) -> Read:
    """Store the translations of one catalogue (rows of a full build, which starts with
    none), and snapshot the very bytes they came from for the next build's `podiff`.
    Returns errors instead of raising them (a pool worker's exception would lose the
    other catalogues' errors)."""
    path, name = po_path(root / "locales", locale, domain), _name(root, locale, domain)
    data = path.read_bytes() if path.is_file() else None
    try:
        stored = catalogue_rows(root, locale, domain, data) if data is not None \
            else Stored([], [])
    except InputError as exc:
        return Read(tuple(exc.diagnostics), name)
    write_snapshot(snapshot_path(db_path, locale, domain), data)
    db = sqlite3.connect(db_path, timeout=600, isolation_level=None)
    try:
        db.execute("BEGIN IMMEDIATE")
        replace_catalogue(db, locale, domain, stored)
        db.execute("COMMIT")
    finally:
        db.close()
    return Read((), name, None if data is None else bytes_sha(data))


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


class Reading(NamedTuple):
    """The catalogue files a full build's workers read (paths from the project's
    folder), and, once they are stored, the digest of the bytes each was stored from
    (`cache.bytes_sha`): the build records them instead of reading the files again."""
    paths: frozenset[str]
    shas: dict[str, str]          # filled when the block of `catalogues_stored` ends


@contextmanager
def catalogues_stored(db_path: Path, config: SiteConfig, locales: tuple[str, ...],
                      jobs: int) -> Iterator[Reading]:
    """Every catalogue of `locales` into the cache, one process per file, in place of
    whatever the record held (its rows and snapshots). The workers read while the block
    runs: a clean build loads its content meanwhile instead of leaving a core idle.
    Their errors are raised when the block ends. An exception of the block stops them
    and comes alone: content errors hide catalogue errors, as in an incremental build,
    which stops at the content (tests/engine/test_differential.py holds them equal)."""
    foreign = [d for code in locales for d in _foreign(config, code)]
    files = [] if foreign else [(code, domain) for code in locales
                                for domain in catalogue_files(config, code)]
    _clear(db_path)
    reading = Reading(frozenset(_name(config.root, code, domain) for code, domain in files), {})
    args = [[db_path] * len(files), [config.root] * len(files), *zip(*files)] if files else []
    if jobs > 1 and len(files) > 1:
        with fork_pool(min(jobs, len(files))) as pool:
            pending = pool.map(store_catalogue, *args)    # submits every file now
            try:
                yield reading
                found = list(pending)
            except BaseException:
                pool.shutdown(wait=True, cancel_futures=True)
                raise
    else:
        yield reading
        found = [store_catalogue(db_path, config.root, code, domain) for code, domain in files]
    errors = foreign + [d for read in found for d in read.errors]
    if errors:
        raise InputError(errors)
    reading.shas.update((read.path, read.sha) for read in found if read.sha is not None)


def _name(root: Path, locale: str, domain: str) -> str:
    """A catalogue's path from the project's folder, as the scan names it."""
    return po_path(root / "locales", locale, domain).relative_to(root).as_posix()


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
