"""Results cache: a page × cell whose inputs did not change is not checked again.

The key covers everything a result depends on: the page's bytes and those
of every same-site stylesheet, image, script and iframe it references
(recursively through CSS url()/@import and framed documents), the options,
the axe script, the browser version, the render cell and what the manifest
expects of the page. Anything not in the key must not influence a result.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import sqlite3
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urljoin, urlparse

from builder.a11y.model import CheckTarget, RenderCell

KEY_VERSION = "3"  # bump when the cached value's shape or the key recipe changes
_CSS_URL_RE = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)|@import\s+['"]([^'"]+)['"]""")
_URL_ATTRS = {
    "img": ("src", "srcset"), "source": ("src", "srcset"), "script": ("src",),
    "iframe": ("src",), "frame": ("src",), "video": ("src", "poster"), "audio": ("src",),
    "track": ("src",), "object": ("data",), "embed": ("src",), "input": ("src",),
}
_LINK_RELS = frozenset({"stylesheet", "icon", "preload", "modulepreload", "manifest"})
MAX_DEPTH = 4


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "link" and _LINK_RELS.intersection(a.get("rel", "").lower().split()):
            self.urls.append(a.get("href", ""))
        for name in _URL_ATTRS.get(tag, ()):
            value = a.get(name, "")
            # srcset: "a.png 1x, b.png 2x" — the URL is the first word of each item.
            parts = [p.strip().split(" ")[0] for p in value.split(",")] if name == "srcset" else [value]
            self.urls += [p for p in parts if p]
        if tag == "style" or "style" in a:
            self.urls += _css_urls(a.get("style", ""))

    def handle_data(self, data: str) -> None:
        # Inline <style> text: harmless to scan any text for url(), it only adds keys.
        if "url(" in data or "@import" in data:
            self.urls += _css_urls(data)


def _css_urls(text: str) -> list[str]:
    return [m.group(1) or m.group(2) for m in _CSS_URL_RE.finditer(text)]


def _resolve(root: Path, base: str, url: str) -> str | None:
    """Site-relative path of a same-site URL, or None (other site, data:, escape)."""
    joined = urlparse(urljoin("/" + base, url.strip()))
    if joined.scheme or joined.netloc or not joined.path:
        return None
    rel = PurePosixPath(unquote(joined.path).lstrip("/"))
    if ".." in rel.parts:
        return None
    return rel.as_posix()


def input_digest(root: Path, path: str) -> str:
    """sha256 over the page and every same-site file it pulls in."""
    seen: dict[str, str] = {}
    _visit(Path(root), path, seen, 0)
    blob = json.dumps(sorted(seen.items()), separators=(",", ":")).encode()
    return hashlib.sha256(blob).hexdigest()


def _visit(root: Path, rel: str, seen: dict[str, str], depth: int) -> None:
    if rel in seen:
        return
    file = root / rel
    try:
        data = file.read_bytes() if file.is_file() else None
    except OSError:
        data = None
    seen[rel] = hashlib.sha256(data).hexdigest() if data is not None else "missing"
    if data is None or depth >= MAX_DEPTH:
        return
    suffix = file.suffix.lower()
    if suffix in (".html", ".htm", ".xhtml"):
        parser = _Refs()
        parser.feed(data.decode("utf-8", errors="replace"))
        urls = parser.urls
    elif suffix == ".css":
        urls = _css_urls(data.decode("utf-8", errors="replace"))
    else:
        return
    for url in urls:
        resolved = _resolve(root, rel, url)
        if resolved:
            _visit(root, resolved, seen, depth + 1)


def cache_key(digest: str, target: CheckTarget, cell: RenderCell, options: dict[str, Any],
              axe_sha256: str, chromium: str) -> str:
    expectation = dataclasses.asdict(target) | {"url": None}
    material = json.dumps({
        "v": KEY_VERSION, "inputs": digest, "target": expectation, "options": options,
        "axe": axe_sha256, "chromium": chromium, "cell": [cell.scheme, cell.width],
    }, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(material.encode()).hexdigest()


class ResultsCache:
    """SQLite table key → serialised PageResult. Used from one thread only."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path)
        self._db.execute("PRAGMA journal_mode=WAL")
        # A lost last result after a power cut is re-checked; no fsync per page.
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, value TEXT NOT NULL)")

    def get(self, key: str) -> dict[str, Any] | None:
        row = self._db.execute("SELECT value FROM results WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else None

    def put(self, key: str, value: dict[str, Any]) -> None:
        with self._db:
            self._db.execute("INSERT OR REPLACE INTO results (key, value) VALUES (?, ?)",
                             (key, json.dumps(value, sort_keys=True)))

    def close(self) -> None:
        self._db.close()
