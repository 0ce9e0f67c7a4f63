"""The command line: the only place that prints and chooses exit codes.

Exit status: 0 success; 1 the work ran and found problems (violations, stale
or incomplete catalogues); 2 bad input or environment, one message per problem.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import signal
import sqlite3
import sys
from pathlib import Path
from typing import Callable, Sequence

from builder import __version__
from builder.cli.build import add_build_parser, run_build
from builder.cli.check import add_check_parser
from builder.cli.lint import add_lint_parser
from builder.cli.new import add_new_parser
from builder.cli.progress import Progress
from builder.cli.serve import add_serve_parser
from builder.cli.status import add_status_parser
from builder.errors import InputError
from builder.source.localecodes import bcp47

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT = 0, 1, 2


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def process_main() -> int:
    """The `infopages` process (the console script, `python -m builder`): `main`, then
    every object left is frozen out of the cyclic collector, for the process ends next.
    Python's shutdown would otherwise run its collections over all of them (the
    modules of Babel, Jinja, markdown-it and ours: some 40,000 objects, 35 ms a pass):
    0.1 s of every command, a quarter of a one-page rebuild at N = 1,000, at N = 10,000
    as much. Their memory goes back with the process, and nothing of ours waits for a
    collection to be closed: files, the build record and browsers are closed where
    they are used. Not in `main`, which tests call in their own process."""
    code = main()
    gc.freeze()
    return code


def main(argv: Sequence[str] | None = None) -> int:
    # SIGTERM (CI cancelling a job) cleans up exactly like Ctrl-C.
    signal.signal(signal.SIGTERM, _interrupt)
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return EXIT_INPUT
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        if getattr(args, "project", None) is not None:   # `new` has no project yet
            _recover(args.project)
        return handler(args)
    except InputError as exc:
        for diagnostic in exc.diagnostics[:50]:
            print(diagnostic.format(), file=sys.stderr)
        if len(exc.diagnostics) > 50:
            print(f"… and {len(exc.diagnostics) - 50} more errors", file=sys.stderr)
        return EXIT_INPUT
    except BrokenPipeError:   # `infopages stats | head`: the reader left, not an error
        sys.stdout = open(os.devnull, "w")
        return EXIT_OK
    except sqlite3.Error as exc:   # the build record: on a full disk, or damaged
        if args.debug:
            raise
        print(f"{args.project / '.infopages-cache'}: error: the build record cannot be used "
              f"({exc}) — free some disk space, or delete the folder (it is only a cache)",
              file=sys.stderr)
        return EXIT_INPUT
    except OSError as exc:    # the machine, not the input: disk full, permissions, I/O
        if args.debug:
            raise
        where = exc.filename or getattr(args, "project", None) or args.directory
        print(f"{where}: error: {exc.strerror or exc} — check the disk space and permissions, "
              "then run the command again (an interrupted change is finished first)",
              file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        # Cleaning up is done; the exit status must say "interrupted" even if a
        # signal comes again while worker processes are being reaped.
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
        print("interrupted: nothing was changed", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug of ours: say so plainly, keep the trace on request
        if args.debug:
            raise
        print(f"infopages: internal error: {exc!r} — rerun with --debug and report it",
              file=sys.stderr)
        return EXIT_INPUT


def _recover(project: Path) -> None:
    """Finish what a killed command left half-done, before this one reads anything."""
    from builder.output.site import recover

    if recover(project):
        print("infopages: finished the changes an interrupted command had committed",
              file=sys.stderr)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="infopages", description=__doc__.split("\n")[0])
    parser.add_argument("--version", action="version", version=f"infopages {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--project", type=Path, default=Path("."),
                        help="site folder holding content/, templates/, locales/ (default: .)")
    common.add_argument("--debug", action="store_true", help="show Python tracebacks")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    add_new_parser(sub)

    cmd = sub.add_parser("extract", parents=[common],
                         help="write the templates, one per domain (locales/DOMAIN.pot)")
    cmd.set_defaults(handler=cmd_extract)
    cmd = sub.add_parser("update", parents=[common], help="extract, then merge into every PO")
    cmd.add_argument("--check", action="store_true",
                     help="write nothing; exit 1 if the POT or a PO file is out of date (for CI)")
    cmd.add_argument("--prune-obsolete", action="store_true",
                     help="drop obsolete (#~) entries instead of keeping them")
    cmd.set_defaults(handler=cmd_update)
    cmd = sub.add_parser("stats", parents=[common],
                         help="translation progress per locale and domain")
    cmd.add_argument("--json", action="store_true", help="machine-readable output")
    cmd.add_argument("--pages", action="store_true",
                     help="per page: share translated and whether it passes its publish gate")
    cmd.add_argument("--check", action="store_true",
                     help="exit 1 when a page of a listed locale fails its publish gate")
    cmd.add_argument("--no-cache", action="store_true",
                     help="count every catalogue again instead of taking the counts of "
                          "those unchanged since the last run")
    cmd.set_defaults(handler=cmd_stats)
    add_build_parser(sub, common, cmd_build)
    add_check_parser(sub, common)
    add_lint_parser(sub, common)
    add_serve_parser(sub, common)
    add_status_parser(sub, common)
    return parser


def _warn(warnings) -> None:
    for warning in warnings:
        print(warning.format(), file=sys.stderr)


def cmd_extract(args: argparse.Namespace) -> int:
    from builder import pipeline

    result = pipeline.extract(args.project)
    _warn(result.warnings)
    _print_extract(result)
    return EXIT_OK


def _print_extract(result) -> None:
    for path, messages, written in result.pots:
        print(f"{path}: {messages} messages ({'written' if written else 'unchanged'})")
    for path in result.removed:
        print(f"{path}: removed (no message of its domain is left)")


def cmd_update(args: argparse.Namespace) -> int:
    from builder import pipeline

    if args.check:
        stale, warnings = pipeline.stale_catalogues(args.project, args.prune_obsolete)
        _warn(warnings)
        for path in stale:
            print(f"{path}: out of date — run `infopages update` and commit the result")
        if not stale:
            print("catalogues are up to date")
        return EXIT_FINDINGS if stale else EXIT_OK
    result = pipeline.update(args.project, args.prune_obsolete, _update_progress(args.project))
    _warn(result.extract.warnings)
    _print_extract(result.extract)
    for path, merged, written in result.merged:
        print(f"{path}: {update_summary(merged)} ({'written' if written else 'unchanged'})")
        for note in merged.notes:
            print(f"{path}: {note}")
    for retired in result.retired:
        names = ", ".join(path.name for path in retired.into)
        print(f"{retired.path}: moved into {names}: {retired.taken} translations taken where "
              f"their text now is, {retired.kept} kept as obsolete entries; removed")
    return EXIT_OK


def update_summary(merged) -> str:
    """The file's counts exactly as `stats` gives them, then what this run did:
    "1 fuzzy" is every fuzzy entry of the file, "(1 new this run)" those this update
    made fuzzy; "new messages" start untranslated, with nothing to start from."""
    this_run = [f"{merged.fuzzy} new this run"] if merged.fuzzy_total else []
    fuzzy = f"{merged.fuzzy_total} fuzzy" + (f" ({this_run[0]})" if this_run else "")
    untranslated = f"{merged.untranslated} untranslated" + (
        f" ({merged.new} new messages)" if merged.new else "")
    obsolete = f"{merged.obsolete} obsolete" + (
        f" ({merged.obsoleted} new this run)" if merged.obsoleted else "")
    carried = f", {merged.carried} carried over" if merged.carried else ""
    return f"{merged.translated} translated, {fuzzy}, {untranslated}, {obsolete}{carried}"


def cmd_stats(args: argparse.Namespace) -> int:
    from builder import pipeline

    if args.pages or args.check:
        return _page_stats(args)
    rows = pipeline.stats(args.project, remembered=not args.no_cache)
    if args.json:
        print(json.dumps(stats_document(rows), indent=2))
        return EXIT_OK
    print(f"{'locale':<8}{'domain':<12}{'translated':>11}{'fuzzy':>7}{'untranslated':>14}"
          f"{'obsolete':>10}{'words':>13}{'done':>8}")
    for r in rows:
        print(f"{bcp47(r.locale):<8}{r.domain or 'all':<12}{r.translated:>11}{r.fuzzy:>7}"
              f"{r.untranslated:>14}{r.obsolete:>10}"
              f"{f'{r.words_translated}/{r.words}':>13}{r.percent:>7.1f}%")
    return EXIT_OK


def stats_document(rows) -> list[dict]:
    """Per locale its totals, and the same figures per domain under `domains`."""
    def figures(row) -> dict:
        return {k: v for k, v in vars(row).items() if k != "domain"} | {
            "percent": round(row.percent, 1)}

    out, domains = [], []
    for row in rows:
        if row.domain:
            domains.append(dict(figures(row), domain=row.domain))
        else:
            out.append(dict(figures(row), domains=domains))
            domains = []
    return out


def _page_stats(args: argparse.Namespace) -> int:
    from builder import pipeline

    statuses = pipeline.page_statuses(args.project).statuses
    rows = [dict(vars(s), percent=round(s.percent, 1)) for _, s in sorted(statuses.items())]
    failing = [r for r in rows if not r["published"]]
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
    elif args.pages:
        print(f"{'locale':<8}{'done':>7}  {'gate':<6}page")
        for r in rows:
            gate = "pass" if r["published"] else "FAIL"
            print(f"{bcp47(r['locale']):<8}{r['percent']:>6.1f}%  {gate:<6}{r['key']}")
            for anchor in r["missing_required"]:
                print(f"{'':<22}required, untranslated: {anchor}")
    if args.check:
        for r in failing if not args.json else []:
            print(f"{bcp47(r['locale'])}: {r['key']} fails its publish gate ({r['percent']:.1f}% "
                  f"translated, {len(r['missing_required'])} required segments missing)")
        if not failing and not args.json:
            print("every page passes its publish gate in every locale")
        return EXIT_FINDINGS if failing else EXIT_OK
    return EXIT_OK


LARGE = 1000   # in a CI log, progress lines are worth it only for large sites


def _progress(quiet: bool, prefix: str):
    """A progress display on stderr: a bar on a terminal, plain lines in a log."""
    if quiet:
        return None
    display = Progress(0, "pages", sys.stderr, prefix=prefix)

    def report(done: int, total: int, what: str = "") -> None:
        if display.tty or total >= LARGE:
            display(done, total, what)
            if done >= total:
                display.close()
    return report


def _update_progress(root: Path):
    """Per locale, for big sites only: a small site's update is instant."""
    pots = (root / "locales").glob("*.pot")
    big = sum(pot.stat().st_size for pot in pots if pot.is_file()) > 2_000_000
    return Progress(0, "locales", sys.stderr, prefix="update") if big else None


def cmd_build(args: argparse.Namespace) -> int:
    from builder.engine.pool import cyclic_gc_paused

    with cyclic_gc_paused():    # from the imports on: what a build makes is freed by refcount
        return run_build(args, _progress(args.quiet, "build"), _warn)
