"""The organisation's terminology, `locales/glossary.yaml`, and how lint applies it.

A term has an approved rendering per locale (and optionally a `match:` regular
expression per locale, for inflected forms a plain substring cannot cover, such
as Arabic prefixes or French plurals), and may list renderings to avoid
(`avoid:` per locale), reported wherever they appear in a translation — unless
the source itself quotes one of the English terms listed as `avoid: source:`
("we avoid the term “child pornography”"). `do_not_translate` names must appear
unchanged in a translation whenever the source has them, unless a term with
the same source gives that locale a rendering (INTERPOL is الإنتربول in Arabic).

Comparison is forgiving about what is not terminology: case, Unicode
normalisation, ’ versus ', no-break spaces, Arabic diacritics and tatweel, and
Markdown emphasis markers.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from builder.errors import Collector, InputError
from builder.source.localecodes import bcp47, parse_locale
from builder.source.yamldoc import Field, YamlDoc, check_mapping, parse_yaml

GLOSSARY_PATH = "locales/glossary.yaml"
TOP_SCHEMA = {
    "terms": Field(list, False, "a list of {source, LOCALE: rendering, match, note}"),
    "do_not_translate": Field(list, False, "a list of names kept as written"),
}
EXCEPTION = ", or add `#, infopages-no-glossary` if this use is an exception"
APOSTROPHES_RE = re.compile("[’‘ʼ′`]")
SPACES_RE = re.compile(r"[\s\u00a0\u202f]+")
# Arabic short vowels, shadda, sukun, dagger alif, and tatweel: optional in writing.
ARABIC_MARKS_RE = re.compile("[\u064b-\u065f\u0670\u0640]")


@dataclass(frozen=True)
class Term:
    """One glossary term: its approved, accepted and avoided renderings per locale."""
    source: str
    renderings: tuple[tuple[str, str], ...]   # (locale, approved rendering)
    patterns: tuple[tuple[str, str], ...]     # (locale, regex also accepted)
    note: str = ""
    avoid: tuple[tuple[str, tuple[str, ...]], ...] = ()   # (locale or "source", terms)

    def avoided(self, locale: str) -> tuple[str, ...]:
        return dict(self.avoid).get(locale, ())

    def rendering(self, locale: str) -> str | None:
        return dict(self.renderings).get(locale)

    def accepts(self, msgstr: str, locale: str) -> bool:
        rendering = self.rendering(locale)
        text = fold(msgstr)
        if rendering is not None and fold(rendering) in text:
            return True
        pattern = dict(self.patterns).get(locale)
        return pattern is not None and re.search(pattern, fold(msgstr, casefold=False),
                                                 re.IGNORECASE) is not None


@dataclass(frozen=True)
class Glossary:
    """The terminology of `locales/glossary.yaml`: its terms and the names kept as written."""
    terms: tuple[Term, ...] = ()
    names: tuple[str, ...] = ()     # do_not_translate

    def names_for(self, locale: str) -> tuple[str, ...]:
        renamed = {t.source.casefold() for t in self.terms if t.rendering(locale) is not None}
        return tuple(n for n in self.names if n.casefold() not in renamed)

    def without_names(self, text: str) -> str:
        for name in self.names:
            text = text.replace(name, "")
        return text


@dataclass(frozen=True)
class Miss:
    """A glossary rule a translation breaks; lint gives it a place and a severity."""
    code: str
    message: str
    hint: str


def fold(text: str, casefold: bool = True) -> str:
    text = unicodedata.normalize("NFC", text)
    text = APOSTROPHES_RE.sub("'", ARABIC_MARKS_RE.sub("", text)).replace("*", "")
    text = SPACES_RE.sub(" ", text)
    return text.casefold() if casefold else text


def source_regex(source: str) -> re.Pattern[str]:
    """The term in running English text: any case, any spacing, with a plural `s`."""
    words = r"\s+".join(re.escape(w) for w in fold(source).split())
    return re.compile(rf"(?<!\w){words}(?:e?s)?(?!\w)", re.IGNORECASE)


def misses(glossary: Glossary, msgid: str, msgstr: str, locale: str) -> list[Miss]:
    found = []
    if glossary.terms:   # folding costs 20 µs a long entry: not for a glossary of names only
        source = fold(msgid)
        for term in glossary.terms:
            rendering = term.rendering(locale)
            if rendering is None or not source_regex(term.source).search(source):
                continue
            if not term.accepts(msgstr, locale):
                note = f" ({term.note})" if term.note else ""
                found.append(Miss("glossary", f"“{term.source}” is not rendered as "
                                  f"“{rendering}”{note}",
                                  f"use the approved rendering from {GLOSSARY_PATH}{EXCEPTION}"))
        found += _avoided(glossary, source, msgstr, locale)
    for name in glossary.names_for(locale):
        if re.search(rf"(?<!\w){re.escape(name)}(?!\w)", msgid) and name not in msgstr:
            found.append(Miss("do-not-translate", f"the name “{name}” is missing or changed",
                              f"keep “{name}” exactly as written ({GLOSSARY_PATH} "
                              f"lists it under do_not_translate){EXCEPTION}"))
    return found


def _avoided(glossary: Glossary, source: str, msgstr: str, locale: str) -> list[Miss]:
    """Terms to avoid in the translation, unless the source (folded) quotes the English one."""
    found = []
    target = fold(msgstr)
    for term in glossary.terms:
        if any(source_regex(t).search(source) for t in term.avoided("source")):
            continue
        for avoided in term.avoided(locale):
            if fold(avoided) in target:
                note = f" ({term.note})" if term.note else ""
                approved = term.rendering(locale) or term.source
                found.append(Miss("glossary-avoid", f"“{avoided}” is a term to avoid{note}",
                                  f"use “{approved}” ({GLOSSARY_PATH}){EXCEPTION}"))
    return found


def load_glossary(root: Path, locales: tuple[str, ...]) -> Glossary:
    """The project's glossary (empty if it has none); InputError with lines if malformed."""
    path = root / GLOSSARY_PATH
    if not path.is_file():
        return Glossary()
    diags = Collector(root)
    try:
        text = path.read_text("utf-8")
    except UnicodeDecodeError:
        diags.error(path, 1, "glossary is not valid UTF-8", "save it as UTF-8")
        raise InputError(diags.items) from None
    doc = parse_yaml(text, path, 0, diags)
    diags.raise_if_errors()
    assert doc is not None
    if doc.data is None:
        return Glossary()
    if not check_mapping(doc.data, TOP_SCHEMA, doc, (), path, diags):
        diags.raise_if_errors()
    terms = _terms(doc, path, locales, diags)
    names = _names(doc, path, diags)
    diags.raise_if_errors()
    return Glossary(terms, names)


def _terms(doc: YamlDoc, path: Path, locales: tuple[str, ...],
           diags: Collector) -> tuple[Term, ...]:
    schema = {"source": Field(str, True, "the English term"),
              "note": Field(str, False, "a note for translators"),
              "match": Field(dict, False, "a mapping LOCALE → regular expression"),
              "avoid": Field(dict, False, "a mapping LOCALE (or source) → terms to avoid"),
              **{key: Field(str, False, f"the approved {key} rendering")
                 for key in _spellings(locales)}}
    terms, seen = [], {}
    for index, item in enumerate(doc.data.get("terms") or []):
        where = ("terms", index)
        if not check_mapping(item, schema, doc, where, path, diags):
            continue
        key = item["source"].casefold()
        if key in seen:
            diags.error(path, doc.line(*where), f"term “{item['source']}” is listed twice "
                        f"(first at line {seen[key]})", "merge the two entries")
        seen.setdefault(key, doc.line(*where))
        patterns = _patterns(item.get("match") or {}, doc, where, path, locales, diags)
        renderings = tuple((loc, item.get(loc) or item[bcp47(loc)]) for loc in locales
                           if item.get(loc) or item.get(bcp47(loc)))
        avoid = _avoid_lists(item.get("avoid") or {}, doc, where, path, locales, diags)
        terms.append(Term(item["source"], renderings, patterns, item.get("note") or "", avoid))
    return tuple(terms)


def _patterns(match: dict, doc: YamlDoc, where: tuple, path: Path, locales: tuple[str, ...],
              diags: Collector) -> tuple[tuple[str, str], ...]:
    schema = {key: Field(str, False, f"a regular expression for {key}")
              for key in _spellings(locales)}
    if not check_mapping(match, schema, doc, (*where, "match"), path, diags):
        return ()
    out = []
    for locale, pattern in match.items():
        try:
            re.compile(pattern)
        except re.error as exc:
            diags.error(path, doc.line(*where, "match", locale),
                        f"bad regular expression for {locale}: {exc}",
                        "fix the pattern (Python `re` syntax), or quote it in YAML")
            continue
        out.append((str(parse_locale(locale)), fold(pattern, casefold=False)))
    return tuple(out)


def _avoid_lists(avoid: dict, doc: YamlDoc, where: tuple, path: Path, locales: tuple[str, ...],
                 diags: Collector) -> tuple[tuple[str, tuple[str, ...]], ...]:
    schema = {key: Field(list, False, f"a list of {key} terms to avoid")
              for key in ("source", *_spellings(locales))}
    if not check_mapping(avoid, schema, doc, (*where, "avoid"), path, diags):
        return ()
    out = []
    for key, terms in avoid.items():
        for index, term in enumerate(terms):
            if not isinstance(term, str) or not term.strip():
                diags.error(path, doc.line(*where, "avoid", key, index),
                            "a term to avoid must be text", "write the term, quoted if needed")
        out.append((key if key == "source" else str(parse_locale(key)),
                    tuple(t for t in terms if isinstance(t, str) and t.strip())))
    return tuple(out)


def _spellings(locales: tuple[str, ...]) -> list[str]:
    """Keys a locale may be written as: its code (pt_BR) or its BCP 47 tag (pt-BR)."""
    return list(dict.fromkeys(key for loc in locales for key in (loc, bcp47(loc))))


def _names(doc: YamlDoc, path: Path, diags: Collector) -> tuple[str, ...]:
    names = []
    for index, name in enumerate(doc.data.get("do_not_translate") or []):
        if not isinstance(name, str) or not name.strip():
            diags.error(path, doc.line("do_not_translate", index),
                        "a do_not_translate entry must be a name (text)",
                        "quote names that start with # or contain a colon")
            continue
        names.append(name)
    return tuple(names)
