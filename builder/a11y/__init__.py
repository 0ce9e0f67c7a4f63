"""WCAG 2.2 AA checking of built sites in headless Chromium (axe-core + probes).

Import from here; submodules are implementation detail. Nothing in this
package prints: results come back as data and the CLI decides what to show.
Names are loaded on first use, so a module that only needs the check history
(the status pages) does not start Selenium.
"""

from __future__ import annotations

import importlib
from typing import Any

_WHERE = {
    "check_paths": "check", "check_site": "check", "direction_for": "check",
    "CheckUnavailable": "errors", "serve_directory": "server",
    **{name: "model" for name in (
        "AXE_TAGS", "DEFAULT_MATRIX", "WCAG_TAGS", "CheckOptions", "CheckRun", "CheckTarget",
        "Finding", "NodeRef", "PageInfo", "PageResult", "RenderCell")},
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"builder.a11y.{_WHERE[name]}"), name)
