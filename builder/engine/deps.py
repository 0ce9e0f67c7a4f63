"""What each output file depends on, as named facts, for incremental builds.

An output is re-rendered when one of its facts is dirty. Facts are per locale
(a French page does not care about a Spanish catalogue):

- `page:K`  — K's own source and its own translations (the page K itself);
- `card:K`  — what other pages show of K: title, summary, date (cards, feeds);
- `list:…`  — which pages a listing shows, in which order (home, each news
  index page, a topic's newest news and each page of its news archive, a news
  item's newer/older, the feed, the sitemap);
- `ui`      — template strings, templates and site settings;
- `file:P`  — the input file P copied as it is (a stylesheet, an image).

`list:` facts are compared by hash (`list_hashes`); `page:`/`card:` facts are
dirtied by the changes the build cache detects (content files, catalogue entries).
"""

from __future__ import annotations

import hashlib

from builder.render.routes import (
    BRAND_CSS,
    CHOOSER,
    FEED,
    SITEMAP,
    STATIC,
    listing,
    news_page_key,
)
from builder.render.site import archive_pages, list_keys, news_pages
from builder.source.config import SiteConfig
from builder.source.content import Content, Page

UI = "ui"


def digest(*parts: object) -> str:
    return hashlib.blake2b(repr(parts).encode("utf-8"), digest_size=12).hexdigest()


def card_signature(page: Page) -> str:
    """Everything a card or feed entry shows of `page`, and how it is looked up."""
    return digest(page.title, page.summary, page.date, page.context("title"),
                  page.context("summary"), page.kind)


def list_hashes(content: Content, config: SiteConfig) -> dict[str, str]:
    """Hash of every listing: a changed hash dirties the outputs that show it."""
    news = content.news_newest_first()
    keys = [p.key for p in news]
    topics = [p.key for p in content.topics_ordered()]
    out = {"list:home": digest(topics, keys[:LATEST_MAX]),
           "list:feed": digest(keys[:config.feed_size]),
           "list:pages": digest(sorted(p.key for p in content.pages),
                                list_keys(content, config, topics))}
    pages = news_pages(content, config.news_page_size)
    for number, items in pages:
        out[f"list:{news_page_key(number)}"] = digest([p.key for p in items], len(pages))
    for topic in topics:
        shown = [p.key for p in content.news_of_topic(topic)[:config.topic_news]]
        archive = archive_pages(content, config, topic)
        out[f"list:topic:{topic}"] = digest(shown, bool(archive))
        for number, items in archive:
            out[f"list:{news_page_key(number, topic)}"] = digest([p.key for p in items],
                                                                 len(archive))
    for at, page in enumerate(news):
        out[f"list:nav:{page.key}"] = digest(keys[at - 1] if at else None,
                                             keys[at + 1] if at + 1 < len(keys) else None)
    return out


LATEST_MAX = 100   # `latest_news` is small; hashing a fixed prefix keeps the fact stable


class FactIndex:
    """Answers "what is output K made of?" in O(facts), for every output of a build."""

    def __init__(self, content: Content, config: SiteConfig):
        self.content = content
        self.config = config
        self.news = content.news_newest_first()
        self.position = {p.key: i for i, p in enumerate(self.news)}

    def facts(self, key: str) -> tuple[str, ...]:
        """The facts of the output `key`: a page key, `404`, or an `@` output."""
        if key.startswith(STATIC):
            return ("file:" + key[len(STATIC):],)
        if key == SITEMAP:
            return (UI, "list:pages")
        if key in (CHOOSER, BRAND_CSS):
            return (UI,)
        if key == FEED:   # each entry's title and summary (its card) and body (its page)
            latest = self.news[:self.config.feed_size]
            return (UI, "list:feed", *(f"card:{p.key}" for p in latest),
                    *(f"page:{p.key}" for p in latest))
        facts = [UI]
        if key == "home":
            shown = [*self.content.topics_ordered(), *self.news[:self.config.latest_news]]
            facts += ["list:home", *(f"card:{p.key}" for p in shown)]
        elif (shown := listing(key)) is not None:
            topic, number = shown
            size = self.config.news_page_size
            items = (self.news if topic is None else self.content.news_of_topic(topic))[
                (number - 1) * size: number * size]
            facts += [f"list:{key}", *(f"card:{p.key}" for p in items)]
            facts += [f"card:{topic}"] if topic else []   # its title heads the page
        elif key in self.content.by_key():
            facts += self._page_facts(self.content.by_key()[key])
        return tuple(dict.fromkeys(facts))

    def _page_facts(self, page: Page) -> list[str]:
        facts = [f"page:{page.key}", *(f"card:{link.page}" for link in page.related if link.page)]
        if page.kind == "topic":
            facts.append(f"list:topic:{page.key}")
            facts += [f"card:{p.key}" for p in
                      self.content.news_of_topic(page.key)[:self.config.topic_news]]
        elif page.kind == "news":
            at = self.position[page.key]
            facts.append(f"list:nav:{page.key}")
            facts += [f"card:{topic}" for topic in page.topics]
            facts += [f"card:{p.key}" for p in self.news[max(0, at - 1): at + 2]
                      if p.key != page.key]
        return facts
