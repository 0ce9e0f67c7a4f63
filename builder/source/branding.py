"""The site's look without editing templates: logo, favicon, accent colours, footer links.

Colours are checked where they are written: an accent that would give text or
links less than 4.5:1, or a focus ring or state marker less than 3:1 (WCAG
1.4.3, 1.4.11) against the default theme's own colours, is refused with its
line in site.yaml. The theme's colours are `THEME` below; tests check that
builder/theme/static/style.css uses the same values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from builder.errors import Collector
from builder.source.yamldoc import Field, YamlDoc, check_mapping

BRANDING_SCHEMA = {
    "logo": Field(dict, False, "{src: a file under content/media/, alt: its text, translatable}"),
    "favicon": Field(str, False, "a file under content/media/ (SVG, PNG or ICO)"),
    "accent": Field(dict, False, "colours {light: '#rrggbb', dark: '#rrggbb'}"),
    "footer_links": Field(list, False, "a list of {label, page} or {label, url}"),
}
LOGO_SCHEMA = {
    "src": Field(str, True, "a file under content/media/"),
    "alt": Field(str, True, "the logo's text alternative, translatable (empty if the site's "
                 "name is written beside it)", blank=True),
}
ACCENT_SCHEMA = {
    "light": Field(str, False, "a colour such as '#0b3a6e' for the light scheme"),
    "dark": Field(str, False, "a colour such as '#8cc4ff' for the dark scheme"),
}
FOOTER_LINK_SCHEMA = {
    "label": Field(str, True, "the link text, translatable"),
    "page": Field(str, False, "a page key (FOLDER/NAME), home or news"),
    "url": Field(str, False, "an https:// address"),
}
FAVICON_TYPES = (".svg", ".png", ".ico")
COLOUR_RE = re.compile(r"#(?:[0-9a-fA-F]{3}){1,2}")

# The default theme's colours (builder/theme/static/style.css) that an accent meets.
THEME = {"light": {"--bg": "#ffffff", "--accent": "#1d4f91", "--focus-on-accent": "#ffd24d"},
         "dark": {"--bg": "#121212", "--accent": "#8cc4ff", "--header-bg": "#1b1b1b"}}
# Where the theme uses the accent: (what, the colour it meets there, minimum ratio).
USES = {
    "light": (("links on the page and white text on the header band", THEME["light"]["--bg"],
               4.5),
              ("the keyboard focus ring on the header band", THEME["light"]["--focus-on-accent"],
               3.0)),
    "dark": (("links on the page", THEME["dark"]["--bg"], 4.5),
             ("the current-page marker on the header", THEME["dark"]["--header-bg"], 3.0)),
}


@dataclass(frozen=True)
class Logo:
    """The site's logo from site.yaml: a file of content/media/ and its text alternative."""
    src: str
    alt: str
    line: int


@dataclass(frozen=True)
class FooterLink:
    """A footer link from site.yaml: to a page of this site or to another address."""
    label: str
    page: str | None
    url: str | None
    line: int


@dataclass(frozen=True)
class Branding:
    """The site's look as site.yaml sets it, checked; the defaults leave the theme as it is."""
    logo: Logo | None = None
    favicon: str | None = None
    favicon_line: int = 1
    accent: tuple[tuple[str, str], ...] = ()     # (scheme, "#rrggbb"), only those set
    footer_links: tuple[FooterLink, ...] = ()


def check_branding(doc: YamlDoc, path: Path, diags: Collector) -> None:
    data = doc.data
    if data.get("logo") is not None:
        check_mapping(data["logo"], LOGO_SCHEMA, doc, ("logo",), path, diags)
    if data.get("accent") is not None and check_mapping(data["accent"], ACCENT_SCHEMA, doc,
                                                        ("accent",), path, diags):
        for scheme, colour in data["accent"].items():
            problem = accent_problem(scheme, colour)
            if problem:
                diags.error(path, doc.line("accent", scheme), *problem)
    favicon = data.get("favicon")
    if isinstance(favicon, str) and not favicon.lower().endswith(FAVICON_TYPES):
        diags.error(path, doc.line("favicon"), f"favicon `{favicon}` is not an SVG, PNG or "
                    "ICO file", "give a .svg, .png or .ico file of content/media/")
    for index, item in enumerate(data.get("footer_links") or []):
        where = ("footer_links", index)
        if not check_mapping(item, FOOTER_LINK_SCHEMA, doc, where, path, diags):
            continue
        if bool(item.get("page")) == bool(item.get("url")):
            diags.error(path, doc.line(*where), "a footer link needs exactly one of `page` or "
                        "`url`", "link a page of this site with `page:`, another with `url:`")
        elif item.get("url") and not item["url"].startswith(("https://", "http://")):
            diags.error(path, doc.line(*where, "url"), f"link `{item['url']}` is not an "
                        "http(s) address", "use an absolute https:// address")


def accent_problem(scheme: str, colour: str) -> tuple[str, str] | None:
    """(what is wrong, what to do) if `colour` cannot be the accent of `scheme`."""
    if not COLOUR_RE.fullmatch(colour):
        return (f"`{colour}` is not a colour", "write it as #rrggbb, e.g. #0b3a6e")
    value = hex_colour(colour)
    for what, against, minimum in USES[scheme]:
        ratio = contrast(value, against)
        if ratio < minimum:
            kind = "text" if minimum == 4.5 else "non-text contrast"
            better = "darker" if scheme == "light" else "lighter"
            return (f"accent colour {value} ({scheme} scheme) gives {what} a contrast of "
                    f"{ratio:.2f}:1 (with {against}), below the {minimum}:1 WCAG 2.2 needs "
                    f"for {kind}", f"choose a {better} colour")
    return None


def hex_colour(colour: str) -> str:
    """`#ABC` → `#aabbcc`."""
    digits = colour[1:].lower()
    return "#" + ("".join(c * 2 for c in digits) if len(digits) == 3 else digits)


def luminance(colour: str) -> float:
    """WCAG 2 relative luminance of `#rrggbb`."""
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(first: str, second: str) -> float:
    high, low = sorted((luminance(hex_colour(first)), luminance(hex_colour(second))),
                       reverse=True)
    return (high + 0.05) / (low + 0.05)


def load_branding(doc: YamlDoc) -> Branding:
    """The checked settings (check_branding reported every problem first)."""
    data = doc.data
    logo = data.get("logo")
    links = tuple(FooterLink(item["label"], item.get("page"), item.get("url"),
                             doc.line("footer_links", i) or 1)
                  for i, item in enumerate(data.get("footer_links") or []))
    return Branding(
        logo=Logo(logo["src"], logo["alt"].strip(), doc.line("logo") or 1) if logo else None,
        favicon=data.get("favicon"), favicon_line=doc.line("favicon") or 1,
        accent=tuple(sorted((k, hex_colour(v)) for k, v in (data.get("accent") or {}).items())),
        footer_links=links)
