"""The `lint` sub-command's arguments and terminal output (part of the CLI layer)."""

from __future__ import annotations

import argparse


def add_lint_parser(sub, common: argparse.ArgumentParser) -> None:
    cmd = sub.add_parser("lint", parents=[common], help="check translations for errors")
    cmd.set_defaults(handler=cmd_lint)


def cmd_lint(args: argparse.Namespace) -> int:
    raise NotImplementedError("lint is being written")
