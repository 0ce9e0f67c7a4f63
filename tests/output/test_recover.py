"""What a killed command leaves behind is removed by the next command of any kind:
a dead writer's partial catalogue snapshot (one per locale and domain in the build
record) and the temporary files of an `update` killed before its commit point."""

from __future__ import annotations

import subprocess
import sys
import time
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


def test_a_killed_writer_left_as_a_zombie_counts_as_dead(mini: Path):
    """A killed build's workers can stay zombies (an init that does not reap orphans):
    dead, writing nothing. Their partial snapshots go; a live writer's stay."""
    zombie = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        zombie.kill()
        for _ in range(200):    # until the kernel has made it a zombie
            state = Path(f"/proc/{zombie.pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
            if state == "Z":
                break
            time.sleep(0.01)
        assert state == "Z"
        snapshots = mini / ".infopages-cache" / "po" / "ar"
        snapshots.mkdir(parents=True)
        dead = snapshots / f".topics.po.{zombie.pid}.tmp"
        writing = snapshots / f".ui.po.{live.pid}.tmp"
        dead.write_bytes(b"half a snapshot")
        writing.write_bytes(b"being written")
        recover(mini)
        assert not dead.exists()
        assert writing.is_file()
    finally:
        live.kill()
        live.wait()
        zombie.wait()
