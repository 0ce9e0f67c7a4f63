"""A redo journal: a set of renames and removals that happen all, or not at all.

Before the first rename a command writes the whole list to
`.infopages-cache/journal/` (flushed to disk): that is its commit point. If it
is killed before, nothing changed and the new files are only leftovers; if it
is killed after, the next command of any kind (`recover`, called first by the
command line) makes the renames and removals not made yet. Every step can be
repeated: a rename whose source is gone was made.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

JOURNALS = Path(".infopages-cache") / "journal"
MARK = ".infopages-staging"          # in every folder a journal may remove at the end
TEMP_MARK = ".infopages-"            # in the name of a file written for a journal's move


@dataclass(frozen=True)
class Journal:
    """The renames and removals a command makes all together, or not at all."""
    moves: tuple[tuple[str, str], ...]     # (source, destination), absolute paths
    removes: tuple[str, ...] = ()           # absolute paths of files to remove
    top: str = ""                           # empty folders left by removals are pruned up to it
    done: str = ""                          # a marked folder removed last (a staging folder)


def commit(root: Path, journal: Journal) -> Path:
    """Write `journal` durably: from here on, `apply` will happen even after a crash."""
    folder = root / JOURNALS
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{os.getpid()}-{os.urandom(4).hex()}.json"
    partial = path.with_suffix(".partial")
    with open(partial, "w", encoding="utf-8") as handle:
        json.dump({"moves": journal.moves, "removes": journal.removes, "top": journal.top,
                   "done": journal.done}, handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, path)
    _fsync_dir(folder)
    return path


def run(root: Path, journal: Journal) -> None:
    """Commit, apply, forget: the one way to make several changes at once."""
    path = commit(root, journal)
    apply(journal)
    path.unlink()


def apply(journal: Journal) -> None:
    """Make every rename and removal not made yet (safe to repeat)."""
    if journal.done and not Path(journal.done).exists():
        return        # applied in full: the marked folder goes last
    made: set[Path] = set()
    for source, destination in journal.moves:
        if os.path.lexists(source):
            parent = Path(destination).parent
            if parent not in made:
                parent.mkdir(parents=True, exist_ok=True)
                made.add(parent)
            os.replace(source, destination)
            if os.path.isdir(destination):    # a whole folder moved in: no longer staging
                Path(destination, MARK).unlink(missing_ok=True)
    top = Path(journal.top) if journal.top else None
    for name in journal.removes:
        Path(name).unlink(missing_ok=True)
        if top is not None:
            _prune_empty(Path(name).parent, top)
    if journal.done:
        remove_marked(Path(journal.done))


def remove_marked(folder: Path) -> None:
    """Remove a folder we made, only if it carries our mark — which goes last, so that
    a removal cut short by a crash leaves a folder the next command still recognises."""
    if not (folder / MARK).is_file():
        return
    for child in os.scandir(folder):
        if child.name == MARK:
            continue
        if child.is_dir(follow_symlinks=False):
            shutil.rmtree(child.path, ignore_errors=True)
        else:
            Path(child.path).unlink(missing_ok=True)
    (folder / MARK).unlink(missing_ok=True)
    try:
        folder.rmdir()
    except OSError:
        pass        # something appeared meanwhile: the mark is gone, so it stays


def recover(root: Path) -> int:
    """Finish every journal a killed command left (the caller holds the project lock)."""
    folder = root / JOURNALS
    if not folder.is_dir():
        return 0
    done = 0
    for path in sorted(folder.glob("*.json")):
        try:
            data = json.loads(path.read_text("utf-8"))
            journal = Journal(tuple(map(tuple, data["moves"])), tuple(data["removes"]),
                              data["top"], data["done"])
        except (OSError, ValueError, KeyError, TypeError):
            path.unlink(missing_ok=True)     # never committed
            continue
        apply(journal)
        path.unlink()
        done += 1
    for partial in folder.glob("*.partial"):
        partial.unlink(missing_ok=True)      # killed while writing: before its commit point
    return done


def pending(root: Path) -> bool:
    folder = root / JOURNALS
    return folder.is_dir() and any(folder.glob("*.json"))


def _prune_empty(folder: Path, top: Path) -> None:
    while folder != top and folder.is_relative_to(top):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def remove_leftovers(folder: Path) -> None:
    """Temporary files (`.NAME.infopages-XXXX.tmp`, written for a journal's moves) of a
    command killed before its commit point; call after `recover`, which moves those of
    a committed journal into place."""
    for path in folder.rglob(f".*{TEMP_MARK}*.tmp") if folder.is_dir() else ():
        path.unlink(missing_ok=True)
