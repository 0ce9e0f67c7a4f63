"""The `check` sub-command's arguments and terminal output (part of the CLI layer)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT = 0, 1, 2


def add_check_parser(sub, common: argparse.ArgumentParser) -> None:
    cmd = sub.add_parser("check", parents=[common], help="check the built site for WCAG 2.2 AA")
    cmd.add_argument("--site", type=Path, help="built site folder (default: PROJECT/site)")
    cmd.add_argument("--reports", type=Path, help="report folder (default: PROJECT/reports/a11y)")
    cmd.add_argument("--cells", default="light:1280,dark:1280,light:320,dark:320",
                     help="render matrix, comma-separated SCHEME:WIDTH (default: all four)")
    cmd.set_defaults(handler=cmd_check)


def cmd_check(args: argparse.Namespace) -> int:
    from .a11y import CheckUnavailable
    from .a11y.run import check
    from .reports import summary_lines

    try:
        outcome = check(args.project, args.site, args.reports, args.cells)
    except CheckUnavailable as exc:
        print(f"infopages check: {exc}", file=sys.stderr)
        return EXIT_INPUT
    for line in summary_lines(outcome.run):
        print(line)
    print(f"Report: {outcome.report_html} (data: {outcome.results_json})")
    return EXIT_OK if outcome.run.passed else EXIT_FINDINGS
