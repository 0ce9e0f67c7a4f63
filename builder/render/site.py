"""The site as the renderer sees it: parsed once per build, shared by every locale."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from builder.errors import Collector
from builder.render.dates import DateBook
from builder.render.locales import LocaleInfo, LocaleNames, site_locales
from builder.render.routes import news_page_key
from builder.render.theme import PreloadedTemplates
from builder.source.theme import THEME, theme_templates
from builder.segments.blocks import ParsedBody
from builder.source.config import SiteConfig
from builder.source.content import Content, Page
from builder.source.inputs import Inputs


@dataclass(frozen=True)
class SiteModel:
    """Everything parsed once per build and shared by all locales."""
    config: SiteConfig
    content: Content
    parsed: Mapping[str, ParsedBody]
    locales: tuple[LocaleInfo, ...]
    templates: PreloadedTemplates      # read once, compiled once per process
    dates: DateBook                    # every locale's dates, made once for all pages

    @cached_property
    def news_position(self) -> dict[str, int]:
        return {p.key: i for i, p in enumerate(self.content.news_newest_first())}


def site_model(config: SiteConfig, content: Content, parsed: Mapping[str, ParsedBody],
               inputs: Inputs, names: LocaleNames | None = None) -> SiteModel:
    """The model of a loaded site; the templates are those the input scan found, over
    the built-in theme's. `names`: the locales' names, if known (`site_locales`)."""
    diags = Collector(config.root)
    files = project_templates(inputs, diags)
    templates = PreloadedTemplates(files, diags, config.root / ".infopages-cache" / "jinja",
                                   theme_templates())
    diags.raise_if_errors()
    return SiteModel(config, content, parsed, site_locales(config, names), templates,
                     DateBook(config))


def project_templates(inputs: Inputs, diags: Collector) -> dict[str, Path]:
    """The project's templates by name (templates/x.html → x.html). `templates/theme/`
    would hide the theme's own files (`theme/base.html`): it is refused."""
    files = {}
    for f in inputs.of_kind("template"):
        name = f.path.removeprefix("templates/")
        if name.startswith(THEME):
            diags.error(f.path, None, "templates/theme/ is the built-in theme's name",
                        "move the file to another folder of templates/")
        files[name] = inputs.absolute(f.path)
    return files


def news_pages(content: Content, size: int) -> list[tuple[int, list[Page]]]:
    """The site's news list, `size` items a page: (page number, items); one page if empty."""
    return _chunks(content.news_newest_first(), size) or [(1, [])]


def archive_pages(content: Content, config: SiteConfig, topic: str
                  ) -> list[tuple[int, list[Page]]]:
    """A topic's news archive, `news_page_size` items a page: none when the topic's
    page lists all its news (`topic_news`)."""
    items = content.news_of_topic(topic)
    return _chunks(items, config.news_page_size) if len(items) > config.topic_news else []


def list_keys(content: Content, config: SiteConfig, topics: Iterable[str]) -> list[str]:
    """The key of every news list page: the site's, then the archive of each of `topics`."""
    return [*(news_page_key(number) for number, _ in news_pages(content, config.news_page_size)),
            *(news_page_key(number, topic) for topic in topics
              for number, _ in archive_pages(content, config, topic))]


def _chunks(items: Sequence[Page], size: int) -> list[tuple[int, list[Page]]]:
    return list(enumerate((list(items[i:i + size]) for i in range(0, len(items), size)), 1))
