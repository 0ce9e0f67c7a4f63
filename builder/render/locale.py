"""Renders pages of one locale: links, dates, cards and the context every page shares."""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

import jinja2
from babel import Locale
from babel.lists import format_list
from markdown_it import MarkdownIt
from markupsafe import Markup

from builder.catalogues.domains import domain_of
from builder.errors import Diagnostic, InputError
from builder.render.body import Skeletons, render_body
from builder.render.dates import english_locale
from builder.render.gates import Publication
from builder.render.locales import LocaleInfo, LocaleNames, locale_info
from builder.render.routes import BRAND_CSS, CHOOSER, FEED, folder, output_path, relative
from builder.render.site import SiteModel
from builder.render.theme import CSP, CSS_PATH, make_env, template_location
from builder.render.translations import (
    TEMPLATE_LANGUAGE,
    DateValue,
    Dual,
    Embedded,
    Localized,
    Messages,
    Translator,
    span,
)
from builder.source.content import Page


def make_translator(messages: Messages, source_locale: str, md: MarkdownIt,
                    preview: bool = False, known: LocaleNames | None = None) -> Translator:
    """`known`: the locales' names and directions, if looked up already (`site_locales`)."""
    known = known or {}
    info = locale_info(messages.locale, known=known.get(messages.locale))
    source = locale_info(source_locale, known=known.get(source_locale))
    return Translator(messages, source_locale, md, messages.plural_index(info.data_locale),
                      preview, info.direction == "rtl", language_marks(source, info),
                      template_marks(info, known))


def language_marks(text: LocaleInfo, page: LocaleInfo) -> dict[str, str]:
    """Attributes for text in language `text` on a page in `page`: its tag, and its
    direction only where the page's differs (dir="ltr" on an English page says nothing)."""
    return {"lang": text.bcp47} | ({"dir": text.direction}
                                   if text.direction != page.direction else {})


def template_marks(page: LocaleInfo, known: LocaleNames | None = None) -> dict[str, str]:
    """How template text left untranslated is marked: English (TEMPLATE_LANGUAGE), unless
    the page is in English (any English: an en-GB page needs no mark for it)."""
    if page.bcp47.split("-")[0] == TEMPLATE_LANGUAGE:
        return {}
    return language_marks(locale_info(TEMPLATE_LANGUAGE,
                                      known=(known or {}).get(TEMPLATE_LANGUAGE)), page)


CARDS = 1024   # cards a renderer keeps: a news list page's, its topics', a page's neighbours


class LocaleRenderer:
    """Renders the pages of one locale; keeps nothing of a page but memos of what pages
    share (dates, names, list separators, the links of a folder)."""

    def __init__(self, model: SiteModel, translator: Translator, md: MarkdownIt,
                 publication: Publication | None = None, skeletons: Skeletons | None = None):
        self.model = model
        self.config = model.config
        self.info = next(i for i in model.locales if i.code == translator.locale)
        self.t = translator
        self.md = md
        self.env = make_env(model.templates, self.t)
        self.publication = publication or Publication({}, self.config.source_locale, True)
        self._prefixes = {info.code: info.prefix for info in model.locales}
        self._names: dict[str, Dual] = {}
        self._separators: dict[int, tuple[str, ...]] = {}
        self._cards: dict[tuple[str, str], dict[str, Any]] = {}
        self._chrome: dict[tuple[str, str | None, str | None], dict[str, Any]] = {}
        self._nav_pages = frozenset(item.page for item in self.config.navigation)
        self._skeletons = skeletons or Skeletons()   # shared by the locales of a Renderers

    def published(self, key: str, locale: str | None = None) -> bool:
        return self.publication.published(locale or self.info.code, key)

    @property
    def published_locales(self) -> tuple[LocaleInfo, ...]:
        return tuple(i for i in self.model.locales if self.publication.locale_published(i.code))

    # -- text helpers ------------------------------------------------------
    def digits(self, text: str, locale: str | None = None) -> str:
        return self.model.dates.digits(locale or self.info.code, text)

    def number(self, value: int) -> Dual:
        """A number in this locale's digits, and in Latin digits for English text."""
        return Dual(self.digits(str(value)), partial(str, value))

    def date(self, value: dt.date) -> DateValue:
        return self.model.dates.date(self.info, value)

    def separators(self, count: int) -> tuple[str, ...]:
        """What goes after each of `count` items of a list in this language (CLDR):
        "A, B and C", "A و B و C". Asked on every news item: Babel's answer (some
        40 µs) is kept per count."""
        found = self._separators.get(count)
        if found is None:
            marks = [f"\x01{i}\x01" for i in range(count)]
            parts = format_list(marks, locale=self.info.data_locale).split("\x01") \
                if count else []
            found = self._separators[count] = tuple(parts[2 * i + 2] for i in range(count))
        return found

    def domain(self, page: Page) -> str:
        """The catalogue domain a page's text is looked up in."""
        return domain_of(self.config.catalogues, page)

    def text(self, page: Page, msgid: str, msgctxt: str | None, anchor: str = "") -> Localized:
        """A piece of `page`'s own text (front matter), in this locale."""
        return self.t.inline(msgid, msgctxt, anchor, domain=self.domain(page))

    def title(self, page: Page) -> Localized:
        return self.text(page, page.title, page.context("title"), f"{page.key}#title")

    def embedded(self, value: Localized) -> Embedded:
        """`value` to fill a template message with: a fallback marked as such; in the
        message left in English, marked with the language it is in."""
        language = self.source_info if value.fallback else self.info
        return Embedded(span(value.html, self.t.attrs(value)), value.text,
                        span(value.html, {"lang": language.bcp47, "dir": language.direction}))

    # -- links -------------------------------------------------------------
    def path(self, key: str, locale: str | None = None) -> str:
        """Where page `key` of a locale (default: this one) is, from the site root."""
        return output_path(key, self._prefixes[locale or self.info.code])

    def href(self, key: str, current: str, locale: str | None = None,
             root: str | None = None) -> str:
        """Link to a page; one not published in this locale is linked in the source language.
        `root`: links absolute from this site path (a 404 page is served at any URL)."""
        return self.link(self.target(key, locale), current, root)

    def target(self, key: str, locale: str | None = None) -> str:
        """The site path (with its #fragment) a link to page `key` leads to: the page in
        this locale, or in the source language where it is not published."""
        fragment = ""
        if "#" in key:
            key, fragment = key.split("#", 1)
            fragment = "#" + fragment
        locale = locale or self.info.code
        if not self.published(key, locale):
            locale = self.config.source_locale
        return self.path(key, locale) + fragment

    @staticmethod
    def link(path: str, current: str, root: str | None = None) -> str:
        """A link to a site path: relative to `current`, or absolute from `root`."""
        return root + path if root is not None else relative(path, current)

    def resolve(self, target: str, current: str, absolute: bool = False) -> str:
        """`page:KEY#frag` or `media:FILE` from Markdown → a relative URL (or an absolute
        one, for a feed)."""
        scheme, _, rest = target.partition(":")
        path = f"media/{rest}" if scheme == "media" else self.target(rest)
        return self.absolute(path) if absolute else relative(path, current)

    def absolute(self, path: str) -> str:
        return self.config.base_url + path

    def card(self, page: Page, current: str) -> dict[str, Any]:
        """A page as a list shows it. The same card shows on many pages of a folder (a
        topic on its news items, a news item on its two neighbours): the last CARDS
        made are kept."""
        memo = (page.key, folder(current))
        found = self._cards.get(memo)
        if found is None:
            found = self._cards[memo] = self._card(page, current)
            if len(self._cards) > CARDS:
                del self._cards[next(iter(self._cards))]    # the oldest
        return found

    def _card(self, page: Page, current: str) -> dict[str, Any]:
        elsewhere = None if self.published(page.key) else self.source_info
        return {"title": self.title(page), "href": self.href(page.key, current),
                "summary": self.text(page, page.summary, page.context("summary"))
                if page.summary else None,
                "date": self.date(page.date) if page.date else None, "elsewhere": elsewhere,
                "elsewhere_name": elsewhere and self.locale_name(elsewhere.code)}

    def locale_name(self, code: str) -> Dual:
        """A language's name in this page's language ("anglais" on a French page), and in
        English for a template message left untranslated ("(in English)")."""
        found = self._names.get(code)
        if found is None:   # on every page (the source language's name): ask Babel once
            name, english = Locale.parse(code), english_locale(self.config)
            found = self._names[code] = Dual(   # the English form must not hold `self`
                name.get_display_name(self.info.data_locale) or code,
                lambda: name.get_display_name(english) or code)
        return found

    @property
    def source_info(self) -> LocaleInfo:
        return next(i for i in self.model.locales if i.code == self.config.source_locale)

    # -- pages -------------------------------------------------------------
    def common(self, key: str, current: str, title: Localized | str, description: str = "",
               root: str | None = None) -> dict[str, Any]:
        """What every page's template gets (docs/templates.md lists it). `key`: the page
        whose translations the language links offer; `root`: see `href`."""
        published = self.published_locales
        alternates = [{"hreflang": info.bcp47, "href": self.absolute(self.path(key, info.code))}
                      for info in published if self.published(key, info.code)]
        # The links every page of a folder shares, and the site's texts: made once per
        # folder (a relative link depends on the folder alone; see routes.relative).
        nav_key = key if key in self._nav_pages else None
        memo = (folder(current), root, nav_key)
        chrome = self._chrome.get(memo)
        if chrome is None:
            chrome = self._chrome[memo] = self._chrome_context(nav_key, current, root)
        return chrome | {
            "page_title": str(title), "description": description,
            "canonical": self.absolute(current), "alternates": alternates,
            "x_default": self.x_default(key),
            "og_locales": [i.og_locale for i in published
                           if i.code != self.info.code and self.published(key, i.code)],
            "switcher": self.switcher(key, current, root),
        }

    def _chrome_context(self, key: str | None, current: str,
                        root: str | None) -> dict[str, Any]:
        """The part of `common` that is the same on every page of `current`'s folder
        (`key`: the page, where it is in the menu)."""
        config = self.config
        return {
            "locale": self.info, "locales": self.model.locales,
            "site_title": self.t.ui(config.title),
            "css_href": self.link(CSS_PATH, current, root),
            "brand_css_href": self.link(output_path(BRAND_CSS, ""), current, root)
            if config.branding.accent else None,
            "feed_href": self.link(self.path(FEED), current, root),
            "home_href": self.href("home", current, root=root),
            "root_href": self.link(output_path(CHOOSER, ""), current, root),
            "nav": [{"label": self.t.ui(item.label, "nav"),
                     "href": self.href(item.page, current, root=root),
                     "current": item.page == key and root is None}
                    for item in config.navigation],
            "footer": self.t.ui(config.footer) if config.footer else None,
            "footer_links": self.footer_links(current, root),
            "logo": self.logo(current, root), "favicon": self.favicon(current, root),
            "source_language": self.locale_name(config.source_locale),
            "organisation": config.organisation, "csp": CSP, "is_source": self.t.is_source,
            "preview": self.t.preview,
        }

    def x_default(self, key: str) -> str:
        """The page for readers whose language the site does not have: for the home
        page the language chooser at the root, for any other its source-language page."""
        target = output_path(CHOOSER, "") if key == "home" else \
            self.path(key, self.config.source_locale)
        return self.absolute(target)

    def switcher(self, key: str, current: str, root: str | None = None) -> list[dict[str, Any]]:
        """Each published language; where this page is not, that language's home."""
        return [{"info": info, "current": info.code == self.info.code,
                 "href": self.href(key if self.published(key, info.code) else "home",
                                   current, info.code, root)}
                for info in self.published_locales]

    def footer_links(self, current: str, root: str | None) -> list[dict[str, Any]]:
        return [{"label": self.t.ui(link.label), "external": link.url is not None,
                 "href": link.url or self.href(str(link.page), current, root=root)}
                for link in self.config.branding.footer_links]

    def logo(self, current: str, root: str | None) -> dict[str, Any] | None:
        logo = self.config.branding.logo
        if logo is None:
            return None
        return {"src": self.link(f"media/{logo.src}", current, root),
                "alt": self.t.ui(logo.alt, "img.alt") if logo.alt else None}

    def favicon(self, current: str, root: str | None) -> dict[str, str]:
        """The site.yaml favicon (a media file), else the theme's (`assets/favicon.svg`,
        which a project's templates/static/favicon.svg replaces)."""
        name = self.config.branding.favicon
        path = f"media/{name}" if name else "assets/favicon.svg"
        kind = {"svg": "image/svg+xml", "png": "image/png", "ico": "image/x-icon"}.get(
            path.rsplit(".", 1)[-1].lower(), "")
        return {"href": self.link(path, current, root), "type": kind}

    def body(self, page: Page, current: str, absolute: bool = False) -> tuple[Markup, int]:
        domain = self.domain(page)
        parsed = self.model.parsed[page.key]
        html, fallbacks = render_body(
            parsed, self.md, partial(self.t.lookup, domain=domain),
            self.t.fallback_attrs, lambda target: self.resolve(target, current, absolute),
            self.t.rtl, partial(self.t.marker, domain=domain) if self.t.preview else None,
            self._skeletons.get(parsed, self.md))
        return Markup(html), fallbacks

    def render(self, template: str, context: dict[str, Any]) -> bytes:
        try:
            return self.env.get_template(template).render(context).encode("utf-8")
        except jinja2.TemplateSyntaxError as exc:
            path = self.model.templates.display(exc.name or template)
            raise InputError([Diagnostic(path, exc.lineno, f"template syntax error: {exc.message}",
                                         "fix the template")]) from None
        except jinja2.UndefinedError as exc:
            name, line = template_location(exc, template, self.model.templates)
            raise InputError([Diagnostic(name, line,
                                         f"undefined variable in template: {exc.message}",
                                         "use only the variables the page provides (see "
                                         "docs/templates.md)")]) from None
        except jinja2.TemplateNotFound as exc:
            name, line = template_location(exc, template, self.model.templates)
            raise InputError([Diagnostic(name, line, f"template `{exc.name}` not found",
                                         "include or extend a template of the project's "
                                         "templates/ folder by its name there, or the "
                                         "built-in theme's as theme/NAME")]) from None
        except (InputError, MemoryError, RecursionError):
            raise
        except Exception as exc:   # a template's own expression failed: {{ 1 // 0 }}
            name, line = template_location(exc, template, self.model.templates)
            raise InputError([Diagnostic(name, line, f"error in template: "
                                         f"{type(exc).__name__}: {exc}",
                                         "fix the expression at this line")]) from None
