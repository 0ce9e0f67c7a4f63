"""One command at a time per project: `build`, `update`, `extract` and `serve` hold a lock.

A POSIX record lock (`lockf`) on `.infopages-cache/lock`: the kernel releases it
when the process ends, however it ends, so a killed command never leaves a stale
lock. Unlike `flock`, it belongs to the process, not to the open file: the render
workers a build forks do not hold it, so it is free the moment the build is gone.
"""

from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from builder.errors import Diagnostic, InputError

LOCK = Path(".infopages-cache") / "lock"


@contextmanager
def project_lock(root: Path) -> Iterator[None]:
    """Hold the project's lock, or fail at once naming the command that holds it."""
    path = root / LOCK
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except (BlockingIOError, PermissionError):
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"
            raise InputError([Diagnostic(
                str(root), None, f"another infopages command (pid {holder}) is running on "
                "this project", "wait for it to finish, then run this command again")]) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)    # releases the lock


@contextmanager
def try_lock(root: Path) -> Iterator[bool]:
    """The lock if it is free (True), without waiting; False while another command holds it."""
    path = root / LOCK
    if not path.parent.is_dir():
        yield True
        return
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except (BlockingIOError, PermissionError):
            yield False
            return
        yield True
    finally:
        os.close(fd)
