"""Render every page of one locale with Jinja2: one Environment per locale.

The view models handed to templates are plain dicts built here, so templates
hold markup only and never reach back into the pipeline.
"""

from __future__ import annotations

import datetime as dt
import gettext as gnu_gettext
from dataclasses import dataclass
from pathlib import Path
from functools import cached_property
from typing import Any

import jinja2
from babel import Locale
from babel.dates import format_date
from babel.lists import format_list
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

from builder.catalogues.pofiles import plural_header
from builder.source.config import SiteConfig
from builder.source.content import Content, Page
from builder.errors import Diagnostic, InputError
from builder.render.gates import Publication
from builder.render.routes import LocaleInfo, locale_info, news_page_key, output_path, relative
from builder.segments.blocks import Localized, ParsedBody, render_body
from builder.render.translations import Messages, Translator

CSP = ("default-src 'none'; style-src 'self'; img-src 'self'; font-src 'self'; "
       "base-uri 'none'; form-action 'none'")
CSS_PATH = "assets/style.css"


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


class PreloadedTemplates(jinja2.BaseLoader):
    """Template sources read once per build; a render worker forked from the parent
    inherits them and never opens a template file again."""

    def __init__(self, folder: Path, cache_dir: Path | None = None):
        self.sources = {}
        for path in sorted(folder.rglob("*")) if folder.is_dir() else ():
            name = path.relative_to(folder).as_posix()
            if path.is_file() and not name.startswith("static/"):
                self.sources[name] = (path.read_text("utf-8"), str(path))
        self.bytecode = _MemoryBytecode(cache_dir)

    def get_source(self, environment, template):
        if template not in self.sources:
            raise jinja2.TemplateNotFound(template)
        source, filename = self.sources[template]
        return source, filename, lambda: True


class _MemoryBytecode(jinja2.BytecodeCache):
    """Compiled templates kept in memory, shared by the Environments of one process,
    and on disk for the next build (Jinja checks each against its source's checksum)."""

    def __init__(self, cache_dir: Path | None):
        self.store: dict[str, bytes] = {}
        self.disk = jinja2.FileSystemBytecodeCache(str(cache_dir)) if cache_dir else None
        if cache_dir:
            cache_dir.mkdir(parents=True, exist_ok=True)

    def load_bytecode(self, bucket) -> None:
        if bucket.key in self.store:
            bucket.bytecode_from_string(self.store[bucket.key])
        elif self.disk is not None:
            self.disk.load_bytecode(bucket)

    def dump_bytecode(self, bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()
        if self.disk is not None:
            self.disk.dump_bytecode(bucket)


def make_env(model: SiteModel, translator: Translator) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=model.templates, bytecode_cache=model.templates.bytecode,
        autoescape=jinja2.select_autoescape(["html", "xml"]),
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        auto_reload=False,   # compiled once per Environment: no stat per page rendered
    )
    env.install_gettext_callables(translator.gettext, translator.ngettext, newstyle=True,
                                  pgettext=translator.pgettext,
                                  npgettext=translator.npgettext)
    env.globals["_a"] = translator.attr_gettext
    env.filters["lang_attrs"] = _lang_attrs(translator)
    return env


def _lang_attrs(translator: Translator):
    def lang_attrs(value: Any) -> Markup:
        if not isinstance(value, Localized):
            return Markup("")
        return Markup("".join(f' {k}="{escape(v)}"' for k, v in translator.attrs(value).items()))
    return lang_attrs


def make_translator(messages: Messages, source_locale: str, md: MarkdownIt,
                    preview: bool = False) -> Translator:
    info = locale_info(messages.locale)
    plural = gnu_gettext.c2py(plural_header(info.data_locale)[1].split("plural=")[1][:-1])
    return Translator(messages, source_locale, md, plural, preview, info.direction == "rtl")


class LocaleRenderer:
    """Renders the pages of one locale; holds no state between pages."""

    def __init__(self, model: SiteModel, translator: Translator, md: MarkdownIt,
                 publication: Publication | None = None):
        self.model = model
        self.config = model.config
        self.info = next(i for i in model.locales if i.code == translator.locale)
        self.t = translator
        self.md = md
        self.env = make_env(model, self.t)
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

    def title(self, page: Page) -> Localized:
        return self.t.inline(page.title, page.context("title"), anchor=f"{page.key}#title")

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
                "summary": self.t.inline(page.summary, page.context("summary"))
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
        site_title = self.t.inline(config.title)
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
            "nav": [{"label": self.t.inline(item.label, "nav"),
                     "href": self.href(item.page, current), "current": item.page == key}
                    for item in config.navigation],
            "footer": self.t.inline(config.footer) if config.footer else None,
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
        html, fallbacks = render_body(
            self.model.parsed[page.key], self.md, self.t.lookup, self.t.fallback_attrs,
            lambda target: self.resolve(target, current), self.t.rtl,
            self.t.marker if self.t.preview else None)
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


def _template_location(exc: Exception, template: str, folder) -> tuple[str, int | None]:
    """The innermost template frame of the traceback: the file and line to fix
    (an error in page.html surfaces while rendering topic.html, which extends it)."""
    name, line = f"templates/{template}", None
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith((".html", ".xml")):
            try:
                name = "templates/" + Path(filename).relative_to(folder).as_posix()
            except ValueError:
                pass
            line = tb.tb_lineno
        tb = tb.tb_next
    return name, line


def news_pages(content: Content, size: int) -> list[tuple[int, list[Page]]]:
    items = list(content.news_newest_first())
    chunks = [items[i:i + size] for i in range(0, len(items), size)] or [[]]
    return list(enumerate(chunks, 1))


def news_page_keys(content: Content, size: int) -> list[str]:
    return [news_page_key(number) for number, _ in news_pages(content, size)]
