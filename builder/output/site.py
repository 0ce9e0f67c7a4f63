"""Output folders: owned, staged, published all at once, never half-written.

- **Ownership.** Every output folder holds `_infopages/files.txt`, the list of
  the files infopages wrote there. Only those are ever replaced or removed;
  anything else in the folder is left as it is. A folder that is not empty and
  has no such list is not ours: `check_target` refuses to build into it.
- **Staging.** A build writes its new files into a staging folder beside the
  output folder, named `.NAME.infopages-new-PID-…` and marked inside; only
  folders with both the name and the mark are ever cleaned up.
- **Publishing.** The moves from the staging folder into the output folder and
  the removals go through a journal (`output.journal`): `site/` is always
  wholly old or wholly new, even after a crash.
"""

from __future__ import annotations

import os
import signal
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterable, Iterator

from builder.errors import Diagnostic, InputError
from builder.output import journal
from builder.output.journal import MARK, Journal, remove_marked
from builder.output.lock import try_lock

FILES_LIST = "_infopages/files.txt"
STAGING = Path(".infopages-cache") / "staging"   # one note per staging folder in use
LEGACY_MARK = "_infopages/pages.json"      # what sites built before the list had


# -- ownership ------------------------------------------------------------------

def owned(target: Path) -> set[str] | None:
    """The files infopages wrote into `target`, or None if it is not an output folder."""
    listing = target / FILES_LIST
    if listing.is_file():
        return set(filter(None, listing.read_text("utf-8").split("\n")))
    if is_output_folder(target):
        return {p.relative_to(target).as_posix() for p in target.rglob("*")
                if p.is_file() or p.is_symlink()}
    return None


def is_output_folder(target: Path) -> bool:
    """Whether `owned(target)` has an answer (without reading 50,000 names)."""
    return (target / FILES_LIST).is_file() or (target / LEGACY_MARK).is_file()


def files_list(paths: Iterable[str]) -> bytes:
    return ("\n".join(sorted(set(paths) | {FILES_LIST})) + "\n").encode("utf-8")


def check_target(root: Path, target: Path) -> None:
    """Refuse output folders whose files are not ours to replace."""
    real, project, home = target.resolve(), root.resolve(), Path.home().resolve()
    sources = [project / name for name in ("content", "templates", "locales",
                                           ".infopages-cache")]
    problem = None
    if real == project or real in project.parents or real in (Path("/"), home):
        problem = "is the project folder or contains it"
    elif any(real == s or real.is_relative_to(s) for s in sources):
        problem = "is one of the project's source folders"
    elif real.exists() and not real.is_dir():
        problem = "is a file"
    elif real.is_dir() and any(real.iterdir()) and not is_output_folder(real):
        problem = "is not empty and was not made by infopages"
    if problem:
        raise InputError([Diagnostic(str(target), None, f"output folder {problem}",
                                     "choose a new or empty folder (or one infopages built)")])


# -- staging --------------------------------------------------------------------

@contextmanager
def staging(root: Path, target: Path) -> Iterator[Path]:
    """A fresh marked folder beside `target`, registered in the project's cache so the
    next command can remove it if this one is killed; removed on any failure."""
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale(root)
    # Ctrl-C or SIGTERM between creating the folder and marking it would leave a
    # folder nobody may remove: they wait until the mark is written.
    stop = {signal.SIGINT, signal.SIGTERM}
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, stop)
    folder = None
    name = f"{os.getpid()}-{os.urandom(6).hex()}"
    note = root / STAGING / name
    try:
        # The note first: whatever instant a crash comes at, the folder is known.
        note.parent.mkdir(parents=True, exist_ok=True)
        planned = target.parent.resolve() / f".{target.name}.infopages-new-{name}"
        note.write_text(str(planned))
        planned.mkdir()           # with the user's umask, as every folder of the site
        folder = planned
        (folder / MARK).write_text(f"{os.getpid()}\n")
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        yield folder
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        if not journal.pending(root):
            if folder is not None:
                remove_marked(folder)
            note.unlink(missing_ok=True)


def remove_stale(root: Path) -> int:
    """Staging folders of commands that were killed (never while a journal is open:
    its files are still to be moved). Returns how many were removed."""
    folder = root / STAGING
    if journal.pending(root) or not folder.is_dir():
        return 0
    removed = 0
    for note in folder.iterdir():
        pid = note.name.split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            staged = Path(note.read_text().strip() or "/nonexistent")
            if staged.name.endswith(f".infopages-new-{note.name}"):
                remove_marked(staged)
                if staged.is_dir() and not any(staged.iterdir()):
                    staged.rmdir()      # created, killed before its mark was written
                removed += not staged.exists()
            note.unlink(missing_ok=True)
    return removed


def _alive(pid: int) -> bool:
    """Whether process `pid` still runs. A killed build's workers may linger as zombies
    (dead, not yet reaped: an init that does not reap orphans keeps them), and a zombie
    writes nothing: it counts as dead."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text("ascii", "replace")
    except OSError:
        return True        # no /proc (not Linux): signal 0 is all there is to go on
    return stat.rsplit(")", 1)[-1].split()[:1] not in (["Z"], ["X"])


# -- publishing -----------------------------------------------------------------

def publish(root: Path, target: Path, staged: Path, files: Iterable[str],
            removes: Iterable[str], commit: Callable[[], None] | None = None,
            compare: bool = False) -> int:
    """Move `files` (relative paths, written under `staged`) into `target` and remove
    `removes` from it, as one step that survives a crash; `commit` runs at the commit
    point (after the journal is written, before anything moves). With `compare`,
    files equal to what `target` has are left alone. Returns the files changed."""
    old = owned(target) if target.exists() else None
    wanted = set(files)
    removes = sorted((set(removes) & (old or set())) - {FILES_LIST})
    listed = ((old or set()) | wanted | {FILES_LIST}) - set(removes)
    if listed != old or not (target / FILES_LIST).is_file():   # 40,000 lines: only if new
        (staged / FILES_LIST).parent.mkdir(parents=True, exist_ok=True)
        (staged / FILES_LIST).write_bytes(files_list(listed))
        wanted.add(FILES_LIST)
    if old is None:        # a new folder: moved in whole
        plan = Journal(((str(staged), str(target)),))
        count = len(wanted)
    else:
        _refuse_foreign(target, wanted, old)
        moves = sorted(f for f in wanted if not (compare and _same(staged / f, target / f)))
        plan = Journal(tuple((str(staged / f), str(target / f)) for f in moves),
                       tuple(str(target / r) for r in removes), str(target), str(staged))
        count = len(moves) + len(removes) - (FILES_LIST in moves)
    path = journal.commit(root, plan)
    if commit is not None:
        commit()
    journal.apply(plan)
    path.unlink()
    return count


def _refuse_foreign(target: Path, files: set[str], old: set[str]) -> None:
    foreign = sorted(f for f in files if f not in old and os.path.lexists(target / f))
    if foreign:
        raise InputError([Diagnostic(str(target / f), None, "exists and was not made by "
                                     "infopages", "move it out of the output folder")
                          for f in foreign[:20]])


def _same(new: Path, old: Path) -> bool:
    try:
        return old.is_file() and old.stat().st_size == new.stat().st_size and \
            old.read_bytes() == new.read_bytes()
    except OSError:
        return False


def recover(root: Path) -> int:
    """Finish what a killed command left half-done (its journal), and remove what it
    left behind (staging folders, an `update`'s temporary files, partial snapshots);
    every command calls this first. Returns the journals finished."""
    with try_lock(root) as free:
        if not free:
            return 0      # the command that holds the lock is alive: it is its business
        done = journal.recover(root)
        remove_stale(root)
        journal.remove_leftovers(root / "locales")    # of an `update` killed before its commit
        _remove_partial_files(root / ".infopages-cache")
        return done


def _remove_partial_files(cache: Path) -> None:
    """`.NAME.PID.tmp` files the record writes (catalogue snapshots, by locale and
    domain: `po/LL/.DOMAIN.po.PID.tmp`) whose writer died."""
    found = [*cache.glob("*/.*.tmp"), *cache.glob("*/*/.*.tmp")] if cache.is_dir() else []
    for path in found:
        pid = path.name.rsplit(".", 2)[-2]
        if pid.isdigit() and not _alive(int(pid)):
            path.unlink(missing_ok=True)
    # Jinja's bytecode cache writes `__jinja2_HASH.cacheXXXX.tmp` (no pid in the name);
    # this runs holding the project lock, so no command is writing one now.
    for path in cache.glob("jinja/__jinja2_*.tmp") if cache.is_dir() else ():
        path.unlink(missing_ok=True)
