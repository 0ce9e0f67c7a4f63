"""What extract and update remember between runs gives the same files as starting afresh."""

from __future__ import annotations

import shutil
from pathlib import Path

import polib

from builder.cli.app import main


def po(root: Path, locale: str) -> Path:
    return root / "locales" / locale / "LC_MESSAGES" / "messages.po"


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted((root / "locales").rglob("*")) if p.is_file()}


def fresh(root: Path, tmp_path: Path, *command: str) -> dict[str, bytes]:
    """The same command in a copy without the cache."""
    copy = tmp_path / "fresh"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns(".infopages-cache", "site"))
    assert main([*command, "--project", str(copy)]) == 0
    return files(copy)


def test_extract_after_an_edit_sees_the_edit(mini: Path, tmp_path: Path):
    assert main(["extract", "--project", str(mini)]) == 0
    page = mini / "content/news/2020-03-01-second.md"
    page.write_text(page.read_text("utf-8").replace("Body of the second item.",
                                                    "A changed body."), "utf-8")
    assert main(["extract", "--project", str(mini)]) == 0
    pot = (mini / "locales/messages.pot").read_text("utf-8")
    assert 'msgid "A changed body."' in pot and "Body of the second item." not in pot
    assert files(mini) == fresh(mini, tmp_path, "extract")


def test_update_skips_nothing_it_should_not(mini: Path, tmp_path: Path, capsys):
    assert main(["update", "--project", str(mini)]) == 0
    assert main(["update", "--project", str(mini)]) == 0       # remembered: nothing to merge
    last = capsys.readouterr().out.splitlines()[-1]     # nothing happened in this run
    assert "new" not in last and last.endswith("(unchanged)"), last
    # A translator's save is merged again, not taken from memory.
    catalogue = polib.pofile(str(po(mini, "fr")), wrapwidth=0)
    next(e for e in catalogue if e.msgid == "Body of the second item.").msgstr = "Corps."
    catalogue.save()
    assert main(["update", "--project", str(mini)]) == 0
    assert 'msgstr "Corps."' in po(mini, "fr").read_text("utf-8")
    assert files(mini) == fresh(mini, tmp_path, "update")
    # So is a change of the sources.
    page = mini / "content/news/2020-03-01-second.md"
    page.write_text(page.read_text("utf-8").replace("Body of the second item.",
                                                    "Body of the second item, changed."), "utf-8")
    assert main(["update", "--project", str(mini)]) == 0
    assert "#| msgid \"Body of the second item.\"" in po(mini, "fr").read_text("utf-8")
    assert files(mini) == fresh(mini, tmp_path, "update")
