"""What extract and update remember between runs gives the same files as starting afresh."""

from __future__ import annotations

import shutil
from pathlib import Path

import polib

from builder.cli.app import main


def po(root: Path, locale: str, domain: str = "news-2020") -> Path:
    return root / "locales" / locale / "LC_MESSAGES" / f"{domain}.po"


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
    pot = (mini / "locales/news-2020.pot").read_text("utf-8")
    assert 'msgid "A changed body."' in pot and "Body of the second item." not in pot
    assert files(mini) == fresh(mini, tmp_path, "extract")


def test_update_skips_nothing_it_should_not(mini: Path, tmp_path: Path, capsys):
    assert main(["update", "--project", str(mini)]) == 0
    assert main(["update", "--project", str(mini)]) == 0       # remembered: nothing to merge
    last = capsys.readouterr().out.splitlines()[-1]     # nothing happened in this run
    counts = last.split(": ", 1)[1]
    assert "new" not in counts and last.endswith("(unchanged)"), last
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


def test_update_merges_only_the_domains_whose_template_changed(mini: Path, tmp_path: Path,
                                                                capsys):
    assert main(["update", "--project", str(mini)]) == 0
    before = {p: p.stat().st_mtime_ns for p in (mini / "locales").rglob("*.po*")}
    page = mini / "content/news/2021-06-30-third.md"
    page.write_text(page.read_text("utf-8") + "\nA new paragraph of 2021.\n", "utf-8")
    capsys.readouterr()
    assert main(["update", "--project", str(mini)]) == 0
    out = capsys.readouterr().out.splitlines()
    changed = sorted(p.relative_to(mini).as_posix() for p, mtime in before.items()
                     if p.stat().st_mtime_ns != mtime)
    assert changed == ["locales/ar/LC_MESSAGES/news-2021.po",
                       "locales/fr/LC_MESSAGES/news-2021.po", "locales/news-2021.pot"]
    written = sorted(line.split(": ")[0].removeprefix(f"{mini}/") for line in out
                     if line.endswith("(written)"))
    assert written == changed
    assert files(mini) == fresh(mini, tmp_path, "update")


def test_a_remembered_catalogue_still_lends_its_obsolete_translations(mini: Path):
    """The same text comes back in another domain: its translation, obsolete in a
    catalogue `update` does not merge this time, is found."""
    assert main(["update", "--project", str(mini)]) == 0
    about = mini / "content/pages/about.md"
    text = about.read_text("utf-8")
    catalogue = polib.pofile(str(po(mini, "fr", "pages")), wrapwidth=0)
    moved = "We protect people across the world. This paragraph is wrapped over several lines."
    catalogue.find(moved).msgstr = "Nous protégeons les gens."
    catalogue.save()
    about.write_text(text.replace(moved, ""), "utf-8")
    assert main(["update", "--project", str(mini)]) == 0      # obsolete in pages.po
    assert polib.pofile(str(po(mini, "fr", "pages"))).obsolete_entries()
    news = mini / "content/news/2021-06-30-third.md"
    news.write_text(news.read_text("utf-8") + f"\n{moved}\n", "utf-8")
    assert main(["update", "--project", str(mini)]) == 0      # pages.po is not merged
    found = polib.pofile(str(po(mini, "fr", "news-2021"))).find(moved)
    assert found.msgstr == "Nous protégeons les gens." and "fuzzy" not in found.flags
