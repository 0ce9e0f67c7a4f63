"""What the bytes of a PO file mean: one decoding and one header rule for every reader.

`read_po` (update, lint, stats, the preview), the build's block reader
(`engine.catstream`) and the incremental build's block diff (`catalogues.diff`)
all start here, so a file means the same thing to each of them:

- UTF-8 only; the first undecodable byte is an error at its line.
- A UTF-8 byte-order mark is read and ignored. GNU `msgfmt` refuses it, so
  `update` writes the file back without it (and says so).
- CRLF line endings are read as LF; `update` writes CRLF back.
- An empty file (nothing but blank lines) and a file with no header entry
  (`msgid ""` with Plural-Forms) are file-level errors at line 1; `update`
  recreates the header (an empty file becomes a fresh catalogue).
- A declared charset other than UTF-8 is a file-level error (GNU tools would
  decode the file differently from us). No charset at all means UTF-8.
- A Plural-Forms that is neither CLDR's nor GNU's rule for the locale is a
  file-level error (see `plurals`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from builder.catalogues.plurals import plural_hint, plural_problem
from builder.errors import Collector

BOM = b"\xef\xbb\xbf"
CHARSET_RE = re.compile(r"charset\s*=\s*([^\s;]+)", re.IGNORECASE)
UTF8 = ("utf-8", "utf8")
EMPTY = "catalogue is empty"
NO_HEADER = "no header entry (`msgid \"\"` with Language, Content-Type and Plural-Forms)"
RECREATE = "run `infopages update` to recreate it from the template, or restore it from version control"


@dataclass(frozen=True)
class Layout:
    """How the file was saved, beyond its entries: kept by `update`."""
    bom: bool = False
    crlf: bool = False

    def text(self, text: str) -> str:
        """`text` (LF line endings) with this layout's line endings; never with a BOM,
        which GNU msgfmt refuses."""
        return text.replace("\n", "\r\n") if self.crlf else text


def normalise(data: bytes) -> tuple[bytes, Layout]:
    """The bytes every reader parses: no BOM, LF line endings (line numbers unchanged)."""
    bom = data.startswith(BOM)
    if bom:
        data = data[len(BOM):]
    crlf = b"\r" in data and b"\r\n" in data     # one byte is found faster than two
    if crlf:
        data = data.replace(b"\r\n", b"\n")
    return data, Layout(bom, crlf)


def decode_block(block: bytes, line: int, path: Path, diags: Collector) -> str | None:
    """A block's text, or None with `path:line: error` at its first bad byte."""
    try:
        return block.decode("utf-8")
    except UnicodeDecodeError as exc:
        diags.error(path, line + block[: exc.start].count(b"\n"), "catalogue is not valid UTF-8",
                    "save it as UTF-8 and set `charset=UTF-8` in its header")
        return None


def report_empty(path: Path, diags: Collector) -> None:
    diags.error(path, 1, EMPTY, RECREATE)


def header_problems(metadata: dict[str, str], locale: str | None,
                    repairable: bool = False) -> list[tuple[str, str, str]]:
    """(header field, problem, hint) of a catalogue's header; `repairable`: leave out
    what `update` repairs itself (a missing header or Plural-Forms)."""
    found = []
    if not metadata:
        return [] if repairable else [("", NO_HEADER, "run `infopages update` to add it")]
    charset = CHARSET_RE.search(metadata.get("Content-Type", ""))
    if charset and charset.group(1).lower() not in UTF8:
        found.append(("Content-Type", f"the header declares charset={charset.group(1)}; "
                      "catalogues are read as UTF-8",
                      "save the file as UTF-8 and set the header to: "
                      "Content-Type: text/plain; charset=UTF-8"))
    plural = metadata.get("Plural-Forms")
    if locale and (plural or not repairable) and (problem := plural_problem(plural, locale)):
        found.append(("Plural-Forms", problem, plural_hint(locale)))
    return found


def report_header(metadata: dict[str, str], text: str, path: Path, locale: str | None,
                  diags: Collector, first_line: int = 1, repairable: bool = False) -> None:
    """`header_problems` as errors at the line of their field in `text`."""
    for field, problem, hint in header_problems(metadata, locale, repairable):
        # No header at all is reported at the top of the file, wherever its first block is.
        diags.error(path, first_line - 1 + header_line(text, field) if field else 1,
                    problem, hint)


def header_line(text: str, name: str) -> int:
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith(f'"{name}:'):
            return number
    return 1


def language_matches(value: str, locale: str) -> bool:
    """Whether a Language header names the folder's language as a translator's tool
    writes it: `fr`, `fr_FR`, `fr-FR`, `fr_FR.UTF-8` in `fr/`; a territory or script
    both give must agree (`pt_PT` is not `pt_BR`)."""
    def parts(code: str) -> list[str]:
        code = code.strip().split(".")[0].split("@")[0].replace("-", "_")
        return [p.lower() for p in code.split("_") if p]

    theirs, ours = parts(value), parts(locale)
    if not theirs or theirs[0] != ours[0]:
        return False
    rest_theirs, rest_ours = theirs[1:], ours[1:]
    return all(t == o for t, o in zip(rest_theirs, rest_ours)) or \
        not rest_theirs or not rest_ours


def locale_of(path: Path) -> str | None:
    """`locales/LL/LC_MESSAGES/messages.po` → LL; None for a POT or a loose file."""
    return path.parent.parent.name if path.suffix == ".po" else None
