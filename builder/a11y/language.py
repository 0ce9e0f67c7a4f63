"""Language and direction of a page, judged as HTML and WCAG judge them.

HTML gives every element a directionality: its `dir` attribute, else its
parent's, and `ltr` at the root — so `<html lang="en">` without `dir` is
left-to-right and right. What is checked is what renders: the computed
`direction` of the body against the direction of the page's language (from
CLDR, through Babel), the declared `lang` against the locale the builder or
the folder says the page is in, and the letters of the page's own text
against the scripts its language is written in.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.core import get_global

from builder.a11y.model import CheckTarget, Finding, NodeRef
from builder.a11y.probe_js import UNDERSTANDING
from builder.source.localecodes import bcp47 as builder_bcp47
from builder.source.localecodes import parse_locale

LANG_RULE = "infopages-lang"
DIR_RULE = "infopages-dir"
MIN_LETTERS = 100    # below this, a page says too little to judge its script
FOREIGN_SHARE = 0.1  # at most this share of letters in the language's scripts: wrong language

# Scripts counted in the page's text (ISO 15924 codes JavaScript accepts in \p{Script=…}).
SCRIPTS = ("Latn", "Arab", "Hebr", "Cyrl", "Grek", "Hani", "Hira", "Kana", "Hang", "Bopo", "Deva",
           "Beng", "Guru", "Gujr", "Orya", "Taml", "Telu", "Knda", "Mlym", "Sinh", "Thai", "Laoo",
           "Mymr", "Khmr", "Tibt", "Geor", "Armn", "Ethi", "Thaa", "Syrc", "Mong", "Tfng", "Nkoo",
           "Cher", "Cans")
# CLDR names a few writing systems that are several Unicode scripts.
_COMPOSITE = {"Hans": ("Hani",), "Hant": ("Hani", "Bopo"), "Jpan": ("Hani", "Hira", "Kana"),
              "Kore": ("Hang", "Hani"), "Hrkt": ("Hira", "Kana"), "Hanb": ("Hani", "Bopo")}

# The page's own text: text nodes whose language is the root's (no closer
# `lang`), visible, outside code and names marked translate="no".
LANG_JS = r"""
const de = document.documentElement;
const body = document.body;
const open = de.outerHTML.slice(0, de.outerHTML.indexOf('>') + 1);
const direction = (el) => (el ? getComputedStyle(el).direction : null);
let text = '';
if (body) {
  const skip = 'script,style,noscript,template,code,pre,kbd,samp,var,svg,math,[translate=no],' +
    '[aria-hidden=true],[hidden]';
  const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n && text.length < 20000; n = walker.nextNode()) {
    const p = n.parentElement;
    if (!p || !n.data.trim() || p.closest(skip)) { continue; }
    const owner = p.closest('[lang]');
    if (owner && owner !== de) { continue; }
    if (p.checkVisibility && !p.checkVisibility({visibilityProperty: true})) { continue; }
    text += n.data + ' ';
  }
}
const scripts = {};
for (const code of args.scripts) {
  const found = text.match(new RegExp('\\p{Script=' + code + '}', 'gu'));
  if (found) { scripts[code] = found.length; }
}
return {lang: de.getAttribute('lang'),
        xmlLang: de.getAttributeNS('http://www.w3.org/XML/1998/namespace', 'lang'),
        dir: de.getAttribute('dir'), rootDirection: direction(de), bodyDirection: direction(body),
        html: ['text/html', 'application/xhtml+xml'].includes(document.contentType) &&
          de.namespaceURI === 'http://www.w3.org/1999/xhtml' && de.localName === 'html',
        open: open, letters: (text.match(/\p{L}/gu) || []).length, scripts: scripts};
"""


def parse_tag(tag: str | None) -> Locale | None:
    """A language tag (BCP 47 or gettext style) as a Babel Locale; None if it is not one."""
    text = (tag or "").strip().replace("_", "-")
    if not text:
        return None
    parts = text.split("-")
    # Babel knows language[-Script][-REGION]; extensions and variants do not change the language.
    kept = [parts[0].lower()]
    for part in parts[1:]:
        if len(part) == 4 and part.isalpha():
            kept.append(part.title())
        elif (len(part) == 2 and part.isalpha()) or (len(part) == 3 and part.isdigit()):
            kept.append(part.upper())
        else:
            break
    for size in range(len(kept), 0, -1):
        try:
            return Locale.parse("_".join(kept[:size]))
        except (UnknownLocaleError, ValueError, TypeError):
            continue
    return None


@functools.lru_cache(maxsize=1024)
def bcp47(code: str) -> str:
    """The BCP 47 form of a locale code however it is spelled: pt_BR, pt-br → pt-BR,
    zh_hant → zh-Hant, AR-xb → ar-XB.

    A code the builder accepts is read by its own helpers (`parse_locale`, then
    `bcp47`), so the checker's columns are the build's; any other tag (a
    pseudo-locale, a private use tag, a variant) keeps its subtags with BCP 47's
    casing, so no two spellings of one locale ever count as two locales.
    """
    known = parse_locale(code)
    if known is not None:
        return builder_bcp47(known)
    parts = [p for p in code.strip().replace("_", "-").split("-") if p]
    if not parts:
        return code.strip()
    cased = [parts[0].lower()]
    for part in parts[1:]:
        if len(part) == 4 and part.isalpha():
            cased.append(part.title())
        elif len(part) == 2 and part.isalpha():
            cased.append(part.upper())
        else:
            cased.append(part.lower())
    return "-".join(cased)


def direction_of(tag: str | None) -> str | None:
    """"rtl" or "ltr" for a language tag (its script decides: pa-Arab is rtl); None if unknown."""
    locale = parse_tag(tag)
    return locale.text_direction if locale is not None else None


def _private_use(tag: str) -> bool:
    """Pseudo-locales (en-XA, ar-XB) and private-use tags say nothing about the script."""
    parts = tag.strip().replace("_", "-").lower().split("-")
    return any(p == "x" or (len(p) == 2 and p.isalpha() and (p in ("aa", "zz") or "qm" <= p <= "qz"
                                                             or "xa" <= p <= "xz"))
               or (len(p) == 4 and "qaaa" <= p <= "qabx") for p in parts[1:])


@functools.lru_cache(maxsize=256)
def scripts_of(tag: str) -> frozenset[str]:
    """The Unicode scripts a language is written in, from CLDR's likely subtags."""
    locale = parse_tag(tag)
    if locale is None or _private_use(tag):
        return frozenset()
    if locale.script:
        found = {locale.script}
    else:
        likely = get_global("likely_subtags")
        found = {value.split("_")[1] for key, value in likely.items()
                 if key.split("_")[0] == locale.language and value.count("_") >= 1}
    return frozenset(s for script in found for s in _COMPOSITE.get(script, (script,)))


def same_language(declared: str, expected: str, exact: bool) -> bool:
    """Whether `declared` names the locale `expected`: exactly (a page the builder
    wrote) or by language, with script and region compared only where both give them."""
    if bcp47(declared).lower() == bcp47(expected).lower():
        return True
    if exact:
        return False
    a, b = parse_tag(declared), parse_tag(expected)
    if a is None or b is None or a.language != b.language:
        return False
    return all(x == y for x, y in ((a.script, b.script), (a.territory, b.territory)) if x and y)


def language_findings(found: Mapping[str, Any], target: CheckTarget) -> tuple[Finding, ...]:
    """infopages-lang (3.1.1) and infopages-dir (1.3.2) from what LANG_JS read."""
    if not found.get("html", True):
        return ()  # not an HTML document (an SVG or MathML file): no <html lang> to judge
    declared = found.get("lang")
    if declared is None:
        declared = found.get("xmlLang")
    problems = _lang_problems(declared, target, found)
    findings = []
    if problems:
        findings.append(Finding(
            rule_id=LANG_RULE, impact="serious", tags=("wcag2a", "wcag311"),
            help="<html lang> must name the language the page is written in",
            help_url=UNDERSTANDING + "language-of-page.html",
            description="Ensures <html lang> is present, matches the locale the page was built for "
                        "and fits the script of the page's text",
            nodes=(NodeRef(("html",), str(found.get("open", "")), "Fix this: " + "; ".join(problems)),),
            source="probe"))
    direction = _direction_problem(declared, target, found)
    if direction:
        findings.append(Finding(
            rule_id=DIR_RULE, impact="serious", tags=("wcag2a", "wcag132"),
            help="Right-to-left languages must be rendered right-to-left, and left-to-right ones "
                 "left-to-right",
            help_url=UNDERSTANDING + "meaningful-sequence.html",
            description="Ensures the computed direction of the page matches its language",
            nodes=(NodeRef(("html",), str(found.get("open", "")), "Fix this: " + direction),),
            source="probe"))
    return tuple(findings)


def _lang_problems(declared: str | None, target: CheckTarget, found: Mapping[str, Any]) -> list[str]:
    expected = target.locale
    problems = []
    if expected is not None and not (declared or "").strip():
        problems.append(f'lang is {"missing" if declared is None else "empty"}, expected "{expected}"')
    elif expected is not None and not same_language(declared or "", expected, target.page is not None):
        problems.append(f'lang is "{declared}", expected "{expected}"')
    language = (declared or "").strip() or expected
    scripts = scripts_of(language) if language else frozenset()
    letters = int(found.get("letters", 0))
    if scripts and letters >= MIN_LETTERS:
        counts: Mapping[str, int] = found.get("scripts", {})
        own = sum(n for code, n in counts.items() if code in scripts)
        if own <= FOREIGN_SHARE * letters:
            main = max(counts, key=lambda c: counts[c]) if counts else ""
            name = Locale("en").scripts.get(main, main) if main else "an unknown"
            problems.append(f"the page's text is written in the {name} script ({counts.get(main, 0)} "
                            f'of {letters} letters), not in the script of "{language}"')
    return problems


def _direction_problem(declared: str | None, target: CheckTarget, found: Mapping[str, Any]) -> str:
    expected = target.direction or direction_of(declared)
    rendered = found.get("bodyDirection") or found.get("rootDirection")
    if not expected or not rendered or rendered == expected:
        return ""
    language = (declared or "").strip() or target.locale or "the page's language"
    words = {"rtl": "right-to-left", "ltr": "left-to-right"}
    return (f'the page is rendered {words.get(rendered, rendered)} (computed direction '
            f'"{rendered}"), but "{language}" is written {words[expected]}: '
            f'add dir="{expected}" to <html>')
