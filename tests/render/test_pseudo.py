"""Pseudo-locales: letters change, placeholders and markup never do."""

from __future__ import annotations

import math
import re

from hypothesis import given
from hypothesis import strategies as st

from builder.render.pseudo import (
    PSEUDO_LOCALES,
    RLM,
    accent_expand,
    mirror,
    plural_sources,
    pseudo_messages,
)
from builder.segments.linkslots import SLOT_RE
from builder.segments.placeholders import placeholders

MARKUP_RE = re.compile(r"\*\*|[*_`\[\]()!]")


def test_example_from_the_issue() -> None:
    assert accent_expand("Crimes against children") == "[Ćŕîɱéš åĝåîñšţ çĥîļðŕéñ one two]"


def test_placeholders_slots_code_and_links_untouched() -> None:
    text = "Read **%(name)s** in the [report]{1}, `code x`, {n} items &amp; [map](media:map.png)."
    out = accent_expand(text)
    for kept in ("**%(name)s**", "]{1}", "`code x`", "{n}", "&amp;", "](media:map.png)"):
        assert kept in out
    assert placeholders(out) == placeholders(text)
    assert SLOT_RE.findall(mirror(text)) == SLOT_RE.findall(text)


@given(st.text(alphabet="abc XYZ*_`[]{}()%1!", min_size=1, max_size=60))
def test_markup_and_placeholders_survive_any_text(text: str) -> None:
    expanded, mirrored = accent_expand(text), mirror(text)
    assert placeholders(expanded) == placeholders(mirrored) == placeholders(text)
    inner = expanded[1:-1] if text.strip() else expanded   # without the added brackets
    assert MARKUP_RE.findall(inner) == MARKUP_RE.findall(mirrored) == MARKUP_RE.findall(text)


@given(st.text(alphabet="abcdefghij ", min_size=3, max_size=200).filter(str.strip))
def test_expansion_is_about_forty_percent(text: str) -> None:
    out = accent_expand(text)
    assert len(out) >= math.ceil(1.4 * len(text))
    assert len(out) <= math.ceil(1.4 * len(text)) + len(" seven")   # at most one word more
    assert out.startswith("[") and out.endswith("]")


def test_mirror_reverses_words_between_rtl_marks() -> None:
    assert mirror("Crimes against **children**") == \
        f"{RLM}semirC{RLM} {RLM}tsniaga{RLM} **{RLM}nerdlihc{RLM}**"
    assert "\u202e" not in mirror("any text")   # marks, never an override


def test_plural_forms_follow_the_base_language() -> None:
    assert plural_sources("en") == (True, False)
    assert plural_sources("ar") == (False, True, False, False, False, False)
    assert plural_sources("fr")[0]          # French: 0 and 1 share the singular


def test_pseudo_messages_cover_the_pot(tmp_path) -> None:
    pot = tmp_path / "messages.pot"
    pot.write_text('msgid ""\nmsgstr ""\n\nmsgctxt "nav"\nmsgid "Home"\nmsgstr ""\n\n'
                   'msgid "%(n)s page"\nmsgid_plural "%(n)s pages"\nmsgstr[0] ""\nmsgstr[1] ""\n',
                   "utf-8")
    en = pseudo_messages(pot, "en-XA")
    assert en.locale == "en-XA" and en.singular[("nav", "Home")] == "[Ĥöɱé]"
    assert [placeholders(f) for f in en.plural[(None, "%(n)s page")]] == [["%(n)s"]] * 2
    ar = pseudo_messages(pot, "ar-XB")
    assert ar.locale == "ar-XB" and len(ar.plural[(None, "%(n)s page")]) == 2   # borrows en


def test_pseudo_pages_render_under_preview(mini) -> None:
    from builder.cli.app import main

    assert main(["extract", "--project", str(mini)]) == 0
    assert main(["build", "--pseudo", "--project", str(mini)]) == 0
    site = mini / "site"
    en = (site / "_preview/en-XA/index.html").read_text()
    ar = (site / "_preview/ar-XB/index.html").read_text()
    assert '<html lang="en-XA" dir="ltr">' in en and '<html lang="ar-XB" dir="rtl">' in ar
    assert "[Ĥöɱé]" in en and RLM in ar
    assert (site / "_preview/assets/style.css").is_file()
    assert set(PSEUDO_LOCALES) == {"en-XA", "ar-XB"}
    assert not (site / "en-XA").exists() and not (site / "ar-XB").exists()   # never published
    assert main(["build", "--project", str(mini)]) == 0     # and gone with the next plain build
    assert not (site / "_preview").exists()
