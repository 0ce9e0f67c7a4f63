"""`assets/brand.css`: site.yaml's accent colours over the theme's defaults.

A file, not a `style` attribute or element: the pages' Content-Security-Policy
allows stylesheets from the site only. Written only when site.yaml sets `accent`
(`source.branding` has checked each colour's contrast in every place the theme uses it).
"""

from __future__ import annotations

from builder.source.branding import Branding

HEADER = "/* From content/site.yaml (accent): the default theme's accent colours. */\n"


def brand_css(branding: Branding) -> bytes:
    colours = dict(branding.accent)
    rules = [HEADER]
    # Each in its own scheme's media query: a bare `:root` rule here would also beat the
    # theme's dark-scheme colours, which come earlier (style.css).
    for scheme in ("light", "dark"):
        if scheme in colours:
            rules.append(f"@media (prefers-color-scheme: {scheme}) {{\n"
                         f"  :root {{ --accent: {colours[scheme]}; }}\n}}\n")
    return "".join(rules).encode("utf-8")
