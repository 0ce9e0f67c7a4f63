"""Structural checks over every page of the built demo site, in every locale."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from tests.conftest import REPO

LOCALES = {"en": "ltr", "fr": "ltr", "es": "ltr", "ar": "rtl"}
ATOM = "{http://www.w3.org/2005/Atom}"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
BASE = "https://www.example.org/"


class Page(HTMLParser):
    """Collects what the checks need from one HTML file."""

    def __init__(self, text: str):
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.tags: list[tuple[str, dict]] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if "id" in attrs:
            self.ids.add(attrs["id"])
        for name in ("href", "src"):
            if name in attrs and tag != "link":
                self.links.append(attrs[name])

    def all(self, tag: str, **want) -> list[dict]:
        return [a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in want.items())]


def pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


@pytest.fixture(scope="module")
def parsed(demo_site: Path) -> dict[str, Page]:
    return {p.relative_to(demo_site).as_posix(): Page(p.read_text("utf-8")) for p in pages(demo_site)}


def test_every_locale_has_every_kind_of_page(demo_site: Path):
    for locale in LOCALES:
        for rel in ("index.html", "topics/crimes-against-children.html", "yellow-notices.html",
                    "topics/trafficking-in-human-beings.html", "news/index.html",
                    "news/page-2.html", "404.html", "feed.xml"):
            assert (demo_site / locale / rel).is_file(), f"{locale}/{rel}"
        assert len(list((demo_site / locale / "news").glob("20*.html"))) == 17


def test_html_lang_dir_and_landmarks(parsed: dict[str, Page]):
    for rel, page in parsed.items():
        locale = rel.split("/")[0] if "/" in rel else "en"
        html = page.all("html")[0]
        assert (html["lang"], html["dir"]) == (locale, LOCALES[locale]), rel
        assert len(page.all("h1")) == 1, rel
        assert page.all("main", id="main"), rel
        if rel != "index.html":
            assert page.all("a", **{"class": "skip-link", "href": "#main"}), rel
            assert page.all("header") and page.all("footer"), rel
        assert not [a for _, a in page.tags if "style" in a], f"inline style in {rel}"
        assert not page.all("script"), f"script in {rel}"


def test_language_switcher_on_every_page(parsed: dict[str, Page]):
    for rel, page in parsed.items():
        if rel == "index.html":
            continue
        locale = rel.split("/")[0]
        links = [a for a in page.all("a") if a.get("hreflang") and a.get("translate") == "no"]
        assert [a["lang"] for a in links] == list(LOCALES), rel
        assert all(a["hreflang"] == a["lang"] and a["dir"] == LOCALES[a["lang"]] for a in links)
        current = [a for a in links if a.get("aria-current")]
        assert [a["lang"] for a in current] == [locale], rel
        # Named by a text node (which can carry a lang), not by an aria-label attribute.
        label = page.all("nav", **{"class": "switcher"})[0]["aria-labelledby"]
        assert label in page.ids, rel


def test_hreflang_alternates_are_reciprocal_with_x_default(parsed: dict[str, Page]):
    groups: dict[frozenset, set[str]] = {}
    for rel, page in parsed.items():
        if rel.endswith("404.html") or rel == "index.html":
            continue
        canonical = page.all("link", rel="canonical")[0]["href"]
        alternates = {(a["hreflang"], a["href"]) for a in page.all("link", rel="alternate")
                      if a.get("hreflang")}
        # One x-default everywhere: the root language chooser for home pages, the
        # source-language page for every other.
        x_default = BASE + "index.html" if rel.endswith("/index.html") and rel.count("/") == 1 \
            else canonical.replace(f"/{rel.split('/')[0]}/", "/en/", 1)
        assert ("x-default", x_default) in alternates, rel
        assert (rel.split("/")[0], canonical) in alternates, rel
        groups.setdefault(frozenset(alternates), set()).add(canonical)
    for alternates, canonicals in groups.items():
        assert canonicals == {href for lang, href in alternates if lang != "x-default"}
    chooser = parsed["index.html"]
    assert {(a["hreflang"], a["href"]) for a in chooser.all("link", rel="alternate")
            if a.get("hreflang") == "x-default"} == {("x-default", BASE + "index.html")}


def test_404_pages_mark_no_menu_item_current(parsed: dict[str, Page]):
    for locale in LOCALES:
        page = parsed[f"{locale}/404.html"]
        assert not page.all("a", **{"aria-current": "page"}), locale
        assert page.all("a", **{"aria-current": "true", "lang": locale})   # the switcher


def test_every_page_names_a_favicon_that_exists(demo_site: Path, parsed: dict[str, Page]):
    for rel, page in parsed.items():
        (icon,) = page.all("link", rel="icon")
        target = demo_site / icon["href"].lstrip("/") if rel.endswith("404.html") else \
            (demo_site / rel).parent / icon["href"]
        assert target.resolve().is_file(), rel
        assert icon["type"] == "image/svg+xml"


def test_every_internal_link_and_fragment_resolves(demo_site: Path, parsed: dict[str, Page]):
    broken = []
    for rel, page in parsed.items():
        for link in page.links:
            parts = urlsplit(link)
            if parts.scheme or link.startswith("//"):
                continue
            if rel.endswith("404.html"):   # served at any URL: links are root-absolute
                target = demo_site / unquote(parts.path).lstrip("/")
            else:
                target = (demo_site / rel).parent / unquote(parts.path) if parts.path else demo_site / rel
            target = target / "index.html" if target.is_dir() else target
            if not target.is_file():
                broken.append(f"{rel}: {link}")
            elif parts.fragment and target.suffix == ".html":
                ids = parsed[target.resolve().relative_to(demo_site.resolve()).as_posix()].ids
                if parts.fragment not in ids:
                    broken.append(f"{rel}: {link} (no id {parts.fragment})")
    assert broken == []


def test_atom_feeds_are_valid_and_localised(demo_site: Path):
    for locale in LOCALES:
        root = ET.parse(demo_site / locale / "feed.xml").getroot()
        assert root.tag == f"{ATOM}feed"
        assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == locale
        for name in ("id", "title", "updated", "author"):
            assert root.find(f"{ATOM}{name}") is not None, name
        entries = root.findall(f"{ATOM}entry")
        assert len(entries) == 17
        dates = [e.find(f"{ATOM}updated").text for e in entries]
        assert dates == sorted(dates, reverse=True)
        for entry in entries:
            assert entry.find(f"{ATOM}title").text.strip()
            assert entry.find(f"{ATOM}id").text.startswith(f"{BASE}{locale}/news/")
            assert re.match(r"\d{4}-\d\d-\d\dT00:00:00Z$", entry.find(f"{ATOM}updated").text)
            # The summary and the content where the page has one (the demo's news items
            # are headlines: neither).
            slug = entry.find(f"{ATOM}id").text.rsplit("/", 1)[1].removesuffix(".html")
            _, front, body = (REPO / "content" / "news" / f"{slug}.md").read_text(
                "utf-8").split("---\n", 2)
            summary = entry.find(f"{ATOM}summary")
            assert (summary is not None) == ("\nsummary:" in f"\n{front}")
            assert summary is None or summary.text.strip()
            content = entry.find(f"{ATOM}content")
            assert (content is not None) == bool(body.strip())
            if content is not None:
                assert content.get("type") == "html" and "<p" in content.text
                # Links in the entry's content work away from the site: absolute.
                assert not re.search(r'(?:href|src)="(?!https?://)', content.text)
        (alternate,) = [link for link in root.findall(f"{ATOM}link") if link.get("rel") == "alternate"]
        assert alternate.get("href") == f"{BASE}{locale}/news/index.html"


def test_sitemap_lists_every_page_with_all_alternates(demo_site: Path):
    root = ET.parse(demo_site / "sitemap.xml").getroot()
    urls = root.findall(f"{SM}url")
    locs = {u.find(f"{SM}loc").text for u in urls}
    built = {BASE + p.relative_to(demo_site).as_posix() for p in pages(demo_site)
             if p.name != "404.html" and "/_" not in "/" + p.relative_to(demo_site).as_posix()}
    assert locs == built      # the root chooser too: it is the home pages' x-default
    for url in urls:
        links = {l.get("hreflang"): l.get("href") for l in url.findall(f"{XHTML}link")}
        assert set(links) == set(LOCALES) | {"x-default"}
        assert url.find(f"{SM}loc").text in links.values()
        if links["en"] == BASE + "en/index.html":
            assert links["x-default"] == BASE + "index.html"


def test_dates_are_in_time_elements_and_localised(demo_site: Path):
    expected = {"en": "February 20, 2015", "fr": "20 février 2015",
                "es": "20 de febrero de 2015", "ar": "20 فبراير 2015"}
    for locale, text in expected.items():
        html = (demo_site / locale / "news" /
                "2015-02-20-togo-police-arrest-suspected-child-rapist-accused-of.html").read_text()
        assert f'<time datetime="2015-02-20">{text}</time>' in html


def test_root_chooser_names_each_language_in_itself(parsed: dict[str, Page]):
    page = parsed["index.html"]
    links = [a for a in page.all("a") if a.get("hreflang")]
    assert [(a["hreflang"], a["href"]) for a in links] == [(ll, f"{ll}/index.html") for ll in LOCALES]
    assert [a.get("lang") for _, a in page.tags if _ == "li" and a.get("lang")] == list(LOCALES)


NEWS_LINK_RE = re.compile(r'<h[23] class="news-title"><a href="([^"]+)"')


def _news_links(path: Path) -> list[str]:
    """The news items a page lists, as site paths, in its order."""
    base = path.parent
    return [(base / href).resolve().as_posix() for href in
            NEWS_LINK_RE.findall(path.read_text("utf-8"))]


def test_a_topic_page_lists_its_newest_news_and_its_archive_all_of_them(demo_site: Path):
    """17 news items are about crimes against children: its page lists the 5 newest
    (`topic_news`) and links to an archive of 2 pages (10 a page) with all 17, newest
    first; trafficking's 3 all fit on its page: no archive, no link."""
    for locale in LOCALES:
        root = demo_site / locale
        topic = root / "topics/crimes-against-children.html"
        archive = [root / "topics/crimes-against-children/news/index.html",
                   root / "topics/crimes-against-children/news/page-2.html"]
        everything = [link for page in archive for link in _news_links(page)]
        dated = sorted((root / "news").glob("20*.html"), reverse=True)
        assert everything == [p.resolve().as_posix() for p in dated], locale
        assert _news_links(topic) == everything[:5]
        assert 'class="more"><a href="crimes-against-children/news/index.html">' in \
            topic.read_text("utf-8")
        assert not (root / "topics/crimes-against-children/news/page-3.html").exists()
        other = root / "topics/trafficking-in-human-beings.html"
        assert len(_news_links(other)) == 3 and 'class="more"' not in other.read_text("utf-8")
        assert not (root / "topics/trafficking-in-human-beings").exists()


def test_a_topic_archive_is_headed_and_titled_in_its_language(parsed: dict[str, Page],
                                                               demo_site: Path):
    expected = {"en": ("News: Crimes against children", "News: Crimes against children, "
                       "page 2 of 2 – INTERPOL"),
                "fr": ("Actualités\u202f: Crimes contre les enfants", "Actualités\u202f: Crimes "
                       "contre les enfants, page 2 sur 2 – INTERPOL"),
                "ar": ("الأخبار: الجرائم المرتكبة ضد الأطفال", "الأخبار: الجرائم المرتكبة ضد "
                       "الأطفال، الصفحة 2 من 2 – الإنتربول")}
    for locale, (heading, title) in expected.items():
        text = (demo_site / locale / "topics/crimes-against-children/news/page-2.html"
                ).read_text("utf-8")
        assert f'<h1 id="page-title">{heading}</h1>' in text, locale
        assert f"<title>{title}</title>" in text, locale
        sitemap = (demo_site / "sitemap.xml").read_text("utf-8")
        assert f"{BASE}{locale}/topics/crimes-against-children/news/page-2.html" in sitemap
