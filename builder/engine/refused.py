"""The translations a build did not publish because `lint` finds an error in them
(a link or placeholder changed, raw HTML…): readers see the source text instead, and
the translator should hear of it from the build, not only from `lint`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from builder.catalogues.domains import po_path
from builder.engine.cache import BuildCache
from builder.errors import Diagnostic
from builder.lint.checks import lint_catalogue
from builder.lint.glossary import Glossary
from builder.source.inputs import file_fingerprint

SHOWN = 3   # per locale, with path:line; `infopages lint` lists every one


@dataclass(frozen=True)
class Refused:
    """The translations a build did not publish: a count per locale, and the first few."""
    counts: tuple[tuple[str, int], ...]       # (locale, translations refused)
    first: tuple[Diagnostic, ...]             # the first few of each locale


def refused_translations(root: Path, cache: BuildCache) -> Refused:
    """From the build record, where every catalogue's refused entries are kept
    (kind "r"): a count per locale, and the first few with the file, line and why."""
    rows = cache.db.execute("SELECT locale, domain, value FROM messages WHERE kind = 'r' "
                            "ORDER BY locale, domain, value").fetchall()
    counts: dict[str, int] = {}
    first: dict[tuple[str, str], set[str]] = {}
    for locale, domain, msgid in rows:
        counts[locale] = counts.get(locale, 0) + 1
        if counts[locale] <= SHOWN:
            first.setdefault((locale, domain), set()).add(msgid)
    files = {key: po_path(root / "locales", *key) for key in first}
    # Linting a catalogue costs a parse of it: done again only when the entries shown
    # or the files they are in changed, not on every rebuild of a site that has some.
    memo_key = (sorted((key, sorted(msgids)) for key, msgids in first.items()),
                sorted((str(path), file_fingerprint(path)) for path in files.values()))
    memo = cache.get("refused")
    if memo is not None and memo[0] == memo_key:
        shown = memo[1]
    else:
        shown = tuple(d for key, msgids in first.items()
                      for d in _located(root, key[0], files[key], msgids))
        cache.put("refused", (memo_key, shown))
    return Refused(tuple(sorted(counts.items())), shown)


def _located(root: Path, locale: str, path: Path, msgids: set[str]) -> list[Diagnostic]:
    """Each refused msgid of one catalogue file, with its line and lint's reason."""
    errors = [f for f in lint_catalogue(root, locale, path, Glossary())
              if f.severity == "error" and f.msgid in msgids]
    shown = []
    for msgid in sorted(msgids):
        finding = next((f for f in errors if f.msgid == msgid), None)
        if finding is not None:
            fix = "readers see the source text until it is fixed"
            shown.append(Diagnostic(finding.path, finding.line,
                                    f"translation not published: {finding.message}",
                                    f"{fix}; {finding.hint}" if finding.hint else fix,
                                    severity="warning"))
    return shown
