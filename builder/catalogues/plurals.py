"""Plural forms: CLDR's rule per locale, and whether a PO file's `Plural-Forms` agrees."""

from __future__ import annotations

import gettext
import re

from babel.messages.plurals import get_plural


def plural_problem(header: str | None, locale: str) -> str | None:
    """Why a PO file's Plural-Forms disagrees with CLDR for `locale`, or None.

    Formulas are compared by evaluating them for n = 0…1000, so an equivalent
    formula written differently is accepted, and a permuted one is caught.
    """
    if not header:
        return "no Plural-Forms header"
    found = re.match(r"\s*nplurals\s*=\s*(\d+)\s*;\s*plural\s*=\s*(.+?);?\s*$", header)
    if not found:
        return f"cannot read Plural-Forms `{header}`"
    count, expected = plural_header(locale)
    try:
        theirs = gettext.c2py(found.group(2))
    except (ValueError, SyntaxError):
        return f"cannot evaluate Plural-Forms `{header}`"
    ours = gettext.c2py(expected.split("plural=", 1)[1].rstrip(";"))
    if int(found.group(1)) != count:
        return f"Plural-Forms has nplurals={found.group(1)}, {locale} needs {count}"
    bad = next((n for n in range(1001) if theirs(n) != ours(n)), None)
    if bad is not None:
        return f"Plural-Forms picks form {theirs(bad)} for n={bad}, CLDR says {ours(bad)}"
    return None


def plural_header(locale: str) -> tuple[int, str]:
    rule = get_plural(locale)
    return rule.num_plurals, f"nplurals={rule.num_plurals}; plural={rule.plural_expr};"
