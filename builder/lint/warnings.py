"""Warning-tier checks of `infopages lint`: likely mistakes a reviewer should see.

A translator silences one on one entry with a flag (`#, infopages-no-length`);
errors live in `lint` and are never silenced.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType

from builder.lint.glossary import Glossary, misses
from builder.segments.linkslots import SLOT_RE

# Translation length ÷ source length, for sources of 20+ characters, with a slack of
# LENGTH_SLACK characters so that short headlines (where English drops articles) pass.
# Lengths are counted per script: a Chinese, Japanese or Korean character carries about
# what three Latin letters do ("Crimes against children", 23; "侵害兒童罪", 5 × 3).
LENGTH_BANDS = MappingProxyType({"fr": (0.8, 1.8), "es": (0.8, 1.8), "ar": (0.5, 1.5)})
DEFAULT_BAND, LENGTH_SLACK, LENGTH_MIN = (0.5, 2.0), 10, 20
WIDE_SCRIPT = ("[\u1100-\u11ff\u2e80-\u9fff\ua960-\ua97f\uac00-\ud7ff"
               "\uf900-\ufaff\U00020000-\U0003ffff]")
WIDE_WEIGHT = 3
# Words a language legitimately doubles ("nous nous employons").
DOUBLED_OK = MappingProxyType({"fr": frozenset({"nous", "vous"}), "es": frozenset({"que"})})

URL_RE = re.compile(r"\b(?:https?://|www\.|mailto:)\S+")
NUMBER_RE = re.compile(r"\d+(?:[.,\u00a0\u202f'٫٬]\d+)*")
DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "0123456789" * 2)
OTHER_DIGITS_RE = re.compile("[٠-٩۰-۹]")
NOT_DIGIT_RE = re.compile(r"\D")
ZERO_WIDTH_RE = re.compile("[\u200b-\u200f\u2060\ufeff\u061c]")
# Possessive: a shorter part of the word is followed by a letter, never by a space.
WORD_RE = re.compile(r"(?<![\w'’-])([^\W\d_]++)\s+(\1)(?![\w'’-])", re.IGNORECASE)
LETTERS_RE = re.compile(r"[^\W\d_]{2,}")
# What a text ends with, in every script: Latin, full-width and CJK (。．？！：；，、),
# Arabic and Urdu (؟ ، ؛ ۔), Devanagari and Bengali (। ॥), Hebrew (׃), Armenian (։),
# Ethiopic (። ፧ ፤ ፣), Myanmar (။), Khmer (។), Tibetan (།), Greek's question mark (;).
END_CLASSES = MappingProxyType({
    **dict.fromkeys(".。．｡۔।॥׃։።။។།", "a full stop"),
    **dict.fromkeys("?？؟፧;", "a question mark"),
    **dict.fromkeys("!！", "an exclamation mark"),
    **dict.fromkeys(":：፥", "a colon"),
    **dict.fromkeys(";；؛፤", "a semicolon"),
    **dict.fromkeys(",，、،፣", "a comma"),
    **dict.fromkeys("…⋯", "an ellipsis"),
})
# ";" is a question mark in Greek only; elsewhere a semicolon.
GREEK_QUESTION = "\u037e;"
CLOSERS = "\"'’”»)]*_ \t\n\u00a0\u202f\u3000」』）】〉》〕］｝〙〗"
FRENCH_SPACED_RE = re.compile(r"(?<=(.))([:;!?])(?=[\s*_»\"”)]|$)")
NBSP = "\u00a0\u202f"
CODE_RE = re.compile(r"(`+)(?:(?!\1).)+?\1")
DEST_RE = re.compile(r"\]\([^)]*\)")
PLACEHOLDER_RE = re.compile(r"%\([A-Za-z_]\w*\)[sd]|\{\w+\}")


@dataclass(frozen=True)
class Problem:
    """A finding before it knows its file and line."""
    severity: str
    code: str
    message: str
    hint: str = ""
    form: int | None = None     # which msgstr[i], for plural entries


def _error(code: str, message: str, hint: str) -> Problem:
    return Problem("error", code, message, hint)


def _warn(code: str, message: str, hint: str) -> Problem:
    return Problem("warning", code, message, hint)


def warning_problems(msgid: str, msgstr: str, locale: str, glossary: Glossary,
                     plural: bool = False) -> list[Problem]:
    """Likely mistakes; for a plural form (`plural`), numbers, length and an
    unchanged text say little and are not checked."""
    source, target = _prose(msgid), _prose(msgstr)
    found = punctuation_problems(source, target, locale) + \
        _spacing_problems(source, target, locale) + _character_problems(msgid, msgstr)
    if not plural:
        found += _number_problems(source, target) + _length_problems(source, target, locale)
    if not plural and msgstr == msgid and \
            len(LETTERS_RE.findall(glossary.without_names(source))) >= 3:
        found.append(_warn("unchanged", "translation is the same as the source",
                           "translate it, or add `#, infopages-no-unchanged` if it is "
                           "meant to stay as it is"))
    return found + [_warn(m.code, m.message, m.hint)
                    for m in misses(glossary, msgid, msgstr, locale)]


def punctuation_problems(source: str, target: str, locale: str) -> list[Problem]:
    found = []
    want, have = _end_class(source), _end_class(target, locale)
    if want != have:
        found.append(_warn("punctuation", f"source ends with {want}, translation with {have}",
                           "end the translation as the source ends, in your language's form"))
    language = locale.split("_")[0]
    if language == "ar":
        found += [_warn("punctuation", f"Latin `{latin}` in Arabic text", f"use `{arabic}`")
                  for latin, arabic in ((",", "،"), (";", "؛"), ("?", "؟"))
                  if re.search(rf"[\u0600-\u06ff]\s*{re.escape(latin)}", target)]
    elif language == "fr":
        found += _french_spacing(target)
    elif language == "es":
        found += [_warn("punctuation", f"`{close}` without the opening `{opening}`",
                        f"open the sentence with `{opening}`")
                  for opening, close in (("¿", "?"), ("¡", "!"))
                  if target.count(close) > target.count(opening)]
    return found


def _end_class(text: str, locale: str = "") -> str:
    """The kind of mark `text` ends with, in `locale`'s language (default: the source's,
    which is not Greek)."""
    stripped = text.rstrip(CLOSERS)
    if stripped.endswith(("...", "。。。")):
        return "an ellipsis"
    last = stripped[-1:]
    if last in GREEK_QUESTION:
        return "a question mark" if locale.split("_")[0] == "el" or last == "\u037e" \
            else "a semicolon"
    return END_CLASSES.get(last, "no punctuation") if stripped else "no punctuation"


def _french_spacing(target: str) -> list[Problem]:
    found = []
    for match in FRENCH_SPACED_RE.finditer(target):
        before, mark = match.group(1), match.group(2)
        if before in NBSP or before in ":;!?":
            continue
        what = "a normal space" if before == " " else "no space"
        found.append(_warn("punctuation", f"{what} before `{mark}`",
                           "French puts a no-break space (U+00A0 or U+202F) before : ; ! ?"))
    if re.search(r"«(?![\u00a0\u202f])|(?<![\u00a0\u202f])»", target):
        found.append(_warn("punctuation", "guillemets without no-break spaces inside",
                           "write «\u00a0…\u00a0» with no-break spaces (U+00A0 or U+202F)"))
    return found


def _spacing_problems(source: str, target: str, locale: str) -> list[Problem]:
    found = []
    if re.search(r"[ \u00a0\u202f]{2,}", target) and not re.search(r"[ \u00a0\u202f]{2,}", source):
        found.append(_warn("double-space", "two spaces in a row", "keep one space"))
    allowed = DOUBLED_OK.get(locale.split("_")[0], frozenset())
    doubled = {m.group(1).casefold() for m in WORD_RE.finditer(target)} - allowed - \
        {m.group(1).casefold() for m in WORD_RE.finditer(source)}
    found += [_warn("doubled-word", f"doubled word “{word} {word}”", "delete one")
              for word in sorted(doubled)]
    return found


def _number_problems(source: str, target: str) -> list[Problem]:
    def numbers(text: str) -> Counter:
        if OTHER_DIGITS_RE.search(text):   # translating costs 20 µs on a long text
            text = text.translate(DIGITS)
        return Counter(NOT_DIGIT_RE.sub("", n) for n in NUMBER_RE.findall(text))
    want, have = numbers(source), numbers(target)
    if want == have:
        return []
    missing, extra = sorted(want - have), sorted(have - want)
    detail = "; ".join(filter(None, (missing and f"missing {', '.join(missing)}",
                                     extra and f"extra {', '.join(extra)}")))
    return [_warn("numbers", f"numbers differ from the source ({detail})",
                  "check every number; Arabic-Indic digits count as the same number")]


def _character_problems(msgid: str, msgstr: str) -> list[Problem]:
    found = []
    if "\u0640" in msgstr and "\u0640" not in msgid:
        found.append(_warn("tatweel", "tatweel (ـ, U+0640) stretches a word",
                           "delete it: the page justifies text itself"))
    extra = set(ZERO_WIDTH_RE.findall(msgstr)) - set(ZERO_WIDTH_RE.findall(msgid))
    if extra:
        found.append(_warn("zero-width", "zero-width character " +
                           ", ".join(f"U+{ord(c):04X}" for c in sorted(extra)),
                           "delete it unless the spelling needs it"))
    return found


def _length_problems(source: str, target: str, locale: str) -> list[Problem]:
    want, have = text_length(source), text_length(target)
    if want < LENGTH_MIN:
        return []
    low, high = LENGTH_BANDS.get(locale.split("_")[0], DEFAULT_BAND)
    if low * want - LENGTH_SLACK <= have <= high * want + LENGTH_SLACK:
        return []
    wide = " (a Chinese, Japanese or Korean character counts as 3)" \
        if _wide_script_re().search(source + target) else ""
    return [_warn("length", f"translation is {have / want:.1f}× the source's length "
                  f"(expected {low}–{high}× for {locale}){wide}",
                  "check nothing is missing or repeated")]


def text_length(text: str) -> int:
    """A length comparable across scripts: CJK characters count WIDE_WEIGHT each."""
    return len(text) + (WIDE_WEIGHT - 1) * len(_wide_script_re().findall(text))


@cache
def _wide_script_re() -> re.Pattern[str]:
    # Compiled on first use: its ranges take 5 ms to compile, at every start of a build.
    return re.compile(WIDE_SCRIPT)


def _prose(text: str) -> str:
    """The words and punctuation a reader sees: no code, URLs, link targets or placeholders."""
    text = unicodedata.normalize("NFC", text)
    # Each pattern only where its text can be: most entries have none (a fifth of lint).
    for pattern, needs in ((CODE_RE, ("`",)), (URL_RE, ("://", "www.", "mailto:")),
                           (DEST_RE, ("](",)), (SLOT_RE, ("]{",))):
        if any(mark in text for mark in needs):
            text = pattern.sub("]" if pattern in (DEST_RE, SLOT_RE) else "", text)
    # A placeholder stands for a word: one mark, so "auf %(language)s angezeigt" does
    # not read as two spaces in a row.
    return PLACEHOLDER_RE.sub("\ue000", text) if "%(" in text or "{" in text else text


def _listed(items: list[str]) -> str:
    return ", ".join(f"`{i}`" for i in items) if items else "none"
