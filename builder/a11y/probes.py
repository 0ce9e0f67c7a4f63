"""Checks axe-core does not make, run as one script per page × cell.

Language and direction, reflow at 320 px, text spacing and zoom, the
"needs review" barriers, and (for pages in the builder's manifest) the
locale probes all read the page in a single round trip; the focus probe,
which presses keys, runs on its own (focus.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from selenium.webdriver.remote.webdriver import WebDriver

from builder.a11y import locale, review
from builder.a11y.focus import FOCUS_RULE
from builder.a11y.language import DIR_RULE, LANG_JS, LANG_RULE, SCRIPTS, language_findings
from builder.a11y.model import NARROW_WIDTH, CheckTarget, Finding, RenderCell
from builder.a11y.probe_js import HELPERS_JS
from builder.a11y.reflow import MAX_NODES, REFLOW_JS, REFLOW_RULE, REGION_RULE, reflow_findings
from builder.a11y.spacing import SPACING_JS, SPACING_RULE, VIEWPORT_RULE, spacing_findings

LOCALE_RULES = frozenset({locale.FALLBACK_RULE, locale.SWITCHER_RULE, locale.HREFLANG_RULE,
                          locale.RECIPROCAL_RULE, locale.TITLE_RULE})
PAGE_RULES = frozenset({LANG_RULE, DIR_RULE, SPACING_RULE, VIEWPORT_RULE, *review.RULES})


class ProbeError(Exception):
    """A probe's script failed on the page (the page × cell was not fully checked)."""


@dataclass(frozen=True)
class ProbeOutcome:
    """What the probes (all but focus) found on a page × cell: failures and items to review."""

    failures: tuple[Finding, ...]
    review: tuple[Finding, ...]


def _script(narrow: bool, manifest: bool) -> str:
    parts = [("lang", LANG_JS), ("spacing", SPACING_JS), ("review", review.REVIEW_JS)]
    if narrow:
        parts.append(("reflow", REFLOW_JS))
    if manifest:
        parts.append(("locale", locale.COLLECT_JS))
    calls = "\n".join(
        f"try {{ out[{name!r}] = (() => {{\n{body}\n}})(); }} "
        f"catch (e) {{ out[{name!r}] = {{error: String((e && e.message) || e)}}; }}"
        for name, body in parts)
    return f"const args = arguments[0];\n{HELPERS_JS}\nconst out = {{}};\n{calls}\nreturn out;"


# Four variants, built once: (narrow cell, page in the manifest).
_SCRIPTS = {(n, m): _script(n, m) for n in (False, True) for m in (False, True)}


def probe_ids(target: CheckTarget, cell: RenderCell) -> set[str]:
    """Probe rules that run for this target and cell (JUnit lists their passes)."""
    ids = {FOCUS_RULE, *PAGE_RULES}
    if cell.width <= NARROW_WIDTH:
        ids |= {REFLOW_RULE, REGION_RULE}
    if target.page is not None:
        ids |= LOCALE_RULES
    return ids


def run_probes(driver: WebDriver, target: CheckTarget, cell: RenderCell) -> ProbeOutcome:
    """Every probe but focus, on the page as it is now; ProbeError if one could not run."""
    narrow = cell.width <= NARROW_WIDTH
    args = {"scripts": list(SCRIPTS), "max": MAX_NODES,
            "source": target.page.source_locale if target.page else ""}
    found: Mapping[str, Any] = driver.execute_script(_SCRIPTS[(narrow, target.page is not None)], args)
    errors = [f"{name}: {data['error']}" for name, data in found.items()
              if isinstance(data, Mapping) and "error" in data]
    if errors:
        raise ProbeError("probe failed on the page (" + "; ".join(errors) + ")")
    failures = [*language_findings(found["lang"], target), *spacing_findings(found["spacing"])]
    review_items = review.review_findings(found["review"])
    if narrow:
        page_scroll, regions = reflow_findings(found["reflow"])
        failures += page_scroll
        review_items += regions
    if target.page is not None:
        failures += locale.locale_findings(found["locale"], target.path, target.page)
    return ProbeOutcome(tuple(failures), tuple(review_items))
