"""What axe does not check for readers: logical CSS for right-to-left, and WCAG
1.4.12 text spacing — with spacing overridden, no content is clipped or scrolls
sideways, in every locale, at 320 and 1280 px."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from builder.a11y.browser import BrowserSession, apply_cell
from builder.a11y.model import RenderCell
from builder.a11y.server import serve_directory

CSS = Path(__file__).resolve().parents[2] / "builder" / "theme" / "static" / "style.css"
PHYSICAL = re.compile(r"(?<![-\w])(margin|padding|border)-(left|right)\b|(?<![-\w])(left|right)\s*:"
                      r"|float\s*:\s*(left|right)|text-align\s*:\s*(left|right)")

# The WCAG 1.4.12 bookmarklet's values.
SPACING = """
const style = document.createElement('style');
style.textContent = `* { line-height: 1.5 !important; letter-spacing: 0.12em !important;
  word-spacing: 0.16em !important; } p { margin-bottom: 2em !important; }`;
document.head.appendChild(style);
"""
CLIPPED = """
const out = [];
const root = document.documentElement;
if (root.scrollWidth > root.clientWidth + 1) out.push('page scrolls sideways: ' + root.scrollWidth);
for (const el of document.querySelectorAll('body *')) {
  const cs = getComputedStyle(el);
  if (cs.clipPath.startsWith('inset(50%')) continue;          // visually hidden on purpose
  const hidden = ['hidden', 'clip'];
  if ((hidden.includes(cs.overflowY) && el.scrollHeight > el.clientHeight + 1) ||
      (hidden.includes(cs.overflowX) && el.scrollWidth > el.clientWidth + 1))
    out.push(el.tagName + '.' + el.className + ' clips its content');
}
return out;
"""
PAGES = ["{ll}/index.html", "{ll}/topics/crimes-against-children.html", "{ll}/news/index.html",
         "{ll}/news/2014-04-09-interpol-chief-tells-human-trafficking-conference-we-are.html"]


def test_stylesheet_uses_logical_properties_only():
    css = re.sub(r"/\*.*?\*/", "", CSS.read_text(), flags=re.S)
    assert PHYSICAL.findall(css) == []
    assert "-10000px" not in css and "clip-path: inset(50%)" in css


def test_stylesheet_respects_user_preferences():
    css = CSS.read_text()
    for query in ("prefers-color-scheme: dark", "prefers-reduced-motion: reduce", "@media print"):
        assert query in css
    assert ":focus-visible" in css


@pytest.fixture(scope="module")
def driver():
    with BrowserSession() as session:
        yield session.driver


@pytest.mark.parametrize("width", [320, 1280])
def test_text_spacing_overrides_clip_nothing(demo_site: Path, driver, width: int):
    apply_cell(driver, RenderCell("light", width))
    problems = []
    with serve_directory(demo_site) as base:
        for locale in ("en", "fr", "es", "ar"):
            for page in PAGES:
                driver.get(base + page.format(ll=locale))
                driver.execute_script(SPACING)
                problems += [f"{page.format(ll=locale)}: {p}" for p in driver.execute_script(CLIPPED)]
    assert problems == []
