"""`infopages serve`: every locale (and `_preview/`) live on 127.0.0.1 while you edit.

A watcher thread polls modification times (stdlib only: no inotify
dependency, and polling works the same on every file system and in
containers). On a change it rebuilds in-process into a fresh generation
folder, then switches the served folder atomically: a reader never sees a
half-written site. A build error keeps the last good generation served and
is shown in every open page and on the terminal.

Only the server injects the live-reload script, into HTML *responses*; the
built files never contain it. Nothing here prints: events go to a callback
that `serve_command` owns.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import posixpath
import re
import shutil
import threading
import time
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import MappingProxyType
from typing import Callable, Mapping
from urllib.parse import parse_qs, unquote, urlsplit

import jinja2

from . import pipeline
from .errors import InputError
from .pages import render_locale
from .render import LocaleRenderer, make_translator
from .segments import make_markdown
from .translations import load_messages

WATCHED = ("content", "templates", "locales")
POLL_SECONDS = 0.1
SETTLE_SECONDS = 0.02     # a save in steps (temp file, rename) lands within this
WAIT_SECONDS = 25.0      # a long-poll's length: below common proxy idle timeouts
Signature = dict[str, tuple[int, int]]   # relative path → (mtime_ns, size)


def scan(root: Path) -> Signature:
    """Every watched file's modification time and size (site.yaml and assets included)."""
    found: Signature = {}
    for folder in WATCHED:
        base = root / folder
        for dirpath, dirnames, filenames in os.walk(base):
            # Editors' swap and backup folders and our own staging dirs are noise.
            dirnames[:] = [d for d in dirnames if not d.startswith(".")]
            for name in filenames:
                if name.startswith(".") or name.endswith(("~", ".swp", ".tmp")):
                    continue
                path = Path(dirpath, name)
                try:
                    st = path.stat()
                except FileNotFoundError:   # deleted between listing and stat
                    continue
                found[path.relative_to(root).as_posix()] = (st.st_mtime_ns, st.st_size)
    return found


def changed(before: Signature, after: Signature) -> tuple[str, ...]:
    return tuple(sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p)))


FAST_SUFFIXES = (".po", ".md", ".html")


def fast_scope(paths: tuple[str, ...], locales: tuple[str, ...]) -> tuple[str, ...] | None:
    """Locales whose pages alone a change affects, () for all of them, None when only a
    full build will do (site.yaml, assets, media, the POT: anything beyond pages).

    A PO file feeds its own locale's pages only. With publish gates it may also
    change other locales' language links: the full build after the fast path
    catches that."""
    found: list[str] = []
    for path in paths:
        parts = path.split("/")
        if not path.endswith(FAST_SUFFIXES) or parts[:2] == ["templates", "static"]:
            return None
        if parts[0] == "locales":
            if len(parts) != 4 or parts[1] not in locales:
                return None
            found.append(parts[1])
        elif parts[0] in ("content", "templates"):
            return ()
    return tuple(dict.fromkeys(found))


@dataclass(frozen=True)
class Generation:
    """One rebuild's outcome. `site` is the last good build (None before the first)."""
    number: int
    site: Path | None
    errors: tuple[str, ...] = ()       # `path:line: error: …` lines of a failed build
    seconds: float = 0.0
    changed: tuple[str, ...] = ()
    targeted: tuple[str, ...] = ()     # locales re-rendered alone; () = full build
    # Pages re-rendered by the fast path, served over `site` until the full
    # rebuild that follows writes a complete generation.
    overlay: Mapping[str, bytes] = field(default_factory=lambda: MappingProxyType({}))

    def read(self, rel: str) -> bytes | None:
        """A site file's bytes in this generation (`rel` already safe), or None."""
        if rel in self.overlay:
            return self.overlay[rel]
        path = self.site / rel if self.site is not None else None
        return path.read_bytes() if path is not None and path.is_file() else None


class LiveState:
    """The generation being served, and which pages are open in a browser.

    HTTP threads wait on it for the next generation; the watcher asks it which
    locales to re-render first."""

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


@dataclass(frozen=True)
class ServeOptions:
    root: Path
    workdir: Path                 # generation folders live here
    host: str = "127.0.0.1"
    port: int = 8000              # 0: any free port
    pseudo: bool = False          # also render en-XA and ar-XB into _preview/
    status: bool = False          # also write _status/ dashboards
    poll: float = POLL_SECONDS
    fast: bool = True             # re-render open pages' locales first (see FastRenderer)


@dataclass(frozen=True)
class Event:
    kind: str                     # "built" | "failed" | "serving"
    generation: Generation
    url: str = ""


def open_locales(pages: tuple[str, ...], locales: tuple[str, ...]) -> tuple[set[str], set[str]]:
    """(published locales, preview locales) that open pages are in."""
    published, preview = set(), set()
    for page in pages:
        parts = page.strip("/").split("/")
        if parts[0] == pipeline.PREVIEW and len(parts) > 1 and parts[1] in locales:
            preview.add(parts[1])
        elif parts[0] in locales:
            published.add(parts[0])
    return published, preview


class MemoryBytecodeCache(jinja2.BytecodeCache):
    """Compiled templates kept between rebuilds (keyed by source checksum, so an
    edited template recompiles): compiling is ~40 % of a render otherwise."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self._code:
            bucket.bytecode_from_string(self._code[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


class FastRenderer:
    """Re-renders only the locales of open pages, in-process, with what did not
    change kept from the last time: the parsed site (unless content changed),
    each locale's messages (unless its PO changed), compiled templates.

    It mirrors the first steps of `pipeline.build`; it is a preview of the
    next generation, and the full build that always follows is the truth."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.bytecode = MemoryBytecodeCache()
        self._model: tuple[Signature, object] | None = None
        self._messages: dict[str, tuple[tuple[int, int] | None, object]] = {}

    def model(self, signature: Signature):
        content = {k: v for k, v in signature.items() if k.startswith("content/")}
        if self._model is None or self._model[0] != content:
            self._model = (content, pipeline.load_site(self.root))
        return self._model[1]

    def messages(self, code: str, signature: Signature):
        stamp = signature.get(f"locales/{code}/LC_MESSAGES/messages.po")
        if code not in self._messages or self._messages[code][0] != stamp:
            self._messages[code] = (stamp, load_messages(self.root, code))
        return self._messages[code][1]

    def render(self, signature: Signature, published: set[str],
               preview: set[str]) -> dict[str, bytes]:
        model = self.model(signature)
        source, md = model.config.source_locale, make_markdown()
        translators = {c: make_translator(self.messages(c, signature), source, md)
                       for c in model.config.locales}
        publication = pipeline.publication(model, translators)
        files: dict[str, bytes] = {}
        for code in sorted(published):
            if publication.locale_published(code):
                files |= self._locale(LocaleRenderer(model, translators[code], md, publication))
        for code in sorted(preview):
            t = make_translator(self.messages(code, signature), source, md, preview=True)
            files |= {f"{pipeline.PREVIEW}/{name}": data
                      for name, data in self._locale(LocaleRenderer(model, t, md)).items()}
        return files

    def _locale(self, renderer: LocaleRenderer) -> dict[str, bytes]:
        renderer.env.bytecode_cache = self.bytecode
        return render_locale(renderer)


def build_generation(options: ServeOptions, out: Path) -> None:
    """A complete generation: the site with its preview (and pseudo-locales, status)."""
    pipeline.build(options.root, out, preview=True)
    files: dict[str, bytes] = {}
    if options.pseudo:
        from .pseudo import pseudo_files
        files |= pseudo_files(options.root)
    if options.status:
        from .status import status_files
        files |= status_files(options.root, out)
    for name, data in files.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_bytes(data)


def error_lines(exc: BaseException) -> tuple[str, ...]:
    if isinstance(exc, InputError):
        return tuple(d.format() for d in exc.diagnostics)
    # A bug of ours must not stop the server: show it like an input error.
    return (f"infopages: internal error: {exc!r} — rerun `infopages build --debug` and report it",)


class Watcher:
    """Polls the sources; on a change rebuilds, publishes and reports an Event."""

    def __init__(self, options: ServeOptions, state: LiveState,
                 on_event: Callable[[Event], None]) -> None:
        self.options, self.state, self.on_event = options, state, on_event
        self.fast = FastRenderer(options.root)
        self.stop = threading.Event()
        self.signature = scan(options.root)

    def run(self) -> None:
        while not self.stop.wait(self.options.poll):
            now = scan(self.options.root)
            paths = changed(self.signature, now)
            if not paths:
                continue
            # Editors save in steps (write a temp file, rename): wait until it settles.
            while not self.stop.wait(SETTLE_SECONDS):
                later = scan(self.options.root)
                if later == now:
                    break
                paths, now = tuple(sorted(set(paths) | set(changed(now, later)))), later
            self.signature = now
            self.after_change(paths)

    def after_change(self, paths: tuple[str, ...]) -> None:
        previous = self.state.current
        if self.options.fast and previous.site is not None and not previous.errors:
            if self._fast(paths, previous) is None:
                return   # the error is shown; the full build would only repeat it
        self.full(paths)

    def _fast(self, paths: tuple[str, ...], previous: Generation) -> Generation | bool | None:
        """Publish the open pages' locales re-rendered; None if that failed, False if
        there was nothing to do fast."""
        locales = tuple(self._config_locales())
        scope = fast_scope(paths, locales)
        published, preview = open_locales(self.state.open_pages(), locales)
        if scope is None or not (published or preview):
            return False
        if scope:
            published, preview = published & set(scope), preview & set(scope)
        start = time.perf_counter()
        try:
            files = self.fast.render(self.signature, published, preview)
        except Exception as exc:   # noqa: BLE001 - any failure keeps the last good site
            return self._failed(paths, exc, start)
        return self._publish(replace(previous, number=previous.number + 1, changed=paths,
                                     seconds=time.perf_counter() - start,
                                     targeted=tuple(sorted(published | preview)),
                                     overlay=MappingProxyType(files)))

    def full(self, paths: tuple[str, ...]) -> Generation | None:
        number = self.state.current.number + 1
        out = self.options.workdir / f"gen-{number}"
        start = time.perf_counter()
        try:
            build_generation(self.options, out)
        except Exception as exc:   # noqa: BLE001 - any failure keeps the last good site
            return self._failed(paths, exc, start)
        generation = self._publish(Generation(number, out, (), time.perf_counter() - start,
                                              paths))
        self._prune(number)
        return generation

    def _config_locales(self) -> tuple[str, ...]:
        from .config import load_config
        try:
            return tuple(load_config(self.options.root).locales)
        except InputError:
            return ()

    def _failed(self, paths: tuple[str, ...], exc: Exception, start: float) -> None:
        previous = self.state.current
        generation = Generation(previous.number + 1, previous.site, error_lines(exc),
                                time.perf_counter() - start, paths)
        self.state.publish(generation)
        self.on_event(Event("failed", generation))
        return None

    def _publish(self, generation: Generation) -> Generation:
        self.state.publish(generation)
        self.on_event(Event("built", generation))
        return generation

    def _prune(self, number: int) -> None:
        # Keep the previous generation: a request started a moment ago may still read it.
        for path in self.options.workdir.glob("gen-*"):
            suffix = path.name[4:]
            if suffix.isdigit() and int(suffix) < number - 1:
                shutil.rmtree(path, ignore_errors=True)


@dataclass(frozen=True)
class Running:
    """A started server: its URL, and how to stop it (tests and the command)."""
    url: str
    state: LiveState
    watcher: Watcher
    server: ThreadingHTTPServer
    threads: tuple[threading.Thread, ...]

    def stop(self) -> None:
        self.watcher.stop.set()
        self.server.shutdown()
        self.server.server_close()
        for thread in self.threads:
            thread.join(timeout=5)


def start(options: ServeOptions, on_event: Callable[[Event], None]) -> Running:
    """Build once, then serve and watch in background threads."""
    options.workdir.mkdir(parents=True, exist_ok=True)
    state = LiveState()
    watcher = Watcher(options, state, on_event)
    watcher.full(("(start)",))
    server = ThreadingHTTPServer((options.host, options.port), _handler(state))
    server.daemon_threads = True   # a long-poll must not keep the process alive
    host, port = server.server_address[:2]
    url = f"http://{host}:{port}/"
    threads = (threading.Thread(target=server.serve_forever, name="serve-http", daemon=True),
               threading.Thread(target=watcher.run, name="serve-watch", daemon=True))
    for thread in threads:
        thread.start()
    on_event(Event("serving", state.current, url))
    return Running(url, state, watcher, server, threads)


# -- HTTP --------------------------------------------------------------------

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
                       "targeted": list(generation.targeted)}).encode()
