"""The fast PO reader gives exactly what polib gives, on every PO file we have."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import polib
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from builder.catalogues.pofile import PO_LINE, check_po_lines
from builder.catalogues.poread import new_entry, parse_po
from builder.errors import Collector

REPO = Path(__file__).resolve().parents[2]
def _utf8(path: Path) -> bool:
    """What `read_po` hands the reader: UTF-8 whose lines pass `check_po_lines`."""
    try:
        text = path.read_text("utf-8")
    except UnicodeDecodeError:   # tests/broken/po-not-utf8: read_po refuses it before parsing
        return False
    return check_po_lines(text, path, Collector(REPO))   # tests/broken/po-dangling-previous


FILES = sorted(p for p in REPO.glob("**/*.po*")
               if not {".venv", ".infopages-cache", ".tools"} & set(p.parts) and p.suffix in (".po", ".pot") and _utf8(p))
FIELDS = ("linenum", "msgctxt", "msgid", "msgid_plural", "msgstr", "msgstr_plural", "flags",
          "comment", "tcomment", "occurrences", "obsolete", "previous_msgctxt",
          "previous_msgid", "previous_msgid_plural")
EXTRA = '''# A translator's header note
#, fuzzy
msgid ""
msgstr ""
"Language: fr\\n"
"X-Long: one\\n"

#  two spaces
#
#. first
#. second
#: content/a.md:12 C: plain content/b.md
#, fuzzy, python-format
#| msgctxt "old ctx"
#| msgid "old "
#| "text"
msgctxt "ctx"
msgid ""
"multi "
"line \\"quoted\\"\\n"
msgstr "x\\ty"

msgid "one"
msgid_plural "many"
msgstr[0] "un"
msgstr[1] ""
"des"

#~ #, fuzzy
#~| msgid "ancient"
#~ msgid "gone"
#~ msgstr "parti"
# trailing comment
'''


def same(text: str) -> None:
    ours, theirs = parse_po(text), polib.pofile(text, wrapwidth=0)
    assert (ours.header, ours.metadata, ours.metadata_is_fuzzy) == \
        (theirs.header, theirs.metadata, theirs.metadata_is_fuzzy)
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        assert [getattr(a, f) for f in FIELDS] == [getattr(b, f) for f in FIELDS]
    assert str(ours) == str(theirs)


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_same_as_polib_on_repository_files(path: Path):
    same(path.read_text("utf-8"))


def test_same_as_polib_on_every_construct():
    same(EXTRA)
    same(EXTRA.replace("# trailing comment\n", ""))
    same(EXTRA.split("\n\n", 1)[1])          # no header at all
    assert len(FILES) >= 10


def test_new_entry_is_polibs_blank_entry():
    """`new_entry` builds entries without polib's keyword constructor: it must give
    what that constructor gives, with lists and dicts of its own."""
    first, second = new_entry(7), new_entry(8)
    assert vars(first) == vars(polib.POEntry(linenum=7))
    first.flags.append("fuzzy")
    first.occurrences.append(("a.md", "1"))
    first.msgstr_plural[0] = "x"
    assert vars(second) == vars(polib.POEntry(linenum=8))


# Lines of every kind the reader dispatches on, well-formed (`check_po_lines` passes
# them) or not; a random sequence of them is a file no one wrote on purpose.
LINES = st.sampled_from([
    '', '   ', '# a translator comment', '#', '#  two spaces', '#.', '#. extracted',
    '#. id: a#b', '#:', '#: content/a.md:12 b.md C:', '#: x', '#,', '#, fuzzy',
    '#, fuzzy, python-format', '#,no-space', '#| msgid "old"', '#| "more"',
    '#| msgctxt "c"', '#| msgid_plural "olds"', '#|', '#| msgstr "x"', '#| "open',
    '#~ #| "more"', '#~ #| msgid "old"', '#~ #, fuzzy', '#~| msgid "ancient"',
    '#~ msgid "gone"', '#~ msgstr "parti"', '#~ "continued"', '#~msgid "x"', '#~',
    'msgctxt "ctx"', 'msgid ""', 'msgid "one"', 'msgid "two"', 'msgid "a\\"b\\n"',
    'msgid_plural "many"', 'msgstr ""', 'msgstr "un"', 'msgstr[0] "un"', 'msgstr[1] ""',
    'msgstr "\\tx"', '"continued "', '"Language: fr\\n"', '"é\\\\"', '  msgid "indented"',
    '\ufeffmsgid ""',
])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(LINES, max_size=40))
@example(["#|", 'msgid ""', 'msgstr "un"'])      # GNU msgfmt reads past a bare `#|`
@example(['#| msgid "x"', "#|", '#| "y"', 'msgid "a"', 'msgstr "b"'])
def test_same_as_polib_on_random_line_sequences(lines):
    text = "\n".join(lines) + "\n"
    last = next((line.strip() for line in reversed(lines) if line.strip()), "")
    if last.startswith("#~|"):
        return   # polib drops the entry before a final `#~|` line, a quirk not copied
    diags = Collector(Path("."))
    if not check_po_lines(text, Path("x.po"), diags):
        # `read_po` refuses the file before the reader sees it; for a `#|` line GNU's
        # own reader must refuse it too: we are not stricter than gettext.
        if all("`#|" in d.message for d in diags.items):
            assert subprocess.run(["msgfmt", "--check", "-o", os.devnull, "-"],
                                  input=text.encode(), capture_output=True).returncode, text
        return
    ours = parse_po(text)    # never refuses what the check took
    try:
        theirs = polib.pofile(text, wrapwidth=0)
    except (OSError, ValueError):
        return   # polib refuses it: `read_catalogue` reports polib's error
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        assert [getattr(a, f) for f in FIELDS] == [getattr(b, f) for f in FIELDS]
    assert (ours.header, ours.metadata) == (theirs.header, theirs.metadata)


PO_PIECES = st.sampled_from(['msgid ', 'msgstr ', 'msgctxt ', 'msgid_plural ', 'msgstr[0] ',
                             'msgstr[12] ', 'msgstr[٣] ', 'msgstr[²] ', 'msgstr[] ', 'msgid  ',
                             'msgid\t', 'msgstrx ', '"', '\\"', '\\n', '\\q', '\\', 'a', ' ',
                             '\t', 'é', '#'])


@settings(max_examples=2000, deadline=None)
@given(st.lists(PO_PIECES, min_size=1, max_size=8).map("".join))
def test_the_quick_line_check_accepts_only_what_the_full_one_does(line):
    """`check_po_lines` skips the regular expression for plain lines: it must give
    the same verdict as the expression alone on every line."""
    line = line.strip()
    if not line or line[0] == "#":
        return
    quick = check_po_lines(line + "\n", Path("x.po"), Collector(Path(".")))
    assert quick == bool(PO_LINE.match(line)), line
