"""Locales as pages show them: language name, direction, BCP 47 tag, URL prefix, Open Graph."""

from __future__ import annotations

from dataclasses import dataclass

from babel import Locale

from builder.source.config import SiteConfig
from builder.source.localecodes import bcp47, default_prefix, og_locale


@dataclass(frozen=True)
class LocaleInfo:
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


def site_locales(config: SiteConfig) -> tuple[LocaleInfo, ...]:
    """Every locale of the site, with the URL prefix and Open Graph locale it sets."""
    return tuple(locale_info(code, config.url_prefix(code), config.og_locale(code))
                 for code in config.locales)


def locale_info(code: str, prefix: str | None = None, og: str | None = None) -> LocaleInfo:
    if code in PSEUDO_LOCALES:
        cldr, direction, name = PSEUDO_LOCALES[code]
        return LocaleInfo(code, name, direction, code, code.replace("-", "_"), cldr, code)
    loc = Locale.parse(code)
    name = loc.get_display_name(code) or code
    name = name[:1].upper() + name[1:]
    return LocaleInfo(code, name, loc.text_direction, bcp47(code), og or og_locale(code),
                      prefix=prefix or default_prefix(code))
