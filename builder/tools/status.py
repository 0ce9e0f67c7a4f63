"""Status pages: translation progress and accessibility findings, readable at a glance.

Static HTML written next to the site (`site/_status/`): no JavaScript, no
network, charts drawn here as plain SVG with a title, a description and a
data table beside each one (the table is the text alternative a screen
reader user can navigate). Nothing here prints.

The pages' own words are looked up in the chosen locale's catalogue; a
string not translated there is shown in English, marked `lang="en" dir="ltr"`,
like any fallback on the site. They are called through `t()`, not `_()`, so
the extractor does not put dashboard strings into the site's catalogue.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable, Mapping

import jinja2
import polib
from markupsafe import Markup, escape

from builder.a11y.history import read_history
from builder.a11y.language import bcp47
from builder.catalogues.domains import is_current, order, po_path, pot_files
from builder.catalogues.merge import complete
from builder.catalogues.pofile import anchors_of, read_po
from builder.engine.build import locale_workers, page_model
from builder.engine.pool import inherited_map
from builder.render.gates import locale_statuses
from builder.render.locale import make_translator
from builder.render.locales import LocaleInfo, locale_info, site_locales
from builder.render.routes import output_path
from builder.render.theme import CSP
from builder.render.translations import load_messages
from builder.render.site import SiteModel
from builder.segments.blocks import Segment, make_markdown
from builder.source.theme import THEME_DIR

STATUS_DIR = "_status"
NEXT_LIMIT = 40      # entries listed per locale under "translate next"


# -- data ------------------------------------------------------------------

@dataclass(frozen=True)
class Split:
    """Entries or words: translated / fuzzy / untranslated."""
    translated: int
    fuzzy: int
    untranslated: int

    @property
    def total(self) -> int:
        return self.translated + self.fuzzy + self.untranslated

    def percent(self, part: int) -> float:
        return 100.0 * part / self.total if self.total else 0.0


@dataclass(frozen=True)
class NextEntry:
    """An untranslated or fuzzy entry of a catalogue, listed under "translate next"."""
    msgid: str
    line: int
    anchor: str
    required: bool
    fuzzy: bool
    page: str            # page key the entry belongs to ("" for site strings)
    domain: str = ""     # the catalogue it is in (`catalogues.domains`)


@dataclass(frozen=True)
class DomainStatus:
    """One catalogue of a locale (`locales/LL/LC_MESSAGES/DOMAIN.po`)."""
    name: str
    entries: Split
    words: Split
    exists: bool         # False: not created yet (counted from the template)


@dataclass(frozen=True)
class LocaleStatus:
    """A target locale on the status pages: its progress, whether its pages publish, and
    what to translate next."""
    code: str
    info: LocaleInfo     # its BCP 47 tag (shown) and URL prefix (preview links)
    entries: Split
    words: Split
    gate: str            # "at least 80 % and every title, heading" or "none"
    passes: bool         # every page passes its publish gate
    pages: tuple         # gates.PageStatus, by page key
    next: tuple[NextEntry, ...]
    domains: tuple[DomainStatus, ...] = ()


def _split(entries: list[polib.POEntry], measure: Callable[[polib.POEntry], int]) -> Split:
    done = sum(measure(e) for e in entries if complete(e))
    fuzzy = sum(measure(e) for e in entries if "fuzzy" in e.flags)
    return Split(done, fuzzy, sum(measure(e) for e in entries) - done - fuzzy)


def _gate_text(gate) -> str:
    parts = [f"at least {gate.min_percent} % of each page"] if gate.min_percent else []
    parts += [f"every {name}" for name in gate.required]
    return "; ".join(parts) or "none"


def next_entries(po: polib.POFile, domain: str = "") -> list[tuple[NextEntry, list[str]]]:
    """Untranslated and fuzzy entries, each with its anchors (`ordered` says which a
    publish gate requires)."""
    found = []
    for entry in po:
        if entry.obsolete or not entry.msgid or complete(entry):
            continue
        anchors = anchors_of(entry) or [""]
        found.append((NextEntry(entry.msgid, entry.linenum, anchors[0], False,
                                "fuzzy" in entry.flags, anchors[0].split("#", 1)[0], domain),
                      anchors))
    return found


def ordered(found: list[tuple[NextEntry, list[str]]], missing: set[str]) -> list[NextEntry]:
    """The entries to translate next: those a publish gate requires (their anchor is
    `missing`) first, then by catalogue and line."""
    marked = [replace(entry, required=any(a in missing for a in anchors))
              for entry, anchors in found]
    return sorted(marked, key=lambda e: (not e.required, order(e.domain), e.line))[:NEXT_LIMIT]


def _sum(splits: list[Split]) -> Split:
    return Split(*(sum(getattr(s, name) for s in splits)
                   for name in ("translated", "fuzzy", "untranslated")))


def _domain(name: str, po: polib.POFile, exists: bool) -> DomainStatus:
    active = [e for e in po if not e.obsolete and e.msgid]
    return DomainStatus(name, _split(active, lambda e: 1),
                        _split(active, lambda e: len(e.msgid.split())), exists)


def translation_data(root: Path, jobs: int | None = None) -> tuple[LocaleStatus, ...]:
    """Per target locale: its catalogues' counts, every page's status and what to
    translate next. Each catalogue is read once, for its counts and for the
    translations the page statuses are made of; a locale per process on a big site
    (reading them took 80 % of `status` at N = 10,000), which inherit the site."""
    model, segments = page_model(root)   # `status` holds the lock: it may keep analyses
    config = model.config
    templates = {name: path for name, path in pot_files(config.locales_dir).items()
                 if is_current(config.catalogues, name)}
    study = Study(model, segments, templates, {i.code: i for i in site_locales(config)})
    codes = config.target_locales
    # Up to two processes a core: the locales take about as long each, and three of
    # them on two cores took 8.9 s where two rounds (two, then one) took 12.0 s.
    workers = locale_workers(config, len(codes), jobs or 2 * (os.cpu_count() or 1))
    if workers < 2:
        return tuple(study.locale(code) for code in codes)
    return tuple(inherited_map(workers, Study.locale, study, codes))


@dataclass(frozen=True)
class Study:
    """What every locale's status is made from: the site, every page's segments, the
    current templates and the locales' names."""
    model: SiteModel
    segments: Mapping[str, tuple[Segment, ...]]
    templates: Mapping[str, Path]
    infos: Mapping[str, LocaleInfo]

    def locale(self, code: str) -> LocaleStatus:
        config = self.model.config
        counted: dict[str, DomainStatus] = {}
        waiting: list[tuple[NextEntry, list[str]]] = []

        def seen(domain: str, po: polib.POFile) -> None:
            counted[domain] = _domain(domain, po, True)
            waiting.extend(next_entries(po, domain))

        messages = load_messages(config, code, seen)
        translator = make_translator(messages, config.source_locale, make_markdown())
        pages = tuple(status for _, status in sorted(locale_statuses(
            self.model, code, translator, self.segments).items()))
        domains = [counted.get(name) or
                   _domain(name, read_po(self.templates[name], config.root), False)
                   for name in sorted(counted.keys() | self.templates.keys(), key=order)]
        missing = {a for s in pages for a in s.missing_required}
        return LocaleStatus(code, self.infos[code], _sum([d.entries for d in domains]),
                            _sum([d.words for d in domains]), _gate_text(config.gate(code)),
                            all(s.published for s in pages), pages,
                            tuple(ordered(waiting, missing)), tuple(domains))


def a11y_summary(document: dict[str, Any]) -> dict[str, Any]:
    """Counts of one results.json: by rule, by locale, by page (page × cell findings)."""
    by_rule: Counter = Counter()
    by_locale: Counter = Counter()
    by_page: Counter = Counter()
    impact: dict[str, str] = {}
    for result in document.get("results", ()):
        for finding in result.get("violations", ()):
            by_rule[finding["id"]] += 1
            by_locale[bcp47(result["locale"]) if result.get("locale") else "—"] += 1
            by_page[result["path"]] += 1
            impact.setdefault(finding["id"], finding.get("impact") or "unknown")
    summary = document.get("summary", {})
    return {"by_rule": sorted(by_rule.items(), key=lambda kv: (-kv[1], kv[0])),
            "by_locale": sorted(by_locale.items()), "impact": impact,
            "by_page": sorted(by_page.items(), key=lambda kv: (-kv[1], kv[0])),
            "summary": summary, "passed": summary.get("passed", not by_rule)}


# -- charts ----------------------------------------------------------------

def stacked_bar(chart_id: str, title: str, desc: str, parts: list[tuple[str, int, str]]) -> Markup:
    """One horizontal bar split into parts (label, value, css class), widths in %."""
    total = sum(v for _, v, _ in parts) or 1
    x, rects = 0.0, []
    for label, value, css in parts:
        width = 100.0 * value / total
        rects.append(f'<rect class="{css}" x="{x:.2f}%" y="0" width="{width:.2f}%" height="100%">'
                     f'<title>{escape(label)}: {value}</title></rect>')
        x += width
    return Markup(
        f'<svg class="chart bar" role="img" aria-labelledby="{chart_id}-t {chart_id}-d" '
        f'width="100%" height="24" preserveAspectRatio="none">'
        f'<title id="{chart_id}-t">{escape(title)}</title><desc id="{chart_id}-d">{escape(desc)}'
        f'</desc><rect class="frame" x="0" y="0" width="100%" height="100%"/>{"".join(rects)}</svg>')


def column_chart(chart_id: str, title: str, desc: str, values: list[tuple[str, int]]) -> Markup:
    """Vertical bars, one per run, scaled to the largest value; labels in the table beside."""
    top = max((v for _, v in values), default=0) or 1
    step = 100.0 / max(len(values), 1)
    bars = "".join(
        f'<rect class="value" x="{i * step + step * 0.15:.2f}%" y="{100 - 100 * v / top:.2f}%" '
        f'width="{step * 0.7:.2f}%" height="{100 * v / top:.2f}%"><title>{escape(label)}: {v}'
        f'</title></rect>' for i, (label, v) in enumerate(values))
    return Markup(
        f'<svg class="chart columns" role="img" aria-labelledby="{chart_id}-t {chart_id}-d" '
        f'width="100%" height="120" preserveAspectRatio="none">'
        f'<title id="{chart_id}-t">{escape(title)}</title><desc id="{chart_id}-d">{escape(desc)}'
        f'</desc><line class="axis" x1="0" y1="100%" x2="100%" y2="100%"/>{bars}</svg>')


# -- pages -----------------------------------------------------------------

STATUS_THEME = THEME_DIR / "status"   # the status pages' templates and stylesheet


def _env() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(STATUS_THEME)),
                              autoescape=True, undefined=jinja2.StrictUndefined,
                              trim_blocks=True, lstrip_blocks=True)


def _words(root: Path, locale: str) -> Callable[[str], Markup]:
    """t(): the dashboard's words in `locale` when its catalogue has them, else English."""
    info = locale_info(locale)
    from builder.source.config import load_config

    english = info.bcp47.split("-")[0] == "en"
    messages = load_messages(load_config(root), locale) if not english else None
    singular = messages.singular if messages else {}

    def t(text: str) -> Markup:
        found = singular.get((messages.ui, None, text)) if messages else None
        if found or english:
            return escape(found or text)
        return Markup('<span lang="en" dir="ltr">') + escape(text) + Markup("</span>")
    return t


def _page(root: Path, template: str, locale: str, **context: Any) -> bytes:
    env = _env()
    info = locale_info(locale)
    env.globals.update(t=_words(root, locale), locale=info, csp=CSP,
                       english=info.bcp47.split("-")[0] == "en", stacked_bar=stacked_bar,
                       column_chart=column_chart, output_path=output_path)
    return env.get_template(template).render(context).encode("utf-8")


def translation_page(root: Path, data: tuple[LocaleStatus, ...], locale: str = "en") -> bytes:
    return _page(root, "translation.html", locale, locales=data, preview="../_preview/",
                 po_href=lambda code, domain: "../../" + po_path(Path("locales"), code,
                                                                 domain).as_posix())


def accessibility_page(root: Path, document: dict[str, Any] | None, history: list[dict],
                       locale: str = "en", report_href: str = "../../reports/a11y/") -> bytes:
    summary = a11y_summary(document) if document is not None else None
    pairs = [(run["when"], int(run.get("blocking", 0))) for run in history]
    return _page(root, "accessibility.html", locale, a11y=summary, history=history,
                 pairs=pairs, report_href=report_href)


def status_files(root: Path, locale: str = "en",
                 results: Path | None = None) -> dict[str, bytes]:
    """`_status/translation.html`, `_status/accessibility.html` and their stylesheet.

    Links to catalogues and reports are relative to PROJECT/site/_status/ (for a
    site built elsewhere they point into the project by the same relative path)."""
    results = results or root / "reports" / "a11y" / "results.json"
    try:
        document = json.loads(results.read_text("utf-8"))
    except (OSError, ValueError):
        document = None   # never checked yet: the page says so
    return {
        f"{STATUS_DIR}/translation.html": translation_page(root, translation_data(root), locale),
        f"{STATUS_DIR}/accessibility.html": accessibility_page(root, document, read_history(root),
                                                               locale),
        f"{STATUS_DIR}/status.css": (STATUS_THEME / "status.css").read_bytes(),
    }


def write_status(root: Path, out: Path, locale: str = "en",
                 results: Path | None = None) -> int:
    """Write the status pages into the output folder `out` (journalled, like a build);
    returns how many files changed."""
    from builder.output.site import check_target, publish, staging

    check_target(root, out)
    files = status_files(root, locale, results)
    with staging(root, out) as staged:
        for name, data in files.items():
            (staged / name).parent.mkdir(parents=True, exist_ok=True)
            (staged / name).write_bytes(data)
        return publish(root, out, staged, files, (), compare=True)
