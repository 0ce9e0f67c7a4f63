"""Renders pages of one locale: links, dates, cards and the context every page shares."""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

import jinja2
from babel import Locale
from babel.dates import format_date
from babel.lists import format_list
from markdown_it import MarkdownIt
from markupsafe import Markup

from builder.catalogues.domains import domain_of
from builder.errors import Diagnostic, InputError
from builder.render.body import render_body
from builder.render.gates import Publication
from builder.render.locales import LocaleInfo, locale_info
from builder.render.routes import output_path, relative
from builder.render.site import SiteModel
from builder.render.theme import CSP, CSS_PATH, _template_location, make_env
from builder.render.translations import Localized, Messages, Translator
from builder.source.content import Page


def make_translator(messages: Messages, source_locale: str, md: MarkdownIt,
                    preview: bool = False) -> Translator:
    info = locale_info(messages.locale)
    return Translator(messages, source_locale, md, messages.plural_index(info.data_locale),
                      preview, info.direction == "rtl")


class LocaleRenderer:
    """Renders the pages of one locale; holds no state between pages."""

    def __init__(self, model: SiteModel, translator: Translator, md: MarkdownIt,
                 publication: Publication | None = None):
        self.model = model
        self.config = model.config
        self.info = next(i for i in model.locales if i.code == translator.locale)
        self.t = translator
        self.md = md
        self.env = make_env(model.templates, self.t)
        self.publication = publication or Publication({}, self.config.source_locale, True)
        self._dates: dict[dt.date, dict[str, str]] = {}   # a news date shows on many cards

    def published(self, key: str, locale: str | None = None) -> bool:
        return self.publication.published(locale or self.info.code, key)

    @property
    def published_locales(self) -> tuple[LocaleInfo, ...]:
        return tuple(i for i in self.model.locales if self.publication.locale_published(i.code))

    # -- text helpers ------------------------------------------------------
    def digits(self, text: str) -> str:
        table = self.config.digits(self.info.code)
        return text.translate(str.maketrans("0123456789", table))

    def date(self, value: dt.date) -> dict[str, str]:
        if value not in self._dates:
            text = format_date(value, "long", locale=self.info.data_locale)
            self._dates[value] = {"iso": value.isoformat(), "text": self.digits(text)}
        return dict(self._dates[value])

    def separators(self, count: int) -> list[str]:
        """What goes after each of `count` items of a list in this language (CLDR):
        "A, B and C", "A و B و C"."""
        marks = [f"\x01{i}\x01" for i in range(count)]
        parts = format_list(marks, locale=self.info.data_locale).split("\x01") if count else []
        return [parts[2 * i + 2] for i in range(count)]

    def domain(self, page: Page) -> str:
        """The catalogue domain a page's text is looked up in."""
        return domain_of(self.config.catalogues, page)

    def text(self, page: Page, msgid: str, msgctxt: str | None, anchor: str = "") -> Localized:
        """A piece of `page`'s own text (front matter), in this locale."""
        return self.t.inline(msgid, msgctxt, anchor, domain=self.domain(page))

    def title(self, page: Page) -> Localized:
        return self.text(page, page.title, page.context("title"), f"{page.key}#title")

    # -- links -------------------------------------------------------------
    def href(self, key: str, current: str, locale: str | None = None) -> str:
        """Link to a page; one not published in this locale is linked in the source language."""
        fragment = ""
        if "#" in key:
            key, fragment = key.split("#", 1)
            fragment = "#" + fragment
        locale = locale or self.info.code
        if not self.published(key, locale):
            locale = self.config.source_locale
        return relative(output_path(key, locale), current) + fragment

    def resolve(self, target: str, current: str) -> str:
        """`page:KEY#frag` or `media:FILE` from Markdown → a relative URL."""
        scheme, _, rest = target.partition(":")
        return relative(f"media/{rest}", current) if scheme == "media" else self.href(rest, current)

    def absolute(self, path: str) -> str:
        return self.config.base_url + path

    def card(self, page: Page, current: str) -> dict[str, Any]:
        elsewhere = None if self.published(page.key) else self.source_info
        return {"title": self.title(page), "href": self.href(page.key, current),
                "summary": self.text(page, page.summary, page.context("summary"))
                if page.summary else None,
                "date": self.date(page.date) if page.date else None, "elsewhere": elsewhere,
                "elsewhere_name": elsewhere and self.locale_name(elsewhere.code)}

    def locale_name(self, code: str) -> str:
        """A language's name in this page's language: "anglais" on a French page."""
        return Locale.parse(code).get_display_name(self.info.data_locale) or code

    @property
    def source_info(self) -> LocaleInfo:
        return next(i for i in self.model.locales if i.code == self.config.source_locale)

    # -- pages -------------------------------------------------------------
    def common(self, key: str, current: str, title: Localized | str,
               description: str = "") -> dict[str, Any]:
        config = self.config
        site_title = self.t.ui(config.title)
        alternates = [{"hreflang": info.bcp47, "href": self.absolute(output_path(key, info.code))}
                      for info in self.published_locales if self.published(key, info.code)]
        return {
            "locale": self.info, "locales": self.model.locales, "site_title": site_title,
            "page_title": str(title), "description": description,
            "canonical": self.absolute(current), "alternates": alternates,
            "x_default": self.absolute(output_path(key, config.source_locale)),
            "og_locales": [i.og_locale for i in self.published_locales
                           if i.code != self.info.code and self.published(key, i.code)],
            "css_href": relative(CSS_PATH, current),
            "feed_href": relative(f"{self.info.code}/feed.xml", current),
            "home_href": self.href("home", current),
            "root_href": relative("index.html", current),
            "switcher": self.switcher(key, current),
            "nav": [{"label": self.t.ui(item.label, "nav"),
                     "href": self.href(item.page, current), "current": item.page == key}
                    for item in config.navigation],
            "footer": self.t.ui(config.footer) if config.footer else None,
            "organisation": config.organisation, "csp": CSP, "is_source": self.t.is_source,
            "preview": self.t.preview,
        }

    def switcher(self, key: str, current: str) -> list[dict[str, Any]]:
        """Each published language; where this page is not, that language's home."""
        return [{"info": info, "current": info.code == self.info.code,
                 "href": self.href(key if self.published(key, info.code) else "home",
                                   current, info.code)}
                for info in self.published_locales]

    def body(self, page: Page, current: str) -> tuple[Markup, int]:
        domain = self.domain(page)
        html, fallbacks = render_body(
            self.model.parsed[page.key], self.md, partial(self.t.lookup, domain=domain),
            self.t.fallback_attrs, lambda target: self.resolve(target, current), self.t.rtl,
            partial(self.t.marker, domain=domain) if self.t.preview else None)
        return Markup(html), fallbacks

    def render(self, template: str, context: dict[str, Any]) -> bytes:
        try:
            return self.env.get_template(template).render(context).encode("utf-8")
        except jinja2.TemplateSyntaxError as exc:
            path = f"templates/{exc.name or template}"
            raise InputError([Diagnostic(path, exc.lineno, f"template syntax error: {exc.message}",
                                         "fix the template")]) from None
        except jinja2.UndefinedError as exc:
            name, line = _template_location(exc, template, self.config.templates_dir)
            raise InputError([Diagnostic(name, line,
                                         f"undefined variable in template: {exc.message}",
                                         "use only the variables the page provides")]) from None
        except jinja2.TemplateNotFound as exc:
            name, line = _template_location(exc, template, self.config.templates_dir)
            raise InputError([Diagnostic(name, line, f"template `{exc.name}` not found",
                                         "include or extend a template of the project's "
                                         "templates/ folder by its name there")]) from None
        except (InputError, MemoryError, RecursionError):
            raise
        except Exception as exc:   # a template's own expression failed: {{ 1 // 0 }}
            name, line = _template_location(exc, template, self.config.templates_dir)
            raise InputError([Diagnostic(name, line, f"error in template: "
                                         f"{type(exc).__name__}: {exc}",
                                         "fix the expression at this line")]) from None
