"""Writing one file so that it is never half-written.

The file is written to a temporary sibling (`.NAME.infopages-….tmp`) and renamed
over the target. Several files that must change together go through
`output.journal`; a whole site through `output.site.publish`.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def atomic_write(path: Path, data: bytes) -> bool:
    """Write `data` to `path` atomically; returns False (and writes nothing) if unchanged.
    A file's permissions are kept; a new one gets 0644."""
    if path.is_file() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.infopages-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, path.stat().st_mode & 0o7777 if path.exists() else 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


def write_new(path: str | Path, data: bytes) -> None:
    """Write a file into a fresh (staging) folder: no temporary name, since the folder
    is moved in only once complete; plain os calls, for the thousands a build writes."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)
