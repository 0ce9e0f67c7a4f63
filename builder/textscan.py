"""Whether a text holds any of a few characters: the question every fast path asks.

A regular expression of one character class (`[*_<>]`) answers it by testing the
text's characters one by one in sre's loop, some 5 ns each: 4 µs for a paragraph.
Most texts a build asks about hold none of them, so the whole text is tested.
`char in text` finds one character with a vectorised scan, about 0.05 µs for a
paragraph, so a handful of them asked one after the other is several times
faster, as long as the text is not short (benchmarks/textscan_bench.py).
tests/test_textscan.py holds every set's answer equal to its character class's.
"""

from __future__ import annotations

import re

# Below this length sre's own loop is as fast as a scan per character.
SHORT = 96
# Characters that are not printable a set asks of every text with `in`; more are left
# to one `str.isprintable`, which costs about as much as ten `in`.
UNPRINTABLE_ASKED = 8


def between(first: str, last: str) -> str:
    """The characters from `first` to `last`, both included."""
    return "".join(chr(code) for code in range(ord(first), ord(last) + 1))


class AnyOf:
    """A set of characters, asked whether a text holds one (`found_in`) or where (`regex`).

    `found_in` asks `in` of each character, in the order given: put the likeliest
    first. A set with many characters that are not printable (controls, format
    characters, spaces other than U+0020) asks those, when no other is found, only of
    a text that is not all printable (`str.isprintable`, a table lookup per
    character): one that is cannot hold them."""

    __slots__ = ("chars", "regex", "_asked", "_unprintable_left")

    def __init__(self, chars: str):
        self.chars = "".join(dict.fromkeys(chars))      # each once, in the order given
        self.regex = re.compile("[" + "".join(re.escape(c) for c in self.chars) + "]")
        printable = tuple(c for c in self.chars if c.isprintable())
        self._unprintable_left = len(self.chars) - len(printable) > UNPRINTABLE_ASKED
        self._asked = printable if self._unprintable_left else tuple(self.chars)

    def found_in(self, text: str) -> bool:
        """`self.regex.search(text) is not None`, faster."""
        if len(text) <= SHORT:
            return self.regex.search(text) is not None
        for char in self._asked:
            if char in text:
                return True
        # None of those: a character left is in the text only if it is not printable.
        return self._unprintable_left and not text.isprintable() and \
            self.regex.search(text) is not None
