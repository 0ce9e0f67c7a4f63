"""A fast PO reader producing the same `polib.POFile` as `polib.pofile`.

polib's state machine costs about 1.2 s for a 20,000-entry catalogue, most of
`update`'s time; this single pass over the lines takes a fraction of that. It
follows polib's rules exactly (line numbers, header, obsolete entries, `#~|`
lines skipped, a trailing comment ignored) and is only given files whose every
line `catalogues.read_po` has already checked, so it need not report syntax.
tests/test_poread.py compares it with polib on every PO file of the repository.
"""

from __future__ import annotations

import polib

KEYWORDS = ("msgctxt", "msgid_plural", "msgid", "msgstr")
PREVIOUS = {"msgctxt": "previous_msgctxt", "msgid": "previous_msgid",
            "msgid_plural": "previous_msgid_plural"}
MESSAGE_STATES = ("msgstr", "msgstr[]")   # a comment or msgid after these starts an entry


def _string(token: str) -> str:
    token = token.strip()
    return polib.unescape(token[1:-1])


class _Reader:
    """One pass over the lines; `state` is the field a continuation line extends."""

    def __init__(self, po: polib.POFile):
        self.po = po
        self.entry = polib.POEntry(linenum=0)
        self.state = "start"
        self.plural_index = 0
        self.line = 0

    def _start_if_done(self) -> None:
        if self.state in MESSAGE_STATES:
            self.po.append(self.entry)
            self.entry = polib.POEntry(linenum=self.line)

    def comment(self, line: str) -> None:
        mark = line[:2]
        if mark not in ("#:", "#,", "#.", "#|") or (len(line) > 2 and line[2] not in " \t"):
            mark = "#"
        elif len(line) == 2 and mark != "#|":
            return   # an empty `#:`, `#,` or `#.` line: polib ignores it
        if self.state == "start" and mark not in ("#:", "#,", "#.", "#|"):
            self.po.header += ("\n" if self.po.header else "") + line[2:]
            return
        self._start_if_done()
        if mark == "#:":
            for item in line[3:].split():
                path, _, number = item.rpartition(":")
                self.entry.occurrences.append((path, number) if path and number.isdigit()
                                              else (item, ""))
        elif mark == "#,":
            self.entry.flags += [flag.strip() for flag in line[3:].split(",")]
        elif mark == "#.":
            self.entry.comment += ("\n" if self.entry.comment else "") + line[3:]
        elif mark == "#|":
            self.previous(line[2:].lstrip())
        else:
            text = line.lstrip("#")
            self.entry.tcomment += ("\n" if self.entry.tcomment else "") + \
                (text[1:] if text.startswith(" ") else text)
        self.state = "comment" if mark != "#|" else self.state

    def previous(self, rest: str) -> None:
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
        reader.line = number
        line = raw.strip()
        if number == 1:
            line = line.lstrip("\ufeff")
        if not line or line.startswith("#~|"):
            continue
        obsolete = line.startswith("#~") and len(line.split(None, 1)) > 1
        if obsolete:
            line = line[2:].strip()
        if line.startswith(KEYWORDS):
            reader.keyword(line, obsolete)
        elif line.startswith('"'):
            reader.continuation(line)
        elif line.startswith("#"):
            reader.comment(line)
        last_is_comment = line.startswith("#")
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
