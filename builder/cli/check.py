"""The `check` sub-command's arguments and terminal output (part of the CLI layer)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from builder.cli.progress import Progress

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT = 0, 1, 2
MERGE = "merge"


def add_check_parser(sub, common: argparse.ArgumentParser) -> None:
    cmd = sub.add_parser(
        "check", parents=[common], help="check the built site (or any site) for WCAG 2.2 AA",
        description="Check pages with axe-core and infopages probes in headless Chromium. "
                    "`infopages check merge DIR… --out DIR` combines shard reports.")
    cmd.add_argument("targets", nargs="*", metavar="URL-or-folder",
                     help="pages to check: http(s) URLs and/or one folder (default: the built site)")
    cmd.add_argument("--site", type=Path, help="built site folder (default: PROJECT/site)")
    cmd.add_argument("--reports", "--out", dest="reports", type=Path,
                     help="report folder (default: PROJECT/reports/a11y)")
    cmd.add_argument("--cells", default="light:1280,dark:1280,light:320,dark:320",
                     help="render matrix, comma-separated SCHEME:WIDTH (default: all four)")
    cmd.add_argument("--sitemap", metavar="URL", help="also check every page listed in this sitemap")
    cmd.add_argument("--jobs", type=int, default=2, metavar="N",
                     help="browser sessions in parallel (per --webdriver-url endpoint; default 2)")
    cmd.add_argument("--deadline", type=float, default=60.0, metavar="SECONDS",
                     help="time a page may take in one render cell (the load included in the "
                          "first); past it the browser is stopped and the page is an error "
                          "(default 60)")
    cmd.add_argument("--webdriver-url", action="append", default=[], metavar="URL",
                     help="check on this remote WebDriver endpoint instead of local Chromium (repeatable)")
    cmd.add_argument("--shard", metavar="I/N", help="check only shard I of N (split by page path)")
    cmd.add_argument("--no-cache", action="store_true",
                     help="re-check every page (default: reuse results of unchanged pages)")
    cmd.add_argument("--baseline", type=Path, help="known-issues file (default: PROJECT/a11y-baseline.yaml)")
    cmd.add_argument("--update-baseline", action="store_true",
                     help="write the known-issues file from this run's findings")
    out = cmd.add_mutually_exclusive_group()
    out.add_argument("--quiet", action="store_true", help="print nothing; the exit status tells")
    out.add_argument("--json", action="store_true", help="print only the summary as JSON")
    cmd.set_defaults(handler=cmd_check)


def _request(args: argparse.Namespace, progress):
    from builder.a11y.run import CheckRequest

    from builder.errors import Diagnostic, InputError

    if args.jobs < 1:
        raise InputError([Diagnostic("--jobs", None, f"bad job count `{args.jobs}`",
                                     "give a whole number of 1 or more, e.g. --jobs 2")])
    if not args.deadline > 0:
        raise InputError([Diagnostic("--deadline", None, f"bad deadline `{args.deadline:g}`",
                                     "give a number of seconds above 0, e.g. --deadline 60")])
    return CheckRequest(
        project=args.project, site=args.site, reports=args.reports, cells=args.cells,
        targets=tuple(args.targets), sitemap=args.sitemap, jobs=args.jobs,
        webdriver_urls=tuple(args.webdriver_url), shard=args.shard, cache=not args.no_cache,
        deadline=args.deadline,
        baseline=args.baseline, update_baseline=args.update_baseline, progress=progress)


def cmd_check(args: argparse.Namespace) -> int:
    from builder.a11y import CheckUnavailable
    from builder.a11y.run import check, merge

    is_merge = bool(args.targets) and args.targets[0] == MERGE
    progress = None if args.quiet or args.json or is_merge else \
        Progress(0, "pages", sys.stderr, prefix="check")
    try:
        if is_merge:
            req = _request(argparse.Namespace(**{**vars(args), "targets": []}), None)
            outcome = merge(tuple(Path(t) for t in args.targets[1:]), req)
        else:
            outcome = check(_request(args, progress))
    except CheckUnavailable as exc:
        print(f"infopages check: {exc}", file=sys.stderr)
        return EXIT_INPUT
    finally:
        if progress is not None:
            progress.close()
    if args.json:
        print(json.dumps(summary_document(outcome), indent=2, sort_keys=True))
    elif not args.quiet:
        for line in outcome_lines(outcome):
            print(line)
    return EXIT_OK if outcome.passed else EXIT_FINDINGS


def summary_document(outcome) -> dict:
    from builder.a11y.reports import summary_counts

    gate = outcome.gate
    return {
        "summary": summary_counts(outcome.run),
        "baseline": {
            "file": str(outcome.baseline_path), "written": outcome.baseline_written,
            "new": len(gate.new), "known": len(gate.known),
            "expired": [_entry_text(e) for e in gate.expired],
            "stale": [_entry_text(e) for e in gate.stale],
        },
        "passed": outcome.passed,
        "reports": {"results_json": str(outcome.results_json), "html": str(outcome.report_html),
                    "junit": str(outcome.junit_xml), "sarif": str(outcome.sarif)},
    }


def _entry_text(entry) -> str:
    fp = entry.fingerprint
    return f"{fp.rule} in {fp.component} at {fp.selector} ({fp.html_hash})"


def outcome_lines(outcome) -> list[str]:
    from builder.a11y.reports import summary_lines

    lines = summary_lines(outcome.run)[:-1]
    gate, where = outcome.gate, outcome.baseline_path
    if outcome.baseline_written:
        lines.append(f"Baseline written: {where}")
    if gate.known:
        lines.append(f"Known issues (in {where.name}, not blocking): {len(gate.known)} element(s).")
    for entry in gate.expired:
        lines.append(f"{where}:{entry.line or 1}: error: baseline entry expired on "
                     f"{entry.expires.isoformat()}: {_entry_text(entry)} — fix it or extend `expires`")
    for entry in gate.stale:
        lines.append(f"{where}:{entry.line or 1}: error: stale baseline entry matches nothing: "
                     f"{_entry_text(entry)} — remove it (or run --update-baseline)")
    if gate.new and gate.known:
        lines.append(f"New findings (not in {where.name}): {len(gate.new)} element(s).")
    verdict = "PASS" if outcome.passed else (
        f"FAIL ({len(gate.new)} new finding(s) not in {where.name} (element × page × cell), "
        f"{len(gate.expired)} expired and {len(gate.stale)} stale baseline entr(ies), "
        f"{outcome.run.error_count} page × cell check(s) not done)")
    lines.append(f"Result: {verdict}")
    lines.append(f"Report: {outcome.report_html} (data: {outcome.results_json}; "
                 f"JUnit: {outcome.junit_xml.name}; SARIF: {outcome.sarif.name})")
    return lines
