"""The inline fast paths (`segments.quickinline`: `plain_inline`, `linked_inline`) equal
markdown-it-py's parseInline wherever they answer: on random text and on every msgstr
of the repository."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st
from markdown_it.rules_core import block as core_block
from markdown_it.rules_core import inline as core_inline

from builder.catalogues.poread import parse_po
from builder.render.bidi import isolate_ltr_runs
from builder.render.body import render_inline
from builder.render.tokens import copy_token
from builder.segments.blocks import make_markdown
from builder.segments.linkslots import SLOT_RE, from_slots
from builder.segments.quickinline import linked_inline, plain_inline

ROOT = Path(__file__).resolve().parents[2]
MD = make_markdown()
# The reference: the same parser with markdown-it's own `block` and `inline` core rules,
# no fast path.
REFERENCE = make_markdown()
REFERENCE.core.ruler.at("inline", core_inline)
REFERENCE.core.ruler.at("block", core_block)
PIECES = st.sampled_from([
    "word", "mot", "كلمة", " ", "  ", "\t", "\n", "\r", "\0", "\\", "`", "*", "_", "[", "]",
    "!", "<", ">", "&", "&amp;", "(", ")", "{1}", "]{1}", "~~", "#", "|", "-", ".", "%(x)s",
    "é", "\u00a0", "\u200f", "http://a.b/c", "page:x", "\"", "'", "1.", "  \n",
])
TEXT = st.lists(st.one_of(PIECES, st.text(max_size=6)), max_size=30).map("".join)


def parsed(text: str) -> list[dict]:
    tokens = REFERENCE.parseInline(text, {})
    return [t.as_dict() for t in (tokens[0].children or [])] if tokens else []


def check(text: str) -> None:
    plain = plain_inline(text)
    if plain is None:
        return
    assert [t.as_dict() for t in plain] == parsed(text)
    slow = REFERENCE.parseInline(text)
    html = REFERENCE.renderer.render(slow, REFERENCE.options, {})
    plain_text = REFERENCE.renderer.renderInlineAsText(slow[0].children or [],
                                                       REFERENCE.options, {})
    assert render_inline(MD, text) == (html, plain_text)
    isolated = [copy_token(slow[0], children=isolate_ltr_runs(slow[0].children or []))]
    assert render_inline(MD, text, isolate_ltr=True) == \
        (REFERENCE.renderer.render(isolated, REFERENCE.options, {}), plain_text)


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


# Text made of plain runs and links, with the pieces that must stop the link fast path:
# unsafe schemes, escapes, entities, nesting, titles, images, spaces in destinations.
LINK_PIECES = st.sampled_from([
    "[", "]", "(", ")", "](", "[a](page:x)", "[a b](page:topics/x#y)",
    "[é](https://x.org/a?b=1%20)",
    "[x](javascript:alert)", "[x](JAVASCRIPT:y)", "[x](data:a)", "[x](vbscript:z)", "[x](file:/a)",
    "[ x ](p)", "[x]( p)", "[x](p q)", "[x](p \"t\")", "[x](<p>)", "[x](p&amp;)", "[x](p\\_)",
    "![x](p)", "[[x]](p)", "[x](p)(q)", "[x]", "[x][y]", "[]( p)", "[](p)", "%", "%zz", "#",
    "page:x", "word", " ", "  ", "\n", "ك", "*", "_", "`", "&", "!", "<", "\\", "\u00a0",
])
LINKED = st.lists(st.one_of(LINK_PIECES, PIECES), max_size=20).map("".join)


def check_linked(text: str) -> bool:
    quick = linked_inline(MD, text)
    if quick is None:
        return False
    assert [t.as_dict() for t in quick] == parsed(text), text
    return True


@settings(max_examples=4000, deadline=None)
@given(LINKED)
@example("a [b c](page:topics/x#y) d [e](https://x.org/a?b=1%20) f")
@example("[x](javascript:alert)")
@example("!x [a](b)")
def test_link_fast_path_equals_parser_on_random_text(text: str) -> None:
    check_linked(text)


def test_link_fast_path_equals_parser_on_every_translated_paragraph(tmp_path: Path) -> None:
    """On the msgstrs of the repository's catalogues (the demo's, the test sites') and of
    a site of random text (the benchmarks' generator), with their links put back as the
    renderer puts them back (`from_slots`)."""
    spec = importlib.util.spec_from_file_location("gen_site", ROOT / "benchmarks" / "gen_site.py")
    gen_site = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen_site)
    gen_site.generate(tmp_path / "random", 20, seed=5)
    answered = 0
    catalogues = [*ROOT.glob("locales/*/LC_MESSAGES/*.po"),
                  *ROOT.glob("tests/sites/*/locales/*/LC_MESSAGES/*.po"),
                  *tmp_path.glob("random/locales/*/LC_MESSAGES/*.po")]
    texts = [entry.msgstr for po in sorted(catalogues)
             for entry in parse_po(po.read_text("utf-8")) if entry.msgstr]
    for text in texts:
        slots = sorted(set(SLOT_RE.findall(text)), key=int)
        restored = from_slots(text, tuple(f"(page:topics/x-{n})" for n in slots)) \
            if slots == [str(n) for n in range(1, len(slots) + 1)] else text
        answered += check_linked(restored or text)
    assert answered >= 100, answered   # taken on real text, not only refused


# Lines of every block kind, each holding plain text, plain links or other inline syntax.
INLINE = st.one_of(st.sampled_from([
    "word", "un mot", "[a](page:x)", "see [b c](page:topics/y#z)", "[d][ref]", "[ref]", "*em*",
    "`c`", "![i](m.png)", "a  ", "<https://a.org>", "&amp;", "\\*", "x_y", "[e](javascript:x)"]),
    LINKED)
LINE = st.tuples(st.sampled_from(["", "# ", "## ", "- ", "* ", "1. ", "> ", "    ", "| ", "   "]),
                 st.lists(INLINE, min_size=1, max_size=4).map(" ".join)).map("".join)
BLOCKS = st.sampled_from(["", "", "```", "---", "| - |", "[ref]: page:r", "[ref]: <a b>",
                          "<div>", "a\\"])
DOCUMENT = st.lists(st.one_of(LINE, BLOCKS), max_size=14).map("\n".join)


def same_document(text: str) -> None:
    assert [t.as_dict() for t in MD.parse(text, {})] == \
        [t.as_dict() for t in REFERENCE.parse(text, {})], text


@settings(max_examples=1500, deadline=None)
@given(DOCUMENT)
def test_a_random_document_parses_as_without_the_fast_paths(text: str) -> None:
    same_document(text)


def test_every_page_body_parses_as_without_the_fast_paths(tmp_path: Path) -> None:
    """Every content file of the repository and of a generated site of random text."""
    spec = importlib.util.spec_from_file_location("gen_site", ROOT / "benchmarks" / "gen_site.py")
    gen_site = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen_site)
    gen_site.generate(tmp_path / "random", 20, seed=9)
    pages = [*ROOT.glob("content/**/*.md"), *ROOT.glob("tests/**/content/**/*.md"),
             *tmp_path.glob("random/content/**/*.md")]
    assert len(pages) > 40
    for page in sorted(p for p in pages if p.is_file() and not p.is_symlink()):
        try:
            text = page.read_text("utf-8")
        except UnicodeDecodeError:     # tests/broken: a page that is not UTF-8
            continue
        same_document(text)


# Plain URLs, and nearly plain ones: one character or piece that markdown-it may
# encode, in the host or in the path.
ODD_HOST = st.sampled_from(["", "", "", "é", "A", "%", "_", ":8080", "u@", "..", "["])
ODD_PATH = st.sampled_from(["", "", "", "%", "%zz", "%20", " ", "é", "?q=1&r", "#x", "@", ":",
                            "(", "\\", "\"", "'", "<", "\u00a0", "*", "%2F"])
URL = st.builds("{}://{}{}{}/{}{}{}".format, st.sampled_from(["http", "https", "ftp", "HTTP"]),
                st.from_regex(r"\A[a-z0-9-]{1,6}(\.[a-z0-9-]{1,5}){0,2}\Z"), ODD_HOST,
                st.from_regex(r"\A[a-z0-9-]{0,3}\Z"), st.text(alphabet="/aZ9._~-", max_size=8),
                ODD_PATH, st.text(alphabet="/aZ9._~-", max_size=4))


@settings(max_examples=500, deadline=None)
@given(url=URL)
@example(url="https://example.org/1990-01-01-item-000000")
@example(url="HTTPS://Example.org/x")
@example(url="https://bücher.example/a b")
def test_link_normalisation_equals_markdown_its_own(url: str) -> None:
    """make_markdown's normalizeLink (plain URLs kept as they are, others memoised)
    gives what markdown-it's own gives, on random URLs, plain ones most of all."""
    from markdown_it.common.normalize_url import normalizeLink

    assert MD.normalizeLink(url) == normalizeLink(url)
