"""`update` merges only the changed entries of a catalogue it wrote itself (`patch`), and
that gives byte for byte what merging the whole catalogue gives."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import replace
from pathlib import Path

import polib
import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import initialize, rule

from builder import pipeline
from builder.catalogues import patch
from builder.cli.app import main
from builder.engine import catalogues as work
from builder.engine import localemerge
from builder.engine.localemerge import merge_locale
from builder.errors import InputError
from builder.source.config import load_config
from builder.source.inputs import scan
from tests.catalogues.miniedits import (
    MiniEdits,
    news_page,
    set_body,
)
from tests.conftest import copy_theme, make_project

HEADER = 'msgid ""\nmsgstr ""\n"Language: fr\\n"'
ENTRY = '#: a.md\nmsgid "One"\nmsgstr "Un"'
OBSOLETE = '#~ msgid "Two"\n#~ msgstr "Deux"'


def test_a_catalogue_update_wrote_is_cut_into_its_blocks():
    pieces = patch.cut(f"{HEADER}\n\n{ENTRY}\n\n{OBSOLETE}\n")
    assert pieces == patch.Pieces(HEADER, (ENTRY,), (OBSOLETE,))


@pytest.mark.parametrize("text", [
    f"{HEADER}\n\n#: a.md\n\nmsgid \"One\"\nmsgstr \"Un\"\n",     # a blank line in an entry
    f"{HEADER}\n\n{ENTRY}\n# a comment left at the end\n",       # ends in a comment
    f"{HEADER}\n\n{ENTRY}\n\n\n{OBSOLETE}\n",                    # two blank lines
    f"{HEADER}\n\n{ENTRY}",                                      # no newline at the end
    f"{ENTRY}\n\n{OBSOLETE}\n",                                  # no header
    f"{HEADER}\n\n{OBSOLETE}\n\n{ENTRY}\n",                      # obsolete before active
    f"{HEADER}\n\n{ENTRY}\nmsgid \"Three\"\nmsgstr \"\"\n",      # two entries in a block
    f"{HEADER}\n\n{ENTRY} \n",                                   # trailing space
])
def test_a_layout_that_does_not_prove_its_blocks_is_not_cut(text: str):
    assert patch.cut(text) is None


def test_polib_s_blank_line_at_the_end_is_no_block():
    pieces = patch.cut(f"{HEADER}\n\n{ENTRY}\n\n")
    assert pieces == patch.Pieces(HEADER, (ENTRY,), ())


def test_plan_keeps_the_blocks_of_unchanged_template_entries():
    was = patch.cut(f"{HEADER}\n\nmsgid \"A\"\nmsgstr \"\"\n\nmsgid \"B\"\nmsgstr \"\"\n")
    now = patch.cut(f"{HEADER}\n\nmsgid \"B\"\nmsgstr \"\"\n\nmsgid \"C\"\nmsgstr \"\"\n")
    catalogue = f"{HEADER}\n\nmsgid \"A\"\nmsgstr \"a\"\n\nmsgid \"B\"\nmsgstr \"b\"\n\n{OBSOLETE}\n"
    cut = patch.plan(was, now, catalogue)
    assert cut.kept == (1, None) and cut.gone == (0,) and cut.unchanged == 1
    assert cut.pot_text == f'{HEADER}\n\nmsgid "C"\nmsgstr ""\n'
    assert cut.po_text == f'{HEADER}\n\nmsgid "A"\nmsgstr "a"\n\n{OBSOLETE}\n'
    merged = ('msgid "C"\nmsgstr ""', '#~ msgid "A"\n#~ msgstr "a"', OBSOLETE)
    assert patch.splice(cut, "H", merged, None) == \
        'H\n\nmsgid "B"\nmsgstr "b"\n\nmsgid "C"\nmsgstr ""\n\n' \
        f'#~ msgid "A"\n#~ msgstr "a"\n\n{OBSOLETE}\n'
    # A catalogue that is not one block per entry of the old template: merged whole.
    assert patch.plan(was, now, f"{HEADER}\n\nmsgid \"A\"\nmsgstr \"a\"\n") is None


def test_a_catalogue_that_comes_back_unchanged_keeps_its_bytes():
    """The whole merge gives the file back as read (blank lines at the end included)
    when every block is reused in place; the cut one must too, and only then."""
    pot = patch.cut(f"{HEADER}\n\nmsgid \"A\"\nmsgstr \"\"\n\nmsgid \"B\"\nmsgstr \"\"\n")
    moved = patch.cut(f"{HEADER}\n\nmsgid \"B\"\nmsgstr \"\"\n\nmsgid \"A\"\nmsgstr \"\"\n")
    catalogue = f"{HEADER}\n\nmsgid \"A\"\nmsgstr \"a\"\n\nmsgid \"B\"\nmsgstr \"b\"\n\n"
    same = patch.plan(pot, pot, catalogue)
    assert patch.splice(same, HEADER, (), "cut text") == catalogue
    swapped = patch.plan(pot, moved, catalogue)
    assert patch.splice(swapped, HEADER, (), "cut text") == \
        f'{HEADER}\n\nmsgid "B"\nmsgstr "b"\n\nmsgid "A"\nmsgstr "a"\n'


# -- on a site: the cut is taken, and gives what the whole merge gives ------------------

def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted((root / "locales").rglob("*")) if p.is_file()}


def bases(root: Path) -> dict[str, list[str]]:
    """Locale → the domains `update` would cut rather than merge whole."""
    config = load_config(root)
    plan = work.plan_extract(root, scan(root))
    return {locale: [d for d, _ in work._locale_job(config, locale, plan, False, {})[0].bases]
            for locale in config.target_locales}


def translate_all(path: Path, width: int = 0) -> None:
    catalogue = polib.pofile(str(path), wrapwidth=width)
    for number, entry in enumerate(catalogue):
        if not entry.obsolete and not entry.msgid_plural and not entry.msgstr:
            entry.msgstr = f"Traduction {number} de {entry.msgid[:40]}"
    catalogue.save()


def update_both(root: Path, copy: Path, prune: bool = False) -> tuple[list, list]:
    """`update` with its memo (`root`) and the same sources without it (`copy`, made
    now): what each merged now (path, result without its text), or its error."""
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns(".infopages-cache", "site"))
    out = []
    for where in (root, copy):
        try:
            done = pipeline.update(where, prune)
        except InputError as exc:
            out.append([d.format().replace(str(where), "") for d in exc.diagnostics])
            continue
        out.append({path.relative_to(where): replace(result, text="")
                    for path, result, _ in done.merged if not result.remembered})
    ours, whole = out
    if isinstance(ours, dict):   # what the memo spared is not compared: it was not merged
        whole = {path: result for path, result in whole.items() if path in ours}
    return ours, whole


def test_an_edited_news_item_is_merged_cut_and_equals_the_whole_merge(mini: Path,
                                                                        tmp_path: Path):
    assert main(["update", "--project", str(mini)]) == 0
    for locale in ("fr", "ar"):
        translate_all(mini / "locales" / locale / "LC_MESSAGES" / "news-2020.po")
    assert main(["update", "--project", str(mini)]) == 0       # written by update now
    page = mini / "content/news/2020-03-01-second.md"
    page.write_text(page.read_text("utf-8").replace("title: ", "title: New "), "utf-8")
    assert bases(mini) == {"fr": ["news-2020"], "ar": ["news-2020"]}
    ours, whole = update_both(mini, tmp_path / "whole")
    assert ours == whole and files(mini) == files(tmp_path / "whole")
    text = (mini / "locales/fr/LC_MESSAGES/news-2020.po").read_text("utf-8")
    assert "#, fuzzy" in text and "#| msgid" in text          # the old title offered


def test_a_cut_catalogue_that_waits_for_its_lenders_is_read_once(mini: Path,
                                                                   tmp_path: Path,
                                                                   monkeypatch):
    """A new paragraph leaves news-2020 without an entry of its template: its merge
    waits for every catalogue's lenders. The catalogue cut in the first pass is kept
    for it, not read and cut again; the result is still the whole merge's."""
    assert main(["update", "--project", str(mini)]) == 0
    for locale in ("fr", "ar"):
        translate_all(mini / "locales" / locale / "LC_MESSAGES" / "news-2020.po")
    assert main(["update", "--project", str(mini)]) == 0
    set_body(news_page(mini, "2020-03-01-second"),
             "Body of the second item.\n\nA paragraph the catalogues do not have yet.")
    reads = []
    real = localemerge._read_cut

    def counted(job, domain, basis):
        reads.append((job.locale, domain))
        return real(job, domain, basis)

    monkeypatch.setattr(localemerge, "_read_cut", counted)
    ours, whole = update_both(mini, tmp_path / "whole")
    assert sorted(reads) == [("ar", "news-2020"), ("fr", "news-2020")]
    assert ours == whole and files(mini) == files(tmp_path / "whole")
    added = polib.pofile(str(mini / "locales/fr/LC_MESSAGES/news-2020.po")).find(
        "A paragraph the catalogues do not have yet.")
    assert added is not None and added.msgstr == ""


def test_a_lender_of_a_text_the_cut_catalogue_keeps_is_not_offered(mini: Path,
                                                                    tmp_path: Path):
    """Text that left news-2021 lends to news-2020 — but not when news-2020 has that
    text itself, among the entries the cut leaves out: the whole merge would not see
    it as a lender, so neither may the cut one."""
    shared = "Shared words of one paragraph that two news items of two years both have."
    set_body(news_page(mini, "2020-01-15-first"), shared)
    set_body(news_page(mini, "2021-06-30-third"), shared)
    assert main(["update", "--project", str(mini)]) == 0
    for domain in ("news-2020", "news-2021"):
        translate_all(mini / "locales/fr/LC_MESSAGES" / f"{domain}.po")
    assert main(["update", "--project", str(mini)]) == 0
    set_body(news_page(mini, "2021-06-30-third"), "Something else entirely.")
    # A paragraph added (its own old text stays): only a lender could start it.
    set_body(news_page(mini, "2020-03-01-second"), "Body of the second item.\n\n" +
             shared.replace("both have.", "both have, again."))
    assert bases(mini)["fr"] == ["news-2020", "news-2021"]
    ours, whole = update_both(mini, tmp_path / "whole")
    assert ours == whole and files(mini) == files(tmp_path / "whole")
    added = polib.pofile(str(mini / "locales/fr/LC_MESSAGES/news-2020.po")).find(
        shared.replace("both have.", "both have, again."))
    assert added.msgstr == "" and "fuzzy" not in added.flags


# -- random edit sequences: every update cut is the whole merge ------------------------

DOMAINS = ("news-2020", "news-2021", "pages", "topics", "ui")


class CutEqualsWhole(MiniEdits):
    """Authors' edits, translators' saves (polib at two widths, GNU msgcat) and updates
    in any order; each update runs with the memo and without it, from the same files."""

    @initialize()
    def start(self) -> None:
        self.tmp = Path(tempfile.mkdtemp())
        self.root = make_project(self.tmp, "mini")
        copy_theme(self.root)
        assert main(["update", "--project", str(self.root)]) == 0
        for locale in ("fr", "ar"):
            for path in (self.root / "locales" / locale / "LC_MESSAGES").glob("*.po"):
                translate_all(path)
        assert main(["update", "--project", str(self.root)]) == 0

    def teardown(self):
        if hasattr(self, "tmp"):
            try:
                self.update()
            finally:
                shutil.rmtree(self.tmp, ignore_errors=True)

    @rule(which=st.integers(0, 2), text=st.sampled_from(
        ["Changed.", "Body of the second item.", "Body of the second item!",
         "A paragraph.\n\nAnother paragraph, quite long enough to be wrapped by a tool "
         "that wraps its strings at seventy-nine columns as GNU gettext does."]))
    def edit_body(self, which: int, text: str) -> None:
        set_body(news_page(self.root, which), text)

    @rule(which=st.integers(0, 2), word=st.sampled_from(["New ", "Old ", ""]))
    def edit_title(self, which: int, word: str) -> None:
        path = news_page(self.root, which)
        if path.is_file():
            lines = path.read_text("utf-8").split("\n")
            at = next(i for i, line in enumerate(lines) if line.startswith("title: "))
            title = lines[at][7:].strip('"').removeprefix("New ").removeprefix("Old ")
            lines[at] = f'title: "{word}{title}"'
            path.write_text("\n".join(lines), "utf-8")

    @rule(locale=st.sampled_from(["fr", "ar"]), domain=st.sampled_from(DOMAINS),
          width=st.sampled_from([0, 79]))
    def translate(self, locale: str, domain: str, width: int) -> None:
        path = self.root / "locales" / locale / "LC_MESSAGES" / f"{domain}.po"
        if path.is_file():
            translate_all(path, width)

    @rule(domain=st.sampled_from(DOMAINS))
    def save_with_msgcat(self, domain: str) -> None:
        path = self.root / "locales" / "fr" / "LC_MESSAGES" / f"{domain}.po"
        if path.is_file():
            subprocess.run(["msgcat", "--width=60", "-o", str(path), str(path)], check=True)

    @rule(prune=st.booleans())
    def update(self, prune: bool = False) -> None:
        # Each catalogue with every entry of its template is merged before the lenders
        # of the later ones are read: the same as merging them all after.
        config = load_config(self.root)
        plan = work.plan_extract(self.root, scan(self.root))
        for locale in config.target_locales:
            job = work._locale_job(config, locale, plan, prune, {})[0]
            assert merge_locale(job) == merge_locale(job, defer=True)
        ours, whole = update_both(self.root, self.tmp / "whole", prune)
        assert ours == whole
        assert files(self.root) == files(self.tmp / "whole")


CutEqualsWhole.TestCase.settings = settings(max_examples=50, stateful_step_count=14,
                                            deadline=None)
TestCutEqualsWhole = CutEqualsWhole.TestCase


def test_a_text_two_catalogues_lend_comes_from_the_same_one_with_the_memo_or_without():
    """Found by the state machine above: a news item moved to 2022 and back to 2021
    leaves its title obsolete in news-2020 and no longer wanted in news-2022, two
    lenders of one text. With the memo, news-2020 was not merged and its lenders came
    last: the update took news-2022's (an "anchor" match) where the whole merge took
    news-2020's (a "moved" one). Same file, different counts for the translator."""
    machine = CutEqualsWhole()
    try:
        machine.start()
        machine.edit_body(text="Changed.", which=0)
        machine.move_to_year(which=1, year="2022")
        for _ in range(2):
            machine.update()
        machine.edit_body(text="Changed.", which=0)
        machine.edit_title(which=1, word="New ")
        machine.move_to_year(which=1, year="2021")
        machine.edit_title(which=1, word="Old ")
        machine.update()    # the memo's update and the whole one: the same counts
    finally:
        shutil.rmtree(machine.tmp, ignore_errors=True)
