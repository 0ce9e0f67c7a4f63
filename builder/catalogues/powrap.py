"""Writing PO entries the way GNU gettext lays them out, at a file's own wrap width.

A translator's tool decides how long lines are: GNU `msgcat` and Poedit wrap
at 79 columns, translate-toolkit (Weblate) at 77, `--no-wrap` not at all.
`update` writes the entries it changes at the width the file already has
(`detect_width`), breaking lines where GNU's `write-po.c` would: a string is
cut into `\\n`-terminated portions, and each portion at Unicode line-break
opportunities (UAX #14, the rules that occur in prose) so that no line is
longer than the width. tests/catalogues/test_powrap.py compares the result
with `msgcat --width=N` on every entry of the demo's catalogues.
"""

from __future__ import annotations

import re
import unicodedata

import polib

ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r",
           "\a": "\\a", "\b": "\\b", "\f": "\\f", "\v": "\\v"}
ESCAPE_TABLE = str.maketrans(ESCAPES)
STRING_LINE_RE = re.compile(
    r'^(?:#~\|? |#\| )?(?:(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?) )?"(.*)"$')
KEYWORD_LINE_RE = re.compile(
    r'^(?:#~\|? |#\| )?(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?) "(.*)"$')
# A string line cut without `\n` and continued on the next line: a wrapped file. The
# search starts at the join (a literal the engine finds at C speed), not at every line.
JOIN_RE = re.compile(r'"\n(?:#~\|? |#\| )?"')
STRING_RE = re.compile(r'(?:#~\|? |#\| )?"[^\n]*"')
STANDARD_WIDTHS = (79, 77, 80, 76, 78)   # GNU and Poedit, translate-toolkit, Lokalize…

# Line-break classes (UAX #14) of the characters prose uses; letters are AL.
CLASS = {" ": "SP", "\u00a0": "GL", "\u202f": "GL", "\u2007": "GL", "\u2011": "GL",
         "\u200b": "ZW", "\u2060": "WJ", "\ufeff": "WJ",
         "-": "HY", "\u2010": "BA", "\u2013": "BA", "\u00ad": "BA", "\t": "BA", "|": "BA",
         "\u2014": "B2", ")": "CP", "]": "CP", "}": "CL", "!": "EX", "?": "EX",
         ",": "IS", ".": "IS", ":": "IS", ";": "IS", "/": "SY",
         '"': "QU", "'": "QU", "«": "QU", "»": "QU", "“": "QU", "”": "QU", "‘": "QU",
         "’": "QU", "‹": "QU", "›": "QU", "(": "OP", "[": "OP", "{": "OP", "¿": "OP",
         "¡": "OP", "$": "PR", "£": "PR", "€": "PR", "+": "PR", "\\": "PR", "%": "PO",
         "‰": "PO", "°": "PO", "…": "IN", "،": "IS", "؛": "EX", "؟": "EX", "\u061c": "CM"}


def line_class(ch: str) -> str:
    found = CLASS.get(ch)
    if found:
        return found
    if ch.isdigit() and ch.isascii() or "\u0660" <= ch <= "\u0669" or "\u06f0" <= ch <= "\u06f9":
        return "NU"
    category = unicodedata.category(ch)
    if category in ("Mn", "Me", "Cf"):
        return "CM"
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return "ID"
    return "AL"


def width_of(ch: str) -> int:
    if unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def _allowed(before: str, after: str, classes: list[str], i: int) -> bool:
    """Whether a line may break between classes[i - 1] and classes[i] (UAX #14)."""
    if after in ("SP", "ZW", "CM", "WJ") or before == "WJ":
        return False
    if before == "ZW":
        return True
    if before == "GL" or (after == "GL" and before not in ("SP", "BA", "HY")):
        return False
    if after in ("CL", "CP", "EX", "IS", "SY"):
        return False
    previous = _skip_spaces(classes, i)
    if previous == "OP" or (previous == "QU" and after == "OP") or \
            (previous == "B2" and after == "B2"):
        return False
    if before == "SP":
        return True
    if after == "QU" or before == "QU":
        return False
    if after in ("BA", "HY", "NS", "IN"):
        return False
    if (before, after) in (("AL", "NU"), ("NU", "AL"), ("PR", "AL"), ("PO", "AL"),
                           ("AL", "PR"), ("AL", "PO"), ("AL", "AL"),
                           ("AL", "OP"), ("NU", "OP"), ("CP", "AL"), ("CP", "NU"),
                           ("OP", "NU"), ("HY", "NU"), ("NU", "NU"), ("PR", "NU"),
                           ("NU", "PO"), ("NU", "PR"), ("PO", "NU"), ("PR", "OP"),
                           ("PO", "OP")):
        return False
    if after == "NU" and before in ("SY", "IS") and _number_before(classes, i - 1):
        return False
    if after in ("PO", "PR") and before in ("NU", "SY", "IS", "CL", "CP") and \
            _number_before(classes, i):
        return False
    return True


def _skip_spaces(classes: list[str], i: int) -> str:
    j = i - 1
    while j >= 0 and classes[j] == "SP":
        j -= 1
    return classes[j] if j >= 0 else ""


def _number_before(classes: list[str], i: int) -> bool:
    """A number (NU followed by NU, SY or IS, then CL/CP) ends just before `i`."""
    j = i - 1
    if j >= 0 and classes[j] in ("CL", "CP"):
        j -= 1
    while j >= 0 and classes[j] in ("NU", "SY", "IS"):
        if classes[j] == "NU":
            return True
        j -= 1
    return False


Unit = tuple[str, str, str]   # (escaped text, class it starts with, class it ends with)


def _units(portion: str) -> list[Unit]:
    """One unit per character of `portion`, escaped as in a PO file; combining marks
    join the character before them (UAX #14 LB9). GNU computes breaks on the escaped
    text and never inside an escape: `\\"` starts as a backslash (PR) and ends as a
    quote (QU)."""
    units: list[Unit] = []
    for ch in portion:
        text = ESCAPES.get(ch, ch)
        if text != ch:   # GNU never breaks just before the `\n` that ends a portion
            units.append((text, "CL" if ch == "\n" else "PR", line_class(text[1])))
            continue
        cls = line_class(ch)
        if cls == "CM" and units and units[-1][2] not in ("SP", "ZW"):
            units[-1] = (units[-1][0] + text, units[-1][1], units[-1][2])
            continue
        cls = "AL" if cls == "CM" else cls
        units.append((text, cls, cls))
    return units


def _break_points(units: list[Unit], first_column: int, width: int,
                  restart: int | None = None) -> list[int]:
    """Indexes of units a new line starts at: greedy, at the last opportunity that keeps
    the line within `width` columns (a unit too long for any line stays whole); a new
    line starts at column `restart` (default `first_column`)."""
    restart = first_column if restart is None else restart
    ends = [last for _, _, last in units]
    breaks: list[int] = []
    column, last_opportunity, column_there = first_column, None, 0
    for i, (text, first, _) in enumerate(units):
        if i and _allowed(ends[i - 1], first, ends, i):
            last_opportunity, column_there = i, column
        column += len(text) if text.isascii() else sum(width_of(ch) for ch in text)
        if column > width and last_opportunity is not None and \
                (not breaks or last_opportunity > breaks[-1]):
            breaks.append(last_opportunity)
            column = restart + column - column_there
            last_opportunity = None
    return breaks


def string_lines(keyword: str, value: str, width: int) -> list[str]:
    """`keyword "value"` laid out as GNU's write-po.c does at `width` (0: no wrapping),
    `keyword` being e.g. `msgid`, `#~ msgstr[0]` or `#| msgid`."""
    prefix = keyword.rsplit(" ", 1)[0] + " " if keyword.startswith("#") else ""
    portions = value.splitlines(True) or [""]
    escaped = [portion.translate(ESCAPE_TABLE) for portion in portions]
    if len(portions) == 1 and (not width or _columns(escaped[0]) + len(keyword) + 3 <= width):
        return [f'{keyword} "{escaped[0]}"']   # fits: no line-break analysis needed
    if not width:
        return [f'{keyword} ""'] + [f'{prefix}"{text}"' for text in escaped]
    if len(portions) == 1:
        units = _units(portions[0])
        if not width or not _break_points(units, len(keyword) + 2, width - 1, len(prefix) + 1):
            return [f'{keyword} "{"".join(u[0] for u in units)}"']
    lines = [f'{keyword} ""']
    for portion, text in zip(portions, escaped):
        if _columns(text) + len(prefix) + 2 <= width:
            lines.append(f'{prefix}"{text}"')
            continue
        units = _units(portion)
        cuts = [0] + (_break_points(units, len(prefix) + 1, width - 1) if width else []) + \
            [len(units)]
        lines += [f'{prefix}"{"".join(u[0] for u in units[a:b])}"' for a, b in zip(cuts, cuts[1:])]
    return lines


def _columns(line: str) -> int:
    return len(line) if line.isascii() else sum(width_of(ch) for ch in line)


def entry_text(entry: polib.POEntry, width: int) -> str:
    """One entry as GNU's `msgcat --width=WIDTH` writes it (`width` 0: `--no-wrap`)."""
    prefix = "#~ " if entry.obsolete else ""
    lines = [f"# {line}" if line else "#" for line in entry.tcomment.split("\n")] \
        if entry.tcomment else []
    if entry.comment and not entry.obsolete:
        lines += [f"#. {line}" if line else "#." for line in entry.comment.split("\n")]
    if entry.occurrences and not entry.obsolete:
        lines += _references([f"{p}:{n}" if n else p for p, n in entry.occurrences], width)
    if entry.flags:
        lines.append("#, " + ", ".join(entry.flags))
    previous = "#~| " if entry.obsolete else "#| "
    for name in ("msgctxt", "msgid", "msgid_plural"):
        value = getattr(entry, f"previous_{name}")
        if value is not None and (value or name == "msgid"):
            lines += string_lines(previous + name, value, width)
    if entry.msgctxt is not None:
        lines += string_lines(prefix + "msgctxt", entry.msgctxt, width)
    lines += string_lines(prefix + "msgid", entry.msgid, width)
    if entry.msgid_plural:
        lines += string_lines(prefix + "msgid_plural", entry.msgid_plural, width)
        for index in sorted(entry.msgstr_plural):
            lines += string_lines(f"{prefix}msgstr[{index}]", entry.msgstr_plural[index], width)
    else:
        lines += string_lines(prefix + "msgstr", entry.msgstr, width)
    return "\n".join(lines)


def _references(refs: list[str], width: int) -> list[str]:
    lines, line = [], "#:"
    for ref in refs:
        if width and line != "#:" and len(line) + 1 + len(ref) > width:
            lines.append(line)
            line = "#:"
        line += " " + ref
    return lines + [line]


def header_text(comment: str, fuzzy: bool, metadata: dict[str, str], width: int) -> str:
    """The header entry as GNU writes it: each field is one `\\n`-ended portion."""
    lines = [f"# {line}" if line else "#" for line in comment.split("\n")] if comment else []
    lines += ["#, fuzzy"] if fuzzy else []
    value = "".join(f"{name}: {text}\n" for name, text in metadata.items())
    return "\n".join(lines + string_lines("msgid", "", width) + string_lines("msgstr", value, width))


def detect_width(text: str, sample: int = 200) -> int:
    """The wrap width a PO file was saved with; 0 if its strings are not wrapped.

    Strings split over lines without a `\\n` at each cut were wrapped; the width
    tools use (79 GNU and Poedit, 77 translate-toolkit, 80, 76, 78) that lays out
    the most of them (up to `sample`) exactly as they are is the file's."""
    if not _any_wrapped(text):     # most files we write are not wrapped
        return 0
    wrapped = list(_wrapped_strings(text.split("\n"), sample))
    if not wrapped:
        return 0
    longest = max(_columns(line) for _, _, lines in wrapped for line in lines)
    candidates = STANDARD_WIDTHS + tuple(w for w in (longest, longest + 1)
                                         if w not in STANDARD_WIDTHS)
    scores = {width: sum(string_lines(keyword, value, width) == lines
                         for keyword, value, lines in wrapped) for width in candidates}
    return max(candidates, key=lambda width: scores[width])   # ties: the first listed


def _any_wrapped(text: str) -> bool:
    """Whether a string line not ending in `\\n` is continued on the next line."""
    for join in JOIN_RE.finditer(text):
        end = join.start() + 1
        if text[end - 3:end - 1] != "\\n" and \
                STRING_RE.fullmatch(text, text.rfind("\n", 0, end) + 1, end):
            return True
    return False


def _wrapped_strings(lines: list[str], limit: int):
    """(keyword, value, its lines) of strings written over several lines, cut by wrapping."""
    found, i = 0, 0
    while i < len(lines) and found < limit:
        match = KEYWORD_LINE_RE.match(lines[i])
        if not match:
            i += 1
            continue
        keyword = lines[i][: lines[i].index(' "')]
        prefix = keyword.rsplit(" ", 1)[0] + " " if keyword.startswith("#") else ""
        group, j = [lines[i]], i + 1
        while j < len(lines) and lines[j].startswith(prefix + '"'):
            group.append(lines[j])
            j += 1
        pieces = [STRING_LINE_RE.match(line).group(1) for line in group]
        if len(group) > 1 and any(not p.endswith("\\n") for p in pieces[1:-1]):
            yield keyword, polib.unescape("".join(pieces)), group
            found += 1
        i = j
