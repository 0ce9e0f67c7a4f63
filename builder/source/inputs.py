"""Which files a build reads: found once, by one walk, for every command.

The full build, the incremental build, the up-to-date check and `serve` all
see the project through `scan`: the same files, classified the same way, and
the same refusals. A rebuild therefore never sees less than a full build does.

Rules (the README's "What a build reads"):
- only `content/`, `templates/` and `locales/` are read;
- names starting with `.` and editor leftovers (`name~`, `#name#`) are ignored;
- a symbolic link is followed only when it resolves inside the project; one
  that leads outside, loops or dangles is an error, as is a device, a FIFO or
  a socket: nothing from outside the project is ever read or published;
- in `content/{topics,news,pages}/` every `*.md` entry must be a file.
"""

from __future__ import annotations

import errno
import os
import stat
import time
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Mapping

from builder.errors import Diagnostic, InputError
from builder.source.localecodes import catalogue_folder_errors

if TYPE_CHECKING:
    from builder.source.config import SiteConfig

FOLDERS = ("content", "templates", "locales")
PAGE_FOLDERS = {"topics": "topic", "news": "news", "pages": "page"}
TEMPLATE_SUFFIXES = (".html", ".xml")
# (mtime_ns, size, ctime_ns, inode): a copy that keeps the modification time (`cp -p`,
# `rsync -t`, `touch -r`) still moves ctime, which no tool can set back.
Fingerprint = tuple[int, int, int, int]


def fingerprint(info: os.stat_result) -> Fingerprint:
    return info.st_mtime_ns, info.st_size, info.st_ctime_ns, info.st_ino


# A save within one tick of the file system's clock after a fingerprint was taken can
# leave every field of it as it was (git's "racily clean" files). The tick: two seconds
# on FAT, one on file systems with whole-second times, at most 10 ms of the kernel's
# coarse clock on others — unless the file system stamps every change afresh once its
# time was read (Linux's multigrain timestamps), as a scan reads it.
COARSE_TICK_NS = 2_100_000_000
FINE_TICK_NS = 20_000_000


def racy(fingerprint: Fingerprint, taken_ns: int, tick: int = FINE_TICK_NS) -> bool:
    """Whether a save just after `taken_ns` (when `fingerprint` was taken) could have kept
    it as it is: the file's time is within a tick of that moment (`tick`: the file
    system's, from `clock_tick`; whole-second times have a coarse one). Such a file is
    to be read, not trusted by its fingerprint."""
    if fingerprint[0] % 1_000_000_000 == 0:
        tick = COARSE_TICK_NS
    return fingerprint[0] > taken_ns - tick


def clock_tick(probe: Path) -> int:
    """0 if the file system gives a change a time of its own after a stat (two writes of
    `probe`, ours and removed, with a stat between: twice, to rule out a tick falling
    between them by chance); else FINE_TICK_NS."""
    try:
        for _ in range(2):
            probe.write_bytes(b"1")
            first = probe.stat().st_mtime_ns
            probe.write_bytes(b"2")
            if probe.stat().st_mtime_ns == first:
                return FINE_TICK_NS
        return 0
    except OSError:
        return FINE_TICK_NS
    finally:
        probe.unlink(missing_ok=True)


def wait_past_tick(mtime_ns: int, probe: Path) -> None:
    """Return once a file written now gets a later time than `mtime_ns`, so that a save
    after this returns cannot leave a file written at `mtime_ns` with its fingerprint.
    `probe`: a scratch file of ours, on the same file system, removed here."""
    deadline = time.monotonic() + 2 * COARSE_TICK_NS / 1e9
    try:
        while time.monotonic() < deadline:
            probe.write_bytes(b"")
            if probe.stat().st_mtime_ns > mtime_ns:
                return
            time.sleep(0.001)
    finally:
        probe.unlink(missing_ok=True)


def file_fingerprint(path: Path) -> Fingerprint | None:
    """A file's fingerprint, or None if it cannot be read."""
    try:
        return fingerprint(path.stat())
    except OSError:
        return None


@dataclass(frozen=True)
class InputFile:
    """One file the scan found, classified, with the fingerprint that tells of a change."""
    path: str                 # relative to the project, with `/`: "content/news/x.md"
    kind: str                 # see `classify`
    fingerprint: Fingerprint


@dataclass(frozen=True)
class Inputs:
    """Every input file of a project, and the problems found while looking."""
    root: Path
    files: Mapping[str, InputFile]
    errors: tuple[Diagnostic, ...] = ()
    scanned_ns: int | None = None   # when the walk began (time.time_ns()); None: unknown

    def of_kind(self, kind: str) -> list[InputFile]:
        return [f for _, f in sorted(self.files.items()) if f.kind == kind]

    def fingerprints(self) -> dict[str, Fingerprint]:
        return {path: f.fingerprint for path, f in self.files.items()}

    def absolute(self, path: str) -> Path:
        return self.root / path


def classify(path: str) -> str:
    """The role of a project file, from its path alone.

    config, page, media, other-content, template, static, other-template,
    catalogue, pot, glossary, other-locales."""
    parts = path.split("/")
    top = parts[0]
    if top == "content":
        if path == "content/site.yaml":
            return "config"
        if len(parts) >= 3 and parts[1] == "media":
            return "media"
        if len(parts) == 3 and parts[1] in PAGE_FOLDERS and parts[2].endswith(".md"):
            return "page"
        return "other-content"
    if top == "templates":
        if len(parts) >= 3 and parts[1] == "static":
            return "static"
        return "template" if path.endswith(TEMPLATE_SUFFIXES) else "other-template"
    if path == "locales/glossary.yaml":
        return "glossary"
    if len(parts) == 2 and parts[1].endswith(".pot"):
        return "pot"
    if len(parts) == 4 and parts[2] == "LC_MESSAGES" and parts[3].endswith(".po"):
        return "catalogue"
    return "other-locales"


def ignored(name: str) -> bool:
    """Hidden files and editors' backups, swap and lock files."""
    return name.startswith((".", "#")) or name.endswith("~")


def scan(root: Path) -> Inputs:
    """Walk the project's input folders: os.scandir and stat, no file is opened."""
    walker, began = _Walker(root), time.time_ns()
    for folder in FOLDERS:
        base = root / folder
        if base.is_dir() or base.is_symlink():
            walker.enter(base, folder)
    return Inputs(root, MappingProxyType(dict(sorted(walker.files.items()))),
                  tuple(walker.errors), began)


class _Walker:
    """A depth-first walk with os.scandir: one stat per entry, links resolved only
    when there is one (a 10,000-page site is scanned in tens of milliseconds)."""

    def __init__(self, root: Path):
        self.root = root
        self.real_root = root.resolve()
        self.files: dict[str, InputFile] = {}
        self.errors: list[Diagnostic] = []
        self.seen_dirs: set[tuple[int, int]] = set()

    def error(self, rel: str, message: str, hint: str) -> None:
        self.errors.append(Diagnostic(rel, None, message, hint))

    def enter(self, folder: Path, rel: str) -> None:
        info = self._target(str(folder), rel, folder.is_symlink())
        if info is None:
            return
        if not stat.S_ISDIR(info.st_mode):
            self.error(rel, "a file where a folder is expected", f"make {rel}/ a folder")
            return
        self._list(str(folder), rel, info)

    def _list(self, folder: str, rel: str, info: os.stat_result) -> None:
        if (info.st_dev, info.st_ino) in self.seen_dirs:
            self.error(rel, "a folder reached twice (through a symbolic link)",
                       "remove the link")
            return
        self.seen_dirs.add((info.st_dev, info.st_ino))
        try:
            with os.scandir(folder) as found:
                entries = sorted(found, key=lambda e: e.name)
        except OSError as exc:
            self.error(rel, f"folder cannot be read ({exc.strerror})", "check its permissions")
            return
        for entry in entries:
            if not ignored(entry.name):
                self.visit(entry, f"{rel}/{entry.name}")

    def visit(self, entry: os.DirEntry, rel: str) -> None:
        info = self._target(entry.path, rel, entry.is_symlink(), entry)
        if info is None:
            return
        kind = classify(rel)
        if stat.S_ISDIR(info.st_mode):
            if kind == "page":
                self.error(rel, "a folder named like a page (pages are files ending in .md)",
                           "rename the folder or move it out of " + rel.rsplit("/", 1)[0] + "/")
                return
            self._list(entry.path, rel, info)
        elif stat.S_ISREG(info.st_mode):
            self.files[rel] = InputFile(rel, kind, fingerprint(info))
        else:
            self.error(rel, "not a regular file (a device, FIFO or socket)",
                       "remove it from the project")

    def _target(self, path: str, rel: str, link: bool,
                entry: os.DirEntry | None = None) -> os.stat_result | None:
        """The stat of what `path` is, following a link only when it stays inside."""
        try:
            if link:
                real = Path(path).resolve(strict=True)
                if not real.is_relative_to(self.real_root):
                    self.error(rel, "a symbolic link to a place outside the project",
                               "copy the file into the project instead of linking to it")
                    return None
                return os.stat(path)
            return entry.stat(follow_symlinks=False) if entry is not None else os.stat(path)
        except RuntimeError:      # Python < 3.13 reports a loop this way
            self.error(rel, "a symbolic link loop", "remove the link")
        except FileNotFoundError:
            if link:
                self.error(rel, "a broken symbolic link", "remove it or fix its target")
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                self.error(rel, "a symbolic link loop", "remove the link")
            else:
                self.error(rel, f"cannot be read ({exc.strerror})", "check its permissions")
        return None


def checked_scan(root: Path, config: SiteConfig | None = None,
                 scanned: Inputs | None = None) -> Inputs:
    """The project's input files (`scanned`, or a new scan); the problems of the scan
    stop the command, and so does a catalogue folder of a configured locale named in
    another form (`config`)."""
    inputs = scan(root) if scanned is None else scanned
    errors = list(inputs.errors)
    if config is not None:
        errors += catalogue_folder_errors(config.locales, inputs.files)
    if errors:
        raise InputError(errors)
    return inputs
