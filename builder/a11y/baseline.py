"""Known issues (a11y-baseline.yaml): accepted findings with a reason, an owner and an expiry.

An entry names a finding by what survives unrelated edits — rule, page
component (template kind), a selector without positional indexes or
generated ids, and a hash of the element's markup — never by counts, so
fixing one instance and breaking another is still a new finding.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from builder.a11y.model import CheckRun, NodeRef, PageResult
from builder.errors import Collector
from builder.source.yamldoc import parse_yaml

FILE_NAME = "a11y-baseline.yaml"
FIELDS = ("rule", "component", "selector", "html_hash", "reason", "owner", "expires")
DEFAULT_LIFETIME = dt.timedelta(days=90)
_NTH_RE = re.compile(r":nth-(?:last-)?(?:child|of-type)\([^)]*\)")
_DIGIT_ID_RE = re.compile(r"#(?:\\.|[\w-])*\d(?:\\.|[\w-])*")
_COMBINATOR_RE = re.compile(r"(\s*[>+~]\s*|\s+)")
_HASH_RE = re.compile(r"[0-9a-f]{16}")
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")


def normalise_selector(selector: str) -> str:
    """Drop what changes with content order or generated ids: nth indexes, ids with digits.

    A compound that was only such an id becomes `*`, so "#item-3 > a" and
    "#item-4 > a" both read "* > a".
    """
    parts = []
    for frame_part in selector.split(" >>> "):
        text = _DIGIT_ID_RE.sub("", _NTH_RE.sub("", frame_part)).strip()
        pieces = _COMBINATOR_RE.split(text)
        out = []
        for i, piece in enumerate(pieces):
            if i % 2:  # a combinator: descendant (space) or > + ~
                out.append(f" {piece.strip()} " if piece.strip() else " ")
            else:
                out.append(piece or "*")
        parts.append("".join(out))
    return " >>> ".join(parts)


def html_hash(html: str) -> str:
    return hashlib.sha256(" ".join(html.split()).encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Fingerprint:
    """A finding's identity in the baseline, made only of what survives unrelated edits."""

    rule: str
    component: str
    selector: str
    html_hash: str


@dataclass(frozen=True)
class Entry:
    """One accepted finding in the baseline file, with why, who owns it and until when."""

    fingerprint: Fingerprint
    reason: str
    owner: str
    expires: dt.date
    line: int | None = None


@dataclass(frozen=True)
class Occurrence:
    """One blocking finding on one element of a page × cell, as the baseline gate matches it."""

    fingerprint: Fingerprint
    path: str
    cell: str
    node: NodeRef


@dataclass(frozen=True)
class Gate:
    """What the baseline makes of a run: new findings fail, so do expired and stale entries."""

    new: tuple[Occurrence, ...]
    known: tuple[Occurrence, ...]
    expired: tuple[Entry, ...]
    stale: tuple[Entry, ...]

    @property
    def failed(self) -> bool:
        return bool(self.new or self.expired or self.stale)


def fingerprint(result: PageResult, rule: str, node: NodeRef) -> Fingerprint:
    return Fingerprint(rule, result.component, normalise_selector(node.selector), html_hash(node.html))


def occurrences(run: CheckRun) -> list[Occurrence]:
    return [Occurrence(fingerprint(r, f.rule_id, n), r.path, r.cell.label, n)
            for r in run.results for f in r.violations for n in f.nodes]


def evaluate(run: CheckRun, entries: Iterable[Entry], today: dt.date) -> Gate:
    """Match the run's blocking findings against the baseline.

    Stale is only judged for components this run looked at: a shard or a
    partial run cannot tell whether an entry for pages it skipped still matches.
    """
    entries = tuple(entries)
    found = occurrences(run)
    by_print = {e.fingerprint: e for e in entries}
    seen = {o.fingerprint for o in found}
    checked = {r.component for r in run.results}
    return Gate(
        new=tuple(o for o in found if o.fingerprint not in by_print),
        known=tuple(o for o in found if o.fingerprint in by_print),
        expired=tuple(e for e in entries if e.expires < today),
        stale=tuple(e for e in entries
                    if e.fingerprint not in seen and e.fingerprint.component in checked),
    )


def load_baseline(path: Path) -> tuple[Entry, ...]:
    """Entries of the file, () if it does not exist; InputError with lines if it is bad."""
    path = Path(path)
    if not path.is_file():
        return ()
    diags = Collector()
    doc = parse_yaml(path.read_text(encoding="utf-8"), path, 0, diags)
    diags.raise_if_errors()
    data = doc.data if doc else None
    items = data.get("entries") if isinstance(data, Mapping) else data
    if items is None:
        return ()
    if not isinstance(items, list):
        diags.error(path, doc.line() if doc else 1, "the baseline must be a list of entries",
                    "write `entries:` followed by `- rule: …` items (see --update-baseline)")
        diags.raise_if_errors()
    keyed = ("entries",) if isinstance(data, Mapping) else ()
    entries = [_entry(item, path, doc, keyed + (i,), diags) for i, item in enumerate(items)]
    diags.raise_if_errors()
    return tuple(e for e in entries if e is not None)


def _entry(item: Any, path: Path, doc, where: tuple, diags: Collector) -> Entry | None:
    line = doc.line(*where)
    if not isinstance(item, Mapping):
        diags.error(path, line, "a baseline entry must be a mapping",
                    "give each entry rule, component, selector, html_hash, reason, owner, expires")
        return None
    bad = len(diags.errors)
    for name in FIELDS:
        if name not in item:
            diags.error(path, line, f"baseline entry is missing `{name}`",
                        f"add `{name}:`; every entry needs {', '.join(FIELDS)}")
    for name in sorted(set(item) - set(FIELDS)):
        diags.error(path, doc.line(*where, name), f"unknown baseline field `{name}`",
                    f"use only {', '.join(FIELDS)}")
    values = {k: "" if item.get(k) is None else str(item.get(k)) for k in FIELDS}
    if "html_hash" in item and not _HASH_RE.fullmatch(values["html_hash"]):
        diags.error(path, doc.line(*where, "html_hash"), f"bad html_hash `{values['html_hash']}`",
                    "use the 16 lowercase hex digits written by --update-baseline")
    expires = _date(values["expires"]) if "expires" in item else None
    if "expires" in item and expires is None:
        diags.error(path, doc.line(*where, "expires"), f"bad expiry date `{values['expires']}`",
                    "write the date as YYYY-MM-DD, e.g. 2026-06-30")
    if len(diags.errors) > bad or expires is None:
        return None
    return Entry(Fingerprint(values["rule"], values["component"], values["selector"],
                             values["html_hash"]), values["reason"], values["owner"], expires, line)


def _date(text: str) -> dt.date | None:
    if not _DATE_RE.fullmatch(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def updated_entries(run: CheckRun, entries: Iterable[Entry], today: dt.date) -> tuple[Entry, ...]:
    """Entries for every current finding: matching ones keep reason, owner and expiry."""
    old = {e.fingerprint: e for e in entries}
    fresh: dict[Fingerprint, Entry] = {}
    for occurrence in occurrences(run):
        fp = occurrence.fingerprint
        if fp not in fresh:
            fresh[fp] = replace(old[fp], line=None) if fp in old else Entry(
                fp, "TODO", "", today + DEFAULT_LIFETIME)
    return tuple(sorted(fresh.values(), key=lambda e: (e.fingerprint.component, e.fingerprint.rule,
                                                       e.fingerprint.selector, e.fingerprint.html_hash)))


def baseline_text(entries: Iterable[Entry]) -> str:
    items = [{"rule": e.fingerprint.rule, "component": e.fingerprint.component,
              "selector": e.fingerprint.selector, "html_hash": e.fingerprint.html_hash,
              "reason": e.reason, "owner": e.owner, "expires": e.expires.isoformat()}
             for e in entries]
    header = ("# Known accessibility issues, accepted for a while. `infopages check` fails on\n"
              "# findings not listed here, on expired entries and on entries that match nothing.\n"
              "# Regenerate with `infopages check --update-baseline`; reasons and owners are kept.\n")
    body = yaml.safe_dump({"entries": items}, sort_keys=False, allow_unicode=True, width=100)
    return header + body
