"""`build --shard I/N` then `build --merge`: the same site as one full build."""

from __future__ import annotations

from pathlib import Path

from builder.cli.app import main
from builder.output.manifest import read_manifest
from tests.engine.test_incremental import tree


def test_shards_merge_into_the_site_a_full_build_makes(mini: Path, tmp_path: Path, capsys):
    project = str(mini)
    assert main(["build", "--project", project, "--quiet", "--full"]) == 0
    parts = []
    for index in (1, 2, 3):
        part = tmp_path / f"part-{index}"
        assert main(["build", "--project", project, "--quiet", "--shard", f"{index}/3",
                     "--out", str(part)]) == 0
        parts.append(part)
    pages = [set(read_manifest(p)) for p in parts]
    assert all(pages) and not (pages[0] & pages[1] or pages[1] & pages[2] or pages[0] & pages[2])
    merged = tmp_path / "merged"
    assert main(["build", "--project", project, "--merge", *map(str, parts),
                 "--out", str(merged)]) == 0
    assert tree(merged) == tree(mini / "site")


def test_a_bad_shard_and_a_folder_that_is_not_a_shard_are_input_errors(mini: Path, tmp_path: Path,
                                                                         capsys):
    assert main(["build", "--project", str(mini), "--shard", "3/2"]) == 2
    assert "error: bad shard `3/2`" in capsys.readouterr().err
    (tmp_path / "stray").mkdir()
    assert main(["build", "--project", str(mini), "--merge", str(tmp_path / "stray"),
                 "--out", str(tmp_path / "out")]) == 2
    assert "not a shard built by infopages" in capsys.readouterr().err
