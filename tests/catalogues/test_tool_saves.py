"""No churn from any editor: the demo's catalogues saved unchanged by the real GNU
tools (msgcat at its default width, --width=79, --no-wrap), Poedit- and
Lokalize-style (GNU layout at 79 and 80 columns, their headers, CRLF), and
translate-toolkit (what Weblate saves with) come back from `update` byte for
byte, with a quiet `update --check`. After a source edit, `update` rewrites only
the edited entry, in the file's own wrap width and line endings, and a second
save by the same tool followed by `update` is still quiet.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from builder.catalogues.powrap import _any_wrapped, detect_width
from builder.cli.app import main

REPO = Path(__file__).resolve().parents[2]
LOCALES = ("fr", "es", "ar")
EDITED = "It is worth noting that we avoid"
PAGE = "content/topics/crimes-against-children.md"


def msgcat(*options: str):
    def save(path: Path) -> None:
        subprocess.run(["msgcat", *options, "-o", str(path), str(path)], check=True)
    return save


def header_stamp(generator: str, width: int, crlf: bool = False):
    """Poedit and Lokalize write GNU's layout, stamp their own headers on every save,
    and on Windows keep CRLF line endings."""
    def save(path: Path) -> None:
        msgcat(f"--width={width}")(path)
        text = path.read_text("utf-8").replace(
            '"PO-Revision-Date: YEAR-MO-DA HO:MI+ZONE\\n"',
            '"PO-Revision-Date: 2026-11-29 10:00+0100\\n"', 1)
        if "X-Generator" not in text:
            text = text.replace('"Content-Transfer-Encoding: 8bit\\n"',
                                f'"Content-Transfer-Encoding: 8bit\\n"\n"X-Generator: {generator}\\n"', 1)
        path.write_bytes(text.replace("\n", "\r\n").encode() if crlf else text.encode())
    return save


def translate_toolkit(path: Path) -> None:
    """What Weblate does on a save: translate-toolkit parses and serialises the file."""
    from translate.storage import po

    store = po.pofile.parsefile(str(path))
    path.write_bytes(bytes(store))


TOOLS = {
    "msgcat": msgcat(),
    "msgcat --width=79": msgcat("--width=79"),
    "msgcat --no-wrap": msgcat("--no-wrap"),
    "poedit": header_stamp("Poedit 3.4.2", 79),
    "poedit on windows": header_stamp("Poedit 3.4.2", 79, crlf=True),
    "lokalize": header_stamp("Lokalize 23.08.5", 80),
    "translate-toolkit": translate_toolkit,
}


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    root = tmp_path / "demo"
    for folder in ("content", "locales"):
        shutil.copytree(REPO / folder, root / folder)
    return root


def po(root: Path, locale: str) -> Path:
    """The catalogue of the edited page's domain."""
    return root / "locales" / locale / "LC_MESSAGES" / "topics.po"


def catalogues(root: Path) -> list[Path]:
    """Every catalogue of the demo: a locale's domains (ui, topics, pages, news-YYYY)."""
    return sorted(root.glob("locales/*/LC_MESSAGES/*.po"))


def msgfmt_check(path: Path) -> None:
    result = subprocess.run(["msgfmt", "--check", "-o", os.devnull, str(path)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def quiet_check(root: Path, capsys) -> None:
    capsys.readouterr()
    assert main(["update", "--project", str(root), "--check"]) == 0, capsys.readouterr().out
    assert capsys.readouterr().out.strip() == "catalogues are up to date"


def blocks(data: bytes) -> list[bytes]:
    return data.replace(b"\r\n", b"\n").rstrip(b"\n").split(b"\n\n")


@pytest.mark.parametrize("tool", sorted(TOOLS))
def test_a_save_by_any_tool_survives_update(demo: Path, capsys, tool: str):
    save = TOOLS[tool]
    for path in catalogues(demo):
        save(path)
    every = {path: path.read_bytes() for path in catalogues(demo)}
    assert len(every) == 6 * len(LOCALES)
    saved = {locale: po(demo, locale).read_bytes() for locale in LOCALES}
    quiet_check(demo, capsys)
    assert main(["update", "--project", str(demo)]) == 0
    assert {path: path.read_bytes() for path in catalogues(demo)} == every

    page = demo / PAGE
    page.write_text(page.read_text("utf-8").replace(EDITED, EDITED.replace("noting", "stating")),
                    "utf-8")
    assert main(["update", "--project", str(demo)]) == 0
    for locale in LOCALES:
        after = po(demo, locale).read_bytes()
        msgfmt_check(po(demo, locale))
        changed = [b for b in blocks(after) if b not in blocks(saved[locale])]
        assert len(changed) == 1 and b"stating" in changed[0] and b"#, fuzzy" in changed[0]
        assert len(blocks(after)) == len(blocks(saved[locale]))
        assert (b"\r\n" in after) == (b"\r\n" in saved[locale])
        assert after.count(b"\n") == after.count(b"\r\n") or b"\r\n" not in after
        width = detect_width(saved[locale].decode().replace("\r\n", "\n"))
        assert detect_width(after.decode().replace("\r\n", "\n")) == width, tool
    # Only the edited page's domain changed.
    assert {path: path.read_bytes() for path in catalogues(demo) if path.stem != "topics"} == \
        {path: data for path, data in every.items() if path.stem != "topics"}
    # The tool saves again (msgcat drops `#, md-text` from the new entry): still quiet.
    for path in catalogues(demo):
        save(path)
    quiet_check(demo, capsys)


def test_gnu_layout_of_a_rewritten_entry_is_msgcats(demo: Path):
    """The entry `update` writes anew at 79 columns is what msgcat itself writes."""
    msgcat()(po(demo, "fr"))
    page = demo / PAGE
    page.write_text(page.read_text("utf-8").replace(EDITED, EDITED.replace("noting", "stating")),
                    "utf-8")
    assert main(["update", "--project", str(demo)]) == 0
    ours = po(demo, "fr").read_bytes()
    theirs = subprocess.run(["msgcat", str(po(demo, "fr"))], capture_output=True,
                            check=True).stdout
    assert ours.replace(b"#, fuzzy, md-text\n", b"#, fuzzy\n") == theirs


# The wrapped-string test that `detect_width` starts with searches for the join of two
# string lines rather than trying a pattern at every line: it must say what the
# line-anchored pattern it replaced says, on any text.
WRAPPED_LINE_RE = re.compile(r'^(?:#~\|? |#\| )?"[^\n]*(?<!\\n)"\n(?:#~\|? |#\| )?"',
                             re.MULTILINE)


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(['"', "\\n", "\n", "#~ ", "#| ", "#~| ", "msgid ", "a", " ",
                                 "\\", "n", "#"]), max_size=25).map("".join))
def test_any_wrapped_is_the_line_anchored_pattern(text: str):
    assert _any_wrapped(text) == bool(WRAPPED_LINE_RE.search(text))
