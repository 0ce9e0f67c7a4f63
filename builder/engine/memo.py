"""What `extract` and `update` remember between runs (in the build record).

Page analyses: parsing Markdown is most of what `extract` does, and a page's
analysis depends only on the page, so it is kept under the page's digest:
`extract` after a build (or after another `extract`) parses only pages that
changed, and parses those on every core.

`update` remembers what it wrote, so that an update with nothing to do is instant.

Merging is deterministic and idempotent: the same POT merged into the PO file
`update` itself wrote gives that file back. So when the new POT is the one last
merged and a PO file is byte for byte what `update` last wrote, the merge of
that locale is skipped and its last counts are reported. Any edit — by `update`,
a translator or git — changes the file's hash and the locale is merged again.
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

from builder.catalogues.merge import MergeResult, po_path
from builder.engine.cache import BuildCache
from builder.segments.analysis import Analysis, analyse, page_digest
from builder.segments.blocks import make_markdown
from builder.source.content import Page

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


def remembered(root: Path, pot_text: str, locales: tuple[str, ...],
               prune: bool) -> dict[str, Merged]:
    """Locales whose merge would give back the file on disk: their results, unmerged."""
    cache = BuildCache(root)
    try:
        memo = cache.get("update") or {}
    finally:
        cache.close()
    pot = _sha(pot_text.encode("utf-8"))
    out = {}
    for locale in locales:
        path = po_path(root / "locales", locale)
        last = memo.get(locale)
        if last is None or not path.is_file() or last[:2] != (pot, prune) or \
                len(last[3]) != len(MergeResult(locale, "", 0, 0, 0, 0).counts()):
            continue
        if _file_sha(path) == last[2]:
            # The file as it is; nothing happened in this run.
            out[locale] = (path, replace(MergeResult(locale, "", *last[3]), remembered=True,
                                         fuzzy=0, new=0, carried=0, similar=0, moved=0,
                                         obsoleted=0), None)
    return out


def remember(root: Path, pot_text: str, merged: list[Merged], prune: bool) -> None:
    """After `update` wrote its files: what each locale's file now is."""
    cache = BuildCache(root)
    try:
        memo = cache.get("update") or {}
        pot = _sha(pot_text.encode("utf-8"))
        for _, result, _ in merged:
            if result.remembered:
                continue
            memo[result.locale] = (pot, prune, _sha(result.text.encode("utf-8")),
                                   result.counts())
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
