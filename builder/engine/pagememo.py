"""The last build's pages and their analyses, as the build record remembers them:
for `extract`, `update`, `status` and `stats --pages`, which would otherwise load
every page file and parse every body.

Page analyses: parsing Markdown is most of what `extract` does, and a page's
analysis depends only on the page, so it is kept under the page's digest:
`extract` after a build (or after another `extract`) parses only pages that
changed, and parses those on every core.

Apart from `engine.memo` (what `update` remembers of its merges), which a build
never needs: importing the merge machinery cost every build some 15 ms.
"""

from __future__ import annotations

import os
import pickle
import sqlite3
from pathlib import Path
from typing import Mapping

from builder.engine.cache import BuildCache
from builder.engine.pagestore import digest_of, stored_content
from builder.engine.pool import fork_pool
from builder.segments.analysis import Analysis, analyse
from builder.segments.blocks import make_markdown
from builder.segments.references import Refs
from builder.source.content import Page
from builder.source.inputs import Inputs

PARALLEL_MIN = 200   # pages to parse before a process pool pays for itself


def _record(root: Path, read_only: bool) -> BuildCache | None:
    """The build record; with `read_only` (see `BuildCache`), None if there is none."""
    if not read_only:
        return BuildCache(root)
    try:
        return BuildCache(root, read_only=True)
    except sqlite3.Error:
        return None


def loaded_pages(root: Path, inputs: Inputs, read_only: bool = False) -> dict[str, Page]:
    """The last build's pages whose files are unchanged since (by path), for
    `load_content(reuse=…)` as the incremental build does: loading a page depends
    on its file alone, and reading 10,000 front matters is most of `extract`.
    `read_only`: see `BuildCache`."""
    cache = _record(root, read_only)
    if cache is None:
        return {}
    try:
        old = stored_content(cache, whole=True)   # every page's front matter is read
        if old is None:
            return {}
        changed = cache.input_changes(inputs).changed
        return {p.source: p for p in old.pages if p.source not in changed}
    except sqlite3.Error:
        return {}     # no usable record: every page is read
    finally:
        cache.close()


def _analyse_chunk(pages: list[Page]) -> list[Analysis]:
    md = make_markdown()
    return [analyse(page, md) for page in pages]


def page_digests(pages: tuple[Page, ...]) -> dict[str, bytes]:
    """Page key → `page_digest`: what the analysis memo and `domain_keys` know it by."""
    return {page.key: digest_of(page) for page in pages}


def analyse_pages(root: Path, pages: tuple[Page, ...], wanted: set[str],
                  digests: Mapping[str, bytes] | None = None, read_only: bool = False
                  ) -> tuple[dict[str, Refs], dict[str, Analysis]]:
    """Every page's references (checked across the site), and the analyses of the
    pages `wanted` (by key): from the record where a page is unchanged. `digests`:
    `page_digests(pages)`, if the caller has them already. `read_only` (see
    `BuildCache`): the analyses made here are not kept."""
    cache = _record(root, read_only)
    if cache is None:       # no record to read: every page is parsed
        fresh = dict(zip((p.key for p in pages), _parse(list(pages))))
        return ({key: Refs.of(a) for key, a in fresh.items()},
                {key: a for key, a in fresh.items() if key in wanted})
    try:
        digests = digests or page_digests(pages)
        known: dict[bytes, Refs] = cache.get("extract_refs") or {}
        need = [p for p in pages if p.key in wanted or digests[p.key] not in known]
        found = cache.analyses(digests[p.key] for p in need)
        out = {p.key: pickle.loads(found[digests[p.key]]) for p in need
               if digests[p.key] in found}
        missing = [page for page in need if page.key not in out]
        fresh = dict(zip((p.key for p in missing), _parse(missing)))
        out |= fresh
        refs = {key: known[d] if d in known else Refs.of(out[key]) for key, d in digests.items()}
        if read_only:
            return refs, {key: a for key, a in out.items() if key in wanted}
        try:
            cache.record_analyses({digests[key]: pickle.dumps(a, protocol=pickle.HIGHEST_PROTOCOL)
                                   for key, a in fresh.items()})
            if known.keys() != set(digests.values()):
                cache.put("extract_refs", {digests[key]: r for key, r in refs.items()})
        except sqlite3.OperationalError:
            pass     # a memo that cannot be written (a full disk) only costs time next run
        return refs, {key: a for key, a in out.items() if key in wanted}
    finally:
        cache.close()


def _parse(pages: list[Page]) -> list[Analysis]:
    if not pages:
        return []    # nor the import of markdown-it (60 ms)
    cores = os.cpu_count() or 1
    if cores < 2 or len(pages) < PARALLEL_MIN:
        return _analyse_chunk(pages)
    size = max(1, len(pages) // (cores * 4))
    chunks = [pages[i:i + size] for i in range(0, len(pages), size)]
    with fork_pool(cores) as pool:
        return [a for chunk in pool.map(_analyse_chunk, chunks) for a in chunk]
