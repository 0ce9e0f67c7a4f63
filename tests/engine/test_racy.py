"""Files saved within a clock tick of a fingerprint are read, not trusted by their stat.

The build record and `update`'s memo skip files whose stat (time, size, ctime,
inode) is unchanged. On a file system whose times are whole seconds, a second
save of the same size in the same second as the first keeps every field: git
calls such a file "racily clean". Two guards: the build record stores a racy
file's fingerprint so that no stat matches it (the next build reads it), and
`update` returns only once the clock has moved past the files it wrote.
"""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

from builder.cli.app import main
from builder.engine.cache import RACY, BuildCache
from builder.source.inputs import (COARSE_TICK_NS, FINE_TICK_NS, clock_tick, fingerprint,
                                   racy, scan, wait_past_tick)

PAGE = "content/news/2020-03-01-second.md"


def test_a_time_within_a_tick_of_the_scan_is_racy():
    now = time.time_ns() + 123      # not a whole second
    assert racy((now - FINE_TICK_NS // 2, 10, now, 1), now)
    assert not racy((now - 2 * FINE_TICK_NS, 10, now, 1), now)
    assert not racy((now - 10, 10, now, 1), now, tick=0)   # each change stamped afresh
    assert racy((now + 10, 10, now, 1), now, tick=0)       # saved during the scan
    whole = now - now % 10**9                              # whole seconds: a coarse tick
    assert racy((whole, 10, now, 1), whole + 10**9, tick=0)
    assert not racy((whole - 3 * 10**9, 10, now, 1), whole, tick=0)
    assert COARSE_TICK_NS > 2 * 10**9


def test_the_clock_tick_is_measured_with_a_probe_of_ours(tmp_path: Path):
    assert clock_tick(tmp_path / ".tick") in (0, FINE_TICK_NS)
    assert list(tmp_path.iterdir()) == []


def test_update_waits_until_a_save_gets_a_later_time(tmp_path: Path):
    """What `update` does after writing: a file saved after the wait is stamped later,
    even when the stamp to pass is ahead of the clock (as a coarse one can seem)."""
    ahead = time.time_ns() + 60_000_000
    started = time.monotonic()
    wait_past_tick(ahead, tmp_path / ".tick")
    saved = tmp_path / "saved.po"
    saved.write_text("x")
    assert saved.stat().st_mtime_ns > ahead
    assert time.monotonic() - started >= 0.05
    assert not (tmp_path / ".tick").exists()          # the probe is ours: removed


def recorded(root: Path, path: str) -> tuple:
    db = sqlite3.connect(root / ".infopages-cache" / "build.sqlite")
    try:
        return db.execute("SELECT mtime_ns, size, ctime_ns, inode FROM inputs WHERE path = ?",
                          (path,)).fetchone()
    finally:
        db.close()


def test_a_racy_page_is_recorded_so_that_the_next_build_reads_it(mini: Path):
    page = mini / PAGE
    soon = time.time_ns() + 30 * 10**9       # stamped after the scan: within its tick
    page.write_text(page.read_text("utf-8").replace("title: ", "title: New "), "utf-8")
    os.utime(page, ns=(soon, soon))
    assert main(["build", "--project", str(mini), "--quiet"]) == 0
    assert recorded(mini, PAGE)[0] == RACY                 # no stat matches it
    assert recorded(mini, "content/site.yaml")[0] > 0      # the others: as scanned
    cache = BuildCache(mini)
    try:
        changes = cache.input_changes(scan(mini))
    finally:
        cache.close()
    assert PAGE in changes.shas and PAGE not in changes.changed   # read again, same text
    os.utime(page, ns=(10**18, 10**18))      # long before any scan now: trusted again
    page_stat = fingerprint(page.stat())
    assert main(["build", "--project", str(mini), "--quiet"]) == 0
    assert recorded(mini, PAGE) == page_stat
