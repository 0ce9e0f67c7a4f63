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

import os
import shutil
import threading
import time
from dataclasses import dataclass, replace
from http.server import ThreadingHTTPServer
from pathlib import Path
from types import MappingProxyType
from typing import Callable

import jinja2

from builder import pipeline
from builder.errors import InputError
from builder.render.locale import LocaleRenderer, make_translator
from builder.render.pages import render_locale
from builder.render.translations import load_messages
from builder.segments.blocks import make_markdown
from builder.tools.serve_http import Generation, LiveState, _handler

WATCHED = ("content", "templates", "locales")
POLL_SECONDS = 0.1
SETTLE_SECONDS = 0.02     # a save in steps (temp file, rename) lands within this
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
        content = {k: v for k, v in signature.items()
                   if k.startswith(("content/", "templates/"))}   # the model holds templates
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
        from builder.catalogues.pseudo import pseudo_files
        files |= pseudo_files(options.root)
    if options.status:
        from builder.tools.status import status_files
        files |= status_files(options.root)
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
        from builder.source.config import load_config
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

