"""The command line: the only place that prints and chooses exit codes."""

from builder.cli.app import main, process_main

__all__ = ["main", "process_main"]
