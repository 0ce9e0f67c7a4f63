"""`content/site.yaml`: the site's settings, validated into a frozen `SiteConfig`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from babel import Locale, UnknownLocaleError

from builder.errors import Collector, InputError
from builder.source.yamldoc import Field, YamlDoc, check_mapping, parse_yaml

NUMBERING_DIGITS = {"latn": "0123456789", "arab": "٠١٢٣٤٥٦٧٨٩"}

SITE_SCHEMA = {
    "title": Field(str, True, "the site's name, translatable"),
    "organisation": Field(str, True, "the publisher's name"),
    "base_url": Field(str, True, "the absolute URL the site is served from, ending in /"),
    "source_locale": Field(str, True, "the language authors write in, e.g. en"),
    "locales": Field(list, True, "the list of locale codes, source first"),
    "numbering": Field(dict, False, "a mapping locale → latn or arab"),
    "news_page_size": Field(int, False, "a whole number of items per news page"),
    "latest_news": Field(int, False, "how many news items the home page lists"),
    "feed_size": Field(int, False, "how many of the latest news items each feed carries"),
    "navigation": Field(list, False, "a list of {label, page}"),
    "footer": Field(str, False, "a line of footer text, translatable"),
    "future_date_margin_days": Field(int, False, "how many days ahead a news date may be"),
    "publish": Field(dict, False, "publish gates: {default|LOCALE: {min_percent, required}}"),
    "catalogues": Field(dict, False, "how the catalogues are split: {split: domains|none, "
                        "news: year|all}"),
}
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
    "page": Field(str, True, "a page key such as topics/crimes-against-children, home or news"),
}


REQUIRED_KINDS = {"title": "title", "heading": "heading", "navigation": "navigation",
                  "alt": "image alt text"}


@dataclass(frozen=True)
class Gate:
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
    label: str
    page: str
    line: int


@dataclass(frozen=True)
class SiteConfig:
    root: Path
    title: str
    organisation: str
    base_url: str
    source_locale: str
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

    @property
    def target_locales(self) -> tuple[str, ...]:
        return tuple(loc for loc in self.locales if loc != self.source_locale)


def load_config(root: Path) -> SiteConfig:
    path = root / "content" / "site.yaml"
    diags = Collector(root)
    if not path.is_file():
        diags.error(path, None, "no site configuration",
                    "create content/site.yaml, or pass --project DIR pointing at a site")
        diags.raise_if_errors()
    doc = parse_yaml(_read_text(path, diags), path, 0, diags)
    diags.raise_if_errors()
    assert doc is not None
    if check_mapping(doc.data, SITE_SCHEMA, doc, (), path, diags):
        _check_locales(doc, path, diags)
        _check_values(doc, path, diags)
    diags.raise_if_errors()
    return _build(root, doc)


def _read_text(path: Path, diags: Collector) -> str:
    text = diags.read_text(path, "file is not valid UTF-8", "save the file as UTF-8")
    if text is None:
        raise InputError(diags.errors)
    return text


def _check_locales(doc: YamlDoc, path: Path, diags: Collector) -> None:
    locales = doc.data["locales"]
    seen: set[str] = set()
    for index, code in enumerate(locales):
        line = doc.line("locales", index)
        if not isinstance(code, str) or not valid_locale(code):
            diags.error(path, line, f"unknown locale code `{code}`",
                        "use a CLDR locale code such as en, fr, es, ar or pt_BR")
        elif code in seen:
            diags.error(path, line, f"locale `{code}` is listed twice", "remove the duplicate")
        seen.add(str(code))
    source = doc.data["source_locale"]
    if source not in seen:
        diags.error(path, doc.line("source_locale"),
                    f"source locale `{source}` is not in `locales`", f"add {source} to locales")
    for code, system in (doc.data.get("numbering") or {}).items():
        if code not in seen or system not in NUMBERING_DIGITS:
            diags.error(path, doc.line("numbering", code),
                        f"bad numbering `{code}: {system}`",
                        "map a listed locale to latn or arab")


def _check_values(doc: YamlDoc, path: Path, diags: Collector) -> None:
    base = doc.data["base_url"]
    if not (base.startswith(("https://", "http://")) and base.endswith("/")):
        diags.error(path, doc.line("base_url"), f"base_url `{base}` is not an absolute URL",
                    "write it like https://www.example.org/ (with the final slash)")
    for key in ("news_page_size", "latest_news", "feed_size"):
        value = doc.data.get(key)
        if isinstance(value, int) and value < 1:
            diags.error(path, doc.line(key), f"`{key}` must be at least 1", "use 1 or more")
    for index, item in enumerate(doc.data.get("navigation") or []):
        check_mapping(item, NAV_SCHEMA, doc, ("navigation", index), path, diags)
    for name, gate in (doc.data.get("publish") or {}).items():
        if name != "default" and name not in doc.data["locales"]:
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
    try:
        Locale.parse(code)
    except (UnknownLocaleError, ValueError, TypeError):
        return False
    return True


def _build(root: Path, doc: YamlDoc) -> SiteConfig:
    data = doc.data
    navigation = tuple(NavItem(item["label"], item["page"], doc.line("navigation", i) or 1)
                       for i, item in enumerate(data.get("navigation") or []))
    lines = tuple(sorted((str(k[0]), v) for k, v in doc.lines.items() if len(k) == 1))
    return SiteConfig(
        root=root,
        title=data["title"],
        organisation=data["organisation"],
        base_url=data["base_url"],
        source_locale=data["source_locale"],
        locales=tuple(data["locales"]),
        numbering=tuple(sorted((data.get("numbering") or {}).items())),
        news_page_size=data.get("news_page_size") or 10,
        latest_news=data.get("latest_news") or 5,
        feed_size=data.get("feed_size") or 50,
        navigation=navigation,
        footer=data.get("footer") or "",
        lines=lines,
        future_date_margin_days=data.get("future_date_margin_days", 1),
        gates=tuple(sorted((name, Gate(g.get("min_percent", 0), tuple(g.get("required") or ())))
                           for name, g in (data.get("publish") or {}).items())),
        catalogues=CatalogueSettings(**{key: value for key, value in
                                        (data.get("catalogues") or {}).items()
                                        if value is not None}),
    )

