"""Check a built site: every page × render cell through axe-core and our probes."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from selenium.common.exceptions import WebDriverException
from selenium.webdriver.remote.webdriver import WebDriver
from urllib3.exceptions import HTTPError

from builder.a11y.axe import AxeError, AxeScript, run_axe
from builder.a11y.browser import BrowserSession, apply_cell, first_line
from builder.a11y.locale import locale_probes
from builder.a11y.model import (
    CheckOptions,
    CheckRun,
    CheckTarget,
    Finding,
    PageResult,
    RenderCell,
)
from builder.a11y.probes import probe_ids, run_probes
from builder.a11y.screenshots import attach_screenshots

RTL_LANGUAGES = frozenset({"ar", "arc", "ckb", "dv", "fa", "he", "ks", "ku", "ps", "sd", "ug", "ur", "yi"})
_HTML_LANG_RE = re.compile(r"<html\b[^>]*?\blang\s*=\s*[\"']?([^\"'\s>]*)", re.IGNORECASE)


def check_site(root: Path | None, targets: Sequence[CheckTarget],
               options: CheckOptions = CheckOptions(), **run: Any) -> CheckRun:
    """Serve `root`, then check each target in each cell of `options.cells`.

    Cells are switched with CDP emulation instead of new browsers, which
    keeps runs fast and deterministic. Keyword arguments are RunConfig
    fields (jobs, webdriver_urls, cache_path, progress); the default is one
    local browser and no cache. Raises CheckUnavailable only when nothing
    can be checked.
    """
    from builder.a11y.runner import RunConfig, run_checks

    return run_checks(root, tuple(targets), options, RunConfig(**run))


def check_page(session: BrowserSession, root: Path | None, base_url: str, target: CheckTarget,
               cell: RenderCell, script: AxeScript, options: CheckOptions) -> PageResult:
    """One page in one cell; a browser failure restarts Chromium and retries once."""
    url = target.url or base_url + quote(target.path)
    if target.url is None and (root is None or not (root / target.path).is_file()):
        return _failed(url, target, cell, f"file not found: {target.path}")
    error = ""
    for _ in range(2):
        try:
            return _check_page(session.driver, url, target, cell, script, options)
        except AxeError as err:
            # axe failing on a page is deterministic; a retry would fail the same way.
            return _failed(url, target, cell, str(err))
        except (WebDriverException, HTTPError, OSError) as err:
            # HTTPError/OSError: chromedriver itself died and the socket is gone.
            error = f"{type(err).__name__}: {first_line(err)}"
            # A crashed or wedged tab poisons every later page, so always start
            # fresh, even after the final attempt.
            session.restart()
    return _failed(url, target, cell, f"browser failed twice: {error}")


def _check_page(driver: WebDriver, url: str, target: CheckTarget, cell: RenderCell,
                script: AxeScript, options: CheckOptions) -> PageResult:
    apply_cell(driver, cell)
    driver.get(url)
    outcome = run_axe(driver, script, options.tags, options.blocking_tags)
    violations, advisory = list(outcome.violations), list(outcome.best_practice)
    ran = {f.rule_id for f in (*violations, *advisory, *outcome.incomplete)} | set(outcome.passes)
    if options.probes:
        probes = probe_ids(target, cell)
        ran |= probes
        found = run_probes(driver, target, cell, options.max_focus_stops)
        if target.page is not None:
            found += locale_probes(driver, target.path, target.page)
        for finding in found:
            blocking = set(finding.tags).intersection(options.blocking_tags)
            (violations if blocking else advisory).append(finding)
    if options.screenshots:
        violations = attach_screenshots(driver, violations, options.screenshots)
    return PageResult(
        url=url, path=target.path, locale=target.locale, cell=cell,
        violations=_sorted(violations), best_practice=_sorted(advisory),
        incomplete=_sorted(outcome.incomplete), key=target.page.key if target.page else None,
        rules_run=tuple(sorted(ran)), axe_raw=outcome.raw,
    )


def _sorted(findings: Sequence[Finding]) -> tuple[Finding, ...]:
    # axe orders rules by internal registration; sorting makes diffs of
    # results.json between runs meaningful.
    return tuple(sorted(findings, key=lambda f: (f.rule_id, f.source)))


def _failed(url: str, target: CheckTarget, cell: RenderCell, error: str) -> PageResult:
    return PageResult(url=url, path=target.path, locale=target.locale, cell=cell, error=error,
                      key=target.page.key if target.page else None)


def direction_for(locale: str | None) -> str | None:
    if not locale:
        return None
    language = locale.replace("_", "-").split("-")[0].lower()
    return "rtl" if language in RTL_LANGUAGES else "ltr"


def check_paths(root: Path, locales: Collection[str] = ()) -> tuple[CheckTarget, ...]:
    """Every *.html under `root` as a target, sorted by path.

    The expected locale comes from the first path segment when it is one of
    `locales` (so a wrong <html lang> is caught), otherwise from the page's
    own <html lang>; a page with neither gets None and axe's html-has-lang
    rule speaks for it.
    """
    root = Path(root)
    targets = []
    for page in sorted(root.rglob("*.html")):
        rel = page.relative_to(root).as_posix()
        first = rel.split("/", 1)[0]
        locale = first if first in locales else _declared_lang(page)
        targets.append(CheckTarget(path=rel, locale=locale, direction=direction_for(locale)))
    return tuple(targets)


def _declared_lang(page: Path) -> str | None:
    with page.open(encoding="utf-8", errors="replace") as handle:
        head = handle.read(8192)
    match = _HTML_LANG_RE.search(head)
    return match.group(1) if match and match.group(1) else None
