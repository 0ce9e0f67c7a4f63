"""`textscan.AnyOf` answers as its character class does, and each set of the
builder is the class it replaced.

The fast path (one `in` per printable character, for texts longer than SHORT that
are all printable, or for sets with only printable characters) must give what
`regex.search` gives on any text: held here on random texts built from each set's
own characters, its neighbours, controls, spaces, line breaks and other scripts.
"""

from __future__ import annotations

import re
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from builder.lint.checks import CHECKED, MARKUP
from builder.segments.blocks import OTHER_SPACE
from builder.segments.quickinline import INLINE_SYNTAX, RUN_SYNTAX
from builder.source.content import HIDDEN
from builder.textscan import SHORT, AnyOf, between

# Each set as the regular expression it was written as before `AnyOf`.
WRITTEN = {
    "INLINE_SYNTAX": (INLINE_SYNTAX, r"[\n\r\0\\`*_\[\]!<&]"),
    "RUN_SYNTAX": (RUN_SYNTAX, r"[\r\0\\`*_\[\]!<&]"),
    "OTHER_SPACE": (OTHER_SPACE, "[\x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f"
                                 "\u205f\u3000]"),
    "HIDDEN": (HIDDEN, "[\u202a-\u202e\u2066-\u2069\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"),
    "MARKUP": (MARKUP, r"[*_`<>!\\&]"),
    "CHECKED": (CHECKED, "[%{}\\[\\]()*_`<>!\\\\&\n\u202a-\u202e\u2066-\u2069\x00-\x08\x0b"
                         "\x0c\x0e-\x1f\x7f]"),
}
OTHERS = "aZ09 \t\u00e9\u00a0\u0627\u0644\u200f\u200e\u4e2d\U0001f600\u2029\u00ad{}.-"


@pytest.mark.parametrize("name", sorted(WRITTEN))
def test_each_set_is_the_class_it_replaced(name: str):
    found, written = WRITTEN[name]
    pattern = re.compile(written)
    assert set(found.chars) == {chr(c) for c in range(sys.maxunicode + 1)
                                if pattern.match(chr(c))}


def texts(chars: str) -> st.SearchStrategy[str]:
    """Texts around SHORT long, of the set's characters (rare or none) and others."""
    alphabet = st.sampled_from(OTHERS + between("\x00", "\x7f"))
    own = st.sampled_from(chars) if chars else alphabet
    piece = st.one_of(st.text(alphabet, max_size=40),
                      st.text(st.characters(codec="utf-8"), max_size=8), own)
    return st.lists(piece, max_size=3 * SHORT).map("".join)


def long_with_one(chars: str) -> st.SearchStrategy[str]:
    """A text longer than SHORT, all printable, of no character of `chars` but perhaps
    one (any, printable or not) at any place: what the fast path decides alone."""
    plain = "".join(c for c in OTHERS + between(" ", "~") if c not in chars and c.isprintable())
    base = st.text(st.sampled_from(plain), min_size=SHORT + 1, max_size=3 * SHORT)
    return st.tuples(base, st.one_of(st.none(), st.sampled_from(chars)), st.integers(0, 3 * SHORT)
                     ).map(lambda t: t[0] if t[1] is None else t[0][:t[2]] + t[1] + t[0][t[2]:])


@settings(max_examples=800, deadline=None)
@given(data=st.data(), name=st.sampled_from(sorted(WRITTEN)), long=st.booleans())
def test_every_set_answers_as_its_class(data, name: str, long: bool):
    """On mixed texts of any length, and on long printable texts with at most one
    member, which the fast path decides alone."""
    found = WRITTEN[name][0]
    text = data.draw(long_with_one(found.chars) if long else texts(found.chars))
    assert found.found_in(text) is (found.regex.search(text) is not None)


@settings(max_examples=300, deadline=None)
@given(data=st.data(), chars=st.text(min_size=1, max_size=12))
def test_any_set_answers_as_its_class(data, chars: str):
    found = AnyOf(chars)
    for text in (data.draw(st.text(max_size=4 * SHORT)), data.draw(long_with_one(found.chars))):
        assert found.found_in(text) is (found.regex.search(text) is not None)


def test_long_printable_and_unprintable_texts():
    plain = "plain text with nothing to see " * 10
    assert len(plain) > SHORT
    assert not INLINE_SYNTAX.found_in(plain) and not HIDDEN.found_in(plain)
    assert INLINE_SYNTAX.found_in(plain + "\n") and INLINE_SYNTAX.found_in("*" + plain)
    assert CHECKED.found_in(plain + "\u202e") and HIDDEN.found_in("\x00" + plain)
    assert OTHER_SPACE.found_in(plain.replace(" ", "\u00a0", 1))
    assert not OTHER_SPACE.found_in(plain + "\u200f")
