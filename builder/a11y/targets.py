"""Which pages to check: a built folder (with its manifest), URLs, a sitemap; and shards."""

from __future__ import annotations

import hashlib
import urllib.request
from collections.abc import Collection, Sequence
from dataclasses import replace
from pathlib import Path
from urllib.error import URLError
from xml.etree import ElementTree as ET

from builder.a11y.check import check_paths, direction_for
from builder.a11y.errors import CheckUnavailable
from builder.a11y.locale import load_manifest
from builder.a11y.model import CheckTarget

SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
MAX_SITEMAPS = 50  # nested sitemap indexes; more is a loop or a mistake


def folder_targets(root: Path, locales: Collection[str] = (),
                   content_dir: Path | None = None) -> tuple[CheckTarget, ...]:
    """Every page under `root`; pages the builder's manifest lists carry its expectations.

    The manifest's locale and direction win over the folder guess: the
    builder knows what it wrote.
    """
    manifest = load_manifest(root, content_dir)
    targets = []
    for target in check_paths(root, locales):
        info = manifest.get(target.path)
        if info is not None:
            target = replace(target, locale=info.locale, direction=info.direction or
                             direction_for(info.locale), page=info)
        targets.append(target)
    return tuple(targets)


def url_target(url: str) -> CheckTarget:
    # Nothing is known about a page on someone else's site; axe's html-has-lang
    # and html-lang-valid still speak for its language.
    return CheckTarget(path=url, url=url)


def shard_of(path: str, count: int) -> int:
    """1-based shard of a page: stable across machines and runs (not Python's hash())."""
    return int(hashlib.sha256(path.encode("utf-8")).hexdigest()[:12], 16) % count + 1


def shard(targets: Sequence[CheckTarget], index: int, count: int) -> tuple[CheckTarget, ...]:
    return tuple(t for t in targets if shard_of(t.path, count) == index)


def _fetch(url: str, timeout: float) -> bytes:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - user-given URL
            return response.read()
    except (URLError, OSError, ValueError) as err:
        raise CheckUnavailable(
            f"Cannot fetch the sitemap {url} ({getattr(err, 'reason', err)}) — check the URL "
            "and that the site is being served") from err


def sitemap_urls(url: str, timeout: float = 30.0) -> tuple[str, ...]:
    """Page URLs of a sitemap (following sitemap indexes), in document order."""
    pages: list[str] = []
    pending, seen = [url], set()
    while pending and len(seen) < MAX_SITEMAPS:
        current = pending.pop(0)
        if current in seen:
            continue
        seen.add(current)
        try:
            root = ET.fromstring(_fetch(current, timeout))
        except ET.ParseError as err:
            raise CheckUnavailable(f"{current} is not a sitemap ({err}) — pass the URL of "
                                   "sitemap.xml") from err
        locs = [(loc.text or "").strip() for loc in root.iter(SITEMAP_NS + "loc")]
        if root.tag == SITEMAP_NS + "sitemapindex":
            pending += locs
        else:
            pages += [loc for loc in locs if loc]
    return tuple(dict.fromkeys(pages))
