"""The `serve` sub-command's arguments and terminal output (part of the CLI layer)."""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import threading
from pathlib import Path

EXIT_OK, EXIT_INPUT = 0, 2


def add_serve_parser(sub, common: argparse.ArgumentParser) -> None:
    cmd = sub.add_parser(
        "serve", parents=[common], help="serve every locale on 127.0.0.1, rebuilding on save",
        description="Build every locale and the translators' preview, serve them on "
                    "127.0.0.1 and rebuild on every save of content/, templates/ or "
                    "locales/; open pages reload by themselves. Opens no browser.")
    cmd.add_argument("--port", type=int, default=8000,
                     help="port on 127.0.0.1 (default 8000; 0 picks a free one)")
    cmd.add_argument("--pseudo", action="store_true",
                     help="also serve the pseudo-locales en-XA and ar-XB under _preview/")
    cmd.add_argument("--status", action="store_true",
                     help="also serve the translation and accessibility dashboards in _status/")
    cmd.set_defaults(handler=cmd_serve)


def _line(event) -> list[str]:
    g = event.generation
    if event.kind == "serving":
        return [f"serving {event.url} (every locale; preview at {event.url}_preview/) "
                "— Ctrl-C to stop"]
    where = ", ".join(g.changed[:3]) + (f" and {len(g.changed) - 3} more" if len(g.changed) > 3 else "")
    if event.kind == "failed":
        return [f"build failed after saving {where}; still serving the last good site:",
                *g.errors]
    return [f"rebuilt in {g.seconds * 1000:.0f} ms ({g.written} files written or removed) "
            f"after saving {where}"]


def cmd_serve(args: argparse.Namespace) -> int:
    from builder.tools.serve import ServeOptions, start

    if not 0 <= args.port <= 65535:
        print(f"infopages serve: bad port {args.port} — give 0…65535", file=sys.stderr)
        return EXIT_INPUT
    workdir = Path(tempfile.mkdtemp(prefix="infopages-serve-"))
    lock = threading.Lock()   # events come from the watcher thread: one line block at a time

    def report(event) -> None:
        with lock:
            stream = sys.stderr if event.kind == "failed" else sys.stdout
            for line in _line(event):
                print(line, file=stream, flush=True)

    options = ServeOptions(root=args.project, workdir=workdir, port=args.port,
                           pseudo=args.pseudo, status=args.status)
    try:
        running = start(options, report)
    except OSError as exc:
        shutil.rmtree(workdir, ignore_errors=True)
        print(f"infopages serve: cannot listen on 127.0.0.1:{args.port} ({exc.strerror}) — "
              "choose another --port", file=sys.stderr)
        return EXIT_INPUT
    try:
        threading.Event().wait()   # until Ctrl-C / SIGTERM (cli turns both into KeyboardInterrupt)
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
    finally:
        running.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    return EXIT_OK
