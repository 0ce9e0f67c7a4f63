"""End to end, as another organisation would start: `infopages new` for en, de, pt-BR,
zh-Hant and he, a few real translations (some left out), build, then check every page
in real Chromium (light/dark × 1280/320 px). Also: BCP 47 tags in lang, hreflang,
xml:lang and the sitemap; Open Graph locales; URL prefixes; Hebrew's plural forms;
the language of every part of every page (tests/langwalk.py)."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from builder.cli.app import main
from builder.output.manifest import read_manifest
from tests.langwalk import problems
from tests.newsite import make_new_site

PREFIXES = {"en": ("en", "ltr", "en_US"), "de": ("de", "ltr", "de_DE"),
            "pt-br": ("pt-BR", "ltr", "pt_BR"), "zh-hant": ("zh-Hant", "ltr", "zh_TW"),
            "he": ("he", "rtl", "he_IL")}
BASE = "https://www.example.org/"


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = make_new_site(tmp_path_factory.mktemp("newsite"))
    assert main(["build", "--project", str(root)]) == 0
    return root


def read(project: Path, rel: str) -> str:
    return (project / "site" / rel).read_text("utf-8")


def test_every_locale_in_its_folder_with_bcp47_tags_and_open_graph(project: Path):
    for prefix, (tag, direction, og) in PREFIXES.items():
        home = read(project, f"{prefix}/index.html")
        assert f'<html lang="{tag}" dir="{direction}">' in home
        assert f'<meta property="og:locale" content="{og}">' in home
        assert f'<link rel="alternate" hreflang="{tag}" href="{BASE}{prefix}/index.html">' in \
            read(project, "en/index.html")
        feed = ET.parse(project / "site" / prefix / "feed.xml").getroot()
        assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == tag
    assert sorted(p.name for p in (project / "site").iterdir() if p.is_dir()) == [
        "_infopages", "_preview", "assets", "de", "en", "he", "pt-br", "zh-hant"]
    sitemap = read(project, "sitemap.xml")
    assert 'hreflang="zh-Hant"' in sitemap and 'hreflang="zh_Hant"' not in sitemap
    manifest = read_manifest(project / "site")
    assert manifest["pt-br/index.html"]["locale"] == "pt-BR"
    assert manifest["pt-br/index.html"]["source_locale"] == "en"
    assert manifest["en/index.html"]["alternates"]["zh-Hant"] == "zh-hant/index.html"


def test_hebrew_plural_forms_one_and_two(project: Path):
    one = read(project, "he/news/2025-03-14-our-new-site.html")
    two = read(project, "he/news/2025-03-10-two-topics.html")
    assert '<p class="topics">נושא: ' in one
    assert '<p class="topics">שני נושאים: ' in two
    assert '<p class="topics">Thema: ' in read(project, "de/news/2025-03-14-our-new-site.html")


def test_untranslated_template_text_is_english_as_a_whole(project: Path):
    """pt-BR left "Published %(date)s" out: English words and an English date, marked
    English; where it is translated (de), the words and the date are German."""
    pt = read(project, "pt-br/news/2025-03-14-our-new-site.html")
    assert ('<p class="meta"><span lang="en">Published <time datetime="2025-03-14">'
            'March 14, 2025</time></span></p>') in pt
    de = read(project, "de/news/2025-03-14-our-new-site.html")
    assert '<p class="meta">Veröffentlicht am <time datetime="2025-03-14">14. März 2025</time>' in de
    he = read(project, "he/news/2025-03-14-our-new-site.html")
    assert '<p lang="en" dir="ltr">This is the first news item.' in he   # RTL page: dir too


def test_a_link_to_a_page_not_published_in_chinese_says_so_in_chinese(project: Path):
    """zh-Hant has a publish gate: the untranslated news items are not published, and a
    link to one leads to the English page with "（英文）" — in Chinese, not lang="en"."""
    topic = read(project, "zh-hant/topics/our-work.html")
    assert not (project / "site/zh-hant/news/2025-03-14-our-new-site.html").exists()
    assert re.search(r'<a href="../../en/news/2025-03-14-our-new-site.html" hreflang="en" '
                     r'lang="en">Our new website</a> <span class="meta">（英文）</span>', topic)


def test_a_wide_table_scrolls_in_its_own_labelled_region(project: Path):
    de = read(project, "de/topics/our-work.html")
    assert ('<div class="table-scroll" role="region" tabindex="0" '
            'aria-labelledby="how-we-help">\n<table>') in de
    assert '<h2 id="how-we-help">Wie wir helfen</h2>' in de
    assert "<th>Dienstleistungsangebot</th>" in de


def test_feeds_carry_summary_and_content_and_link_the_news_list(project: Path):
    atom = "{http://www.w3.org/2005/Atom}"
    feed = ET.parse(project / "site/pt-br/feed.xml").getroot()
    entry = feed.find(f"{atom}entry")
    assert entry.find(f"{atom}summary").text == "O site está aberto, em todos os idiomas em que publicamos."
    assert "<p" in entry.find(f"{atom}content").text
    (alternate,) = [x for x in feed.findall(f"{atom}link") if x.get("rel") == "alternate"]
    assert alternate.get("href") == f"{BASE}pt-br/news/index.html"


def test_every_part_of_every_page_is_in_the_language_it_is_marked_with(project: Path):
    assert problems(project / "site", project) == []


def test_the_walk_finds_a_fallback_left_unmarked(project: Path, tmp_path: Path):
    """Take the marks off the fallbacks of one built page: the walk reports each."""
    site = tmp_path / "site"
    page = site / "pt-br" / "news" / "2025-03-14-our-new-site.html"
    page.parent.mkdir(parents=True)
    html = read(project, "pt-br/news/2025-03-14-our-new-site.html")
    page.write_text(html.replace(' lang="en"', ""), "utf-8")
    found = problems(site, project)
    assert any("source text marked as the reader's language: text “Published”" in f
               for f in found)
    assert any("a date not in its language" in f for f in found)


def test_the_checker_finds_no_violation_in_any_locale_scheme_or_width(project: Path,
                                                                      tmp_path: Path, capsys):
    reports = tmp_path / "reports"
    status = main(["check", "--project", str(project), "--reports", str(reports), "--no-cache",
                   "--jobs", "2", "--quiet"])
    results = json.loads((reports / "results.json").read_text("utf-8"))
    found = [(p["path"], p["cell"], [v["id"] for v in p["violations"]], p.get("error"))
             for p in results["results"] if p["violations"] or p.get("error")]
    assert status == 0 and found == []
    cells = {(p["cell"]["scheme"], p["cell"]["width"]) for p in results["results"]}
    assert cells == {("light", 1280), ("dark", 1280), ("light", 320), ("dark", 320)}
    assert {p["locale"] for p in results["results"]} >= {"en", "de", "pt-BR", "zh-Hant", "he"}
