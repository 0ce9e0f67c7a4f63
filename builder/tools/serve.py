"""`infopages serve`: every locale (and `_preview/`) live on 127.0.0.1 while you edit.

A watcher thread waits for the operating system's change notifications
(`watchfiles`: inotify on Linux, polling where there is nothing better), then
looks at the project's inputs through the same scan as the build
(`source.inputs.scan`: stat only, no file opened); a slow rescan every 30
seconds catches what notifications miss (a folder reached through a link). On a
change it runs
the build itself — `engine.build.build`, incremental, into the served folder,
with its own build record, given that scan rather than making another — and
tells the open pages to reload. A build error
keeps the last good site served (a failed build writes nothing) and is shown
in every open page and on the terminal. The server holds the project's lock.

Only the server injects the live-reload script, into HTML *responses*; the
built files never contain it. Nothing here prints: events go to a callback
that `cli.serve` owns.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Callable

import watchfiles

from builder.engine.build import BuildOptions, build
from builder.errors import InputError
from builder.output.lock import project_lock
from builder.source.inputs import FOLDERS, Fingerprint, Inputs, ignored, scan
from builder.tools.serve_http import Generation, LiveState, _handler

# The safety rescan, for what change notifications miss: idle, one scan (0.13 s at
# 10,000 news items) per this many seconds.
RESCAN_SECONDS = 30.0
SETTLE_MS = 50            # a save in steps (temp file, rename) lands within this
Signature = dict[str, Fingerprint]   # relative path → its fingerprint


def signature(inputs: Inputs) -> Signature:
    """What the build would read, as the build's own scan (`inputs`) sees it (errors
    included: a refused file that changes must trigger a build that reports it)."""
    found = inputs.fingerprints()
    found |= {f"!{d.path}:{d.message}": (0, 0, 0, 0) for d in inputs.errors}
    return found


def changed(before: Signature, after: Signature) -> tuple[str, ...]:
    return tuple(sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p)))


@dataclass(frozen=True)
class ServeOptions:
    """How `infopages serve` is to run, as the command line (`cli.serve`) asked."""
    root: Path
    workdir: Path                 # the served site is built in WORKDIR/site
    host: str = "127.0.0.1"
    port: int = 8000              # 0: any free port
    pseudo: bool = False          # also render en-XA and ar-XB into _preview/
    status: bool = False          # also write _status/ dashboards
    rescan: float = RESCAN_SECONDS


@dataclass(frozen=True)
class Event:
    """What the server reports to `cli.serve`: a build done or failed, or serving begun."""
    kind: str                     # "built" | "failed" | "serving"
    generation: Generation
    url: str = ""


def build_generation(options: ServeOptions, inputs: Inputs | None = None) -> int:
    """Bring the served site up to date: the site with its preview (and pseudo-locales,
    status); returns the files written or removed. `inputs`: the scan that found the
    change (at 10,000 news items a second scan cost 0.13 s of every save)."""
    out = options.workdir / "site"
    result = build(options.root, BuildOptions(out=out, preview=True, pseudo=options.pseudo,
                                              record="serve"), scanned=inputs)
    written = result.written
    if options.status:
        from builder.tools.status import write_status

        written += write_status(options.root, out)
    return written


def error_lines(exc: BaseException) -> tuple[str, ...]:
    if isinstance(exc, InputError):
        return tuple(d.format() for d in exc.diagnostics)
    # A bug of ours must not stop the server: show it like an input error.
    return (f"infopages: internal error: {exc!r} — rerun `infopages build --debug` and report it",)


class Watcher:
    """Watches the sources; on a change rebuilds, publishes and reports an Event."""

    def __init__(self, options: ServeOptions, state: LiveState,
                 on_event: Callable[[Event], None], inputs: Inputs) -> None:
        """`inputs`: the scan the first build is given, which changes are seen against."""
        self.options, self.state, self.on_event = options, state, on_event
        self.stop = threading.Event()
        self.signature = signature(inputs)

    def run(self) -> None:
        root = self.options.root
        folders = tuple(str(root / name) for name in FOLDERS)

        def relevant(change: watchfiles.Change, path: str) -> bool:
            return path.startswith(folders) and not ignored(Path(path).name)

        for _ in watchfiles.watch(root, watch_filter=relevant, stop_event=self.stop,
                                  debounce=SETTLE_MS * 4, step=SETTLE_MS,
                                  rust_timeout=int(self.options.rescan * 1000),
                                  yield_on_timeout=True, raise_interrupt=False):
            inputs = scan(root)    # the truth is the scan; events only wake us up
            now = signature(inputs)
            paths = changed(self.signature, now)
            if paths:
                self.signature = now
                self.rebuild(paths, inputs)

    def rebuild(self, paths: tuple[str, ...], inputs: Inputs | None = None) -> Generation:
        """Build, publish and report; `inputs`: the scan that found `paths` (None: the
        build scans)."""
        previous = self.state.current
        start = time.perf_counter()
        try:
            written = build_generation(self.options, inputs)
        except Exception as exc:   # noqa: BLE001 - any failure keeps the last good site
            generation = Generation(previous.number + 1, previous.site, error_lines(exc),
                                    time.perf_counter() - start, paths)
            self.state.publish(generation)
            self.on_event(Event("failed", generation))
            return generation
        generation = Generation(previous.number + 1, self.options.workdir / "site", (),
                                time.perf_counter() - start, paths, written)
        self.state.publish(generation)
        self.on_event(Event("built", generation))
        return generation


@dataclass(frozen=True)
class Running:
    """A started server: its URL, and how to stop it (tests and the command)."""
    url: str
    state: LiveState
    watcher: Watcher
    server: ThreadingHTTPServer
    threads: tuple[threading.Thread, ...]
    lock: object

    def stop(self) -> None:
        self.watcher.stop.set()
        self.server.shutdown()
        self.server.server_close()
        for thread in self.threads:
            thread.join(timeout=5)
        self.lock.__exit__(None, None, None)


def start(options: ServeOptions, on_event: Callable[[Event], None]) -> Running:
    """Take the project's lock, build once, then serve and watch in background threads."""
    lock = project_lock(options.root)
    lock.__enter__()
    try:
        options.workdir.mkdir(parents=True, exist_ok=True)
        state = LiveState()
        inputs = scan(options.root)
        watcher = Watcher(options, state, on_event, inputs)
        watcher.rebuild(("(start)",), inputs)
        server = ThreadingHTTPServer((options.host, options.port), _handler(state))
    except BaseException:
        lock.__exit__(None, None, None)
        raise
    server.daemon_threads = True   # a long-poll must not keep the process alive
    host, port = server.server_address[:2]
    url = f"http://{host}:{port}/"
    threads = (threading.Thread(target=server.serve_forever, name="serve-http", daemon=True),
               threading.Thread(target=watcher.run, name="serve-watch", daemon=True))
    for thread in threads:
        thread.start()
    on_event(Event("serving", state.current, url))
    return Running(url, state, watcher, server, threads, lock)
