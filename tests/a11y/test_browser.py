"""Headless Chromium session: render cells via CDP, restart after a crash."""

from __future__ import annotations

import logging
import os
import re
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from builder.a11y import (
    DEFAULT_MATRIX,
    CheckOptions,
    CheckTarget,
    CheckUnavailable,
    RenderCell,
)
from builder.a11y.axe import load_axe_script, preload_axe
from builder.a11y.browser import BrowserSession, apply_cell
from builder.a11y.page import check_page
from builder.a11y.server import serve_directory

FIXTURES = Path(__file__).parents[1] / "a11y_fixtures"


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with serve_directory(FIXTURES) as url:
        yield url


@pytest.fixture(scope="module")
def session() -> Iterator[BrowserSession]:
    script = load_axe_script()
    with BrowserSession(on_start=lambda driver: preload_axe(driver, script)) as browser:
        yield browser


def test_versions(session: BrowserSession) -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+\.\d+", session.chromium_version)
    assert session.chromedriver_version.split(".")[0] == session.chromium_version.split(".")[0]


def test_cells_apply_without_restart(session: BrowserSession, base_url: str) -> None:
    driver = session.driver
    session_id = driver.session_id
    for cell in DEFAULT_MATRIX:
        apply_cell(driver, cell)
        driver.get(base_url + "clean.html")
        dark, width, ratio = driver.execute_script(
            "return [matchMedia('(prefers-color-scheme: dark)').matches, innerWidth, devicePixelRatio];")
        assert (dark, width, ratio) == (cell.scheme == "dark", cell.width, 1), cell
    assert driver.session_id == session_id


def test_narrow_cell_stays_narrow_when_content_overflows(session: BrowserSession, base_url: str) -> None:
    # Mobile emulation would widen the layout viewport to 608 px here.
    apply_cell(session.driver, RenderCell("light", 320))
    session.driver.get(base_url + "reflow.html")
    assert session.driver.execute_script("return innerWidth;") == 320


def test_axe_preloaded_in_every_frame(session: BrowserSession, base_url: str) -> None:
    driver = session.driver
    apply_cell(driver, RenderCell("light", 1280))
    driver.get(base_url + "iframe.html")
    in_frame = driver.execute_script(
        "return typeof document.querySelector('iframe').contentWindow.axe;")
    assert driver.execute_script("return typeof axe;") == "object"
    assert in_frame == "object"


def _chromium_pids(driver_pid: int) -> list[int]:
    """Direct children of our chromedriver: the Chromium browser process."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # process exited while we looked
        if int(fields[1]) == driver_pid:
            pids.append(int(stat.parent.name))
    return pids


def test_crashed_browser_is_restarted_and_page_retried(session: BrowserSession, base_url: str) -> None:
    script = load_axe_script()
    before = session.driver.session_id
    pids = _chromium_pids(session.driver.service.process.pid)
    assert pids
    for pid in pids:  # only the Chromium this test session started
        os.kill(pid, signal.SIGKILL)
    (result,) = check_page(session, FIXTURES, base_url, CheckTarget("image-alt.html", "en", "ltr"),
                           [RenderCell("light", 1280)], script, CheckOptions(probes=False))
    assert session.driver.session_id != before  # it really was restarted
    assert result.error is None
    assert [f.rule_id for f in result.violations] == ["image-alt"]


def test_selenium_manager_never_runs(caplog: pytest.LogCaptureFixture) -> None:
    # Selenium Manager would download a browser; an explicit driver path skips it.
    with caplog.at_level(logging.DEBUG, logger="selenium.webdriver.common.driver_finder"):
        with BrowserSession():
            pass
    assert "Skipping Selenium Manager" in caplog.text


def test_missing_chromium_is_unavailable_with_a_fix() -> None:
    with pytest.raises(CheckUnavailable) as caught:
        BrowserSession(chromium=Path("/nonexistent/chromium")).start()
    assert "apt-get install chromium chromium-driver" in str(caught.value)


def test_missing_chromedriver_is_unavailable_with_a_fix() -> None:
    with pytest.raises(CheckUnavailable, match="ChromeDriver not found"):
        BrowserSession(chromedriver=Path("/nonexistent/chromedriver")).start()
