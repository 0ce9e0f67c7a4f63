"""Where every page lives: output paths and the links between them.

Links inside the site are relative, so a built site works from any folder, any
host path and straight from the file system.
"""

from __future__ import annotations

from dataclasses import dataclass

from babel import Locale


def output_path(key: str, locale: str) -> str:
    """Page key → path under the site root, e.g. ("topics/x", "fr") → "fr/topics/x.html"."""
    if key == "home":
        return f"{locale}/index.html"
    if key == "news":
        return f"{locale}/news/index.html"
    if key.startswith("news/page-"):
        return f"{locale}/{key}.html"
    folder, slug = key.split("/", 1)
    if folder == "pages":
        return f"{locale}/{slug}.html"
    return f"{locale}/{folder}/{slug}.html"


def news_page_key(number: int) -> str:
    return "news" if number == 1 else f"news/page-{number}"


def relative(target: str, current: str) -> str:
    """A link from the file `current` to the file `target` (both site-relative).

    Both are normalised site paths, so this walks their folders instead of
    calling `posixpath.relpath`, which resolves absolute paths on every link.
    """
    fragment = ""
    if "#" in target:
        target, fragment = target.split("#", 1)
        fragment = "#" + fragment
    base = current.split("/")[:-1]
    parts = target.split("/")
    common = 0
    while common < len(base) and common < len(parts) - 1 and base[common] == parts[common]:
        common += 1
    return "/".join([".."] * (len(base) - common) + parts[common:]) + fragment


@dataclass(frozen=True)
class LocaleInfo:
    code: str
    name: str           # the language named in its own language: "Français"
    direction: str      # "ltr" | "rtl"
    bcp47: str          # "pt-BR" for the HTML lang attribute
    og_locale: str      # "fr_FR"-style for Open Graph
    cldr: str = ""      # the CLDR locale for dates, lists and plurals (pseudo-locales borrow one)

    @property
    def data_locale(self) -> str:
        return self.cldr or self.code


# Pseudo-locales for testing layouts before translations exist: (CLDR data, direction, name).
PSEUDO_LOCALES = {"en-XA": ("en", "ltr", "[Ƥšéûðö Éñĝļîšĥ]"),
                  "ar-XB": ("en", "rtl", "Pseudo RTL")}


def locale_info(code: str) -> LocaleInfo:
    if code in PSEUDO_LOCALES:
        cldr, direction, name = PSEUDO_LOCALES[code]
        return LocaleInfo(code, name, direction, code, code.replace("-", "_"), cldr)
    loc = Locale.parse(code)
    name = loc.get_display_name(code) or code
    name = name[:1].upper() + name[1:]
    territory = loc.territory or _likely_territory(loc)
    og = f"{loc.language}_{territory}" if territory else loc.language
    return LocaleInfo(code, name, loc.text_direction, code.replace("_", "-"), og)


def _likely_territory(loc: Locale) -> str | None:
    from babel.core import get_global

    likely = get_global("likely_subtags").get(loc.language, "")
    parts = likely.split("_")
    return parts[-1] if len(parts) > 1 and parts[-1].isupper() else None
