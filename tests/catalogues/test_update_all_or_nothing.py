"""`update` writes the POTs and every PO file as one transaction, and never shrinks the
catalogue because a source failed to parse."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import polib

from builder.cli.app import main
from builder.source.theme import THEME_DIR


def locales(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted((root / "locales").rglob("*")) if p.is_file()}


def update(root: Path, *extra: str) -> int:
    return main(["update", "--project", str(root), *extra])


def test_a_read_only_catalogue_stops_update_before_anything_is_written(mini: Path, capsys):
    assert update(mini) == 0
    (mini / "content" / "pages" / "about.md").write_text("---\ntitle: About the team\n---\n")
    before = locales(mini)
    ar = mini / "locales" / "ar" / "LC_MESSAGES" / "pages.po"     # about.md's domain
    os.chmod(ar, 0o444)
    capsys.readouterr()
    assert update(mini) == 2
    assert "locales/ar/LC_MESSAGES/pages.po: error: is read-only" in capsys.readouterr().err
    assert locales(mini) == before             # not even the POT, nor fr


def test_a_full_disk_leaves_every_catalogue_as_it_was(mini: Path, tmp_path: Path, capsys):
    disk = tmp_path / "disk"
    disk.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(disk)], check=True)
    try:
        root = disk / "mini"
        shutil.copytree(mini, root)
        assert update(root) == 0
        page = root / "content" / "pages" / "about.md"
        page.write_text(page.read_text() + "\n" + "A much longer paragraph. " * 400 + "\n")
        before = locales(root)
        filler = disk / "filler"
        with open(filler, "wb") as handle:     # leave about as much room as the old files
            free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
            handle.write(b"\0" * max(0, free - sum(len(v) for v in before.values())))
        capsys.readouterr()
        assert update(root) == 2
        err = capsys.readouterr().err
        assert any(cause in err for cause in ("No space left on device", "disk I/O error",
                                              "database or disk is full")), err
        assert "free some disk space" in err and "internal error" not in err
        assert locales(root) == before
        assert not list((root / "locales").rglob("*.tmp"))
        filler.unlink()
        assert update(root) == 0
    finally:
        subprocess.run(["umount", "--lazy", str(disk)], check=True)


def test_leftovers_of_a_killed_update_are_removed(mini: Path):
    assert update(mini) == 0
    folder = mini / "locales" / "fr" / "LC_MESSAGES"
    (folder / ".ui.po.infopages-x1y2.tmp").write_text("half of a file")
    assert update(mini) == 0
    assert not list(folder.glob(".*.tmp"))


def test_a_template_that_does_not_parse_never_shrinks_the_catalogue(mini: Path, capsys):
    (mini / "templates").mkdir()     # the project's own copy of the theme's base template
    shutil.copy(THEME_DIR / "base.html", mini / "templates" / "base.html")
    assert update(mini) == 0
    pot = (mini / "locales" / "ui.pot").read_bytes()     # the templates' domain
    before = locales(mini)
    base = mini / "templates" / "base.html"
    text = base.read_text()
    base.write_text(text.replace("</footer>", '{{ _("x" }}\n</footer>', 1))
    line = text[: text.index("</footer>")].count("\n") + 1
    for command in (["extract"], ["update"], ["update", "--prune-obsolete"], ["build"]):
        capsys.readouterr()
        assert main([*command, "--project", str(mini)]) == 2
        assert f"templates/base.html:{line}: error: template syntax error" in \
            capsys.readouterr().err
    assert locales(mini) == before
    base.write_text(text)
    assert update(mini, "--prune-obsolete") == 0
    assert (mini / "locales" / "ui.pot").read_bytes() == pot
    assert not polib.pofile(str(mini / "locales/fr/LC_MESSAGES/ui.po")).obsolete_entries()
