"""Cold accessibility checks: the checker as it was (a git revision) against this one.

    .venv/bin/python benchmarks/check_speed.py [--old REV] [--jobs 2] [--slow] [--synthetic N]

Builds the demo site into a temporary folder and checks it cold (no cache, all
four render cells) with the checker of revision REV (default: the last one that
loaded every page once per cell) and with this one, each in its own process, in
one run; prints wall seconds, pages per second, the speed-up, and whether the
findings are identical (over the rules both checkers ran; findings of rules only
the new one has are counted apart). `--slow` adds this checker's slow path (a
fresh load and one Tab press per round trip in every cell), which must find
exactly what the fast path finds. `--synthetic N` then generates the N-news
synthetic site (gen_site.py), builds it and checks it cold with --jobs.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OLD_REV = "2cb2b96"  # the checker before one page load served every render cell

# Runs in a child process, against whichever `builder` package is first on its path.
_DRIVER = r"""
import json, sys, time
from pathlib import Path
from builder.a11y import CheckOptions, check_site
from builder.a11y.targets import folder_targets
site, jobs, options = Path(sys.argv[1]), int(sys.argv[2]), json.loads(sys.argv[3])
targets = folder_targets(site, ("en", "fr", "es", "ar"))
started = time.monotonic()
run = check_site(site, targets, CheckOptions(**options), jobs=jobs)
seconds = time.monotonic() - started
findings = sorted([r.path, r.cell.label, kind, f.rule_id, n.selector]
                  for r in run.results for kind in ("violations", "best_practice", "incomplete")
                  for f in getattr(r, kind) for n in f.nodes)
ran = {f"{r.path}|{r.cell.label}": sorted(r.rules_run) for r in run.results}
print(json.dumps({"seconds": seconds, "pages": len(targets), "checks": len(run.results),
                  "errors": run.error_count, "findings": findings, "ran": ran}))
"""


def checker_at(rev: str, into: Path) -> Path:
    """The `builder` package as it was at `rev`, unpacked into `into`."""
    archive = subprocess.run(["git", "-C", str(REPO), "archive", rev, "builder"],
                             capture_output=True, check=True).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into


def check(path_first: Path, site: Path, jobs: int, options: dict) -> dict:
    env = dict(os.environ, PYTHONPATH=str(path_first))
    out = subprocess.run([sys.executable, "-c", _DRIVER, str(site), str(jobs), json.dumps(options)],
                         capture_output=True, text=True, env=env, cwd=path_first, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def build(project: Path, out: Path) -> None:
    code = "import sys; from builder.cli.app import main; sys.exit(main(sys.argv[1:]))"
    subprocess.run([sys.executable, "-c", code, "build", "--project", str(project), "--out", str(out)],
                   check=True, capture_output=True, cwd=REPO)


def compare(old: dict, new: dict) -> tuple[bool, int]:
    """(old findings == new findings over the rules both ran, findings of new rules only)."""
    both = {key: set(rules) & set(new["ran"].get(key, ())) for key, rules in old["ran"].items()}
    common = [f for f in new["findings"] if f[3] in both.get(f"{f[0]}|{f[1]}", ())]
    return sorted(map(tuple, old["findings"])) == sorted(map(tuple, common)), \
        len(new["findings"]) - len(common)


def line(label: str, result: dict) -> str:
    rate = result["pages"] / result["seconds"]
    return (f"{label:<44}{result['seconds']:>9.1f}{rate:>9.2f}{result['pages']:>7}"
            f"{result['checks']:>8}{len(result['findings']):>10}{result['errors']:>8}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--old", default=OLD_REV, help=f"revision of the old checker (default {OLD_REV})")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--slow", action="store_true", help="also this checker's slow path")
    parser.add_argument("--synthetic", type=int, metavar="N", help="also the N-news synthetic site")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="infopages-check-speed-") as tmp:
        tmp_path = Path(tmp)
        site = tmp_path / "demo-site"
        build(REPO, site)
        old_tree = checker_at(args.old, tmp_path / "old")
        print(f"demo site: cold check, 4 render cells, --jobs {args.jobs}, one run")
        print(f"{'checker':<44}{'seconds':>9}{'pages/s':>9}{'pages':>7}{'checks':>8}"
              f"{'findings':>10}{'errors':>8}")
        old = check(old_tree, site, args.jobs, {})
        print(line(f"old way ({args.old}: a load per cell)", old), flush=True)
        new = check(REPO, site, args.jobs, {})
        print(line("new way (one load, emulated cells)", new), flush=True)
        same, extra = compare(old, new)
        print(f"speed-up: {old['seconds'] / new['seconds']:.2f}x; findings identical over the rules "
              f"both ran: {'yes' if same else 'NO'}; findings of rules only the new checker has: {extra}")
        if args.slow:
            slow = check(REPO, site, args.jobs, {"one_load": False})
            print(line("new checker, slow path (a load per cell)", slow))
            print("fast path finds exactly what the slow path finds: "
                  + ("yes" if slow["findings"] == new["findings"] else "NO"))
        if args.synthetic:
            synthetic(tmp_path, args.synthetic, args.jobs)
    return 0


def synthetic(tmp: Path, news: int, jobs: int) -> None:
    project = tmp / f"synthetic-{news}"
    subprocess.run([sys.executable, str(REPO / "benchmarks" / "gen_site.py"), "--news", str(news),
                    "--out", str(project)], check=True, capture_output=True, cwd=REPO)
    build(project, project / "site")
    started = time.monotonic()
    result = check(REPO, project / "site", jobs, {})
    wall = time.monotonic() - started
    print(f"synthetic site, N = {news}: {result['pages']} pages × 4 cells, cold, --jobs {jobs}: "
          f"{result['seconds']:.0f} s ({result['seconds'] / 60:.1f} min, {wall:.0f} s with start-up), "
          f"{result['pages'] / result['seconds']:.2f} pages/s, {result['errors']} error(s), "
          f"{len(result['findings'])} finding(s)")


if __name__ == "__main__":
    sys.exit(main())
