"""The page manifest in parts: a rebuild rewrites the parts of the entries that
changed, and only those; when the number of parts changes (pages added or
removed across a power of two), every part is rewritten and the parts no
longer used are removed. The site equals a full build's in every case.

The fixture `diff` has 52 entries; at the real part size that is one part, so
the size is set to 13 here: 4 full parts, 8 after one page is added.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from builder.cli.app import main
from builder.output import manifest
from builder.output.manifest import is_manifest_file, read_manifest
from tests.conftest import make_project
from tests.engine.test_incremental import stamps, tree

NEWS = """---
title: "Added {n}"
date: 2022-05-0{n}
---
Body of added item {n}.
"""


@pytest.fixture(autouse=True)
def small_parts(monkeypatch):
    monkeypatch.setattr(manifest, "PART_SIZE", 13)


def build(root: Path, *extra: str) -> None:
    assert main(["build", "--project", str(root), "--quiet", *extra]) == 0


def same_as_full_build(project: Path, tmp_path: Path) -> dict[str, bytes]:
    copy = tmp_path / "reference"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(project, copy, ignore=shutil.ignore_patterns("site", ".infopages-cache"))
    build(copy, "--full")
    got, want = tree(project / "site"), tree(copy / "site")
    assert sorted(got) == sorted(want)
    assert [p for p in got if got[p] != want[p]] == []
    return got


def parts(site: Path) -> list[str]:
    return sorted(p.name for p in (site / "_infopages" / "pages").iterdir())


def test_parts_follow_the_page_count_and_a_rebuild_rewrites_only_changed_parts(tmp_path):
    project = make_project(tmp_path, "diff")
    build(project)
    site = project / "site"
    assert parts(site) == ["0.json", "1.json", "2.json", "3.json"]
    assert len(read_manifest(site)) == 52

    # One page added (in 4 languages, published and preview): 60 entries, 8 parts.
    (project / "content/news/2022-05-01-added.md").write_text(NEWS.format(n=1), "utf-8")
    build(project)
    assert parts(site) == [f"{k}.json" for k in range(8)]
    files = same_as_full_build(project, tmp_path)
    assert len(read_manifest(site)) == 60
    assert "fr/news/2022-05-01-added.html" in read_manifest(site)
    assert sum(1 for f in files if is_manifest_file(f)) == 9

    # A body edit: its page's entries change (the blocks' lines) in their parts only.
    before = stamps(site)
    page = project / "content/news/2022-05-01-added.md"
    page.write_text(NEWS.format(n=1).replace("Body of", "A line\n\nBody of"), "utf-8")
    build(project)
    same_as_full_build(project, tmp_path)
    after = stamps(site)
    touched = {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}
    written = {p for p in touched if is_manifest_file(p)}
    holding = {manifest.part_name(manifest.part_of(manifest.spread(path), 8))
               for path in read_manifest(site) if "2022-05-01-added" in path}
    assert written == holding and 1 <= len(written) < 8
    assert "_infopages/pages.json" not in written

    # Removed again: back to 4 parts; parts 4–7 are gone from the site and its file list.
    page.unlink()
    build(project)
    assert parts(site) == ["0.json", "1.json", "2.json", "3.json"]
    same_as_full_build(project, tmp_path)
    listed = (site / "_infopages" / "files.txt").read_text("utf-8")
    assert "_infopages/pages/3.json" in listed and "_infopages/pages/4.json" not in listed


def test_a_rebuild_that_changes_no_entry_writes_no_part(tmp_path):
    project = make_project(tmp_path, "diff")
    build(project)
    site = project / "site"
    before = stamps(site)
    page = sorted((project / "content").rglob("*.md"))[0]
    page.write_text(page.read_text("utf-8") + "\n", "utf-8")
    build(project)
    after = stamps(site)
    touched = {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}
    assert not any(is_manifest_file(p) for p in touched)
    same_as_full_build(project, tmp_path)
