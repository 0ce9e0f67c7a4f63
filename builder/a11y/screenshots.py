"""Cropped screenshots of offending elements, for the HTML report.

A picture of the element answers "which one?" faster than a selector; the
count is capped because each shot costs a round trip and report weight.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from builder.a11y.model import Finding

# Not visible (head, title) or the whole page (html, body, main): a crop of
# these shows nothing specific.
_SKIP = frozenset({"html", "head", "title", "body", "main"})
MAX_AREA = 1280 * 1600  # bigger crops are pages, not elements


def attach_screenshots(driver: WebDriver, findings: Sequence[Finding], per_rule: int) -> list[Finding]:
    """Each finding with screenshots on its first `per_rule` nodes that can be shot."""
    out = []
    for finding in findings:
        nodes, taken = [], 0
        for node in finding.nodes:
            shot = _shoot(driver, node.target) if taken < per_rule else ""
            taken += bool(shot)
            nodes.append(replace(node, screenshot=shot) if shot else node)
        out.append(replace(finding, nodes=tuple(nodes)))
    return out


def _shoot(driver: WebDriver, target: tuple[str, ...]) -> str:
    """PNG data: URI of the element, or "" when it cannot be shot.

    Only top-frame elements and elements one iframe down are reached; a
    shadow-DOM target (" >> ") has no plain CSS selector.
    """
    if not target or len(target) > 2 or any(">>" in part for part in target) or target[-1] in _SKIP:
        return ""
    try:
        if len(target) == 2:
            driver.switch_to.frame(driver.find_element(By.CSS_SELECTOR, target[0]))
        element = driver.find_element(By.CSS_SELECTOR, target[-1])
        size = element.size
        if not size["width"] or not size["height"] or size["width"] * size["height"] > MAX_AREA:
            return ""
        return "data:image/png;base64," + element.screenshot_as_base64
    except WebDriverException:
        return ""  # detached, hidden or zero-size: the report shows the snippet instead
    finally:
        if len(target) == 2:
            try:
                driver.switch_to.default_content()
            except WebDriverException:
                pass
