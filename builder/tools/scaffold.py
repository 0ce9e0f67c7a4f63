"""`infopages new DIR`: a working project for any organisation, in any languages.

It holds a commented `content/site.yaml`, one topic, one news item, one page
and the catalogues (`locales/`, made by the same `update` translators run), and
no templates: the built-in theme renders it. `infopages build` and `infopages
check` pass on it at once. The project is made in a temporary folder beside
DIR and moved into place at the end, so an interrupted `new` leaves no half
project; an existing DIR is used only if it is empty.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from builder.errors import Diagnostic, InputError
from builder.source.localecodes import bcp47, parse_locale

DEFAULT_BASE_URL = "https://www.example.org/"


@dataclass(frozen=True)
class NewSite:
    """What `infopages new` is asked for (as the user wrote it; checked by `plan`)."""
    name: str = "Our information pages"
    organisation: str = "Our organisation"
    source_locale: str = "en"
    locales: tuple[str, ...] = ()        # default: the source locale only
    base_url: str = DEFAULT_BASE_URL
    today: dt.date | None = None         # the news item's date (default: today)


def create(target: Path, site: NewSite, update: Callable[[Path], object]) -> list[Path]:
    """Make the project at `target` (absent or empty); `update` is `pipeline.update`,
    which writes the catalogues. Returns the files made, relative to `target`."""
    files = project_files(site)
    _check_target(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}.infopages-project-", dir=target.parent))
    try:
        for rel, text in files.items():
            (work / rel).parent.mkdir(parents=True, exist_ok=True)
            (work / rel).write_text(text, "utf-8")
        update(work)
        shutil.rmtree(work / ".infopages-cache", ignore_errors=True)   # update's memo
        made = sorted(p.relative_to(work) for p in work.rglob("*") if p.is_file())
        os.chmod(work, 0o755)      # mkdtemp makes it private; a project folder is not
        os.rename(work, target)    # replaces an empty folder; never a full one
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return made


def _check_target(target: Path) -> None:
    if target.exists() and not (target.is_dir() and not any(target.iterdir())):
        raise InputError([Diagnostic(str(target), None, "already exists and is not an empty "
                                     "folder", "give the name of a new folder: `infopages new` "
                                     "never writes over anything")])


def plan(site: NewSite) -> tuple[str, tuple[str, ...]]:
    """(source locale, every locale) as BCP 47 tags, source first; InputError if not valid."""
    errors = []
    source = parse_locale(site.source_locale)
    if source is None:
        errors.append(_bad_locale("--source-locale", site.source_locale))
    codes = []
    for written in site.locales or (site.source_locale,):
        code = parse_locale(written)
        if code is None:
            errors.append(_bad_locale("--locales", written))
        elif code not in codes:
            codes.append(code)
    if not (site.base_url.startswith(("https://", "http://")) and site.base_url.endswith("/")):
        errors.append(Diagnostic("--base-url", None, f"`{site.base_url}` is not an absolute URL",
                                 "write it like https://www.example.org/ (with the final slash)"))
    for option, value in (("--name", site.name), ("--organisation", site.organisation)):
        if not value.strip() or "\n" in value:
            errors.append(Diagnostic(option, None, "must be one line of text", "write a name"))
    if errors:
        raise InputError(errors)
    assert source is not None
    ordered = [source] + [c for c in codes if c != source]
    return bcp47(source), tuple(map(bcp47, ordered))


def _bad_locale(option: str, value: str) -> Diagnostic:
    return Diagnostic(option, None, f"unknown locale code `{value}`",
                      "use BCP 47 tags such as en, de, pt-BR, zh-Hant, he or es-419")


def project_files(site: NewSite) -> dict[str, str]:
    """Every file of the new project but the catalogues, by path."""
    source, locales = plan(site)
    today = site.today or dt.date.today()
    return {
        ".gitignore": "# Made by infopages: rebuilt from the sources, never committed.\n"
                      "/site/\n/reports/\n/.infopages-cache/\n",
        "content/site.yaml": site_yaml(site, source, locales),
        "content/topics/our-work.md": TOPIC,
        f"content/news/{today.isoformat()}-our-new-site.md": NEWS.format(date=today.isoformat()),
        "content/pages/about.md": ABOUT.format(organisation=site.organisation.strip()),
    }


def site_yaml(site: NewSite, source: str, locales: tuple[str, ...]) -> str:
    def q(text: str) -> str:        # a YAML double-quoted scalar (JSON's escapes are YAML's)
        return json.dumps(text.strip(), ensure_ascii=False)
    return SITE_YAML.format(
        name=q(site.name), organisation=q(site.organisation), base_url=q(site.base_url),
        source=source, locales=", ".join(locales),
        footer=q(f"Information pages of {site.organisation.strip()}."))


SITE_YAML = """\
# The site's settings (infopages new wrote this file: every key is explained here).
# Text marked "translatable" is extracted into the catalogues in locales/, with the
# pages' own text; run `infopages update` after changing it.

# The site's name, in the header and the browser tab (translatable).
title: {name}
# The publisher: page metadata and the news feeds' author.
organisation: {organisation}
# Where the site is served from, ending in /.
base_url: {base_url}

# The language authors write content/ in, and every language of the site,
# as BCP 47 tags (en, de, pt-BR, zh-Hant, es-419). Catalogues are in
# locales/LL/LC_MESSAGES/, LL in gettext's spelling (pt_BR, zh_Hant).
source_locale: {source}
locales: [{locales}]
# How the catalogues are split: by default one per domain, ui.po (the theme's
# and this file's text), topics.po, pages.po and news-YYYY.po per year of news;
# `split: none` keeps one messages.po per language, `news: all` one news.po.
# catalogues:
#   split: domains
#   news: year
# The folder of a language's pages (default: its tag in lowercase, pt-br):
# url_prefix:
#   pt-BR: br
# A language's Open Graph locale (default: its likely region, zh-Hant → zh_TW):
# og_locale:
#   zh-Hant: zh_HK
# Digits for dates and numbers: latn (0-9) or arab (٠-٩):
# numbering:
#   ar: arab

# The main menu; labels are translatable. A page is home, news, or FOLDER/NAME
# of a file of content/ (topics/our-work is content/topics/our-work.md).
navigation:
  - label: Home
    page: home
  - label: Our work
    page: topics/our-work
  - label: News
    page: news
  - label: About us
    page: pages/about

# A line of text at the bottom of every page (translatable).
footer: {footer}
# Links at the bottom of every page; labels are translatable:
# footer_links:
#   - label: Contact
#     page: pages/about
#   - label: Privacy
#     url: https://www.example.org/privacy

# Branding with the built-in theme, without editing templates.
# A logo from content/media/, before the site's name; its alt text is
# translatable (leave it empty when the logo only repeats the name beside it):
# logo:
#   src: logo.svg
#   alt: ""
# A favicon from content/media/, .svg, .png or .ico (default: the theme's):
# favicon: favicon.svg
# The colour of links and of the header band, per colour scheme. The build
# refuses a colour whose contrast is too low (4.5:1 for text, 3:1 for the
# focus ring), naming this line:
# accent:
#   light: "#1d4f91"
#   dark: "#8cc4ff"

# News items per page of the news list, on the home page, on a topic's page
# (when it has more, the page links to the topic's news archive, in pages of
# news_page_size), and in each language's Atom feed (LL/feed.xml).
news_page_size: 10
latest_news: 5
topic_news: 5
feed_size: 50
# A news item dated further ahead than this many days is a warning (default 1):
# future_date_margin_days: 1

# Publish gates: a page goes out in a language only when enough of it is
# translated (`infopages stats --pages` shows where each page stands):
# publish:
#   default:
#     min_percent: 80
#     required: [title, heading, navigation, alt]
"""

TOPIC = """\
---
title: Our work
summary: What we do, for whom, and how.
order: 1
---

Describe one area of your work here. Each topic is a page of its own, listed on
the home page; news items name the topics they belong to.

## How we help

- We answer questions.
- We train the people who work with us.

| Service | For whom |
| --- | --- |
| Advice | Everyone |
| Training | Professionals |

Read more [about us](page:pages/about).
"""

NEWS = """\
---
title: Our new website
summary: The site is open, in every language we publish in.
date: {date}
topics: [our-work]
---

This is the first news item. Write one file per item in `content/news/`, named
by its date.
"""

ABOUT = """\
---
title: About us
summary: Who we are.
---

{organisation}: who we are, where we work, and how to reach us.
"""
