"""Files that span locales or are for machines: the language chooser, Atom feeds, sitemap."""

from __future__ import annotations

import datetime as dt

from builder.render.locale import LocaleRenderer
from builder.render.routes import output_path
from builder.render.site import news_page_keys


def language_chooser(renderers: dict[str, LocaleRenderer], source: str) -> bytes:
    """`index.html` at the site root: every language named in itself; no redirect, no script."""
    r = renderers[source]
    current = "index.html"
    ctx = r.common("home", current, r.t.ui(r.config.title))
    choices = []
    for code, other in renderers.items():
        if not r.publication.locale_published(code):
            continue
        choices.append({"info": other.info, "href": output_path("home", code),
                        "site_title": other.t.ui(r.config.title),
                        "translate": other.t.attr_gettext})
    ctx.update(choices=choices, canonical=r.absolute(current), fallback_notice=False)
    return r.render("chooser.html", ctx)


def atom_feed(r: LocaleRenderer) -> bytes:
    # The latest items: a feed is polled often; the archive is in the news pages.
    news = [p for p in r.model.content.news_newest_first()
            if r.published(p.key)][: r.config.feed_size]
    current = f"{r.info.code}/feed.xml"
    entries = [{"title": r.title(p).text, "url": r.absolute(output_path(p.key, r.info.code)),
                "updated": _stamp(p.date), "summary": r.text(p, p.summary, p.context("summary")).text
                if p.summary else ""} for p in news]
    ctx = {"locale": r.info, "site_title": r.t.ui(r.config.title).text,
           "feed_title": r.t.attr_gettext("News"), "self_url": r.absolute(current),
           "home_url": r.absolute(output_path("home", r.info.code)),
           "updated": entries[0]["updated"] if entries else _stamp(dt.date(2000, 1, 1)),
           "organisation": r.config.organisation, "entries": entries}
    return r.render("feed.xml", ctx)


def _stamp(date: dt.date | None) -> str:
    return f"{(date or dt.date(2000, 1, 1)).isoformat()}T00:00:00Z"


def sitemap(r: LocaleRenderer) -> bytes:
    """One <url> per page and locale, each with every translation and x-default."""
    model = r.model
    keys = ["home", *(p.key for p in model.content.pages),
            *news_page_keys(model.content, r.config.news_page_size)]
    urls = []
    for key in keys:
        published = [i for i in r.published_locales if r.published(key, i.code)]
        alternates = [{"hreflang": info.bcp47, "href": r.absolute(output_path(key, info.code))}
                      for info in published]
        x_default = r.absolute(output_path(key, r.config.source_locale))
        for info in published:
            urls.append({"loc": r.absolute(output_path(key, info.code)),
                         "alternates": alternates, "x_default": x_default})
    return r.render("sitemap.xml", {"urls": urls})
