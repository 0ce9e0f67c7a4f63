"""Every finding on a built site names its source: content line, template line, PO line.

A real project (the `mini` test site) is given three defects — an empty link
in a Markdown paragraph, the same empty link in its French translation, and an
image without alt text in a template — then built, translated with polib,
checked in real Chromium through the CLI, and each report is read back.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import polib
import pytest

from builder.cli.app import main
from tests.conftest import copy_theme, make_project

BROKEN = """---
title: Broken page
summary: A page with problems.
---

## Problems

An empty link: [](page:pages/about) here.

#### Too deep

Another paragraph.
"""
LINK_LINE = 8       # the paragraph with the empty link in content/pages/broken.md
HEADING_LINE = 10   # "#### Too deep"


@pytest.fixture(scope="module")
def checked(tmp_path_factory) -> Path:
    root = make_project(tmp_path_factory.mktemp("sources"), "mini")
    copy_theme(root)   # the project's own templates: a template line to point to
    (root / "content" / "pages" / "broken.md").write_text(BROKEN, encoding="utf-8")
    assert main(["update", "--project", str(root)]) == 0
    for domain in ("pages", "ui"):     # the page's text, the interface's
        po = polib.pofile(str(root / "locales" / "fr" / "LC_MESSAGES" / f"{domain}.po"),
                          wrapwidth=0)
        for entry in po:
            if entry.msgid == "An empty link: []{1} here.":
                entry.msgstr = "Un lien vide : []{1} ici."
            if entry.msgid == "All languages":
                entry.msgstr = "Toutes les langues"
        po.save()
    base = root / "templates" / "base.html"
    text = base.read_text(encoding="utf-8")
    anchor = '<a href="{{ root_href }}">{{ _("All languages") }}</a>'
    assert anchor in text
    base.write_text(text.replace(anchor, anchor + '\n<img src="{{ css_href }}" class="badge">'),
                    encoding="utf-8")
    assert main(["build", "--project", str(root)]) == 0
    reports = root / "reports"
    assert main(["check", "--project", str(root), "--cells", "light:1280", "--no-cache",
                 "--reports", str(reports), "--quiet"]) == 1
    return root


def _lines_of(path: Path, needle: str) -> list[int]:
    return [n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
            if needle in line]


def _nodes(root: Path, page: str, rule: str) -> list[dict]:
    doc = json.loads((root / "reports" / "results.json").read_text(encoding="utf-8"))
    return [n for p in doc["results"] if p["path"] == page
            for kind in ("violations", "best_practice", "incomplete")
            for f in p[kind] if f["id"] == rule for n in f["nodes"]]


def test_body_blocks_point_to_their_content_line(checked: Path) -> None:
    (link,) = _nodes(checked, "en/broken.html", "link-name")
    assert link["sources"] == [{"kind": "content", "path": "content/pages/broken.md",
                                "line": LINK_LINE, "note": "pages/broken#problems.p1"}]
    (heading,) = _nodes(checked, "ar/broken.html", "heading-order")  # untranslated: content only
    assert [(s["path"], s["line"]) for s in heading["sources"]] == [
        ("content/pages/broken.md", HEADING_LINE)]


def test_translated_text_points_to_its_po_entry_too(checked: Path) -> None:
    (link,) = _nodes(checked, "fr/broken.html", "link-name")
    po = checked / "locales" / "fr" / "LC_MESSAGES" / "pages.po"
    (msgstr,) = _lines_of(po, 'msgstr "Un lien vide')
    assert [(s["kind"], s["path"], s["line"]) for s in link["sources"]] == [
        ("content", "content/pages/broken.md", LINK_LINE),
        ("catalogue", "locales/fr/LC_MESSAGES/pages.po", msgstr)]


def test_template_elements_point_to_the_template_line(checked: Path) -> None:
    (line,) = _lines_of(checked / "templates" / "base.html", 'class="badge"')
    for page in ("en/index.html", "fr/broken.html", "ar/news/index.html"):
        (image,) = _nodes(checked, page, "image-alt")
        assert image["sources"][0]["path"] == "templates/base.html", page
        assert image["sources"][0]["line"] == line and image["sources"][0]["kind"] == "template"


def test_sarif_junit_and_html_carry_the_source(checked: Path) -> None:
    reports = checked / "reports"
    sarif = json.loads((reports / "results.sarif").read_text(encoding="utf-8"))
    results = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "link-name"]
    fr = next(r for r in results if r["properties"]["page"] == "site/fr/broken.html")
    location = fr["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "content/pages/broken.md"
    assert location["region"]["startLine"] == LINK_LINE
    related = {r["physicalLocation"]["artifactLocation"]["uri"] for r in fr["relatedLocations"]}
    assert related == {"site/fr/broken.html", "locales/fr/LC_MESSAGES/pages.po"}
    junit = ET.parse(reports / "junit.xml").getroot()
    failures = [c.find("failure").text for c in junit.iter("testcase")
                if c.find("failure") is not None and c.get("name") == "link-name [light-1280]"]
    assert any(f"source: content/pages/broken.md:{LINK_LINE}" in text for text in failures)
    html = (reports / "report.html").read_text(encoding="utf-8")
    assert f'Source: <code dir="ltr">content/pages/broken.md:{LINK_LINE}, translation ' \
           "locales/fr/LC_MESSAGES/pages.po:" in html


def test_summary_names_what_it_counts(checked: Path) -> None:
    doc = json.loads((checked / "reports" / "results.json").read_text(encoding="utf-8"))
    summary = doc["summary"]
    pages = summary["pages"]
    # image-alt on every page but the language chooser; link-name on three.
    assert summary["blocking_rules"] == 2
    assert summary["blocking_elements"] == (pages - 1) + 3
    assert summary["failing_checks"] == pages - 1 and summary["failing_pages"] == pages - 1
    assert summary["violations_by_rule"] == {"image-alt": pages - 1, "link-name": 3}


def test_demo_template_elements_and_their_translations(demo_site: Path, repo: Path) -> None:
    """On the demo's own templates and catalogues, without a browser: what the browser
    would have read of three elements of the French topic page, placed."""
    from builder.a11y.model import ElementInfo, PageResult, RenderCell
    from builder.a11y.sources import SourceMap

    sources = SourceMap(repo, demo_site)
    path = "fr/topics/crimes-against-children.html"
    page = sources.pages[path]
    result = PageResult("u", path, "fr", RenderCell("light", 1280))
    po = repo / "locales" / "fr" / "LC_MESSAGES" / "ui.po"
    po_lines = po.read_text(encoding="utf-8").splitlines()

    def msgstr_line(msgid: str) -> int:
        return po_lines.index(f'msgid "{msgid}"') + 2  # the msgstr after it

    skip = ElementInfo("a", (("class", "skip-link"), ("href", "#main")),
                       "Aller au contenu principal", ancestors=("body", "html"))
    (template, translation) = sources.locate(result, page, skip)
    assert (template.path, template.line) == ("builder/theme/base.html", _lines_of(
        repo / "builder" / "theme" / "base.html", 'class="skip-link"')[0])
    assert (translation.path, translation.line) == ("locales/fr/LC_MESSAGES/ui.po",
                                                   msgstr_line("Skip to main content"))

    switcher = ElementInfo("nav", (("class", "switcher"), ("aria-label", "Langues")), "",
                           ancestors=("div.wrap.header-bar", "header.site-header", "body", "html"))
    (where, *_) = sources.locate(result, page, switcher)
    assert (where.path, where.line) == ("builder/theme/base.html", _lines_of(
        repo / "builder" / "theme" / "base.html", '<nav class="switcher"')[0])

    content = repo / "content" / "topics" / "crimes-against-children.md"
    heading_line = _lines_of(content, "## The international angle")[0]
    heading = ElementInfo("h2", (("id", "the-international-angle"),), "x", block=0, block_tag="h2",
                          ancestors=("div.prose", "article", "main#main.wrap", "body", "html"))
    (where, *rest) = sources.locate(result, page, heading)
    assert (where.path, where.line, where.kind) == (
        "content/topics/crimes-against-children.md", heading_line, "content")
    assert [r.kind for r in rest] in ([], ["catalogue"])
