"""What a killed command leaves behind is removed by the next command of any kind:
a dead writer's partial catalogue snapshot (one per locale and domain in the build
record) and the temporary files of an `update` killed before its commit point."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from builder.output.site import recover


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_leftovers_of_killed_commands_are_removed(mini: Path):
    pid = dead_pid()
    snapshots = mini / ".infopages-cache" / "po" / "fr"
    snapshots.mkdir(parents=True)
    partial = snapshots / f".news-2020.po.{pid}.tmp"
    partial.write_bytes(b"half a snapshot")
    kept = snapshots / "ui.po"
    kept.write_bytes(b'msgid ""\nmsgstr ""\n')
    folder = mini / "locales" / "fr" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    leftover = folder / ".topics.po.infopages-x1y2.tmp"
    leftover.write_text("half of a file")
    assert recover(mini) == 0
    assert not partial.exists() and not leftover.exists()
    assert kept.is_file()
