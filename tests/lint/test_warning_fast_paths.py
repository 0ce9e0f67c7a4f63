"""The warning checks' shortcuts say what the long way says, on random text.

`lint` runs the warning checks on every translated entry (27,000 at N = 1,000,
entries of 1,500 characters): each regular expression is skipped where the text
cannot hold what it looks for, the digit translation where there is no
Arabic-Indic digit, and the doubled-word search does not backtrack inside a word.
Each shortcut is held here to the long way round (the code before them), on text
drawn from the characters that matter.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from hypothesis import example, given, settings
from hypothesis import strategies as st

from builder.lint.warnings import (CODE_RE, DEST_RE, DIGITS, NUMBER_RE, URL_RE, WORD_RE,
                                   _number_problems, _prose)
from builder.segments.linkslots import SLOT_RE

PIECES = ["`", "``", "[", "]", "(", ")", "](", "]{", "{1}", "}", "{", "%(n)s", "%(", "%",
          "://", "https://x.org", "www.", "www.a.b", "mailto:", "mailto:a@b", " ", "  ",
          "\n", "\u00a0", "word", "Word", "WORD", "the", "The", "l'", "’", "-", "a", "é",
          "e\u0301", "ف", "1", "23", "٣", "۴", "٫", ",", ".", "_", "ǅ", "ß", "SS"]
texts = st.lists(st.sampled_from(PIECES), max_size=16).map("".join)


def long_prose(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    for pattern in (CODE_RE, URL_RE, DEST_RE, SLOT_RE):
        text = pattern.sub("]" if pattern in (DEST_RE, SLOT_RE) else "", text)
    return re.sub(r"%\([A-Za-z_]\w*\)[sd]|\{\w+\}", "\ue000", text)


def long_numbers(text: str) -> Counter:
    return Counter(re.sub(r"\D", "", n) for n in NUMBER_RE.findall(text.translate(DIGITS)))


LONG_WORD_RE = re.compile(r"(?<![\w'’-])([^\W\d_]+)\s+(\1)(?![\w'’-])", re.IGNORECASE)


@settings(max_examples=4000, deadline=None)
@given(texts)
@example("`a` ](b) [c]{1} %(n)s {x} https://x.org")
@example("]`x`(y)")          # a code span taken out makes a link target of what is left
@example("]`x`{1}")
def test_prose_with_shortcuts_is_the_long_ways(text: str):
    assert _prose(text) == long_prose(text)


@settings(max_examples=4000, deadline=None)
@given(texts, texts)
@example("٣ and 3", "3 and ۳")
def test_numbers_are_compared_as_the_long_way_compares_them(source: str, target: str):
    want, have = long_numbers(source), long_numbers(target)
    found = _number_problems(source, target)
    assert bool(found) == (want != have)
    for number in (want - have) + (have - want):
        assert number in found[0].message


@settings(max_examples=4000, deadline=None)
@given(texts)
@example("the The")
@example("Word word-word word")
@example("ǅ ǆ")
def test_doubled_words_are_found_as_without_the_possessive(text: str):
    assert [m.groups() for m in WORD_RE.finditer(text)] == \
        [m.groups() for m in LONG_WORD_RE.finditer(text)]
