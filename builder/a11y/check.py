"""Check a built site: every page × render cell through axe-core and our probes."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any

from builder.a11y.language import direction_of
from builder.a11y.model import CheckOptions, CheckRun, CheckTarget
from builder.a11y.runner import RunConfig, run_checks

_HTML_LANG_RE = re.compile(r"<html\b[^>]*?\blang\s*=\s*[\"']?([^\"'\s>]*)", re.IGNORECASE)


def check_site(root: Path | None, targets: Sequence[CheckTarget],
               options: CheckOptions = CheckOptions(), **run: Any) -> CheckRun:
    """Serve `root`, then check each target in each cell of `options.cells`.

    Each page is loaded once and its cells are reached with CDP emulation.
    Keyword arguments are RunConfig fields (jobs, webdriver_urls, cache_path,
    progress); the default is one local browser and no cache. Raises
    CheckUnavailable only when nothing can be checked (no browser at all).
    """
    return run_checks(root, tuple(targets), options, RunConfig(**run))


def direction_for(locale: str | None) -> str | None:
    """The direction a page in `locale` must render in; None if the tag is not a language."""
    return direction_of(locale) if locale else None


def check_paths(root: Path, locales: Collection[str] = ()) -> tuple[CheckTarget, ...]:
    """Every *.html under `root` as a target, sorted by path.

    The expected locale comes from the first path segment when it is one of
    `locales` (so a wrong <html lang> is caught), otherwise from the page's
    own <html lang>; a page with neither gets None and axe's html-has-lang
    rule speaks for it.
    """
    root = Path(root)
    targets = []
    for page in sorted(root.rglob("*.html"), key=lambda p: p.relative_to(root).as_posix()):
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
