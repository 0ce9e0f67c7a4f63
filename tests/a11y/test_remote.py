"""--webdriver-url: check through a chromedriver server started on loopback by the test."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from builder.a11y import (
    CheckOptions,
    CheckTarget,
    CheckUnavailable,
    RenderCell,
    check_site,
)
from builder.a11y.browser import CHROMEDRIVER_PATH

FIXTURES = Path(__file__).parents[1] / "a11y_fixtures"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    port = _free_port()
    server = subprocess.Popen([str(CHROMEDRIVER_PATH), f"--port={port}", "--allowed-ips=127.0.0.1"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(url + "/status", timeout=1):
                    break
            except OSError:
                time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_pages_are_checked_through_a_remote_endpoint(endpoint: str) -> None:
    targets = [CheckTarget("image-alt.html", "en", "ltr"), CheckTarget("iframe.html", "en", "ltr"),
               CheckTarget("clean.html", "en", "ltr")]
    options = CheckOptions(cells=(RenderCell("light", 1280), RenderCell("dark", 320)))
    run = check_site(FIXTURES, targets, options, jobs=1, webdriver_urls=(endpoint,))
    found = {(r.path, r.cell.label): {f.rule_id for f in r.violations} for r in run.results}
    assert all(r.error is None for r in run.results)
    assert found[("image-alt.html", "light-1280")] == {"image-alt"}
    # The axe preload reached the iframe over the remote connection's CDP endpoint.
    assert found[("iframe.html", "dark-320")] == {"image-alt"}
    assert found[("clean.html", "light-1280")] == set()
    assert run.chromium_version and run.chromium_version.split(".")[0].isdigit()


def test_unreachable_endpoint_says_what_to_do() -> None:
    with pytest.raises(CheckUnavailable, match="check that the WebDriver endpoint is running"):
        check_site(FIXTURES, [CheckTarget("clean.html")], CheckOptions(),
                   webdriver_urls=(f"http://127.0.0.1:{_free_port()}",))
