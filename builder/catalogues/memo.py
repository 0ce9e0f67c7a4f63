"""`update` remembers what it wrote, so that an update with nothing to do is instant.

Merging is deterministic and idempotent: the same POT merged into the PO file
`update` itself wrote gives that file back. So when the new POT is the one last
merged and a PO file is byte for byte what `update` last wrote, the merge of
that locale is skipped and its last counts are reported. Any edit — by `update`,
a translator or git — changes the file's hash and the locale is merged again.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

from builder.catalogues.merge import MergeResult, po_path
from builder.engine.cache import BuildCache

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
