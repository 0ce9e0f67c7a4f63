"""Headless Chromium under Selenium, pinned to the Debian binaries.

Both executables are passed explicitly: with a Service path Selenium skips
Selenium Manager entirely, so a check never downloads a browser or driver
behind the user's back (and works offline).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.chromium.remote_connection import ChromiumRemoteConnection
from selenium.webdriver.remote.webdriver import WebDriver
from urllib3.exceptions import HTTPError

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
_VERSION_RE = re.compile(r"\d+(?:\.\d+){2,3}")


def _check_executables(chromium: Path, chromedriver: Path) -> None:
    if not chromium.is_file():
        raise CheckUnavailable(f"Chromium not found at {chromium} — {INSTALL_HINT}")
    if not chromedriver.is_file():
        raise CheckUnavailable(f"ChromeDriver not found at {chromedriver} — {INSTALL_HINT}")


def _options(chromium: Path | None, profile: Path | None) -> webdriver.ChromeOptions:
    options = webdriver.ChromeOptions()
    if chromium is not None:
        options.binary_location = str(chromium)
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    if profile is not None:
        options.add_argument(f"--user-data-dir={profile}")
    return options


def _remote_driver(url: str) -> WebDriver:
    """A session on a remote WebDriver endpoint (chromedriver, Selenium Grid).

    The Chromium flavour of the remote connection registers the vendor CDP
    endpoint, so execute_cdp_cmd (render cells, axe preload) works remotely.
    The browser binary and profile are the endpoint's business.
    """
    connection = ChromiumRemoteConnection(remote_server_addr=url, vendor_prefix="goog",
                                          browser_name="chrome", ignore_proxy=True)
    try:
        return webdriver.Remote(command_executor=connection, options=_options(None, None))
    except (WebDriverException, HTTPError, OSError) as err:
        raise CheckUnavailable(
            f"Cannot start a browser at {url} ({first_line(err)}) — check that the WebDriver "
            "endpoint is running and reachable, or drop --webdriver-url"
        ) from err


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
        remote_url: str | None = None,
    ) -> None:
        self._remote_url = remote_url
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

    @property
    def endpoint(self) -> str:
        return self._remote_url or "local"

    def start(self) -> None:
        driver = _remote_driver(self._remote_url) if self._remote_url else self._start_local()
        driver.set_page_load_timeout(self._page_timeout)
        driver.set_script_timeout(self._script_timeout)
        self._driver = driver
        if self._on_start is not None:
            self._on_start(driver)

    def _start_local(self) -> WebDriver:
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
        return driver

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


def local_versions(chromium: Path = CHROMIUM_PATH,
                   chromedriver: Path = CHROMEDRIVER_PATH) -> tuple[str, str]:
    """(Chromium, ChromeDriver) versions without starting a browser.

    The results cache needs the browser version in its key before it knows
    whether any page must be checked; a fully cached run starts no browser.
    """
    _check_executables(chromium, chromedriver)
    found = []
    for exe in (chromium, chromedriver):
        try:
            out = subprocess.run([str(exe), "--version"], capture_output=True, text=True,
                                 timeout=30, check=False).stdout
        except (OSError, subprocess.SubprocessError):
            out = ""
        match = _VERSION_RE.search(out)
        found.append(match.group(0) if match else "")
    return found[0], found[1]


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
