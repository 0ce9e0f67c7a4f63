"""Writing files so that nothing is ever half-written.

A single file is written to a temporary sibling and renamed over the target.
A whole site is written into a temporary folder next to `site/` and swapped in
only when every page rendered; an interruption leaves the old site in place.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Mapping


def atomic_write(path: Path, data: bytes) -> bool:
    """Write `data` to `path` atomically; returns False (and writes nothing) if unchanged."""
    if path.is_file() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            shutil.copymode(path, tmp)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale(target: Path) -> None:
    """Remove staging folders left by a build that was killed (SIGKILL, power cut)."""
    for path in target.parent.glob(f".{target.name}.*-*"):
        parts = path.name.split("-")
        if len(parts) > 1 and parts[1].isdigit() and not _alive(int(parts[1])):
            shutil.rmtree(path, ignore_errors=True)


@contextmanager
def staging_dir(target: Path) -> Iterator[Path]:
    """A fresh folder beside `target`, removed on any failure or interruption."""
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale(target)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-{os.getpid()}-", dir=target.parent))
    try:
        yield tmp
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def write_tree(root: Path, files: Mapping[str, bytes]) -> None:
    for rel in sorted(files):
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(files[rel])
        os.chmod(path, 0o644)
    os.chmod(root, 0o755)


def swap_in(staged: Path, target: Path) -> None:
    """Replace `target` with `staged`; the old tree is removed only after the rename."""
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-{os.getpid()}-",
                                    dir=target.parent))
        os.rmdir(old)
        os.replace(target, old)
    os.replace(staged, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
