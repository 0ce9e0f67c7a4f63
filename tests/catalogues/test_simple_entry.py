"""The build's quick reading of a plain entry block (`poread.simple_entry`) gives what
the full check and reader give (`check_po_lines`, then `parse_po`), or steps aside.

Proven on the demo's catalogues as `update` wrote them and as GNU msgcat and
translate-toolkit save them, on random blocks, and through the build's own reader
of a catalogue (`catstream.catalogue_rows`) with and without the quick way.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from builder.catalogues.diff import numbered_blocks
from builder.catalogues.pofile import check_po_lines
from builder.catalogues.poread import parse_po, simple_entry
from builder.engine import catstream
from builder.errors import Collector, InputError

REPO = Path(__file__).resolve().parents[2]
LOCALES = ("fr", "es", "ar")


def full_reading(block: str) -> list | None:
    """The entries of `block` by the full way; None where its check refuses it."""
    if not check_po_lines(block, Path("x.po"), Collector(Path("."))):
        return None
    return list(parse_po(block + "\n"))


def assert_same(block: str) -> bool:
    """True if the quick way read `block`, and then read it as the full way does."""
    quick = simple_entry(block)
    if quick is None:
        return False
    full = full_reading(block)
    assert full is not None, f"the quick way takes a block the check refuses:\n{block}"
    assert len(full) == 1, block
    assert vars(quick) == vars(full[0]), block
    return True


def saved_by(tool: list[str] | None, path: Path, into: Path) -> bytes:
    """`path` as a tool saves it: GNU msgcat with its options, or translate-toolkit."""
    copy = into / path.name
    shutil.copyfile(path, copy)
    if tool is None:
        from translate.storage import po

        copy.write_bytes(bytes(po.pofile.parsefile(str(copy))))
    else:
        subprocess.run(["msgcat", *tool, "-o", str(copy), str(copy)], check=True)
    return copy.read_bytes()


DEMO = sorted(REPO.glob("locales/*/LC_MESSAGES/*.po"))
TOOLS = {"as update writes it": [], "msgcat": ["msgcat"], "msgcat --no-wrap": ["msgcat", "--no-wrap"],
         "translate-toolkit": None}


@pytest.mark.parametrize("tool", sorted(TOOLS))
def test_the_quick_way_reads_the_demo_as_the_full_way(tool: str, tmp_path: Path):
    read = total = 0
    for path in DEMO:
        spec = TOOLS[tool]
        data = path.read_bytes() if spec == [] else \
            saved_by(spec[1:] if spec else None, path, tmp_path)
        for index, (_, block) in enumerate(numbered_blocks(data)):
            if index:
                total += 1
                read += assert_same(block.decode("utf-8"))
    assert total > 200
    if tool in ("as update writes it", "msgcat --no-wrap"):
        # Unwrapped files: the quick way reads nearly every entry (not the plurals,
        # translator comments, fuzzy entries with their previous text).
        assert read > 0.9 * total, (read, total)
    else:
        assert read > 0.3 * total, (read, total)   # wrapped strings too


# Lines made to sit at the edges of the quick pattern: whitespace of every kind at
# either end, characters at which `str.splitlines` breaks a line, escapes GNU takes
# and escapes it does not, inner quotes, marks with and without their space.
TEXT = st.text(alphabet=st.sampled_from(
    ['a', 'é', ' ', '\t', '\xa0', '\u2028', '\x1c', '\x85', '\x0c', '\r', '"', '\\', ':',
     ',', '#', 'ك', '\u200f']), max_size=6)
STRING_PIECES = st.sampled_from(['a', 'é', ' ', '\t', '\\"', '\\n', '\\t', '\\\\', '\\q',
                                 '\\a', '\\', '"', '\u2028', '\x85', '\r', '\x0b', 'ك'])
STRING = st.lists(STRING_PIECES, max_size=6).map(lambda parts: '"' + "".join(parts) + '"')
MARKS = st.sampled_from(["#. ", "#: ", "#, "] * 3 + ["#.", "#:\t", "#,  ", "# ", "#| ", "#~ ", "#"])
NOTE = st.tuples(MARKS, TEXT).map("".join)
EDGE = st.sampled_from([""] * 12 + [" ", "\t", "\xa0"])


@st.composite
def blocks(draw) -> str:
    """A block shaped like a plain entry, with random text and random flaws."""
    lines = draw(st.lists(NOTE, max_size=4))
    if draw(st.booleans()):
        lines.append("msgctxt " + draw(STRING))
    for keyword in ("msgid", "msgstr"):
        lines.append(draw(st.sampled_from([keyword] * 6 + [keyword + "[0]", keyword + "  ",
                                                          "msgid_plural"])) + " " + draw(STRING))
        lines += draw(st.lists(STRING, max_size=2))
    lines = [draw(EDGE) + line + draw(EDGE) for line in lines]
    if draw(st.integers(0, 3)) == 0:
        lines.insert(draw(st.integers(0, len(lines))), draw(st.sampled_from(
            ['#| msgid "old"', '#~ msgid "x"', "", "#, fuzzy", 'msgstr "second"'])))
    return "\n".join(lines)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(blocks())
@example('#. a\xa0\nmsgid "x"\nmsgstr "y"')              # no-break space ends a note line
@example('#. a\u2028b\nmsgid "x"\nmsgstr "y"')           # a line break inside a note
@example('msgid "a\u2028b"\nmsgstr "y"')                 # …inside a string
@example('msgid ""\nmsgstr "Language: fr\\n"')           # a header, read as one
@example('msgid "\\q"\nmsgstr "y"')                      # an escape GNU refuses
@example('msgctxt "c"\nmsgid ""\n"x"\nmsgstr "y"')
@example('#, fuzzy\nmsgid "a\\"b\\n"\n"c\\td"\nmsgstr ""\n"é\\\\"')
def test_the_quick_way_reads_a_random_block_as_the_full_way_or_not_at_all(block: str):
    assert_same(block)


def test_the_quick_way_reads_the_plain_shapes():
    """Not only safe but used: the shapes `update` writes are read the quick way."""
    for block in ('#. id: a#b (title, source 1)\n#. context: T\n#: content/a.md\n'
                  '#, md-text\nmsgid "One"\nmsgstr "Un"',
                  'msgctxt "nav"\nmsgid "Home"\nmsgstr ""',
                  '#, fuzzy, md-text\nmsgid "a \\"b\\"\\n"\n"c"\nmsgstr "x\\ty"'):
        assert assert_same(block), block


def catalogue_rows(root: Path, data: bytes, quick: bool, monkeypatch) -> object:
    """The build's reading of `data` as fr's `topics` catalogue, with or without the
    quick way; an InputError's diagnostics in place of rows."""
    if not quick:
        monkeypatch.setattr(catstream, "simple_entry", lambda block: None)
    try:
        return catstream.catalogue_rows(root, "fr", "topics", data)
    except InputError as exc:
        return [(d.path, d.line, d.message) for d in exc.diagnostics]
    finally:
        monkeypatch.undo()


@pytest.mark.parametrize("tool", sorted(TOOLS))
def test_the_build_reads_a_catalogue_the_same_either_way(tool: str, tmp_path: Path,
                                                         monkeypatch):
    root = REPO
    for path in DEMO:
        spec = TOOLS[tool]
        data = path.read_bytes() if spec == [] else \
            saved_by(spec[1:] if spec else None, path, tmp_path)
        assert catalogue_rows(root, data, True, monkeypatch) == \
            catalogue_rows(root, data, False, monkeypatch), path


def test_a_duplicate_read_the_quick_way_is_reported_at_its_line(monkeypatch):
    data = (REPO / "locales/fr/LC_MESSAGES/topics.po").read_bytes()
    blocks = data.rstrip(b"\n").split(b"\n\n")
    broken = b"\n\n".join(blocks + [blocks[3]]) + b"\n"
    quick = catalogue_rows(REPO, broken, True, monkeypatch)
    assert quick == catalogue_rows(REPO, broken, False, monkeypatch)
    at = broken.count(b"\n") - blocks[3].count(b"\n")     # the copy's first line
    assert [(line, message[:15]) for _, line, message in quick] == [(at, "duplicate entry")]
