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
    from builder.output.write import atomic_write
    from builder.tools.status import status_files

    site = args.out or args.project / "site"
    files = status_files(args.project, args.locale, args.results)
    for name, data in sorted(files.items()):
        atomic_write(site / name, data)
    for name in sorted(files):
        if name.endswith(".html"):
            print(site / name)
    return EXIT_OK
