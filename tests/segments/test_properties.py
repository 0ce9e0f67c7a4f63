"""Property-based tests (hypothesis): whatever the input, our errors or success."""

from __future__ import annotations

import re
import tempfile
import unicodedata
from html import unescape
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builder.catalogues.pofile import read_po
from builder.errors import Collector, InputError
from builder.render.body import render_body
from builder.segments.blocks import make_markdown, parse_body
from builder.source.config import load_config
from builder.source.content import KINDS, load_page
from tests.conftest import SITES

MD_PIECES = st.sampled_from([
    "# ", "## ", "- ", "* ", "1. ", "> ", "**", "*", "_", "`", "```", "\n", "\n\n", "  \n",
    "[", "]", "(", ")", "![", "[ref]", "\n\n[ref]: https://example.org/x\n", "|", "---",
    "<b>", "&amp;", "&#x27;", "\\*", "http://a.b/c", "page:pages/about", "    code", "\t",
    "word", "mot", "كلمة", " ", ":", "\"", "'", "%(x)s", "{1}", "é", "\u200f",
])
MARKDOWN = st.lists(st.one_of(MD_PIECES, st.text(max_size=8)), max_size=40).map("".join)
YAML_VALUE = st.one_of(st.text(max_size=30), st.integers(), st.booleans(), st.none(),
                       st.sampled_from(["2015-02-30", "2015-02-20", "[a, b]", "{x: 1}",
                                        "'unclosed", '"', "- x", ": :", "&a", "*a", "!!python/object:os.system"]))
FRONT = st.dictionaries(st.sampled_from(["title", "summary", "date", "topics", "related",
                                         "image", "order", "titel", "x"]), YAML_VALUE, max_size=6)


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(front=FRONT, body=MARKDOWN, kind=st.sampled_from(sorted(KINDS)))
def test_loading_any_page_succeeds_or_reports_a_located_error(front, body, kind):
    lines = "".join(f"{key}: {value}\n" for key, value in front.items())
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "content" / kind / "page.md"
        path.parent.mkdir(parents=True)
        path.write_text(f"---\n{lines}---\n{body}", "utf-8")
        diags = Collector(Path(tmp))
        page = load_page(path, KINDS[kind], kind, diags)
        if page is None:
            assert diags.errors, "a page that failed to load must say why"
        assert all(d.path.endswith("page.md") and d.line for d in diags.errors)


@settings(max_examples=300, deadline=None)
@given(body=MARKDOWN)
def test_identity_translation_renders_the_source_text(body):
    from builder.source.content import Page

    md = make_markdown()
    body = unicodedata.normalize("NFC", body)
    page = Page(key="pages/p", kind="page", source="content/pages/p.md", title="T", summary="",
                date=None, topics=(), related=(), image=None, order=0, translator_note="", limits=(), required=(), contexts=(),
                body=body, body_line=4, lines=())
    parsed = parse_body(page, md)
    html, fallbacks = render_body(parsed, md, lambda ctxt, msgid: (msgid, False), {},
                                  lambda target: target)
    assert fallbacks == 0
    # load_page normalises every file to NFC before anything else sees it.
    assert text_of(html) == text_of(md.render(unicodedata.normalize("NFC", body)))


PO_LINES = st.sampled_from([
    'msgid ""', 'msgstr ""', '"Content-Type: text/plain; charset=UTF-8\\n"', 'msgid "a"',
    'msgstr "b"', 'msgctxt "c"', 'msgid_plural "as"', 'msgstr[0] "x"', 'msgstr[1] "y"',
    '#, fuzzy', '#| msgid "old"', '#~ msgid "gone"', '#~ msgstr "parti"', '# note', '#. id: x',
    '"continued"', 'msgstr "unterminated', 'garbage', '', 'msgid "a\\q"', '"Plural-Forms: x\\n"',
])


@settings(max_examples=300, deadline=None)
@given(lines=st.lists(st.one_of(PO_LINES, st.text(max_size=12)), max_size=25))
def test_loading_any_po_file_succeeds_or_reports_file_and_line(lines):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "locales" / "fr" / "LC_MESSAGES" / "topics.po"
        path.parent.mkdir(parents=True)
        path.write_text("\n".join(lines), "utf-8")
        try:
            read_po(path, Path(tmp))
        except InputError as exc:
            assert exc.diagnostics
            for d in exc.diagnostics:
                assert d.path == "locales/fr/LC_MESSAGES/topics.po" and d.line is not None


def test_the_mini_site_config_loads():
    assert load_config(SITES / "mini").locales == ("en", "fr", "ar")
