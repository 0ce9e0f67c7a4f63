"""One function per kind of page: build its context, render its template."""

from __future__ import annotations

from typing import Any

from builder.render.gates import Publication
from builder.render.locale import LocaleRenderer
from builder.render.routes import NOT_FOUND, listing, news_page_key, output_path
from builder.render.site import SiteModel, archive_pages, list_keys, news_pages
from builder.source.content import Page


def locale_keys(model: SiteModel, publication: Publication, code: str) -> list[str]:
    """The key of every page one locale publishes: home, content pages, news list pages
    (the site's and its published topics' archives), 404."""
    content = model.content
    keys = [p.key for p in content.pages if publication.published(code, p.key)]
    topics = [p.key for p in content.topics_ordered() if publication.published(code, p.key)]
    return ["home", *keys, *list_keys(content, model.config, topics), NOT_FOUND]


def render_key(r: LocaleRenderer, key: str) -> bytes:
    """One page of one locale: its context built, its template rendered."""
    if key == "home":
        return home(r)
    if key == NOT_FOUND:
        return not_found(r)
    shown = listing(key)
    if shown is not None:
        return news_index(r, key, *shown)
    page = r.model.content.by_key()[key]
    render = {"topic": topic, "news": news_item, "page": plain_page}[page.kind]
    return render(r, page)


def _with_body(r: LocaleRenderer, page: Page, current: str) -> dict[str, Any]:
    title = r.title(page)
    summary = r.text(page, page.summary, page.context("summary")) if page.summary else None
    body, fallbacks = r.body(page, current)
    fallbacks += title.fallback + bool(summary and summary.fallback)
    ctx = r.common(page.key, current, title, summary.text if summary else "")
    image = None
    if page.image:
        image = {"src": f"{'../' * current.count('/')}media/{page.image.src}",
                 "alt": r.text(page, page.image.alt, page.context("image.alt", "img.alt"))
                 if page.image.alt else None,
                 "caption": r.text(page, page.image.caption, page.context("image.caption"))
                 if page.image.caption else None}
    ctx.update(page=page, title=title, summary=summary, body=body, image=image,
               fallback_notice=fallbacks > 0, related=_related(r, page, current))
    return ctx


def _related(r: LocaleRenderer, page: Page, current: str) -> list[dict[str, Any]]:
    pages = r.model.content.by_key()
    out = []
    for number, link in enumerate(page.related, 1):
        label = r.text(page, link.label, page.context(f"related.{number}")) if link.label \
            else None
        if link.url:
            url, local = link.url_for(r.info.code)
            if not local and link.localized:   # the source language's own address
                url = link.url_for(r.config.source_locale)[0] or url
            elsewhere = None if local or not link.localized else r.source_info
            out.append({"title": label, "href": url, "summary": None, "external": True,
                        "elsewhere": elsewhere, "elsewhere_name": elsewhere and
                        r.locale_name(elsewhere.code)})
        else:
            target = pages.get(link.page or "")
            card = r.card(target, current) if target else {
                "title": label, "href": r.href(link.page or "home", current),
                "summary": None, "elsewhere": None}
            out.append(card | {"external": False} | ({"title": label} if label else {}))
    return out


def home(r: LocaleRenderer) -> bytes:
    current = r.path("home")
    content = r.model.content
    ctx = r.common("home", current, r.t.ui(r.config.title))
    ctx.update(topics=[r.card(p, current) for p in content.topics_ordered()],
               latest=[r.card(p, current) for p in
                       content.news_newest_first()[: r.config.latest_news]],
               news_href=r.href("news", current), fallback_notice=False)
    return r.render("home.html", ctx)


def topic(r: LocaleRenderer, page: Page) -> bytes:
    current = r.path(page.key)
    ctx = _with_body(r, page, current)
    news = r.model.content.news_of_topic(page.key)[:r.config.topic_news]
    archive = archive_pages(r.model.content, r.config, page.key)
    ctx.update(news=[r.card(p, current) for p in news],
               archive_href=r.href(news_page_key(1, page.key), current) if archive else None)
    return r.render("topic.html", ctx)


def plain_page(r: LocaleRenderer, page: Page) -> bytes:
    current = r.path(page.key)
    return r.render("page.html", _with_body(r, page, current))


def news_item(r: LocaleRenderer, page: Page) -> bytes:
    current = r.path(page.key)
    ctx = _with_body(r, page, current)
    items = r.model.content.news_newest_first()
    at = r.model.news_position[page.key]
    topics = r.model.content.by_key()
    ctx.update(
        date=r.date(page.date) if page.date else None,
        topics=[r.card(topics[key], current) | {"sep": sep}
                for key, sep in zip(page.topics, r.separators(len(page.topics)))],
        newer=r.card(items[at - 1], current) if at > 0 else None,
        older=r.card(items[at + 1], current) if at + 1 < len(items) else None,
        news_href=r.href("news", current))
    return r.render("news_item.html", ctx)


def news_index(r: LocaleRenderer, key: str, topic: str | None, number: int) -> bytes:
    """A page of the site's news list, or of the news archive of the topic page `topic`."""
    current = r.path(key)
    content = r.model.content
    if topic is None:
        lists = news_pages(content, r.config.news_page_size)
        title, subject = r.t.template_text("News"), None
        ctx = r.common(key, current, title)
    else:   # the template's heading says "News: %(topic)s", and so does the tab's title
        lists = archive_pages(content, r.config, topic)
        title = subject = r.embedded(r.title(content.by_key()[topic]))
        ctx = r.common(key, current, r.t.attr_gettext("News: %(topic)s") % {"topic": title})
    total, items = len(lists), lists[number - 1][1]
    pages = [None if n is None else {"number": r.number(n), "current": n == number,
                                     "href": r.href(news_page_key(n, topic), current)}
             for n in page_window(number, total)]
    ctx.update(
        title=title, items=[r.card(p, current) for p in items], fallback_notice=False,
        subject=subject, number=number, total=total,
        number_text=r.number(number), total_text=r.number(total), pages=pages,
        previous=r.href(news_page_key(number - 1, topic), current) if number > 1 else None,
        next=r.href(news_page_key(number + 1, topic), current) if number < total else None)
    return r.render("news_index.html", ctx)


def page_window(number: int, total: int, around: int = 2) -> list[int | None]:
    """Page numbers to link: first, last and the neighbours of `number`; None is a gap.

    Linking every page of a 1,000-page archive helps nobody and costs O(n²).
    """
    shown = sorted({1, total, *range(max(1, number - around), min(total, number + around) + 1)})
    out: list[int | None] = []
    for n in shown:
        if out and out[-1] is not None and n - out[-1] > 1:
            out.append(None)
        out.append(n)
    return out


def not_found(r: LocaleRenderer) -> bytes:
    # A 404 page is served at any URL, so its links are absolute from the site root;
    # it is no page of the menu, so no menu item is marked current.
    current = r.path(NOT_FOUND)
    base_path = "/" + r.config.base_url.split("://", 1)[1].split("/", 1)[1]
    ctx = r.common("home", current, r.t.template_text("Page not found"), root=base_path)
    ctx.update(fallback_notice=False, canonical=None,
               switcher=[dict(item, href=base_path + output_path(NOT_FOUND, item["info"].prefix))
                         for item in ctx["switcher"]])
    return r.render("404.html", ctx)
