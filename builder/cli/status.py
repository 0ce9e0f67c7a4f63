"""The `status` sub-command: write the translation and accessibility dashboards."""

from __future__ import annotations

import argparse
from pathlib import Path

EXIT_OK = 0


def add_status_parser(sub, common: argparse.ArgumentParser) -> None:
    cmd = sub.add_parser(
        "status", parents=[common], help="write status pages (translation, accessibility)",
        description="Write _status/translation.html and _status/accessibility.html next to "
                    "the site, from the catalogues and the last `infopages check`.")
    cmd.add_argument("--out", type=Path, help="site folder (default: PROJECT/site)")
    cmd.add_argument("--locale", default="en", metavar="LL",
                     help="language of the pages' own words (default en; e.g. ar for RTL)")
    cmd.add_argument("--results", type=Path,
                     help="results.json of a check (default: PROJECT/reports/a11y/results.json)")
    cmd.set_defaults(handler=cmd_status)


def cmd_status(args: argparse.Namespace) -> int:
    from builder import pipeline

    site = args.out or args.project / "site"
    for path in pipeline.status(args.project, site, args.locale, args.results):
        print(path)
    return EXIT_OK
