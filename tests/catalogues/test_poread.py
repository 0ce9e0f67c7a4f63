"""The fast PO reader gives exactly what polib gives, on every PO file we have."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest

from builder.catalogues.poread import parse_po

REPO = Path(__file__).resolve().parents[2]
def _utf8(path: Path) -> bool:
    try:
        path.read_text("utf-8")
    except UnicodeDecodeError:   # tests/broken/po-not-utf8: read_po refuses it before parsing
        return False
    return True


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
