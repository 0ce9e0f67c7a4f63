"""We delete only what we wrote: output folders, staging folders and files that are not ours."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from builder.cli.app import main


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def sources(root: Path) -> dict[str, bytes]:
    """Everything in the project but what builds write."""
    return {name: data for name, data in tree(root).items()
            if not name.startswith(("site/", ".infopages-cache/"))}


@pytest.mark.parametrize("out", [".", "content", "locales", "templates", "content/media",
                                 "..", "/", "~"])
def test_out_refuses_the_project_its_sources_and_their_parents(mini: Path, out: str, capsys):
    before = sources(mini)
    target = Path(out).expanduser() if out.startswith(("/", "~")) else mini / out
    assert main(["build", "--project", str(mini), "--out", str(target)]) == 2
    assert "output folder" in capsys.readouterr().err
    assert sources(mini) == before


def test_out_refuses_a_folder_that_is_not_ours(mini: Path, tmp_path: Path, capsys):
    other = tmp_path / "documents"
    other.mkdir()
    (other / "thesis.txt").write_text("years of work")
    assert main(["build", "--project", str(mini), "--out", str(other)]) == 2
    assert "not empty and was not made by infopages" in capsys.readouterr().err
    assert tree(other) == {"thesis.txt": b"years of work"}


def test_out_into_an_empty_folder_then_again(mini: Path, tmp_path: Path):
    out = tmp_path / "empty"
    out.mkdir()
    assert main(["build", "--project", str(mini), "--out", str(out)]) == 0
    assert (out / "_infopages" / "files.txt").is_file()
    assert main(["build", "--project", str(mini), "--out", str(out), "--full"]) == 0


def test_folders_that_look_like_ours_are_left_alone(mini: Path):
    """Only folders with our name *and* our mark are staging folders."""
    backup = mini / ".site.backup-2023-12"
    backup.mkdir()
    (backup / "index.html").write_text("an old copy")
    lookalike = mini / ".site.infopages-new-1-abc"     # our name, no mark, dead pid
    lookalike.mkdir()
    (lookalike / "keep.txt").write_text("not ours")
    assert main(["build", "--project", str(mini)]) == 0
    about = mini / "content" / "pages" / "about.md"
    about.write_text(about.read_text() + "\nMore.\n")
    assert main(["build", "--project", str(mini)]) == 0
    assert main(["build", "--project", str(mini), "--full"]) == 0
    assert tree(backup) == {"index.html": b"an old copy"}
    assert tree(lookalike) == {"keep.txt": b"not ours"}


def test_files_we_did_not_write_in_the_site_survive_every_build(mini: Path, capsys):
    contact = mini / "content" / "pages" / "contact.md"
    contact.write_text("---\ntitle: Contact\n---\n\nWrite to us.\n")
    assert main(["build", "--project", str(mini)]) == 0
    (mini / "site" / "robots.txt").write_text("User-agent: *\n")
    (mini / "site" / "en" / "notes").mkdir()
    (mini / "site" / "en" / "notes" / "mine.html").write_text("mine")
    contact.unlink()                                         # an output goes away
    assert main(["build", "--project", str(mini)]) == 0
    assert main(["build", "--project", str(mini), "--full"]) == 0
    assert (mini / "site" / "robots.txt").read_text() == "User-agent: *\n"
    assert (mini / "site" / "en" / "notes" / "mine.html").read_text() == "mine"
    assert not (mini / "site" / "en" / "contact.html").exists()
    assert "robots.txt" not in (mini / "site" / "_infopages" / "files.txt").read_text()


def test_a_file_we_did_not_write_is_never_overwritten(mini: Path, capsys):
    assert main(["build", "--project", str(mini)]) == 0
    (mini / "site" / "en" / "contact.html").write_text("hand-made")
    (mini / "content" / "pages" / "contact.md").write_text("---\ntitle: Contact\n---\n\nWrite.\n")
    assert main(["build", "--project", str(mini)]) == 2
    assert "site/en/contact.html: error: exists and was not made by infopages" in \
        capsys.readouterr().err
    assert (mini / "site" / "en" / "contact.html").read_text() == "hand-made"
    assert not (mini / "site" / "fr" / "contact.html").exists()


def test_output_files_get_the_builders_modes_not_the_sources(mini: Path):
    media = mini / "content" / "media"
    media.mkdir()
    (media / "secret.png").write_bytes(b"\x89PNG")
    os.chmod(media / "secret.png", 0o600)
    assert main(["build", "--project", str(mini)]) == 0
    copied = mini / "site" / "media" / "secret.png"
    assert copied.read_bytes() == b"\x89PNG"
    assert copied.stat().st_mode & 0o077 == (0o666 & ~_umask()) & 0o077
    assert (mini / "site").stat().st_mode & 0o777 == 0o777 & ~_umask()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_a_full_disk_on_the_output_leaves_the_previous_site(mini: Path, tmp_path: Path,
                                                            capsys):
    import subprocess

    disk = tmp_path / "disk"
    disk.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(disk)], check=True)
    try:
        out = disk / "site"
        assert main(["build", "--project", str(mini), "--out", str(out)]) == 0
        before = tree(out)
        news = mini / "content" / "news"
        for number in range(60):     # far more than the 2 MB left can hold
            (news / f"2022-01-{number % 28 + 1:02d}-item-{number}.md").write_text(
                f"---\ntitle: Item {number}\ndate: 2022-01-{number % 28 + 1:02d}\n---\n\n"
                + "Words of the item. " * 2000 + "\n")
        capsys.readouterr()
        assert main(["build", "--project", str(mini), "--out", str(out)]) == 2
        err = capsys.readouterr().err
        assert "cannot write the new site (No space left on device)" in err, err
        assert tree(out) == before
        assert [p.name for p in disk.iterdir()] == ["site"]     # no staging folder left
    finally:
        subprocess.run(["umount", "--lazy", str(disk)], check=True)


def test_the_list_of_our_files_is_rewritten_only_when_the_set_changes(mini: Path):
    """A rebuild that changes a page keeps `files.txt` as it is (40,000 lines on a big
    site); one that adds or removes a page writes the new list, which still names
    exactly the files of the site."""
    assert main(["build", "--project", str(mini)]) == 0
    listing = mini / "site" / "_infopages" / "files.txt"
    stamp = listing.stat().st_ino, listing.stat().st_mtime_ns
    about = mini / "content" / "pages" / "about.md"
    about.write_text(about.read_text() + "\nMore.\n")
    assert main(["build", "--project", str(mini)]) == 0
    assert (listing.stat().st_ino, listing.stat().st_mtime_ns) == stamp
    contact = mini / "content" / "pages" / "contact.md"
    contact.write_text("---\ntitle: Contact\n---\n\nWrite to us.\n")
    assert main(["build", "--project", str(mini)]) == 0
    assert (listing.stat().st_ino, listing.stat().st_mtime_ns) != stamp
    on_disk = {p.relative_to(mini / "site").as_posix()
               for p in (mini / "site").rglob("*") if p.is_file()}
    assert set(listing.read_text("utf-8").split()) == on_disk
    assert any(name.endswith("contact.html") for name in on_disk)
    contact.unlink()
    assert main(["build", "--project", str(mini)]) == 0
    on_disk = {p.relative_to(mini / "site").as_posix()
               for p in (mini / "site").rglob("*") if p.is_file()}
    assert set(listing.read_text("utf-8").split()) == on_disk
    assert not any(name.endswith("contact.html") for name in on_disk)
