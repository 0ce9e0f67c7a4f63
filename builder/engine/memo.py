"""What `extract` and `update` remember between runs (in the build record), besides
the pages and their analyses (`engine.pagememo`, which the build shares).

Each domain's POT: unchanged when nothing it is made of changed (`domain_keys`).

`update` remembers what it wrote, so that an update with nothing to do is instant.

Merging is deterministic and idempotent: the same POT merged into the PO file
`update` itself wrote gives that file back. So when a domain's new POT is the
one last merged and a locale's catalogue of that domain is byte for byte what
`update` last wrote, its merge is skipped and its last counts are reported: an
edit of one news item merges one catalogue per locale. Any edit — by `update`,
a translator or git — changes the file's hash and the catalogue is merged again.
The file's stat (with ctime) recorded after the write spares hashing it.

When the POT did change, a catalogue that is still what `update` wrote need not
be merged whole either: `update` also keeps each domain's POT as last merged
(`TEMPLATES`), and `patch_bases` gives it back with the file's counts, so that
only the entries whose template entry changed are merged (`catalogues.patch`).
"""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import replace
from pathlib import Path
from typing import Callable, Mapping

from builder.catalogues.domains import domain_of, ui_domain
from builder.catalogues.merge import MergeResult
from builder.engine.cache import BuildCache, bytes_sha, file_sha
from builder.engine.localemerge import Merged
from builder.source.config import SiteConfig
from builder.source.content import Content
from builder.source.inputs import file_fingerprint, wait_past_tick

TEMPLATES = "update_pot"   # domain → sha of the template last merged; + ":DOMAIN": its text


def text_sha(text: str) -> str:
    return bytes_sha(text.encode("utf-8"))


EMPTY = text_sha("")   # a domain without a template


def _written(memo: dict, locale: str, domain: str, path: Path, prune: bool,
             wanted: Callable[[tuple], bool]) -> tuple | None:
    """What `remember` kept of a catalogue, if `wanted` takes it and the file is still
    what `update` wrote then (the same stat, or else the same digest); else None."""
    last = memo.get((locale, domain))
    size = len(MergeResult(locale, "", 0, 0, 0, 0).counts())
    if last is None or len(last) != 5 or last[1] != prune or len(last[3]) != size or \
            not wanted(last):
        return None
    stat = file_fingerprint(path)
    if stat is None or (stat != last[4] and file_sha(path) != last[2]):
        return None
    return last


def remembered(root: Path, pots: dict[str, str], locale: str, paths: dict[str, Path],
               prune: bool) -> dict[str, Merged]:
    """The catalogues of `locale` (domain → path) whose merge would give back the file
    on disk: their results, unmerged. `pots`: domain → its POT's `text_sha` (none for
    a domain without one)."""
    cache = BuildCache(root)
    try:
        memo = cache.get("update") or {}
    finally:
        cache.close()
    out = {}
    for domain, path in paths.items():
        pot = pots.get(domain, EMPTY)
        last = _written(memo, locale, domain, path, prune, lambda last: last[0] == pot)
        if last is not None:    # the file as it is; nothing happened in this run
            out[domain] = Merged(path, replace(MergeResult(locale, "", *last[3]),
                                               remembered=True, fuzzy=0, new=0, carried=0,
                                               similar=0, moved=0, obsoleted=0))
    return out


def patch_bases(root: Path, pots: dict[str, str], locale: str, paths: dict[str, Path],
                prune: bool) -> dict[str, tuple[str, str, tuple[int, int, int]]]:
    """The catalogues of `locale` (domain → path) that are what `update` last wrote, from
    a template it kept (`remember`) and that has changed since: domain → (that
    template's digest and text, the file's translated, fuzzy and untranslated counts), what
    `patch` needs to merge only the entries that changed."""
    cache = BuildCache(root)
    try:
        memo, shas = cache.get("update") or {}, cache.get(TEMPLATES) or {}
        out = {}
        for domain, path in paths.items():
            pot = pots.get(domain, EMPTY)
            last = _written(memo, locale, domain, path, prune,
                            lambda last: last[0] != pot and shas.get(domain) == last[0])
            kept = cache.get(f"{TEMPLATES}:{domain}") if last is not None else None
            if kept is not None and kept[0] == last[0]:
                out[domain] = (kept[0], kept[1], tuple(last[3][9:12]))
        return out
    finally:
        cache.close()


def remember(root: Path, pots: dict[str, str], merged: list[Merged], prune: bool,
             template: Callable[[str], str]) -> None:
    """After `update` wrote its files: what each catalogue merged now is (its
    `Merged.sha`), and how the file looks on disk, so that the next `update` need not
    read it to know it unchanged; and each domain's template (`template(domain)` its
    text), for `patch_bases`. `pots`: domain → its POT's `text_sha`."""
    cache = BuildCache(root)
    try:
        memo = {key: value for key, value in (cache.get("update") or {}).items()
                if isinstance(key, tuple)}
        stamps = []
        for done in merged:
            if done.result.remembered:
                continue
            stamps.append(file_fingerprint(done.path))
            memo[(done.result.locale, done.result.domain)] = (
                pots.get(done.result.domain, EMPTY), prune, done.sha, done.result.counts(),
                stamps[-1])
        cache.put("update", memo)
        if times := [stamp[0] for stamp in stamps if stamp is not None]:
            # A translator's save from now on cannot leave a file with the stat kept here.
            wait_past_tick(max(times), cache.dir / ".tick")
        if merged:   # `extract` (nothing merged) writes templates no catalogue was merged with
            _keep_templates(cache, pots, template)
    finally:
        cache.close()


def _keep_templates(cache: BuildCache, pots: dict[str, str],
                    template: Callable[[str], str]) -> None:
    """Each domain's template as last merged, stored only when it changed."""
    kept = cache.get(TEMPLATES) or {}
    for domain in kept.keys() - pots.keys():
        cache.drop(f"{TEMPLATES}:{domain}")
    for domain, sha in pots.items():
        if kept.get(domain) != sha:
            cache.put(f"{TEMPLATES}:{domain}", (sha, template(domain)))
    cache.put(TEMPLATES, dict(pots))


# -- each domain's POT: unchanged when nothing it is made of changed ---------------
POT_MEMO = 1   # bump when extraction changes what a POT holds for the same inputs


def domain_keys(config: SiteConfig, content: Content, templates: Mapping[str, Path],
                digests: Mapping[str, bytes]) -> dict[str, str]:
    """Domain → a digest of everything its POT is made of: site.yaml (the split, the
    title in the header, the site's own strings), the templates (the interface's
    domain) and its pages, each by its whole loaded form (`digests`: `page_digests`)."""
    base = hashlib.blake2b(digest_size=16)
    base.update(f"{POT_MEMO}\0".encode())
    base.update(config.config_path.read_bytes())
    parts: dict[str, hashlib.blake2b] = {}
    ui = ui_domain(config.catalogues)
    parts[ui] = base.copy()
    for name in sorted(templates):
        parts[ui].update(name.encode() + b"\0" + templates[name].read_bytes() + b"\0")
    for page in content.pages:
        domain = domain_of(config.catalogues, page)
        part = parts.setdefault(domain, base.copy())
        part.update(page.source.encode() + b"\0" + digests[page.key])
    return {domain: part.hexdigest() for domain, part in parts.items()}


def unchanged_pots(root: Path, keys: Mapping[str, str],
                   paths: Mapping[str, Path]) -> dict[str, tuple[str, int]]:
    """Domain → (sha, messages) of each POT file that is what extraction last wrote
    from the same inputs (`keys`), untouched since."""
    cache = BuildCache(root)
    try:
        memo = cache.get("pots") or {}
    finally:
        cache.close()
    out = {}
    for domain, key in keys.items():
        last = memo.get(domain)
        if last and last[0] == key and file_fingerprint(paths[domain]) == last[3]:
            out[domain] = (last[1], last[2])
    return out


def remember_pots(root: Path, pots: list[tuple[str, str, str, int, Path]]) -> None:
    """After the POT files were written: (domain, key, sha, messages, path) of each."""
    cache = BuildCache(root)
    try:
        memo = {domain: (key, sha, count, file_fingerprint(path))
                for domain, key, sha, count, path in pots}
        cache.put("pots", memo)
    except sqlite3.OperationalError:
        pass
    finally:
        cache.close()
