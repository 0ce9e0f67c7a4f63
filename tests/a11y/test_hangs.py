"""Pages that never let the check finish, and targets that are not pages.

Every one is an error for that page (blocking, never cached), within the
checker's own deadline plus a browser restart, and the other pages of the run
get exactly the results they get without them. Real Chromium, real hangs.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from builder.a11y import CheckOptions, CheckRun, CheckTarget, RenderCell, check_site, serve_directory
from builder.a11y.axe import load_axe_script, preload_axe
from builder.a11y.browser import BrowserSession
from builder.a11y.page import check_page
from builder.a11y.serial import page_dict

FIXTURES = Path(__file__).parents[1] / "a11y_fixtures"
DEADLINE = 5.0
CELLS = (RenderCell("light", 1280), RenderCell("dark", 320))
OPTIONS = CheckOptions(cells=CELLS, deadline=DEADLINE, screenshots=0)
GOOD = ("clean.html", "image-alt.html", "focus-none.html")


@pytest.fixture(scope="module")
def silent_server() -> Iterator[int]:
    """A port that accepts connections and never answers: a resource that never arrives."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(16)
        yield server.getsockname()[1]


@pytest.fixture(scope="module")
def site(tmp_path_factory, silent_server: int) -> Path:
    root = tmp_path_factory.mktemp("hangs")
    head = '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>x</title>'
    pages = {
        "forever.html": head + "<script>for (;;) {}</script></head><body><main><p>x</p></main>",
        "after-load.html": head + "</head><body><main><p>x</p></main><script>addEventListener("
                                  "'load', () => setTimeout(() => { for (;;) {} }, 0));</script>",
        "never-loads.html": head + "</head><body><main><p>x</p><img alt='' src='http://127.0.0.1:"
                                   f"{silent_server}/never.png'></main>",
    }
    for name, html in pages.items():
        (root / name).write_text(html + "</body></html>", encoding="utf-8")
    for name in (*GOOD, "pixel.svg"):
        (root / name).write_bytes((FIXTURES / name).read_bytes())
    return root


def _findings(run: CheckRun, paths: tuple[str, ...]) -> list[dict]:
    return [page_dict(r) for r in run.results if r.path in paths]


def _start_seconds() -> float:
    """How long a browser takes to start here and now (the restart part of the bound)."""
    started = time.monotonic()
    with BrowserSession():
        pass
    return time.monotonic() - started


def test_each_hang_is_an_error_within_the_deadline_and_nothing_else_changes(site: Path) -> None:
    good = tuple(CheckTarget(p, "en", "ltr") for p in GOOD)
    started = time.monotonic()
    clean = check_site(site, good, OPTIONS)
    clean_seconds = time.monotonic() - started
    restart = _start_seconds()
    hanging = ("forever.html", "after-load.html", "never-loads.html")
    # Hangs first and between the good pages: each later page must not notice.
    targets = (CheckTarget(hanging[0], "en", "ltr"), good[0], CheckTarget(hanging[1], "en", "ltr"),
               good[1], CheckTarget(hanging[2], "en", "ltr"), good[2])
    started = time.monotonic()
    run = check_site(site, targets, OPTIONS)
    seconds = time.monotonic() - started
    for path in hanging:
        results = [r for r in run.results if r.path == path]
        assert len(results) == len(CELLS)
        for result in results:
            assert result.error is not None and result.error.startswith(
                f"not checked: the page did not finish within {DEADLINE:g} s"), result.error
            assert result.blocking_count == 1 and result.violations == ()
    assert run.error_count == 3 * len(CELLS) and not run.passed
    assert _findings(run, GOOD) == _findings(clean, GOOD)
    # Without a deadline of our own these pages never end. Each costs the deadline
    # and a restart; the margin absorbs a loaded machine.
    assert seconds - clean_seconds < 3 * (DEADLINE + 3 * restart) + 30, (seconds, clean_seconds, restart)


def test_hangs_are_never_cached(site: Path, tmp_path: Path) -> None:
    cache = tmp_path / "a11y.sqlite"
    targets = (CheckTarget("after-load.html", "en", "ltr"), CheckTarget("clean.html", "en", "ltr"))
    options = CheckOptions(cells=CELLS[:1], deadline=DEADLINE, screenshots=0)
    first = check_site(site, targets, options, cache_path=cache)
    second = check_site(site, targets, options, cache_path=cache)
    assert second.cache_hits == 1  # clean.html only
    assert [r.error is not None for r in second.results] == [True, False]
    assert page_dict(first.results[1]) == page_dict(second.results[1])


def test_unreachable_urls_and_error_statuses_are_errors_not_findings(site: Path) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    with serve_directory(site) as base:
        targets = (CheckTarget(f"http://127.0.0.1:{closed}/index.html", url=f"http://127.0.0.1:{closed}/index.html"),
                   CheckTarget(base + "missing.html", url=base + "missing.html"),
                   CheckTarget(base + "clean.html", url=base + "clean.html"))
        run = check_site(None, targets, CheckOptions(cells=CELLS[:1], deadline=DEADLINE))
    refused, missing, clean = run.results
    assert refused.error == f"cannot load http://127.0.0.1:{closed}/index.html: ERR_CONNECTION_REFUSED"
    assert missing.error == f"cannot load {base}missing.html: HTTP status 404"
    assert (refused.violations, missing.violations) == ((), ())  # nothing from an error page
    assert clean.error is None and run.error_count == 2 and not run.passed


def test_a_browser_that_cannot_restart_gives_errors_and_never_raises(tmp_path: Path) -> None:
    script = load_axe_script()
    session = BrowserSession(deadline=DEADLINE, on_start=lambda d: preload_axe(d, script))
    session.start()
    try:
        session._chromium = Path("/nonexistent/chromium")  # every restart will fail
        session.kill()  # the browser dies under the check
        with serve_directory(FIXTURES) as base:
            results = check_page(session, FIXTURES, base, CheckTarget("clean.html", "en", "ltr"),
                                 CELLS, script, OPTIONS)
    finally:
        session.close()
    assert [r.cell for r in results] == list(CELLS)
    for result in results:
        assert result.error is not None and result.error.startswith("browser failed twice: ")
        assert "Chromium not found at /nonexistent/chromium" in result.error
