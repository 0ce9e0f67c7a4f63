"""The inline fast path (`render.body.plain_inline`) equals markdown-it-py's parseInline
wherever it answers: on random text and on every msgstr of the repository."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from builder.catalogues.poread import parse_po
from builder.render.body import plain_inline, render_inline
from builder.segments.blocks import make_markdown

ROOT = Path(__file__).resolve().parents[2]
MD = make_markdown()
PIECES = st.sampled_from([
    "word", "mot", "كلمة", " ", "  ", "\t", "\n", "\r", "\0", "\\", "`", "*", "_", "[", "]",
    "!", "<", ">", "&", "&amp;", "(", ")", "{1}", "]{1}", "~~", "#", "|", "-", ".", "%(x)s",
    "é", "\u00a0", "\u200f", "http://a.b/c", "page:x", "\"", "'", "1.", "  \n",
])
TEXT = st.lists(st.one_of(PIECES, st.text(max_size=6)), max_size=30).map("".join)


def parsed(text: str) -> list[dict]:
    tokens = MD.parseInline(text, {})
    return [t.as_dict() for t in (tokens[0].children or [])] if tokens else []


def check(text: str) -> None:
    plain = plain_inline(text)
    if plain is None:
        return
    assert [t.as_dict() for t in plain] == parsed(text)
    slow = MD.parseInline(text)
    html = MD.renderer.render(slow, MD.options, {})
    plain_text = MD.renderer.renderInlineAsText(slow[0].children or [], MD.options, {})
    assert render_inline(MD, text) == (html, plain_text)
    assert render_inline(MD, text, isolate_ltr=True)[1] == plain_text


@settings(max_examples=3000, deadline=None)
@given(TEXT)
def test_fast_path_equals_parser_on_random_text(text: str) -> None:
    check(text)


def test_fast_path_equals_parser_on_every_msgstr() -> None:
    answered = 0
    for po in sorted(ROOT.glob("locales/*/LC_MESSAGES/*.po")):
        for entry in parse_po(po.read_text("utf-8")):
            for text in (entry.msgid, entry.msgstr):
                check(text)
                answered += plain_inline(text) is not None
    assert answered > 100   # the fast path is taken on real text, not only refused


def test_fast_path_refuses_text_with_inline_syntax() -> None:
    for text in ("a *b*", "a [b](c)", "a\nb", "a &amp; b", "a \\* b", "`x`", "<http://a>",
                 "![i](s)", "a_b", ""):
        assert plain_inline(text) is None
