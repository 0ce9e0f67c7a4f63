"""Pages per second per worker: preloaded axe vs top-frame injection, cold vs cached.

    .venv/bin/python benchmarks/a11y_throughput.py [--site DIR] [--pages N] [--jobs N] [--cells …]

Checks the first N pages of a built site (default: the repository's site/,
build it first) four ways and prints wall time, pages/s and pages/s per worker.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from builder.a11y import CheckOptions, check_site  # noqa: E402
from builder.a11y.run import parse_cells  # noqa: E402
from builder.a11y.targets import folder_targets  # noqa: E402


def measure(site: Path, targets, options: CheckOptions, jobs: int, cache: Path | None) -> tuple[float, int]:
    started = time.monotonic()
    run = check_site(site, targets, options, jobs=jobs, cache_path=cache)
    return time.monotonic() - started, run.cache_hits


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--site", type=Path, default=REPO / "site")
    parser.add_argument("--pages", type=int, default=24)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--cells", default="light:1280,dark:320")
    args = parser.parse_args(argv)
    if not (args.site / "index.html").is_file():
        print(f"no built site in {args.site}: run `.venv/bin/infopages build` first", file=sys.stderr)
        return 2
    targets = folder_targets(args.site, ("en", "fr", "es", "ar"))[: args.pages]
    cells = parse_cells(args.cells)
    print(f"{len(targets)} pages × {len(cells)} cells, {args.jobs} worker(s)")
    print(f"{'mode':<40}{'seconds':>9}{'pages/s':>9}{'per worker':>12}")
    with tempfile.TemporaryDirectory(prefix="infopages-bench-") as tmp:
        for preload in (True, False):
            options = CheckOptions(cells=cells, preload=preload)
            cache = Path(tmp) / f"cache-{preload}.sqlite"
            label = "preloaded axe (every frame)" if preload else "injected axe (top frame only)"
            for phase in ("cold", "cached"):
                seconds, hits = measure(args.site, targets, options, args.jobs, cache)
                rate = len(targets) / seconds
                print(f"{label + ', ' + phase:<40}{seconds:>9.1f}{rate:>9.2f}{rate / args.jobs:>12.2f}"
                      + (f"  ({hits} cached results)" if hits else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
