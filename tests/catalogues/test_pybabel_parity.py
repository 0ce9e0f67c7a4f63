"""`pybabel extract` gives the same messages as `infopages extract`, domain by domain.

babel.cfg extracts every message of the site (a site with `catalogues: {split:
none}`: locales/messages.pot); with `domain = NAME` under its
[infopages_content] sections (and without the [jinja2] sections for any domain
but `ui`) it extracts one domain (locales/NAME.pot). The templates' messages come
from two runs: one over the project, one over the built-in theme (in the
package's folder, so that its files are cited theme/NAME), merged by GNU msgcat."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import polib
import pytest

import builder
from builder.cli.app import main

DOMAINS = ["ui", "topics", "pages", "news-2020", "news-2021"]
PYBABEL = [str(Path(sys.executable).parent / "pybabel"), "extract", "-F", "babel.cfg",
           "-k", "_a", "-c", "Translators:", "-s", "--add-location=file", "--no-wrap"]


# msgcat heads the comments of an entry found in both files with the name of each.
MSGCAT_MARK = re.compile(r"#-#-#-#-#\s+\S+\s+\(PROJECT VERSION\)\s+#-#-#-#-#")


def entries(path: Path) -> list[tuple]:
    # Babel wraps extracted comments at 76 columns whatever --no-wrap says: compare words.
    return [(e.msgctxt, e.msgid, e.msgid_plural, tuple(sorted({f for f, _ in e.occurrences})),
             " ".join(MSGCAT_MARK.sub("", e.comment).split())) for e in polib.pofile(str(path))]


def mapping(repo: Path, domain: str | None) -> str:
    """babel.cfg, or its variant for one domain."""
    sections = repo.joinpath("babel.cfg").read_text().split("\n[")
    out = [sections[0]]
    for section in sections[1:]:
        if section.startswith("infopages_content:") and domain:
            section = section.rstrip("\n") + f"\ndomain = {domain}\n"
        elif section.startswith("jinja2:") and domain not in (None, "ui"):
            continue
        out.append(section)
    return "\n[".join(out)


def pybabel_extract(project: Path, cfg: str, out: Path) -> Path:
    """pybabel over the project, and for a mapping with templates over the built-in
    theme too, merged by msgcat: the catalogue `out`/pybabel.pot."""
    (project / "babel.cfg").write_text(cfg)
    subprocess.run([*PYBABEL, "-o", str(out / "project.pot"), "."], cwd=project, check=True,
                   capture_output=True)
    if "[jinja2:" not in cfg:
        return out / "project.pot"
    package = Path(builder.__file__).parent
    subprocess.run([*PYBABEL[:2], "-F", str(project / "babel.cfg"), *PYBABEL[4:],
                    "-o", str(out / "theme.pot"), "."], cwd=package, check=True,
                   capture_output=True)
    subprocess.run(["msgcat", "--no-wrap", str(out / "project.pot"),
                    str(out / "theme.pot"), "-o", str(out / "pybabel.pot")], check=True)
    return out / "pybabel.pot"


def test_pybabel_and_infopages_extract_the_same_messages_per_domain(mini: Path, repo: Path,
                                                                    tmp_path: Path):
    assert main(["extract", "--project", str(mini)]) == 0
    assert sorted(p.stem for p in (mini / "locales").glob("*.pot")) == sorted(DOMAINS)
    for domain in DOMAINS:
        out = tmp_path / domain
        out.mkdir()
        theirs = entries(pybabel_extract(mini, mapping(repo, domain), out))
        ours = entries(mini / "locales" / f"{domain}.pot")
        assert ours, domain
        assert ours == theirs, domain
    ui = entries(mini / "locales/ui.pot")
    assert len(ui) > 25
    assert any(refs == ("theme/base.html",) for _, _, _, refs, _ in ui)


@pytest.mark.parametrize("split", ["none"])
def test_pybabel_and_one_catalogue_extract_the_same_messages(mini: Path, repo: Path,
                                                             tmp_path: Path, split):
    config = mini / "content/site.yaml"
    config.write_text(config.read_text() + f"catalogues: {{split: {split}}}\n")
    assert main(["extract", "--project", str(mini)]) == 0
    assert [p.name for p in (mini / "locales").glob("*.pot")] == ["messages.pot"]
    theirs = entries(pybabel_extract(mini, mapping(repo, None), tmp_path))
    ours = entries(mini / "locales" / "messages.pot")
    assert len(ours) > 40
    assert any(refs == ("theme/base.html",) for _, _, _, refs, _ in ours)
    assert ours == theirs


def test_with_project_templates_over_the_theme(mini: Path, repo: Path, tmp_path: Path):
    """A project template's messages come first, cited templates/NAME; the theme's file
    of the same name is still extracted (a project template may extend it)."""
    (mini / "templates").mkdir()
    (mini / "templates" / "page.html").write_text(
        '{% extends "theme/page.html" %}\n{% block after %}\n'
        '{# Translators: a note under every page. #}\n'
        '<p>{{ _("Printed on recycled paper") }}</p>\n<p>{{ _("Skip to main content") }}</p>\n'
        '{% endblock %}\n')
    assert main(["extract", "--project", str(mini)]) == 0
    theirs = entries(pybabel_extract(mini, mapping(repo, "ui"), tmp_path))
    ours = entries(mini / "locales" / "ui.pot")
    assert ours == theirs
    found = {msgid: refs for _, msgid, _, refs, _ in ours}
    assert found["Printed on recycled paper"] == ("templates/page.html",)
    assert found["Skip to main content"] == ("templates/page.html", "theme/base.html")
