"""The `build` sub-command's arguments and terminal output (part of the CLI layer)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from builder.source.localecodes import bcp47

EXIT_OK, EXIT_FINDINGS = 0, 1


def add_build_parser(sub, common: argparse.ArgumentParser, handler) -> None:
    cmd = sub.add_parser(
        "build", parents=[common], help="render every locale to static HTML",
        description="Render the site. After a first build, only what changed is rebuilt "
                    "(the record is in PROJECT/.infopages-cache/).")
    cmd.add_argument("--locale", action="append", default=[], metavar="LL",
                     help="build only this locale (repeatable)")
    cmd.add_argument("--out", type=Path, help="output folder (default: PROJECT/site)")
    cmd.add_argument("--preview", action=argparse.BooleanOptionalAction, default=None,
                     help="also build the translators' preview in _preview/ "
                          "(default: when site.yaml sets publish gates)")
    cmd.add_argument("--pseudo", action="store_true",
                     help="also build the pseudo-locales en-XA and ar-XB into _preview/")
    cmd.add_argument("--status", action="store_true",
                     help="also write the status pages into _status/")
    cmd.add_argument("--full", action="store_true",
                     help="rebuild everything, ignoring what the last build recorded")
    cmd.add_argument("--jobs", type=int, metavar="N",
                     help="processes to render with (default: one per core)")
    cmd.add_argument("--shard", metavar="I/N",
                     help="build only shard I of N (split by page); combine with --merge")
    cmd.add_argument("--merge", nargs="+", type=Path, metavar="DIR",
                     help="combine the --out folders of every shard into one site")
    cmd.add_argument("--keep-going", action="store_true",
                     help="when a locale's catalogue cannot be read, build the other locales "
                          "and keep that locale's previous pages (exit status 1)")
    cmd.add_argument("--quiet", action="store_true", help="no progress display")
    cmd.set_defaults(handler=handler)


def run_build(args: argparse.Namespace, progress, warn) -> int:
    from builder.errors import Diagnostic, InputError
    from builder.output.shards import parse_shard

    if args.jobs is not None and args.jobs < 1:
        raise InputError([Diagnostic("--jobs", None, f"bad job count `{args.jobs}`",
                                     "give a whole number of 1 or more, e.g. --jobs 2")])
    if args.merge:
        from builder import pipeline

        target = args.out or args.project / "site"
        count = pipeline.merge_shards(args.project, tuple(args.merge), target)
        print(f"merged {len(args.merge)} shards ({count} files) into {target}")
        return EXIT_OK
    scanned = None
    if not (args.full or args.locale or args.preview is not None or args.pseudo or args.shard
            or args.status):
        from builder.engine.cache import up_to_date

        found = up_to_date(args.project, args.out or args.project / "site")
        scanned = found.inputs
        if found.answer is not None:   # answered before the builder itself is imported
            summary, warnings, refused = found.answer
            warn(warnings)
            print(f"up to date: {summary['pages']} pages in {len(summary['locales'])} locales "
                  f"({', '.join(map(bcp47, summary['locales']))}) in {summary['out']} "
                  "(0 files written)")
            report_refused(refused)
            return EXIT_OK
    from builder import pipeline
    from builder.engine.build import BuildOptions

    options = BuildOptions(args.out, tuple(args.locale), args.preview, args.pseudo, args.full,
                           args.jobs, parse_shard(args.shard), keep_going=args.keep_going)
    result = pipeline.build(args.project, options, progress, scanned)
    warn(result.warnings)
    if args.status:
        pipeline.status(args.project, result.out)
    how = "rebuilt" if result.incremental else "built"
    print(f"{how} {result.pages} pages in {len(result.locales)} locales "
          f"({', '.join(map(bcp47, result.locales))}) into {result.out} "
          f"({result.written} files written or removed)")
    report_refused(result.refused)
    if result.kept:
        print(f"kept the previous pages of {', '.join(result.kept)}: its catalogue has the "
              "errors above — fix them and build again", file=sys.stderr)
        return EXIT_FINDINGS
    return EXIT_OK


def report_refused(refused: tuple[tuple[str, int], ...]) -> None:
    """Translations not published, per locale (the first few are among the warnings)."""
    for locale, count in refused:
        print(f"{bcp47(locale)}: {count} translation{'s' if count != 1 else ''} not published "
              f"(readers see the source text) — `infopages lint --locale {bcp47(locale)}` "
              "says why for each", file=sys.stderr)
