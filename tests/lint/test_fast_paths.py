"""The publishability checks' shortcuts say what the full checks say, on random text.

The build checks every translation of a clean build (27,000 at N = 1,000), so the
checks skip work when a text cannot hold what they look for: all of it for a plain
source and translation (no character any check looks for), a Markdown parse
when the text has no markup, the raw HTML count without a `<`, code spans
without a backtick, hidden controls the text does not have. Each shortcut is held
here to the long way round on text drawn from the characters that matter.
"""

from __future__ import annotations

from collections import Counter

from hypothesis import example, given, settings
from hypothesis import strategies as st

from builder.lint.checks import (CODE_RE, HTML_RE, SLOT_RE, _error_problems, _parsed_shape,
                                 _shape, _tags, error_problems)
from builder.segments.placeholders import placeholders
from builder.source.content import HIDDEN

# Markdown's inline syntax, link slots, placeholders, tags, hidden controls, words.
PIECES = ["[", "]", "(", ")", "{1}", "{2}", "]{1}", "](", "*", "**", "_", "`", "``", "<",
          ">", "<b>", "</b>", "<!--", "!", "![", "\\", "&amp;", "&", "%", "%(n)s", "%%",
          "\u202e", "\x07", "\n", " ", "a", "word", "https://x.org", "ف", "1"]
texts = st.lists(st.sampled_from(PIECES), max_size=12).map("".join)


def slots(text: str) -> list[str]:
    return [f"]{{{n}}}" for n in SLOT_RE.findall(text)]


@settings(max_examples=3000, deadline=None)
@given(texts)
@example("[a]{1} and [b]{2}")           # slots and no other markup: no parse, same links
@example("[a] (b) [c]\n(d) [e][f]")     # brackets that make no link
@example("[a](b) [c]{1}")
def test_the_shape_without_a_parse_is_the_parsed_shape(text: str):
    assert _shape(text) == _parsed_shape(text, slots(text))


@settings(max_examples=3000, deadline=None)
@given(texts)
def test_tags_outside_code_spans(text: str):
    assert _tags(text) == Counter(HTML_RE.findall(CODE_RE.sub("", text)))


def long_way(msgid: str, msgstr: str, markdown: bool) -> list[str]:
    """The codes the checks give without their shortcuts (placeholders, raw HTML,
    hidden controls; the Markdown shape through a parse every time)."""
    codes = []
    want, have = (placeholders(SLOT_RE.sub("]", t) if markdown else t) for t in (msgid, msgstr))
    if want != have:
        codes.append("placeholders")
    if markdown:
        source, target = (_parsed_shape(t, slots(t)) for t in (msgid, msgstr))
        codes += [code for code, a, b in zip(
            ("markdown-links", "markdown-emphasis", "markdown-code"), source, target) if a != b]
    if Counter(HTML_RE.findall(CODE_RE.sub("", msgstr))) - \
            Counter(HTML_RE.findall(CODE_RE.sub("", msgid))):
        codes.append("raw-html")
    if set(HIDDEN.regex.findall(msgstr)) - set(HIDDEN.regex.findall(msgid)):
        codes.append("hidden-control")
    return codes


@settings(max_examples=3000, deadline=None)
@given(texts, texts, st.booleans())
@example("[a]{1}", "[a]{2}", True)       # a slot renumbered: refused
@example("x <b>y</b>", "x `<b>`y", True)
def test_the_checks_with_shortcuts_find_what_the_long_way_finds(msgid: str, msgstr: str,
                                                                 markdown: bool):
    found = [p.code for p in error_problems(msgid, msgstr, markdown, formatted=False)
             if p.code != "newline"]
    assert found == long_way(msgid, msgstr, markdown)


@settings(max_examples=3000, deadline=None)
@given(texts, texts, st.booleans(), st.booleans())
@example("a\n", "a", True, False)        # only a trailing newline differs
@example("a", "a\u202e", True, False)
@example("50", "50 %", False, True)
def test_plain_text_is_passed_without_a_check_only_when_every_check_passes(
        msgid: str, msgstr: str, markdown: bool, formatted: bool):
    """error_problems answers "no problem" at once for a source and a translation without
    any character a check looks for: every check, the newline's included, agrees."""
    assert [(p.code, p.message) for p in error_problems(msgid, msgstr, markdown, formatted)] \
        == [(p.code, p.message) for p in _error_problems(msgid, msgstr, markdown, formatted)]
