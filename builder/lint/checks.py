"""Translation QA: what `infopages lint` finds in the PO catalogues.

Two tiers. An *error* is a translation the build must not publish (it falls
back to the source text): broken placeholders, Markdown structure, raw HTML,
hidden control characters, newline parity, incomplete plural forms, and any
syntax or header problem of the file. A *warning* is a likely mistake a
reviewer should look at; a translator silences one on one entry with a flag
(`#, infopages-no-punctuation`), never an error.

Every finding points at the line of the entry's `msgstr` (of `msgstr[i]` for a
finding about one plural form): that is the line a translator edits.
Untranslated, fuzzy and obsolete entries are not published, so only their
syntax is checked. Nothing here prints: the CLI layer does.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict, dataclass, replace
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Callable

import polib
from markdown_it import MarkdownIt

from builder.catalogues.domains import foreign_diagnostic, is_current, po_files
from builder.catalogues.extract import from_templates
from builder.catalogues.plurals import catalogue_rule
from builder.catalogues.podata import CHARSET_RE, EMPTY, NO_HEADER, header_line, language_matches
from builder.catalogues.pofile import read_catalogue
from builder.errors import Collector, InputError
from builder.lint.glossary import Glossary
from builder.lint.warnings import Problem, _error, _listed, _warn, warning_problems
from builder.segments.linkslots import SLOT_RE
from builder.segments.placeholders import STRAY_PERCENT_RE, placeholders
from builder.source.config import SiteConfig, load_config
from builder.source.content import HIDDEN
from builder.textscan import AnyOf

# Which flag silences which warning code.
SILENCED_BY = MappingProxyType({
    "punctuation": "infopages-no-punctuation", "double-space": "infopages-no-spacing",
    "doubled-word": "infopages-no-spacing", "numbers": "infopages-no-numbers",
    "unchanged": "infopages-no-unchanged", "length": "infopages-no-length",
    "glossary": "infopages-no-glossary", "do-not-translate": "infopages-no-glossary",
    "glossary-avoid": "infopages-no-glossary",
    "tatweel": "infopages-no-characters", "zero-width": "infopages-no-characters",
})
FLAGS = frozenset(SILENCED_BY.values())
SUPPRESS_RE = re.compile(r"^\s*(infopages-[a-z-]+)\b")
HTML_RE = re.compile(r"<(?:/?[A-Za-z][A-Za-z0-9-]*(?=[\s/>])|!--)")
CODE_RE = re.compile(r"(`+)(?:(?!\1).)+?\1")
DEST_RE = re.compile(r"\]\([^)]*\)")


@dataclass(frozen=True)
class Finding:
    """One problem lint reports in a catalogue, at the line a translator edits."""
    path: str
    line: int | None
    severity: str        # "error" or "warning"
    code: str            # e.g. "placeholders", "punctuation"; see SILENCED_BY
    message: str
    hint: str = ""
    locale: str = ""
    msgid: str = ""
    domain: str = ""     # the catalogue's (`catalogues.domains`)

    def format(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        text = f"{where}: {self.severity}: {self.message}"
        return f"{text} — {self.hint}" if self.hint else text

    def as_json(self) -> dict:
        return asdict(self)


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    # Built once per process: parsing setup is the slow part, and the parser is reused.
    return MarkdownIt("commonmark", {"html": False})


# ---------------------------------------------------------------- error tier


# Every character some check below looks for (placeholders, link slots, `%`, Markdown
# syntax, tags, hidden controls, newlines): a source and a translation with none of them
# have no problem, and most translations are such plain text.
CHECKED = AnyOf("[{]}()%*_`<>!\\&\n" + HIDDEN.chars)


def error_problems(msgid: str, msgstr: str, markdown: bool, formatted: bool) -> list[Problem]:
    """Why the build must not publish `msgstr` (singular entries, or one plural form)."""
    if not CHECKED.found_in(msgstr) and not CHECKED.found_in(msgid):
        return []
    return _error_problems(msgid, msgstr, markdown, formatted)


def _error_problems(msgid: str, msgstr: str, markdown: bool, formatted: bool) -> list[Problem]:
    found = []
    # Link slots `]{n}` are placeholders too; in Markdown the link check reports them.
    want, have = (placeholders(SLOT_RE.sub("]", t) if markdown and "]{" in t else t)
                  for t in (msgid, msgstr))
    if want != have:
        found.append(_error("placeholders", f"placeholders differ: source has "
                            f"{_listed(want)}, translation has {_listed(have)}",
                            "copy every placeholder from the source exactly, once each"))
    found += _percent_problems(msgstr) if formatted else []
    return found + structure_problems(msgid, msgstr, markdown)


def _percent_problems(msgstr: str) -> list[Problem]:
    # Template strings go through `%` formatting: a lone `%` would crash the page.
    return [_error("placeholders", "a lone `%` would break the page",
                   "write `%%` for a percent sign")] if STRAY_PERCENT_RE.search(msgstr) else []


def structure_problems(msgid: str, msgstr: str, markdown: bool) -> list[Problem]:
    """The checks the build's `usable()` does not make (see `publishable`)."""
    found = _markdown_problems(msgid, msgstr) if markdown else []
    extra = _tags(msgstr) - _tags(msgid) if "<" in msgstr else None   # no tag, none extra
    if extra:
        found.append(_error("raw-html", f"raw HTML `{next(iter(extra))}…` is not in the source "
                            "(the page would show it as text)",
                            "remove the tag; use Markdown (**bold**, *italic*) as the source does"))
    hidden = HIDDEN.found_in(msgstr) and \
        set(HIDDEN.regex.findall(msgstr)) - set(HIDDEN.regex.findall(msgid))
    if hidden:
        names = ", ".join(f"U+{ord(c):04X}" for c in sorted(hidden))
        found.append(_error("hidden-control", f"invisible control character {names} "
                            "(bidi override/embedding or other control)",
                            "delete it: the page sets the text direction itself"))
    for edge, test in (("leading", str.startswith), ("trailing", str.endswith)):
        if test(msgid, "\n") != test(msgstr, "\n"):
            found.append(_error("newline", f"{edge} newline differs from the source",
                                f"{'add' if test(msgid, chr(10)) else 'remove'} the {edge} "
                                "newline, as in the source"))
    return found


def _tags(text: str) -> Counter:
    """The raw HTML tags of `text`, outside code spans."""
    return Counter(HTML_RE.findall(CODE_RE.sub("", text) if "`" in text else text))


def publishable(msgid: str, msgstr: str, locale: str, *, markdown: bool = True) -> bool:
    """True if the build may show `msgstr` for `msgid` in `locale`.

    Covers every error-tier check of a singular entry; `markdown=False` for
    template strings, which are not Markdown. No rule depends on `locale` yet;
    it is part of the signature so that one can without changing callers.
    """
    del locale
    return not error_problems(msgid, msgstr, markdown, formatted=not markdown)


def _markdown_problems(msgid: str, msgstr: str) -> list[Problem]:
    source, target = _shape(msgid), _shape(msgstr)
    found = []
    if source[0] != target[0]:
        found.append(_error("markdown-links", f"links differ: source has "
                            f"{_listed(source[0])}, translation has {_listed(target[0])}",
                            "keep each `[text]{n}` link once, with the number unchanged"))
    if source[1] != target[1]:
        found.append(_error("markdown-emphasis", "emphasis differs: source has "
                            "{} bold and {} italic, translation {} and {}".format(
                                *source[1], *target[1]),
                            "keep each ** and * pair around the words it covers, closed"))
    if source[2] != target[2]:
        found.append(_error("markdown-code", "inline code differs: source has "
                            f"{_listed(source[2])}, translation has {_listed(target[2])}",
                            "copy `code` spans byte for byte; they are never translated"))
    return found


# Every character that can start an image, emphasis, code span, autolink, raw HTML,
# entity or escape in CommonMark inline syntax; and a link's `](`. Brackets alone make
# no link: `parseInline` knows no reference definitions, so `[text]` and `[text]{1}`
# stay text. Text without any of them parses to plain text.
MARKUP = AnyOf("*_`<>!\\&")


def _shape(text: str) -> tuple[list[str], tuple[int, int], list[str]]:
    """(links, (bold, italic) counts, code spans) of one inline Markdown string."""
    slots = [f"]{{{n}}}" for n in SLOT_RE.findall(text)] if "]{" in text else []
    if "](" not in text and not MARKUP.found_in(text):   # most text: plain, no parse
        return sorted(slots), (0, 0), []
    return _parsed_shape(text, slots)


def _parsed_shape(text: str, slots: list[str]) -> tuple[list[str], tuple[int, int], list[str]]:
    tokens = _markdown().parseInline(text)
    children = tokens[0].children or [] if tokens else []
    links = slots + [str(c.attrGet("href") or c.attrGet("src")) for c in children
                     if c.type in ("link_open", "image")]
    kinds = Counter(c.type for c in children)
    code = sorted(f"`{c.content}`" for c in children if c.type == "code_inline")
    return sorted(links), (kinds["strong_open"], kinds["em_open"]), code


def plural_problems(msgid_plural: str, forms: dict[int, str], locale: str,
                    plural_forms: str | None = None) -> list[Problem]:
    """Form count, empty forms, and placeholders per form (a form used for one
    number only, like Arabic 0, 1 and 2, may spell the number out). Counted by
    the catalogue's own rule (`plural_forms`; None: CLDR's)."""
    count, pick = catalogue_rule(plural_forms, locale)
    if sorted(forms) != list(range(count)):
        return [_error("plural-count", f"{len(forms)} plural forms, the catalogue's "
                       f"Plural-Forms has {count}", f"write msgstr[0] … msgstr[{count - 1}]")]
    found, wanted = [], placeholders(msgid_plural)
    for index, form in sorted(forms.items()):
        if not form:
            found.append(Problem("error", "plural-empty", f"plural form {index} is empty",
                                 "fill every form, or none", index))
            continue
        have = placeholders(form)
        single = sum(pick(n) == index for n in range(1001)) <= 1
        if not (set(have) <= set(wanted) if single else have == wanted):
            found.append(Problem("error", "placeholders", f"plural form {index} has "
                                 f"{_listed(have)}, source has {_listed(wanted)}",
                                 "forms used for many numbers keep every placeholder", index))
        found += [Problem(p.severity, p.code, p.message, p.hint, index)
                  for p in _percent_problems(form) + structure_problems(msgid_plural, form,
                                                                        markdown=False)]
    return found


def plural_publishable(msgid_plural: str, forms: dict[int, str], locale: str,
                       plural_forms: str | None = None) -> bool:
    """True if the build may use these plural forms (all of them, or none)."""
    return not plural_problems(msgid_plural, forms, locale, plural_forms)


# ---------------------------------------------------------------- catalogues


def lint_catalogue(root: Path, locale: str, path: Path, glossary: Glossary) -> list[Finding]:
    """Findings of one catalogue file of `locale`."""
    domain = path.stem
    return [replace(f, domain=domain) for f in _lint_file(root, locale, path, glossary)]


def _lint_file(root: Path, locale: str, path: Path, glossary: Glossary) -> list[Finding]:
    rel = Collector(root).rel(path)
    try:
        read = read_catalogue(path, root)
    except InputError as exc:
        return [Finding(d.path, d.line, "error", "header" if _about_header(d.message)
                        else "syntax", d.message, d.hint, locale) for d in exc.diagnostics]
    catalogue, text = read.po, read.text
    found = _header_findings(catalogue, text, rel, locale)
    lines = text.splitlines()
    rule = catalogue.metadata.get("Plural-Forms")
    for entry in catalogue:
        if not entry.msgid or entry.obsolete or "fuzzy" in entry.flags or not _translated(entry):
            continue
        for problem in _entry_problems(entry, locale, glossary, rule):
            line = _msgstr_line(lines, entry.linenum, problem.form)
            found.append(Finding(rel, line, problem.severity, problem.code, problem.message,
                                 problem.hint, locale, entry.msgid))
    return found


def _translated(entry: polib.POEntry) -> bool:
    return bool(entry.msgstr) or any(entry.msgstr_plural.values())


def _about_header(message: str) -> bool:
    return message in (EMPTY, NO_HEADER) or message.startswith(("Plural-Forms", "the header"))


def suppressions(entry: polib.POEntry) -> set[str]:
    """The warnings a translator silenced on this entry: as a flag (`#, infopages-no-length`)
    or as a translator comment (`# infopages-no-length: why`), which every PO tool keeps
    (GNU's msgcat and msgmerge drop flags they do not know)."""
    found = {flag for flag in entry.flags if flag.startswith("infopages-")}
    for line in (entry.tcomment or "").splitlines():
        if m := SUPPRESS_RE.match(line):
            found.add(m.group(1))
    return found


def _entry_problems(entry: polib.POEntry, locale: str, glossary: Glossary,
                    plural_forms: str | None = None) -> list[Problem]:
    flags = suppressions(entry)
    found = [_warn("unknown-flag", f"unknown flag `{flag}`",
                   f"use one of: {', '.join(sorted(FLAGS))}")
             for flag in sorted(flags) if flag not in FLAGS]
    if entry.msgid_plural:
        found += plural_problems(entry.msgid_plural, entry.msgstr_plural, locale, plural_forms)
        return found + [Problem(p.severity, p.code, p.message, p.hint, index)
                        for index, form in sorted(entry.msgstr_plural.items()) if form
                        for p in warning_problems(entry.msgid_plural, form, locale, glossary,
                                                  plural=True)
                        if SILENCED_BY.get(p.code) not in flags]
    formatted = from_templates(entry.occurrences)
    found += error_problems(entry.msgid, entry.msgstr, not formatted, formatted)
    found += [p for p in warning_problems(entry.msgid, entry.msgstr, locale, glossary)
              if SILENCED_BY.get(p.code) not in flags]
    return found


def _msgstr_line(lines: list[str], start: int, form: int | None) -> int:
    """The line of the entry's `msgstr` (or `msgstr[form]`); polib gives the entry's first."""
    prefix = "msgstr" if form is None else f"msgstr[{form}]"
    for number in range(max(start, 1), len(lines) + 1):
        if lines[number - 1].startswith(prefix):
            return number
    return start


def _header_findings(catalogue: polib.POFile, text: str, rel: str,
                     locale: str) -> list[Finding]:
    """What the build tolerates but a translator's tool may get wrong: warnings
    (`update` fixes both). Errors of the header come from the reader (`podata`)."""
    found = []
    language = catalogue.metadata.get("Language", "")
    if not language_matches(language, locale):
        what = f"Language header is `{language}`" if language else "no Language header"
        found.append(Finding(rel, header_line(text, "Language"), "warning", "header",
                             f"{what}, the folder says {locale}",
                             f"set the header to: Language: {locale} "
                             "(`infopages update` does)", locale))
    if not CHARSET_RE.search(catalogue.metadata.get("Content-Type", "")):
        found.append(Finding(rel, header_line(text, "Content-Type"), "warning", "header",
                             "the header does not declare a charset (read as UTF-8)",
                             "set the header to: Content-Type: text/plain; charset=UTF-8 "
                             "(`infopages update` does)", locale))
    return found


Planned = tuple[str, Path] | Finding   # a catalogue to lint, or a finding known already


def lint_plan(config: SiteConfig, locales: tuple[str, ...],
              domains: tuple[str, ...] = ()) -> list[Planned]:
    """What `lint_project` does, in its order: each existing catalogue among `locales`
    (and `domains`, if given) to lint, by locale then domain; a catalogue of another
    layout than site.yaml's is an error until `update` moves it."""
    plan: list[Planned] = []
    for locale in locales:
        for domain, path in po_files(config.locales_dir, locale).items():
            if not is_current(config.catalogues, domain):
                d = foreign_diagnostic(config, path)
                plan.append(Finding(d.path, d.line, "error", "layout", d.message, d.hint,
                                    locale, domain=domain))
            elif not domains or domain in domains:
                plan.append((locale, path))
    return plan


def lint_project(root: Path, locales: tuple[str, ...], glossary: Glossary,
                 domains: tuple[str, ...] = ()) -> list[Finding]:
    """Findings of every existing catalogue among `locales` (and `domains`, if given),
    by locale, domain, then line."""
    return lint_planned(root, lint_plan(load_config(root), locales, domains), glossary)


def lint_planned(root: Path, plan: list[Planned], glossary: Glossary,
                 map_: Callable = map) -> list[Finding]:
    """Findings of every catalogue of `plan`, in its order. `map_` lints the
    catalogues: `map`, a process pool's, or one that answers from a memo (each file is
    linted on its own)."""
    todo = [item for item in plan if not isinstance(item, Finding)]
    linted = iter(map_(lint_catalogue, [root] * len(todo), [locale for locale, _ in todo],
                       [path for _, path in todo], [glossary] * len(todo)))
    return [f for item in plan
            for f in ([item] if isinstance(item, Finding) else next(linted))]
