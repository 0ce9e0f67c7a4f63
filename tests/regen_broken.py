"""Rewrite tests/broken/*/expected.txt from what `infopages build` prints now.

Run `python -m tests.regen_broken`, then READ the diff: these messages are the
user interface for authors and translators.
"""

from __future__ import annotations

import contextlib
import io
import shutil
import tempfile
from pathlib import Path

from builder.cli.app import main

HERE = Path(__file__).resolve().parent


def regenerate() -> None:
    for case in sorted(p for p in (HERE / "broken").iterdir() if p.is_dir()):
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp) / "mini"
            shutil.copytree(HERE / "sites" / "mini", root)
            shutil.copytree(case, root, dirs_exist_ok=True)
            (root / "expected.txt").unlink(missing_ok=True)
            err = io.StringIO()
            with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
                status = main(["build", "--project", str(root)])
            (case / "expected.txt").write_text(err.getvalue(), "utf-8")
            print(f"{case.name}: exit {status}")


if __name__ == "__main__":
    regenerate()
