"""The `check` command's work: which pages, which render cells, which reports."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from builder.a11y.check import check_paths, check_site
from builder.a11y.model import CheckOptions, CheckRun, RenderCell
from builder.config import load_config
from builder.errors import Diagnostic, InputError


@dataclass(frozen=True)
class CheckOutcome:
    run: CheckRun
    results_json: Path
    report_html: Path


def parse_cells(text: str) -> tuple:
    """"light:1280,dark:320" → RenderCells; a bad cell is an input error."""
    cells = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        scheme, _, width = part.partition(":")
        if scheme not in ("light", "dark") or not width.isdigit() or int(width) < 200:
            raise InputError([Diagnostic("--cells", None, f"bad render cell `{part}`",
                                         "write SCHEME:WIDTH, e.g. light:1280,dark:320")])
        cells.append(RenderCell(scheme, int(width)))
    return tuple(cells)


def check(root: Path, site: Path | None = None, reports: Path | None = None,
          cells: str = "light:1280,dark:1280,light:320,dark:320") -> CheckOutcome:
    """Check every page of a built site; write results.json and report.html."""
    from builder import reports as report_writer

    config = load_config(root)
    site = site or root / "site"
    if not (site / "index.html").is_file():
        raise InputError([Diagnostic(str(site), None, "no built site here",
                                     "run `infopages build` first, or pass --site DIR")])
    options = CheckOptions(cells=parse_cells(cells))
    run = check_site(site, check_paths(site, config.locales), options)
    out = reports or root / "reports" / "a11y"
    results, html = out / "results.json", out / "report.html"
    report_writer.write_results_json(run, results)
    report_writer.write_html_report(run, html)
    return CheckOutcome(run, results, html)
