"""The `lint` sub-command's arguments and terminal output (part of the CLI layer).

Exit status: 0 no error (warnings may remain), 1 at least one error, 2 bad
input (no site, an unknown --locale, a malformed glossary).
"""

from __future__ import annotations

import argparse
import json
import sys

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT = 0, 1, 2


def add_lint_parser(sub, common: argparse.ArgumentParser) -> None:
    cmd = sub.add_parser("lint", parents=[common],
                         help="check translations: errors (not published) and warnings")
    cmd.add_argument("--json", action="store_true",
                     help="print the findings as a JSON list (for tools and CI)")
    cmd.add_argument("--locale", action="append", default=[], metavar="LL",
                     help="lint only this locale (repeatable; default: every target locale)")
    cmd.add_argument("--domain", action="append", default=[], metavar="DOMAIN",
                     help="lint only this domain's catalogues, e.g. ui, topics or news-2015 "
                          "(repeatable; default: every domain)")
    cmd.add_argument("--no-cache", action="store_true",
                     help="lint every catalogue again: by default a catalogue whose bytes, "
                          "glossary and builder are as last time gives its remembered findings")
    cmd.set_defaults(handler=cmd_lint)


def cmd_lint(args: argparse.Namespace) -> int:
    from builder.catalogues.domains import describe, is_current
    from builder.errors import Diagnostic, InputError
    from builder.pipeline import lint
    from builder.source.inputs import checked_scan
    from builder.source.config import load_config
    from builder.source.localecodes import bcp47

    config = load_config(args.project)
    checked_scan(args.project, config)
    codes = [config.locale_code(code) for code in args.locale]
    unknown = [code for code, found in zip(args.locale, codes)
               if found not in config.target_locales]
    if unknown:
        raise InputError([Diagnostic("content/site.yaml", None, f"unknown locale `{code}`",
                                     "use one of: " + ", ".join(map(bcp47, config.target_locales)))
                          for code in unknown])
    wrong = [name for name in args.domain if not is_current(config.catalogues, name)]
    if wrong:
        raise InputError([Diagnostic("content/site.yaml", None, f"unknown domain `{name}`",
                                     f"this site has {describe(config.catalogues)}")
                          for name in wrong])
    findings = lint(args.project, tuple(map(str, codes)) or config.target_locales,
                    tuple(args.domain), remembered=not args.no_cache)
    errors = sum(f.severity == "error" for f in findings)
    if args.json:
        print(json.dumps([f.as_json() for f in findings], ensure_ascii=False, indent=2))
    else:
        for finding in findings:
            print(finding.format())
        print(f"{errors} error(s), {len(findings) - errors} warning(s)", file=sys.stderr)
    return EXIT_FINDINGS if errors else EXIT_OK
