"""Branding in site.yaml: WCAG contrast of accent colours against the theme's own colours
(which must be style.css's), the brand stylesheet, logo, favicon and footer links."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from builder.cli.app import main
from builder.source.branding import THEME, USES, accent_problem, contrast
from tests.conftest import SITES, THEME as THEME_DIR


def test_contrast_is_wcag_2():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast("#fff", "#ffffff") == pytest.approx(1.0)
    assert contrast("#0b3a6e", "#ffffff") == contrast("#ffffff", "#0b3a6e")


def test_the_colours_checked_are_the_theme_stylesheet_s():
    """THEME names the colours an accent meets: they must be what style.css says, in
    each scheme (a change to the stylesheet without the check fails here)."""
    css = (THEME_DIR / "static" / "style.css").read_text("utf-8")
    light = css[:css.index("@media (prefers-color-scheme: dark)")]
    dark = css[css.index("@media (prefers-color-scheme: dark)"):]
    for scheme, block in (("light", light), ("dark", dark)):
        for name, value in THEME[scheme].items():
            assert re.search(rf"{name}:\s*{value};", block), (scheme, name)
    assert "--header-bg: var(--accent)" in light and "--link: var(--accent)" in light
    assert "--header-marker: var(--accent)" in dark


def test_the_theme_defaults_pass_their_own_check():
    for scheme in ("light", "dark"):
        assert accent_problem(scheme, THEME[scheme]["--accent"]) is None
        assert all(minimum in (3.0, 4.5) for _, _, minimum in USES[scheme])


@pytest.mark.parametrize("scheme, colour, found", [
    ("light", "#767676", None),                  # 4.54:1 on white
    ("light", "#777777", "a contrast of 4.48:1 (with #ffffff), below the 4.5:1"),
    ("light", "#5b2a86", None),
    ("light", "#0059b3", None),
    ("dark", "#767676", "a contrast of 4.12:1 (with #121212), below the 4.5:1"),
    ("dark", "#f0b3ff", None),
    ("dark", "#9a9a9a", None),
    ("light", "blue", "`blue` is not a colour"),
    ("light", "#12345", "is not a colour"),
])
def test_accent_problems(scheme, colour, found):
    problem = accent_problem(scheme, colour)
    assert (problem is None) if found is None else (found in problem[0])


def test_every_use_of_the_accent_is_checked():
    """The non-text uses (3:1) are checked as well; with the theme's own colours a
    colour that passes 4.5:1 for text passes them too, so they guard theme changes."""
    assert [minimum for _, _, minimum in USES["light"]] == [4.5, 3.0]
    assert [minimum for _, _, minimum in USES["dark"]] == [4.5, 3.0]
    for scheme, against in (("light", "#ffffff"), ("dark", "#121212")):
        for value in range(0, 256, 5):
            colour = f"#{value:02x}{value:02x}{value:02x}"
            assert (accent_problem(scheme, colour) is None) == (contrast(colour, against) >= 4.5)


def test_branding_reaches_every_page(mini: Path):
    (mini / "content" / "media").mkdir()
    shutil.copyfile(SITES / "diff/content/media/map.png", mini / "content/media/logo.png")
    with (mini / "content" / "site.yaml").open("a", encoding="utf-8") as settings:
        settings.write("accent: {light: '#5b2a86', dark: '#f0b3ff'}\n"
                       "logo: {src: logo.png, alt: Example Organisation}\nfavicon: logo.png\n"
                       "footer_links:\n  - {label: About, page: pages/about}\n"
                       "  - {label: Partner, url: 'https://example.org/'}\n")
    assert main(["update", "--project", str(mini)]) == 0
    pot = (mini / "locales" / "messages.pot").read_text("utf-8")
    assert 'msgctxt "img.alt"\nmsgid "Example Organisation"' in pot
    assert '#. id: site#footer_links.2 (link label' in pot
    assert main(["build", "--project", str(mini)]) == 0
    css = (mini / "site" / "assets" / "brand.css").read_text("utf-8")
    assert "@media (prefers-color-scheme: light) {\n  :root { --accent: #5b2a86; }" in css
    assert "@media (prefers-color-scheme: dark) {\n  :root { --accent: #f0b3ff; }" in css
    page = (mini / "site" / "fr" / "topics" / "safety.html").read_text("utf-8")
    assert '<link rel="stylesheet" href="../../assets/brand.css">' in page
    assert '<link rel="icon" href="../../media/logo.png" type="image/png">' in page
    assert ('<img class="site-logo" src="../../media/logo.png" alt="Example Organisation" '
            'lang="en">') in page
    assert '<li><a href="../about.html" lang="en">About</a></li>' in page
    assert '<li><a href="https://example.org/" lang="en">Partner</a></li>' in page
    not_found = (mini / "site" / "fr" / "404.html").read_text("utf-8")
    assert '<link rel="stylesheet" href="/assets/brand.css">' in not_found
    assert 'src="/media/logo.png"' in not_found and 'href="/fr/about.html"' in not_found


def test_no_accent_no_brand_stylesheet(mini: Path):
    assert main(["build", "--project", str(mini)]) == 0
    assert not (mini / "site" / "assets" / "brand.css").exists()
    assert "brand.css" not in (mini / "site" / "en" / "index.html").read_text("utf-8")
