"""Report sections that regroup the same findings: by page, by locale, across locales.

The cross-locale table puts one page's translations side by side, so a
regression only one locale has (an untranslated title, an RTL overflow)
stands out against its siblings' zeros.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from html import escape

from builder.a11y.language import bcp47
from builder.a11y.model import CheckRun, PageResult


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def locale_of(result: PageResult) -> str:
    """One name per locale, however a page or folder spells it: pt_BR and pt-BR are pt-BR."""
    return bcp47(result.locale) if result.locale else "—"


def page_identity(result: PageResult) -> str:
    """The same page in every locale: the manifest key, else the path minus its locale folder."""
    if result.key:
        return result.key
    first, _, rest = result.path.partition("/")
    same = result.locale and bcp47(first).lower() == bcp47(result.locale).lower()
    return rest if rest and same else result.path


def _lang(locale: str) -> str:
    # "—" stands for "no locale" and is not a language tag.
    return f' lang="{_e(locale)}"' if locale != "—" else ""


def _count(result: PageResult) -> int:
    return sum(len(f.nodes) or 1 for f in result.violations) + (1 if result.error else 0)


def _scroll_table(label: str, rows: Iterable[str]) -> list[str]:
    return [f'<div class="scroll" role="region" tabindex="0" aria-label="{_e(label)}">', "<table>",
            f"<caption>{_e(label)}</caption>", *rows, "</table>", "</div>"]


def cross_locale_section(run: CheckRun) -> list[str]:
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    locales = sorted({locale_of(r) for r in run.results})
    for result in run.results:
        counts[page_identity(result)][locale_of(result)] += _count(result)
    out = ['<section aria-labelledby="cross-locale">',
           '<h2 id="cross-locale">Across locales</h2>',
           "<p>Blocking findings (elements × render cells) per page and locale. "
           "A count that only one locale has is marked “only here”.</p>"]
    head = "".join(f'<th scope="col"{_lang(l)}>{_e(l)}</th>' for l in locales)
    rows = [f'<thead><tr><th scope="col">Page</th>{head}</tr></thead>', "<tbody>"]
    for page in sorted(counts):
        row = counts[page]
        failing = [l for l in locales if row[l]]
        cells = []
        for locale in locales:
            value = row.get(locale)
            text = "–" if value is None else str(value)
            alone = value and len(failing) == 1 and len([l for l in locales if l in row]) > 1
            cells.append(f'<td class="only fail">{text} (only here)</td>' if alone
                         else f"<td>{text}</td>")
        rows.append(f'<tr><th scope="row"><code dir="ltr">{_e(page)}</code></th>{"".join(cells)}</tr>')
    rows.append("</tbody>")
    out += _scroll_table("Findings per page and locale", rows)
    out.append("</section>")
    return out


def by_page_section(run: CheckRun) -> list[str]:
    pages: dict[str, Counter[str]] = defaultdict(Counter)
    for result in run.results:
        pages[result.path]  # every page is listed, clean ones too
        for finding in result.violations:
            pages[result.path][finding.rule_id] += 1
        if result.error:
            pages[result.path]["error"] += 1
    out = ['<section aria-labelledby="by-page">', '<h2 id="by-page">By page</h2>',
           "<p>Blocking rules per page (count of render cells where each fails).</p>", "<ul>"]
    for path in sorted(pages):
        rules = pages[path]
        text = ", ".join(_rule_link(rule, n) for rule, n in sorted(rules.items())) or "no findings"
        out.append(f'<li><code dir="ltr">{_e(path)}</code>: {text}</li>')
    out += ["</ul>", "</section>"]
    return out


def _rule_link(rule: str, count: int) -> str:
    if rule == "error":
        return f'<a href="#errors">error</a> × {count}'
    return f'<a href="#blocking-{_e(rule)}">{_e(rule)}</a> × {count}'


def by_locale_section(run: CheckRun) -> list[str]:
    per_locale: dict[str, Counter[str]] = defaultdict(Counter)
    pages: dict[str, set[str]] = defaultdict(set)
    for result in run.results:
        locale = locale_of(result)
        pages[locale].add(result.path)
        for finding in result.violations:
            per_locale[locale][finding.rule_id] += len(finding.nodes) or 1
    out = ['<section aria-labelledby="by-locale">', '<h2 id="by-locale">By locale</h2>', "<ul>"]
    for locale in sorted(pages):
        rules = per_locale[locale]
        text = ", ".join(_rule_link(rule, n) for rule, n in sorted(rules.items())) or "no findings"
        out.append(f'<li><span{_lang(locale)}>{_e(locale)}</span> '
                   f"({len(pages[locale])} page(s)): {text}</li>")
    out += ["</ul>", "</section>"]
    return out
