"""Headless Chromium under Selenium, pinned to the Debian binaries.

Both executables are passed explicitly: with a Service path Selenium skips
Selenium Manager entirely, so a check never downloads a browser or driver
behind the user's back (and works offline).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
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
DEFAULT_DEADLINE = 60.0  # seconds per page × render cell
HTTP_GRACE = 10.0  # our read timeout and Chromium's own, past the deadline
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
    """One Chromium process, restartable after a crash or a hang.

    `on_start` runs after every (re)start, so per-session setup such as the
    axe preload survives a restart without the caller tracking it. `deadline`
    bounds every WebDriver command from our side too (the HTTP read timeout),
    so a remote browser that stops answering cannot hold a worker forever.
    """

    def __init__(
        self,
        *,
        chromium: Path = CHROMIUM_PATH,
        chromedriver: Path = CHROMEDRIVER_PATH,
        deadline: float = DEFAULT_DEADLINE,
        on_start: StartHook | None = None,
        remote_url: str | None = None,
    ) -> None:
        self._remote_url = remote_url
        self._chromium = Path(chromium)
        self._chromedriver = Path(chromedriver)
        self.deadline = deadline
        self._on_start = on_start
        self._driver: WebDriver | None = None
        self._profile: Path | None = None
        self._group: int | None = None  # process group of our chromedriver and its Chromium
        self._killed = False
        self.restarts = 0

    @property
    def driver(self) -> WebDriver:
        if self._driver is None:
            self.start()
        assert self._driver is not None
        return self._driver

    @property
    def started(self) -> bool:
        return self._driver is not None

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
        """Start the browser; CheckUnavailable (with the cause) if it cannot be used."""
        driver = _remote_driver(self._remote_url) if self._remote_url else self._start_local()
        self._driver = driver
        try:
            # Chromium's own timeouts fire after ours: the watchdog owns the deadline.
            driver.command_executor.client_config.timeout = self.deadline + HTTP_GRACE
            driver.set_page_load_timeout(self.deadline + HTTP_GRACE)
            driver.set_script_timeout(self.deadline + HTTP_GRACE)
            # The page behaves as focused whatever the desktop does: :focus and
            # :focus-visible match as they would for a reader at the keyboard.
            driver.execute_cdp_cmd("Emulation.setFocusEmulationEnabled", {"enabled": True})
            if self._on_start is not None:
                self._on_start(driver)
        except (WebDriverException, HTTPError, OSError) as err:
            self.close()
            raise CheckUnavailable(f"Chromium started but did not answer ({first_line(err)}) — "
                                   "try again with fewer --jobs") from err

    def _start_local(self) -> WebDriver:
        _check_executables(self._chromium, self._chromedriver)
        self._profile = Path(tempfile.mkdtemp(prefix="infopages-chromium-"))
        # A session of its own: the watchdog can stop chromedriver and every
        # Chromium process it started with one signal, and nothing else.
        service = Service(executable_path=str(self._chromedriver), log_output=subprocess.DEVNULL,
                          popen_kw={"start_new_session": True})
        try:
            driver = webdriver.Chrome(service=service, options=_options(self._chromium, self._profile))
        except (WebDriverException, HTTPError, OSError) as err:
            self._group = _group_of(service)
            self.kill()
            self._remove_profile()
            raise CheckUnavailable(
                f"Chromium did not start ({first_line(err)}) — make sure chromium and chromium-driver "
                f"are the same version: apt-get install --only-upgrade chromium chromium-driver"
            ) from err
        self._group = _group_of(service)
        return driver

    def kill(self) -> None:
        """Stop a local browser at once, whatever it is doing (safe from any thread).

        A remote endpoint cannot be signalled: its pending command ends at the
        HTTP read timeout instead, and the session is replaced.
        """
        group, self._group = self._group, None
        if group is not None:
            self._killed = True
            try:
                os.killpg(group, signal.SIGKILL)
            except OSError:
                pass  # already gone

    def close(self) -> None:
        driver, self._driver = self._driver, None
        if driver is not None and self._killed:
            _reap(driver)  # nobody left to answer quit(): do not knock on a closed door
        elif driver is not None:
            try:
                driver.quit()
            except Exception:  # noqa: BLE001 - a crashed browser may not quit cleanly
                pass
        self.kill()  # whatever quit() left behind
        self._killed = False
        self._remove_profile()

    def restart(self, attempts: int = 3) -> str | None:
        """A fresh browser; never raises. None on success, else why it failed.

        Under load Chromium can be slow to start; each failed attempt is
        cleaned up before the next one.
        """
        self.restarts += 1
        self.close()
        error = ""
        for _ in range(attempts):
            try:
                self.start()
                return None
            except CheckUnavailable as err:
                error = str(err)
            except Exception as err:  # noqa: BLE001 - a restart must never end the run
                error = f"{type(err).__name__}: {first_line(err)}"
                self.close()
        return error or "the browser could not be restarted"

    def watch(self, seconds: float | None = None) -> Watch:
        """A deadline for one unit of work: when it passes, the browser is killed."""
        return Watch(self, self.deadline if seconds is None else seconds)

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


class Watch:
    """Kills the session's browser if the `with` block outlives its deadline.

    ChromeDriver's own page-load and script timeouts do not fire while a
    page's main thread is busy (a script looping forever), so the deadline is
    enforced from outside: the blocked WebDriver call then fails at once, and
    `fired` tells the caller it was a hang, not a crash.
    """

    def __init__(self, session: BrowserSession, seconds: float) -> None:
        self.session = session
        self.seconds = seconds
        self.fired = False
        self._lock = threading.Lock()
        self._active = False
        self._timer: threading.Timer | None = None

    def _fire(self) -> None:
        with self._lock:
            if not self._active:
                return
            self.fired = True
            self.session.kill()

    def __enter__(self) -> Watch:
        self._active = True
        self._timer = threading.Timer(self.seconds, self._fire)
        self._timer.daemon = True
        self._timer.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        with self._lock:
            self._active = False
        if self._timer is not None:
            self._timer.cancel()


def _reap(driver: WebDriver) -> None:
    process = getattr(getattr(driver, "service", None), "process", None)
    if process is not None:
        try:
            process.wait(timeout=5)
        except Exception:  # noqa: BLE001 - SIGKILL was sent; a zombie at worst
            pass


def _group_of(service: Service) -> int | None:
    process = getattr(service, "process", None)
    if process is None or process.poll() is not None:
        return None
    try:
        return os.getpgid(process.pid)
    except OSError:
        return None


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


def emulate(driver: WebDriver, cell: RenderCell) -> None:
    """apply_cell, sending only what differs from the cell this browser is in now.

    Emulation persists across navigations; the browser's current cell is kept
    on its driver object, so a restarted browser starts from nothing.
    """
    current = getattr(driver, "_infopages_cell", None)
    if current is None:
        apply_cell(driver, cell)
    else:
        if current.scheme != cell.scheme:
            _media(driver, cell)
        if (current.width, current.height) != (cell.width, cell.height):
            _metrics(driver, cell)
    driver._infopages_cell = cell  # type: ignore[attr-defined]


def apply_cell(driver: WebDriver, cell: RenderCell) -> None:
    """Switch colour scheme and viewport in place; both persist across navigations.

    `mobile` stays False even for narrow cells: mobile emulation lets the
    layout viewport grow to fit overflowing content (a 600 px box makes
    innerWidth 608) and lays out pages without a viewport meta at 980 px,
    which would hide exactly the reflow failures WCAG 1.4.10 is about. A
    320 px desktop viewport is what the criterion describes (1280 px at 400 %).
    """
    _media(driver, cell)
    _metrics(driver, cell)
    driver._infopages_cell = cell  # type: ignore[attr-defined]


def _media(driver: WebDriver, cell: RenderCell) -> None:
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {
        "media": "screen",
        "features": [{"name": "prefers-color-scheme", "value": cell.scheme}],
    })


def _metrics(driver: WebDriver, cell: RenderCell) -> None:
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": cell.width,
        "height": cell.height,
        "deviceScaleFactor": 1,
        "mobile": False,
    })
