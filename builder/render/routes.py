"""Where every page lives: output paths and the links between them.

Links inside the site are relative, so a built site works from any folder, any
host path and straight from the file system.
"""

from __future__ import annotations

import functools
from typing import NamedTuple

NOT_FOUND = "404"              # the key of each locale's 404 page
FEED = "@feed"                 # keys of outputs that are not pages
SITEMAP = "@sitemap"
CHOOSER = "@chooser"
GLOBAL = ""                    # the locale of outputs shared by every locale
BRAND_CSS = "@brand"           # the stylesheet made from site.yaml's accent colours
SPECIAL = {NOT_FOUND: "{prefix}/404.html", FEED: "{prefix}/feed.xml", SITEMAP: "sitemap.xml",
           CHOOSER: "index.html", BRAND_CSS: "assets/brand.css"}


# A page's path is asked for two dozen times a page (links, alternates, the switcher):
# a pure function of its arguments, memoised (bounded: 65,536 paths, a few MB).
@functools.lru_cache(maxsize=1 << 16)
def output_path(key: str, prefix: str) -> str:
    """Page key → path under the site root, in the folder `prefix` of its locale (the
    locale's `LocaleInfo.prefix`): ("topics/x", "pt-br") → "pt-br/topics/x.html"."""
    if key in SPECIAL:
        return SPECIAL[key].format(prefix=prefix)
    if key == "home":
        return f"{prefix}/index.html"
    shown = listing(key)
    if shown is not None:        # news/index.html, news/page-2.html, topics/x/news/…
        return f"{prefix}/{key}/index.html" if shown[1] == 1 else f"{prefix}/{key}.html"
    folder, slug = key.split("/", 1)
    if folder == "pages":
        return f"{prefix}/{slug}.html"
    return f"{prefix}/{folder}/{slug}.html"


def news_page_key(number: int, topic: str | None = None) -> str:
    """Page `number` of the news list, or of the news archive of the topic page `topic`
    ("topics/x/news/page-2"). Content keys are FOLDER/NAME: these can never be one."""
    base = "news" if topic is None else f"{topic}/news"
    return base if number == 1 else f"{base}/page-{number}"


def listing(key: str) -> tuple[str | None, int] | None:
    """(topic key, or None for the site's news list; page number) of a key that
    `news_page_key` made; None for any other key."""
    base, sep, page = key.rpartition("/page-")
    number = int(page) if sep and page.isdigit() else 1
    if number == 1:
        base = key
    if base == "news":
        return None, number
    if base.endswith("/news") and base.count("/") == 2:
        return base.removesuffix("/news"), number
    return None


def folder(path: str) -> str:
    """The folder of a site path: "fr/news/x.html" → "fr/news", "index.html" → ""."""
    return path.rpartition("/")[0]


def relative(target: str, current: str) -> str:
    """A link from the file `current` to the file `target` (both site-relative)."""
    return _relative(target, folder(current))


# Most of a page's links (stylesheet, menus, footer, topics) are the same from every page
# of a folder: memoised by folder (bounded, as output_path).
@functools.lru_cache(maxsize=1 << 16)
def _relative(target: str, folder: str) -> str:
    """A link from a file in `folder` to the file `target` (both site-relative).

    Both are normalised site paths, so this walks their folders instead of
    calling `posixpath.relpath`, which resolves absolute paths on every link.
    """
    fragment = ""
    if "#" in target:
        target, fragment = target.split("#", 1)
        fragment = "#" + fragment
    base = folder.split("/") if folder else []
    parts = target.split("/")
    common = 0
    while common < len(base) and common < len(parts) - 1 and base[common] == parts[common]:
        common += 1
    return "/".join([".."] * (len(base) - common) + parts[common:]) + fragment


STATIC = "@file:"              # key prefix of a file copied as it is (assets, media)
PUBLISHED, PREVIEW, PSEUDO = "", "preview", "pseudo"
PREFIXES = {PUBLISHED: "", PREVIEW: "_preview/", PSEUDO: "_preview/"}


class Output(NamedTuple):
    variant: str       # PUBLISHED, PREVIEW or PSEUDO
    locale: str        # a locale code, or GLOBAL for files of every locale
    key: str           # a page key, "404", FEED, SITEMAP, CHOOSER, BRAND_CSS or STATIC + path
    prefix: str = ""   # the locale's URL prefix (LocaleInfo.prefix); "" for GLOBAL outputs

    @property
    def path(self) -> str:
        """Where the output is written, relative to the output folder."""
        if self.key.startswith(STATIC):
            return PREFIXES[self.variant] + static_path(self.key[len(STATIC):])
        return PREFIXES[self.variant] + output_path(self.key, self.prefix)


THEME_STATIC = "theme/static/"   # the built-in theme's files (builder/theme/static/)


def static_path(source: str) -> str:
    """templates/static/x and theme/static/x → assets/x, content/media/x → media/x."""
    for folder in ("templates/static/", THEME_STATIC):
        if source.startswith(folder):
            return "assets/" + source.removeprefix(folder)
    return "media/" + source.removeprefix("content/media/")


def page_count(outputs) -> int:
    """How many HTML pages of the published site `outputs` (Output objects) make."""
    return sum(1 for o in outputs if o.variant == PUBLISHED and
               (o.key == CHOOSER or not o.key.startswith("@")))
