"""Every file a build writes, and the one function that renders any of them.

An `Output` names a file: its variant (the published site, the translators'
preview, the pseudo-locales), its locale and its key (a page key, or one of the
special keys below). `render_output` turns one into bytes; the full build, the
incremental build, the preview, the pseudo-locales and `serve` all call it, so
a page can only be made one way.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property
from typing import Callable, Mapping

from markdown_it import MarkdownIt

from builder.render.body import Skeletons
from builder.render.brand import brand_css
from builder.render.feeds import atom_feed, language_chooser, sitemap
from builder.render.gates import Publication
from builder.render.locale import LocaleRenderer, make_translator
from builder.render.locales import LocaleInfo, locale_info, locale_names
from builder.render.pages import locale_keys, render_key
from builder.render.routes import (
    BRAND_CSS,
    CHOOSER,
    FEED,
    GLOBAL,
    PREVIEW,
    PSEUDO,
    PUBLISHED,
    SITEMAP,
    STATIC,
    Output,
)
from builder.render.site import SiteModel
from builder.render.translations import Messages
from builder.segments.blocks import make_markdown


@dataclass(frozen=True)
class Variant:
    """One set of outputs: which locales, which translations, which pages are shown."""
    name: str
    locales: tuple[str, ...]               # the locales rendered
    listed: tuple[LocaleInfo, ...]          # the languages its switchers offer
    publication: Publication
    preview: bool                           # fuzzy text shown, untranslated blocks marked


def variants(model: SiteModel, publication: Publication, locales: tuple[str, ...],
             preview: bool, pseudo: bool) -> tuple[Variant, ...]:
    """The published site, and the translators' preview and pseudo-locales on request."""
    everything = Publication({}, model.config.source_locale, everything=True)
    out = [Variant(PUBLISHED, locales, model.locales, publication, False)]
    if preview:
        out.append(Variant(PREVIEW, locales, model.locales, everything, True))
    if pseudo:
        codes = ("en-XA", "ar-XB")
        out.append(Variant(PSEUDO, codes, model.locales + tuple(map(locale_info, codes)),
                           everything, True))
    return tuple(out)


def plan(model: SiteModel, variants: tuple[Variant, ...],
         static: tuple[str, ...]) -> list[Output]:
    """Every output of a build, in a stable order (pages of each locale, then the rest)."""
    outputs: list[Output] = []
    for variant in variants:
        prefixes = {info.code: info.prefix for info in variant.listed}
        for code in variant.locales:
            if variant.publication.locale_published(code):
                outputs += [Output(variant.name, code, key, prefixes[code])
                            for key in locale_keys(model, variant.publication, code)]
                outputs.append(Output(variant.name, code, FEED, prefixes[code]))
        if variant.name == PUBLISHED:
            outputs.append(Output(PUBLISHED, GLOBAL, SITEMAP))
        if variant.name != PSEUDO:
            outputs.append(Output(variant.name, GLOBAL, CHOOSER))
        if variant.name != PSEUDO or not any(v.name == PREVIEW for v in variants):
            outputs += [Output(variant.name, GLOBAL, STATIC + path) for path in static]
            if model.config.branding.accent:
                outputs.append(Output(variant.name, GLOBAL, BRAND_CSS))
    return outputs


class Renderers:
    """A LocaleRenderer per (variant, locale), made on first use, for one process."""

    def __init__(self, model: SiteModel, messages: Mapping[str, Messages],
                 variants: tuple[Variant, ...],
                 pseudo_messages: Callable[[str], Messages] | None = None,
                 read: Callable[[str], bytes] | None = None):
        self.model = model
        self.messages = messages
        self.variants = {v.name: v for v in variants}
        self.pseudo_messages = pseudo_messages
        self.read = read
        self.made: dict[tuple[str, str], LocaleRenderer] = {}
        self.skeletons = Skeletons()   # a body's HTML around its blocks, for every locale

    @cached_property
    def md(self) -> MarkdownIt:
        return make_markdown()

    def get(self, variant: str, locale: str) -> LocaleRenderer:
        found = self.made.get((variant, locale))
        if found is None:
            found = self.made[(variant, locale)] = self._make(self.variants[variant], locale)
        return found

    def _make(self, variant: Variant, locale: str) -> LocaleRenderer:
        if variant.name == PSEUDO:
            assert self.pseudo_messages is not None
            messages = self.pseudo_messages(locale)
        else:
            messages = self.messages.get(locale) or Messages(locale, {}, {})
        translator = make_translator(messages, self.model.config.source_locale, self.md,
                                     variant.preview, locale_names(self.model.locales))
        model = self.model if variant.listed == self.model.locales else \
            replace(self.model, locales=variant.listed)
        return LocaleRenderer(model, translator, self.md, variant.publication,
                              self.skeletons)


def render_output(renderers: Renderers, output: Output) -> bytes:
    """The bytes of one output: the only way any page, feed or file of a site is made."""
    variant, locale, key, _ = output
    if key.startswith(STATIC):
        assert renderers.read is not None
        return renderers.read(key[len(STATIC):])
    if key == FEED:
        return atom_feed(renderers.get(variant, locale))
    if key == BRAND_CSS:
        return brand_css(renderers.model.config.branding)
    source = renderers.model.config.source_locale
    if key == SITEMAP:
        return sitemap(renderers.get(variant, source))
    if key == CHOOSER:
        return language_chooser({c: renderers.get(variant, c)
                                 for c in renderers.model.config.locales}, source)
    return render_key(renderers.get(variant, locale), key)
