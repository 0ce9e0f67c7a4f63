"""`pybabel extract -F babel.cfg` gives the same catalogue as `infopages extract`: one
run over the project, one over the built-in theme (in the package's folder, so that
its files are cited theme/NAME), merged by GNU msgcat."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import polib

import builder
from builder.cli.app import main

PYBABEL = [str(Path(sys.executable).parent / "pybabel"), "extract", "-F", "babel.cfg",
           "-k", "_a", "-c", "Translators:", "-s", "--add-location=file", "--no-wrap"]


# msgcat heads the comments of an entry found in both files with the name of each.
MSGCAT_MARK = re.compile(r"#-#-#-#-#\s+\S+\s+\(PROJECT VERSION\)\s+#-#-#-#-#")


def entries(path: Path) -> list[tuple]:
    # Babel wraps extracted comments at 76 columns whatever --no-wrap says: compare words.
    return [(e.msgctxt, e.msgid, e.msgid_plural, tuple(sorted({f for f, _ in e.occurrences})),
             " ".join(MSGCAT_MARK.sub("", e.comment).split())) for e in polib.pofile(str(path))]


def pybabel_extract(project: Path, cfg: Path, out: Path) -> None:
    package = Path(builder.__file__).parent
    subprocess.run([*PYBABEL, "-o", str(out / "project.pot"), "."], cwd=project, check=True,
                   capture_output=True)
    subprocess.run([*PYBABEL[:2], "-F", str(cfg), *PYBABEL[4:], "-o", str(out / "theme.pot"),
                    "."], cwd=package, check=True, capture_output=True)
    subprocess.run(["msgcat", "--no-wrap", str(out / "project.pot"),
                    str(out / "theme.pot"), "-o", str(out / "pybabel.pot")], check=True)


def test_pybabel_and_infopages_extract_the_same_messages(mini: Path, repo: Path, tmp_path: Path):
    (mini / "babel.cfg").write_text((repo / "babel.cfg").read_text())
    assert main(["extract", "--project", str(mini)]) == 0
    pybabel_extract(mini, mini / "babel.cfg", tmp_path)
    ours, theirs = entries(mini / "locales" / "messages.pot"), entries(tmp_path / "pybabel.pot")
    assert len(ours) > 40
    assert any(refs == ("theme/base.html",) for _, _, _, refs, _ in ours)
    assert ours == theirs


def test_with_project_templates_over_the_theme(mini: Path, repo: Path, tmp_path: Path):
    """A project template's messages come first, cited templates/NAME; the theme's file
    of the same name is still extracted (a project template may extend it)."""
    (mini / "babel.cfg").write_text((repo / "babel.cfg").read_text())
    (mini / "templates").mkdir()
    (mini / "templates" / "page.html").write_text(
        '{% extends "theme/page.html" %}\n{% block after %}\n'
        '{# Translators: a note under every page. #}\n'
        '<p>{{ _("Printed on recycled paper") }}</p>\n<p>{{ _("Skip to main content") }}</p>\n'
        '{% endblock %}\n')
    assert main(["extract", "--project", str(mini)]) == 0
    pybabel_extract(mini, mini / "babel.cfg", tmp_path)
    ours, theirs = entries(mini / "locales" / "messages.pot"), entries(tmp_path / "pybabel.pot")
    assert ours == theirs
    found = {msgid: refs for _, msgid, _, refs, _ in ours}
    assert found["Printed on recycled paper"] == ("templates/page.html",)
    assert found["Skip to main content"] == ("templates/page.html", "theme/base.html")
