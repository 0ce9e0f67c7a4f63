"""`copy_token` makes what `Token.copy` makes: on every token of the bodies of the demo
and of the test sites, with the changes the renderer makes and with random ones."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it.token import Token

from builder.render.tokens import copy_token
from builder.segments.blocks import make_markdown

REPO = Path(__file__).resolve().parents[2]
SAMPLE = "# Title\n\n![A *chart*](media:c.png \"t\") `code` <https://x.org> **b**\n\n> quote\n"


def demo_tokens() -> list[Token]:
    """Every token of the bodies of the demo and of the test sites."""
    md, out = make_markdown(), []
    paths = [*REPO.glob("content/**/*.md"), *REPO.glob("tests/sites/*/content/**/*.md")]
    texts = [path.read_text("utf-8").split("\n---\n", 1)[-1] for path in sorted(paths)]
    for text in texts + [SAMPLE]:
        for token in md.parse(text):
            out += [token, *(token.children or [])]
    return out


TOKENS = demo_tokens()


def same_copy(token: Token, changes: dict) -> None:
    ours, theirs = copy_token(token, **changes), token.copy(**changes)
    assert type(ours) is Token and ours == theirs
    assert ours is not token
    for name in ("attrs", "children", "meta", "map"):      # shallow, as replace is
        assert (getattr(ours, name) is getattr(token, name)) == \
            (getattr(theirs, name) is getattr(token, name)), name


def test_the_copies_of_the_renderer_on_every_demo_token():
    assert len(TOKENS) > 50
    assert {t.type for t in TOKENS} >= {"inline", "link_open", "image", "code_inline", "text"}
    for token in TOKENS:
        same_copy(token, {})
        same_copy(token, {"attrs": dict(token.attrs)})
        same_copy(token, {"children": [Token("text", "", 0, content="x")]})
        same_copy(token, {"content": token.content[1:]})


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(TOKENS), st.dictionaries(
    st.sampled_from(["content", "markup", "info", "tag", "level", "hidden", "block"]),
    st.one_of(st.text(max_size=5), st.integers(0, 3), st.booleans()), max_size=3))
def test_random_changes_of_random_tokens(token: Token, changes: dict):
    same_copy(token, changes)
