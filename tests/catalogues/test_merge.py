"""Each merge case on small in-memory catalogues; every output passes `msgfmt --check`."""

from __future__ import annotations

import gettext
import os
import subprocess
from pathlib import Path

import polib
import pytest

from builder.catalogues.lenders import lenders_of
from builder.catalogues.merge import merge, new_catalogue
from builder.catalogues.settle import plural_examples
from builder.catalogues.plurals import plural_header
from builder.catalogues.pofile import read_po
from builder.catalogues.poread import parse_po
from builder.errors import InputError

GNU_ARABIC = ("n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : "
              "n%100>=11 ? 4 : 5")
P1 = "We protect people across the world, with partners in more than forty countries."
P2 = "Every report is checked by two people before it is published on this site."
P3 = "Donations are spent where the need is greatest, and we publish the accounts."


def pot_of(*segments: tuple[str, str]) -> polib.POFile:
    pot = polib.POFile(wrapwidth=0)
    for anchor, text in segments:
        pot.append(polib.POEntry(msgid=text, msgstr="", flags=["md-text"],
                                 comment=f"id: {anchor} (paragraph, source 00000000)",
                                 occurrences=[(f"content/{anchor.split('#')[0]}.md", "")]))
    return pot


def translated(pot: polib.POFile, locale: str = "fr") -> str:
    po = polib.pofile(merge(pot, new_catalogue(locale, "T"), locale).text, wrapwidth=0)
    for entry in po:
        entry.msgstr = "FR " + entry.msgid
    return str(po)


def msgfmt_check(text: str) -> None:
    result = subprocess.run(["msgfmt", "--check", "-o", os.devnull, "-"], input=text,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def update(old_text: str, pot: polib.POFile, locale: str = "fr", **kwargs):
    result = merge(pot, polib.pofile(old_text, wrapwidth=0), locale, old_text=old_text, **kwargs)
    msgfmt_check(result.text)
    again = merge(pot, polib.pofile(result.text, wrapwidth=0), locale, old_text=result.text,
                  **kwargs)
    assert again.text == result.text, "a second update must change nothing"
    po = polib.pofile(result.text, wrapwidth=0)
    return result, {e.msgid: e for e in po if not e.obsolete}, \
        {e.msgid: e for e in po.obsolete_entries()}


OLD = pot_of(("a#s.p1", P1), ("a#s.p2", P2), ("a#s.p3", P3))


def test_edit_at_the_same_anchor_goes_fuzzy_with_the_previous_msgid():
    edited = P2.replace("two people", "two editors")
    result, active, gone = update(translated(OLD), pot_of(("a#s.p1", P1), ("a#s.p2", edited),
                                                          ("a#s.p3", P3)))
    entry = active[edited]
    assert entry.flags[0] == "fuzzy" and entry.previous_msgid == P2
    assert entry.msgstr == "FR " + P2
    assert not gone and (result.exact, result.fuzzy, result.new) == (2, 1, 0)
    assert f'#| msgid "{P2}"' in result.text


def test_insert_never_borrows_a_neighbours_translation():
    new = "A brand-new paragraph about volunteering at our local offices."
    result, active, _ = update(translated(OLD), pot_of(("a#s.p1", P1), ("a#s.p2", new),
                                                       ("a#s.p3", P2), ("a#s.p4", P3)))
    assert active[new].msgstr == "" and not active[new].flags.count("fuzzy")
    assert active[P2].msgstr == "FR " + P2 and "fuzzy" not in active[P2].flags
    assert (result.exact, result.fuzzy, result.new) == (3, 0, 1)


def test_insert_before_an_edit_leaves_the_edit_its_own_translation():
    # Ordinal anchors shift: the new paragraph takes p2, the edited one moves to p3.
    new = "A brand-new paragraph about volunteering at our local offices."
    edited = P2.replace("two people", "two editors")
    _, active, gone = update(translated(OLD), pot_of(("a#s.p1", P1), ("a#s.p2", new),
                                                     ("a#s.p3", edited), ("a#s.p4", P3)))
    assert active[new].msgstr == ""
    assert active[edited].msgstr == "FR " + P2 and active[edited].previous_msgid == P2
    assert not gone


def test_delete_becomes_obsolete_and_prune_removes_it():
    result, active, gone = update(translated(OLD), pot_of(("a#s.p1", P1), ("a#s.p2", P3)))
    assert list(gone) == [P2] and gone[P2].msgstr == "FR " + P2
    assert "fuzzy" not in active[P3].flags and result.obsolete == 1
    result, _, gone = update(translated(OLD), pot_of(("a#s.p1", P1), ("a#s.p2", P3)),
                             prune_obsolete=True)
    assert not gone and result.obsolete == 0


def test_move_to_another_section_keeps_the_translation_exactly():
    result, active, gone = update(translated(OLD), pot_of(("a#s.p1", P1), ("a#s.p2", P3),
                                                          ("a#t.p1", P2)))
    assert active[P2].msgstr == "FR " + P2 and "fuzzy" not in active[P2].flags
    assert not gone and (result.exact, result.fuzzy) == (3, 0)


def test_punctuation_only_edit_is_carried_over_with_a_note():
    comma = P2.replace("people before", "people, before").replace("site.", "site!")
    result, active, gone = update(translated(OLD), pot_of(("a#s.p1", P1), ("a#s.p2", comma),
                                                          ("a#s.p3", P3)))
    entry = active[comma]
    assert entry.msgstr == "FR " + P2 and "fuzzy" not in entry.flags
    assert f'infopages: carried over from a punctuation-only change of "{P2}"' in entry.comment
    assert not gone and (result.exact, result.carried, result.fuzzy) == (3, 1, 0)


@pytest.mark.parametrize("change", [
    ("published", "Published"),        # case is wording
    ("two people", "two *people*"),     # emphasis markup changed: the msgstr no longer fits
    ("this site", "`this site`"),       # code span added
])
def test_wording_or_markup_change_goes_fuzzy_not_carried(change):
    edited = P2.replace(*change)
    result, active, _ = update(translated(OLD), pot_of(("a#s.p1", P1), ("a#s.p2", edited),
                                                       ("a#s.p3", P3)))
    assert "fuzzy" in active[edited].flags and result.carried == 0


def test_placeholder_change_is_not_punctuation_only():
    old = pot_of(("a#s.p1", "We answered %(count)s requests."))
    new = pot_of(("a#s.p1", "We answered %(number)s requests."))
    _, active, _ = update(translated(old), new)
    assert "fuzzy" in active["We answered %(number)s requests."].flags


def test_rewrapped_source_is_the_same_message(mini: Path):
    from builder.cli.app import main

    assert main(["update", "--project", str(mini)]) == 0
    po = mini / "locales" / "fr" / "LC_MESSAGES" / "topics.po"
    before = po.read_bytes()
    safety = mini / "content" / "topics" / "safety.md"
    text = safety.read_text()
    assert "This paragraph is\nwrapped over" in text
    safety.write_text(text.replace("This paragraph is\nwrapped over", "This\nparagraph is wrapped   over"))
    assert main(["update", "--project", str(mini)]) == 0
    assert po.read_bytes() == before


def test_revived_segment_gets_its_translation_and_previous_msgid_back():
    old = translated(OLD)
    _, _, gone = update(old, pot_of(("a#s.p1", P1), ("a#s.p2", P3)))
    assert P2 in gone
    removed = merge(pot_of(("a#s.p1", P1), ("a#s.p2", P3)), polib.pofile(old, wrapwidth=0),
                    "fr", old_text=old).text
    # A translator's tool left the obsolete entry fuzzy with its `#~|` previous text.
    block = f'#~ msgid "{P2}"'
    removed = removed.replace(block, f'#, fuzzy\n#~| msgid "Before."\n{block}')
    result, active, gone = update(removed, OLD)
    assert active[P2].msgstr == "FR " + P2 and not gone
    assert "fuzzy" in active[P2].flags and active[P2].previous_msgid == "Before."
    assert result.exact == 3


def test_active_and_obsolete_never_share_a_key():
    old = translated(OLD) + f'\n#~ msgid "{P1}"\n#~ msgstr "stale"\n'
    _, active, gone = update(old, OLD)
    assert active[P1].msgstr == "FR " + P1 and P1 not in gone


def test_a_paragraph_moved_to_another_page_and_edited_comes_back_fuzzy():
    """Like msgmerge: no longer found on its page, the closest old text anywhere."""
    moved = P2.replace("two people", "two editors")
    result, active, gone = update(translated(OLD), pot_of(("a#s.p1", P1), ("a#s.p2", P3),
                                                          ("b#s.p1", moved)))
    assert active[moved].msgstr == "FR " + P2 and "fuzzy" in active[moved].flags
    assert active[moved].previous_msgid == P2 and P2 not in gone
    assert (result.fuzzy, result.moved, result.similar) == (1, 1, 0)
    assert f'#| msgid "{P2}"' in result.text
    # On the same page, at another anchor, similar text is found first, as before.
    result, active, _ = update(translated(OLD), pot_of(("a#s.p1", P1), ("a#s.p2", P3),
                                                       ("a#t.p1", moved)))
    assert active[moved].msgstr == "FR " + P2 and "fuzzy" in active[moved].flags
    assert result.similar == 1 and result.moved == 0


def test_a_new_paragraph_on_another_page_borrows_nothing_dissimilar():
    other = "Our offices are closed on public holidays and during the summer break."
    result, active, gone = update(translated(OLD), pot_of(("a#s.p1", P1), ("a#s.p2", P3),
                                                          ("b#s.p1", other)))
    assert active[other].msgstr == "" and P2 in gone and result.fuzzy == 0


def test_short_texts_are_never_guessed_across_pages():
    old = pot_of(("a#s.h1", "Our work in Europe"), ("a#s.p1", P1))
    _, active, _ = update(translated(old), pot_of(("a#s.p1", P1),
                                                  ("b#s.h1", "Our work in Africa")))
    assert active["Our work in Africa"].msgstr == ""


def test_dissimilar_text_elsewhere_on_the_page_is_no_guess():
    other = "Our offices are closed on public holidays and during the summer break."
    _, active, _ = update(translated(OLD), pot_of(("a#s.p1", P1), ("a#s.p2", P3),
                                                  ("a#t.p1", other)))
    assert active[other].msgstr == ""


def test_each_old_translation_is_lent_once():
    one, two = P2.replace("two", "three"), P2.replace("two", "four")
    _, active, _ = update(translated(OLD), pot_of(("a#s.p1", P1), ("a#s.p3", P3),
                                                  ("a#t.p1", one), ("a#t.p2", two)))
    assert sorted(bool(active[t].msgstr) for t in (one, two)) == [False, True]


def test_arabic_plural_forms_equal_gnus_for_0_to_1000():
    count, header = plural_header("ar")
    ours = gettext.c2py(header.split("plural=", 1)[1].rstrip(";"))
    gnu = gettext.c2py(GNU_ARABIC)
    assert count == 6
    assert [ours(n) for n in range(1001)] == [gnu(n) for n in range(1001)]


def plural_pot() -> polib.POFile:
    pot = polib.POFile(wrapwidth=0)
    pot.append(polib.POEntry(msgid="%(num)d topic", msgid_plural="%(num)d topics",
                             msgstr_plural={0: "", 1: ""}, flags=["python-format"],
                             occurrences=[("templates/page.html", "")]))
    return pot


def arabic(formula: str) -> str:
    po = polib.pofile(merge(plural_pot(), new_catalogue("ar", "T"), "ar").text, wrapwidth=0)
    po.metadata["Plural-Forms"] = f"nplurals=6; plural={formula};"
    po[0].msgstr_plural = {k: f"%(num)d form{k}" for k in range(6)}
    return str(po)


def test_plural_entries_show_an_example_number_per_form():
    result, active, _ = update(arabic(GNU_ARABIC), plural_pot(), "ar")
    assert "#. plural forms: [0] n=0, [1] n=1, [2] n=2, [3] n=3, [4] n=11, [5] n=100" \
        in result.text
    assert plural_examples("fr") == "plural forms: [0] n=0, [1] n=1000000, [2] n=2"


def test_equivalent_plural_formula_is_kept_as_written():
    """GNU's Arabic formula, written differently from CLDR's, is equivalent: kept."""
    old = arabic(GNU_ARABIC)
    result, active, _ = update(old, plural_pot(), "ar")
    assert f"Plural-Forms: nplurals=6; plural={GNU_ARABIC};" in result.text
    assert result.text == old


def test_permuted_plural_formula_is_refused_never_rewritten(tmp_path: Path):
    permuted = GNU_ARABIC.replace("n==0 ? 0 : n==1 ? 1", "n==0 ? 1 : n==1 ? 0")
    old = arabic(permuted)
    with pytest.raises(ValueError, match="Plural-Forms"):
        merge(plural_pot(), polib.pofile(old, wrapwidth=0), "ar", old_text=old)
    path = tmp_path / "ar" / "LC_MESSAGES" / "messages.po"
    path.parent.mkdir(parents=True)
    path.write_text(old)
    with pytest.raises(InputError) as caught:
        read_po(path, tmp_path)
    assert "Plural-Forms picks form 1 for n=0" in caught.value.diagnostics[0].format()


LENDING = '''msgid ""
msgstr ""
"Language: fr\\n"

msgid "Kept"
msgstr "Gardé"

msgid "Left the template"
msgstr "Parti du modèle"

#, fuzzy
#~| msgid "Old text"
#~ msgid "Older text"
#~ msgstr "Texte ancien"
'''


def test_lenders_are_what_left_and_obsolete_entries_keep_their_previous_text():
    """`lenders_of` cuts the text into blocks only when an obsolete entry needs its
    `#~|` lines (polib skips them); without one, the entries come as read."""
    po = parse_po(LENDING)
    lent = lenders_of(po, LENDING, {(None, "Kept")})
    assert [e.msgid for e in lent] == ["Left the template", "Older text"]
    assert lent[0] is po[1]                      # not obsolete: the entry itself
    assert lent[1].previous_msgid == "Old text" and po[2].previous_msgid is None
    without = LENDING.split("#, fuzzy")[0]
    parsed = parse_po(without)
    assert lenders_of(parsed, without, {(None, "Kept")}) == [parsed[1]]
    assert [e.msgid for e in lenders_of(parsed, without, None)] == ["Kept", "Left the template"]
