"""Link destinations out of msgids: `Read the [report](https://…)` → `Read the [report]{1}`.

Translators move the link text, never the URL: they cannot break it, and a URL
change does not invalidate a translation. The scanner follows CommonMark's
rules closely enough for real content; whenever it disagrees with the parser
about how many links a block has, the block keeps its raw Markdown instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SLOT_RE = re.compile(r"\]\{(\d+)\}")


@dataclass(frozen=True)
class Slotted:
    """A msgid with its link destinations taken out as `]{n}` slots, and those destinations."""
    text: str                    # msgid with `]{n}` slots
    targets: tuple[str, ...]     # the raw `(destination "title")` of slot n at index n-1

    def comment(self) -> str:
        return "\n".join(f"{{{n}}}: {target[1:-1]}" for n, target in enumerate(self.targets, 1))


def code_span_end(text: str, start: int) -> int:
    """Index after the code span opening at `start`, or start + run length if unclosed."""
    rest = text[start:]
    run = len(rest) - len(rest.lstrip("`"))
    ticks = "`" * run
    close = text.find(ticks, start + run)
    while close != -1 and (text[close + run:close + run + 1] == "`" or text[close - 1] == "`"):
        close = text.find(ticks, close + 1)
    return start + run if close == -1 else close + run


def _label_end(text: str, start: int) -> int | None:
    """Index of the `]` matching the `[` at `start`, or None."""
    depth, i = 0, start
    while i < len(text):
        char = text[i]
        if char == "\\":
            i += 2
            continue
        if char == "`":
            i = code_span_end(text, i)
            continue
        depth += {"[": 1, "]": -1}.get(char, 0)
        if depth == 0:
            return i
        i += 1
    return None


def _destination_end(text: str, start: int) -> int | None:
    """Index after the `(...)` destination-and-title group opening at `start`."""
    depth, i, quote = 0, start, None
    while i < len(text):
        char = text[i]
        if char == "\\":
            i += 2
            continue
        if quote:
            quote = None if char == quote else quote
        elif char in "\"'" and text[i - 1] in " \t":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return None


SPECIAL_RE = re.compile(r"[\\`\[]")   # what can start an escape, a code span or a link


def to_slots(text: str, expected_links: int) -> Slotted:
    """Replace inline link and image destinations with numbered slots."""
    if not expected_links:    # most blocks: with no target found, the text is kept whole
        return Slotted(text, ())
    out, targets, i = [], [], 0
    while i < len(text):
        # Jump over plain text in one step (SPECIAL_RE).
        found = SPECIAL_RE.search(text, i)
        if found is None:
            out.append(text[i:])
            break
        if found.start() > i:
            out.append(text[i:found.start()])
            i = found.start()
        char = text[i]
        if char == "\\":
            out.append(text[i:i + 2])
            i += 2
        elif char == "`":
            end = code_span_end(text, i)
            out.append(text[i:end])
            i = end
        elif char == "[" and (end := _label_end(text, i)) is not None and \
                text[end + 1:end + 2] == "(" and (close := _destination_end(text, end + 1)):
            inner = to_slots(text[i + 1:end], 0).text   # links cannot nest; images in labels can
            targets.append(text[end + 1:close])
            out.append(f"[{inner}]{{{len(targets)}}}")
            i = close
        else:
            out.append(char)
            i += 1
    if len(targets) != expected_links or SLOT_RE.search(text):
        return Slotted(text, ())
    return Slotted("".join(out), tuple(targets))


def from_slots(text: str, targets: tuple[str, ...]) -> str | None:
    """Put the destinations back; None if the slots do not match the source's."""
    if sorted(SLOT_RE.findall(text)) != sorted(str(n) for n in range(1, len(targets) + 1)):
        return None
    return SLOT_RE.sub(lambda m: "]" + targets[int(m.group(1)) - 1], text)
