"""Publish gates: a page is published in a locale only when enough of it is translated.

`site.yaml` sets, per locale (or as `default`), the kinds of segment that must
be 100 % translated (titles, headings, navigation, alt texts, blocks an author
marks `required`) and the share of a page's segments that must be. A page
below its gate is still built under `_preview/`, never published.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Callable, Mapping, Sequence

from builder.catalogues.domains import domain_of, ui_domain
from builder.catalogues.extract import SITE_SOURCE, site_segments
from builder.render.routes import listing
from builder.render.site import SiteModel
from builder.render.translations import Translator
from builder.segments.blocks import Segment, page_segments
from builder.source.config import Gate


@dataclass(frozen=True)
class PageStatus:
    """How much of a page is translated in one locale, and whether it passes its gate."""
    key: str
    locale: str
    total: int
    translated: int
    missing_required: tuple[str, ...]
    published: bool

    @property
    def percent(self) -> float:
        return 100.0 * self.translated / self.total if self.total else 100.0


@dataclass(frozen=True)
class Publication:
    """Which (locale, page key) pairs readers get; everything else is preview only."""
    statuses: Mapping[tuple[str, str], PageStatus]
    source_locale: str
    everything: bool = False     # the translators' preview: every page, every locale

    def published(self, locale: str, key: str) -> bool:
        if self.everything:
            return True
        shown = listing(key)
        if shown is not None and shown[0] is not None:   # a topic's news archive: its topic's
            key = shown[0]
        status = self.statuses.get((locale, key))
        if status is None:   # home, news index, 404: published with their locale
            return self.locale_published(locale)
        return status.published

    def locale_published(self, locale: str) -> bool:
        return self.everything or locale == self.source_locale or locale in self._live

    @cached_property
    def _live(self) -> frozenset[str]:
        """Locales with at least one published page (asked once per link: keep it O(1))."""
        return frozenset(code for (code, _), s in self.statuses.items() if s.published)

    def failing(self, locale: str) -> list[PageStatus]:
        return [s for (code, _), s in sorted(self.statuses.items())
                if code == locale and not s.published]


def page_status(key: str, locale: str, segments: Sequence[Segment],
                navigation: list[Segment], translated: Callable[[Segment], bool], gate: Gate,
                marked: frozenset[str]) -> PageStatus:
    """`translated(segment) -> bool` says whether readers would see a translation."""
    everything = [*segments, *navigation]
    done = [s for s in everything if translated(s)]
    missing = tuple(s.anchor for s in everything if gate.needs(s.kind, s.anchor, marked) and not translated(s))
    percent_ok = 100 * len(done) >= gate.min_percent * len(everything)
    return PageStatus(key, locale, len(everything), len(done), missing,
                      not missing and percent_ok)


def marked_required(page_required: tuple[str, ...], key: str) -> frozenset[str]:
    """Front matter `required: [summary, partnerships.p1]` → full anchors."""
    return frozenset(f"{key}#{name}" for name in page_required)


def evaluate(model: SiteModel, translators: Mapping[str, Translator],
             every_page: bool = False,
             segments: Mapping[str, Sequence[Segment]] | None = None) -> Publication:
    """Every page's publish gate in every target locale. Without gates every page is
    published: a build needs no status then, unless `every_page` (`stats --pages`).
    `segments`: as `locale_statuses`."""
    config = model.config
    if not config.has_gates and model.content.pages and not every_page:
        return Publication({}, config.source_locale, everything=True)
    statuses = {}
    for code in config.target_locales:
        statuses |= locale_statuses(model, code, translators[code], segments)
    return Publication(statuses, config.source_locale)


def locale_statuses(model: SiteModel, code: str, translator: Translator,
                    segments: Mapping[str, Sequence[Segment]] | None = None
                    ) -> dict[tuple[str, str], PageStatus]:
    """Every page's status and publish gate in the target locale `code`. `segments`:
    each page's `page_segments`, if the caller has them (else from its parsed body)."""
    config = model.config
    navigation = [s for s in site_segments(config) if s.kind == "navigation"]
    ui = ui_domain(config.catalogues)
    lookup, gate, statuses = translator.lookup, config.gate(code), {}
    for page in model.content.pages:
        domain = domain_of(config.catalogues, page)
        statuses[(code, page.key)] = page_status(
            page.key, code, segments[page.key] if segments is not None
            else page_segments(page, model.parsed[page.key]), navigation,
            lambda s, domain=domain: not lookup(
                s.msgctxt, s.msgid, ui if s.source == SITE_SOURCE else domain)[1],
            gate, marked_required(page.required, page.key))
    return statuses
