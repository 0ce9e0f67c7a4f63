"""Headless Chromium under Selenium, pinned to the Debian binaries.

Both executables are passed explicitly: with a Service path Selenium skips
Selenium Manager entirely, so a check never downloads a browser or driver
behind the user's back (and works offline).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.chrome.webdriver import WebDriver

from builder.a11y.errors import CheckUnavailable
from builder.a11y.model import RenderCell

CHROMIUM_PATH = Path("/usr/bin/chromium")
CHROMEDRIVER_PATH = Path("/usr/bin/chromedriver")
INSTALL_HINT = "install Debian's chromium and chromium-driver: apt-get install chromium chromium-driver"

CHROMIUM_FLAGS: tuple[str, ...] = (
    "--headless=new",
    "--no-sandbox",  # containers and CI runners rarely allow user namespaces
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",  # /dev/shm is 64 MB in Docker; tabs crash there
    "--force-device-scale-factor=1",
)

StartHook = Callable[[WebDriver], None]


def _check_executables(chromium: Path, chromedriver: Path) -> None:
    if not chromium.is_file():
        raise CheckUnavailable(f"Chromium not found at {chromium} — {INSTALL_HINT}")
    if not chromedriver.is_file():
        raise CheckUnavailable(f"ChromeDriver not found at {chromedriver} — {INSTALL_HINT}")


def _options(chromium: Path, profile: Path) -> webdriver.ChromeOptions:
    options = webdriver.ChromeOptions()
    options.binary_location = str(chromium)
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    return options


def first_line(err: BaseException) -> str:
    """Selenium messages carry multi-line stack traces; one line is enough."""
    text = (getattr(err, "msg", None) or str(err) or type(err).__name__).strip()
    return text.splitlines()[0] if text else type(err).__name__


class BrowserSession:
    """One Chromium process, restartable after a crash.

    `on_start` runs after every (re)start, so per-session setup such as the
    axe preload survives a restart without the caller tracking it.
    """

    def __init__(
        self,
        *,
        chromium: Path = CHROMIUM_PATH,
        chromedriver: Path = CHROMEDRIVER_PATH,
        page_timeout: float = 30.0,
        script_timeout: float = 60.0,
        on_start: StartHook | None = None,
    ) -> None:
        self._chromium = Path(chromium)
        self._chromedriver = Path(chromedriver)
        self._page_timeout = page_timeout
        self._script_timeout = script_timeout
        self._on_start = on_start
        self._driver: WebDriver | None = None
        self._profile: Path | None = None

    @property
    def driver(self) -> WebDriver:
        if self._driver is None:
            self.start()
        assert self._driver is not None
        return self._driver

    @property
    def chromium_version(self) -> str:
        return str(self.driver.capabilities.get("browserVersion", ""))

    @property
    def chromedriver_version(self) -> str:
        chrome = self.driver.capabilities.get("chrome", {})
        return str(chrome.get("chromedriverVersion", "")).split(" ")[0]

    def start(self) -> None:
        _check_executables(self._chromium, self._chromedriver)
        self._profile = Path(tempfile.mkdtemp(prefix="infopages-chromium-"))
        service = Service(executable_path=str(self._chromedriver), log_output=subprocess.DEVNULL)
        try:
            driver = webdriver.Chrome(service=service, options=_options(self._chromium, self._profile))
        except WebDriverException as err:
            self._remove_profile()
            raise CheckUnavailable(
                f"Chromium did not start ({first_line(err)}) — make sure chromium and chromium-driver "
                f"are the same version: apt-get install --only-upgrade chromium chromium-driver"
            ) from err
        driver.set_page_load_timeout(self._page_timeout)
        driver.set_script_timeout(self._script_timeout)
        self._driver = driver
        if self._on_start is not None:
            self._on_start(driver)

    def close(self) -> None:
        driver, self._driver = self._driver, None
        if driver is not None:
            try:
                driver.quit()
            except Exception:  # noqa: BLE001 - a crashed browser may not quit cleanly
                pass
        self._remove_profile()

    def restart(self) -> None:
        self.close()
        self.start()

    def _remove_profile(self) -> None:
        profile, self._profile = self._profile, None
        if profile is not None:
            shutil.rmtree(profile, ignore_errors=True)

    def __enter__(self) -> BrowserSession:
        self.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


def apply_cell(driver: WebDriver, cell: RenderCell) -> None:
    """Switch colour scheme and viewport in place; both persist across navigations.

    `mobile` stays False even for narrow cells: mobile emulation lets the
    layout viewport grow to fit overflowing content (a 600 px box makes
    innerWidth 608) and lays out pages without a viewport meta at 980 px,
    which would hide exactly the reflow failures WCAG 1.4.10 is about. A
    320 px desktop viewport is what the criterion describes (1280 px at 400 %).
    """
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {
        "media": "screen",
        "features": [{"name": "prefers-color-scheme", "value": cell.scheme}],
    })
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": cell.width,
        "height": cell.height,
        "deviceScaleFactor": 1,
        "mobile": False,
    })
