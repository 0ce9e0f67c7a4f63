"""What extract and update remember between runs gives the same files as starting afresh."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import polib
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import rule

from builder.cli.app import main
from tests.catalogues.miniedits import (
    MiniEdits,
    news_page,
    replace_once,
    set_body,
)
from tests.conftest import copy_theme, make_project


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


# -- random edit sequences: update with its memo = update from scratch ----------------
# The memo keeps a domain's POT when nothing it is made of changed (memo.domain_keys)
# and reuses the last build's pages (pagememo.loaded_pages): any edit, by an author, a
# translator or by hand in a POT, must still give the files a fresh update gives.

class UpdateWithMemo(MiniEdits):
    def __init__(self):
        super().__init__()
        self.tmp = Path(tempfile.mkdtemp())
        self.root = make_project(self.tmp, "mini")
        copy_theme(self.root)
        assert main(["update", "--project", str(self.root)]) == 0

    def teardown(self):
        try:
            self.update()     # every sequence ends compared, whatever its last step
        finally:
            shutil.rmtree(self.tmp, ignore_errors=True)

    @rule(which=st.integers(0, 2), text=st.sampled_from(["Changed.", "Body of the second item."]))
    def edit_body(self, which: int, text: str) -> None:
        set_body(news_page(self.root, which), text)

    @rule(which=st.integers(0, 2))
    def edit_title(self, which: int) -> None:
        replace_once(news_page(self.root, which), "title: ", "title: New ")

    @rule()
    def edit_site_title(self) -> None:
        replace_once(self.root / "content" / "site.yaml", "title: ", "title: The ")

    @rule(domain=st.sampled_from(["ui", "news-2020", "news-2021", "topics"]),
          how=st.sampled_from(["append", "remove"]))
    def touch_pot_by_hand(self, domain: str, how: str) -> None:
        path = self.root / "locales" / f"{domain}.pot"
        if path.is_file() and how == "remove":
            path.unlink()
        elif path.is_file():
            path.write_text(path.read_text("utf-8") + '\nmsgid "By hand"\nmsgstr ""\n', "utf-8")

    @rule(domain=st.sampled_from(["news-2020", "news-2021", "topics"]))
    def translate(self, domain: str) -> None:
        path = po(self.root, "fr", domain)
        if path.is_file():
            catalogue = polib.pofile(str(path), wrapwidth=0)
            for entry in catalogue:
                if not entry.msgstr and not entry.obsolete:
                    entry.msgstr = "Traduit."
                    break
            catalogue.save()

    @rule()
    def build(self) -> None:
        """The build record's pages are what `update` reuses."""
        main(["build", "--project", str(self.root), "--quiet"])

    @rule()
    def update(self) -> None:
        status = main(["update", "--project", str(self.root)])
        copy = self.tmp / "fresh"
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(self.root, copy, ignore=shutil.ignore_patterns(".infopages-cache",
                                                                       "site"))
        assert main(["update", "--project", str(copy)]) == status
        assert files(self.root) == files(copy)


UpdateWithMemo.TestCase.settings = settings(max_examples=30, stateful_step_count=12,
                                            deadline=None)
TestUpdateWithMemo = UpdateWithMemo.TestCase
