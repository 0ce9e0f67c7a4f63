"""Dates as pages show them, in each locale's long CLDR form and digits, made once a
build for all its renderers (a news date shows on its page and on many cards)."""

from __future__ import annotations

import datetime as dt
from functools import cached_property, partial
from typing import Any, Iterable

from babel import Locale
from babel.dates import get_date_format

from builder.render.locales import LocaleInfo
from builder.render.translations import TEMPLATE_LANGUAGE, DateValue
from builder.source.config import SiteConfig

LATIN_DIGITS = "0123456789"


def english_locale(config: SiteConfig) -> str:
    """The English of untranslated template text: the source locale's, if English."""
    source = config.source_locale
    return source if source.split("_")[0] == TEMPLATE_LANGUAGE else TEMPLATE_LANGUAGE


class LongDates:
    """Dates in one locale's long CLDR form, its pattern parsed on first use: English
    only where a page shows a date in English (a template message left untranslated).
    What `babel.dates.format_date(value, "long")` gives, without parsing the pattern
    on every call."""

    def __init__(self, locale: str):
        self.locale = locale

    @cached_property
    def _format(self) -> tuple[Any, Locale]:
        locale = Locale.parse(self.locale)
        return get_date_format("long", locale), locale

    def __call__(self, value: dt.date) -> str:
        pattern, locale = self._format
        return pattern.apply(value, locale)


class DateBook:
    """Every locale's dates and digits, kept for the site's renderers. A clean build
    makes every page's dates (`fill`) while its catalogue workers read, with a core
    to spare, and the render workers it forks then inherit them: each had made the
    same 4,000 at N = 1,000, some 17 µs apiece. Holds no renderer (a date's English
    form is made by `english`, which holds only its locale)."""

    def __init__(self, config: SiteConfig):
        self.config = config
        self.english = LongDates(english_locale(config))
        self._long: dict[str, LongDates] = {}           # by CLDR locale
        self._dates: dict[tuple[str, dt.date], DateValue] = {}
        self._tables: dict[str, dict[int, int]] = {}

    def date(self, locale: LocaleInfo, value: dt.date) -> DateValue:
        """`value` as a page in `locale` shows it (a pseudo-locale's too)."""
        found = self._dates.get((locale.code, value))
        if found is None:
            long = self._long.get(locale.data_locale)
            if long is None:
                long = self._long[locale.data_locale] = LongDates(locale.data_locale)
            found = self._dates[(locale.code, value)] = DateValue(
                value.isoformat(), self.digits(locale.code, long(value)),
                partial(self.english, value))
        return found

    def digits(self, locale: str, text: str) -> str:
        """`text` with the locale's own digits (site.yaml `numbering`) for 0–9."""
        table = self._tables.get(locale)
        if table is None:
            mapping = str.maketrans(LATIN_DIGITS, self.config.digits(locale))
            table = self._tables[locale] = {k: v for k, v in mapping.items() if k != v}
        return text.translate(table) if table else text

    def __len__(self) -> int:
        """How many dates are made (for every locale)."""
        return len(self._dates)

    def fill(self, locales: Iterable[LocaleInfo], dates: Iterable[dt.date]) -> None:
        """Every form of `dates` in `locales`, made now."""
        locales = tuple(locales)
        for value in dict.fromkeys(dates):
            for locale in locales:
                self.date(locale, value)
