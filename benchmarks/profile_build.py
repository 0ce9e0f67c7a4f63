"""Where a clean build's time goes, per page: a sampled profile by activity, and cProfile's
top functions.

    .venv/bin/python -m pip install -r benchmarks/requirements.txt   # py-spy
    .venv/bin/python benchmarks/profile_build.py [--news 1000] [--work /tmp/infopages-bench]
        [--runs 3] [--rate 500] [--top 30] [--json FILE]

On the synthetic site of build_bench.py (N news items, generated once into
WORK/nN/site), in a fresh copy WORK/nN/profile, everything with `--jobs 1`
(one process, so that one profile sees all the work; the parallel build does
the same work on two cores plus the cost of forking and of handing results back):

1. `build --quiet --jobs 1` after removing site/ and .infopages-cache/, RUNS
   times without a profiler: median wall and CPU (user + sys, os.wait4);
2. the same under py-spy (`record --format raw`, RATE samples a second, Python
   frames only): every sample is put in one activity (ACTIVITIES, decided by its
   stack, see `classify`), and each activity's share of the samples times the
   median CPU of step 1 gives its ms per page (pages: HTML files written);
3. the same under cProfile: the TOP functions by own time (tottime). cProfile
   adds a fixed cost to every Python call, so it exaggerates code made of many
   small calls (Markdown, Jinja) next to C code; the sampled shares are the
   figures to read, the cProfile list says which functions.

py-spy samples wall time of a running thread (not idle ones): a thread waiting
for the disk is not sampled, so file creation is understated when the disk is
slow. Figures are noisy on a shared machine: the load average is printed.
"""

from __future__ import annotations

import argparse
import json
import os
import pstats
import shutil
import statistics
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_bench import INFOPAGES, PYTHON, copy_sources, ensure_site, run  # noqa: E402

# (activity, group) in the order the table shows them.
ACTIVITIES = (
    ("start-up and imports", "process"),
    ("site loading (config, front matter, content model)", "inputs"),
    ("catalogue loading: PO parsing and syntax checks", "catalogues (catstream)"),
    ("catalogue loading: publishable checks (lint, Markdown)", "catalogues (catstream)"),
    ("catalogue loading: SQLite inserts, snapshot", "catalogues (catstream)"),
    ("Markdown: parse of bodies", "Markdown (markdown-it-py)"),
    ("Markdown: parse of translated inline text (body blocks)", "Markdown (markdown-it-py)"),
    ("Markdown: parse of inline titles, summaries, labels", "Markdown (markdown-it-py)"),
    ("Markdown: token stream to HTML", "Markdown (markdown-it-py)"),
    ("segment mapping (segments, linkslots, normalize, token rewriting)", "segments"),
    ("translation lookup (build record SQLite, memo)", "translations"),
    ("view models (render.py, pages.py, routes, links)", "view models"),
    ("Jinja: template code", "Jinja2"),
    ("Jinja: escape / Markup (markupsafe)", "Jinja2"),
    ("Jinja: macros (call machinery)", "Jinja2"),
    ("Jinja: runtime (contexts, getattr, get_template)", "Jinja2"),
    ("Jinja: our filters and gettext callables", "Jinja2"),
    ("Babel: dates, lists, language names", "Babel"),
    ("feeds, sitemap, language chooser", "other outputs"),
    ("file writing (mkdir, write, staging, swap)", "I/O"),
    ("build record: outputs, uses, analyses (SQLite, pickle)", "build record"),
    ("build record: input fingerprints", "build record"),
    ("manifest (pages.json entries and text)", "manifest"),
    ("reference check", "other"),
    ("other", "other"),
)
NAMES = [name for name, _ in ACTIVITIES]


def frame_parts(frame: str) -> tuple[str, str]:
    """`func (path:line)` → (func, "/" + path): py-spy shows paths relative to the
    sys.path entry they were found in (`markdown_it/main.py`, `builder/cli.py`)."""
    func, _, where = frame.rpartition(" (")
    return func, "/" + where.rstrip(")").rsplit(":", 1)[0]


def _in(frames: list[tuple[str, str]], *funcs: str) -> bool:
    """Is any of `funcs` on the stack? A name matches a method of any class too
    (`write_bytes` matches py-spy's `PathBase.write_bytes`)."""
    return any(f in funcs or f.rpartition(".")[2] in funcs for f, _ in frames)


def _markdown_context(outer: list[tuple[str, str]]) -> str:
    """Which Markdown work a markdown_it frame is doing, from the nearest caller of ours."""
    for func, path in reversed(outer):
        if func == "parse_body":
            return "Markdown: parse of bodies"
        if func == "_inline_children":
            return "Markdown: parse of translated inline text (body blocks)"
        if func == "render_inline":
            return "Markdown: parse of inline titles, summaries, labels"
        if func in ("render_body", "atom_feed"):
            return "Markdown: token stream to HTML"
        if func in ("visible", "publishable"):
            return "catalogue loading: publishable checks (lint, Markdown)"
        if "/builder/" in path:
            break
    return "Markdown: parse of bodies"


def _render_activity(frames: list[tuple[str, str]]) -> str:
    """The activity of a sample inside the rendering of one output: the innermost
    frame that says what it is doing."""
    for depth in range(len(frames) - 1, -1, -1):
        func, path = frames[depth]
        if "/babel/" in path:
            return "Babel: dates, lists, language names"
        if "/markdown_it/" in path or "/mdurl/" in path:
            return _markdown_context(frames[:depth])
        if "/markupsafe/" in path:
            return "Jinja: escape / Markup (markupsafe)"
        if path.endswith("stored.py") and func.startswith("StoredMessages"):
            return "translation lookup (build record SQLite, memo)"
        if path.endswith("translations.py"):
            if func in ("Translator.state", "Translator._state", "Translator.lookup"):
                return "translation lookup (build record SQLite, memo)"
            if func in ("Translator.gettext", "Translator.pgettext", "Translator.ngettext",
                        "Translator.npgettext", "Translator.attr_gettext", "Translator._mark",
                        "Translator.attrs"):
                return "Jinja: our filters and gettext callables"
            continue
        if path.endswith(("segments.py", "linkslots.py")):
            return "segment mapping (segments, linkslots, normalize, token rewriting)"
        if func.startswith("_lang_attrs"):
            return "Jinja: our filters and gettext callables"
        if "/jinja2/" in path:
            if func.startswith("Macro."):
                return "Jinja: macros (call machinery)"
            if path.endswith("ext.py"):
                return "Jinja: our filters and gettext callables"
            return "Jinja: runtime (contexts, getattr, get_template)"
        if path.endswith((".html", ".xml")):
            return "Jinja: template code"
        if path.endswith("feeds.py"):
            return "feeds, sitemap, language chooser"
        if path.endswith(("render.py", "pages.py", "routes.py", "gates.py", "content.py",
                          "deps.py")):
            return "view models (render.py, pages.py, routes, links)"
    return "other"


def classify(stack: str) -> str:
    """One sample's activity. `stack`: py-spy's raw format, outermost frame first."""
    if not stack:
        return "start-up and imports"      # the interpreter before any Python frame
    frames = [frame_parts(f) for f in stack.split(";")]
    paths = [p for _, p in frames]
    if any("importlib._bootstrap" in p for p in paths):
        return "start-up and imports"
    if _in(frames, "store_catalogue", "catalogue_rows"):
        if _in(frames, "visible"):
            return "catalogue loading: publishable checks (lint, Markdown)"
        if _in(frames, "write_snapshot") or frames[-1][0] == "store_catalogue":
            return "catalogue loading: SQLite inserts, snapshot"
        return "catalogue loading: PO parsing and syntax checks"
    if _in(frames, "load_site", "load_config"):
        return "site loading (config, front matter, content model)"
    if _in(frames, "input_changes", "record_inputs"):
        return "build record: input fingerprints"
    if _in(frames, "manifest_entry", "write_manifest", "manifest_files"):
        return "manifest (pages.json entries and text)"
    if _in(frames, "check_references"):
        return "reference check"
    if _in(frames, "write_bytes", "mkdir", "atomic_write", "write_tree", "swap_in", "rmtree",
           "staging_dir", "write_text", "write_new"):
        return "file writing (mkdir, write, staging, swap)"
    if _in(frames, "render_output"):
        return _render_activity(frames)
    if _in(frames, "Record.start", "Record.add", "Record.finish", "Worker.info", "_collect",
           "FactIndex.facts"):
        return "build record: outputs, uses, analyses (SQLite, pickle)"
    if _in(frames, "Worker.render"):   # the rest of it: the output's path, the write
        return "file writing (mkdir, write, staging, swap)"
    if _in(frames, "all_outputs", "LocaleRenderer.__init__", "Worker.renderer"):
        return "view models (render.py, pages.py, routes, links)"
    return "other"


def classify_file(raw: Path) -> Counter:
    counts: Counter = Counter()
    for line in raw.read_text("utf-8").splitlines():
        stack, _, n = line.rpartition(" ")
        counts[classify(stack)] += int(n)
    return counts


def build_cmd(project: Path) -> list[str]:
    return [str(INFOPAGES), "build", "--project", str(project), "--quiet", "--jobs", "1"]


def clean(project: Path) -> None:
    for name in ("site", ".infopages-cache"):
        shutil.rmtree(project / name, ignore_errors=True)


def sampled(project: Path, rate: int) -> Counter:
    spy = shutil.which("py-spy", path=str(PYTHON.parent)) or shutil.which("py-spy")
    if spy is None:
        raise SystemExit("py-spy is not installed: .venv/bin/python -m pip install -r "
                         "benchmarks/requirements.txt")
    clean(project)
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "samples.txt"
        run([spy, "record", "--rate", str(rate), "--format", "raw", "--output", str(raw),
             "--", str(PYTHON), "-m", "builder", *build_cmd(project)[1:]])
        return classify_file(raw)


def profiled(project: Path, top: int) -> tuple[list[tuple], float]:
    clean(project)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "build.prof"
        run([str(PYTHON), "-m", "cProfile", "-o", str(out), "-m", "builder",
             *build_cmd(project)[1:]])
        stats = pstats.Stats(str(out))
    rows = sorted(stats.stats.items(), key=lambda item: -item[1][2])[:top]
    total = sum(v[2] for v in stats.stats.values())
    # Folder and file (`markupsafe/__init__.py`): a file name alone is often ambiguous.
    return [(f"{'/'.join(Path(k[0]).parts[-2:])}:{k[1]}({k[2]})", v[1], v[2], v[3])
            for k, v in rows], total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--news", type=int, default=1000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/infopages-bench"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rate", type=int, default=500, help="py-spy samples a second")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    work = args.work.resolve() / f"n{args.news}"
    work.mkdir(parents=True, exist_ok=True)
    pristine, _ = ensure_site(work, args.news)
    project = work / "profile"
    copy_sources(pristine, project)
    run([str(INFOPAGES), "--version"])   # compiles changed modules: not the build's cost
    start = statistics.median(run([str(INFOPAGES), "--version"]).cpu for _ in range(args.runs))

    measures = []
    for _ in range(args.runs):
        clean(project)
        measures.append(run(build_cmd(project)))
    wall = statistics.median(m.wall for m in measures)
    cpu = statistics.median(m.cpu for m in measures)
    pages = sum(1 for _ in (project / "site").rglob("*.html"))
    print(f"N = {args.news}: {pages} HTML pages; `build --jobs 1` from clean, median of "
          f"{args.runs}: {wall:.2f} s wall, {cpu:.2f} s CPU = {1000 * cpu / pages:.2f} ms CPU "
          f"a page (runs {', '.join(f'{m.wall:.2f}/{m.cpu:.2f}' for m in measures)} s); "
          f"`infopages --version` {1000 * start:.0f} ms CPU; load {os.getloadavg()}")

    counts = sampled(project, args.rate)
    total = sum(counts.values())
    print(f"\npy-spy, {total} samples; ms/page = share × {cpu:.2f} s CPU / {pages} pages\n")
    print(f"{'activity':<66}{'ms/page':>8}{'%':>7}")
    groups: Counter = Counter()
    table = []
    for name, group in ACTIVITIES:
        share = counts[name] / total if total else 0.0
        groups[group] += share
        table.append({"activity": name, "group": group, "samples": counts[name],
                      "share": share, "ms_per_page": 1000 * cpu * share / pages})
        print(f"{name:<66}{1000 * cpu * share / pages:>8.3f}{100 * share:>6.1f}%")
    print(f"\n{'group':<66}{'ms/page':>8}{'%':>7}")
    for group, share in groups.most_common():
        print(f"{group:<66}{1000 * cpu * share / pages:>8.3f}{100 * share:>6.1f}%")

    top, profiled_total = profiled(project, args.top)
    print(f"\ncProfile, top {args.top} by own time (total {profiled_total:.1f} s under the "
          f"profiler)\n{'function':<70}{'calls':>10}{'tottime s':>11}{'cumtime s':>11}")
    for name, calls, tottime, cumtime in top:
        print(f"{name[:69]:<70}{calls:>10}{tottime:>11.3f}{cumtime:>11.3f}")
    if args.json:
        args.json.write_text(json.dumps({
            "news": args.news, "pages": pages, "wall": wall, "cpu": cpu,
            "runs": [(m.wall, m.cpu) for m in measures], "activities": table,
            "cprofile_top": top, "loadavg": os.getloadavg()}, indent=1) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
