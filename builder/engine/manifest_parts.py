"""The page manifest written from the build record (`output.manifest` has its format).

The record keeps each output's entry as its line in the manifest, and the hash
(`spread`) that puts it in a part, indexed: a rebuild rewrites the parts of the
entries that changed, reading only their rows, instead of 50,000 entries (88 MB)
at 10,000 news items. Same entries, same bytes as `output.manifest.manifest_files`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from builder.output.manifest import (MANIFEST_PATH, index_text, part_count, part_name,
                                     part_of, part_text, spread, spread_range, write_files)

if TYPE_CHECKING:
    from builder.engine.cache import BuildCache

PARTS = "manifest_parts"     # the record's meta: how many parts the site has


def write_manifest(cache: BuildCache, staged: Path,
                   changed: Iterable[str] | None = None) -> tuple[list[str], list[str]]:
    """Write under `staged` the manifest files to replace: all of them (`changed` None:
    a full build), else the parts holding the paths `changed` (entries changed,
    added or removed). Returns (files written, files of the last build to remove)."""
    entries = cache.db.execute("SELECT COUNT(*) FROM outputs WHERE entry IS NOT NULL")
    count = part_count(entries.fetchone()[0])
    before = cache.get(PARTS)
    cache.put(PARTS, count)
    if changed is None or before != count:
        return _write_all(cache, staged, count), [part_name(k) for k in range(count, before or 0)]
    parts = sorted({part_of(spread(path), count) for path in changed})
    for part in parts:
        _write_part(cache, staged, part, count)
    return [part_name(k) for k in parts], []


def _write_all(cache: BuildCache, staged: Path, count: int) -> list[str]:
    cache.index()     # a full build drops the indexes while it records its outputs
    for part in range(count):
        _write_part(cache, staged, part, count)
    write_files(staged, {MANIFEST_PATH: index_text(count).encode()})
    return [MANIFEST_PATH, *(part_name(k) for k in range(count))]


def _write_part(cache: BuildCache, staged: Path, part: int, count: int) -> None:
    """One part, from its rows alone (a range of the `spread` index), in path order."""
    low, high = spread_range(part, count)
    rows = cache.db.execute("SELECT path, entry FROM outputs WHERE spread >= ? AND spread < ? "
                            "AND entry IS NOT NULL", (low, high)).fetchall()
    write_files(staged, {part_name(part): part_text(line for _, line in sorted(rows)).encode()})

