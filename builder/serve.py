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

import json
import os
import shutil
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

from . import pipeline
from .errors import InputError
from .serve_http import make_server

WATCHED = ("content", "templates", "locales")
POLL_SECONDS = 0.1
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


def targeted_locales(paths: tuple[str, ...], locales: tuple[str, ...]) -> tuple[str, ...]:
    """The locales to rebuild when only their PO files changed; () means everything.

    A PO file feeds only its own locale's pages (with publish gates it can
    also change other locales' language links: the full rebuild that follows
    a targeted one catches that)."""
    found = []
    for path in paths:
        parts = path.split("/")
        if len(parts) != 4 or parts[0] != "locales" or parts[2] != "LC_MESSAGES" \
                or not parts[3].endswith(".po") or parts[1] not in locales:
            return ()
        found.append(parts[1])
    return tuple(dict.fromkeys(found))


@dataclass(frozen=True)
class Generation:
    """One rebuild's outcome. `site` is the last good build (None before the first)."""
    number: int
    site: Path | None
    errors: tuple[str, ...] = ()       # `path:line: error: …` lines of a failed build
    seconds: float = 0.0
    changed: tuple[str, ...] = ()
    targeted: tuple[str, ...] = ()     # locales rebuilt alone; () = full build


class LiveState:
    """The generation being served; HTTP threads wait on it for the next one."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._current = Generation(0, None)

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


@dataclass(frozen=True)
class ServeOptions:
    root: Path
    workdir: Path                 # generation folders live here
    host: str = "127.0.0.1"
    port: int = 8000              # 0: any free port
    pseudo: bool = False          # also render en-XA and ar-XB into _preview/
    status: bool = False          # also write _status/ dashboards
    poll: float = POLL_SECONDS
    reconcile: bool = True        # full rebuild after a targeted one


@dataclass(frozen=True)
class Event:
    kind: str                     # "built" | "failed" | "serving"
    generation: Generation
    url: str = ""


class SiteBuilder:
    """Builds generation N into `workdir/gen-N`; only the watcher thread calls it."""

    def __init__(self, options: ServeOptions) -> None:
        self.options = options

    def full(self, number: int) -> Path:
        out = self.options.workdir / f"gen-{number}"
        pipeline.build(self.options.root, out, preview=True)
        self._extras(out)
        return out

    def targeted(self, number: int, locales: tuple[str, ...], previous: Path) -> Path:
        """Render only `locales`, then lay them over a hard-linked copy of `previous`."""
        staged = self.options.workdir / f"part-{number}"
        pipeline.build(self.options.root, staged, only=locales, preview=True)
        out = self.options.workdir / f"gen-{number}"
        shutil.copytree(previous, out, copy_function=os.link)
        for code in locales:
            for gone in (out / code, out / pipeline.PREVIEW / code):
                shutil.rmtree(gone, ignore_errors=True)
        manifest = _merged_manifest(previous, staged, locales)
        shutil.copytree(staged, out, dirs_exist_ok=True, copy_function=_replace_copy)
        (out / MANIFEST).write_bytes(manifest)
        shutil.rmtree(staged, ignore_errors=True)
        return out

    def _extras(self, out: Path) -> None:
        files: dict[str, bytes] = {}
        if self.options.pseudo:
            from .pseudo import pseudo_files
            files |= pseudo_files(self.options.root)
        if self.options.status:
            from .status import status_files
            files |= status_files(self.options.root, out)
        for name, data in files.items():
            (out / name).parent.mkdir(parents=True, exist_ok=True)
            (out / name).write_bytes(data)


MANIFEST = "_infopages/pages.json"


def _replace_copy(src: str, dst: str) -> None:
    # The destination may be a hard link shared with the previous generation:
    # unlink first so that generation keeps its bytes.
    Path(dst).unlink(missing_ok=True)
    shutil.copy2(src, dst)


def _merged_manifest(previous: Path, staged: Path, locales: tuple[str, ...]) -> bytes:
    """Previous manifest with the rebuilt locales' pages replaced by the new ones."""
    old = json.loads((previous / MANIFEST).read_text("utf-8"))
    new = json.loads((staged / MANIFEST).read_text("utf-8"))
    pages = {p: v for p, v in old["pages"].items() if p.split("/", 1)[0] not in locales}
    document = dict(old, pages=pages | new["pages"])
    return (json.dumps(document, sort_keys=True, indent=1, ensure_ascii=False) + "\n").encode()


def same_tree(a: Path, b: Path) -> bool:
    """Same files with the same bytes (the reconciling build changed nothing)."""
    def files(root: Path) -> dict[str, Path]:
        return {p.relative_to(root).as_posix(): p for p in root.rglob("*") if p.is_file()}
    left, right = files(a), files(b)
    return left.keys() == right.keys() and all(
        left[k].read_bytes() == right[k].read_bytes() for k in left)


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
        self.builder = SiteBuilder(options)
        self.stop = threading.Event()
        self.signature = scan(options.root)

    def first_build(self) -> Generation:
        return self._rebuild(("(start)",), ())

    def run(self) -> None:
        while not self.stop.wait(self.options.poll):
            now = scan(self.options.root)
            paths = changed(self.signature, now)
            if not paths:
                continue
            # Editors save in steps (write temp, rename): wait until it settles.
            while not self.stop.wait(self.options.poll / 2):
                later = scan(self.options.root)
                if later == now:
                    break
                paths, now = tuple(sorted(set(paths) | set(changed(now, later)))), later
            self.signature = now
            self._after_change(paths)

    def _after_change(self, paths: tuple[str, ...]) -> None:
        locales = self._locales()
        targeted = targeted_locales(paths, locales)
        generation = self._rebuild(paths, targeted)
        if targeted and not generation.errors and self.options.reconcile:
            self._reconcile(generation)

    def _locales(self) -> tuple[str, ...]:
        try:
            from .config import load_config
            return tuple(load_config(self.options.root).locales)
        except InputError:
            return ()

    def _rebuild(self, paths: tuple[str, ...], targeted: tuple[str, ...]) -> Generation:
        previous = self.state.current
        number = previous.number + 1
        start = time.perf_counter()
        try:
            if targeted and previous.site is not None:
                site = self.builder.targeted(number, targeted, previous.site)
            else:
                site, targeted = self.builder.full(number), ()
        except Exception as exc:   # noqa: BLE001 - any failure keeps the last good site
            generation = Generation(number, previous.site, error_lines(exc),
                                    time.perf_counter() - start, paths)
            self.state.publish(generation)
            self.on_event(Event("failed", generation))
            return generation
        generation = Generation(number, site, (), time.perf_counter() - start, paths, targeted)
        self.state.publish(generation)
        self._prune(number)
        self.on_event(Event("built", generation))
        return generation

    def _reconcile(self, fast: Generation) -> None:
        """A full build after a targeted one; published only if it differs."""
        number = fast.number + 1
        try:
            site = self.builder.full(number)
        except Exception:   # noqa: BLE001 - the fast build is served; next save retries
            return
        if fast.site is not None and same_tree(fast.site, site):
            shutil.rmtree(site, ignore_errors=True)
            return
        if self.state.current.number == fast.number:
            generation = replace(fast, number=number, site=site, targeted=())
            self.state.publish(generation)
            self.on_event(Event("built", generation))

    def _prune(self, number: int) -> None:
        # Keep the previous generation: a request started a moment ago may still read it.
        for path in self.options.workdir.glob("gen-*"):
            suffix = path.name[4:]
            if suffix.isdigit() and int(suffix) < number - 1:
                shutil.rmtree(path, ignore_errors=True)


@dataclass
class Running:
    """A started server: its URL, and how to stop it (tests and the command)."""
    url: str
    state: LiveState
    watcher: Watcher
    threads: tuple[threading.Thread, ...] = field(default=())
    _server: object = None

    def stop(self) -> None:
        self.watcher.stop.set()
        self._server.shutdown()
        self._server.server_close()
        for thread in self.threads:
            thread.join(timeout=5)


def start(options: ServeOptions, on_event: Callable[[Event], None]) -> Running:
    """Build once, then serve and watch in background threads."""
    options.workdir.mkdir(parents=True, exist_ok=True)
    state = LiveState()
    watcher = Watcher(options, state, on_event)
    watcher.first_build()
    server = make_server(options.host, options.port, state)
    host, port = server.server_address[:2]
    url = f"http://{host}:{port}/"
    threads = (threading.Thread(target=server.serve_forever, name="serve-http", daemon=True),
               threading.Thread(target=watcher.run, name="serve-watch", daemon=True))
    for thread in threads:
        thread.start()
    on_event(Event("serving", state.current, url))
    return Running(url, state, watcher, threads, server)
