"""Extraction: every translatable segment of content and templates, as POT entries.

Producing text is separate from writing files: `pot_text` returns the POT's text;
`output.write.atomic_write` puts it on disk, and only when it changed, so an
unchanged catalogue keeps its bytes and its modification time.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

import polib

from builder.catalogues.domains import domain_of, order, ui_domain
from builder.errors import Collector
from builder.segments.blocks import Segment, normalize
from builder.source.config import SiteConfig
from builder.source.content import Content

TEMPLATE_KEYWORD = {"_a": None}   # with Babel's: `_a` marks text for an attribute
# Where template messages come from: the project's templates/ and the built-in theme
# (cited as `theme/NAME`, its path inside the package). Their text is plain, not Markdown.
TEMPLATE_SOURCES = ("templates/", "theme/")


def from_templates(occurrences) -> bool:
    """Whether an entry (its `#:` references) comes from a template."""
    return any(ref.startswith(TEMPLATE_SOURCES) for ref, _ in occurrences)


@dataclass
class Entry:
    """One message for a POT, with every place it comes from: identical text in a domain is one."""
    msgid: str
    msgctxt: str | None = None
    msgid_plural: str | None = None
    references: set[str] = field(default_factory=set)
    comments: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)


SITE_SOURCE = "content/site.yaml"


def site_segments(config: SiteConfig) -> list[Segment]:
    src = SITE_SOURCE
    segs = [Segment(normalize(config.title), None, "site#title", "site title", src,
                    config.line_of("title"))]
    segs += [Segment(normalize(item.label), "nav", f"site#nav.{item.page}", "navigation", src,
                     item.line) for item in config.navigation]
    if config.footer:
        segs.append(Segment(normalize(config.footer), None, "site#footer", "footer", src,
                            config.line_of("footer")))
    brand = config.branding
    if brand.logo and brand.logo.alt:
        segs.append(Segment(normalize(brand.logo.alt), "img.alt", "site#logo.alt",
                            "image alt text", src, brand.logo.line))
    segs += [Segment(normalize(link.label), None, f"site#footer_links.{number}", "link label",
                     src, link.line) for number, link in enumerate(brand.footer_links, 1)]
    return segs


def template_entries(config: SiteConfig, templates: Mapping[str, Path]) -> list[Entry]:
    """The messages of every template (`templates`: the path the POT cites → file:
    templates/NAME for the project's, theme/NAME for the built-in theme's).
    A template that does not parse stops the command: Babel's Jinja2 extractor would
    skip it without a word, and its messages would silently leave the catalogue."""
    if not templates:
        return []
    # Imported here: `update` with the interface's POT kept needs neither (30 ms).
    import jinja2
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
    from jinja2.ext import babel_extract

    diags = Collector(config.root)
    checker = jinja2.Environment(extensions=["jinja2.ext.i18n"])
    entries = []
    for rel, path in sorted(templates.items()):
        text = diags.read_text(path, "template is not valid UTF-8", "save it as UTF-8")
        if text is None:
            continue
        try:
            checker.parse(text, rel, str(path))
        except jinja2.TemplateSyntaxError as exc:
            diags.error(path, exc.lineno, f"template syntax error: {exc.message}",
                        "fix the template (see the Jinja2 documentation)")
            continue
        options = {"trimmed": "true", "extensions": "jinja2.ext.i18n"}
        found = list(extract_from_file(babel_extract, str(path),
                                       keywords=DEFAULT_KEYWORDS | TEMPLATE_KEYWORD,
                                       comment_tags=("Translators:",), options=options,
                                       strip_comment_tags=True))
        for lineno, message, comments, context in found:
            singular, plural = (message if isinstance(message, tuple) else (message, None))[:2]
            entry = Entry(singular, context, plural, {rel}, list(comments))
            if "%(" in singular or (plural and "%(" in plural):
                entry.flags.append("python-format")
            entries.append(entry)
    diags.raise_if_errors()
    return entries


def extract(config: SiteConfig, content: Content, segments: dict[str, list[Segment]],
            templates: Mapping[str, Path]) -> dict[str, list[Entry]]:
    """All translatable messages by domain (`catalogues.domains`), each domain's in
    source order; identical text in one domain becomes one entry."""
    merged: dict[str, dict[tuple[str | None, str], Entry]] = {}

    def add(domain: str, entry: Entry) -> None:
        entries = merged.setdefault(domain, {})
        if entry.key in entries:
            old = entries[entry.key]
            old.references |= entry.references
            old.comments += [c for c in entry.comments if c not in old.comments]
        else:
            entries[entry.key] = entry

    ui = ui_domain(config.catalogues)
    by_file: dict[str, tuple[str, list[Entry]]] = {SITE_SOURCE: (ui, [
        _segment_entry(seg) for seg in site_segments(config)])}
    for entry in template_entries(config, templates):
        by_file.setdefault(next(iter(entry.references)), (ui, []))[1].append(entry)
    for page in content.pages:
        by_file[page.source] = (domain_of(config.catalogues, page),
                                [_segment_entry(seg) for seg in segments[page.key]])
    for source in sorted(by_file, key=walk_order):
        domain, entries = by_file[source]
        for entry in entries:
            add(domain, entry)
    return {domain: list(merged[domain].values()) for domain in sorted(merged, key=order)}


def walk_order(path: str) -> list[tuple[int, str]]:
    """Files in the order a sorted directory walk meets them (files before subfolders),
    which is the order `pybabel extract` reads them: both tools give the same POT."""
    *folders, name = path.split("/")
    return [(1, folder) for folder in folders] + [(0, name)]


def _segment_entry(seg: Segment) -> Entry:
    comments = [seg.comment()] + ([seg.note] if seg.note else [])
    flags = seg.flags()
    return Entry(seg.msgid, seg.msgctxt, None, {seg.source}, comments, flags)


def _po_entry(entry: Entry) -> polib.POEntry:
    kwargs = dict(msgid=entry.msgid, msgctxt=entry.msgctxt,
                  occurrences=[(ref, "") for ref in sorted(entry.references)],
                  comment="\n".join(entry.comments), flags=list(entry.flags))
    if entry.msgid_plural:
        return polib.POEntry(msgid_plural=entry.msgid_plural, msgstr_plural={0: "", 1: ""},
                             **kwargs)
    return polib.POEntry(msgstr="", **kwargs)


def pot_text(config: SiteConfig, entries: list[Entry], previous: str | None) -> str:
    """The POT file's text; its creation date changes only when the messages do."""
    body = "\n".join(map(entry_text, entries))
    if previous is not None and _body(previous) == body:
        return previous
    header = polib.POFile(wrapwidth=0)
    header.header = f"Translations for {config.title}."
    header.metadata = _pot_metadata(config, _now())
    return f"{header}\n{body}"


def entry_text(entry: Entry) -> str:
    """One POT entry exactly as polib writes `_po_entry(entry)` unwrapped
    (tests/test_catalogues.py compares them), at a tenth of the cost."""
    comment = "\n".join(entry.comments)
    lines = [f"#. {line}" for line in comment.split("\n")] if comment else []
    if entry.references:
        lines.append("#: " + " ".join(sorted(entry.references)))
    if entry.flags:
        lines.append("#, " + ", ".join(entry.flags))
    if entry.msgctxt is not None:
        lines += _field("msgctxt", entry.msgctxt)
    lines += _field("msgid", entry.msgid)
    if entry.msgid_plural:
        lines += _field("msgid_plural", entry.msgid_plural)
        lines += ['msgstr[0] ""', 'msgstr[1] ""']
    else:
        lines.append('msgstr ""')
    return "\n".join(lines) + "\n"


def _field(name: str, value: str) -> list[str]:
    parts = value.splitlines(True)
    if len(parts) <= 1:
        return [f'{name} "{polib.escape(value)}"']
    return [f'{name} ""'] + [f'"{polib.escape(part)}"' for part in parts]


def _body(text: str) -> str:
    return text.split("\n\n", 1)[1] if "\n\n" in text else ""


def _now() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = dt.datetime.fromtimestamp(int(epoch), dt.UTC) if epoch else dt.datetime.now(dt.UTC)
    return moment.strftime("%Y-%m-%d %H:%M+0000")


def _pot_metadata(config: SiteConfig, date: str) -> dict[str, str]:
    return {
        "Project-Id-Version": config.title,
        "Report-Msgid-Bugs-To": "",
        "POT-Creation-Date": date,
        "PO-Revision-Date": "YEAR-MO-DA HO:MI+ZONE",
        "Last-Translator": "",
        "Language-Team": "",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Generated-By": "infopages",
    }
