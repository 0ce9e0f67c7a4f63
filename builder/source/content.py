"""Load `content/{topics,news,pages}/*.md`: YAML front matter + Markdown body.

Everything is validated before anything is built; all problems of a run are
reported together, each with its file and line.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Mapping

from builder.errors import Collector, Diagnostic
from builder.source.config import SiteConfig
from builder.source.inputs import Inputs
from builder.source.localecodes import parse_locale
from builder.textscan import AnyOf, between
from builder.source.yamldoc import Field, YamlDoc, check_mapping, parse_yaml

KINDS = {"topics": "topic", "news": "news", "pages": "page"}
RESERVED_KEYS = {"home", "news", "404", "index", "feed", "sitemap", "assets", "media"}
RESERVED_RE = re.compile(r"^page-\d+$")   # news/page-2 is the news index's second page
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Bidi embedding/override/isolate controls can make text display differently
# from what it says (Trojan Source); other C0 controls have no place in text.
HIDDEN = AnyOf(between("\u202a", "\u202e") + between("\u2066", "\u2069") + between("\x00", "\x08")
               + "\x0b\x0c" + between("\x0e", "\x1f") + "\x7f")

COMMON = {
    "title": Field(str, True, "the page title, translatable"),
    "summary": Field(str, False, "one or two sentences, translatable"),
    "related": Field(list, False, "a list of {page} or {url, label}"),
    "image": Field(dict, False, "a mapping {src, alt}"),
    "translator_note": Field(str, False, "a note shown to translators"),
    "limits": Field(dict, False, "a mapping field → maximum length, e.g. {title: 60}"),
    "required": Field(list, False, "segments a publish gate requires: field names or "
                      "section anchors, e.g. [summary, SECTION.p1]"),
    "contexts": Field(dict, False, "msgctxt per field for translators, e.g. {title: button}"),
}
SCHEMAS = {
    "topic": COMMON | {"order": Field(int, False, "a whole number for ordering topics")},
    "page": dict(COMMON),
    "news": COMMON | {
        "date": Field(str, True, "a date written YYYY-MM-DD"),
        "topics": Field(list, False, "a list of topic keys"),
    },
}
LINK_SCHEMA = {
    "page": Field(str, False, "a page key (FOLDER/NAME of a page under content/)"),
    "url": Field((str, dict), False, "an https:// address, or one per locale {en: …, fr: …}"),
    "label": Field(str, False, "the link text, translatable (defaults to the page title)"),
}
IMAGE_SCHEMA = {
    "src": Field(str, True, "a file under content/media/"),
    "alt": Field(str, True, "the text alternative, translatable (empty for decoration)",
                 blank=True),
    "caption": Field(str, False, "a visible caption, translatable"),
}


@dataclass(frozen=True)
class Link:
    """A related link of a page's front matter: to a page of this site, or to another site."""
    page: str | None
    url: str | None
    label: str | None
    line: int
    localized: tuple[tuple[str, str], ...] = ()   # a page that exists in other languages

    def url_for(self, locale: str) -> tuple[str | None, bool]:
        """(address, whether it is in `locale`) — else the source-language address."""
        found = dict(self.localized).get(locale)
        return (found, True) if found else (self.url, False)


@dataclass(frozen=True)
class Image:
    """The image of a page's front matter, a file of content/media/."""
    src: str
    alt: str
    line: int
    caption: str = ""


@dataclass(frozen=True)
class Page:
    """A page file (topic, news item or page) loaded and validated, in the source language."""
    key: str            # "topics/crimes-against-children": stable across locales
    kind: str           # topic | news | page
    source: str         # "content/topics/crimes-against-children.md"
    title: str
    summary: str
    date: dt.date | None
    topics: tuple[str, ...]
    related: tuple[Link, ...]
    image: Image | None
    order: int
    translator_note: str
    limits: tuple[tuple[str, int], ...]
    required: tuple[str, ...]
    contexts: tuple[tuple[str, str], ...]
    body: str
    body_line: int      # file line of the first body line
    lines: tuple[tuple[str, int], ...]

    @property
    def slug(self) -> str:
        return self.key.rsplit("/", 1)[-1]

    def line_of(self, key: str) -> int:
        return dict(self.lines).get(key, 1)

    def context(self, field: str, default: str | None = None) -> str | None:
        """The msgctxt of a front-matter field: the author's, or the field's role."""
        return dict(self.contexts).get(field, default)


@dataclass(frozen=True)
class Content:
    """Every page loaded from content/ and the warnings found; pages looked up by key, kind,
    topic or date."""
    pages: tuple[Page, ...]
    warnings: tuple[Diagnostic, ...] = ()
    unloaded: frozenset[str] = frozenset()   # keys of files that failed to load (reported)

    def by_key(self) -> dict[str, Page]:
        return self._by_key

    @cached_property
    def _by_key(self) -> dict[str, Page]:
        return {page.key: page for page in self.pages}

    def of_kind(self, kind: str) -> tuple[Page, ...]:
        return tuple(p for p in self.pages if p.kind == kind)

    def news_newest_first(self) -> tuple[Page, ...]:
        return self._news

    @cached_property
    def _news(self) -> tuple[Page, ...]:
        return tuple(sorted(self.of_kind("news"), key=lambda p: (p.date, p.key), reverse=True))

    def news_of_topic(self, topic: str) -> tuple[Page, ...]:
        """The news items about the topic `topic` (a key), newest first."""
        return self._news_by_topic.get(topic, ())

    @cached_property
    def _news_by_topic(self) -> dict[str, tuple[Page, ...]]:
        found: dict[str, list[Page]] = {}
        for page in self._news:
            for topic in page.topics:
                found.setdefault(topic, []).append(page)
        return {topic: tuple(items) for topic, items in found.items()}

    def topics_ordered(self) -> tuple[Page, ...]:
        return tuple(sorted(self.of_kind("topic"), key=lambda p: (p.order, p.key)))


def load_content(config: SiteConfig, inputs: Inputs, diags: Collector,
                 reuse: Mapping[str, Page] | None = None, today: dt.date | None = None,
                 checked: frozenset[str] = frozenset()) -> Content:
    """Every page file `inputs` found, loaded and validated; errors are left in `diags`
    for the caller to raise with the next stage's (all of a run's errors at once).
    `reuse`: pages already loaded from files that have not changed since (by path);
    `checked`: those of them whose links, topics and image were found to exist among
    the same pages and media files as now (a rebuild's: no page or media file added or
    removed since a build that passed): not looked at again."""
    pages: list[Page] = []
    broken: set[str] = set()
    folders = list(KINDS)
    files = sorted(inputs.of_kind("page"), key=lambda f: (folders.index(f.path.split("/")[1]),
                                                         f.path))
    for item in files:
        folder = item.path.split("/")[1]
        page = (reuse or {}).get(item.path) or \
            load_page(inputs.absolute(item.path), KINDS[folder], folder, diags)
        if page is not None:
            pages.append(page)
        else:
            broken.add(f"{folder}/{item.path.rsplit('/', 1)[1][:-3]}")
    content = Content(tuple(pages))
    # A page that failed to load is reported once, not again by every link to it.
    check_references(config, content, diags, broken, media_names(inputs), checked)
    check_dates(config, content, diags, today)
    for item in inputs.of_kind("other-content"):
        if item.path.endswith(".md"):
            diags.warning(inputs.absolute(item.path), None, "not a page: ignored",
                          "pages are content/topics/NAME.md, content/news/NAME.md or "
                          "content/pages/NAME.md")
    return Content(content.pages, tuple(diags.warnings), frozenset(broken))


def media_names(inputs: Inputs) -> frozenset[str]:
    return frozenset(f.path.removeprefix("content/media/") for f in inputs.of_kind("media"))


def check_dates(config: SiteConfig, content: Content, diags: Collector,
                today: dt.date | None) -> None:
    """A date far in the future is usually a typo (2051 for 2015): warn, do not fail."""
    limit = (today or dt.date.today()) + dt.timedelta(days=config.future_date_margin_days)
    for page in content.pages:
        if page.date and page.date > limit:
            diags.warning(config.root / page.source, page.line_of("date"),
                          f"date {page.date.isoformat()} is in the future",
                          "check the year; set future_date_margin_days in site.yaml to allow it")


def split_front_matter(text: str, path: Path, diags: Collector) -> tuple[str, str, int] | None:
    """Return (yaml text, body, body line) or record why the file has no front matter."""
    if not text.strip():
        diags.error(path, 1, "empty file", "write front matter between two `---` lines, then "
                    "the Markdown body; or delete the file")
        return None
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        diags.error(path, 1, "no front matter",
                    "start the file with a `---` line, the YAML keys, and another `---` line")
        return None
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1:]), index + 2
    diags.error(path, 1, "front matter is not closed", "add a `---` line after the YAML keys")
    return None


def load_page(path: Path, kind: str, folder: str, diags: Collector) -> Page | None:
    text = diags.read_text(path, "file is not valid UTF-8", "save the file with UTF-8 encoding")
    if text is None:
        return None
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n"))
    if found := HIDDEN.regex.search(text):
        line = text[: found.start()].count("\n") + 1
        column = found.start() - text.rfind("\n", 0, found.start())
        diags.error(path, line, f"invisible control character U+{ord(found.group()):04X}",
                    "delete it; use the Markdown text itself for direction and layout",
                    column=column)
        return None
    parts = split_front_matter(text, path, diags)
    if parts is None:
        return None
    front, body, body_line = parts
    doc = parse_yaml(front, path, 1, diags)
    if doc is None:
        return None
    if doc.data is None:
        diags.error(path, 2, "front matter is empty", "add at least `title:`")
        return None
    if not check_mapping(doc.data, SCHEMAS[kind], doc, (), path, diags):
        return None
    slug = path.stem
    if not SLUG_RE.match(slug) or slug in RESERVED_KEYS or RESERVED_RE.match(slug):
        diags.error(path, 1, f"bad file name `{path.name}` for a page",
                    "use lowercase letters, digits and hyphens, and not a reserved name "
                    f"({', '.join(sorted(RESERVED_KEYS))}, page-N)")
        return None
    return _make_page(path, kind, f"{folder}/{slug}", doc, body, body_line, diags)


def _make_page(path: Path, kind: str, key: str, doc: YamlDoc, body: str, body_line: int,
               diags: Collector) -> Page | None:
    data = doc.data
    date = _parse_date(data.get("date"), path, doc, diags) if kind == "news" else None
    related = tuple(_link(item, path, doc, ("related", i), diags)
                    for i, item in enumerate(data.get("related") or []))
    image = None
    if data.get("image") is not None and check_mapping(
            data["image"], IMAGE_SCHEMA, doc, ("image",), path, diags):
        image = Image(data["image"]["src"], data["image"]["alt"], doc.line("image") or 1,
                      (data["image"].get("caption") or "").strip())
    topics = data.get("topics") or []
    for index, topic in enumerate(topics):
        if not isinstance(topic, str):
            diags.error(path, doc.line("topics", index), "a topic must be a topic key",
                        "write the name of a file of content/topics/ without .md")
    lines = tuple(sorted((str(k[0]), v) for k, v in doc.lines.items() if len(k) == 1))
    return Page(
        key=key, kind=kind, source=f"content/{key}.md", title=data["title"].strip(),
        summary=(data.get("summary") or "").strip(), date=date,
        topics=tuple(f"topics/{t}" for t in topics if isinstance(t, str)),
        related=tuple(r for r in related if r is not None), image=image,
        order=data.get("order") or 0, translator_note=data.get("translator_note") or "",
        limits=_limits(data.get("limits"), path, doc, diags),
        required=tuple(str(r) for r in data.get("required") or ()),
        contexts=tuple(sorted((str(k), str(v)) for k, v in (data.get("contexts") or {}).items())),
        body=body, body_line=body_line, lines=lines)


def _limits(value: dict | None, path: Path, doc: YamlDoc, diags: Collector) -> tuple:
    out = []
    for key, limit in (value or {}).items():
        if key not in ("title", "summary", "image.alt") or not isinstance(limit, int) or limit < 1:
            diags.error(path, doc.line("limits", key), f"bad limit `{key}: {limit}`",
                        "limit title, summary or image.alt to a whole number of characters")
        else:
            out.append((key, limit))
    return tuple(sorted(out))


def _parse_date(value: str | None, path: Path, doc: YamlDoc, diags: Collector) -> dt.date | None:
    if value is None:
        return None
    line = doc.line("date")
    if not DATE_RE.match(value):
        diags.error(path, line, f"`date: {value}` is not a date", "write it as YYYY-MM-DD")
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        diags.error(path, line, f"`date: {value}` is not a real date ({exc})",
                    "check the day and month")
        return None


def _link(item: object, path: Path, doc: YamlDoc, where: tuple, diags: Collector) -> Link | None:
    if not check_mapping(item, LINK_SCHEMA, doc, where, path, diags):
        return None
    assert isinstance(item, dict)
    line = doc.line(*where) or 1
    if bool(item.get("page")) == bool(item.get("url")):
        diags.error(path, line, "a related link needs exactly one of `page` or `url`",
                    "link a page of this site with `page:`, another site with `url:`")
        return None
    urls = item.get("url")
    urls = urls if isinstance(urls, dict) else ({"": urls} if urls is not None else {})
    for address in urls.values():
        if not isinstance(address, str) or not address.startswith(("https://", "http://")):
            diags.error(path, line, f"link `{address}` is not an http(s) address",
                        "use an absolute https:// address; other schemes are refused")
            return None
    if urls and not item.get("label"):
        diags.error(path, line, "an external link needs a `label`", "add `label:`")
        return None
    default = urls.get("", next(iter(urls.values()), None))
    # Keys as people write them (pt-BR or pt_BR) → locale codes; an unknown one stays as
    # written and is never used.
    localized = tuple(sorted((parse_locale(k) or str(k), v) for k, v in urls.items() if k))
    return Link(item.get("page"), default, item.get("label"), line, localized)


def check_references(config: SiteConfig, content: Content, diags: Collector,
                     broken: set[str], media: frozenset[str],
                     checked: frozenset[str] = frozenset()) -> None:
    """Related links, topics, front-matter images and navigation point at what exists
    (of pages whose source is not in `checked`)."""
    keys = content.by_key()
    at = config.root.joinpath   # a page's file: only made for a diagnostic
    known = set(keys) | {"home", "news"} | broken
    for page in content.pages:
        if page.source in checked:
            continue
        for link in page.related:
            if link.page == page.key:
                diags.error(at(page.source), link.line, "related link to the page itself",
                            "remove it, or link another page")
            elif link.page is not None and link.page not in known:
                diags.error(at(page.source), link.line,
                            f"related link to unknown page `{link.page}`",
                            suggest(link.page, known))
        for topic in page.topics:
            if topic not in keys and topic not in broken:
                names = {k.removeprefix("topics/") for k in keys if k.startswith("topics/")}
                diags.error(at(page.source), page.line_of("topics"),
                            f"unknown topic `{topic.removeprefix('topics/')}`",
                            suggest(topic.removeprefix("topics/"), names))
        if page.image and (problem := media_problem(page.image.src, media)):
            diags.error(at(page.source), page.image.line, *problem)
    for item in config.navigation:
        if item.page not in known:
            diags.error(config.config_path, item.line, f"navigation to unknown page `{item.page}`",
                        suggest(item.page, known))
    _check_branding_references(config, known, media, diags)


def _check_branding_references(config: SiteConfig, known: set[str], media: frozenset[str],
                               diags: Collector) -> None:
    """The logo, favicon and footer links of site.yaml point at what exists."""
    brand = config.branding
    for link in brand.footer_links:
        if link.page is not None and link.page not in known:
            diags.error(config.config_path, link.line, f"footer link to unknown page "
                        f"`{link.page}`", suggest(link.page, known))
    for src, line in ((brand.logo.src, brand.logo.line) if brand.logo else (None, 0),
                      (brand.favicon, brand.favicon_line)):
        if src is not None and (problem := media_problem(src, media)):
            diags.error(config.config_path, line, *problem)


def media_problem(src: str, media: frozenset[str]) -> tuple[str, str] | None:
    """Why an image name (front matter or body) is not a file of content/media/, if it is not.
    `media`: the media files the input scan found (paths under content/media/)."""
    if ":" in src or src.startswith("/") or ".." in src.split("/") or "\\" in src:
        return (f"image `{src}` is not a file of content/media/",
                "copy the image into content/media/ and give its name")
    if src not in media:
        return f"image `{src}` not found", "put the file in content/media/ or fix the name"
    return None


def suggest(name: str, known: set[str]) -> str:
    """A hint from this project's own names: the closest one, or an example."""
    import difflib

    close = difflib.get_close_matches(name, sorted(known), n=1)
    if close:
        return f"did you mean `{close[0]}`?"
    example = next((k for k in sorted(known) if "/" in k), None)
    return "check the page key (FOLDER/NAME" + (f", e.g. `{example}`)" if example else ")")
