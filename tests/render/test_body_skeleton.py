"""A body rendered from its skeleton (`render.body`: the blocks' HTML made once per
parsed body, each locale rendering only the blocks' inline content) equals the body
rendered the way markdown-it renders a token stream: every token, with each block's
inline token swapped for its translation (the reference below, the builder's code
until the skeleton). On random documents, random translations (plain, with links,
with Markdown, missing), marks on blocks (fallbacks, the preview), right-to-left
isolation, and on every page of the test sites."""

from __future__ import annotations

import html

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it.token import Token

from builder.render.bidi import isolate_ltr_runs
from builder.render.body import (
    Skeletons,
    _image_with_alt,
    _inline_children,
    _resolve_links,
    _translate_titles,
    body_skeleton,
    render_body,
    scroll_regions,
)
from builder.render.tokens import copy_token
from builder.segments.blocks import make_markdown, parse_body
from builder.segments.linkslots import from_slots
from builder.source.content import Page
from tests.segments.test_properties import MD_PIECES

MD = make_markdown()
BLOCKS = st.sampled_from([
    "\n\n| a | b |\n|:--|--:|\n| c | d |\n\n", "\n\n- x\n- y\n\n", "\n\n- x\n\n- y\n\n",
    "\n\n1. x\n2. *y*\n\n", "\n\n> q\n> r\n\n", "\n\n## Head\n\n", "\n\n![alt](i.png \"t\")\n\n",
    "[l](page:pages/about \"tip\")", "[l](https://example.org)", "Latin 2.0 text",
    "See [the page](page:pages/about) and [x y](https://example.org/a?b=1&c=2).",
    "[l](javascript:alert(1))",
])
BODY = st.lists(st.one_of(MD_PIECES, BLOCKS, st.text(max_size=8)), max_size=40).map("".join)
TRANSLATION = st.one_of(
    st.sampled_from(["", "Texte traduit", "نص مترجم PhotoDNA 2.0 هنا", "a < b & c",
                     "[lien]{1} et [autre]{2}", "[lien]{1}", "*gras* `code`", "**x**\n_y_",
                     "ligne  \nsuite", "![img](x.png)", "[x](page:pages/about \"titre\")",
                     "Voir [la page](page:pages/about) Latin [x](https://e.org/\"q\")",
                     "[ ](page:a)", "a [b](c) [d](e)\nf", "[x](javascript:alert(1))"]),
    st.text(max_size=12)).filter(lambda t: "\0" not in t)


def page(body: str) -> Page:
    return Page(key="pages/p", kind="page", source="content/pages/p.md", title="T",
                summary="", date=None, topics=(), related=(), image=None, order=0,
                translator_note="", limits=(), required=(), contexts=(), body=body,
                body_line=4, lines=())


def stream_render_body(parsed, md, translate, fallback_attrs, resolve, isolate_ltr=False,
                       marker=None):
    """The reference: the whole token stream rendered, each inline token swapped."""
    tokens = list(parsed.tokens)
    env = {"references": dict(parsed.references)}
    fallbacks = 0
    for slot in parsed.slots:
        segment = slot.segment
        text, fallback = translate(segment.msgctxt, segment.msgid)
        if segment.targets:
            restored = from_slots(text, segment.targets)
            fallback = fallback or restored is None
            text = restored if restored is not None else from_slots(segment.msgid, segment.targets)
        fallbacks += fallback
        inline = tokens[slot.index]
        if slot.image_only:
            children = [_image_with_alt(c, text, fallback and fallback_attrs)
                        for c in inline.children or [] if c.type == "image"]
        else:
            children = list(inline.children or []) if text == inline.content else \
                _inline_children(md, text, env)
            attrs = marker(segment) if marker else (fallback_attrs if fallback else {})
            if isolate_ltr and not fallback:
                children = isolate_ltr_runs(children)
            if attrs:
                opener = tokens[slot.index - 1]
                if not opener.hidden and opener.nesting == 1:
                    marked = copy_token(opener, attrs=dict(opener.attrs))
                    for name, value in attrs.items():
                        marked.attrSet(name, value)
                    tokens[slot.index - 1] = marked
                else:
                    attr_text = "".join(f' {k}="{html.escape(v)}"' for k, v in attrs.items())
                    children = [Token("html_inline", "", 0, content=f"<span{attr_text}>"),
                                *children, Token("html_inline", "", 0, content="</span>")]
        children = _translate_titles(children, translate, fallback)
        tokens[slot.index] = copy_token(inline, children=_resolve_links(children, resolve))
    return md.renderer.render(scroll_regions(tokens), md.options, {}), fallbacks


def resolve(target: str) -> str:
    return "../" + target.replace(":", "/") + ".html"


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=BODY, data=st.data(), isolate=st.booleans(),
       how=st.sampled_from(["fallback", "marker", "none"]))
def test_the_skeleton_renders_what_the_token_stream_renders(body, data, isolate, how):
    parsed = parse_body(page(body), MD)
    chosen: dict[tuple, tuple[str, bool]] = {}

    def translate(ctxt, msgid):
        if (ctxt, msgid) not in chosen:
            kind = data.draw(st.sampled_from(["same", "missing", "other"]))
            chosen[(ctxt, msgid)] = (msgid, kind == "missing") if kind != "other" else \
                (data.draw(TRANSLATION), False)
        return chosen[(ctxt, msgid)]

    def marker(segment):
        text, fallback = translate(segment.msgctxt, segment.msgid)
        return ({"lang": "en", "dir": "ltr"} if fallback else {}) | \
            ({"class": "i18n-fuzzy", "data-i18n-id": segment.anchor} if len(text) % 2 else {})

    attrs = {"lang": "en", "dir": "ltr"} if how == "fallback" else {}
    mark = marker if how == "marker" else None
    expected = stream_render_body(parsed, MD, translate, attrs, resolve, isolate, mark)
    assert render_body(parsed, MD, translate, attrs, resolve, isolate, mark,
                       Skeletons().get(parsed, MD)) == expected
    assert render_body(parsed, MD, translate, attrs, resolve, isolate, mark) == expected


def test_a_skeleton_is_made_once_per_parsed_body():
    skeletons = Skeletons(keep=2)
    body = "# A\n\nText [l](page:pages/about).\n\n| a |\n|---|\n| b |\n"
    first, again = parse_body(page(body), MD), parse_body(page(body), MD)
    made = skeletons.get(first, MD)
    assert skeletons.get(first, MD) is made
    assert skeletons.get(again, MD) is not made          # parsed again: a new object
    assert made.parts[0].endswith('<h1 id="a">') and "table-scroll" in made.parts[2]
    assert len(made.parts) == len(first.slots) + 1
    for n in range(3):
        skeletons.get(parse_body(page(f"p{n}"), MD), MD)
    assert skeletons.get(first, MD) is not made          # the oldest went first


def test_a_marked_block_takes_its_marks_on_its_own_tag_and_a_tight_item_on_a_span():
    parsed = parse_body(page("Para one.\n\n- item\n- other\n\n| h |\n|---|\n| c |\n"), MD)
    skeleton = body_skeleton(parsed, MD)
    html, fallbacks = render_body(parsed, MD, lambda c, m: (m, True), {"lang": "en"}, resolve,
                                  skeleton=skeleton)
    assert fallbacks == 5
    assert '<p lang="en">Para one.</p>' in html
    assert '<li><span lang="en">item</span></li>' in html
    assert '<th lang="en">h</th>' in html and '<td lang="en">c</td>' in html
