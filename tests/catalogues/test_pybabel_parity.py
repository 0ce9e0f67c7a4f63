"""`pybabel extract` gives the same messages as `infopages extract`, domain by domain.

babel.cfg extracts every message of the site (a site with `catalogues: {split:
none}`: locales/messages.pot); with `domain = NAME` under its
[infopages_content] sections (and without the [jinja2] sections for any domain
but `ui`) it extracts one domain (locales/NAME.pot)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import polib
import pytest

from builder.cli.app import main

DOMAINS = ["ui", "topics", "pages", "news-2020", "news-2021"]


def entries(path: Path) -> list[tuple]:
    # Babel wraps extracted comments at 76 columns whatever --no-wrap says: compare words.
    return [(e.msgctxt, e.msgid, e.msgid_plural, tuple(sorted({f for f, _ in e.occurrences})),
             " ".join(e.comment.split())) for e in polib.pofile(str(path))]


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


def pybabel(root: Path, cfg: str, out: Path) -> None:
    (root / "babel.cfg").write_text(cfg)
    subprocess.run([Path(sys.executable).parent / "pybabel", "extract", "-F", "babel.cfg",
                    "-k", "_a", "-c", "Translators:", "-s", "--add-location=file", "--no-wrap",
                    "-o", str(out), "."], cwd=root, check=True, capture_output=True)


def test_pybabel_and_infopages_extract_the_same_messages_per_domain(mini: Path, repo: Path):
    assert main(["extract", "--project", str(mini)]) == 0
    assert sorted(p.stem for p in (mini / "locales").glob("*.pot")) == sorted(DOMAINS)
    for domain in DOMAINS:
        out = mini / f"pybabel-{domain}.pot"
        pybabel(mini, mapping(repo, domain), out)
        ours, theirs = entries(mini / "locales" / f"{domain}.pot"), entries(out)
        assert ours, domain
        assert ours == theirs, domain
    assert len(entries(mini / "locales/ui.pot")) > 25


@pytest.mark.parametrize("split", ["none"])
def test_pybabel_and_one_catalogue_extract_the_same_messages(mini: Path, repo: Path, split):
    config = mini / "content/site.yaml"
    config.write_text(config.read_text() + f"catalogues: {{split: {split}}}\n")
    assert main(["extract", "--project", str(mini)]) == 0
    assert [p.name for p in (mini / "locales").glob("*.pot")] == ["messages.pot"]
    pybabel(mini, mapping(repo, None), mini / "pybabel.pot")
    ours, theirs = entries(mini / "locales" / "messages.pot"), entries(mini / "pybabel.pot")
    assert len(ours) > 40
    assert ours == theirs
