"""The theme's Jinja shortcuts (render.theme: `_CodeGenerator`, `_Context`,
`output_escape`, `_` bound to gettext) give what stock Jinja gives: on random values,
on templates that use every construct the shortcuts touch, and on whole sites, the
demo and a site of random text, built both ways to the byte."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import jinja2
import jinja2.meta
import pytest
from hypothesis import given
from hypothesis import strategies as st
from jinja2.compiler import CodeGenerator
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

from builder.engine.build import BuildOptions
from builder.pipeline import build
from builder.render import theme
from builder.render.translations import Messages, Translator

ROOT = Path(__file__).resolve().parents[2]


class Html:
    def __html__(self) -> str:
        return "<i>raw</i>"


class Text(str):
    pass


VALUES = st.one_of(st.text(), st.text().map(Markup), st.text().map(Text), st.integers(),
                   st.none(), st.just(Html()), st.floats(allow_nan=False))


@given(VALUES)
def test_output_escape_writes_what_escape_writes(value: object) -> None:
    assert theme.output_escape(value) == str(escape(value))


def test_output_escape_escapes_every_special_character() -> None:
    assert theme.output_escape("<a href='x' title=\"y\">&amp;</a>") == \
        "&lt;a href=&#39;x&#39; title=&#34;y&#34;&gt;&amp;amp;&lt;/a&gt;"


TEMPLATES = {
    "base.html": "<t>{% block title %}{{ page.title }}{% endblock %}</t>"
                 "{% block main %}{% endblock %}",
    "macros.html": "{% macro link(item, cls='') %}<a href=\"{{ item.href }}\" class=\"{{ cls }}\">"
                   "{{ item.label }}</a>{% endmacro %}"
                   "{% macro box(item) %}<div>{{ item.href }}{{ caller() }}</div>{% endmacro %}",
    "part.html": "<p>{{ page.title }}|{{ _('Included') }}</p>",
    "page.html": """{% extends "base.html" %}
{% from "macros.html" import link, box %}
{% block title %}[{{ super() }}]{% endblock %}
{% block main %}
{{ page.title }} {{ page.nested.deep.value }} {{ page.markup }} {{ page.number }}
{{ page.object.upper() }} {{ page.keys() | list | sort | join(",") }} {{ page.items() | list | length }} {{ page["items"] | length }}
{% for item in page.links %}{{ link(item) }}{{ link(item, "c") }}{% call box(item) %}<b>{{ item.label }}</b>{% endcall %}
{{ _("Skip to main content") }} {{ _("100%% sure") }} {{ gettext("Published %(date)s", date=item.label) }}
{{ ngettext("%(num)d link", "%(num)d links", loop.length) }}{{ loop.index }}{% endfor %}
{% set block_value %}<{{ page.title }}>{% endset %}{{ block_value }}
{% filter upper %}{{ page.title }}{% endfilter %}
{% autoescape false %}{{ page.title }}{% endautoescape %}
{% include "part.html" %}
{{ page.title ~ page.markup }} {{ page.get("title") }} {{ page["title"] }}
{% if page.missing is defined %}never{% else %}{{ page.attribute_holder.title }}{% endif %}
{% endblock %}""",
    "missing.html": "{{ page.links[0].nothing }}",
    "deep-missing.html": "{{ page.nested.nothing.value }}",
}


class Holder:
    title = "<holder & 'title'>"


def context() -> dict:
    return {"page": {
        "title": "<Title & \"quotes\">", "markup": Markup("<em>safe</em>"), "number": 42,
        "nested": {"deep": {"value": "d'eep"}}, "object": "obj<", "items": {1: 2},
        "links": [{"href": "a?b=1&c=<2>", "label": "One"},
                  {"href": "/two", "label": Markup("<b>Two</b>")}],
        "attribute_holder": Holder(),
    }}


def environments() -> tuple[jinja2.Environment, jinja2.Environment, Translator]:
    """Ours and stock Jinja's, with the same options and the same translator."""
    messages = Messages("fr", {("ui", None, "Skip to main content"): "Aller <au> contenu"}, {})
    translator = Translator(messages, "en", MarkdownIt(), lambda n: 0 if n == 1 else 1)
    loader = jinja2.DictLoader(TEMPLATES)
    options = dict(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined,
                   extensions=["jinja2.ext.i18n"], trim_blocks=True, lstrip_blocks=True)
    ours = theme._Environment(**options)
    stock = jinja2.Environment(**options)
    for env in (ours, stock):
        env.newstyle_gettext = True    # type: ignore[attr-defined]
        env.globals.update(gettext=translator.gettext, ngettext=translator.ngettext)
    ours.globals["_"] = translator.gettext      # as make_env does
    return ours, stock, translator


def test_templates_render_as_with_stock_jinja() -> None:
    ours, stock, translator = environments()
    assert "escape = environment.output_escape" in ours.compile(TEMPLATES["page.html"], raw=True)
    assert "_ga" in ours.compile(TEMPLATES["page.html"], raw=True)
    html = ours.get_template("page.html").render(context())
    # Asked only in a loop, without variables: Jinja's loop bookkeeping is not passed on
    # as one, so the message is formatted once and kept (Translator.gettext).
    assert "Skip to main content" in translator._plain
    assert html == stock.get_template("page.html").render(context())
    assert "&lt;Title &amp; &#34;quotes&#34;&gt;" in html and "<em>safe</em>" in html
    assert "Aller &lt;au&gt; contenu" in html and "&lt;holder &amp; &#39;title&#39;&gt;" in html
    for name in ("missing.html", "deep-missing.html"):
        errors = []
        for env in (ours, stock):
            with pytest.raises(jinja2.UndefinedError) as caught:
                env.get_template(name).render(context())
            errors.append(str(caught.value))
        assert errors[0] == errors[1]


REFERENCING = {
    **TEMPLATES,
    "refs.html": """{% extends "page.html" %}{% import "macros.html" as m %}
{% block main %}{% include ["part.html", "other.html"] %}{% include page.which %}
{% include "part.html" ignore missing %}{% from "macros.html" import box %}{% endblock %}""",
    "dynamic.html": "{% extends page.layout %}",
    "none.html": "<p>{{ page.title }}</p>",
}


@pytest.mark.parametrize("name", sorted(REFERENCING))
def test_a_compiled_template_names_what_a_parse_of_its_source_finds(name: str) -> None:
    """`referenced_templates` reads the names our code generator wrote into the module;
    stock Jinja's module has none, and its names come from parsing the source."""
    options = dict(loader=jinja2.DictLoader(REFERENCING), autoescape=True)
    ours, stock = theme._Environment(**options), jinja2.Environment(**options)
    parsed = [found for found in jinja2.meta.find_referenced_templates(
        stock.parse(REFERENCING[name])) if found]
    assert theme.referenced_templates(ours, name) == tuple(parsed)
    assert theme.referenced_templates(stock, name) == tuple(parsed)
    assert "referenced_templates = " in ours.compile(REFERENCING[name], raw=True)
    if name == "refs.html":
        assert parsed == ["page.html", "macros.html", "part.html", "other.html", "part.html",
                          "macros.html"]


def project(tmp_path: Path, name: str) -> Path:
    if name == "demo":
        root = tmp_path / "demo"
        root.mkdir()
        for part in ("content", "locales"):
            shutil.copytree(ROOT / part, root / part)
        return root
    spec = importlib.util.spec_from_file_location("gen_site", ROOT / "benchmarks" / "gen_site.py")
    gen_site = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen_site)
    gen_site.generate(tmp_path / "random", 12, seed=3)
    return tmp_path / "random"


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("name", ["demo", "random"])
def test_a_site_builds_to_the_same_bytes_with_stock_jinja(tmp_path: Path, name: str,
                                                          monkeypatch) -> None:
    root = project(tmp_path, name)
    build(root, BuildOptions(out=tmp_path / "ours", jobs=1))
    # Stock Jinja: its code generator, its context, its `_`; a checksum of its own, so
    # that no template compiled by ours is taken from the bytecode cache.
    monkeypatch.setattr(theme._Environment, "code_generator_class", CodeGenerator)
    monkeypatch.setattr(theme._Environment, "context_class", jinja2.runtime.Context)
    monkeypatch.setattr(theme, "CODE_VERSION", "stock jinja\n")
    build(root, BuildOptions(out=tmp_path / "stock", jobs=1, full=True))
    ours, stock = tree(tmp_path / "ours"), tree(tmp_path / "stock")
    assert len(ours) > 40 and ours == stock
