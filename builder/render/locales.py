"""Locales as pages show them: language name, direction, BCP 47 tag, Open Graph locale."""

from __future__ import annotations

from dataclasses import dataclass

from babel import Locale


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
