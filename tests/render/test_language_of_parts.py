"""WCAG 3.1.2 on the demo: every text node and accessible name of every page of every
locale is in the language it is marked with, as the catalogues tell (tests/langwalk.py).
The same walk runs over a site made by `infopages new`, with untranslated parts
(tests/tools/test_new_site.py)."""

from __future__ import annotations

from pathlib import Path

from tests.langwalk import Catalogue, judge, parts_of, problems


def test_every_part_of_every_demo_page_is_in_the_language_it_is_marked_with(demo_site: Path,
                                                                          repo: Path):
    assert problems(demo_site, repo) == []


def test_the_walk_finds_a_wrong_mark(demo_site: Path, repo: Path):
    """The oracle itself: English text marked French, French text marked English, a date
    in the wrong language and an English aria-label on a French page are all found."""
    catalogues = {code: Catalogue(repo, code, "en") for code in ("en", "fr")}
    html = ('<body lang="fr"><p>Crimes against children</p><p lang="en">Actualités</p>'
            '<time datetime="2015-02-20">February 20, 2015</time>'
            '<nav aria-label="Main menu"></nav><p>Actualités</p></body>')
    verdicts = [judge(part, "fr", catalogues, "en") for part in parts_of(html)]
    assert verdicts[:4] == ["source text marked as the reader's language",
                            "a translation marked as the source language",
                            "a date not in its language",
                            "source text marked as the reader's language"]
    assert verdicts[4] is None
