"""Save-to-reload latency of `infopages serve` on the demo site.

    .venv/bin/python benchmarks/serve_reload.py [--rounds N] [--no-fast]

Copies the demo project to a temporary folder, starts the dev server on a free
loopback port and keeps one page "open" the way a browser does (its reload
script's long-poll, with the page's hash). Then, per round, it saves one PO
entry (French) and one content file (a topic's paragraph), and times from the
save to (1) the server answering the long-poll with `reload` and (2) the page
fetched over HTTP showing the new text. That is what a reader waits for; the
browser's own reload (a few ms on loopback) is not included.

Also times a full in-process build (`pipeline.build(preview=True)`) for
comparison: what every save would cost without the fast path. Prints the
figures; exits 1 if a change never showed up. The target is 300 ms.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from builder import pipeline  # noqa: E402
from builder.tools.serve import ServeOptions, start  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
TARGET_MS = 300
PO_PAGE, PO_OLD = "fr/index.html", 'msgstr "Accueil"'
MD_FILE, MD_PAGE = "content/topics/crimes-against-children.md", "en/topics/crimes-against-children.html"
MD_OLD = "Crimes against children tend to be local crimes with"


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=60) as response:
        return response.read().decode("utf-8")


def attrs(page: str) -> tuple[str, str]:
    return (re.search(r'data-generation="(\d+)"', page).group(1),
            re.search(r'data-hash="(\w+)"', page).group(1))


def one_edit(base: str, root: Path, file: str, page: str, old: str, new: str) -> tuple[float, float]:
    """(save → reload answer, save → new text served) in seconds."""
    gen, digest = attrs(fetch(base + page))
    answer: dict[str, float] = {}

    def poll() -> None:   # the open page's long-poll, as reload.js does it
        while True:
            data = json.loads(fetch(f"{base}__infopages__/wait?gen={gen}&page=/{page}&hash={digest}"))
            if data["reload"]:
                answer["at"] = time.perf_counter()
                return

    waiter = threading.Thread(target=poll, daemon=True)
    waiter.start()
    time.sleep(0.3)   # the poll is registered, as for a page open for a while
    path = root / file
    text = path.read_text("utf-8")
    saved = time.perf_counter()
    path.write_text(text.replace(old, new, 1), "utf-8")
    waiter.join(timeout=60)
    while new.split('"')[-2 if '"' in new else 0] not in fetch(base + page):
        if time.perf_counter() - saved > 60:
            raise SystemExit(f"{file}: the change never showed on {page}")
        time.sleep(0.005)
    served = time.perf_counter()
    return answer.get("at", served) - saved, served - saved


def settle(running, seconds: float = 30.0) -> None:
    """Wait for the full rebuild that follows each fast one, so rounds do not overlap."""
    deadline = time.monotonic() + seconds
    last = running.state.current.number
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = running.state.current.number
        if now == last and running.state.current.site is not None and \
                not running.state.current.overlay:
            return
        last = now


def report(name: str, samples: list[tuple[float, float]]) -> None:
    reload_ms = [a * 1000 for a, _ in samples]
    served_ms = [b * 1000 for _, b in samples]
    print(f"{name:<22} reload answer: median {statistics.median(reload_ms):6.0f} ms, "
          f"max {max(reload_ms):6.0f} ms | new text served: median "
          f"{statistics.median(served_ms):6.0f} ms, max {max(served_ms):6.0f} ms "
          f"({len(samples)} saves; target {TARGET_MS} ms)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--no-fast", action="store_true", help="full rebuild on every save")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="serve-bench-"))
    root = tmp / "project"
    for folder in ("content", "templates", "locales"):
        shutil.copytree(REPO / folder, root / folder)
    started = time.perf_counter()
    full = [time.perf_counter() - started]
    running = start(ServeOptions(root, tmp / "work", port=0, fast=not args.no_fast),
                    lambda event: None)
    full[0] = time.perf_counter() - started
    for _ in range(2):
        t = time.perf_counter()
        pipeline.build(root, tmp / "full", preview=True)
        full.append(time.perf_counter() - t)
    po, md = [], []
    try:
        for n in range(args.rounds):
            po.append(one_edit(running.url, root, "locales/fr/LC_MESSAGES/ui.po",
                               PO_PAGE, PO_OLD if n == 0 else f'msgstr "Accueil {n}"',
                               f'msgstr "Accueil {n + 1}"'))
            settle(running)
            old = MD_OLD if n == 0 else f"Crimes against children (edit {n}) tend"
            md.append(one_edit(running.url, root, MD_FILE, MD_PAGE, old,
                               f"Crimes against children (edit {n + 1}) tend"))
            settle(running)
    finally:
        running.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"full build with preview: first {full[0] * 1000:.0f} ms (server start), then "
          + ", ".join(f"{s * 1000:.0f}" for s in full[1:]) + " ms")
    report("PO entry (fr)", po)
    report("content file (en)", md)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
