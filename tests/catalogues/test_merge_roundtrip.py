"""PO files as Poedit, Lokalize and Weblate save them come back from a merge unchanged.

tests/po_roundtrip/ holds a POT and, for the same messages, one catalogue per
tool: Poedit 3.4 (French, wrapped at 79, unknown X-Poedit headers, fuzzy with
`#| msgid`, translator comment), Lokalize 23.08 (Arabic, GNU's own Arabic
Plural-Forms text, `#~|` in obsolete entries) and Weblate 5.4 (Spanish, no
wrapping, Language-Team with a URL).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import polib
import pytest

from builder.catalogues.merge import merge
from builder.catalogues.pofile import read_po

HERE = Path(__file__).resolve().parents[1] / "po_roundtrip"
SAVED = {"poedit.fr.po": "fr", "lokalize.ar.po": "ar", "weblate.es.po": "es"}
EDITED = "Use `Ctrl+F` to search this page."


def pot(edit: bool = False) -> polib.POFile:
    text = (HERE / "messages.pot").read_text("utf-8")
    if edit:
        text = text.replace(EDITED, "Press `Ctrl+F` to find words on this page.")
    return polib.pofile(text, wrapwidth=0)


def load(tmp_path: Path, name: str) -> tuple[polib.POFile, str, str]:
    """Read the saved file the way `update` does: strictly, from its locale's folder."""
    locale = SAVED[name]
    path = tmp_path / locale / "LC_MESSAGES" / "messages.po"
    path.parent.mkdir(parents=True)
    text = (HERE / name).read_text("utf-8")
    path.write_text(text, "utf-8")
    return read_po(path, tmp_path), text, locale


def msgfmt_check(text: str) -> None:
    result = subprocess.run(["msgfmt", "--check", "-o", os.devnull, "-"], input=text,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def blocks(text: str) -> list[str]:
    return text.rstrip("\n").split("\n\n")


@pytest.mark.parametrize("name", sorted(SAVED))
def test_merge_of_an_up_to_date_file_is_byte_identical(tmp_path: Path, name: str):
    old, text, locale = load(tmp_path, name)
    msgfmt_check(text)
    result = merge(pot(), old, locale, old_text=text)
    assert result.text == text
    assert (result.fuzzy, result.new) == (0, 0)
    msgfmt_check(result.text)


@pytest.mark.parametrize("name", sorted(SAVED))
def test_a_change_to_one_entry_leaves_every_other_byte_alone(tmp_path: Path, name: str):
    old, text, locale = load(tmp_path, name)
    result = merge(pot(edit=True), old, locale, old_text=text)
    msgfmt_check(result.text)
    before, after = blocks(text), blocks(result.text)
    changed = [b for b in before if b not in after]
    assert len(changed) == 1 and EDITED in changed[0], changed
    assert len(after) == len(before)
    # So unknown headers, translator comments, flags and `#~|` lines all survive.
    assert "X-Generator" in after[0] and after[0] == before[0]


def test_the_edited_entry_is_fuzzy_with_its_previous_text(tmp_path: Path):
    old, text, locale = load(tmp_path, "weblate.es.po")
    result = merge(pot(edit=True), old, locale, old_text=text)
    entry = polib.pofile(result.text).find("Press `Ctrl+F` to find words on this page.")
    assert entry.flags[0] == "fuzzy" and entry.previous_msgid == EDITED
    assert entry.msgstr == "Use `Ctrl+F` para buscar en esta página."


def test_without_the_old_text_the_merge_is_the_same_but_unwrapped(tmp_path: Path):
    """polib alone loses layout and `#~|`; the merge result means the same otherwise."""
    old, text, locale = load(tmp_path, "poedit.fr.po")
    result = merge(pot(), old, locale)
    msgfmt_check(result.text)
    ours = polib.pofile(result.text, wrapwidth=0)
    theirs = polib.pofile(text, wrapwidth=0)
    assert [(e.msgid, e.msgstr, e.flags, e.tcomment) for e in ours] == \
        [(e.msgid, e.msgstr, e.flags, e.tcomment) for e in theirs]
    assert ours.metadata == theirs.metadata
