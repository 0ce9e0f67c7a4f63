"""The page manifest's files: `_infopages/pages.json` and its parts.

`pages.json` lists the parts; each part (`_infopages/pages/K.json`) holds the
entries (see `render.manifest`) of the pages whose path hashes to it:

    _infopages/pages.json      {"parts": ["pages/0.json", …], "schema_version": 2}
    _infopages/pages/0.json    {"pages": {"en/index.html": {…}, …}}

A site of 10,000 news items has 50,000 entries, 88 MB of them: in one file, an edit
of one page rewrote all of it. In parts of about `PART_SIZE` entries, it rewrites
the one part its entries are in. A page's part is the top bits of a hash of its
path, so it stays put while pages come and go; the number of parts (a power of two)
follows the number of entries, and when it changes every part is written again.

Text is made here, line by line, by one function for both writers (from a build's
entries, and from the build record's stored lines): same entries, same bytes.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from types import MappingProxyType
from typing import Any, Iterable, Mapping

MANIFEST_PATH = "_infopages/pages.json"
MANIFEST_DIR = "_infopages"
SCHEMA_VERSION = 2
PART_SIZE = 256
NOTHING_LAID: Mapping[str, str] = MappingProxyType({})
_PART_NAME = re.compile(r"pages/(0|[1-9][0-9]{0,5})\.json")


def spread(path: str) -> int:
    """A page path's 32-bit hash: its part is its top bits."""
    return int.from_bytes(hashlib.blake2b(path.encode("utf-8"), digest_size=4).digest())


def part_count(entries: int) -> int:
    """Parts for this many entries: the smallest power of two that keeps each part
    at about `PART_SIZE` entries."""
    count = 1
    while count * PART_SIZE < entries:
        count *= 2
    return count


def part_of(spread_value: int, count: int) -> int:
    return spread_value >> (32 - (count.bit_length() - 1)) if count > 1 else 0


def spread_range(part: int, count: int) -> tuple[int, int]:
    """The `spread` values of part `part` of `count`: [low, high)."""
    shift = 32 - (count.bit_length() - 1)
    return (part << shift, (part + 1) << shift) if count > 1 else (0, 1 << 32)


def part_name(part: int) -> str:
    """A part's path in the site."""
    return f"{MANIFEST_DIR}/pages/{part}.json"


def entry_line(path: str, entry: Mapping[str, Any], laid: Mapping[str, str] = NOTHING_LAID
               ) -> str:
    """An entry as it appears in its part: one line, `  PATH: ENTRY`, the entry as
    `json.dumps(entry, sort_keys=True, ensure_ascii=False, separators=(",", ":"))`
    writes it (a page a line: a tool can take one page's entry with `grep`). `laid`:
    some of the entry's values as `laid_value` wrote them (a page's sources, the same
    in each of its locales' entries)."""
    return f"  {_encode(path)}: {_with_laid(entry, laid) if laid else _compact(entry)}"


def laid_value(value: Any) -> str:
    """A value of an entry's key as `entry_line` writes it, for its `laid`."""
    return _compact(value)


def _with_laid(entry: Mapping[str, Any], laid: Mapping[str, str]) -> str:
    """`_compact(entry)`, with the values of `laid`'s keys as written there."""
    if type(entry) is not dict or any(type(key) is not str for key in entry):
        return _compact(entry)    # json's own order for keys that are not all str
    return "{" + ",".join(f"{_encode(key)}:{laid[key] if key in laid else _compact(entry[key])}"
                          for key in sorted(entry)) + "}"


# The C encoder, for a string alone and for a whole entry: json.dumps with `indent`
# runs the encoder written in Python (an indented entry cost four times as much to
# write, most of what a render worker spends on the manifest).
_encode = json.JSONEncoder(ensure_ascii=False).encode
_compact = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode


def part_text(lines: Iterable[str]) -> str:
    """A part from its entries' lines, in path order."""
    body = ",\n".join(lines)
    return '{\n "pages": {\n' + body + "\n }\n}\n" if body else '{\n "pages": {}\n}\n'


def index_text(count: int) -> str:
    parts = [part_name(k).removeprefix(MANIFEST_DIR + "/") for k in range(count)]
    return json.dumps({"parts": parts, "schema_version": SCHEMA_VERSION}, indent=1) + "\n"


def manifest_files(entries: Mapping[str, Mapping[str, Any]]) -> dict[str, bytes]:
    """Every file of the manifest of these entries (path → entry), by site path."""
    return files_of_lines({path: entry_line(path, entry) for path, entry in entries.items()})


def files_of_lines(lines: Mapping[str, str]) -> dict[str, bytes]:
    """Every file of the manifest of these entries' lines (path → `entry_line`)."""
    count = part_count(len(lines))
    parts: list[list[str]] = [[] for _ in range(count)]
    for path in sorted(lines):
        parts[part_of(spread(path), count)].append(lines[path])
    files = {part_name(k): part_text(parts[k]).encode() for k in range(count)}
    return {MANIFEST_PATH: index_text(count).encode()} | files


def write_files(staged: Path, files: Mapping[str, bytes]) -> list[str]:
    """Manifest files (site path → bytes, as `manifest_files` makes them) written under
    `staged`; their names."""
    for name, data in files.items():
        (staged / name).parent.mkdir(parents=True, exist_ok=True)
        (staged / name).write_bytes(data)
    return list(files)


def is_manifest_file(name: str) -> bool:
    """Whether a site path is the manifest or one of its parts."""
    return name == MANIFEST_PATH or (name.startswith(MANIFEST_DIR + "/")
                                      and bool(_PART_NAME.fullmatch(name[len(MANIFEST_DIR) + 1:])))


def read_manifest(site: Path) -> dict[str, Any] | None:
    """The entries (path → entry) of the manifest in the folder `site`; None when it
    has none or it is not ours. Reads only the parts the index names, and only names
    of the form `pages/K.json` (a checked folder can come from anywhere)."""
    folder = Path(site) / MANIFEST_DIR
    try:
        index = json.loads(_read(Path(site) / MANIFEST_PATH))
        if isinstance(index.get("pages"), dict):      # schema 1: one file
            return index["pages"]
        names = index["parts"]
        if not (isinstance(names, list) and all(isinstance(n, str) and _PART_NAME.fullmatch(n)
                                                for n in names)):
            return None
        pages: dict[str, Any] = {}
        for name in names:
            part = json.loads(_read(folder / name)).get("pages")
            if not isinstance(part, dict):
                return None
            pages |= part
        return pages
    except (OSError, ValueError, AttributeError, KeyError, TypeError):
        return None


def _read(file: Path) -> str:
    """A manifest file's text; a symbolic link is not followed (to what it names)."""
    if file.is_symlink() or file.parent.is_symlink():
        raise ValueError(f"{file}: a symbolic link")
    return file.read_text(encoding="utf-8")
