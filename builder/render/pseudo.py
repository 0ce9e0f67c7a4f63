"""Pseudo-locales: fake translations that expose layout bugs before real ones exist.

- `en-XA` (accented, expanded): `Crimes against children` →
  `[Ćŕîɱéš åĝåîñšţ çĥîļðŕéñ one two]`. Readable, visibly "translated", about
  40 % longer (German and Finnish often are), bracketed so truncation shows as
  a missing `]`. Any plain English left on a page never went through a
  catalogue: a hard-coded string.
- `ar-XB` (mirrored): every word's letters reversed and each word wrapped in
  right-to-left marks, laid out `dir="rtl"`. Layout that does not mirror
  (margins, icons, alignment) stands out at once, with no Arabic reader needed.

Only letters change. Placeholders (`%(name)s`, `{n}`, `%%`), link slots
(`]{1}`), link destinations, code spans, entities and every Markdown marker are
copied through untouched, so a pseudo-translation is always usable.

Pseudo-locales are rendered on request into `_preview/` and never published
(`render.outputs`, variant `pseudo`).
"""

from __future__ import annotations

import gettext as gnu_gettext
import math
import re
from pathlib import Path
from typing import Callable, Mapping

import polib

from builder.catalogues.domains import UI
from builder.catalogues.plurals import plural_header
from builder.render.locales import locale_info
from builder.render.translations import Key, Messages

ACCENTED = dict(zip(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "åƀçðéƒĝĥîĵķļɱñöþǫŕšţûṽŵẋýžÅƁĆÐÉƑĜĤÎĴĶĻṀÑÖÞǪŔŠŢÛṼŴẊÝŽ"))
PAD_WORDS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
EXPANSION = 1.4
RLM = "\u200f"   # a mark, not an embedding: allowed in translations (see content.HIDDEN)

# Spans copied through unchanged, in this order of precedence: code spans,
# link destinations `](…)`, link slots `]{n}`, placeholders, entities,
# backslash escapes, autolinks/raw tags `<…>`, bare URLs.
PROTECTED_RE = re.compile(
    r"(?P<code>(`+).*?(?<!`)\2(?!`))"
    r"|(?P<dest>\]\((?:[^()\\]|\\.|\([^()]*\))*\))"
    r"|(?P<slot>\]\{\d+\})"
    r"|(?P<ph>%\([A-Za-z_][A-Za-z0-9_]*\)[sd]|%%|\{[0-9A-Za-z_]+\})"
    r"|(?P<entity>&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);)"
    r"|(?P<escape>\\.)"
    r"|(?P<angle><[^<>\s]+>)"
    r"|(?P<url>https?://\S+)",
    re.DOTALL)
LETTERS_RE = re.compile(r"[^\W\d_]+")


def split_protected(text: str) -> list[tuple[str, bool]]:
    """`text` as (piece, protected) pairs, in order; joined they give `text` back."""
    pieces, at = [], 0
    for match in PROTECTED_RE.finditer(text):
        if match.start() > at:
            pieces.append((text[at:match.start()], False))
        pieces.append((match.group(), True))
        at = match.end()
    if at < len(text):
        pieces.append((text[at:], False))
    return pieces


def _transform_text(text: str, change: Callable[[str], str]) -> str:
    return "".join(piece if protected else change(piece)
                   for piece, protected in split_protected(text))


def accent(text: str) -> str:
    return text.translate(str.maketrans(ACCENTED))


def padding(length: int, target: int) -> str:
    """Filler words that bring a `length`-character string up to `target` characters."""
    out, index = "", 0
    while length + len(out) < target:
        out += " " + PAD_WORDS[index % len(PAD_WORDS)]
        index += 1
    return out


def accent_expand(msgid: str) -> str:
    """en-XA: accented letters, ~40 % longer, in brackets; markup and placeholders kept."""
    if not msgid.strip():
        return msgid
    body = _transform_text(msgid, accent)
    target = math.ceil(EXPANSION * len(msgid))
    # The brackets count towards the target: they are part of what has to fit.
    return f"[{body}{padding(len(body) + 2, target)}]"


def _mirror_words(text: str) -> str:
    return LETTERS_RE.sub(lambda m: f"{RLM}{m.group()[::-1]}{RLM}", text)


def mirror(msgid: str) -> str:
    """ar-XB: each word reversed between right-to-left marks; markup and placeholders kept.

    Marks rather than an override (U+202E): the renderer isolates Latin runs
    in <bdi> on RTL pages, and an isolate would cancel an outer override.
    The marks also end each run, so every word is isolated on its own and the
    words flow right to left like Arabic ones would."""
    return _transform_text(msgid, _mirror_words)


# The transform per pseudo-locale; their names, directions and the CLDR data
# they borrow (dates, plurals) are `routes.PSEUDO_LOCALES`' business.
TRANSFORMS: dict[str, Callable[[str], str]] = {"en-XA": accent_expand, "ar-XB": mirror}
PSEUDO_LOCALES = tuple(TRANSFORMS)


def plural_sources(cldr: str) -> tuple[bool, ...]:
    """Per plural form of `cldr`: True when it is the singular's (the form n=1 picks)."""
    count, header = plural_header(cldr)
    formula = gnu_gettext.c2py(header.split("plural=", 1)[1].rstrip(";"))
    return tuple(i == formula(1) for i in range(count))


def pseudo_messages(pots: Mapping[str, Path], code: str, ui: str = UI) -> Messages:
    """Every entry of the POTs (domain → file), pseudo-translated; keyed like
    `translations.load_messages`; `ui`: the interface's domain."""
    transform = TRANSFORMS[code]
    forms = plural_sources(locale_info(code).data_locale)
    singular: dict[Key, str] = {}
    plural: dict[Key, tuple[str, ...]] = {}
    for domain, path in pots.items():
        for entry in polib.pofile(str(path), wrapwidth=0):
            if not entry.msgid or entry.obsolete:
                continue
            key = (domain, entry.msgctxt or None, entry.msgid)
            if entry.msgid_plural:
                one, many = transform(entry.msgid), transform(entry.msgid_plural)
                plural[key] = tuple(one if is_one else many for is_one in forms)
            else:
                singular[key] = transform(entry.msgid)
    return Messages(code, singular, plural, ui=ui)
