"""Plain data produced by an accessibility check; no browser types leak out.

Everything here is a frozen dataclass so results can be shared between the
checker, the JSON/HTML reports and the CLI without anyone mutating them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

Scheme = Literal["light", "dark"]

# WCAG A/AA tag sets as axe-core names them; a finding carrying any of these
# blocks a release, anything else (best-practice) is only reported.
WCAG_TAGS: tuple[str, ...] = ("wcag2a", "wcag21a", "wcag2aa", "wcag21aa", "wcag22aa")
AXE_TAGS: tuple[str, ...] = WCAG_TAGS + ("best-practice",)

NARROW_WIDTH = 320  # WCAG 1.4.10: 320 CSS px is 1280 px at 400 % zoom


@dataclass(frozen=True)
class RenderCell:
    """One rendering condition: colour scheme × viewport width (CSS px)."""

    scheme: Scheme
    width: int

    @property
    def height(self) -> int:
        return 640 if self.width < 600 else 900

    @property
    def label(self) -> str:
        return f"{self.scheme}-{self.width}"


DEFAULT_MATRIX: tuple[RenderCell, ...] = (
    RenderCell("light", 1280),
    RenderCell("light", NARROW_WIDTH),
    RenderCell("dark", 1280),
    RenderCell("dark", NARROW_WIDTH),
)


@dataclass(frozen=True)
class ElementInfo:
    """What the browser saw of an element, enough to find where it was written.

    Read at check time (so it is cached with the result); turned into source
    locations at report time, when content, templates and catalogues are read.
    """

    tag: str
    attributes: tuple[tuple[str, str], ...] = ()  # id, class, role, aria-*, … (name, value)
    text: str = ""        # its text (or alt), whitespace-normalised, at most 200 characters
    block: int = -1       # index among the rendered body's blocks (div.prose), -1 outside
    block_tag: str = ""   # the tag of that block
    ancestors: tuple[str, ...] = ()  # "tag#id.class" of each ancestor, nearest first


@dataclass(frozen=True)
class SourceRef:
    """A place in the project a finding comes from."""

    path: str             # project-relative: content/…, templates/…, locales/…
    line: int
    kind: Literal["content", "template", "catalogue"]
    note: str = ""        # e.g. the anchor, the template element, the msgid


@dataclass(frozen=True)
class NodeRef:
    """One offending element.

    `target` has one selector per frame level (axe's convention), so an
    element inside an iframe reads ("iframe", "img").
    """

    target: tuple[str, ...]
    html: str
    failure_summary: str = ""
    # A cropped PNG of the element as a data: URI; only the first few nodes
    # of each rule get one (screenshots are the most expensive part of a report).
    screenshot: str = ""
    element: ElementInfo | None = None
    sources: tuple[SourceRef, ...] = ()  # filled in when reports are written

    @property
    def selector(self) -> str:
        return " >>> ".join(self.target)


@dataclass(frozen=True)
class Finding:
    """What one rule (axe's or a probe's) found on a page, with the elements it found it on."""

    rule_id: str
    impact: str | None
    tags: tuple[str, ...]
    help: str
    help_url: str
    description: str
    nodes: tuple[NodeRef, ...]
    source: Literal["axe", "probe"] = "axe"

    @property
    def wcag_tags(self) -> tuple[str, ...]:
        return tuple(t for t in self.tags if t.startswith("wcag"))


@dataclass(frozen=True)
class PageInfo:
    """What the builder's manifest says about one page, plus what the
    locale probes need from other pages (read from disk before the run, so
    a cached result is invalidated when any of it changes)."""

    key: str
    locale: str
    direction: str
    source_locale: str
    title_fallback: bool = False
    fallback_segments: tuple[str, ...] = ()
    alternates: tuple[tuple[str, str], ...] = ()  # (hreflang, site-relative path)
    # (alternate path, the hreflang links that page declares), for reciprocity.
    alternate_links: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()
    source_title: str | None = None  # <title> of the source-locale version
    # The rendered body's blocks as (tag, nesting depth), in document order: how
    # an element is matched to the Markdown block it came from (locate.py).
    body: tuple[tuple[str, int], ...] = ()

    @property
    def component(self) -> str:
        """Template/page kind: the key's folder ("news", "topics") or the key itself."""
        return self.key.split("/", 1)[0]


@dataclass(frozen=True)
class CheckTarget:
    """A page to check. `locale`/`direction` are what the page must declare
    on <html lang dir>; None skips that expectation. `url` is set for pages
    checked where they are served (a URL target) rather than from a folder."""

    path: str
    locale: str | None = None
    direction: str | None = None
    page: PageInfo | None = None
    url: str | None = None


@dataclass(frozen=True)
class CheckOptions:
    """How pages are checked; everything but the deadline is recorded and keys the cache."""

    cells: tuple[RenderCell, ...] = DEFAULT_MATRIX
    tags: tuple[str, ...] = AXE_TAGS
    blocking_tags: tuple[str, ...] = WCAG_TAGS
    probes: bool = True
    # Seconds a page may take in one render cell (the first cell includes the
    # load); past it the browser is stopped and the page × cell is an error.
    deadline: float = 60.0
    max_focus_stops: int = 60
    preload: bool = True  # axe in every frame; False = top frame only (benchmarks)
    screenshots: int = 3  # element screenshots per rule and page × cell; 0 = none
    # One load per page, cells switched by emulation, Tab presses batched and the
    # traversal replayed where the Tab order cannot differ. False is the slow
    # path it must equal: a fresh load and one Tab per round trip in every cell.
    one_load: bool = True

    def as_dict(self) -> dict[str, object]:
        # The deadline is left out: it changes whether a page is checked, never
        # what a completed check finds (and errors are never cached).
        return {
            "preload": self.preload,
            "screenshots": self.screenshots,
            "cells": [{"scheme": c.scheme, "width": c.width, "height": c.height}
                      for c in self.cells],
            "tags": list(self.tags),
            "blocking_tags": list(self.blocking_tags),
            "probes": self.probes,
            "max_focus_stops": self.max_focus_stops,
            "one_load": self.one_load,
        }


@dataclass(frozen=True)
class PageResult:
    """What checking one page in one render cell found, or why it could not be checked."""

    url: str
    path: str
    locale: str | None
    cell: RenderCell
    violations: tuple[Finding, ...] = ()
    best_practice: tuple[Finding, ...] = ()
    incomplete: tuple[Finding, ...] = ()
    error: str | None = None
    key: str | None = None  # manifest key, when the builder knows the page
    rules_run: tuple[str, ...] = ()  # every rule that ran (JUnit passes)
    axe_raw: str = ""  # axe's untrimmed violations and incomplete results, as JSON text

    @property
    def component(self) -> str:
        if self.key:
            return self.key.split("/", 1)[0]
        return "page"

    @property
    def blocking_count(self) -> int:
        # A page we could not check is as bad as a page that fails.
        return len(self.violations) + (1 if self.error else 0)


@dataclass(frozen=True)
class CheckRun:
    """A whole check: every page × cell result, and the tools and options that produced them."""

    results: tuple[PageResult, ...]
    axe_version: str
    axe_sha256: str
    chromium_version: str
    options: Mapping[str, object] = field(default_factory=dict)
    chromedriver_version: str = ""
    cache_hits: int = 0  # page × cell results reused from the cache (not in reports)

    @property
    def blocking_count(self) -> int:
        return sum(r.blocking_count for r in self.results)

    @property
    def error_count(self) -> int:
        return sum(1 for r in self.results if r.error)

    @property
    def best_practice_count(self) -> int:
        return sum(len(r.best_practice) for r in self.results)

    @property
    def incomplete_count(self) -> int:
        return sum(len(r.incomplete) for r in self.results)

    @property
    def passed(self) -> bool:
        return self.blocking_count == 0

    @property
    def pages(self) -> tuple[str, ...]:
        return tuple(sorted({r.path for r in self.results}))
