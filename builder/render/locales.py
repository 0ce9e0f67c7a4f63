"""Locales as pages show them: language name, direction, BCP 47 tag, URL prefix, Open Graph."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from babel import Locale

from builder.source.config import SiteConfig
from builder.source.localecodes import bcp47, default_prefix, og_locale


@dataclass(frozen=True)
class LocaleInfo:
    """One locale as pages show it: its name, direction, tags and URL prefix."""
    code: str           # the gettext code: "pt_BR" (catalogue folder, Babel, translations)
    name: str           # the language named in its own language: "Português"
    direction: str      # "ltr" | "rtl"
    bcp47: str          # "pt-BR": lang, hreflang, xml:lang, the sitemap
    og_locale: str      # "pt_BR": Open Graph
    cldr: str = ""      # the CLDR locale for dates, lists and plurals (pseudo-locales borrow one)
    prefix: str = ""    # the folder of its pages: "pt-br"

    @property
    def data_locale(self) -> str:
        return self.cldr or self.code


# Pseudo-locales for testing layouts before translations exist: (CLDR data, direction, name).
PSEUDO_LOCALES = {"en-XA": ("en", "ltr", "[Ƥšéûðö Éñĝļîšĥ]"),
                  "ar-XB": ("en", "rtl", "Pseudo RTL")}


# code → (its name in its own language, its direction), as Babel's data gives them.
LocaleNames = Mapping[str, tuple[str, str]]


def site_locales(config: SiteConfig, known: LocaleNames | None = None
                 ) -> tuple[LocaleInfo, ...]:
    """Every locale of the site, with the URL prefix and Open Graph locale it sets.
    `known`: names and directions already looked up (Babel loads a locale's whole data
    for them, some 10 ms each; a rebuild that renders one locale needs only its own)."""
    return tuple(locale_info(code, config.url_prefix(code), config.og_locale(code),
                             (known or {}).get(code))
                 for code in config.locales)


def locale_info(code: str, prefix: str | None = None, og: str | None = None,
                known: tuple[str, str] | None = None) -> LocaleInfo:
    if code in PSEUDO_LOCALES:
        cldr, direction, name = PSEUDO_LOCALES[code]
        return LocaleInfo(code, name, direction, code, code.replace("-", "_"), cldr, code)
    name, direction = known or babel_name(code)
    return LocaleInfo(code, name, direction, bcp47(code), og or og_locale(code),
                      prefix=prefix or default_prefix(code))


def babel_name(code: str) -> tuple[str, str]:
    """The locale's name in its own language, capitalised, and its direction."""
    loc = Locale.parse(code)
    name = loc.get_display_name(code) or code
    return name[:1].upper() + name[1:], loc.text_direction


def locale_names(locales: tuple[LocaleInfo, ...]) -> dict[str, tuple[str, str]]:
    """What `site_locales` can be given next time instead of asking Babel."""
    return {info.code: (info.name, info.direction) for info in locales
            if info.code not in PSEUDO_LOCALES}
