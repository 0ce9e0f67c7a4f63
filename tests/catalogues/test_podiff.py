"""podiff: the entries that changed between two versions of a PO file."""

from __future__ import annotations

from pathlib import Path

from builder.catalogues.diff import po_change
from builder.errors import Collector

HEADER = ('msgid ""\nmsgstr ""\n"Language: fr\\n"\n"PO-Revision-Date: {date}\\n"\n'
          '"Plural-Forms: nplurals={n}; plural=(n > 1);\\n"\n')


def catalogue(entries: dict[str, str], date: str = "2026-01-01", n: int = 2) -> bytes:
    body = "".join(f'\n#: content/a.md\nmsgid "{k}"\nmsgstr "{v}"\n' for k, v in entries.items())
    return (HEADER.format(date=date, n=n) + body).encode()


def change(old: bytes, new: bytes):
    diags = Collector(Path("."))
    return po_change(old, new, Path("fr.po"), diags), diags


def test_only_the_edited_entry_is_parsed():
    old = catalogue({f"m{i}": f"t{i}" for i in range(100)})
    new = catalogue({f"m{i}": ("changed" if i == 50 else f"t{i}") for i in range(100)},
                    date="2026-02-02")
    result, diags = change(old, new)
    assert not result.reload and not diags.items
    assert [(e.msgid, e.msgstr) for e in result.added] == [("m50", "changed")]
    assert [(e.msgid, e.msgstr) for e in result.removed] == [("m50", "t50")]
    assert result.added[0].linenum == 7 + 50 * 4   # its `#:` line


def test_moved_entries_are_no_change_and_removed_ones_are_reported():
    entries = {f"m{i}": f"t{i}" for i in range(5)}
    old = catalogue(entries)
    result, _ = change(old, catalogue(dict(reversed(list(entries.items())))))
    assert result.added == () and result.removed == ()
    result, _ = change(old, catalogue({k: v for k, v in entries.items() if k != "m2"}))
    assert [e.msgid for e in result.removed] == ["m2"] and result.added == ()


def test_a_plural_forms_change_reloads_the_whole_catalogue():
    result, _ = change(catalogue({"a": "b"}), catalogue({"a": "b"}, n=3))
    assert result.reload


def test_a_syntax_error_in_a_changed_entry_has_its_real_line():
    old = catalogue({"a": "b", "c": "d"})
    new = old.replace(b'msgstr "d"', b'msgstr "d')
    _, diags = change(old, new)
    assert [(d.line, d.message.split(":")[0]) for d in diags.items] == [(13, "PO syntax error")]
