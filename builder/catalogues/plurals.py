"""Plural forms: which `Plural-Forms` headers a locale accepts, and which form a number takes.

Two rules are valid for a locale: CLDR's (Babel's, what `update` writes into a
new catalogue) and GNU gettext's (what `msginit`, Poedit and Lokalize write).
For French they differ in count: CLDR has three forms (one, many, other), GNU
two (`n > 1`). A catalogue keeps the rule its translator's tool wrote, and
pages pick forms by that rule. Any other formula is refused: a permuted one
would silently swap the meaning of every msgstr[i].
"""

from __future__ import annotations

import gettext
import re
from typing import Callable

from babel.messages.plurals import get_plural

# What GNU gettext 0.21's `msginit -l LL` writes, by language (run for every
# locale Babel knows; tests/catalogues/test_plurals.py runs msginit again).
# Languages not listed get no Plural-Forms from msginit (Arabic among them).
GNU_PLURALS = {
    "nplurals=1; plural=0;": "ja ko vi",
    "nplurals=2; plural=(n != 1);":
        "bg da de el en eo es et fi fo he hu it nb nl nn no pt sv tr",
    "nplurals=2; plural=(n > 1);": "fr pt_BR",
    "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
    "(n%100<10 || n%100>=20) ? 1 : 2);": "be hr ru sr uk",
    "nplurals=3; plural=(n==1) ? 0 : (n>=2 && n<=4) ? 1 : 2;": "cs sk",
    "nplurals=3; plural=n==1 ? 0 : n==2 ? 1 : 2;": "ga",
    "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && (n%100<10 || n%100>=20) "
    "? 1 : 2);": "lt",
    "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n != 0 ? 1 : 2);": "lv",
    "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);":
        "pl",
    "nplurals=3; plural=n==1 ? 0 : (n==0 || (n%100 > 0 && n%100 < 20)) ? 1 : 2;": "ro",
    "nplurals=4; plural=(n%100==1 ? 0 : n%100==2 ? 1 : n%100==3 || n%100==4 ? 2 : 3);": "sl",
}
HEADER_RE = re.compile(r"\s*nplurals\s*=\s*(\d+)\s*;\s*plural\s*=\s*(.+?);?\s*$")
# Numbers a formula is compared on: CLDR's "many" of French or Spanish starts at a million.
SAMPLES = (*range(1001), *(10 ** k for k in range(4, 10)), 1234567)

PluralRule = tuple[int, Callable[[int], int]]


def plural_header(locale: str) -> tuple[int, str]:
    """CLDR's rule: what a new catalogue gets."""
    rule = get_plural(locale)
    return rule.num_plurals, f"nplurals={rule.num_plurals}; plural={rule.plural_expr};"


def gnu_header(locale: str) -> str | None:
    """What `msginit -l LOCALE` writes, if anything (pt_BR has its own rule)."""
    code = locale.replace("-", "_")
    by_name = {name: header for header, names in GNU_PLURALS.items() for name in names.split()}
    territorial = [name for name in by_name if "_" in name and
                   (code == name or code.startswith(name + "_"))]
    return by_name[territorial[0]] if territorial else by_name.get(code.split("_")[0])


def accepted_headers(locale: str) -> tuple[str, ...]:
    gnu = gnu_header(locale)
    return (plural_header(locale)[1],) + ((gnu,) if gnu else ())


def parse_rule(header: str | None) -> PluralRule | None:
    """(nplurals, form of n) of a Plural-Forms value, or None if it cannot be read."""
    found = HEADER_RE.match(header or "")
    if not found:
        return None
    try:
        return int(found.group(1)), gettext.c2py(found.group(2))
    except (ValueError, SyntaxError):
        return None


def plural_problem(header: str | None, locale: str) -> str | None:
    """Why a PO file's Plural-Forms is not one of `locale`'s rules, or None.

    Formulas are compared by evaluating them (n = 0…1000 and large numbers), so an
    equivalent formula written differently is accepted and a permuted one caught."""
    if not header:
        return "no Plural-Forms header"
    if not HEADER_RE.match(header):
        return f"cannot read Plural-Forms `{header}`"
    theirs = parse_rule(header)
    if theirs is None:
        return f"cannot evaluate Plural-Forms `{header}`"
    rules = {("CLDR" if i == 0 else "GNU"): parse_rule(h)
             for i, h in enumerate(accepted_headers(locale))}
    same_count = {name: rule for name, rule in rules.items() if rule and rule[0] == theirs[0]}
    if not same_count:
        needs = " or ".join(f"{rule[0]} ({name})" for name, rule in rules.items() if rule)
        return f"Plural-Forms has nplurals={theirs[0]}, {locale} needs {needs}"
    for name, (_, ours) in same_count.items():
        bad = next((n for n in SAMPLES if _form(theirs[1], n) != ours(n)), None)
        if bad is None:
            return None
    return f"Plural-Forms picks form {_form(theirs[1], bad)} for n={bad}, {name} says {ours(bad)}"


def _form(rule: Callable[[int], int], n: int) -> int | None:
    try:
        return rule(n)
    except (ArithmeticError, RecursionError):
        return None


def plural_hint(locale: str) -> str:
    headers = accepted_headers(locale)
    return "set the header to: " + " or: ".join(headers)


def catalogue_rule(header: str | None, locale: str) -> PluralRule:
    """The rule a catalogue uses: its own if valid for `locale`, else CLDR's."""
    if header and plural_problem(header, locale) is None:
        return parse_rule(header)   # type: ignore[return-value]
    return parse_rule(plural_header(locale)[1])   # type: ignore[return-value]
