"""Incremental build = full build, proven on random edit sequences.

A Hypothesis state machine owns one project folder that is only ever built
incrementally (`infopages build`, keeping its `.infopages-cache/`), and edits its
sources at random the way authors, translators, their tools and their mistakes
do. After every step the same sources are copied into a fresh folder and built
from scratch. The two must agree: both succeed with byte-identical `site/`
trees, or both fail with exit status 2, the same diagnostics, and the
incremental project's `site/` exactly as it was before the step.

The tool is driven only through its command line (`builder.cli.main`), so the
test does not depend on how the builder is organised inside.

The page manifest is split into parts of `PART_SIZE` entries (one part for the
fixture's 52 at the real size): here they are 13, so the fixture has exactly 4
full parts; adding a page makes 8, removing one makes 4 again (or 2): cases an
incremental build must handle as a full build does.

Profiles: the default fits CI (a few minutes); `make fuzz` (INFOPAGES_FUZZ=1)
runs the long one. Every failure ever found is replayed by `REGRESSIONS` below,
on every run.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import tempfile
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import polib
import pytest
import yaml
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from builder.cli import main
from builder.output import manifest
from tests.conftest import SITES, THEME, copy_theme

FIXTURE = SITES / "diff"
SOURCES = ("content", "templates", "locales")   # what a project is made of
TARGET_LOCALES = ("fr", "es", "ar")
KINDS = ("topics", "news", "pages")
INDEX = st.integers(min_value=0, max_value=63)  # picks among whatever exists, modulo

# --------------------------------------------------------------------------- profiles

_COMMON = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow])
# About 0.4 s per step on an idle 2-core machine: 12 × 25 steps ≈ 2 to 3 minutes.
settings.register_profile("infopages-ci", max_examples=12, stateful_step_count=25, **_COMMON)
# `make fuzz`: a long run (hours); Hypothesis keeps what it finds in .hypothesis/.
settings.register_profile("infopages-fuzz", max_examples=400, stateful_step_count=60, **_COMMON)
PROFILE = settings.get_profile("infopages-fuzz" if os.environ.get("INFOPAGES_FUZZ")
                               else "infopages-ci")




@pytest.fixture(autouse=True)
def small_manifest_parts(monkeypatch):
    monkeypatch.setattr(manifest, "PART_SIZE", 13)


# --------------------------------------------------------------------------- running the tool

@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str

    def lines(self, project: Path) -> list[str]:
        """stderr, one diagnostic a line, with the project's own path taken out."""
        return self.err.replace(f"{project}/", "").replace(str(project), ".").splitlines()


def infopages(*argv: str) -> Run:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(argv))
    return Run(code, out.getvalue(), err.getvalue())


def build(project: Path) -> Run:
    return infopages("build", "--project", str(project), "--quiet")


def summary(run: Run) -> str | None:
    """'49 pages in 4 locales (en, fr, es, ar)' from 'built …', 'rebuilt …' or 'up to date:
    …': the words around it say what was done, which differs by design; the counts must not."""
    found = re.search(r"(\d+ pages in \d+ locales \([^)]*\))", run.out)
    return found.group(1) if found else None


def bug_of_ours(run: Run) -> bool:
    return "internal error" in run.err or "Traceback" in run.err


# --------------------------------------------------------------------------- comparing trees

Tree = dict[str, tuple[int, bytes]]   # relative path (folders end in /) → (mode bits, bytes)


def tree(root: Path) -> Tree:
    """Every file and folder under `root`. Folders count: an empty folder left behind
    is served (a listing or a 403) where a full build gives a 404."""
    found: Tree = {}
    if not root.exists():
        return found
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        mode = path.lstat().st_mode & 0o777
        if path.is_symlink():
            found[rel] = (mode, b"-> " + os.readlink(path).encode())
        elif path.is_dir():
            found[rel + "/"] = (mode, b"")
        else:
            found[rel] = (mode, path.read_bytes())
    return found


def sources(project: Path) -> Tree:
    return {f"{folder}/{rel}": entry for folder in SOURCES
            for rel, entry in tree(project / folder).items()}


def difference(got: Tree, want: Tree, got_name: str, want_name: str) -> str:
    """What differs between two trees, for a failure message (first differing file shown)."""
    lines = [f"only in the {got_name}: {p}" for p in sorted(got.keys() - want.keys())]
    lines += [f"only in the {want_name}: {p}" for p in sorted(want.keys() - got.keys())]
    differ = sorted(p for p in got.keys() & want.keys() if got[p] != want[p])
    lines += [f"differs: {p}" for p in differ]
    if differ:   # show one page rather than the manifest, when a page differs
        shown = next((p for p in differ if p.endswith(".html")), differ[0])
        (mode_a, a), (mode_b, b) = got[shown], want[shown]
        if mode_a != mode_b:
            lines.append(f"  {shown}: mode {mode_a:o} ({got_name}) vs {mode_b:o} ({want_name})")
        lines += [f"  {shown}:"] + first_difference(a, b, got_name, want_name)
    return "\n".join(lines[:60])


def first_difference(a: bytes, b: bytes, got_name: str, want_name: str) -> list[str]:
    a_lines, b_lines = a.splitlines(), b.splitlines()
    for number, (x, y) in enumerate(zip(a_lines, b_lines), 1):
        if x != y:
            return [f"  line {number} ({got_name}): {x[:300]!r}",
                    f"  line {number} ({want_name}): {y[:300]!r}"]
    if len(a_lines) != len(b_lines):
        return [f"  {len(a_lines)} lines ({got_name}) vs {len(b_lines)} ({want_name})"]
    return []


# --------------------------------------------------------------------------- editing sources

def pick(items: list, index: int):
    return items[index % len(items)] if items else None


def read_text(path: Path) -> str | None:
    """A file's text as an editor would open it; None when it is not a UTF-8 text file."""
    try:
        return path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def split_page(text: str) -> tuple[list[str], str] | None:
    """(front-matter lines, body) of a page, or None when it has no front matter to edit."""
    if not text.startswith("---\n"):
        return None
    end = text.find("\n---\n", 3)
    if end < 0:
        return None
    return text[4:end + 1].splitlines(), text[end + 5:]


def join_page(front: list[str], body: str) -> str:
    return "---\n" + "".join(line + "\n" for line in front) + "---\n" + body


def set_field(path: Path, key: str, value: str | None) -> None:
    """Replace the front-matter field `key` (its line and indented continuation lines)
    with `key: value` in YAML, or remove it when value is None."""
    parts = split_page(read_text(path) or "")
    if parts is None:
        return
    front, body = parts
    kept, inserted, skipping = [], False, False
    for line in front:
        if skipping and line.startswith((" ", "-")):
            continue
        skipping = line.startswith(f"{key}:")
        if skipping and not inserted and value is not None:
            kept.append(f"{key}: {value}")
            inserted = True
        elif not skipping:
            kept.append(line)
    if not inserted and value is not None:
        kept.append(f"{key}: {value}")
    path.write_text(join_page(kept, body), "utf-8")


def quoted(text: str) -> str:
    """A YAML scalar holding exactly `text` (JSON strings are YAML)."""
    return json.dumps(text, ensure_ascii=False)


BODIES = [
    "A new paragraph.",
    "We protect people across the world.",          # translated already: the translation shows
    "Our offices are open every day.",              # obsolete in fr and es: `update` revives it
    "## A new heading\n\nWith its paragraph.",
    "- one item\n- another item",
    "See [the health topic](page:topics/health).",
    "See [a page that does not exist](page:pages/missing).",
    "See [the first news item](page:news/2020-01-15-first#missing-anchor).",
    "| A | B |\n| - | - |\n| 1 | 2 |",
    "Raw <b>HTML</b> and <script>alert(1)</script> stay text.",
    "Numbers 1,234.5 and %(name)s and {1} and {{ jinja }} as plain text.",
    "A bidi override \u202e hidden here.",
    "",
]
TEXTS = ["A new title", "About us", "Safety", "", "Title: with a colon",
         "Ünïcödé ✓ «title»", "x" * 300, "Line\nbreak"]
DATES = ["2020-02-29", "2019-12-31", "2020-01-15", "2021-02-29", "2020-1-5", "2099-01-01",
         "15/01/2020", None]
TOPIC_LISTS = ["[safety]", "[health]", "[safety, health]", "[]", "[unknown-topic]", "safety",
               "[safety, safety]", None]
RELATED = ["[{page: pages/about}]", "[{page: news/2020-01-15-first}]",
           "[{page: pages/missing}]", "[{page: topics/health}, {page: topics/health}]",
           "[{url: 'https://www.example.net/x', label: Annual report}]",
           "[{url: {en: 'https://example.org/en', fr: 'https://example.org/fr'}, label: Report}]",
           "[{url: 'javascript:alert(1)', label: Click}]", "[{label: No target}]", "[]", None]
OTHER_FIELDS = [("order", "3"), ("order", "first"), ("order", None),
                ("image", "{src: map.png, alt: Map of our regional offices}"),
                ("image", "{src: missing.png, alt: A missing image}"),
                ("image", "{src: map.png, alt: ''}"), ("image", None),
                ("translator_note", quoted("Keep it short.")), ("limits", "{title: 5}"),
                ("contexts", "{title: button}"), ("required", "[title]"),
                ("titel", quoted("A typo in a key")), ("summary", None)]
NAMES = ["new.md", "2023-05-05-late-news.md", ".draft.md", "New Page.md", "ünïcode.md",
         "UPPER.md", "..%2F..%2F..%2Fescaped.md", "..%2Fup.md", "index.md", "home.md",
         "news.md", "a.b.md", "-dash.md", " space.md", "notes.txt", "about.md~",
         ".about.md.swp", "README"]


@dataclass(frozen=True)
class Edit:
    """A named edit of one file: names make Hypothesis's replayed steps readable."""
    name: str
    apply: Callable[[Path], None]


def text_edit(change: Callable[[str], str]) -> Callable[[Path], None]:
    def apply(path: Path) -> None:
        text = read_text(path)
        if text is not None:
            path.write_bytes(change(text).encode("utf-8"))
    return apply


def bytes_edit(change: Callable[[bytes], bytes]) -> Callable[[Path], None]:
    def apply(path: Path) -> None:
        if path.is_file():
            path.write_bytes(change(path.read_bytes()))
    return apply


def remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


def header_edit(name: str, value: str | None) -> Callable[[Path], None]:
    """Set (or drop) one field of the PO header, the way a text editor would."""
    pattern = re.compile(rf'^"{re.escape(name)}: [^"]*\\n"\n', re.M)

    def change(text: str) -> str:
        line = "" if value is None else f'"{name}: {value}\\n"\n'
        if pattern.search(text):
            return pattern.sub(lambda _: line, text, count=1)
        return text.replace('msgstr ""\n', f'msgstr ""\n{line}', 1)
    return text_edit(change)


PO_FILE_EDITS = {edit.name: edit for edit in [
    Edit("crlf", bytes_edit(lambda b: b.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))),
    Edit("lf", bytes_edit(lambda b: b.replace(b"\r\n", b"\n"))),
    Edit("bom", bytes_edit(lambda b: b if b.startswith(b"\xef\xbb\xbf") else b"\xef\xbb\xbf" + b)),
    Edit("empty", lambda path: path.write_bytes(b"") if path.parent.is_dir() else None),
    Edit("delete", remove),
    Edit("no-final-newline", bytes_edit(lambda b: b.rstrip(b"\r\n"))),
    Edit("truncated", bytes_edit(lambda b: b[:len(b) // 2])),
    Edit("latin-1", bytes_edit(lambda b: b.decode("utf-8", "replace").encode("latin-1",
                                                                          "replace"))),
    Edit("unterminated-string", text_edit(lambda t: t + '\nmsgid "A broken entry\nmsgstr ""\n')),
    Edit("garbage-line", text_edit(lambda t: t.replace("\nmsgid", "\nthis is not PO\nmsgid", 2))),
    Edit("duplicate-entry", text_edit(lambda t: t + '\n#, fuzzy\nmsgid "About us"\nmsgstr "X"\n')),
    Edit("header-plural-forms-wrong",
         header_edit("Plural-Forms", "nplurals=2; plural=(n != 1);")),
    Edit("header-plural-forms-missing", header_edit("Plural-Forms", None)),
    Edit("header-language-other", header_edit("Language", "de")),
    Edit("header-charset-latin-1",
         header_edit("Content-Type", "text/plain; charset=ISO-8859-1")),
    Edit("header-translator", header_edit("Last-Translator", "Someone Else <x@example.org>")),
    Edit("header-removed", text_edit(lambda t: re.sub(r'\Amsgid ""\nmsgstr ""\n(".*\n)*', "",
                                                      re.sub(r"\A(#.*\n)*", "", t)))),
]}

TRANSLATIONS = ["[{locale}] {msgid}", "", "{locale}: text without its placeholders",
                "<b>{locale}</b> {msgid}", "\n{msgid}", "{msgid}"]

INSERTED = {
    "html": "<p>An edited template.</p>",
    "string": '{{ _("An edited notice") }}',
    "comment": "{# A note for template authors. #}",
    "syntax-error": "{% if %}",
    "undefined": "{{ no_such_variable.attribute }}",
}
TEMPLATES = ["base.html", "page.html", "topic.html", "news_item.html", "news_index.html",
             "home.html", "macros.html", "404.html", "chooser.html", "feed.xml", "sitemap.xml"]


def css_rule(static: Path) -> None:
    if (static / "style.css").is_file():
        with (static / "style.css").open("a", encoding="utf-8") as css:
            css.write(".edited { color: #123; }\n")


def css_rename(static: Path) -> None:
    if (static / "style.css").is_file():
        (static / "style.css").rename(static / "main.css")


def css_nested(static: Path) -> None:
    (static / "img").mkdir(exist_ok=True)
    (static / "img" / "dot.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>\n')


CSS_EDITS = {
    "rule": css_rule,
    "empty": lambda static: (static / "style.css").write_text(""),
    "delete": lambda static: remove(static / "style.css"),
    "rename": css_rename,
    "extra-file": lambda static: (static / "extra.css").write_text("p { margin: 0; }\n"),
    "hidden-file": lambda static: (static / ".extra.css").write_text("p { margin: 0; }\n"),
    "nested-file": css_nested,
}


def insert_in_template(path: Path, snippet: str) -> None:
    """Put `snippet` where it is rendered: before the last `{% endblock %}` of a child
    template, else before its last closing tag."""
    text = read_text(path)
    if text is None:
        return
    at = text.rfind("{% endblock %}")
    if at < 0:
        at = text.rfind("</")
    at = max(at, 0)
    path.write_text(text[:at] + snippet + "\n" + text[at:], "utf-8")


Config = dict   # content/site.yaml as YAML loads it


def setting(key: str, value) -> Callable[[Config], None]:
    return lambda config: config.update({key: value})


def without(key: str) -> Callable[[Config], None]:
    return lambda config: config.pop(key, None)


def with_locales(change: Callable[[list[str]], list[str]]) -> Callable[[Config], None]:
    return lambda config: config.update(locales=change(list(config["locales"])))


def with_navigation(change: Callable[[list[dict]], list[dict]]) -> Callable[[Config], None]:
    return lambda config: config.update(navigation=change(list(config.get("navigation") or [])))


SITE_EDITS: dict[str, Callable[[Config], None]] = {   # changes of content/site.yaml
    "add-locale-de": with_locales(lambda codes: codes + ["de"]),
    "add-locale-ru": with_locales(lambda codes: codes + ["ru"]),
    "remove-locale-es": with_locales(lambda codes: [c for c in codes if c != "es"]),
    "reorder-locales": with_locales(lambda codes: codes[:1] + sorted(codes[1:])),
    "unknown-locale": with_locales(lambda codes: codes + ["xx-nowhere"]),
    "gate-default": setting("publish", {"default": {"min_percent": 50}}),
    "gate-ar-required": setting("publish", {"ar": {"min_percent": 0,
                                                   "required": ["title", "navigation"]}}),
    "no-gates": without("publish"),
    "nav-about": with_navigation(lambda nav: nav + [{"label": "About us",
                                                     "page": "pages/about"}]),
    "nav-missing": with_navigation(lambda nav: nav + [{"label": "Missing",
                                                       "page": "pages/missing"}]),
    "nav-relabel": with_navigation(lambda nav: nav[:-1] + [{**nav[-1], "label": "Latest"}]
                                   if nav else nav),
    "nav-none": without("navigation"),
    "page-size-1": setting("news_page_size", 1),
    "page-size-5": setting("news_page_size", 5),
    "latest-news-0": setting("latest_news", 0),
    "topic-news-3": setting("topic_news", 3),
    "feed-size-1": setting("feed_size", 1),
    "numbering-ar-latn": setting("numbering", {"ar": "latn"}),
    "footer": setting("footer", "Another footer."),
    "title": setting("title", "About us"),
    "unknown-key": setting("colour", "blue"),
    "add-locale-pt-BR": with_locales(lambda codes: codes + ["pt-BR"]),
    "locale-underscore-form": with_locales(lambda codes: [c.replace("-", "_") for c in codes]),
    "url-prefix-fr": setting("url_prefix", {"fr": "francais"}),
    "url-prefix-clash": setting("url_prefix", {"fr": "es"}),
    "og-locale-ar": setting("og_locale", {"ar": "ar_MA"}),
    "accent": setting("accent", {"light": "#5b2a86", "dark": "#f0b3ff"}),
    "accent-too-light": setting("accent", {"light": "#9a9a9a"}),
    "footer-links": setting("footer_links", [{"label": "About us", "page": "pages/about"},
                                             {"label": "Elsewhere",
                                              "url": "https://example.org/"}]),
    "logo": setting("logo", {"src": "map.png", "alt": "Our logo"}),
    "logo-missing": setting("logo", {"src": "nowhere.png", "alt": "Our logo"}),
    "favicon": setting("favicon", "map.png"),
}
SITE_TEXT_EDITS = {
    "syntax-error": lambda t: t.replace("locales:", "locales:\n\t- tab", 1),
    "comment": lambda t: t + "# a comment changes nothing\n",
    "crlf": lambda t: t.replace("\r\n", "\n").replace("\n", "\r\n"),
}
OTHER_FILES = {   # files a site folder collects that a build must not be confused by
    "mo-file": ("locales/fr/LC_MESSAGES/messages.mo", b"\xde\x12\x04\x95" + b"\0" * 24),
    "po-backup": ("locales/fr/LC_MESSAGES/ui.po~", b'msgid ""\nmsgstr ""\n'),
    "po-of-unlisted-locale": ("locales/de/LC_MESSAGES/ui.po",
                              b'msgid ""\nmsgstr ""\n"Language: de\\n"\n'),
    "pot-edited": ("locales/ui.pot", b'msgid ""\nmsgstr ""\n'),
    # A catalogue of another layout (a single catalogue in a site split by domain):
    # every build refuses it until `update` moves its translations.
    "single-catalogue": ("locales/fr/LC_MESSAGES/messages.po",
                         b'msgid ""\nmsgstr ""\n"Language: fr\\n"\n"Content-Type: text/plain; '
                         b'charset=UTF-8\\n"\n\nmsgid "About us"\nmsgstr "\xc3\x80 propos"\n'),
    "po-not-ours": ("locales/fr/LC_MESSAGES/django.po", b'msgid ""\nmsgstr ""\n'),
    "glossary": ("locales/glossary.yaml", b"terms: []\n"),
    "readme": ("content/README.txt", b"Notes for authors.\n"),
    "ds-store": ("content/pages/.DS_Store", b"\0\0\0\1Bud1"),
    "media-new": ("content/media/new.png", (FIXTURE / "content/media/map.png").read_bytes()),
    "media-edited": ("content/media/map.png",
                     (FIXTURE / "content/media/map.png").read_bytes() + b"\0"),
    "media-hidden": ("content/media/.hidden.png", b"\0"),
    "unused-template": ("templates/unused.html", b"<p>{{ nothing }}</p>\n"),
    "hidden-template": ("templates/.base.html.swp", b"\0\1\2"),
    "theme-named-template": ("templates/theme/base.html", b"<p>shadow</p>\n"),
    "po-folder-other-form": ("locales/FR/LC_MESSAGES/ui.po",
                             b'msgid ""\nmsgstr ""\n"Language: fr\\n"\n'),
    "po-folder-bcp47": ("locales/pt-BR/LC_MESSAGES/ui.po",
                        b'msgid ""\nmsgstr ""\n"Language: pt_BR\\n"\n'),
}


# --------------------------------------------------------------------------- the state machine

def fresh_project(root: Path) -> None:
    """The fixture with the built-in theme copied into templates/ (the test edits them,
    and deletes them: then the theme's own file of that name takes over)."""
    shutil.copytree(FIXTURE, root)
    copy_theme(root)


def copy_sources(project: Path, to: Path) -> None:
    """Only what a project is made of: never the build record or the site."""
    to.mkdir(parents=True)
    for folder in SOURCES:
        if (project / folder).exists():
            shutil.copytree(project / folder, to / folder, symlinks=True)


ORIGINALS = sorted(f"{folder}/{rel}" for folder in ("content", "locales")
                   for rel, _ in tree(FIXTURE / folder).items() if not rel.endswith("/")) + \
    sorted(f"templates/{rel}" for rel, _ in tree(THEME).items()
           if not rel.endswith("/") and not rel.startswith("status/"))


class IncrementalBuild(RuleBasedStateMachine):
    """One project built incrementally after every random edit, against a clean build."""

    def __init__(self) -> None:
        super().__init__()
        self.tmp = Path(tempfile.mkdtemp(prefix="infopages-differential-"))
        self.project = self.tmp / "incremental"
        fresh_project(self.project)
        self.site_before: Tree = {}

    def teardown(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)

    # ---- helpers for rules
    def path(self, rel: str) -> Path:
        return self.project / rel

    def page_files(self) -> list[Path]:
        """Everything under content/{topics,news,pages}: pages, bad names, folders."""
        found = []
        for kind in KINDS:
            folder = self.path(f"content/{kind}")
            if folder.is_dir():
                found += sorted(folder.iterdir())
        return found

    def input_files(self) -> list[Path]:
        return sorted(p for folder in SOURCES for p in self.path(folder).rglob("*")
                      if p.is_file() and not p.is_symlink())

    def po(self, locale: str, which: int = -1) -> Path:
        """One of the locale's catalogues (one per domain: news-YYYY, pages, topics, ui
        in this order; -1 is ui.po), or ui.po's place if there is none."""
        folder = self.path(f"locales/{locale}/LC_MESSAGES")
        found = sorted(folder.glob("*.po")) if folder.is_dir() else []
        return pick(found, which) or folder / "ui.po"

    def catalogue(self, locale: str, which: int = -1) -> polib.POFile | None:
        """The PO file as a translator's tool reads it, or None if such a tool would refuse it."""
        try:
            return polib.pofile(str(self.po(locale, which)), wrapwidth=0)
        except (OSError, ValueError, UnicodeError):
            return None

    # ---- content: the fields of a page
    @rule(which=INDEX, mode=st.sampled_from(["replace", "append"]), body=st.sampled_from(BODIES))
    def edit_body(self, which: int, mode: str, body: str) -> None:
        page = pick(self.page_files(), which)
        parts = split_page(read_text(page) or "") if page and page.is_file() else None
        if parts:
            front, old = parts
            page.write_text(join_page(front, old + "\n" + body + "\n" if mode == "append"
                                      else body + "\n"), "utf-8")

    @rule(which=INDEX, field=st.sampled_from(["title", "summary"]), text=st.sampled_from(TEXTS))
    def edit_text_field(self, which: int, field: str, text: str) -> None:
        page = pick(self.page_files(), which)
        if page and page.is_file():
            set_field(page, field, quoted(text))

    @rule(which=INDEX, date=st.sampled_from(DATES))
    def edit_date(self, which: int, date: str | None) -> None:
        page = pick(self.page_files(), which)
        if page and page.is_file():
            set_field(page, "date", date)

    @rule(which=INDEX, topics=st.sampled_from(TOPIC_LISTS))
    def edit_topics(self, which: int, topics: str | None) -> None:
        page = pick(self.page_files(), which)
        if page and page.is_file():
            set_field(page, "topics", topics)

    @rule(which=INDEX, related=st.sampled_from(RELATED))
    def edit_related(self, which: int, related: str | None) -> None:
        page = pick(self.page_files(), which)
        if page and page.is_file():
            set_field(page, "related", related)

    @rule(which=INDEX, field=st.sampled_from(OTHER_FIELDS))
    def edit_other_field(self, which: int, field: tuple[str, str | None]) -> None:
        page = pick(self.page_files(), which)
        if page and page.is_file():
            set_field(page, *field)

    # ---- content: pages added, removed, renamed
    @rule(which=INDEX, kind=st.sampled_from(KINDS), name=st.sampled_from(NAMES))
    def add_page(self, which: int, kind: str, name: str) -> None:
        """A copy of an existing page (of any kind) under a new name."""
        source = pick([p for p in self.page_files() if p.is_file()], which)
        target = self.path(f"content/{kind}/{name}")
        if source and not target.is_dir() and not (target.exists() and target.samefile(source)):
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)

    @rule(kind=st.sampled_from(KINDS), name=st.sampled_from(["folder.md", "sub", ".hidden"]),
          with_page=st.booleans())
    def add_folder(self, kind: str, name: str, with_page: bool) -> None:
        folder = self.path(f"content/{kind}/{name}")
        if not folder.exists():
            folder.mkdir(parents=True)
        if with_page and folder.is_dir():
            shutil.copyfile(FIXTURE / "content/pages/contact.md", folder / "inner.md")

    @rule(which=INDEX)
    def remove_page(self, which: int) -> None:
        page = pick(self.page_files(), which)
        if page:
            remove(page)

    @rule(which=INDEX, kind=st.sampled_from(KINDS), name=st.sampled_from(NAMES))
    def rename_page(self, which: int, kind: str, name: str) -> None:
        page = pick(self.page_files(), which)
        target = self.path(f"content/{kind}/{name}")
        # A folder can only be renamed onto nothing or an empty folder; a file onto a file.
        if page and not target.is_dir() and (page.is_file() or not target.exists()):
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(page, target)

    @rule(which=INDEX, variant=st.sampled_from(["emacs-lock", "alias", "dangling", "to-folder"]))
    def add_symlink(self, which: int, variant: str) -> None:
        """Links editors and authors leave: an Emacs lock (a dangling link named .#x.md),
        an alias of a page, a link to nowhere, a link to a folder."""
        page = pick([p for p in self.page_files() if p.is_file()], which)
        if page is None:
            return
        link, target = {
            "emacs-lock": (page.with_name(f".#{page.name}"), "someone@host.1234:1700000000"),
            "alias": (page.with_name(f"alias-{page.name}"), page.name),
            "dangling": (page.with_name("dangling.md"), "nowhere.md"),
            "to-folder": (page.with_name("linked.md"), "."),
        }[variant]
        if not link.exists() and not link.is_symlink():
            link.symlink_to(target)

    # ---- catalogues: what translators and their tools do
    @rule(locale=st.sampled_from(TARGET_LOCALES), which=INDEX,
          text=st.sampled_from(TRANSLATIONS), domain=INDEX)
    def po_translate(self, locale: str, which: int, text: str, domain: int = -1) -> None:
        catalogue = self.catalogue(locale, domain)
        entry = pick([e for e in catalogue or [] if not e.obsolete], which)
        if entry is None:
            return
        value = text.format(locale=locale, msgid=entry.msgid)
        if entry.msgid_plural:
            entry.msgstr_plural = {k: value for k in entry.msgstr_plural}
        else:
            entry.msgstr = value
        catalogue.save()

    @rule(locale=st.sampled_from(TARGET_LOCALES), which=INDEX, domain=INDEX)
    def po_toggle_fuzzy(self, locale: str, which: int, domain: int = -1) -> None:
        catalogue = self.catalogue(locale, domain)
        entry = pick([e for e in catalogue or [] if not e.obsolete], which)
        if entry is None:
            return
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        else:
            entry.flags.append("fuzzy")
        catalogue.save()

    @rule(locale=st.sampled_from(TARGET_LOCALES), which=INDEX, obsolete=st.booleans(),
          domain=INDEX)
    def po_obsolete(self, locale: str, which: int, obsolete: bool, domain: int = -1) -> None:
        """Make an entry obsolete (#~), or revive an obsolete one."""
        catalogue = self.catalogue(locale, domain)
        entry = pick([e for e in catalogue or [] if e.obsolete != obsolete], which)
        if entry is None:
            return
        entry.obsolete = obsolete
        catalogue.save()

    @rule(locale=st.sampled_from(TARGET_LOCALES), edit=st.sampled_from(sorted(PO_FILE_EDITS)),
          domain=INDEX)
    def po_file_edit(self, locale: str, edit: str, domain: int = -1) -> None:
        """Byte-level edits of one domain's catalogue: line endings, BOM, encodings,
        headers, broken syntax, the file emptied or deleted."""
        PO_FILE_EDITS[edit].apply(self.po(locale, domain))

    @rule(prune=st.booleans())
    def run_update(self, prune: bool) -> None:
        """What translators run: rewrites the POTs and the PO files of the domains that
        changed (a news item dated in a new year makes that year's catalogue), and
        moves a catalogue of another layout into the site's."""
        run = infopages("update", "--project", str(self.project),
                        *(["--prune-obsolete"] if prune else []))
        assert not bug_of_ours(run), f"`infopages update` crashed:\n{run.err}"
        assert run.code in (0, 2), f"`infopages update` exited {run.code}:\n{run.err}"

    # ---- templates and style
    @rule(template=st.sampled_from(TEMPLATES),
          edit=st.sampled_from(sorted(INSERTED) + ["delete", "empty", "extends-theme"]))
    def template_edit(self, template: str, edit: str) -> None:
        """An edit of a project template; deleted, the built-in theme's file of that
        name takes over; `extends-theme` replaces it by one that extends the theme's."""
        path = self.path(f"templates/{template}")
        if edit == "delete":
            remove(path)
        elif edit == "empty":
            path.write_text("")
        elif edit == "extends-theme":
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(f'{{% extends "theme/{template}" %}}\n'
                            '{% block title %}Overridden{% endblock %}\n', "utf-8")
        else:
            insert_in_template(path, INSERTED[edit])

    @rule(edit=st.sampled_from(sorted(CSS_EDITS)))
    def css_edit(self, edit: str) -> None:
        static = self.path("templates/static")
        if static.is_dir():
            CSS_EDITS[edit](static)

    # ---- site.yaml
    @rule(edit=st.sampled_from(sorted(SITE_EDITS)))
    def site_edit(self, edit: str) -> None:
        path = self.path("content/site.yaml")
        try:
            config = yaml.safe_load(path.read_text("utf-8"))
        except (OSError, UnicodeError, yaml.YAMLError):
            return
        if not isinstance(config, dict) or not isinstance(config.get("locales"), list):
            return
        SITE_EDITS[edit](config)
        path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), "utf-8")

    @rule(edit=st.sampled_from(sorted(SITE_TEXT_EDITS)))
    def site_text_edit(self, edit: str) -> None:
        text_edit(SITE_TEXT_EDITS[edit])(self.path("content/site.yaml"))

    # ---- everything else
    @rule(which=st.sampled_from(sorted(OTHER_FILES)))
    def add_other_file(self, which: str) -> None:
        rel, data = OTHER_FILES[which]
        path = self.path(rel)
        if not path.parent.is_file():
            path.parent.mkdir(parents=True, exist_ok=True)
            if not path.is_dir():
                path.write_bytes(data)

    @rule(which=INDEX, same_bytes=st.booleans())
    def touch(self, which: int, same_bytes: bool) -> None:
        """Nothing changed: a new modification time, or the same bytes saved again."""
        path = pick(self.input_files(), which)
        if path is None:
            return
        if same_bytes:
            path.write_bytes(path.read_bytes())
        else:
            os.utime(path)

    @rule(which=INDEX)
    def same_size_edit_same_mtime(self, which: int) -> None:
        """An edit that keeps the file's size and modification time, as `cp -p`,
        `rsync -t`, `tar x` and `touch -r` can leave it. Only the bytes tell the change
        apart — or the change time (ctime), which no tool can set back: Bazel trusts
        ctime, not mtime."""
        path = pick(self.input_files(), which)
        if path is None:
            return
        data = path.read_bytes()
        swapped = data.swapcase()   # ASCII letters change case: same length, new bytes
        if swapped == data:
            return
        stat = path.stat()
        path.write_bytes(swapped)
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))

    @rule(which=st.sampled_from(ORIGINALS))
    def revert(self, which: str) -> None:
        """Put one file back as it was in the fixture (restores deleted files too)."""
        original = (FIXTURE / which) if not which.startswith("templates/") else \
            THEME / which.removeprefix("templates/")
        path = self.path(which)
        for parent in reversed(path.relative_to(self.project).parents):
            if (self.project / parent).is_file() or (self.project / parent).is_symlink():
                remove(self.project / parent)
        if path.is_dir() or path.is_symlink():
            remove(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(original, path)

    # ---- the property
    @invariant()
    def incremental_equals_full(self) -> None:
        sources_before = sources(self.project)
        incremental = build(self.project)
        reference = self.tmp / "reference"
        shutil.rmtree(reference, ignore_errors=True)
        copy_sources(self.project, reference)
        full = build(reference)
        site = tree(self.project / "site")

        both = f"incremental: {incremental.out}{incremental.err}\nfull: {full.out}{full.err}"
        for name, run in (("incremental", incremental), ("full", full)):
            assert not bug_of_ours(run), f"the {name} build crashed:\n{both}"
        assert sources(self.project) == sources_before, "the build changed its sources"
        assert incremental.code == full.code, (
            f"exit {incremental.code} (incremental) vs {full.code} (full)\n{both}")
        if full.code == 0:
            assert site == tree(reference / "site"), (
                "incremental and full builds differ:\n" +
                difference(site, tree(reference / "site"), "incremental build", "full build"))
            assert summary(incremental) == summary(full), both
        else:
            assert full.code == 2, f"the full build exited {full.code}:\n{full.err}"
            assert site == self.site_before, (
                "a failed incremental build changed site/:\n" +
                difference(site, self.site_before, "site now", "site before"))
        # Warnings on success, errors on failure: the same lines, in the same order.
        ours, theirs = incremental.lines(self.project), full.lines(reference)
        assert sorted(ours) == sorted(theirs), f"the builds' diagnostics differ:\n{both}"
        assert ours == theirs, f"the builds' diagnostics come in another order:\n{both}"
        self.site_before = site


TestIncrementalEqualsFull = IncrementalBuild.TestCase
TestIncrementalEqualsFull.settings = PROFILE


# --------------------------------------------------------------------------- regressions

def replay(*steps: tuple[str, dict]) -> None:
    """Run one step sequence exactly as the state machine would, checking after each."""
    machine = IncrementalBuild()
    try:
        machine.incremental_equals_full()
        for name, arguments in steps:
            getattr(machine, name)(**arguments)
            machine.incremental_equals_full()
    finally:
        machine.teardown()


# Every failure the machine ever found, shrunk, so that it runs on every test run.
# (With the fixture, `which` 0-1 are the topics, 2-5 the news items, 6-7 the pages.)
REGRESSIONS: dict[str, tuple[tuple[str, dict], ...]] = {
    # Issue 12's four cases: incremental shows English, full shows French.
    "po-saved-with-crlf": (("po_file_edit", {"locale": "fr", "edit": "crlf"}),),
    # "up to date" vs exit 2 (bad file name).
    "dot-file-page": (("add_page", {"which": 6, "kind": "pages", "name": ".draft.md"}),),
    # "up to date" vs internal error IsADirectoryError.
    "folder-named-like-a-page": (("add_folder", {"kind": "pages", "name": "folder.md",
                                                 "with_page": False}),),
    # "rebuilt" (old page deleted) vs exit 2 (bad file name).
    "escaping-file-name": (("rename_page", {"which": 2, "kind": "news",
                                            "name": "..%2F..%2F..%2Fescaped.md"}),),
    # Found by this test.
    "dangling-symlink-page": (("add_symlink", {"which": 6, "variant": "emacs-lock"}),),
    "symlink-to-a-folder": (("add_symlink", {"which": 6, "variant": "to-folder"}),),
    "po-duplicate-entry": (("po_file_edit", {"locale": "fr", "edit": "duplicate-entry",
                                              "domain": 3}),),   # pages.po has "About us"
    "po-error-in-header": (("po_file_edit", {"locale": "fr", "edit": "garbage-line"}),),
    "po-not-utf8": (("po_file_edit", {"locale": "fr", "edit": "latin-1"}),),
    "template-deleted": (("template_edit", {"template": "page.html", "edit": "delete"}),),
    "template-error-first-met": (("template_edit", {"template": "macros.html",
                                                    "edit": "empty"}),),
    "sitemap-template-edited": (("template_edit", {"template": "sitemap.xml", "edit": "html"}),),
    "sitemap-template-broken": (("template_edit", {"template": "sitemap.xml",
                                                   "edit": "syntax-error"}),),
    "stylesheet-deleted": (("css_edit", {"edit": "delete"}),),
    "dot-file-asset": (("css_edit", {"edit": "hidden-file"}),),
    "dot-file-media": (("add_other_file", {"which": "media-hidden"}),),
    "same-size-and-mtime": (("same_size_edit_same_mtime", {"which": 0}),),
    "linked-page-removed": (("remove_page", {"which": 6}),),
    "diagnostics-order": (("edit_other_field", {"which": 6, "field": ("titel", '"x"')}),
                          ("edit_other_field", {"which": 0, "field": ("titel", '"x"')})),
    "po-header-error-hides-other-catalogues": (
        ("po_file_edit", {"locale": "es", "edit": "header-plural-forms-wrong"}),
        ("po_file_edit", {"locale": "ar", "edit": "unterminated-string"})),
    "site-title-translation-changed": (("site_edit", {"edit": "title"}),
                                       ("po_toggle_fuzzy", {"locale": "es", "which": 1}),
                                       ("po_toggle_fuzzy", {"locale": "es", "which": 0,
                                                            "domain": 3})),
    # Issue 16: one catalogue per domain (news-2020…2022, pages, topics, ui: 0 to 5).
    "po-edit-in-a-news-domain": (("po_translate", {"locale": "ar", "which": 0, "domain": 0,
                                                   "text": "[{locale}] {msgid}"}),),
    "news-dated-in-a-new-year": (("edit_date", {"which": 2, "date": "2019-12-31"}),
                                 ("run_update", {"prune": False}),
                                 ("po_translate", {"locale": "fr", "which": 0, "domain": 0,
                                                   "text": "[{locale}] {msgid}"})),
    "domain-catalogue-deleted": (("po_file_edit", {"locale": "fr", "edit": "delete",
                                                   "domain": 4}),),
    "domain-catalogue-emptied-and-updated": (("po_file_edit", {"locale": "es", "edit": "empty",
                                                               "domain": 1}),
                                             ("run_update", {"prune": True})),
    "two-domain-catalogues-broken": (
        ("po_file_edit", {"locale": "fr", "edit": "garbage-line", "domain": 4}),
        ("po_file_edit", {"locale": "fr", "edit": "unterminated-string", "domain": 0})),
    "single-catalogue-then-update": (("add_other_file", {"which": "single-catalogue"}),
                                     ("run_update", {"prune": False})),
    "refused-translation-then-up-to-date": (
        ("po_translate", {"locale": "fr", "which": 31, "domain": 58,
                          "text": "{locale}: text without its placeholders"}),
        ("add_other_file", {"which": "ds-store"})),
}


@pytest.mark.parametrize("steps", REGRESSIONS.values(), ids=REGRESSIONS.keys())
def test_regression(steps: tuple[tuple[str, dict], ...]) -> None:
    replay(*steps)
