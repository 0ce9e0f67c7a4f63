"""What a one-page rebuild is made of, stage by stage, and which stages grow with the site.

    .venv/bin/python benchmarks/rebuild_stages.py --site DIR [--site DIR2 …] [--edits 7]
        [--tree TREE [--tree TREE2 …]]

For each DIR (a built project: e.g. build_bench.py's WORK/nN/clean after a build,
or one written by gen_site.py and built once), EDITS times: append a line to the
body of one news item, then run `python -m builder build --quiet` in a process of
its own, as a user would, with each stage of the build timed from inside
(functions of the engine wrapped before `main` runs; their times are wall
seconds; no stage runs inside another). "The rest" is the process's wall time less
the stages: the interpreter's start, the modules imported on first use, the exit.
Prints, per site, the median of each stage and of the whole process, and whether
the stage is per-site work (it reads or walks something of every page or file),
per-change work or fixed.

`--tree`: the builder to run on each site, in the order of `--site` (a checkout of
another commit, to compare two on two copies of one site; the edits of the sites
are interleaved); by default this one.

The project is edited in place: give it a copy you can lose.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# (module, attribute or Class.method, label, grows with the site)
STAGES = (
    ("builder.engine.cache", "up_to_date",
     "up-to-date check: scan of every input, the record's fingerprints", True),
    ("builder.engine.cache", "BuildCache.input_changes",
     "changes: the record's fingerprints, SHAs of what moved", True),
    ("builder.engine.incremental", "stored_content",
     "the record's listing: every page's listed fields", True),
    ("builder.engine.build", "load_site",
     "content and site model (pages reused, the edited one loaded)", True),
    ("builder.engine.incremental", "_content_facts", "what the edit changed (cards, lists)", False),
    ("builder.engine.incremental", "_select", "outputs to render", False),
    ("builder.engine.incremental", "render_outputs", "render the outputs that changed", False),
    ("builder.engine.incremental", "check_references", "check the rendered pages' links", False),
    ("builder.engine.incremental", "write_manifest", "pages.json parts of the changed entries",
     False),
    ("builder.engine.incremental", "publish", "publish and commit the record", False),
)

PROBE = r"""
import importlib, json, sys, time
T0 = time.perf_counter()
from builder.cli.app import main
imported = time.perf_counter() - T0
stages = json.loads(sys.argv[1])
took = {}
for module, attribute, label, _ in stages:
    owner = importlib.import_module(module)
    *path, name = attribute.split(".")
    for part in path:
        owner = getattr(owner, part)
    original = getattr(owner, name)
    def timed(*args, _original=original, _label=label, **kwargs):
        began = time.perf_counter()
        try:
            return _original(*args, **kwargs)
        finally:
            took[_label] = took.get(_label, 0.0) + time.perf_counter() - began
    setattr(owner, name, timed)
code = main(["build", "--quiet"])
took["the CLI's imports"] = imported
print(json.dumps({"code": code, "took": took}), file=sys.stderr)
"""


def one_rebuild(site: Path, tree: Path, page: Path, index: int) -> tuple[float, dict[str, float]]:
    with page.open("a", encoding="utf-8") as handle:
        handle.write(f"\nOne more line, {index}.\n")
    env = dict(os.environ, PYTHONPATH=str(tree))
    began = time.perf_counter()
    # -P: not the site's folder on sys.path, only the tree's builder.
    done = subprocess.run([sys.executable, "-P", "-c", PROBE, json.dumps(STAGES)], cwd=site,
                          env=env, capture_output=True, text=True)
    wall = time.perf_counter() - began
    if done.returncode != 0:
        sys.exit(f"{site}: the build failed:\n{done.stdout}{done.stderr}")
    report = json.loads(done.stderr.strip().splitlines()[-1])
    if report["code"] != 0 or not done.stdout.startswith("rebuilt "):
        sys.exit(f"{site}: not a rebuild: {done.stdout}{done.stderr}")
    return wall, report["took"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, action="append", required=True)
    parser.add_argument("--edits", type=int, default=7)
    parser.add_argument("--tree", type=Path, action="append", default=[])
    args = parser.parse_args()
    trees = args.tree or [REPO]
    if len(trees) not in (1, len(args.site)):
        parser.error("give one --tree, or one for each --site")
    trees = trees * len(args.site) if len(trees) == 1 else trees
    pages = [sorted((site / "content" / "news").glob("*.md")) for site in args.site]
    runs: list[list] = [[] for _ in args.site]
    for index in range(args.edits):
        for number, site in enumerate(args.site):
            news = pages[number]
            runs[number].append(one_rebuild(site, trees[number], news[len(news) // 3], index))
    for site, tree, news, site_runs in zip(args.site, trees, pages, runs):
        report(site, tree, len(news), site_runs)
    return 0


def report(site: Path, tree: Path, news: int, runs: list) -> None:
    """The medians of one site's rebuilds."""
    files = sum(1 for folder in ("content", "locales", "templates")
                for _ in site.glob(f"{folder}/**/*"))
    walls = [wall for wall, _ in runs]
    print(f"{site} (builder: {tree}): {news} news items, about {files} input files; one "
          f"news body edited {len(runs)} times; process wall median "
          f"{statistics.median(walls):.3f} s (min {min(walls):.3f}, max {max(walls):.3f})")
    labels = ["the CLI's imports"] + [label for *_, label, _ in STAGES]
    grows = {label: site_wide for *_, label, site_wide in STAGES}
    per_site = 0.0
    for label in labels:
        values = [took.get(label, 0.0) for _, took in runs]
        median = statistics.median(values)
        kind = "fixed" if label not in grows else "per site" if grows[label] else "per change"
        per_site += median if grows.get(label) else 0.0
        print(f"  {median * 1000:7.1f} ms  {kind:10}  {label}")
    rest = statistics.median(wall - sum(took.values()) for wall, took in runs)
    print(f"  {rest * 1000:7.1f} ms  fixed       the rest: Python's start, modules imported "
          f"on first use, exit")
    print(f"  {per_site * 1000:7.1f} ms  in stages that read or walk every page or file\n")


if __name__ == "__main__":
    sys.exit(main())
