"""A change against its parent: clean builds of two commits, interleaved in pairs.

    .venv/bin/python benchmarks/ab_build.py --base HEAD~1 [--head HEAD] [--news 1000]
        [--pairs 16] [--jobs N] [--work /dev/shm/infopages-bench]

One run of a clean build moves by a fifth on this kind of machine, more than most
changes gain; what a change is worth shows only in many runs of both, side by
side. Each commit is checked out into a git worktree under WORK (made by this
script, removed at the end) and byte-compiled once, so that neither pays for
compiling on every run. Each pair builds the synthetic site of build_bench.py
from clean with both (`build --quiet`, site/ and .infopages-cache/ removed
first), alternating which goes first. Printed: median wall, CPU and kernel
seconds and peak RSS (as build_bench.py measures them) of each, and the median
of the pairs' differences with how many pairs the head won. Use a RAM disk for
WORK (the default) unless the disk is what is measured: on ext4 without a
journal, creating files right after deleting others costs kernel time that
depends on what ran before (benchmarks/README.md).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_bench import PYTHON, REPO, Measure, copy_sources, ensure_site, run  # noqa: E402


def checkout(rev: str, where: Path) -> Path:
    """`rev` in a worktree of its own at `where`, byte-compiled."""
    subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", "--force",
                    str(where), rev], check=True, capture_output=True)
    subprocess.run([str(PYTHON), "-m", "compileall", "-q", str(where / "builder")], check=True,
                   capture_output=True)
    return where


def build(tree: Path, project: Path, jobs: int | None) -> Measure:
    for name in ("site", ".infopages-cache"):
        shutil.rmtree(project / name, ignore_errors=True)
    # -P: no current folder first on sys.path, where `python -c` puts it: run from this
    # repository, its own builder would shadow the tree's, and both sides run the same code.
    # The process's entry as `infopages` runs it (`process_main`, where the tree has it).
    cmd = [str(PYTHON), "-P", "-c", "import sys, builder; from builder.cli import app; "
           f"assert builder.__file__.startswith({str(tree) + '/'!r}), builder.__file__; "
           "sys.exit(getattr(app, 'process_main', app.main)())",
           "build", "--project", str(project), "--quiet"]
    # The tree's own builder, not the one installed in the virtual environment.
    os.environ["PYTHONPATH"] = str(tree)
    try:
        return run(cmd + (["--jobs", str(jobs)] if jobs else []))
    finally:
        del os.environ["PYTHONPATH"]


def report(name: str, ms: list[Measure]) -> None:
    med = {k: statistics.median(getattr(m, k) for m in ms)
           for k in ("wall", "cpu", "kernel", "tree_mib", "hwm_mib")}
    print(f"{name:<12} wall {med['wall']:6.2f} s   CPU {med['cpu']:6.2f} s   "
          f"kernel {med['kernel']:5.2f} s   peak RSS tree / largest {med['tree_mib']:.0f} / "
          f"{med['hwm_mib']:.0f} MiB   (medians of {len(ms)})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="the commit to compare against")
    parser.add_argument("--head", default="HEAD")
    parser.add_argument("--news", type=int, default=1000)
    parser.add_argument("--pairs", type=int, default=16)
    parser.add_argument("--jobs", type=int)
    parser.add_argument("--work", type=Path, default=Path("/dev/shm/infopages-bench"))
    args = parser.parse_args()
    work = args.work / f"n{args.news}"
    work.mkdir(parents=True, exist_ok=True)
    site, _ = ensure_site(work, args.news)
    project = work / "ab"
    copy_sources(site, project)
    trees = {}
    try:
        for name, rev in (("base", args.base), ("head", args.head)):
            trees[name] = checkout(rev, work / f"ab-{name}")
        runs: dict[str, list[Measure]] = {"base": [], "head": []}
        for pair in range(args.pairs):
            for name in (("base", "head") if pair % 2 == 0 else ("head", "base")):
                runs[name].append(build(trees[name], project, args.jobs))
    finally:
        for tree in trees.values():
            subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(tree)],
                           check=False, capture_output=True)
    print(f"N = {args.news}, {args.pairs} pairs, clean builds in {project}")
    report(f"base {args.base}", runs["base"])
    report(f"head {args.head}", runs["head"])
    gains = [b.wall - h.wall for b, h in zip(runs["base"], runs["head"])]
    print(f"head faster by {statistics.median(gains):+.2f} s wall (median of the pairs' "
          f"differences), in {sum(g > 0 for g in gains)} pairs of {len(gains)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
