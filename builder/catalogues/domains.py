"""Which catalogue holds which text (gettext domains), and where their files are.

`locales/DOMAIN.pot` is the template of a domain, `locales/LL/LC_MESSAGES/DOMAIN.po`
its catalogue in locale LL. With site.yaml's default `catalogues: {split: domains,
news: year}` the domains are:

- `ui`: the templates and the site settings (title, navigation, footer);
- `topics` and `pages`: the topic pages and the other pages;
- `news-YYYY`: the news items dated in year YYYY (`news: all`: one `news` domain).

`split: none` keeps one `messages` catalogue per locale, for small sites.

A text's translation comes from its own domain's catalogue: a page's segments
from the page's domain, template and site strings from `ui`. The same text in
two domains is two entries, which may be translated differently.

`locale_dir` is the one place that maps a locale to its folder.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from builder.errors import Collector, InputError
from builder.source.config import CatalogueSettings, SiteConfig
from builder.source.localecodes import catalogue_folder

SINGLE = "messages"        # the one catalogue of `split: none` (and of older projects)
UI = "ui"
# Every name a layout of ours gives a catalogue: files of another layout than the
# site's are moved into the site's by `update`; other names are not ours.
OURS_RE = re.compile(r"^(?:messages|ui|topics|pages|news|news-\d{4})$")
KIND_DOMAINS = {"topic": "topics", "page": "pages"}
ORDER = {UI: 0, "topics": 1, "pages": 2, SINGLE: 3}


def ui_domain(settings: CatalogueSettings) -> str:
    """Where the templates' and the site settings' strings are."""
    return SINGLE if settings.split == "none" else UI


def page_domain(settings: CatalogueSettings, kind: str, date: dt.date | None) -> str:
    """The domain of a page of `kind` (topic, page, news) dated `date`."""
    if settings.split == "none":
        return SINGLE
    if kind != "news":
        return KIND_DOMAINS[kind]
    return f"news-{date.year:04d}" if settings.news == "year" and date else "news"


def domain_of(settings: CatalogueSettings, page) -> str:
    """The domain of a `source.content.Page`: its kind and its date decide."""
    return page_domain(settings, page.kind, page.date)


def is_current(settings: CatalogueSettings, name: str) -> bool:
    """Whether the site's settings give a catalogue this name."""
    if settings.split == "none":
        return name == SINGLE
    if name in (UI, *KIND_DOMAINS.values()):
        return True
    if settings.news == "year":
        return re.fullmatch(r"news-\d{4}", name) is not None
    return name == "news"


def order(name: str) -> tuple[int, str]:
    """ui, topics, pages, then the news domains by year."""
    return ORDER.get(name, 4), name


def describe(settings: CatalogueSettings) -> str:
    if settings.split == "none":
        return "one catalogue per locale, messages.po (`catalogues: {split: none}`)"
    news = "news-YYYY per year" if settings.news == "year" else "news"
    return f"one catalogue per domain: ui, topics, pages, {news}"


# ---------------------------------------------------------------- files

def locale_dir(locales_dir: Path, locale: str) -> Path:
    """The folder of a locale's catalogues; its name is gettext's form of the code
    (`pt_BR`, `localecodes.catalogue_folder`)."""
    return locales_dir / catalogue_folder(locale) / "LC_MESSAGES"


def po_path(locales_dir: Path, locale: str, domain: str) -> Path:
    return locale_dir(locales_dir, locale) / f"{domain}.po"


def pot_path(locales_dir: Path, domain: str) -> Path:
    return locales_dir / f"{domain}.pot"


def _ours(folder: Path, suffix: str) -> dict[str, Path]:
    if not folder.is_dir():
        return {}
    found = {path.name[: -len(suffix)]: path for path in folder.iterdir()
             if path.name.endswith(suffix) and path.is_file()}
    return {name: found[name] for name in sorted(found, key=order) if OURS_RE.match(name)}


def po_files(locales_dir: Path, locale: str) -> dict[str, Path]:
    """Every catalogue file of ours in the locale's folder, by domain, in `order`."""
    return _ours(locale_dir(locales_dir, locale), ".po")


def pot_files(locales_dir: Path) -> dict[str, Path]:
    """Every template of ours in locales/, by domain."""
    return _ours(locales_dir, ".pot")


def catalogue_files(config: SiteConfig, locale: str) -> dict[str, Path]:
    """The locale's catalogues, by domain: what `build`, `lint`, `stats` and the status
    pages read. A file of another layout (a `messages.po` in a site split by domain)
    is an error until `update` has moved its translations where they belong."""
    found = po_files(config.locales_dir, locale)
    foreign = [path for name, path in found.items() if not is_current(config.catalogues, name)]
    if foreign:
        raise InputError([foreign_diagnostic(config, path) for path in foreign])
    return found


def foreign_diagnostic(config: SiteConfig, path: Path):
    diags = Collector(config.root)
    diags.error(path, None, f"a catalogue of another layout: site.yaml asks for "
                f"{describe(config.catalogues)}",
                "run `infopages update`: it moves every translation of this file into the "
                "site's catalogues and removes it")
    return diags.items[0]
