"""Nothing from outside the project is read or published; parsers have limits."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from builder.cli.app import main
from tests.output.test_ownership import sources, tree


def build(root: Path, *extra: str) -> int:
    return main(["build", "--project", str(root), *extra])


@pytest.fixture
def built(mini: Path) -> Path:
    assert build(mini) == 0
    return mini


def refused(root: Path, capsys, expected: str) -> None:
    """The build exits 2 naming the input, and nothing the builder owns changes."""
    site = tree(root / "site")
    before = sources(root)
    capsys.readouterr()
    assert build(root) == 2
    err = capsys.readouterr().err
    assert expected in err, err
    assert "internal error" not in err and "Traceback" not in err
    assert tree(root / "site") == site
    assert sources(root) == before


def test_a_link_to_a_folder_outside_the_project_is_refused(built: Path, capsys):
    (built / "content" / "media").mkdir()
    (built / "content" / "media" / "etc").symlink_to("/etc")
    refused(built, capsys, "content/media/etc: error: a symbolic link to a place outside "
                           "the project")
    assert not (built / "site" / "media").exists()


def test_a_page_linked_from_outside_the_project_is_refused(built: Path, tmp_path: Path, capsys):
    outside = tmp_path / "elsewhere.md"
    outside.write_text("---\ntitle: Not ours\n---\n\nPrivate.\n")
    (built / "content" / "pages" / "x.md").symlink_to(outside)
    refused(built, capsys, "content/pages/x.md: error: a symbolic link to a place outside")


def test_links_inside_the_project_are_followed(built: Path):
    (built / "content" / "media").mkdir()
    (built / "content" / "media" / "logo.png").write_bytes(b"\x89PNG")
    (built / "content" / "media" / "same.png").symlink_to("logo.png")
    assert build(built) == 0
    assert (built / "site" / "media" / "same.png").read_bytes() == b"\x89PNG"
    assert not (built / "site" / "media" / "same.png").is_symlink()


def test_a_symlink_loop_and_a_broken_link_are_refused(built: Path, capsys):
    media = built / "content" / "media"
    media.mkdir()
    (media / "loop").symlink_to("loop")
    (media / "gone.png").symlink_to("nothing-here.png")
    refused(built, capsys, "content/media/gone.png: error: a broken symbolic link — remove it "
                           "or fix its target\ncontent/media/loop: error: a symbolic link loop")


def test_a_fifo_is_refused_without_hanging(built: Path, capsys):
    os.mkfifo(built / "content" / "pages" / "pipe.md")
    refused(built, capsys, "content/pages/pipe.md: error: not a regular file")


def test_hidden_files_and_editor_leftovers_are_ignored_by_every_build(built: Path, capsys):
    pages = built / "content" / "pages"
    (pages / ".draft.md").write_text("---\ntitle: [broken\n---\n")
    (pages / "about.md~").write_text("backup")
    (pages / ".#about.md").symlink_to("nobody@host.1234")        # an Emacs lock file
    capsys.readouterr()
    assert build(built) == 0
    assert "up to date" in capsys.readouterr().out
    assert build(built, "--full") == 0


def test_a_yaml_bomb_is_refused_quickly_in_bounded_memory(mini: Path, tmp_path: Path):
    levels = "".join(f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]\n"
                     for i in range(8))
    (mini / "content" / "pages" / "bomb.md").write_text(
        '---\ntitle: Bomb\na: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
        + levels + "---\n\nBoom.\n")

    def limit() -> None:   # 1 GiB of address space: expanding the bomb would need far more
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    run = subprocess.run([sys.executable, "-m", "builder", "build", "--project", str(mini)],
                         capture_output=True, text=True, timeout=120, preexec_fn=limit)
    assert run.returncode == 2, run.stderr
    assert "content/pages/bomb.md:2: error: YAML expands to more than" in run.stderr
    assert "unknown key" not in run.stderr   # nothing after the bomb was constructed
