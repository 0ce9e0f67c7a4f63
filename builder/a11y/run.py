"""The `check` command's work: which pages, which render cells, which reports, which gate."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from builder.a11y import baseline as known
from builder.a11y.check import check_site
from builder.a11y.history import record_history
from builder.a11y.model import CheckOptions, CheckRun, CheckTarget, RenderCell
from builder.a11y.runner import Progress
from builder.a11y.serial import run_from
from builder.a11y.sources import SourceMap
from builder.a11y.targets import folder_targets, shard, sitemap_urls, url_target
from builder.errors import Diagnostic, InputError
from builder.output.shards import parse_shard
from builder.source.config import load_config

DEFAULT_CELLS = "light:1280,dark:1280,light:320,dark:320"
CACHE_FILE = Path(".infopages-cache") / "a11y.sqlite"


@dataclass(frozen=True)
class CheckRequest:
    """What `infopages check` (or `check merge`) was asked to do, from its command line."""

    project: Path
    site: Path | None = None
    reports: Path | None = None
    cells: str = DEFAULT_CELLS
    targets: tuple[str, ...] = ()  # URLs and/or one folder; empty = the built site
    sitemap: str | None = None
    jobs: int = 2
    deadline: float = 60.0  # seconds per page × render cell
    webdriver_urls: tuple[str, ...] = ()
    shard: str | None = None  # "I/N"
    cache: bool = True
    baseline: Path | None = None  # default PROJECT/a11y-baseline.yaml
    update_baseline: bool = False
    today: dt.date = field(default_factory=dt.date.today)
    progress: Progress | None = None


@dataclass(frozen=True)
class CheckOutcome:
    """A finished check: its run, the report files written and the baseline's verdict."""

    run: CheckRun
    results_json: Path
    report_html: Path
    junit_xml: Path
    sarif: Path
    gate: known.Gate
    baseline_path: Path
    baseline_written: bool = False

    @property
    def passed(self) -> bool:
        return self.run.error_count == 0 and not self.gate.failed


def parse_cells(text: str) -> tuple[RenderCell, ...]:
    """"light:1280,dark:320" → RenderCells; a bad cell is an input error."""
    cells = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        scheme, _, width = part.partition(":")
        if scheme not in ("light", "dark") or not width.isdigit() or int(width) < 200:
            raise InputError([Diagnostic("--cells", None, f"bad render cell `{part}`",
                                         "write SCHEME:WIDTH, e.g. light:1280,dark:320")])
        cells.append(RenderCell(scheme, int(width)))
    return tuple(cells)


def _locales(project: Path) -> tuple[str, ...]:
    try:
        return tuple(load_config(project).locales)
    except InputError:
        return ()  # checking any folder: no project needed


def select_targets(req: CheckRequest) -> tuple[Path | None, tuple[CheckTarget, ...]]:
    """(folder to serve or None, pages) from positional targets, --sitemap or the built site."""
    urls = [t for t in req.targets if "://" in t]
    folders = [Path(t) for t in req.targets if "://" not in t]
    if req.sitemap:
        urls += sitemap_urls(req.sitemap)
    if len(folders) > 1:
        raise InputError([Diagnostic(str(folders[1]), None, "only one folder per check",
                                     "run `infopages check` once per folder, then `check merge`")])
    if not folders and not urls:
        site = req.site or req.project / "site"
        if not (site / "index.html").is_file():
            raise InputError([Diagnostic(str(site), None, "no built site here",
                                         "run `infopages build` first, or pass --site DIR")])
        folders = [site]
    for folder in folders:
        if not folder.is_dir():
            raise InputError([Diagnostic(str(folder), None, "not a folder or URL",
                                         "pass a built site folder or an http(s):// URL")])
    root = folders[0] if folders else None
    content = req.project / "content"
    targets = (folder_targets(root, _locales(req.project), content if content.is_dir() else None)
               if root else ()) + tuple(
        url_target(u) for u in dict.fromkeys(urls))
    if not targets:
        where = str(root) if root is not None else (req.sitemap or "the sitemap")
        raise InputError([Diagnostic(where, None, "nothing to check: no HTML page here",
                                     "pass a folder with .html files, page URLs or a sitemap "
                                     "that lists pages")])
    return root, targets


def check(req: CheckRequest) -> CheckOutcome:
    """Check, write every report, then gate the findings against the baseline."""
    cells = parse_cells(req.cells)
    shard_spec = parse_shard(req.shard)
    if shard_spec and req.update_baseline:
        # One shard sees part of the site: its baseline would drop every other entry.
        raise InputError([Diagnostic("--update-baseline", None, "cannot update the baseline from a shard",
                                     "merge the shards first: infopages check merge DIR… --update-baseline")])
    baseline_path = req.baseline or req.project / known.FILE_NAME
    entries = known.load_baseline(baseline_path)  # bad file: exit 2 before any browser starts
    root, targets = select_targets(req)
    if shard_spec:
        targets = shard(targets, *shard_spec)
    cache = req.project / CACHE_FILE if req.cache else None
    run = check_site(root, targets, CheckOptions(cells=cells, deadline=req.deadline), jobs=req.jobs,
                     webdriver_urls=req.webdriver_urls, cache_path=cache, progress=req.progress)
    return finish(run, req, root, entries, baseline_path)


def finish(run: CheckRun, req: CheckRequest, root: Path | None,
           entries: tuple[known.Entry, ...], baseline_path: Path) -> CheckOutcome:
    from builder.a11y import reports as writer

    written = False
    if req.update_baseline:
        entries = known.updated_entries(run, entries, req.today)
        baseline_path.write_text(known.baseline_text(entries), encoding="utf-8")
        written = True
    out = req.reports or req.project / "reports" / "a11y"
    run = SourceMap(req.project, root).annotate(run)
    paths = writer.write_reports(run, out, req.project, root)
    # The status page's chart of findings over time reads this history.
    record_history(req.project, {"summary": writer.summary_counts(run)},
                   dt.datetime.now(dt.timezone.utc))
    gate = known.evaluate(run, entries, req.today)
    return CheckOutcome(run, *paths, gate=gate, baseline_path=baseline_path, baseline_written=written)


def merge(dirs: tuple[Path, ...], req: CheckRequest) -> CheckOutcome:
    """Combine the results.json of shards (or any runs) into one report set."""
    runs = []
    for folder in dirs:
        file = folder / "results.json" if folder.is_dir() else folder
        try:
            runs.append(run_from(json.loads(file.read_text(encoding="utf-8"))))
        except (OSError, ValueError, KeyError) as err:
            raise InputError([Diagnostic(str(file), None, f"cannot read results ({err})",
                                         "pass report folders written by `infopages check`")]) from err
    if not runs:
        raise InputError([Diagnostic("check merge", None, "nothing to merge",
                                     "pass one or more report folders")])
    first = runs[0]
    for folder, other in zip(dirs, runs):
        if (other.axe_sha256, dict(other.options)) != (first.axe_sha256, dict(first.options)):
            raise InputError([Diagnostic(str(folder), None, "results made with other options or axe",
                                         "merge only shards of one run (same --cells, same tools)")])
    seen: dict[tuple[str, RenderCell], object] = {}
    for other in runs:
        for result in other.results:
            seen.setdefault((result.path, result.cell), result)
    merged = CheckRun(results=tuple(seen.values()), axe_version=first.axe_version,
                      axe_sha256=first.axe_sha256, chromium_version=first.chromium_version,
                      chromedriver_version=first.chromedriver_version, options=first.options)
    baseline_path = req.baseline or req.project / known.FILE_NAME
    site = req.site or req.project / "site"
    return finish(merged, req, site if site.is_dir() else None,
                  known.load_baseline(baseline_path), baseline_path)
