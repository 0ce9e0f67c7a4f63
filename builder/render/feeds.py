"""Files that span locales or are for machines: the language chooser, Atom feeds, sitemap."""

from __future__ import annotations

import datetime as dt

from builder.render.locale import LocaleRenderer
from builder.render.routes import CHOOSER, FEED, output_path
from builder.render.site import list_keys


def language_chooser(renderers: dict[str, LocaleRenderer], source: str) -> bytes:
    """`index.html` at the site root: every language named in itself; no redirect, no
    script. It is the home pages' x-default: each names it so, and so does the sitemap."""
    r = renderers[source]
    current = output_path(CHOOSER, "")
    ctx = r.common("home", current, r.t.ui(r.config.title))
    choices = []
    for code, other in renderers.items():
        if not r.publication.locale_published(code):
            continue
        choices.append({"info": other.info, "href": other.path("home"),
                        "site_title": other.t.ui(r.config.title),
                        "language": other.locale_name(code), "translate": other.t.gettext})
    ctx.update(choices=choices, canonical=r.absolute(current), fallback_notice=False)
    return r.render("chooser.html", ctx)


def atom_feed(r: LocaleRenderer) -> bytes:
    # The latest items: a feed is polled often; the archive is in the news pages.
    news = [p for p in r.model.content.news_newest_first()
            if r.published(p.key)][: r.config.feed_size]
    current = r.path(FEED)
    entries = []
    for page in news:
        url = r.absolute(r.path(page.key))
        summary = r.text(page, page.summary, page.context("summary")).text if page.summary else ""
        # The entry's content is the page's body, with links made absolute: a feed
        # reader shows it away from the site.
        body = str(r.body(page, current, absolute=True)[0]).strip() if page.body.strip() else ""
        entries.append({"title": r.title(page).text, "url": url, "updated": _stamp(page.date),
                        "summary": summary, "content": body})
    ctx = {"locale": r.info, "site_title": r.t.ui(r.config.title).text,
           "feed_title": r.t.attr_gettext("News"), "self_url": r.absolute(current),
           "news_url": r.absolute(r.path("news")),
           "updated": entries[0]["updated"] if entries else _stamp(dt.date(2000, 1, 1)),
           "organisation": r.config.organisation, "entries": entries}
    return r.render("feed.xml", ctx)


def _stamp(date: dt.date | None) -> str:
    return f"{(date or dt.date(2000, 1, 1)).isoformat()}T00:00:00Z"


def sitemap(r: LocaleRenderer) -> bytes:
    """One <url> per page and locale, each with every translation and the x-default; the
    language chooser too, since it is the home pages' x-default."""
    model = r.model
    topics = [p.key for p in model.content.topics_ordered()]
    keys = ["home", *(p.key for p in model.content.pages),
            *list_keys(model.content, r.config, topics)]
    urls = []
    for key in keys:
        published = [i for i in r.published_locales if r.published(key, i.code)]
        alternates = [{"hreflang": info.bcp47, "href": r.absolute(r.path(key, info.code))}
                      for info in published]
        x_default = r.x_default(key)
        if key == "home":
            urls.append({"loc": x_default, "alternates": alternates, "x_default": x_default})
        for info in published:
            urls.append({"loc": r.absolute(r.path(key, info.code)),
                         "alternates": alternates, "x_default": x_default})
    return r.render("sitemap.xml", {"urls": urls})
