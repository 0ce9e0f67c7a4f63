"""Each page's segments and references, parsed once and remembered across runs.

Parsing Markdown is most of what `extract` does. The result for a page depends
only on the page itself, so it is kept in the build cache under a digest of the
loaded page: `extract` after a build (or after another `extract`) parses only
pages that changed, and parses those on every core.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import pickle
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from builder.segments.blocks import Segment, make_markdown, page_segments, parse_body
from builder.source.content import Page

PARALLEL_MIN = 200   # pages to parse before a process pool pays for itself


@dataclass(frozen=True)
class Analysis:
    segments: tuple[Segment, ...]
    page_links: tuple[tuple[str, int], ...]
    images: tuple[tuple[str, str, int], ...]


def page_digest(page: Page) -> bytes:
    return hashlib.blake2b(repr(page).encode("utf-8"), digest_size=16).digest()


def analyse(page: Page, md=None) -> Analysis:
    parsed = parse_body(page, md or make_markdown())
    return Analysis(tuple(page_segments(page, parsed)), parsed.page_links, parsed.images)


def _analyse_chunk(pages: list[Page]) -> list[Analysis]:
    md = make_markdown()
    return [analyse(page, md) for page in pages]


def analyse_pages(root: Path, pages: tuple[Page, ...]) -> dict[str, Analysis]:
    """Page key → Analysis for every page, from the cache where the page is unchanged."""
    from builder.engine.cache import BuildCache

    cache = BuildCache(root)
    try:
        digests = {page.key: page_digest(page) for page in pages}
        found = cache.analyses(digests.values())
        out = {key: pickle.loads(found[d]) for key, d in digests.items() if d in found}
        missing = [page for page in pages if page.key not in out]
        fresh = dict(zip((p.key for p in missing), _parse(missing)))
        cache.record_analyses({digests[key]: pickle.dumps(a, protocol=pickle.HIGHEST_PROTOCOL)
                               for key, a in fresh.items()})
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
