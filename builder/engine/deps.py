"""What each output file depends on, as named facts, for incremental builds.

An output is re-rendered when one of its facts is dirty. Facts are per locale
(a French page does not care about a Spanish catalogue):

- `page:K`  — K's own source and its own translations (the page K itself);
- `card:K`  — what other pages show of K: title, summary, date (cards, feeds);
- `list:…`  — which pages a listing shows, in which order (home, each news
  index page, a topic's news, a news item's newer/older, the feed, the sitemap);
- `ui`      — template strings, templates and site settings;
- `file:P`  — the input file P copied as it is (a stylesheet, an image).

`list:` facts are compared by hash (`list_hashes`); `page:`/`card:` facts are
dirtied by the changes the build cache detects (content files, catalogue entries).
"""

from __future__ import annotations

import hashlib

from builder.render.routes import BRAND_CSS, CHOOSER, FEED, SITEMAP, STATIC, news_page_key
from builder.render.site import news_pages
from builder.source.content import Content, Page

UI = "ui"


def digest(*parts: object) -> str:
    return hashlib.blake2b(repr(parts).encode("utf-8"), digest_size=12).hexdigest()


def card_signature(page: Page) -> str:
    """Everything a card or feed entry shows of `page`, and how it is looked up."""
    return digest(page.title, page.summary, page.date, page.context("title"),
                  page.context("summary"), page.kind)


def list_hashes(content: Content, page_size: int, feed_size: int) -> dict[str, str]:
    """Hash of every listing: a changed hash dirties the outputs that show it."""
    news = content.news_newest_first()
    keys = [p.key for p in news]
    topics = [p.key for p in content.topics_ordered()]
    out = {"list:home": digest(topics, keys[:LATEST_MAX]),
           "list:feed": digest(keys[:feed_size]),
           "list:pages": digest(sorted(p.key for p in content.pages), len(news_pages(
               content, page_size)))}
    pages = news_pages(content, page_size)
    for number, items in pages:
        out[f"list:{news_page_key(number)}"] = digest([p.key for p in items], len(pages))
    for topic in topics:
        out[f"list:topic:{topic}"] = digest([k.key for k in news if topic in k.topics])
    for at, page in enumerate(news):
        out[f"list:nav:{page.key}"] = digest(keys[at - 1] if at else None,
                                             keys[at + 1] if at + 1 < len(keys) else None)
    return out


LATEST_MAX = 100   # `latest_news` is small; hashing a fixed prefix keeps the fact stable


class FactIndex:
    """Answers "what is output K made of?" in O(facts), for every output of a build."""

    def __init__(self, content: Content, page_size: int, latest: int, feed_size: int):
        self.content = content
        self.feed_size = feed_size
        self.page_size = page_size
        self.latest = latest
        self.news = content.news_newest_first()
        self.position = {p.key: i for i, p in enumerate(self.news)}
        self.topic_news: dict[str, list[str]] = {}
        for page in self.news:
            for topic in page.topics:
                self.topic_news.setdefault(topic, []).append(page.key)

    def facts(self, key: str) -> tuple[str, ...]:
        """The facts of the output `key`: a page key, `404`, or an `@` output."""
        if key.startswith(STATIC):
            return ("file:" + key[len(STATIC):],)
        if key == SITEMAP:
            return (UI, "list:pages")
        if key in (CHOOSER, BRAND_CSS):
            return (UI,)
        if key == FEED:   # each entry's title and summary (its card) and body (its page)
            latest = self.news[:self.feed_size]
            return (UI, "list:feed", *(f"card:{p.key}" for p in latest),
                    *(f"page:{p.key}" for p in latest))
        facts = [UI]
        if key == "home":
            shown = [*self.content.topics_ordered(), *self.news[:self.latest]]
            facts += ["list:home", *(f"card:{p.key}" for p in shown)]
        elif key == "news" or key.startswith("news/page-"):
            number = 1 if key == "news" else int(key.rsplit("-", 1)[1])
            items = self.news[(number - 1) * self.page_size: number * self.page_size]
            facts += [f"list:{key}", *(f"card:{p.key}" for p in items)]
        elif key in self.content.by_key():
            facts += self._page_facts(self.content.by_key()[key])
        return tuple(dict.fromkeys(facts))

    def _page_facts(self, page: Page) -> list[str]:
        facts = [f"page:{page.key}", *(f"card:{link.page}" for link in page.related if link.page)]
        if page.kind == "topic":
            facts.append(f"list:topic:{page.key}")
            facts += [f"card:{key}" for key in self.topic_news.get(page.key, ())]
        elif page.kind == "news":
            at = self.position[page.key]
            facts.append(f"list:nav:{page.key}")
            facts += [f"card:{topic}" for topic in page.topics]
            facts += [f"card:{p.key}" for p in self.news[max(0, at - 1): at + 2]
                      if p.key != page.key]
        return facts
