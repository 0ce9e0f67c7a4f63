"""A fast PO reader producing the same `polib.POFile` as `polib.pofile`.

polib's state machine costs about 1.2 s for a 20,000-entry catalogue, most of
`update`'s time; this single pass over the lines takes a fraction of that. It
follows polib's rules exactly (line numbers, header, obsolete entries, `#~|`
lines skipped, a trailing comment ignored) and is only given files whose every
line `catalogues.read_po` has already checked, so it need not report syntax.
tests/test_poread.py compares it with polib on every PO file of the repository.
"""

from __future__ import annotations

import re

import polib

KEYWORDS = ("msgctxt", "msgid_plural", "msgid", "msgstr")
PREVIOUS = {"msgctxt": "previous_msgctxt", "msgid": "previous_msgid",
            "msgid_plural": "previous_msgid_plural"}
MESSAGE_STATES = frozenset(("msgstr", "msgstr[]"))   # a comment or msgid after these starts an entry
MARKS = frozenset(("#:", "#,", "#.", "#|"))
# What `polib.POEntry()` sets, less the fields that need a new list or dict each time:
# building entries from this is a third of the cost of polib's keyword constructor
# (tests/catalogues/test_poread.py holds it to polib's own).
BLANK = {key: value for key, value in vars(polib.POEntry()).items()
         if not isinstance(value, (list, dict))}


# The commonest entry, as `update` writes it and most tools save it: `#.`, `#:` and
# `#,` lines, then a msgctxt, a msgid and a msgstr, each a string or continued strings.
# One regular expression checks and splits such a block in C; any other goes through
# `check_po_lines` and `parse_po`. It takes only lines those take (no character at
# which `str.splitlines` breaks a line inside a string, only the escapes `\\ \" \n \t`,
# no whitespace at either end of a line) and reads them as they do
# (tests/catalogues/test_simple_entry.py holds the two ways equal on random blocks).
_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_STRING = rf'"(?:[^"\\{_BREAKS}]++|\\[\\"nt])*+"'   # possessive: no backtracking
_STRINGS = rf'{_STRING}(?:\n{_STRING})*'
SIMPLE_ENTRY = re.compile(rf'((?:#[.:,] [^{_BREAKS}]*\S\n)*)(?:msgctxt ({_STRINGS})\n)?'
                          rf'msgid ({_STRINGS})\nmsgstr ({_STRINGS})')


def simple_entry(block: str) -> polib.POEntry | None:
    """The one entry of `block` if it is of the commonest shape (`SIMPLE_ENTRY`, not a
    header), as `parse_po` reads it; None for any other block."""
    found = SIMPLE_ENTRY.fullmatch(block)
    if found is None:
        return None
    notes, msgctxt, msgid, msgstr = found.groups()
    msgid = _strings(msgid)
    if not msgid:
        return None      # `parse_po` takes an entry with an empty msgid for a header
    entry = new_entry(0)
    for line in notes.splitlines():
        note(entry, line[:2], line[3:])
    if msgctxt is not None:
        entry.msgctxt = _strings(msgctxt)
    entry.obsolete = 0
    entry.msgid, entry.msgstr = msgid, _strings(msgstr)
    return entry


def _strings(lines: str) -> str:
    """Quoted strings, one a line, as one text."""
    if "\n" not in lines:
        return _string(lines)
    return "".join(_string(line) for line in lines.split("\n"))


def new_entry(linenum: int | None) -> polib.POEntry:
    """`polib.POEntry(linenum=linenum)`, faster."""
    entry = object.__new__(polib.POEntry)
    fields = entry.__dict__
    fields.update(BLANK)
    fields["msgstr_plural"] = {}
    fields["occurrences"] = []
    fields["flags"] = []
    fields["linenum"] = linenum
    return entry


def previous_line_problem(rest: str, continues: bool) -> str | None:
    """What is wrong with a `#|` line (`rest`: what follows `#|`), as GNU msgfmt sees
    it; polib takes anything. `continues`: the line before was a `#|` line."""
    if rest.startswith('"'):
        if not continues:
            return "this `#|` string continues no `#| msgid` line"
        return None if len(rest.rstrip()) > 1 and rest.rstrip()[-1] == '"' else \
            "this `#|` string has no closing quote"
    keyword, _, value = rest.partition(" ")
    value = value.strip()
    if keyword not in PREVIOUS or len(value) < 2 or value[0] != '"' or value[-1] != '"':
        return 'a `#|` line holds `msgid "…"`, `msgctxt "…"` or `msgid_plural "…"`'
    return None


def note(entry: polib.POEntry, mark: str, text: str) -> None:
    """A `#.` (extracted comment), `#:` (references) or `#,` (flags) line's `text`,
    after the mark and one space or tab, into `entry`: as polib reads it."""
    if mark == "#.":
        entry.comment = f"{entry.comment}\n{text}" if entry.comment else text
    elif mark == "#:":
        for item in text.split():
            path, _, number = item.rpartition(":")
            entry.occurrences.append((path, number) if path and number.isdigit()
                                     else (item, ""))
    else:
        entry.flags += [flag.strip() for flag in text.split(",")]


def _string(token: str) -> str:
    inner = token.strip()[1:-1]
    return polib.unescape(inner) if "\\" in inner else inner   # most strings have no escape


class _Reader:
    """One pass over the lines; `state` is the field a continuation line extends."""

    def __init__(self, po: polib.POFile):
        self.po = po
        self.entry = new_entry(0)
        self.state = "start"
        self.plural_index = 0
        self.line = 0

    def _start_if_done(self) -> None:
        if self.state in MESSAGE_STATES:
            list.append(self.po, self.entry)    # polib's append only checks duplicates, if asked
            self.entry = new_entry(self.line)

    def comment(self, line: str) -> None:
        mark, after = line[:2], line[2:3]
        if mark not in MARKS or after not in ("", " ", "\t"):
            mark = "#"
            if self.state == "start":
                self.po.header += ("\n" if self.po.header else "") + line[2:]
                return
        elif not after:
            return   # an empty `#:`, `#,` or `#.` line: polib ignores it; a bare `#|`, GNU
        if self.state in MESSAGE_STATES:
            self._start_if_done()
        if mark == "#|":
            self.previous(line[2:].lstrip())
            return
        if mark == "#":
            text = line.lstrip("#")
            text = text[1:] if text[:1] == " " else text
            entry = self.entry
            entry.tcomment = f"{entry.tcomment}\n{text}" if entry.tcomment else text
        else:
            note(self.entry, mark, line[3:])
        self.state = "comment"

    def previous(self, rest: str) -> None:
        problem = previous_line_problem(rest, self.state.startswith("#|"))
        if problem:    # `check_po_lines` refuses it first: only an unchecked text gets here
            raise ValueError(f"line {self.line}: {problem}")
        if rest.startswith('"'):
            self.continuation(rest)
            return
        keyword, _, value = rest.partition(" ")
        setattr(self.entry, PREVIOUS[keyword], _string(value))
        self.state = "#|" + keyword

    def keyword(self, line: str, obsolete: bool) -> None:
        keyword, _, value = line.partition(" ")
        if keyword.startswith("msgstr["):
            self.plural_index = int(keyword[7:-1])
            self.entry.msgstr_plural[self.plural_index] = _string(value)
            self.state = "msgstr[]"
            return
        if keyword in ("msgctxt", "msgid"):
            self._start_if_done()
        if keyword == "msgid":
            self.entry.obsolete = int(obsolete)
        setattr(self.entry, keyword, _string(value))
        self.state = keyword

    def continuation(self, line: str) -> None:
        text = _string(line)
        if self.state == "msgstr[]":
            self.entry.msgstr_plural[self.plural_index] += text
        elif self.state.startswith("#|"):
            field = PREVIOUS[self.state[2:]]
            setattr(self.entry, field, getattr(self.entry, field) + text)
        elif self.state in KEYWORDS:
            setattr(self.entry, self.state, getattr(self.entry, self.state) + text)


def parse_po(text: str) -> polib.POFile:
    po = polib.POFile(wrapwidth=0)
    reader = _Reader(po)
    last_is_comment = True
    for number, raw in enumerate(text.split("\n"), 1):
        line = raw.strip()
        if number == 1:
            line = line.lstrip("\ufeff")
        if not line:
            continue
        reader.line = number
        obsolete = False
        if line[:2] == "#~":
            if line[2:3] == "|":
                continue
            if len(line.split(None, 1)) > 1:
                obsolete, line = True, line[2:].strip()
        first = line[0]    # one test of the first character rather than four prefixes
        if first == "m" and line.startswith(KEYWORDS):
            reader.keyword(line, obsolete)
        elif first == '"':
            reader.continuation(line)
        elif first == "#":
            reader.comment(line)
        last_is_comment = first == "#"
    if not last_is_comment:
        po.append(reader.entry)
    _metadata(po)
    return po


def _metadata(po: polib.POFile) -> None:
    header = po.find("")
    if not header:
        return
    po.remove(header)
    po.metadata_is_fuzzy = header.flags
    key = None
    for line in header.msgstr.splitlines():
        name, sep, value = line.partition(":")
        if sep:
            key = name.strip()
            po.metadata[key] = value.strip()
        elif key is not None:
            po.metadata[key] += "\n" + line.strip()
