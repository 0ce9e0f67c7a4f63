"""The block fast path (`segments.quickblock`) gives the tokens markdown-it's block
parser gives, wherever it answers: on random documents of lines that are, or nearly
are, what it takes (paragraphs, headings, tight `- ` lists) and lines of every other
block, and on every page body of the repository. Where it declines, the parser runs:
the result is the parser's whatever the input."""

from __future__ import annotations

from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st
from markdown_it.rules_core import block as parser_block

from builder.segments.blocks import make_markdown
from builder.segments.quickblock import simple_blocks
from builder.errors import Collector
from builder.source.content import split_front_matter

ROOT = Path(__file__).resolve().parents[2]
MD = make_markdown()
REFERENCE = make_markdown()           # the same parser, markdown-it's own block rule
REFERENCE.core.ruler.at("block", parser_block)

WORDS = st.sampled_from(["Word", "mot", "كلمة", "«Quote»", "'q'", "(x)", "¿Qué?", "a", "Z",
                         "é", "word  ", "x\u00a0", "y\x85", "\x1c", "\u2028", "[l](page:x)",
                         "*em*", "a | b", "1.", "#"])
TEXT = st.lists(WORDS, min_size=1, max_size=4).map(" ".join)
LINE = st.one_of(
    TEXT, TEXT, TEXT, TEXT.map("- {}".format), TEXT.map("- {}".format),
    st.builds("{} {}".format, st.sampled_from(["#", "##", "######", "#######", "#x"]), TEXT),
    TEXT.map("# {} #".format), TEXT.map("# {}  ##".format),
    st.sampled_from(["", "", "", "   ", "\t", "> quote", "---", "===", "- - -", "***",
                     "    code", "  indented", "```", "~~~", "[ref]: /x", "| a | b |",
                     "|---|---|", "1. one", "2) two", "* star", "+ plus", "-", "- ",
                     "-  two spaces", "<div>", "\\x", "- \ttab", "  - nested", "#", "# ",
                     "\u00a0", "x\r", "-\u00a0x"]),
    st.text(max_size=6))
DOCUMENT = st.builds("".join, st.tuples(st.lists(LINE, max_size=14).map("\n".join),
                                       st.sampled_from(["", "\n", "\n\n", " \n"])))


def tokens(md, text: str) -> list[dict]:
    return [t.as_dict() for t in md.parse(text, {})]


@settings(max_examples=3000, deadline=None)
@given(DOCUMENT)
@example("Para one\nline two\n\n- a\n- b c\n\n\n\nlast\n")
@example("# Head\n\n- a\n\n- b\n")
@example("Text\n- item\n")
@example("- a\n- b")
@example("A\x85\n\n- b\x1c\n\n# c\x85\n")    # not whitespace to CommonMark's trim
@example("- A\n   ")                                 # an unended last line of spaces
def test_quick_blocks_equal_the_block_parser_on_random_documents(text: str) -> None:
    assert tokens(MD, text) == tokens(REFERENCE, text)


def test_the_fast_path_answers_for_the_commonest_bodies() -> None:
    """It must not decline everything (the test above would still pass)."""
    assert simple_blocks("Para one\nline two\n\n## Head\n\n- a\n- b\n\nLast «x».\n")
    assert simple_blocks("A\n\n- a\n\n- b\n") is None          # one loose list: declined
    assert simple_blocks("Text\n- item\n") is None             # a list ends a paragraph


def test_every_page_body_of_the_repository_parses_as_without_the_fast_path() -> None:
    bodies = [found[1] for path in sorted(ROOT.glob("**/content/**/*.md"))
              if path.is_file() and ".venv" not in path.parts
              and (found := split_front_matter(path.read_bytes().decode("utf-8", "replace"),
                                               path, Collector(ROOT)))]
    answered = [body for body in bodies if simple_blocks(body) is not None]
    assert bodies and answered
    for body in bodies:
        assert tokens(MD, body) == tokens(REFERENCE, body), body[:80]
