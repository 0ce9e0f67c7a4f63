"""One folder per broken input under tests/broken/: the files that break the
`mini` site, and `expected.txt`, exactly what `infopages build` must print.

Each must exit 2, print no traceback, and leave the previous site untouched.
Regenerate an expected file only after reading the new message: it is the
user interface.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from builder.cli.app import main

BROKEN = Path(__file__).parents[1] / "broken"
CASES = sorted(p.name for p in BROKEN.iterdir() if p.is_dir())


@pytest.mark.parametrize("case", CASES)
def test_broken_input_is_reported_with_file_and_line(case: str, mini: Path, capsys):
    assert main(["build", "--project", str(mini)]) == 0
    before = {p: p.read_bytes() for p in (mini / "site").rglob("*") if p.is_file()}
    for path in (BROKEN / case).rglob("*"):
        if path.is_file() and path.name != "expected.txt":
            target = mini / path.relative_to(BROKEN / case)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
    capsys.readouterr()
    assert main(["build", "--project", str(mini)]) == 2
    err = capsys.readouterr().err
    assert err == (BROKEN / case / "expected.txt").read_text("utf-8")
    assert "Traceback" not in err
    after = {p: p.read_bytes() for p in (mini / "site").rglob("*") if p.is_file()}
    assert after == before
