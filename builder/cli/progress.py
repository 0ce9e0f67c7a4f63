"""Progress of long commands on the terminal: counts, rate and ETA.

On a terminal one line is redrawn in place (`\\r`); in a CI log, where `\\r`
piles up into one unreadable line, a plain line is written every 10 % or every
few seconds instead. Quiet mode writes nothing, so `--quiet` and `--json` stay
machine-clean: progress always goes to stderr, never to stdout.

Nothing here decides *whether* to show progress: the `*_command` module does,
and hands a stream (or `quiet=True`) in.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable, TextIO

BAR_WIDTH = 20
PLAIN_INTERVAL = 5.0     # seconds between plain lines when 10 % takes longer than that


@dataclass(frozen=True)
class Snapshot:
    """One moment of a run: what a progress line shows."""
    done: int
    total: int
    elapsed: float
    label: str = "pages"
    # (done, elapsed) at the first item: the rate counts from there, so that start-up
    # (loading, forking) and a long first task do not show as a two-hour ETA.
    since: tuple[int, float] = (0, 0.0)

    @property
    def rate(self) -> float:
        items, seconds = self.done - self.since[0], self.elapsed - self.since[1]
        return items / seconds if items > 0 and seconds > 0 else 0.0

    @property
    def eta(self) -> float | None:
        if not self.total or self.rate <= 0 or self.done >= self.total:
            return None if self.done < self.total else 0.0
        return (self.total - self.done) / self.rate

    @property
    def percent(self) -> int:
        return 100 * self.done // self.total if self.total else 100


def duration(seconds: float) -> str:
    """"4s", "2m05s", "1h02m": short enough for a status line."""
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"


def counts_text(s: Snapshot) -> str:
    total = f"/{s.total}" if s.total else ""
    rate = f", {s.rate:.1f}/s" if s.rate > 0 else ""
    eta = f", ETA {duration(s.eta)}" if s.eta is not None and s.done < s.total else ""
    return f"{s.done}{total} {s.label}{rate}{eta}"


def bar_line(s: Snapshot, width: int = BAR_WIDTH) -> str:
    """`[########------------] 40/97 pages, 12.3/s, ETA 4s` (no newline)."""
    filled = width * min(s.done, s.total) // s.total if s.total else width
    return f"[{'#' * filled}{'-' * (width - filled)}] {counts_text(s)}"


def plain_line(s: Snapshot, prefix: str) -> str:
    share = f" ({s.percent} %)" if s.total else ""
    head = f"{prefix}: " if prefix else ""
    return f"{head}{counts_text(s)}{share}"


class Progress:
    """A progress display for `total` items, written to `stream` (stderr).

    `is_tty` defaults to `stream.isatty()`; tests pass it explicitly. The
    object is also a `(done, total, path)` callable, the shape the
    accessibility runner reports with, so `check` can use it unchanged.
    """

    def __init__(self, total: int, label: str = "pages", stream: TextIO | None = None,
                 is_tty: bool | None = None, quiet: bool = False, prefix: str = "",
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.total = max(total, 0)
        self.label = label
        self.stream = stream
        self.quiet = quiet or stream is None
        self.tty = bool(stream.isatty()) if is_tty is None and stream is not None else bool(is_tty)
        self.prefix = prefix
        self.clock = clock
        self.start = clock()
        self.done = 0
        self._since: tuple[int, float] | None = None   # Snapshot.since, at the first item
        self._last_plain = (-1, self.start)   # (decile, time) of the last plain line
        self._drawn = False
        self._closed = False

    def snapshot(self) -> Snapshot:
        return Snapshot(self.done, self.total, self.clock() - self.start, self.label,
                        self._since or (0, 0.0))

    def _first_item(self) -> None:
        if self._since is None and self.done > 0:
            self._since = (self.done, self.clock() - self.start)

    def advance(self, n: int = 1) -> None:
        self.done += n
        self._first_item()
        self._show()

    def __call__(self, done: int, total: int, path: str = "") -> None:
        # Runners that know their total only once started (the checker's
        # render matrix) report it here.
        self.done, self.total = done, total
        self._first_item()
        self._show()

    def _show(self) -> None:
        if self.quiet or self._closed:
            return
        s = self.snapshot()
        if self.tty:
            self.stream.write(f"\r{bar_line(s)}\x1b[K")
            self._drawn = True
            self.stream.flush()
            return
        decile = 10 * s.done // s.total if s.total else 0
        last_decile, last_time = self._last_plain
        now = self.start + s.elapsed
        if decile > last_decile or now - last_time >= PLAIN_INTERVAL:
            self._last_plain = (decile, now)
            self.stream.write(plain_line(s, self.prefix) + "\n")
            self.stream.flush()

    def close(self) -> None:
        """End the display: a newline after a bar, a final line in a log."""
        if self.quiet or self._closed:
            return
        self._closed = True
        if self.tty and self._drawn:
            self.stream.write("\n")
        elif not self.tty and self.done and self._last_plain[0] < 10:
            self.stream.write(plain_line(self.snapshot(), self.prefix) + "\n")
        self.stream.flush()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
