"""A page's dates (`render.dates.DateBook`): each locale's long CLDR form as Babel's
own `format_date` gives it, in the digits site.yaml asks for, and in English for
a template message left untranslated; made once per locale and date."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from babel.dates import format_date
from hypothesis import given, settings
from hypothesis import strategies as st

from builder.render.dates import DateBook
from builder.render.locales import LocaleInfo, locale_info, site_locales
from builder.source.config import load_config
from tests.conftest import make_project

ARABIC_INDIC = "٠١٢٣٤٥٦٧٨٩"


def _book(tmp_path: Path) -> tuple[DateBook, dict[str, LocaleInfo]]:
    """The mini site's (en, fr, ar; site.yaml: `numbering: {ar: arab}`)."""
    config = load_config(make_project(tmp_path, "mini"))
    return DateBook(config), {info.code: info for info in site_locales(config)}


@settings(max_examples=60, deadline=None)
@given(day=st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)))
def test_a_date_is_babels_long_form_in_the_sites_digits(tmp_path_factory, day: dt.date):
    book, data = _book(tmp_path_factory.mktemp("site"))
    for code, info in data.items():
        value = book.date(info, day)
        text = format_date(day, "long", locale=info.data_locale)
        if code == "ar":
            text = text.translate(str.maketrans("0123456789", ARABIC_INDIC))
        assert (value.iso, value.text) == (day.isoformat(), text)
        assert value.fallback_text == format_date(day, "long", locale="en")
        assert book.date(info, day) is value                 # made once


def test_digits_as_site_yaml_asks(tmp_path: Path):
    book, data = _book(tmp_path)
    assert book.digits("ar", "2015 ") == "٢٠١٥ " and book.digits("fr", "20 février") == "20 février"
    day = dt.date(2015, 2, 20)
    assert book.date(data["fr"], day).text == "20 février 2015"
    assert str(book.date(data["en"], day)) == "February 20, 2015"
    pseudo = locale_info("en-XA")                # a pseudo-locale: not one of the site's
    assert book.date(pseudo, day).text == format_date(day, "long", locale=pseudo.data_locale)


def test_fill_makes_every_locale_once(tmp_path: Path):
    book, data = _book(tmp_path)
    days = [dt.date(2020, 1, 1), dt.date(2020, 1, 1), dt.date(1999, 12, 31)]
    book.fill(data.values(), days)
    assert len(book) == 2 * len(data)
    before = {code: book.date(info, days[0]) for code, info in data.items()}
    book.fill(data.values(), days)
    assert len(book) == 2 * len(data)
    assert all(book.date(data[code], days[0]) is value for code, value in before.items())
