"""Where a finding on a built page was written: content line, template line, PO line.

The builder's manifest (`site/_infopages/pages.json` and its parts, "sources") lists, per
page, its content file, its template chain and the blocks of its rendered
body with the content line each starts on. An element the check found
(ElementInfo, read in the browser) is placed like this:

1. inside the rendered body: its block → the content file and line;
2. text equal to a front-matter field's (title, summary, alt text, caption,
   related-link label) in this locale → that field's content line;
3. otherwise a template line: the start tag in the page's template chain
   that best fits the element — its id, its literal classes, the attributes
   it carries, the text it shows (a `_("…")` whose translation is the
   element's text), and its ancestors' tags and classes. A macro used in many
   places points to the macro; an element built from a loop, to the loop's
   one line; a start tag assembled by Jinja so that no literal id, class or
   text is left can only be matched by tag and ancestors, and the note says so.

When the element's text came from a catalogue (a translated segment, or a
template string), the locale's PO file and the line of that entry are added.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from builder.a11y.language import bcp47
from builder.output.manifest import read_manifest
from builder.a11y.model import CheckRun, ElementInfo, NodeRef, PageResult, SourceRef

_TAG_RE = re.compile(r"<([a-zA-Z][a-zA-Z0-9-]*)\b((?:[^>{]|\{\{.*?\}\}|\{%.*?%\}|\{(?![{%]))*)>", re.S)
_CLOSE_RE = re.compile(r"</([a-zA-Z][a-zA-Z0-9-]*)\s*>")
_ATTR_RE = re.compile(r"""([a-zA-Z_:][-a-zA-Z0-9_:.]*)\s*=\s*("[^"]*"|'[^']*')""")
_JINJA_RE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                   "source", "track", "wbr"})
_WS_RE = re.compile(r"\s+")


@dataclass(frozen=True)
class _Tag:
    """One start tag of a template, with its line and what an element is matched against."""
    path: str
    line: int
    name: str
    attrs: Mapping[str, str]   # attribute → value as written (Jinja included)
    text: str                  # the template text up to the next tag, for _("…") strings
    ancestors: tuple[tuple[str, frozenset[str]], ...]  # (tag, literal classes), nearest first


def _norm(text: str) -> str:
    return _WS_RE.sub(" ", text).strip()


def _literal_tokens(value: str) -> frozenset[str]:
    return frozenset(_JINJA_RE.sub(" ", value).split())


class SourceMap:
    """Source locations for the findings of one project's built site."""

    def __init__(self, project: Path, site: Path | None) -> None:
        self.project = Path(project)
        self.pages = _manifest_sources(site)
        self._tags: dict[str, list[_Tag]] = {}
        self._catalogues: dict[str, _Catalogue | None] = {}

    def annotate(self, run: CheckRun) -> CheckRun:
        """`run` with every located node's sources filled in (others unchanged)."""
        return replace(run, results=tuple(self._result(r) for r in run.results))

    def _result(self, result: PageResult) -> PageResult:
        sources = self.pages.get(result.path)
        if sources is None:
            return result
        kinds = ("violations", "best_practice", "incomplete")
        return replace(result, **{kind: tuple(
            replace(f, nodes=tuple(replace(n, sources=self.locate(result, sources, n.element))
                                   if n.element is not None else n for n in f.nodes))
            for f in getattr(result, kind)) for kind in kinds})

    def locate(self, result: PageResult, sources: Mapping[str, Any],
               element: ElementInfo) -> tuple[SourceRef, ...]:
        catalogue = self._catalogue(result.locale)
        content = sources.get("content")
        blocks = sources.get("blocks", ())
        if content and 0 <= element.block < len(blocks) and blocks[element.block]["tag"] == element.block_tag:
            block = blocks[element.block]
            found = [SourceRef(content, int(block["line"]), "content", block.get("anchor", block["tag"]))]
            return tuple(found + self._po_by_anchor(catalogue, block.get("anchor")))
        for field in sources.get("fields", ()) if content else ():
            shown = catalogue.shown(field["anchor"], field["msgid"]) if catalogue else field["msgid"]
            if element.text and _norm(shown) == element.text:
                return tuple([SourceRef(content, int(field["line"]), "content", field["anchor"])]
                             + self._po_by_anchor(catalogue, field["anchor"]))
        return self._template(sources.get("templates", ()), element, catalogue)

    # -- templates ---------------------------------------------------------

    def _template(self, chain: Iterable[str], element: ElementInfo,
                  catalogue: _Catalogue | None) -> tuple[SourceRef, ...]:
        texts = self._texts(element, catalogue)
        best: tuple[float, int, _Tag, str | None] | None = None
        for order, path in enumerate(chain):
            for tag in self._tags_of(path):
                if tag.name != element.tag:
                    continue
                score, msgid = _score(tag, element, texts)
                if best is None or score > best[0]:
                    best = (score, order, tag, msgid)
        if best is None:
            return ()
        score, _, tag, msgid = best
        how = "matched by " + ("its text, " if msgid is not None else "") + (
            "id, classes and attributes" if score >= 10 else "tag and ancestors only")
        found = [SourceRef(tag.path, tag.line, "template", f"<{tag.name}> {how}")]
        if msgid is not None and catalogue is not None:
            found += catalogue.refs_for_msgid(msgid)
        return tuple(found)

    def _texts(self, element: ElementInfo, catalogue: _Catalogue | None) -> dict[str, str]:
        """Source strings whose text the element shows: msgid → how it shows."""
        shown = [element.text] + [v for k, v in element.attributes
                                  if k in ("aria-label", "title", "alt", "placeholder")]
        texts = {}
        for text in filter(None, (_norm(t) for t in shown)):
            texts[text] = text
            for msgid in catalogue.msgids_showing(text) if catalogue else ():
                texts[msgid] = text
        return texts

    def _tags_of(self, path: str) -> list[_Tag]:
        if path not in self._tags:
            file, shown = self._template_file(path)
            try:
                text = file.read_text(encoding="utf-8") if file is not None else ""
            except (OSError, UnicodeDecodeError):
                text = ""
            self._tags[path] = _parse_template(shown, text)
        return self._tags[path]

    def _template_file(self, name: str) -> tuple[Path | None, str]:
        """The file of a template as pages.json names it, and the path a finding shows:
        `templates/NAME` is the project's own; `theme/NAME` the built-in theme's, shown
        project-relative when the package lies inside the project (the demo:
        builder/theme/NAME), else by its theme name."""
        from builder.source.theme import THEME, theme_file

        if not name or name.startswith("("):
            return None, name
        if not name.startswith(THEME):
            return self.project / name, name
        try:
            file = theme_file(name)
        except KeyError:
            return None, name
        try:
            return file, file.resolve().relative_to(self.project.resolve()).as_posix()
        except ValueError:
            return file, name

    # -- catalogues --------------------------------------------------------

    def _catalogue(self, locale: str | None) -> _Catalogue | None:
        key = locale or ""
        if key not in self._catalogues:
            self._catalogues[key] = _Catalogue.load(self.project, locale) if locale else None
        return self._catalogues[key]

    @staticmethod
    def _po_by_anchor(catalogue: _Catalogue | None, anchor: str | None) -> list[SourceRef]:
        return catalogue.refs_for_anchor(anchor) if catalogue and anchor else []


def _score(tag: _Tag, element: ElementInfo, texts: Mapping[str, str]) -> tuple[float, str | None]:
    attrs = dict(element.attributes)
    score = 0.0
    literal_id = tag.attrs.get("id")
    if literal_id is not None and "{" not in literal_id:
        if literal_id != attrs.get("id"):
            return -1000.0, None
        score += 100
    classes = frozenset(attrs.get("class", "").split())
    written = _literal_tokens(tag.attrs.get("class", ""))
    score += 10 * len(written & classes) - 20 * len(written - classes)
    for name in set(tag.attrs) - {"id", "class"}:
        value = tag.attrs[name]
        if name in attrs:
            score += 10 if ("{" not in value and value == attrs[name]) else 3
        elif "{" not in value:
            score -= 5
    msgid = next((m for m in texts if _mentions(tag.text, m) or _mentions(
        " ".join(tag.attrs.values()), m)), None)
    if msgid is not None:
        score += 40
    for depth, ancestor in enumerate(element.ancestors[:4]):
        name, _, rest = ancestor.partition(".")
        name = name.split("#")[0]
        mine = frozenset(rest.split(".")) if rest else frozenset()
        if depth < len(tag.ancestors) and tag.ancestors[depth][0] == name and tag.ancestors[depth][1] <= mine:
            score += 4 + 2 * len(tag.ancestors[depth][1])
    return score, msgid


def _mentions(template_text: str, msgid: str) -> bool:
    if not msgid:
        return False
    quoted = (f'"{msgid}"', f"'{msgid}'")
    if any(q in template_text for q in quoted):
        return True
    plain = _norm(_JINJA_RE.sub(" ", template_text))
    return plain == msgid


def _parse_template(path: str, text: str) -> list[_Tag]:
    """Every start tag of a template with its line and its literal ancestors."""
    tags: list[_Tag] = []
    stack: list[tuple[str, frozenset[str]]] = []
    events = sorted([(m.start(), "open", m) for m in _TAG_RE.finditer(text)]
                    + [(m.start(), "close", m) for m in _CLOSE_RE.finditer(text)],
                    key=lambda e: e[0])
    for position, kind, match in events:
        name = match.group(1).lower()
        if kind == "close":
            while stack and stack[-1][0] != name:
                stack.pop()
            if stack:
                stack.pop()
            continue
        attrs = {m.group(1).lower(): m.group(2)[1:-1] for m in _ATTR_RE.finditer(match.group(2))}
        following = text[match.end(): text.find("<", match.end()) if "<" in text[match.end():] else None]
        tags.append(_Tag(path, text.count("\n", 0, position) + 1, name, attrs, following,
                         tuple(reversed(stack))))
        if name not in _VOID and not match.group(0).endswith("/>"):
            stack.append((name, _literal_tokens(attrs.get("class", ""))))
    return tags


@dataclass(frozen=True)
class _Entry:
    """One entry of a locale's catalogue, with the line of its msgstr, to cite as a source."""
    path: str        # the catalogue file (one per domain), from the project
    line: int
    msgid: str
    msgstr: str
    translated: bool


class _Catalogue:
    """One locale's PO file, indexed by anchor and by text."""

    def __init__(self, entries: list[tuple[list[str], _Entry]]) -> None:
        self.by_anchor = {a: e for anchors, e in entries for a in anchors}
        self.by_text: dict[str, list[_Entry]] = {}
        self.by_msgid: dict[str, list[_Entry]] = {}
        for _, entry in entries:
            self.by_msgid.setdefault(entry.msgid, []).append(entry)
            if entry.translated:
                self.by_text.setdefault(_norm(entry.msgstr), []).append(entry)

    @classmethod
    def load(cls, project: Path, locale: str) -> _Catalogue | None:
        """Every catalogue file of the locale (one per domain, the interface's first)."""
        from builder.catalogues.domains import po_files
        from builder.catalogues.pofile import anchors_of, read_po
        from builder.errors import InputError

        folder = _locale_folder(project / "locales", locale)
        if folder is None:
            return None
        entries = []
        for file in po_files(project / "locales", folder.name).values():
            try:
                po = read_po(file, project)
                lines = file.read_text(encoding="utf-8").splitlines()
            except (InputError, OSError, UnicodeDecodeError):
                continue  # a broken catalogue is lint's business; no PO locations then
            rel = file.relative_to(project).as_posix()
            entries += [(anchors_of(e), _Entry(rel, _msgstr_line(lines, e.linenum), e.msgid,
                                               e.msgstr, bool(e.msgstr) and "fuzzy" not in e.flags))
                        for e in po if not e.obsolete and e.msgid]
        return cls(entries) if entries else None

    def shown(self, anchor: str, msgid: str) -> str:
        entry = self.by_anchor.get(anchor)
        return entry.msgstr if entry is not None and entry.translated else msgid

    def refs_for_anchor(self, anchor: str) -> list[SourceRef]:
        entry = self.by_anchor.get(anchor)
        if entry is None or not entry.translated:
            return []  # shown in the source language: the text came from the content
        return [SourceRef(entry.path, entry.line, "catalogue", f"msgid {entry.msgid[:80]!r}")]

    def msgids_showing(self, text: str) -> list[str]:
        return [e.msgid for e in self.by_text.get(text, ())]

    def refs_for_msgid(self, msgid: str) -> list[SourceRef]:
        return [SourceRef(e.path, e.line, "catalogue", f"msgid {e.msgid[:80]!r}")
                for e in self.by_msgid.get(msgid, ()) if e.translated][:1]


def _msgstr_line(lines: list[str], start: int) -> int:
    """The line of an entry's msgstr (what a translator edits); polib gives its first line."""
    for number in range(max(start, 1), len(lines) + 1):
        if lines[number - 1].startswith("msgstr"):
            return number
    return start


def _locale_folder(locales: Path, locale: str) -> Path | None:
    if not locales.is_dir():
        return None
    wanted = bcp47(locale).lower()
    for folder in sorted(locales.iterdir()):
        if folder.is_dir() and bcp47(folder.name).lower() == wanted:
            return folder
    return None


def _manifest_sources(site: Path | None) -> dict[str, Mapping[str, Any]]:
    if site is None:
        return {}
    pages = read_manifest(Path(site)) or {}
    return {path: entry["sources"] for path, entry in pages.items()
            if isinstance(entry, Mapping) and isinstance(entry.get("sources"), Mapping)}


def first_source(node: NodeRef) -> SourceRef | None:
    """The location to show first: content, else template (a PO line completes either)."""
    return next((s for s in node.sources if s.kind != "catalogue"), None)


def sources_text(node: NodeRef) -> str:
    """"content/x.md:12, translation locales/fr/LC_MESSAGES/pages.po:40" (or "")."""
    words = {"content": "", "template": "template ", "catalogue": "translation "}
    return ", ".join(f"{words[s.kind]}{s.path}:{s.line}" for s in node.sources)
