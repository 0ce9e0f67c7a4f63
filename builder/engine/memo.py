"""What `extract` and `update` remember between runs (in the build record).

Page analyses: parsing Markdown is most of what `extract` does, and a page's
analysis depends only on the page, so it is kept under the page's digest:
`extract` after a build (or after another `extract`) parses only pages that
changed, and parses those on every core.

`update` remembers what it wrote, so that an update with nothing to do is instant.

Merging is deterministic and idempotent: the same POT merged into the PO file
`update` itself wrote gives that file back. So when a domain's new POT is the
one last merged and a locale's catalogue of that domain is byte for byte what
`update` last wrote, its merge is skipped and its last counts are reported: an
edit of one news item merges one catalogue per locale. Any edit — by `update`,
a translator or git — changes the file's hash and the catalogue is merged again.
The file's stat (with ctime) recorded after the write spares hashing it.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import pickle
import sqlite3
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path

from builder.catalogues.merge import MergeResult
from builder.engine.cache import BuildCache
from builder.segments.analysis import Analysis, analyse, page_digest
from builder.segments.blocks import make_markdown
from builder.source.content import Page
from builder.source.inputs import file_fingerprint

PARALLEL_MIN = 200   # pages to parse before a process pool pays for itself

Merged = tuple[Path, MergeResult, bytes | None]


def _sha(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _file_sha(path: Path) -> str:
    """Without holding a 130 MB catalogue in memory twice."""
    digest = hashlib.blake2b(digest_size=16)
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def remembered(root: Path, pots: dict[str, str], locale: str, paths: dict[str, Path],
               prune: bool) -> dict[str, Merged]:
    """The catalogues of `locale` (domain → path) whose merge would give back the file
    on disk: their results, unmerged. `pots`: domain → POT text ("" for a domain that
    has none)."""
    cache = BuildCache(root)
    try:
        memo = cache.get("update") or {}
    finally:
        cache.close()
    size = len(MergeResult(locale, "", 0, 0, 0, 0).counts())
    out = {}
    for domain, path in paths.items():
        last = memo.get((locale, domain))
        pot = _sha(pots.get(domain, "").encode("utf-8"))
        if last is None or len(last) != 5 or last[:2] != (pot, prune) or len(last[3]) != size:
            continue
        stat = file_fingerprint(path)
        if stat is not None and (stat == last[4] or _file_sha(path) == last[2]):
            # The file as it is; nothing happened in this run.
            out[domain] = (path, replace(MergeResult(locale, "", *last[3]), remembered=True,
                                         fuzzy=0, new=0, carried=0, similar=0, moved=0,
                                         obsoleted=0), None)
    return out


def remember(root: Path, pots: dict[str, str], merged: list[Merged], prune: bool) -> None:
    """After `update` wrote its files: what each catalogue now is (and how the file
    looks on disk, so that the next `update` need not read it to know it unchanged)."""
    cache = BuildCache(root)
    try:
        memo = {key: value for key, value in (cache.get("update") or {}).items()
                if isinstance(key, tuple)}
        for path, result, _ in merged:
            if result.remembered:
                continue
            memo[(result.locale, result.domain)] = (
                _sha(pots.get(result.domain, "").encode("utf-8")), prune,
                _sha(result.text.encode("utf-8")), result.counts(), file_fingerprint(path))
        cache.put("update", memo)
    finally:
        cache.close()


def _analyse_chunk(pages: list[Page]) -> list[Analysis]:
    md = make_markdown()
    return [analyse(page, md) for page in pages]


def analyse_pages(root: Path, pages: tuple[Page, ...]) -> dict[str, Analysis]:
    """Page key → Analysis for every page, from the cache where the page is unchanged."""
    cache = BuildCache(root)
    try:
        digests = {page.key: page_digest(page) for page in pages}
        found = cache.analyses(digests.values())
        out = {key: pickle.loads(found[d]) for key, d in digests.items() if d in found}
        missing = [page for page in pages if page.key not in out]
        fresh = dict(zip((p.key for p in missing), _parse(missing)))
        try:
            cache.record_analyses({digests[key]: pickle.dumps(a, protocol=pickle.HIGHEST_PROTOCOL)
                                   for key, a in fresh.items()})
        except sqlite3.OperationalError:
            pass     # a memo that cannot be written (a full disk) only costs time next run
        return out | fresh
    finally:
        cache.close()


def _parse(pages: list[Page]) -> list[Analysis]:
    cores = os.cpu_count() or 1
    if cores < 2 or len(pages) < PARALLEL_MIN:
        return _analyse_chunk(pages)
    size = max(1, len(pages) // (cores * 4))
    chunks = [pages[i:i + size] for i in range(0, len(pages), size)]
    with ProcessPoolExecutor(cores, mp_context=multiprocessing.get_context("fork")) as pool:
        return [a for chunk in pool.map(_analyse_chunk, chunks) for a in chunk]
