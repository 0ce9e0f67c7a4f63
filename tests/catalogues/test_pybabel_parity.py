"""`pybabel extract -F babel.cfg` gives the same catalogue as `infopages extract`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import polib

from builder.cli.app import main


def entries(path: Path) -> list[tuple]:
    # Babel wraps extracted comments at 76 columns whatever --no-wrap says: compare words.
    return [(e.msgctxt, e.msgid, e.msgid_plural, tuple(sorted({f for f, _ in e.occurrences})),
             " ".join(e.comment.split())) for e in polib.pofile(str(path))]


def test_pybabel_and_infopages_extract_the_same_messages(mini: Path, repo: Path):
    (mini / "babel.cfg").write_text((repo / "babel.cfg").read_text())
    assert main(["extract", "--project", str(mini)]) == 0
    out = mini / "pybabel.pot"
    subprocess.run([Path(sys.executable).parent / "pybabel", "extract", "-F", "babel.cfg",
                    "-k", "_a", "-c", "Translators:", "-s", "--add-location=file", "--no-wrap",
                    "-o", str(out), "."], cwd=mini, check=True, capture_output=True)
    ours, theirs = entries(mini / "locales" / "messages.pot"), entries(out)
    assert len(ours) > 40
    assert ours == theirs
