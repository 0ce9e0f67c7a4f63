"""Markdown blocks ↔ msgids: what is a segment, and how a translation renders."""

from __future__ import annotations

import sys
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from builder.render.body import render_body
from builder.segments.blocks import (OTHER_SPACE, WS_RE, make_markdown, normalize,
                                     page_segments, parse_body)
from builder.source.content import Page


def page(body: str, **extra) -> Page:
    fields = dict(key="topics/t", kind="topic", source="content/topics/t.md", title="T",
                  summary="", date=None, topics=(), related=(), image=None, order=0,
                  translator_note="", limits=(), required=(), contexts=(), body=body, body_line=5, lines=(("title", 2),))
    fields.update(extra)
    return Page(**fields)


def segments(body: str):
    md = make_markdown()
    p = page(body)
    return page_segments(p, parse_body(p, md))


def test_rewrapping_a_paragraph_keeps_its_msgid():
    one = segments("A paragraph that is long\nand wrapped   here.\n")
    two = segments("A paragraph   that is long and\n   wrapped here.\n")
    assert [s.msgid for s in one] == [s.msgid for s in two]
    assert one[-1].msgid == "A paragraph that is long and wrapped here."


def test_block_kinds_anchors_and_lines():
    body = "Intro.\n\n## The part\n\nText one.\n\n- item *one*\n- item two\n\n| a | b |\n|---|---|\n| c | d |\n"
    segs = segments(body)
    by_id = {s.anchor: s for s in segs}
    assert by_id["topics/t#title"].kind == "title"
    assert by_id["topics/t#intro.p1"].msgid == "Intro."
    assert by_id["topics/t#intro.p1"].line == 5
    assert by_id["topics/t#the-part.h1"].msgid == "The part"
    assert by_id["topics/t#the-part.p1"].line == 9
    assert by_id["topics/t#the-part.li1"].msgid == "item *one*"   # inline Markdown kept
    assert by_id["topics/t#the-part.th1"].msgid == "a"
    assert by_id["topics/t#the-part.td2"].msgid == "d"


def test_lone_image_is_its_alt_text_with_a_context():
    segs = segments("![A map of *the* world](map.png)\n")
    assert (segs[-1].msgctxt, segs[-1].msgid, segs[-1].kind) == \
        ("img.alt", "A map of the world", "image alt text")


def test_normalize_is_nfc_and_collapses_whitespace():
    assert normalize("  Cafe\u0301 \t au\n lait ") == "Café au lait"
    assert normalize(" 10\u00a0km \u2009 x\x1c") == "10\u00a0km \u2009 x\x1c"   # kept


def test_other_space_is_what_split_cuts_at_and_the_regex_does_not():
    """`normalize`'s fast way (str.split) is taken only where it cuts where WS_RE does."""
    spaces = {chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()}
    assert {c for c in spaces if OTHER_SPACE.regex.match(c)} == spaces - set(" \t\n\r\f\v")
    assert not any(OTHER_SPACE.regex.match(chr(c)) for c in range(sys.maxunicode + 1)
                   if not chr(c).isspace())


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.sampled_from([" ", "  ", "\t", "\n", "\r\n", "\f", "\v", "\x1c", "\x85",
                                 "\u00a0", "\u2009", "\u3000", "e", "\u0301", "word", "كلمة"]),
                max_size=20).map("".join))
def test_normalize_equals_the_regex_way(text: str):
    assert normalize(text) == WS_RE.sub(" ", unicodedata.normalize("NFC", text)).strip(" ")


def render(body: str, table: dict, fallback=True):
    md = make_markdown()
    p = page(body)
    parsed = parse_body(p, md)

    def translate(ctxt, msgid):
        return (table[msgid], False) if msgid in table else (msgid, True)

    attrs = {"lang": "en", "dir": "ltr"} if fallback else {}
    def resolve(target):
        scheme, _, key = target.partition(":")
        path, _, fragment = key.partition("#")
        if scheme == "media":
            return f"/media/{key}"
        return f"/{path}.html" + (f"#{fragment}" if fragment else "")

    return render_body(parsed, md, translate, attrs, resolve)


def test_translation_replaces_inline_content_and_keeps_structure():
    html, fallbacks = render("## Head\n\nHello *world*.\n", {"Head": "Tête",
                                                           "Hello *world*.": "Bonjour *monde*."})
    assert fallbacks == 0
    assert '<h2 id="head">Tête</h2>' in html
    assert "<p>Bonjour <em>monde</em>.</p>" in html


def test_missing_translation_falls_back_with_source_language():
    html, fallbacks = render("One.\n\n- two\n- three\n", {"One.": "Un.", "two": "deux"})
    assert fallbacks == 1
    assert "<p>Un.</p>" in html
    assert '<li><span lang="en" dir="ltr">three</span></li>' in html


def test_raw_html_and_script_urls_in_a_translation_are_inert():
    html, _ = render("Safe.\n", {"Safe.": '<img src=x onerror=alert(1)> [x](javascript:alert(1))'})
    assert "<img" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert 'href="javascript' not in html


def test_page_links_resolve_per_locale():
    html, _ = render("See [about](page:pages/about#team).\n", {})
    assert '<a href="/pages/about.html#team">about</a>' in html
    assert "page:" not in html


def test_latin_runs_in_right_to_left_text_are_isolated():
    from builder.render.body import render_inline

    html, text = render_inline(make_markdown(), "قمة #WeProtect في Côte d’Ivoire و U.S. عام 2014", True)
    assert html == ('قمة <bdi dir="ltr">#WeProtect</bdi> في <bdi dir="ltr">Côte d’Ivoire</bdi> '
                    'و <bdi dir="ltr">U.S.</bdi> عام 2014')
    assert text == "قمة #WeProtect في Côte d’Ivoire و U.S. عام 2014"


def test_link_destinations_become_numbered_slots_with_context():
    segs = segments('Read the [annual report](https://example.org/r "Report") and '
                    '[our `work`](page:pages/about#team).\n')
    seg = segs[-2]
    assert seg.msgid == "Read the [annual report]{1} and [our `work`]{2}."
    assert (segs[-1].msgctxt, segs[-1].msgid) == ("link.title", "Report")
    assert seg.comment().splitlines()[1:] == ["context: T",
                                             '{1}: https://example.org/r "Report"',
                                             "{2}: page:pages/about#team"]
    assert seg.flags() == ["md-text", "python-brace-format"]


def test_comments_name_the_segment_its_source_hash_and_heading_path():
    segs = segments("## Part\n\n### Sub\n\nText.\n")
    text = segs[-1].comment().splitlines()
    assert text[0].startswith("id: topics/t#sub.p1 (paragraph, source ")
    assert text[1] == "context: T › Part › Sub"
    assert segs[2].comment().splitlines()[1] == "context: T › Part"   # the heading "Sub"


def test_a_translation_moves_link_text_but_cannot_change_the_url():
    body = "Read the [report](https://example.org/r) now.\n"
    html, fallbacks = render(body, {"Read the [report]{1} now.": "Lisez maintenant le [rapport]{1}."})
    assert (html, fallbacks) == ('<p>Lisez maintenant le <a href="https://example.org/r">rapport</a>.</p>\n', 0)
    html, fallbacks = render(body, {"Read the [report]{1} now.": "Lisez le [rapport](https://evil.example)."})
    assert fallbacks == 1
    assert 'href="https://example.org/r"' in html and "evil" not in html


def test_blocks_the_scanner_cannot_slot_keep_their_markdown():
    assert segments("See [x][ref].\n\n[ref]: https://example.org\n")[-1].msgid == "See [x][ref]."
    assert segments("Mail <https://example.org>.\n")[-1].msgid == "Mail <https://example.org>."
    assert segments("Code `[a](b)` stays.\n")[-1].msgid == "Code `[a](b)` stays."


def test_link_titles_are_segments_of_their_own():
    segs = segments('See [the report](https://example.org/r "Annual report 2024").\n')
    assert [(s.msgctxt, s.msgid, s.kind) for s in segs[-2:]] == [
        (None, "See [the report]{1}.", "paragraph"),
        ("link.title", "Annual report 2024", "link title")]
    html, _ = render('See [the report](https://example.org/r "Annual report 2024").\n',
                     {"Annual report 2024": "Rapport annuel 2024"})
    assert 'title="Rapport annuel 2024"' in html


def test_a_hard_line_break_stays_in_the_msgid_as_a_backslash_and_a_newline():
    """An address or a verse breaks its lines on purpose (`\\` or two spaces at a line's
    end): the msgid keeps each break, written one way, so re-wrapping elsewhere still
    changes nothing, and the page shows the break instead of a stray backslash."""
    one = segments("Office one\\\nRue du Lac 4  \n1000   Town\n")
    two = segments("Office   one\\\nRue du\nLac 4   \n1000 Town\n")
    assert one[-1].msgid == two[-1].msgid == "Office one\\\nRue du Lac 4\\\n1000 Town"
    # A code span's newline is a space, whatever precedes it: no break there.
    assert segments("Call `a  \nb` now\\\nplease\n")[-1].msgid == "Call `a b` now\\\nplease"
    html, fallbacks = render("Office one\\\nRue du Lac 4  \n1000 Town\n",
                             {"Office one\\\nRue du Lac 4\\\n1000 Town":
                              "Bureau un\\\nRue du Lac 4\\\n1000 Ville"})
    assert fallbacks == 0 and html == "<p>Bureau un<br>\nRue du Lac 4<br>\n1000 Ville</p>\n"
    html, fallbacks = render("Office one\\\nTown\n", {})
    assert fallbacks == 1 and html == '<p lang="en" dir="ltr">Office one<br>\nTown</p>\n'


def test_a_hard_line_break_reaches_the_catalogue_and_the_page(tmp_path):
    import subprocess

    import polib

    from builder.engine.build import BuildOptions
    from builder.pipeline import build, update
    from tests.conftest import catalogue_of, make_project

    root = make_project(tmp_path, "mini")
    (root / "content" / "pages" / "about.md").write_text(
        "---\ntitle: About us\n---\n\nOur office:\\\nRue du Lac 4  \n1000 Town\n", "utf-8")
    update(root)
    msgid = "Our office:\\\nRue du Lac 4\\\n1000 Town"
    path = catalogue_of(root, "fr", msgid)
    for checked in (path, root / "locales" / f"{path.stem}.pot"):
        subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(checked)], check=True)
    catalogue = polib.pofile(str(path), wrapwidth=0)
    catalogue.find(msgid).msgstr = "Notre bureau :\\\nRue du Lac 4\\\n1000 Ville"
    catalogue.save()
    build(root, BuildOptions())
    page = (root / "site" / "fr" / "about.html").read_text("utf-8")
    assert "<p>Notre bureau :<br>\nRue du Lac 4<br>\n1000 Ville</p>" in page


def test_page_digest_tells_apart_every_field_and_keeps_equal_pages_equal():
    """`page_digest` keys a page's analysis and its domain's template in the record:
    a field it missed would let a rebuild or an `update` keep what an edit changed."""
    import dataclasses
    import datetime as dt

    from builder.segments.analysis import page_digest
    from builder.source.content import Link

    base = page("Intro.\n\nText, \"quoted\" and \\ escaped.\n", lines=(("title", 2),))
    other = dict(key="topics/u", kind="news", source="content/topics/u.md", title="U",
                 summary="S", date=dt.date(2024, 5, 1), topics=("topics/t",),
                 related=(Link(None, "https://example.org/", "Elsewhere", 9),), image=None, order=3,
                 translator_note="note", limits=(("title", 40),), required=("summary",),
                 contexts=(("title", "heading"),), body="Intro.\n", body_line=6,
                 lines=(("title", 3),))
    digests = {page_digest(base)}
    for name, value in other.items():
        if name != "image":
            digests.add(page_digest(dataclasses.replace(base, **{name: value})))
    assert len(digests) == len(other)   # every field but the (equal) image moved it
    # The same values in new objects: the same digest (a page read again from its file).
    assert page_digest(page(str(base.body))) == page_digest(base)
    # A one-character edit anywhere in the body.
    assert page_digest(dataclasses.replace(base, body=base.body.replace("\\", "/"))) != \
        page_digest(base)
