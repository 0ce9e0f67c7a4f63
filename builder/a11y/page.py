"""One page in every render cell, from a single page load.

The page is loaded once; each cell is then reached by switching the
emulated colour scheme and viewport over CDP (what a reader's settings and
zoom do to a loaded page), and axe and the probes run again. The focus
probe presses keys and moves focus, so it runs for every cell after axe has
seen every cell untouched.

Each step (load + first cell, then each further cell) has the checker's own
deadline. A page that outlives it is stopped by killing its browser, and
that cell and the ones after it are errors; a browser that crashed is
restarted and the page tried once more. Nothing here raises for a page:
every outcome is a PageResult.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from selenium.common.exceptions import WebDriverException
from selenium.webdriver.remote.webdriver import WebDriver
from urllib3.exceptions import HTTPError

from builder.a11y.axe import AxeError, AxeScript, run_axe
from builder.a11y.browser import BrowserSession, emulate, first_line
from builder.a11y.errors import CheckUnavailable
from builder.a11y.focus import BATCH, focus_probe
from builder.a11y.locate import locate_findings
from builder.a11y.model import CheckOptions, CheckTarget, Finding, PageResult, RenderCell
from builder.a11y.probes import ProbeError, probe_ids, run_probes
from builder.a11y.screenshots import attach_screenshots

BROWSER_ERRORS = (WebDriverException, HTTPError, OSError, CheckUnavailable)

# What the browser actually loaded: Chromium shows its own error page for an
# unreachable server, and a 404 page is a page too — neither is the target.
_LOADED_JS = r"""
const nav = performance.getEntriesByType('navigation')[0];
return {url: location.href, status: nav && nav.responseStatus ? nav.responseStatus : 0,
        contentType: document.contentType};
"""


class PageError(Exception):
    """The target could not be loaded as a page (HTTP error, unreachable, error page)."""


@dataclass
class _Cell:
    """One render cell's findings so far while its page is checked; ends up as a PageResult."""

    cell: RenderCell
    violations: list[Finding] = field(default_factory=list)
    advisory: list[Finding] = field(default_factory=list)
    review: list[Finding] = field(default_factory=list)
    ran: set[str] = field(default_factory=set)
    raw: str = ""
    error: str | None = None
    left: int = 0  # steps not yet done


def check_page(session: BrowserSession, root: Path | None, base_url: str, target: CheckTarget,
               cells: Sequence[RenderCell], script: AxeScript, options: CheckOptions) -> list[PageResult]:
    """Results for `target` in each of `cells`, in that order; never raises for the page."""
    url = target.url or base_url + quote(target.path)
    if target.url is None and (root is None or not (root / target.path).is_file()):
        return [_failed(url, target, c, f"file not found: {target.path}") for c in cells]
    crash = ""
    for _ in range(2):
        done, crash = _attempt(session, url, target, cells, script, options)
        if done is not None:
            return [_result(url, target, state) for state in done]
    return [_failed(url, target, c, f"browser failed twice: {crash}") for c in cells]


def _attempt(session: BrowserSession, url: str, target: CheckTarget, cells: Sequence[RenderCell],
             script: AxeScript, options: CheckOptions) -> tuple[list[_Cell] | None, str]:
    """(every cell's state, "") or (None, why the browser crashed) to try again."""
    states = [_Cell(c) for c in cells]
    steps = _steps(url, target, states, script, options)
    for state in states:
        state.left = sum(1 for s, _ in steps if s is state)
    for state, step in steps:
        if state.error:
            continue
        watch = session.watch(options.deadline)
        try:
            driver = session.driver  # (re)started outside the deadline: start-up is not the page's
            with watch:
                step(driver)
        except (PageError, AxeError, ProbeError) as err:
            # The page's fault, and deterministic: retrying would fail the same way.
            for later in states if isinstance(err, PageError) else [state]:
                later.error = later.error or str(err)
        except BROWSER_ERRORS as err:
            if not watch.fired:
                restarted = session.restart()
                return None, restarted or f"{type(err).__name__}: {first_line(err)}"
            _hung(session, states, state, options.deadline)
            break
        if watch.fired:  # it finished as the deadline passed, and the browser is gone
            _hung(session, states, state, options.deadline)
            break
        state.left -= 1
    return states, ""


def _steps(url: str, target: CheckTarget, states: list[_Cell], script: AxeScript,
           options: CheckOptions) -> list[tuple[_Cell, Callable[[WebDriver], None]]]:
    """(cell, step) in the order they run; each step has its own deadline.

    One load: every cell's axe and probes on the untouched page, then the
    focus probe cell by cell, back from the last one (fewer emulation switches).
    Otherwise (the slow path) a fresh load per cell, as a first visit would be.
    """
    body = target.page.body if target.page else ()

    def static(state: _Cell, load: bool) -> Callable[[WebDriver], None]:
        return lambda d: _static(d, url, target, state, script, options, load)

    def focus(state: _Cell) -> Callable[[WebDriver], None]:
        return lambda d: _focus(d, state, options, body)

    if not options.one_load:
        return [(s, step) for s in states
                for step in ([static(s, True), focus(s)] if options.probes else [static(s, True)])]
    steps = [(s, static(s, i == 0)) for i, s in enumerate(states)]
    if options.probes:
        steps += [(s, focus(s)) for s in reversed(states)]
    return steps


def _hung(session: BrowserSession, states: list[_Cell], at: _Cell, deadline: float) -> None:
    """A step of `at` outlived the deadline: every cell not completely checked is an error."""
    problem = session.restart()
    message = (f"not checked: the page did not finish within {deadline:g} s in {at.cell.label} "
               "(its scripts kept the browser busy or it never finished loading); the browser "
               "was stopped" + (" and restarted" if problem is None else f" ({problem})"))
    for state in states:
        if state.left:
            state.error = state.error or message


def _static(driver: WebDriver, url: str, target: CheckTarget, state: _Cell, script: AxeScript,
            options: CheckOptions, first: bool) -> None:
    emulate(driver, state.cell)
    if first:
        _load(driver, url)
    else:
        driver.execute_script("window.scrollTo(0, 0);")  # as a fresh load would be
    outcome = run_axe(driver, script, options.tags, options.blocking_tags, fresh=first)
    state.violations += outcome.violations
    state.advisory += outcome.best_practice
    state.review += outcome.incomplete
    state.raw = outcome.raw
    state.ran |= {f.rule_id for f in (*outcome.violations, *outcome.best_practice,
                                      *outcome.incomplete)} | set(outcome.passes)
    if options.probes:
        state.ran |= probe_ids(target, state.cell)
        probes = run_probes(driver, target, state.cell)
        _sort_in(state, probes.failures, options)
        state.review += probes.review
    _finish(driver, state, options, target.page.body if target.page else ())


def _focus(driver: WebDriver, state: _Cell, options: CheckOptions,
           body: Sequence[tuple[str, int]]) -> None:
    emulate(driver, state.cell)
    found = focus_probe(driver, options.max_focus_stops, batch=BATCH if options.one_load else 1,
                        replay=options.one_load)
    if found is None:
        return
    (found,) = locate_findings(driver, [found], body)
    if not set(found.tags).intersection(options.blocking_tags):
        state.advisory.append(found)
        return
    if options.screenshots:
        (found,) = attach_screenshots(driver, [found], options.screenshots)
    state.violations.append(found)


def _sort_in(state: _Cell, findings: Sequence[Finding], options: CheckOptions) -> None:
    for finding in findings:
        blocking = set(finding.tags).intersection(options.blocking_tags)
        (state.violations if blocking else state.advisory).append(finding)


def _finish(driver: WebDriver, state: _Cell, options: CheckOptions,
            body: Sequence[tuple[str, int]]) -> None:
    """Where each element is (for its source), and screenshots of blocking ones."""
    everything = locate_findings(driver, [*state.violations, *state.advisory, *state.review], body)
    cut = (len(state.violations), len(state.violations) + len(state.advisory))
    state.violations, state.advisory, state.review = (
        everything[:cut[0]], everything[cut[0]:cut[1]], everything[cut[1]:])
    if options.screenshots:
        state.violations = attach_screenshots(driver, state.violations, options.screenshots)


def _load(driver: WebDriver, url: str) -> None:
    try:
        driver.get(url)
    except WebDriverException as err:
        if "net::ERR_" in (err.msg or ""):
            reason = (err.msg or "").split("net::", 1)[1].split()[0].rstrip(")")
            raise PageError(f"cannot load {url}: {reason}") from err
        raise
    loaded = driver.execute_script(_LOADED_JS)
    if str(loaded.get("url", "")).startswith("chrome-error:"):
        raise PageError(f"cannot load {url}: the browser showed its error page")
    status = int(loaded.get("status") or 0)
    if status >= 400:
        raise PageError(f"cannot load {url}: HTTP status {status}")


def _result(url: str, target: CheckTarget, state: _Cell) -> PageResult:
    if state.error:
        return _failed(url, target, state.cell, state.error)
    return PageResult(
        url=url, path=target.path, locale=target.locale, cell=state.cell,
        violations=_sorted(state.violations), best_practice=_sorted(state.advisory),
        incomplete=_sorted(state.review), key=target.page.key if target.page else None,
        rules_run=tuple(sorted(state.ran)), axe_raw=state.raw)


def _sorted(findings: Sequence[Finding]) -> tuple[Finding, ...]:
    # axe orders rules by internal registration; sorting makes diffs of
    # results.json between runs meaningful.
    return tuple(sorted(findings, key=lambda f: (f.rule_id, f.source)))


def _failed(url: str, target: CheckTarget, cell: RenderCell, error: str) -> PageResult:
    return PageResult(url=url, path=target.path, locale=target.locale, cell=cell, error=error,
                      key=target.page.key if target.page else None)

