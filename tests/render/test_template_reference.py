"""docs/templates.md documents every variable every template is given, and the keys of
every mapping among them: a variable added to a page's context without a line in the
reference fails here. The contexts are those of a real build (a new site with a logo,
footer links, an image and related links, so that every optional value is there)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from builder.cli.app import main
from builder.render.locale import LocaleRenderer
from builder.render.theme import make_env
from builder.source.theme import theme_templates
from tests.conftest import REPO, SITES
from tests.newsite import make_new_site

DOC = REPO / "docs" / "templates.md"
TICKED = re.compile(r"`([^`]+)`")


def documented() -> dict[str, dict[str, set[str]]]:
    """Template → variable → the keys the reference lists for it."""
    found: dict[str, dict[str, set[str]]] = {}
    pages: list[str] = []
    for line in DOC.read_text("utf-8").splitlines():
        if line.startswith("Pages:"):
            pages = TICKED.findall(line)
        elif line.startswith("## "):
            pages = []
        elif line.startswith("| `") and pages:
            name = TICKED.findall(line)[0]
            keys = set(TICKED.findall(line.split("keys:", 1)[1])) if "keys:" in line else set()
            for page in pages:
                found.setdefault(page, {}).setdefault(name, set()).update(keys)
    return found


@pytest.fixture(scope="module")
def contexts(tmp_path_factory) -> dict[str, dict[str, set[str]]]:
    """Template → variable → keys of the mappings it holds, over a whole build."""
    root = make_new_site(tmp_path_factory.mktemp("reference"))
    (root / "content/media").mkdir()
    shutil.copyfile(SITES / "diff/content/media/map.png", root / "content/media/logo.png")
    with (root / "content/site.yaml").open("a", encoding="utf-8") as settings:
        settings.write("logo: {src: logo.png, alt: Example Water Agency}\n"
                       "favicon: logo.png\naccent: {light: '#00557a'}\n"
                       "footer_links:\n  - {label: Contact, page: pages/about}\n"
                       "  - {label: Elsewhere, url: 'https://example.org/'}\n")
    about = root / "content/pages/about.md"
    about.write_text(about.read_text("utf-8").replace(
        "summary: Who we are.", "summary: Who we are.\nimage: {src: logo.png, alt: Our logo, "
        "caption: Our logo}\nrelated:\n  - page: topics/our-work\n"
        "  - {url: 'https://example.org/', label: A partner}"), "utf-8")
    seen: dict[str, dict[str, set[str]]] = {}
    render = LocaleRenderer.render

    def spy(self, template, context):
        for name, value in context.items():
            keys = seen.setdefault(template, {}).setdefault(name, set())
            for item in value if isinstance(value, list) else [value]:
                keys |= set(item) if isinstance(item, dict) else set()
        return render(self, template, context)

    LocaleRenderer.render = spy
    try:
        assert main(["update", "--project", str(root)]) == 0
        assert main(["build", "--project", str(root), "--jobs", "1", "--full"]) == 0
    finally:
        LocaleRenderer.render = render
    return seen


def test_every_template_variable_and_key_is_documented(contexts):
    doc = documented()
    assert set(contexts) == {name.removeprefix("theme/") for name in theme_templates()} - \
        {"base.html", "macros.html"}
    missing = [f"{template}: `{name}`" for template, names in contexts.items()
               for name in names if name not in doc.get(template, {})]
    assert missing == [], "add these to docs/templates.md"
    keys = [f"{template}: `{name}` key `{key}`" for template, names in contexts.items()
            for name, found in names.items() for key in found
            if key not in doc[template][name]]
    assert keys == [], "add these keys to docs/templates.md"


def test_the_reference_lists_nothing_that_does_not_exist(contexts):
    stale = [f"{template}: `{name}`" for template, names in documented().items()
             for name in names if name not in contexts.get(template, {})]
    assert stale == []


def test_every_filter_and_function_the_theme_adds_is_documented(mini: Path):
    """Filters and globals beyond Jinja's own."""
    import jinja2
    from markdown_it import MarkdownIt

    from builder.render.translations import Messages, Translator
    from builder.render.theme import PreloadedTemplates
    from builder.errors import Collector

    plain = jinja2.Environment(extensions=["jinja2.ext.i18n"])
    translator = Translator(Messages("fr", {}, {}), "en", MarkdownIt(), lambda n: 0)
    env = make_env(PreloadedTemplates({}, Collector()), translator)
    added = (set(env.filters) - set(plain.filters)) | (set(env.globals) - set(plain.globals))
    text = DOC.read_text("utf-8")
    assert {name for name in added if f"`{name}`" not in text} == set()
