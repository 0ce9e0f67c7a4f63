"""WCAG 2.2 AA checking of built sites in headless Chromium (axe-core + probes).

Import from here; submodules are implementation detail. Nothing in this
package prints: results come back as data and the CLI decides what to show.
"""

from builder.a11y.check import check_paths, check_site, direction_for
from builder.a11y.errors import CheckUnavailable
from builder.a11y.model import (
    AXE_TAGS,
    DEFAULT_MATRIX,
    WCAG_TAGS,
    CheckOptions,
    CheckRun,
    CheckTarget,
    Finding,
    NodeRef,
    PageInfo,
    PageResult,
    RenderCell,
)
from builder.a11y.server import serve_directory

__all__ = [
    "AXE_TAGS", "DEFAULT_MATRIX", "WCAG_TAGS", "CheckOptions", "CheckRun", "CheckTarget",
    "CheckUnavailable", "Finding", "NodeRef", "PageInfo", "PageResult", "RenderCell", "check_paths",
    "check_site", "direction_for", "serve_directory",
]
