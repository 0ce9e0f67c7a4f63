"""The site as the renderer sees it: parsed once per build, shared by every locale."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from builder.render.routes import (
    LocaleInfo,
    news_page_key,
)
from builder.render.theme import PreloadedTemplates
from builder.segments.blocks import ParsedBody
from builder.source.config import SiteConfig
from builder.source.content import Content, Page


@dataclass(frozen=True)
class SiteModel:
    """Everything parsed once per build and shared by all locales."""
    config: SiteConfig
    content: Content
    parsed: dict[str, ParsedBody]
    locales: tuple[LocaleInfo, ...]

    @cached_property
    def news_position(self) -> dict[str, int]:
        return {p.key: i for i, p in enumerate(self.content.news_newest_first())}

    @cached_property
    def templates(self) -> "PreloadedTemplates":
        """Every template read once, compiled once per process (shared by all locales)."""
        return PreloadedTemplates(self.config.templates_dir,
                                  self.config.root / ".infopages-cache" / "jinja")


def news_pages(content: Content, size: int) -> list[tuple[int, list[Page]]]:
    items = list(content.news_newest_first())
    chunks = [items[i:i + size] for i in range(0, len(items), size)] or [[]]
    return list(enumerate(chunks, 1))


def news_page_keys(content: Content, size: int) -> list[str]:
    return [news_page_key(number) for number, _ in news_pages(content, size)]
