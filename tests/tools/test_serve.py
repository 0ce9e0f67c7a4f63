"""`infopages serve`: a real server on a free loopback port, a real file edit, HTTP only."""

from __future__ import annotations

import json
import re
import time
import urllib.request
from pathlib import Path

import pytest

import builder.source.inputs
from builder.source.inputs import scan
from builder.tools.serve import ServeOptions, changed, signature, start
from builder.tools.serve_http import Generation, LiveState, inject, site_path


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read().decode("utf-8")


def until(predicate, seconds: float = 30.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if (value := predicate()):
            return value
        time.sleep(0.05)
    raise AssertionError("timed out")


@pytest.fixture
def server(mini: Path, tmp_path: Path):
    events = []
    running = start(ServeOptions(mini, tmp_path / "work", port=0), events.append)
    yield running, mini, events
    running.stop()


def test_change_detection(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "a.md").write_text("x")
    before = signature(scan(tmp_path))
    (tmp_path / "content" / "a.md").write_text("xy")
    (tmp_path / "content" / ".a.md.swp").write_text("editor noise")
    (tmp_path / "content" / "a.md~").write_text("editor backup")
    assert changed(before, signature(scan(tmp_path))) == ("content/a.md",)


def test_a_refused_input_is_a_change(tmp_path: Path) -> None:
    """A link out of the project is never read, but the build must run to say so."""
    (tmp_path / "content").mkdir()
    before = signature(scan(tmp_path))
    (tmp_path / "content" / "outside.md").symlink_to("/etc/hostname")
    after = signature(scan(tmp_path))
    assert "content/outside.md" not in after and changed(before, after)


def test_injection_only_in_responses_and_csp_allows_it() -> None:
    page = (b'<html><head><meta http-equiv="Content-Security-Policy" '
            b'content="default-src &#39;none&#39;"></head><body><main></main></body></html>')
    out = inject(page, Generation(7, None, ("content/x.md:3: error: bad",))).decode()
    assert 'src="/__infopages__/reload.js" data-generation="7"' in out
    assert "script-src &#39;self&#39;" in out and "connect-src &#39;self&#39;" in out
    assert 'role="alert"' in out and "content/x.md:3: error: bad" in out


def test_paths_never_leave_the_site(tmp_path: Path) -> None:
    generation = Generation(1, tmp_path)
    assert site_path(generation, "/../../etc/passwd") == "etc/passwd"
    assert site_path(generation, "/") == "index.html"


def test_wait_returns_when_generation_changes() -> None:
    state = LiveState()
    assert state.wait(0, 0.01).number == 0
    state.publish(Generation(1, None))
    assert state.wait(0, 5).number == 1


def test_edit_is_served_and_built_files_stay_clean(server) -> None:
    running, root, events = server
    page = get(running.url + "en/about.html")
    assert "/__infopages__/reload.js" in page
    built = running.state.current.site / "en" / "about.html"
    assert "__infopages__" not in built.read_text("utf-8")
    gen = re.search(r'data-generation="(\d+)"', page).group(1)
    source = root / "content" / "pages" / "about.md"
    source.write_text(source.read_text("utf-8") + "\nA freshly saved sentence.\n", "utf-8")
    answer = json.loads(get(f"{running.url}__infopages__/wait?gen={gen}&page=/en/about.html"))
    assert answer["reload"]
    until(lambda: "A freshly saved sentence." in get(running.url + "en/about.html"))


def test_the_build_is_given_the_watchers_scan(mini: Path, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """A save is scanned once, by the watcher; the build takes that scan instead of
    walking the project again. The build's own scan (`checked_scan` without a scan
    given) is counted: neither the first build nor the rebuild after a save makes one."""
    scans = []

    def counted(root: Path):
        scans.append(root)
        return scan(root)

    monkeypatch.setattr(builder.source.inputs, "scan", counted)
    running = start(ServeOptions(mini, tmp_path / "work", port=0), lambda event: None)
    try:
        source = mini / "content" / "pages" / "about.md"
        source.write_text(source.read_text("utf-8") + "\nSaved once, scanned once.\n", "utf-8")
        until(lambda: "Saved once, scanned once." in get(running.url + "en/about.html"))
        assert running.state.current.number == 2 and not running.state.current.errors
    finally:
        running.stop()
    assert scans == []


def test_build_error_keeps_last_good_site(server) -> None:
    running, root, events = server
    config = root / "content" / "site.yaml"
    config.write_text(config.read_text("utf-8") + "\nbogus_key: 1\n", "utf-8")
    until(lambda: running.state.current.errors)
    page = get(running.url + "en/about.html")
    assert 'role="alert"' in page and "content/site.yaml:" in page
    assert "content/site.yaml:" in get(running.url + "__infopages__/error")
    assert any(e.kind == "failed" for e in events)
