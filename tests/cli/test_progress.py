"""Terminal progress: a redrawn bar on a TTY, plain periodic lines in logs, nothing when quiet."""

from __future__ import annotations

import io

from builder.cli.progress import Progress, Snapshot, bar_line, duration, plain_line


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_bar_line_shows_counts_rate_and_eta() -> None:
    line = bar_line(Snapshot(40, 100, 4.0), width=10)
    assert line == "[####------] 40/100 pages, 10.0/s, ETA 6s"


def test_durations() -> None:
    assert [duration(s) for s in (4, 65, 3725)] == ["4s", "1m05s", "1h02m"]


def test_tty_redraws_one_line_and_ends_with_newline() -> None:
    out, clock = io.StringIO(), Clock()
    progress = Progress(97, stream=out, is_tty=True, clock=clock)
    for _ in range(97):
        clock.now += 0.1
        progress.advance()
    progress.close()
    text = out.getvalue()
    assert text.count("\r") == 97 and text.endswith("\n") and text.count("\n") == 1
    assert "97/97 pages" in text.rsplit("\r", 1)[1]


def test_log_gets_a_line_per_tenth() -> None:
    out, clock = io.StringIO(), Clock()
    with Progress(200, stream=out, is_tty=False, prefix="build", clock=clock) as progress:
        for _ in range(200):
            clock.now += 0.01
            progress.advance()
    lines = out.getvalue().splitlines()
    assert "\r" not in out.getvalue()
    assert len(lines) == 11   # 0 %, 10 %, … 100 %
    assert lines[-1].startswith("build: 200/200 pages") and lines[-1].endswith("(100 %)")


def test_log_also_speaks_every_few_seconds_when_slow() -> None:
    out, clock = io.StringIO(), Clock()
    progress = Progress(1000, stream=out, is_tty=False, clock=clock)
    progress.advance()          # first line
    clock.now += 6
    progress.advance()          # same tenth, but 6 s later
    assert len(out.getvalue().splitlines()) == 2
    assert "ETA" in out.getvalue().splitlines()[1]


def test_start_up_and_a_long_first_task_do_not_make_the_eta() -> None:
    """A build loads for seconds before its first task, the longest (the feeds), ends:
    its ETA and rate count from that first item, not from the start."""
    out, clock = io.StringIO(), Clock()
    progress = Progress(5000, stream=out, is_tty=False, prefix="build", clock=clock)
    clock.now += 12.0
    progress.advance()           # the feed, after start-up
    for _ in range(50):
        clock.now += 0.01        # then 100 pages a second
        progress.advance(10)
    progress.close()
    first, *rest = out.getvalue().splitlines()
    assert first == "build: 1/5000 pages (0 %)"          # no rate, no ETA yet
    assert rest[0].startswith("build: 501/5000 pages, 1000.0/s, ETA 4s")


def test_quiet_writes_nothing() -> None:
    out = io.StringIO()
    progress = Progress(10, stream=out, is_tty=True, quiet=True)
    progress.advance(10)
    progress.close()
    assert out.getvalue() == ""


def test_runner_callback_shape() -> None:
    out = io.StringIO()
    progress = Progress(0, stream=out, is_tty=False, prefix="check")
    progress(5, 10, "en/index.html")
    assert plain_line(progress.snapshot(), "check").startswith("check: 5/10 pages")
    assert out.getvalue().startswith("check: 5/10 pages")


def test_a_large_build_reports_progress_in_a_ci_log(tmp_path, capsys):
    """Non-TTY stderr (a CI log): plain lines for a large site, nothing for a small one."""
    from builder.cli.app import main
    from tests.engine.test_interrupted import big_project

    small = big_project(tmp_path / "a")
    assert main(["build", "--project", str(small)]) == 0
    err = capsys.readouterr().err
    assert "build: " in err and "(100 %)" in err and "pages" in err
    assert main(["build", "--project", str(small), "--quiet"]) == 0
    assert capsys.readouterr().err == ""
