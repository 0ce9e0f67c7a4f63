"""The command line: the only place that prints and chooses exit codes."""

from builder.cli.app import main

__all__ = ["main"]
