"""What `infopages serve` serves: the current generation of the site, with the
live-reload script and build errors injected into HTML *responses* only.

Split from `serve` (the watcher and rebuilds): this half holds the state the
HTTP threads share and the request handling; the built files never change.
"""

from __future__ import annotations

import hashlib
import html
import json
import posixpath
import re
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

WAIT_SECONDS = 25.0      # a long-poll's length: below common proxy idle timeouts
DEV = "/__infopages__/"
# Text types get an explicit charset. (Not builder.a11y.server's table: importing
# the a11y package starts Selenium, which `serve` has no use for.)
TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
         ".js": "text/javascript; charset=utf-8", ".json": "application/json",
         ".xml": "application/xml; charset=utf-8", ".svg": "image/svg+xml",
         ".txt": "text/plain; charset=utf-8", ".png": "image/png", ".jpg": "image/jpeg",
         ".jpeg": "image/jpeg", ".gif": "image/gif", ".webp": "image/webp",
         ".ico": "image/x-icon", ".woff2": "font/woff2", ".po": "text/plain; charset=utf-8"}
RELOAD_JS = """// infopages serve: reload this page when the site is rebuilt (dev server only).
(function () {
  var me = document.currentScript;
  var gen = me.getAttribute("data-generation"), hash = me.getAttribute("data-hash");
  var page = encodeURIComponent(location.pathname);
  function poll() {
    fetch("/__infopages__/wait?gen=" + gen + "&page=" + page + "&hash=" + hash, {cache: "no-store"})
      .then(function (r) { return r.json(); })
      .then(function (d) { if (d.reload) location.reload(); else { gen = d.generation; poll(); } })
      .catch(function () { setTimeout(poll, 1000); });   // server restarting
  }
  poll();
})();
"""
CSP_RE = re.compile(r'(<meta http-equiv="Content-Security-Policy" content=")([^"]*)(")', re.I)
HEAD_END_RE = re.compile(r"</head>", re.I)
BODY_RE = re.compile(r"<body[^>]*>", re.I)


@dataclass(frozen=True)
class Generation:
    """One rebuild's outcome. `site` is the last good build (None before the first)."""
    number: int
    site: Path | None
    errors: tuple[str, ...] = ()       # `path:line: error: …` lines of a failed build
    seconds: float = 0.0
    changed: tuple[str, ...] = ()
    written: int = 0                   # files the rebuild wrote or removed

    def read(self, rel: str) -> bytes | None:
        """A site file's bytes in this generation (`rel` already safe), or None."""
        path = self.site / rel if self.site is not None else None
        return path.read_bytes() if path is not None and path.is_file() else None


class LiveState:
    """The generation being served, and which pages are open in a browser.

    HTTP threads wait on it for the next generation."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._current = Generation(0, None)
        self._viewers: dict[str, float] = {}   # page path → last time its script asked

    @property
    def current(self) -> Generation:
        with self._cond:
            return self._current

    def publish(self, generation: Generation) -> None:
        with self._cond:
            self._current = generation
            self._cond.notify_all()

    def wait(self, seen: int, timeout: float) -> Generation:
        """The current generation as soon as it is not `seen`, or after `timeout`."""
        with self._cond:
            self._cond.wait_for(lambda: self._current.number != seen, timeout)
            return self._current

    def viewing(self, page: str) -> None:
        with self._cond:
            self._viewers[page] = time.monotonic()

    def open_pages(self, within: float = 2 * WAIT_SECONDS) -> tuple[str, ...]:
        now = time.monotonic()
        with self._cond:
            return tuple(p for p, seen in self._viewers.items() if now - seen < within)


def dev_csp(policy: str) -> str:
    """The site's policy plus what live reload needs, in the dev server only.

    The built pages say `default-src 'none'` with no script-src: the injected
    script (and its fetch) would be blocked. Loosening the policy in the
    *response* keeps the published files strict."""
    return policy + "; script-src &#39;self&#39;; connect-src &#39;self&#39;"


def page_hash(page: bytes | None, generation: Generation) -> str:
    """What a reader sees of a page: its bytes and the build errors shown on it."""
    digest = hashlib.sha256(page or b"")
    digest.update("\n".join(generation.errors).encode())
    return digest.hexdigest()[:16]


def error_banner(errors: tuple[str, ...]) -> str:
    # role=alert: announced at once; lang/dir: the messages are English, also on Arabic pages.
    lines = "\n".join(html.escape(e) for e in errors)
    return (f'<div class="notice" role="alert" lang="en" dir="ltr"><p><strong>Build failed'
            f'</strong> — this is the last good version. <a href="{DEV}error">Details</a></p>'
            f'<pre>{lines}</pre></div>')


def inject(page: bytes, generation: Generation) -> bytes:
    """Reload script (and the error banner) into one HTML response; never into files."""
    text = page.decode("utf-8", "replace")
    text = CSP_RE.sub(lambda m: m.group(1) + dev_csp(m.group(2)) + m.group(3), text, count=1)
    script = (f'<script src="{DEV}reload.js" data-generation="{generation.number}" '
              f'data-hash="{page_hash(page, generation)}" defer></script>')
    text = HEAD_END_RE.sub(lambda m: script + "\n" + m.group(), text, count=1)
    if generation.errors:
        text = BODY_RE.sub(lambda m: m.group() + error_banner(generation.errors), text, count=1)
    return text.encode("utf-8")


def error_page(generation: Generation) -> bytes:
    if generation.errors:
        body = f"<h1>Build failed</h1>{error_banner(generation.errors)}"
    else:
        body = "<h1>No build errors</h1><p>The last build succeeded.</p>"
    return inject(
        ('<!DOCTYPE html>\n<html lang="en" dir="ltr"><head><meta charset="utf-8">'
         '<meta name="viewport" content="width=device-width, initial-scale=1">'
         '<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;">'
         f'<title>infopages serve</title></head><body><main>{body}</main></body></html>\n'
         ).encode(), generation)


def site_path(generation: Generation, url_path: str) -> str | None:
    """The site-relative file a URL path names, or None when it would leave the site."""
    rel = posixpath.normpath("/" + unquote(url_path)).lstrip("/")
    if rel.startswith("..") or "\0" in rel:
        return None
    if not rel or url_path.endswith("/") or (
            generation.site is not None and (generation.site / rel).is_dir()):
        rel = posixpath.join(rel, "index.html") if rel else "index.html"
    return rel


def wait_answer(state: LiveState, query: dict) -> bytes:
    """Long-poll: answer when the asking page would look different, or after a while."""
    def arg(name: str, default: str = "") -> str:
        return (query.get(name) or [default])[0]
    seen = int(arg("gen", "-1")) if arg("gen", "-1").lstrip("-").isdigit() else -1
    page, known = arg("page"), arg("hash")
    deadline = time.monotonic() + WAIT_SECONDS
    state.viewing(page)
    while (left := deadline - time.monotonic()) > 0:
        now = state.wait(seen, left)
        if now.number == seen:
            break
        rel = site_path(now, page) if page else None
        if not known or page_hash(now.read(rel) if rel else None, now) != known:
            return json.dumps({"generation": now.number, "reload": True}).encode()
        seen = now.number   # rebuilt, but this page did not change: no reload
    return json.dumps({"generation": seen, "reload": False}).encode()


def _handler(state: LiveState) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass   # serve_command owns the terminal

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            url = urlsplit(self.path)
            generation = state.current
            if url.path.startswith(DEV):
                self._dev(url.path[len(DEV):], parse_qs(url.query), generation)
                return
            rel = site_path(generation, url.path)
            data = generation.read(rel) if rel else None
            if data is None:
                page = error_page(generation) if generation.site is None else inject(
                    b"<!DOCTYPE html><html lang=en><head><title>Not found</title></head>"
                    b"<body><main><h1>Not found</h1></main></body></html>", generation)
                self._send(404 if generation.site else 503, TYPES[".html"], page)
                return
            suffix = posixpath.splitext(rel)[1].lower()
            kind = TYPES.get(suffix, "application/octet-stream")
            self._send(200, kind, inject(data, generation) if suffix == ".html" else data)

        def _dev(self, name: str, query: dict, generation: Generation) -> None:
            if name == "reload.js":
                self._send(200, TYPES[".js"], RELOAD_JS.encode())
            elif name == "wait":
                self._send(200, TYPES[".json"], wait_answer(state, query))
            elif name == "status":
                self._send(200, TYPES[".json"], _status_json(generation))
            elif name == "error":
                self._send(200, TYPES[".html"], error_page(generation))
            else:
                self._send(404, TYPES[".txt"], b"not found\n")

        def _send(self, code: int, kind: str, body: bytes) -> None:
            self.send_response(code)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")   # a reload must fetch the new page
            self.end_headers()
            self.wfile.write(body)

    return Handler


def _status_json(generation: Generation) -> bytes:
    return json.dumps({"generation": generation.number, "errors": list(generation.errors),
                       "seconds": round(generation.seconds, 3), "changed": list(generation.changed),
                       "written": generation.written}).encode()
