"""The language of every part of a built page (WCAG 3.1.2), told by the catalogues.

Every text node of a page's body, and every accessible name or alternative text
held in an attribute (aria-label, alt, title), is taken with the language it is
marked with (its nearest `lang`). The catalogue of the page's locale says what
is translated: a text in the reader's language must come from a translation the
build may publish (or be a date, a list separator or a language's name in that
language); a text marked with the source language must come from the source
text (a msgid). Text found only on the wrong side is a finding.

Used over the demo (tests/render/test_language_of_parts.py) and a site made by
`infopages new` (tests/tools/test_new_site.py).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path

import polib
from babel import Locale
from babel.dates import format_date
from babel.lists import format_list

from builder.render.translations import load_messages
from builder.source.config import load_config
from builder.source.localecodes import parse_locale

LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
PLACEHOLDER = re.compile(r"%\([A-Za-z_]\w*\)[sd]|\{\d+\}")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


@dataclass
class Part:
    text: str
    lang: str
    where: str            # "text", "alt", "aria-label", "title", "time", "name"
    own_name: bool = False   # a language link naming itself (lang = hreflang)


@dataclass
class _Walker(HTMLParser):
    parts: list[Part] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str, bool, bool]] = []   # tag, lang, in <time>, self-named

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        lang, time, named = self.stack[-1][1:] if self.stack else ("", False, False)
        lang = attrs.get("lang", lang) or lang
        named = named or (attrs.get("hreflang") is not None and attrs.get("hreflang") == lang
                          and attrs.get("translate") == "no")
        for name in ("alt", "aria-label", "title"):
            if attrs.get(name) and tag not in ("link", "meta", "html"):
                self.parts.append(Part(attrs[name], lang, name))
        if tag not in VOID:
            self.stack.append((tag, lang, time or tag == "time", named))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if not self.stack or any(t in ("head", "script", "style") for t, *_ in self.stack):
            return
        _, lang, time, named = self.stack[-1]
        if data.strip():
            self.parts.append(Part(data.strip(), lang, "time" if time else "text", named))


def parts_of(html: str) -> list[Part]:
    walker = _Walker()
    walker.feed(html)
    return walker.parts


class Catalogue:
    """What one locale's catalogue says: the texts it publishes, and the sources."""

    def __init__(self, root: Path, code: str, source: str):
        self.code, self.source = code, source
        messages = load_messages(root, code) if code != source else None
        pot = polib.pofile(str(root / "locales" / "messages.pot"), wrapwidth=0)
        self.sources = _Texts([e.msgid for e in pot] + [e.msgid_plural for e in pot
                                                         if e.msgid_plural])
        translated = [] if messages is None else \
            list(messages.singular.values()) + [f for forms in messages.plural.values()
                                                for f in forms]
        self.translations = _Texts(translated + self.generated(code))
        self.english = self.generated(source)

    @staticmethod
    def generated(code: str) -> list[str]:
        """Words the builder makes in a language without a catalogue: list separators."""
        joined = format_list(["\x01", "\x02", "\x03"], locale=code)
        return [p for p in re.split("[\x01\x02\x03]", joined) if p.strip()]


class _Texts:
    """Catalogue strings, searchable for a text node cut out of one of them."""

    def __init__(self, texts: list[str]):
        plain = [PLACEHOLDER.sub("\x00", _unmark(t)) for t in texts if t]
        self.joined = "\x00".join(plain)
        self.patterns = [re.compile(".*?".join(re.escape(p) for p in t.split("\x00")))
                         for t in plain if "\x00" in t]

    def __contains__(self, text: str) -> bool:
        return text in self.joined or any(p.fullmatch(text) for p in self.patterns)


def _unmark(text: str) -> str:
    """Inline Markdown as a reader sees it: no emphasis or code marks, no link slots."""
    text = re.sub(r"\]\{\d+\}", "]", text)
    return re.sub(r"[*_`\[\]]", "", text)


def problems(site: Path, root: Path) -> list[str]:
    """Every part of every published page whose language is not the one it is marked with."""
    config = load_config(root)
    source = config.source_locale
    prefixes = {config.url_prefix(code): code for code in config.locales}
    catalogues = {code: Catalogue(root, code, source) for code in config.locales}
    found = []
    for page in sorted(site.rglob("*.html")):
        rel = page.relative_to(site).as_posix()
        code = prefixes.get(rel.split("/")[0]) if "/" in rel else source
        if code is None:      # _preview/, _status/: not the published site
            continue
        for part in parts_of(page.read_text("utf-8")):
            why = judge(part, code, catalogues, source)
            if why:
                found.append(f"{rel}: {why}: {part.where} “{part.text}” marked lang=“{part.lang}”")
    return found


def judge(part: Part, page: str, catalogues: dict[str, Catalogue], source: str) -> str | None:
    """Why `part`, on a page of locale `page`, is not in the language it is marked with."""
    if not LETTER.search(part.text):
        return None
    marked = parse_locale(part.lang)
    if part.own_name:
        name = Locale.parse(marked).get_display_name(marked) if marked else None
        return None if name and part.text.casefold() == name.casefold() else \
            "a language link not named in its own language"
    if part.where == "time":
        return None if marked and is_date(part.text, marked) else "a date not in its language"
    if marked == source or (marked or "").split("_")[0] == "en":   # template text is English
        if part.text in catalogues[page].sources or \
                any(part.text == s.strip() for s in catalogues[page].english):
            return None
        if page != source and part.text in catalogues[page].translations:
            return "a translation marked as the source language"
        return "text found in no source string"
    if marked in catalogues:
        if part.text in catalogues[marked].translations:
            return None
        if part.text in catalogues[marked].sources:
            return "source text marked as the reader's language"
        return "text found in no translation"
    return f"text marked with {part.lang}, a language the site does not have"


@lru_cache(maxsize=None)
def is_date(text: str, code: str) -> bool:
    """`text` is a long date in language `code` (any digits: some locales use their own)."""
    digits = str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789")
    plain = text.translate(digits)
    for year in range(1990, 2040):
        if str(year) in plain:
            return any(plain == format_date(dt.date(year, month, day), "long", locale=code)
                       for month in range(1, 13) for day in range(1, 32)
                       if _valid(year, month, day))
    return False


def _valid(year: int, month: int, day: int) -> bool:
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True
