"""Build-time lookup of translations, one `Translator` per locale.

Only entries a reader may see are used: not fuzzy, not obsolete, every plural
form filled, and the same placeholders as the source. Anything else falls back
to the source text, and the caller marks it with the source language.

A text is looked up in its own domain's catalogue (`catalogues.domains`): a
page's segments in the page's domain, template and site strings in the
interface's (`Messages.ui`). Keys are (domain, msgctxt, msgid).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Callable, Mapping

import polib
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

from builder.catalogues.domains import UI, catalogue_files, ui_domain
from builder.catalogues.extract import from_templates
from builder.catalogues.counts import complete
from builder.catalogues.plurals import catalogue_rule
from builder.catalogues.pofile import read_po
from builder.errors import InputError
from builder.lint.checks import plural_publishable, publishable
from builder.render.body import render_inline
from builder.source.config import SiteConfig

Key = tuple[str, str | None, str]    # (domain, msgctxt, msgid)


@dataclass(frozen=True)
class Messages:
    """The translations of one locale pages may show (fuzzy ones in the preview only)."""
    locale: str
    singular: Mapping[Key, str]
    plural: Mapping[Key, tuple[str, ...]]
    fuzzy: Mapping[Key, str] = field(default_factory=dict)   # shown in the preview only
    # The interface catalogue's own Plural-Forms (None: CLDR's): plural messages are
    # the templates', so theirs is the rule that counts.
    plural_forms: str | None = None
    ui: str = UI                      # the interface's domain (`domains.ui_domain`)

    def plural_index(self, data_locale: str | None = None) -> Callable[[int], int]:
        """Which msgstr[i] a number picks: by the catalogue's own rule, which may be
        GNU's (French `n > 1`, two forms) or CLDR's (three forms)."""
        return catalogue_rule(self.plural_forms, data_locale or self.locale)[1]


def load_messages(config: SiteConfig, locale: str,
                  seen: Callable[[str, polib.POFile], None] | None = None) -> Messages:
    """The translations readers may see, from each of the locale's catalogues. An entry
    with an error `infopages lint` reports (placeholders, Markdown structure, raw HTML,
    hidden controls…) is left out, so the page shows the source text instead of a
    broken one. Every catalogue's problems are reported together. `seen(domain,
    catalogue)` is given each catalogue read, for a caller that counts it too."""
    ui = ui_domain(config.catalogues)
    singular: dict[Key, str] = {}
    plural: dict[Key, tuple[str, ...]] = {}
    fuzzy: dict[Key, str] = {}
    rule, errors = None, []
    for domain, path in catalogue_files(config, locale).items():
        try:
            catalogue = read_po(path, config.root)
        except InputError as exc:
            errors += exc.diagnostics
            continue
        if seen is not None:
            seen(domain, catalogue)
        own = catalogue.metadata.get("Plural-Forms")
        if domain == ui:
            rule = own
        for entry in catalogue:
            key = (domain, entry.msgctxt or None, entry.msgid)
            kind, value = visible(entry, locale, own)
            if kind == "singular":
                singular[key] = value
            elif kind == "plural":
                plural[key] = value
            if (shown := fuzzy_text(entry, locale)) is not None:
                fuzzy[key] = shown
    if errors:
        raise InputError(errors)
    return Messages(locale, singular, plural, fuzzy, rule, ui)


def _markdown(entry: polib.POEntry) -> bool:
    return not from_templates(entry.occurrences)


def visible(entry: polib.POEntry, locale: str,
            plural_forms: str | None = None) -> tuple[str | None, object]:
    """("singular", text) or ("plural", forms) if readers may see `entry`; else (None, None).
    `plural_forms`: the catalogue's Plural-Forms (None: CLDR's rule for `locale`)."""
    if not complete(entry) or not entry.msgid:
        return None, None
    if entry.msgid_plural:
        if plural_publishable(entry.msgid_plural, entry.msgstr_plural, locale, plural_forms):
            return "plural", tuple(entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural))
        return None, None
    if publishable(entry.msgid, entry.msgstr, locale, markdown=_markdown(entry)):
        return "singular", entry.msgstr
    return None, None


def fuzzy_text(entry: polib.POEntry, locale: str) -> str | None:
    """The fuzzy translation the preview shows, if it is not broken."""
    if "fuzzy" in entry.flags and entry.msgstr and not entry.obsolete and \
            publishable(entry.msgid, entry.msgstr, locale, markdown=_markdown(entry)):
        return entry.msgstr
    return None


STATES_KEPT = 4096
TEMPLATE_LANGUAGE = "en"   # the language of template messages (msgids), as gettext's convention


class Translator:
    """Translations of one locale, as text and as safe inline HTML."""

    def __init__(self, messages: Messages, source_locale: str, md: MarkdownIt,
                 plural_index, preview: bool = False, rtl: bool = False,
                 fallback_attrs: Mapping[str, str] | None = None,
                 template_attrs: Mapping[str, str] | None = None):
        self.locale = messages.locale
        self.messages = messages
        self.is_source = messages.locale == source_locale
        self.md = md
        self.plural_index = plural_index
        self.rtl = rtl
        # What marks text shown in the source language: its BCP 47 tag, and its
        # direction where the page's differs (see render.locale.make_translator).
        self.fallback_attrs = {} if self.is_source else dict(fallback_attrs or {
            "lang": source_locale.replace("_", "-"), "dir": "ltr"})
        # Template messages are written in English (TEMPLATE_LANGUAGE), whatever the
        # content's language: untranslated, they are marked English — on the source
        # language's own pages too, when that is not English.
        self.template_attrs = dict(self.fallback_attrs if template_attrs is None
                                   else template_attrs)
        self.template_foreign = self.is_source and bool(self.template_attrs)
        self.preview = preview
        # Titles and summaries appear on many pages (cards, feeds): render each once.
        self._inline: dict[tuple[str, str, str | None, str], Localized] = {}
        # Recent lookups: template strings on every page, a page's segments twice
        # (body, then pages.json). Bounded: a 40,000-page build must not keep them all.
        self._states: dict[Key, tuple[str, str]] = {}
        # Interface strings looked up (templates, site settings, the builder's own words):
        # the build record keeps them, so that a change to one re-renders every page.
        self.ui_keys: set[Key] = set()
        # Template strings without variables ("Skip to main content"), formatted once:
        # every page's header and footer asks for the same ones.
        self._plain: dict[str, Markup] = {}

    def lookup(self, msgctxt: str | None, msgid: str, domain: str) -> tuple[str, bool]:
        text, state = self.state(msgctxt, msgid, domain)
        return text, state == "untranslated"

    def state(self, msgctxt: str | None, msgid: str, domain: str) -> tuple[str, str]:
        """(text shown, "ok" | "fuzzy" | "untranslated"); fuzzy text only in the preview."""
        if self.is_source:
            return msgid, "ok"
        key = (domain, msgctxt, msgid)
        found = self._states.get(key)
        if found is None:
            if len(self._states) >= STATES_KEPT:
                self._states.clear()
            found = self._states[key] = self._state(key)
        return found

    def _state(self, key: Key) -> tuple[str, str]:
        found = self.messages.singular.get(key)
        if found:
            return found, "ok"
        fuzzy = self.messages.fuzzy.get(key) if self.preview else None
        return (fuzzy, "fuzzy") if fuzzy else (key[2], "untranslated")

    def marker(self, segment, domain: str) -> dict[str, str]:
        """Attributes for a body block: source language where it fell back, and in the
        preview a highlight with the segment's anchor for translators."""
        text, state = self.state(segment.msgctxt, segment.msgid, domain)
        attrs = dict(self.fallback_attrs) if state == "untranslated" else {}
        if self.preview and state != "ok":
            attrs |= {"class": f"i18n-{state}", "data-i18n-id": segment.anchor}
        return attrs

    def inline(self, msgid: str, msgctxt: str | None = None, anchor: str = "", *,
               domain: str) -> Localized:
        key = (domain, msgid, msgctxt, anchor)
        found = self._inline.get(key)
        if found is None:
            found = self._inline[key] = self._render_inline(msgid, msgctxt, anchor, domain)
        return found

    def ui(self, msgid: str, msgctxt: str | None = None) -> Localized:
        """An interface string of site.yaml, not part of a page (site title, menu), in
        the interface's domain."""
        self.ui_keys.add((self.messages.ui, msgctxt, msgid))
        return self.inline(msgid, msgctxt, domain=self.messages.ui)

    def template_text(self, msgid: str) -> Localized:
        """A template message the builder shows as a title ("News", "Page not found"):
        written in English like every template message (see `template_attrs`)."""
        found = self.ui(msgid)
        if found.fallback or self.template_foreign:
            return replace(found, fallback=True, template=True)
        return found

    def _render_inline(self, msgid: str, msgctxt: str | None, anchor: str,
                       domain: str) -> Localized:
        text, state = self.state(msgctxt, msgid, domain)
        fallback = state == "untranslated"
        html, plain = render_inline(self.md, text, self.rtl and not fallback)
        return Localized(html, plain, fallback, state, anchor)

    def attrs(self, value: Localized) -> dict[str, str]:
        """Attributes for the element holding `value` (see `marker`)."""
        attrs = dict(self.template_attrs if value.template else self.fallback_attrs) \
            if value.fallback else {}
        if self.preview and value.state != "ok":
            attrs["class"] = f"i18n-{value.state}"
            attrs |= {"data-i18n-id": value.anchor} if value.anchor else {}
        return attrs

    # Template callables (Jinja2 newstyle gettext, `{% trans %}`): the translation is
    # escaped (Jinja treats a gettext result as markup), its `%(name)s` filled in, and a
    # fallback marked English as a whole — with the English form of each value that has
    # one (`Dual`, `DateValue`), so "Published %(date)s" is all English or all in the
    # reader's language, never an English frame around a localised date.
    # Templates speak for the interface: their strings are in its domain.
    def gettext(self, message: str, **variables: object) -> Markup:
        self.ui_keys.add((self.messages.ui, None, message))
        found = None if variables else self._plain.get(message)
        if found is None:
            found = self._format(*self.lookup(None, message, self.messages.ui), variables)
            if not variables:
                self._plain[message] = found
        return found

    def pgettext(self, context: str, message: str, **variables: object) -> Markup:
        self.ui_keys.add((self.messages.ui, context, message))
        variables.setdefault("context", context)   # as Jinja's own newstyle pgettext
        return self._format(*self.lookup(context, message, self.messages.ui), variables)

    def ngettext(self, singular: str, plural: str, n: int, **variables: object) -> Markup:
        return self._plural(None, singular, plural, n, variables)

    def npgettext(self, context: str | None, singular: str, plural: str, n: int,
                  **variables: object) -> Markup:
        variables.setdefault("context", context)
        return self._plural(context, singular, plural, n, variables)

    def _plural(self, context: str | None, singular: str, plural: str, n: int,
                variables: dict) -> Markup:
        key = (self.messages.ui, context, singular)
        self.ui_keys.add(key)
        variables.setdefault("num", n)
        forms = None if self.is_source else self.messages.plural.get(key)
        if forms is None:
            return self._format(singular if n == 1 else plural, not self.is_source, variables)
        return self._format(forms[min(self.plural_index(n), len(forms) - 1)], False, variables)

    def _format(self, text: str, fallback: bool, variables: dict) -> Markup:
        fallback = fallback or self.template_foreign
        if fallback and self.template_attrs:
            variables = {k: getattr(v, "fallback_form", v) for k, v in variables.items()}
        # Always a format string, as in Jinja's newstyle gettext: `%%` is a percent sign.
        return self._mark(escape(text) % variables, fallback, self.template_attrs)

    def attr_gettext(self, message: str) -> str:
        """For <title> and <head> metadata: no markup is possible there. In the page,
        name an element by a text node instead (aria-labelledby), which can carry `lang`."""
        self.ui_keys.add((self.messages.ui, None, message))
        return self.lookup(None, message, self.messages.ui)[0]

    @staticmethod
    def _mark(text: str, fallback: bool, marks: Mapping[str, str]) -> Markup:
        if fallback and marks:
            attrs = "".join(f' {k}="{v}"' for k, v in marks.items())
            return Markup(f"<span{attrs}>") + escape(text) + Markup("</span>")
        return escape(text)


@dataclass(frozen=True)
class Dual:
    """A value a template message is filled with, in the reader's language and in the
    template language, English (`fallback_form`): a language's name, a number in the
    locale's digits. A message left untranslated takes the English form (`_format`):
    `english` makes it where a page needs it (a name in English: Babel's English data)."""
    reader: str
    english: Callable[[], str] = field(compare=False, repr=False)

    @cached_property
    def fallback_form(self) -> str:
        return self.english()

    def __html__(self) -> str:
        return str(escape(self.reader))

    def __str__(self) -> str:
        return self.reader


@dataclass(frozen=True)
class Embedded:
    """A translated text filling a template message ("News: %(topic)s"), marked with its
    own language: as the page's translation of the message shows it, and as the message
    left in English shows it (`fallback_form`)."""
    html: Markup
    text: str
    fallback_form: Markup

    def __html__(self) -> str:
        return str(self.html)

    def __str__(self) -> str:
        return self.text


def span(html: str, attrs: Mapping[str, str]) -> Markup:
    """`html` (safe) in a <span> with `attrs`, or as it is when there are none."""
    if not attrs:
        return Markup(html)
    marks = "".join(f' {k}="{escape(v)}"' for k, v in attrs.items())
    return Markup(f"<span{marks}>{html}</span>")


@dataclass(frozen=True)
class DateValue:
    """A date as a page shows it: `<time datetime="2015-02-20">20 février 2015</time>`,
    with the same date in English for a template message left untranslated (`english`
    makes it: formatted only where a page needs it)."""
    iso: str
    text: str
    english: Callable[[], str] = field(compare=False, repr=False)

    @cached_property
    def fallback_text(self) -> str:
        return self.english()

    @cached_property
    def html(self) -> str:    # made once: a renderer keeps a date's DateValue for its cards
        return f'<time datetime="{escape(self.iso)}">{escape(self.text)}</time>'

    def __html__(self) -> str:
        return self.html

    def __str__(self) -> str:
        return self.text

    @property
    def fallback_form(self) -> Markup:
        return Markup(f'<time datetime="{escape(self.iso)}">{escape(self.fallback_text)}</time>')


@dataclass(frozen=True)
class Localized:
    """A piece of translated text, and whether it fell back to the source language."""
    html: str
    text: str
    fallback: bool
    state: str = "ok"        # ok | fuzzy | untranslated
    anchor: str = ""         # shown to translators in the preview
    template: bool = False   # a template message: a fallback is English (TEMPLATE_LANGUAGE)

    def __html__(self) -> str:
        return self.html

    def __str__(self) -> str:
        return self.text
