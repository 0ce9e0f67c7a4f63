"""The header `update` writes: the old one, with Language, charset and Plural-Forms
settled — and the plural forms' examples it notes on each plural entry."""

from __future__ import annotations

from pathlib import Path

import polib

from builder.catalogues.counts import translated_any
from builder.catalogues.plurals import (
    SAMPLES,
    catalogue_rule,
    plural_header,
    plural_hint,
    plural_problem,
)
from builder.catalogues.podata import header_line, language_matches
from builder.catalogues.pofile import Catalogue
from builder.errors import Collector, InputError

PLURAL_NOTE = "plural forms: "


class PluralsInUse(ValueError):
    """The catalogue's Plural-Forms is wrong and translated plural forms depend on it."""


def settled_metadata(old: polib.POFile, locale: str) -> dict[str, str]:
    """The old header, in its order, with Language, charset and Plural-Forms settled.

    An equivalent Plural-Forms (same form for every n = 0…1000) is kept as the
    translator's tool wrote it. A different one is never rewritten header-only:
    that would silently swap the meaning of every msgstr[i] already translated.
    Language stays as the translator's tool wrote it when it names the folder's
    language (`fr_FR` in `fr/`)."""
    meta = dict(old.metadata)
    if not language_matches(meta.get("Language", ""), locale):
        meta["Language"] = locale   # `fr_FR`, as a translator's tool wrote it, stays
    if "charset=utf-8" not in meta.get("Content-Type", "").lower().replace(" ", ""):
        meta["Content-Type"] = "text/plain; charset=UTF-8"
    if plural_problem(meta.get("Plural-Forms"), locale) is not None:
        if any(e.msgid_plural and translated_any(e) for e in old):
            problem = plural_problem(meta.get("Plural-Forms"), locale)
            raise PluralsInUse(f"{problem}: the translated plural forms depend on it; "
                               "fix the catalogue before merging")
        meta["Plural-Forms"] = plural_header(locale)[1]
    return meta


def check_plurals(read: Catalogue, locale: str, path: Path, root: Path) -> None:
    """InputError if `update` could not settle the file's Plural-Forms (see
    `settled_metadata`)."""
    try:
        settled_metadata(read.po, locale)
    except PluralsInUse as exc:
        diags = Collector(root)
        diags.error(path, header_line(read.text, "Plural-Forms") if read.po.metadata else 1,
                    str(exc), plural_hint(locale))
        raise InputError(diags.items) from None


def plural_examples(locale: str, plural_forms: str | None = None) -> str:
    """`plural forms: [0] n=0, [1] n=1, …`: the smallest n that picks each form of the
    catalogue's rule, so a translator knows which msgstr[i] is which."""
    count, formula = catalogue_rule(plural_forms, locale)
    first: dict[int, int] = {}
    for n in sorted(SAMPLES):   # CLDR's "many" of French or Spanish starts at a million
        first.setdefault(formula(n), n)
    return PLURAL_NOTE + ", ".join(f"[{i}] n={first[i]}" for i in range(count) if i in first)
