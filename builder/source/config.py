"""`content/site.yaml`: the site's settings, validated into a frozen `SiteConfig`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from builder.errors import Collector, InputError
from builder.source.branding import BRANDING_SCHEMA, Branding, check_branding, load_branding
from builder.source.localecodes import (
    PREFIX_RE,
    RESERVED_PREFIXES,
    default_prefix,
    og_locale,
    parse_locale,
)
from builder.source.yamldoc import Field, YamlDoc, check_mapping, parse_yaml

NUMBERING_DIGITS = {"latn": "0123456789", "arab": "٠١٢٣٤٥٦٧٨٩"}

SITE_SCHEMA = {
    "title": Field(str, True, "the site's name, translatable"),
    "organisation": Field(str, True, "the publisher's name"),
    "base_url": Field(str, True, "the absolute URL the site is served from, ending in /"),
    "source_locale": Field(str, True, "the language authors write in, e.g. en"),
    "locales": Field(list, True, "the list of locales (BCP 47 tags such as en, pt-BR, zh-Hant)"),
    "numbering": Field(dict, False, "a mapping locale → latn or arab"),
    "url_prefix": Field(dict, False, "a mapping locale → the folder of its pages, e.g. "
                        "{pt-BR: br} (default: the lowercase tag, pt-br)"),
    "og_locale": Field(dict, False, "a mapping locale → its Open Graph locale, e.g. "
                       "{zh-Hant: zh_HK} (default: the likely region, zh_TW)"),
    "news_page_size": Field(int, False, "a whole number of items per news page"),
    "latest_news": Field(int, False, "how many news items the home page lists"),
    "topic_news": Field(int, False, "how many of its newest news items a topic page lists "
                        "(the rest are in the topic's news archive)"),
    "feed_size": Field(int, False, "how many of the latest news items each feed carries"),
    "navigation": Field(list, False, "a list of {label, page}"),
    "footer": Field(str, False, "a line of footer text, translatable"),
    "future_date_margin_days": Field(int, False, "how many days ahead a news date may be"),
    "publish": Field(dict, False, "publish gates: {default|LOCALE: {min_percent, required}}"),
    "catalogues": Field(dict, False, "how the catalogues are split: {split: domains|none, "
                        "news: year|all}"),
} | BRANDING_SCHEMA
CATALOGUES_SCHEMA = {
    "split": Field(str, False, "domains (a catalogue per domain: ui, topics, pages, news) "
                   "or none (one messages.po per locale)"),
    "news": Field(str, False, "year (a news-YYYY catalogue per year) or all (one news "
                  "catalogue)"),
}
SPLITS = ("domains", "none")
NEWS_SPLITS = ("year", "all")
GATE_SCHEMA = {
    "min_percent": Field(int, False, "a whole number from 0 to 100"),
    "required": Field(list, False, "a list of: title, heading, navigation, alt, marked"),
}
NAV_SCHEMA = {
    "label": Field(str, True, "the link text, translatable"),
    "page": Field(str, True, "a page key (FOLDER/NAME of a page under content/), home or news"),
}


REQUIRED_KINDS = {"title": "title", "heading": "heading", "navigation": "navigation",
                  "alt": "image alt text"}


@dataclass(frozen=True)
class Gate:
    """A publish gate: what of a page must be translated for it to publish in a locale."""
    min_percent: int = 0
    required: tuple[str, ...] = ()      # keys of REQUIRED_KINDS, and "marked"

    def needs(self, kind: str, anchor: str, marked: frozenset[str]) -> bool:
        """Whether a segment of `kind` at `anchor` must be translated for the page to publish."""
        kinds = {REQUIRED_KINDS[r] for r in self.required if r in REQUIRED_KINDS}
        return kind in kinds or ("marked" in self.required and anchor in marked)


@dataclass(frozen=True)
class CatalogueSettings:
    """`catalogues:` in site.yaml; what each setting means is `catalogues.domains`' business."""
    split: str = "domains"    # or "none": one messages.po per locale
    news: str = "year"        # or "all": one news catalogue


@dataclass(frozen=True)
class NavItem:
    """A link of the site's navigation (`navigation:` in site.yaml), to a page of the site."""
    label: str
    page: str
    line: int


@dataclass(frozen=True)
class SiteConfig:
    """The settings of content/site.yaml, validated, and where the project's folders are."""
    root: Path
    title: str
    organisation: str
    base_url: str
    source_locale: str                  # gettext codes (pt_BR): see source/localecodes.py
    locales: tuple[str, ...]
    numbering: tuple[tuple[str, str], ...]
    news_page_size: int
    latest_news: int
    feed_size: int
    navigation: tuple[NavItem, ...]
    footer: str
    lines: tuple[tuple[str, int], ...]
    future_date_margin_days: int = 1
    gates: tuple[tuple[str, Gate], ...] = ()
    catalogues: CatalogueSettings = CatalogueSettings()
    url_prefixes: tuple[tuple[str, str], ...] = ()     # only those site.yaml sets
    og_locales: tuple[tuple[str, str], ...] = ()
    branding: Branding = Branding()
    topic_news: int = 5

    def gate(self, locale: str) -> Gate:
        gates = dict(self.gates)
        return gates.get(locale, gates.get("default", Gate()))

    @property
    def has_gates(self) -> bool:
        return bool(self.gates)

    @property
    def content_dir(self) -> Path:
        return self.root / "content"

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    @property
    def locales_dir(self) -> Path:
        return self.root / "locales"

    @property
    def config_path(self) -> Path:
        return self.content_dir / "site.yaml"

    def line_of(self, key: str) -> int:
        return dict(self.lines).get(key, 1)

    def digits(self, locale: str) -> str:
        return NUMBERING_DIGITS[dict(self.numbering).get(locale, "latn")]

    def url_prefix(self, locale: str) -> str:
        """The folder of a locale's pages: THE definition (render.locales uses it)."""
        return dict(self.url_prefixes).get(locale) or default_prefix(locale)

    def og_locale(self, locale: str) -> str:
        return dict(self.og_locales).get(locale) or og_locale(locale)

    def locale_code(self, text: str) -> str | None:
        """A locale of this site as a user wrote it (`pt-BR`, `pt_br`) → its code."""
        code = parse_locale(text)
        return code if code in self.locales else None

    @property
    def target_locales(self) -> tuple[str, ...]:
        return tuple(loc for loc in self.locales if loc != self.source_locale)


def load_config(root: Path) -> SiteConfig:
    path = root / "content" / "site.yaml"
    diags = Collector(root)
    if not path.is_file():
        diags.error(path, None, "no site configuration",
                    "create content/site.yaml, or pass --project DIR pointing at a site "
                    "(`infopages new DIR` makes one)")
        diags.raise_if_errors()
    doc = parse_yaml(_read_text(path, diags), path, 0, diags)
    diags.raise_if_errors()
    assert doc is not None
    if check_mapping(doc.data, SITE_SCHEMA, doc, (), path, diags):
        codes = _check_locales(doc, path, diags)
        _check_values(doc, path, codes, diags)
        check_branding(doc, path, diags)
    diags.raise_if_errors()
    return _build(root, doc)


def _read_text(path: Path, diags: Collector) -> str:
    text = diags.read_text(path, "file is not valid UTF-8", "save the file as UTF-8")
    if text is None:
        raise InputError(diags.errors)
    return text


def _check_locales(doc: YamlDoc, path: Path, diags: Collector) -> dict[str, str]:
    """The listed locales, as written → code; every problem with them reported."""
    codes: dict[str, str] = {}
    for index, written in enumerate(doc.data["locales"]):
        line = doc.line("locales", index)
        code = parse_locale(written)
        if code is None:
            diags.error(path, line, f"unknown locale code `{written}`",
                        "use a BCP 47 tag such as en, fr, ar, pt-BR, zh-Hant or es-419")
        elif code in codes.values():
            diags.error(path, line, f"locale `{written}` is listed twice", "remove the duplicate")
        else:
            codes[str(written)] = code
    source = doc.data["source_locale"]
    if parse_locale(source) not in codes.values():
        diags.error(path, doc.line("source_locale"),
                    f"source locale `{source}` is not in `locales`", f"add {source} to locales")
    _check_per_locale(doc, "numbering", codes, path, diags,
                      lambda v: v in NUMBERING_DIGITS, "map a listed locale to latn or arab")
    _check_per_locale(doc, "url_prefix", codes, path, diags,
                      lambda v: isinstance(v, str) and bool(PREFIX_RE.fullmatch(v))
                      and v.lower() not in RESERVED_PREFIXES,
                      "use letters, digits and hyphens, not starting with _ and not "
                      + " or ".join(sorted(RESERVED_PREFIXES)))
    _check_per_locale(doc, "og_locale", codes, path, diags,
                      lambda v: isinstance(v, str) and bool(re.fullmatch(r"[a-z]{2,3}_[A-Z]{2}", v)),
                      "write language_TERRITORY, e.g. zh_HK")
    _check_prefix_clashes(doc, codes, path, diags)
    return codes


def _check_per_locale(doc: YamlDoc, key: str, codes: dict[str, str], path: Path,
                      diags: Collector, valid, hint: str) -> None:
    for written, value in (doc.data.get(key) or {}).items():
        if parse_locale(written) not in codes.values():
            diags.error(path, doc.line(key, written), f"{key} for `{written}`, which is not "
                        "in `locales`", "use one of the listed locales")
        elif not valid(value):
            diags.error(path, doc.line(key, written), f"bad {key} `{written}: {value}`", hint)


def _check_prefix_clashes(doc: YamlDoc, codes: dict[str, str], path: Path,
                          diags: Collector) -> None:
    """Two locales in one folder (case-insensitive file systems included) would overwrite
    each other's pages."""
    set_by = {parse_locale(k): (k, v) for k, v in (doc.data.get("url_prefix") or {}).items()
              if isinstance(v, str)}
    seen: dict[str, tuple[str, str]] = {}     # folder → (locale as written, its code)
    for written, code in codes.items():
        prefix = set_by.get(code, (None, default_prefix(code)))[1]
        if prefix.lower() in seen:
            first, first_code = seen[prefix.lower()]
            setter = next((c for c in (code, first_code) if c in set_by), None)
            line = doc.line("url_prefix", set_by[setter][0]) if setter else doc.line("locales")
            diags.error(path, line, f"locales `{first}` and `{written}` would share the URL "
                        f"folder `{prefix.lower()}`", "give one of them another url_prefix")
        seen.setdefault(prefix.lower(), (written, code))


def _check_values(doc: YamlDoc, path: Path, codes: dict[str, str], diags: Collector) -> None:
    base = doc.data["base_url"]
    if not (base.startswith(("https://", "http://")) and base.endswith("/")):
        diags.error(path, doc.line("base_url"), f"base_url `{base}` is not an absolute URL",
                    "write it like https://www.example.org/ (with the final slash)")
    for key in ("news_page_size", "latest_news", "topic_news", "feed_size"):
        value = doc.data.get(key)
        if isinstance(value, int) and value < 1:
            diags.error(path, doc.line(key), f"`{key}` must be at least 1", "use 1 or more")
    for index, item in enumerate(doc.data.get("navigation") or []):
        check_mapping(item, NAV_SCHEMA, doc, ("navigation", index), path, diags)
    for name, gate in (doc.data.get("publish") or {}).items():
        if name != "default" and parse_locale(name) not in codes.values():
            diags.error(path, doc.line("publish", name), f"publish gate for unknown locale `{name}`",
                        "use `default` or one of the listed locales")
        elif check_mapping(gate, GATE_SCHEMA, doc, ("publish", name), path, diags):
            _check_gate(gate, doc, name, path, diags)
    _check_catalogues(doc, path, diags)


def _check_catalogues(doc: YamlDoc, path: Path, diags: Collector) -> None:
    settings = doc.data.get("catalogues")
    if settings is None or not check_mapping(settings, CATALOGUES_SCHEMA, doc, ("catalogues",),
                                             path, diags):
        return
    for key, allowed in (("split", SPLITS), ("news", NEWS_SPLITS)):
        value = settings.get(key)
        if value is not None and value not in allowed:
            diags.error(path, doc.line("catalogues", key),
                        f"unknown `catalogues: {{{key}: {value}}}`", "use " + " or ".join(allowed))


def _check_gate(gate: dict, doc: YamlDoc, name: str, path: Path, diags: Collector) -> None:
    if not 0 <= gate.get("min_percent", 0) <= 100:
        diags.error(path, doc.line("publish", name, "min_percent"), "min_percent out of range",
                    "use a whole number from 0 to 100")
    for index, kind in enumerate(gate.get("required") or []):
        if kind not in (*REQUIRED_KINDS, "marked"):
            diags.error(path, doc.line("publish", name, "required", index),
                        f"unknown required kind `{kind}`",
                        "use title, heading, navigation, alt or marked")


def valid_locale(code: str) -> bool:
    return parse_locale(code) is not None


def _per_locale(data: dict | None) -> tuple[tuple[str, str], ...]:
    """A mapping keyed by locales as written → sorted (code, value) pairs."""
    return tuple(sorted((str(parse_locale(k)), v) for k, v in (data or {}).items()))


def _build(root: Path, doc: YamlDoc) -> SiteConfig:
    data = doc.data
    navigation = tuple(NavItem(item["label"], item["page"], doc.line("navigation", i) or 1)
                       for i, item in enumerate(data.get("navigation") or []))
    lines = tuple(sorted((str(k[0]), v) for k, v in doc.lines.items() if len(k) == 1))
    gates = tuple(sorted((name if name == "default" else str(parse_locale(name)),
                          Gate(g.get("min_percent", 0), tuple(g.get("required") or ())))
                         for name, g in (data.get("publish") or {}).items()))
    return SiteConfig(
        root=root,
        title=data["title"],
        organisation=data["organisation"],
        base_url=data["base_url"],
        source_locale=str(parse_locale(data["source_locale"])),
        locales=tuple(str(parse_locale(code)) for code in data["locales"]),
        numbering=_per_locale(data.get("numbering")),
        news_page_size=data.get("news_page_size") or 10,
        latest_news=data.get("latest_news") or 5,
        topic_news=data.get("topic_news") or 5,
        feed_size=data.get("feed_size") or 50,
        navigation=navigation,
        footer=data.get("footer") or "",
        lines=lines,
        future_date_margin_days=data.get("future_date_margin_days", 1),
        gates=gates,
        catalogues=CatalogueSettings(**{key: value for key, value in
                                        (data.get("catalogues") or {}).items()
                                        if value is not None}),
        url_prefixes=_per_locale(data.get("url_prefix")),
        og_locales=_per_locale(data.get("og_locale")),
        branding=load_branding(doc),
    )
