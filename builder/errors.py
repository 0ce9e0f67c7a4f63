"""Diagnostics: every problem in the input carries a file, a line and a fix.

Stages never print and never raise on the first problem they meet: they collect
`Diagnostic`s and raise one `InputError` holding all of them, so an author sees
every mistake of a run at once (like a compiler, unlike a traceback).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

MAX_REPORTED = 50


@dataclass(frozen=True)
class Diagnostic:
    """One problem in the input: where it is, what is wrong and how to fix it."""
    path: str
    line: int | None
    message: str
    hint: str = ""
    severity: str = "error"
    column: int | None = None

    def format(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        text = f"{where}: {self.severity}: {self.message}"
        return f"{text} — {self.hint}" if self.hint else text


class InputError(Exception):
    """Bad input: the command stops with exit status 2 and nothing written."""

    def __init__(self, diagnostics: list[Diagnostic] | tuple[Diagnostic, ...]):
        self.diagnostics = tuple(diagnostics)
        super().__init__("\n".join(d.format() for d in self.diagnostics[:MAX_REPORTED]))

    def __reduce__(self):   # crosses process boundaries intact (parallel update)
        return (InputError, (self.diagnostics,))


class Collector:
    """Accumulates diagnostics for one stage; `raise_if_errors` fails once."""

    def __init__(self, root: Path | None = None):
        self.root = root
        self.items: list[Diagnostic] = []

    def rel(self, path: Path | str) -> str:
        path = Path(path)
        if self.root is not None:
            try:
                return path.resolve().relative_to(self.root.resolve()).as_posix()
            except ValueError:
                pass
        return path.as_posix()

    def error(self, path: Path | str, line: int | None, message: str, hint: str = "",
              column: int | None = None) -> None:
        self.items.append(Diagnostic(self.rel(path), line, message, hint, "error", column))

    def warning(self, path: Path | str, line: int | None, message: str, hint: str = "") -> None:
        self.items.append(Diagnostic(self.rel(path), line, message, hint, "warning"))

    def read_text(self, path: Path, message: str, hint: str) -> str | None:
        """A file's UTF-8 text (a BOM is dropped); None, with `path:line: error`, if
        it is not UTF-8 — the line of the first bad byte, where an editor can look."""
        raw = path.read_bytes()
        try:
            return raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            self.error(path, raw[: exc.start].count(b"\n") + 1, message, hint)
            return None

    def extend(self, diagnostics: list[Diagnostic] | tuple[Diagnostic, ...]) -> None:
        self.items.extend(diagnostics)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "warning"]

    def raise_if_errors(self) -> None:
        if self.errors:
            raise InputError(self.errors)
