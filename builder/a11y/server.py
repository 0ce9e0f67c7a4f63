"""Serve a built site over loopback HTTP so pages load as they will in production.

file:// URLs would change same-origin rules (iframes, fetch) and hide MIME
problems, so the checker always goes through a real, if tiny, HTTP server.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from builder.a11y.errors import CheckUnavailable

CONTENT_TYPES: dict[str, str] = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".webmanifest": "application/manifest+json",
    ".xml": "application/xml; charset=utf-8",
    ".svg": "image/svg+xml",
    ".txt": "text/plain; charset=utf-8",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".gif": "image/gif",
    ".ico": "image/x-icon",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
}


class _QuietHandler(SimpleHTTPRequestHandler):
    # The platform mimetypes table differs between machines; pinning it keeps
    # a check run reproducible and guarantees charset on text types.
    extensions_map = {"": "application/octet-stream", **CONTENT_TYPES}

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass  # the CLI owns the terminal

    def end_headers(self) -> None:
        # Pages are never stored; the stylesheets, images and fonts they share are
        # kept by the browser for the run (its profile is new for every run), so a
        # site's CSS is fetched and parsed once per browser, not once per page.
        path = self.path.split("?", 1)[0].lower()
        cacheable = path.endswith((".css", ".js", ".mjs", ".svg", ".png", ".jpg", ".jpeg", ".webp",
                                   ".avif", ".gif", ".ico", ".woff", ".woff2"))
        self.send_header("Cache-Control", "private, max-age=3600" if cacheable else "no-store")
        super().end_headers()


@contextmanager
def serve_directory(root: Path) -> Iterator[str]:
    """Serve `root` on 127.0.0.1:<ephemeral>; yield the base URL ending in '/'."""
    root = Path(root)
    if not root.is_dir():
        raise CheckUnavailable(f"Nothing to check: {root} is not a directory — build the site first.")
    handler = functools.partial(_QuietHandler, directory=str(root))
    try:
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    except OSError as err:
        raise CheckUnavailable(
            f"Cannot open a loopback HTTP port ({err.strerror}) — check that 127.0.0.1 is usable."
        ) from err
    server.daemon_threads = True
    # A short poll: shutdown() waits for it, and a cached check is over in a second.
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              name="a11y-http", daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host}:{port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
