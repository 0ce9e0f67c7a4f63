"""Catalogues split by domain (issue 16): which catalogue holds which text, lookups
in the text's own domain, translations that move between domains, and the
migration between one catalogue per locale and one per domain."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import polib
import pytest

from builder.cli.app import main
from tests.conftest import REPO, catalogues

LOCALES = ("fr", "es", "ar")
DEMO_DOMAINS = ["news-2013", "news-2014", "news-2015", "pages", "topics", "ui"]


def settings(root: Path, line: str) -> None:
    config = root / "content/site.yaml"
    config.write_text(config.read_text("utf-8") + line + "\n", "utf-8")


def translations(path: Path) -> dict[tuple, tuple]:
    """Every translated entry of a catalogue: key → (translation, fuzzy, obsolete)."""
    return {(e.msgctxt, e.msgid): (e.msgstr, tuple(sorted(e.msgstr_plural.items())),
                                   "fuzzy" in e.flags, e.obsolete)
            for e in polib.pofile(str(path)) if e.msgstr or any(e.msgstr_plural.values())}


def site(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root / "site").as_posix(): p.read_bytes()
            for p in sorted((root / "site").rglob("*")) if p.is_file()}


def msgfmt_check(path: Path) -> None:
    result = subprocess.run(["msgfmt", "--check", "-o", os.devnull, str(path)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    root = tmp_path / "demo"
    for folder in ("content", "locales"):       # the demo has no templates of its own
        shutil.copytree(REPO / folder, root / folder)
    return root


def test_the_demo_has_one_catalogue_per_domain():
    for locale in LOCALES:
        assert [p.stem for p in catalogues(REPO, locale)] == DEMO_DOMAINS
    assert sorted(p.stem for p in (REPO / "locales").glob("*.pot")) == DEMO_DOMAINS


def test_the_demos_single_catalogue_migrates_with_every_translation_in_its_domain(
        demo: Path, capsys):
    """One catalogue per locale (what the demo had before issue 16, and what
    `split: none` keeps) and one per domain, both ways: no translation is lost, each
    lands in the domain whose text it translates, and the site is the same."""
    before = {(locale, p.stem): translations(p) for locale in LOCALES
              for p in catalogues(demo, locale)}
    assert sum(len(t) for t in before.values()) > 200
    assert main(["build", "--project", str(demo), "--quiet"]) == 0
    built = site(demo)

    settings(demo, "catalogues: {split: none}")
    capsys.readouterr()
    assert main(["update", "--project", str(demo)]) == 0
    out = capsys.readouterr().out
    for locale in LOCALES:
        assert [p.name for p in catalogues(demo, locale)] == ["messages.po"]
        joined = translations(catalogues(demo, locale)[0])
        for domain in DEMO_DOMAINS:
            assert before[(locale, domain)].items() <= joined.items(), (locale, domain)
        assert f"locales/{locale}/LC_MESSAGES/ui.po: moved into messages.po: " in out
        msgfmt_check(catalogues(demo, locale)[0])
    assert [p.name for p in (demo / "locales").glob("*.pot")] == ["messages.pot"]
    assert main(["build", "--project", str(demo), "--quiet"]) == 0
    assert site(demo) == built

    # Back to one catalogue per domain: the migration of an existing messages.po.
    config = demo / "content/site.yaml"
    config.write_text(config.read_text("utf-8").replace("catalogues: {split: none}\n", ""))
    assert main(["build", "--project", str(demo), "--quiet"]) == 2   # not before `update`
    assert "messages.po: error: a catalogue of another layout" in capsys.readouterr().err
    assert main(["update", "--project", str(demo)]) == 0
    out = capsys.readouterr().out
    for locale in LOCALES:
        assert [p.stem for p in catalogues(demo, locale)] == DEMO_DOMAINS
        for path in catalogues(demo, locale):
            msgfmt_check(path)
            assert translations(path) == before[(locale, path.stem)], (locale, path.stem)
        assert f"locales/{locale}/LC_MESSAGES/messages.po: moved into ui.po, topics.po, " \
            "pages.po, news-2013.po, news-2014.po, news-2015.po: 73 translations taken " \
            "where their text now is, 2 kept as obsolete entries; removed" in out
    assert main(["update", "--project", str(demo), "--check"]) == 0
    assert main(["build", "--project", str(demo), "--quiet"]) == 0
    assert site(demo) == built


def test_a_migrated_catalogue_keeps_its_header_layout_and_width(demo: Path):
    """A translator's tool's header (Plural-Forms, Language, Last-Translator), line
    endings and wrap width carry over to every catalogue split from it."""
    settings(demo, "catalogues: {split: none}")
    assert main(["update", "--project", str(demo)]) == 0
    single = demo / "locales/fr/LC_MESSAGES/messages.po"
    subprocess.run(["msgcat", "--width=79", "-o", str(single), str(single)], check=True)
    text = single.read_text("utf-8").replace(
        '"Last-Translator: \\n"', '"Last-Translator: Camille <camille@example.org>\\n"')
    text = text.replace('"Language: fr\\n"', '"Language: fr_FR\\n"')
    single.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    config = demo / "content/site.yaml"
    config.write_text(config.read_text("utf-8").replace("catalogues: {split: none}\n", ""))
    assert main(["update", "--project", str(demo)]) == 0
    for path in catalogues(demo, "fr"):
        data = path.read_bytes()
        assert data.count(b"\n") == data.count(b"\r\n"), path.name
        catalogue = polib.pofile(str(path))
        assert catalogue.metadata["Last-Translator"] == "Camille <camille@example.org>"
        assert catalogue.metadata["Language"] == "fr_FR"
        lines = data.decode("utf-8").split("\r\n")
        assert max(len(line) for line in lines if not line.startswith("#")) <= 79, path.name
    topics = (demo / "locales/fr/LC_MESSAGES/topics.po").read_bytes()
    assert topics.count(b'msgstr ""\r\n"') > 3        # long strings wrapped, as msgcat does


def test_joining_catalogues_that_disagree_is_refused(demo: Path, capsys):
    """The same text translated two ways cannot become one entry: nothing is written."""
    pages = demo / "locales/fr/LC_MESSAGES/pages.po"
    catalogue = polib.pofile(str(pages), wrapwidth=0)
    catalogue.append(polib.POEntry(msgid="Home", msgctxt="nav", msgstr="Page d’accueil",
                                   obsolete=True))
    catalogue.save()
    settings(demo, "catalogues: {split: none}")
    before = {p: p.read_bytes() for p in (demo / "locales").rglob("*.po*")}
    capsys.readouterr()
    assert main(["update", "--project", str(demo)]) == 2
    err = capsys.readouterr().err
    assert "`Home` is translated differently in ui.po (line " in err
    assert "locales/fr/LC_MESSAGES/pages.po:" in err
    assert {p: p.read_bytes() for p in (demo / "locales").rglob("*.po*")} == before


def test_one_catalogue_for_a_small_site(mini: Path):
    settings(mini, "catalogues: {split: none}")
    assert main(["update", "--project", str(mini)]) == 0
    assert [p.name for p in (mini / "locales").glob("*.pot")] == ["messages.pot"]
    assert [p.name for p in catalogues(mini, "fr")] == ["messages.po"]
    catalogue = polib.pofile(str(catalogues(mini, "fr")[0]), wrapwidth=0)
    catalogue.find("Safety").msgstr = "Sécurité"
    catalogue.find("Home", msgctxt="nav").msgstr = "Accueil"
    catalogue.save()
    assert main(["build", "--project", str(mini), "--quiet"]) == 0
    page = (mini / "site/fr/topics/safety.html").read_text("utf-8")
    assert ">Sécurité</h1>" in page and ">Accueil</a>" in page


def test_the_same_text_in_two_domains_is_translated_in_each(mini: Path):
    """A paragraph on a topic and on a page: two entries, each page shows its own."""
    assert main(["update", "--project", str(mini)]) == 0
    text = "We protect people across the world. This paragraph is wrapped over several lines."
    for domain, translation in (("topics", "Sur le sujet."), ("pages", "Sur la page.")):
        path = mini / f"locales/fr/LC_MESSAGES/{domain}.po"
        catalogue = polib.pofile(str(path), wrapwidth=0)
        catalogue.find(text).msgstr = translation
        catalogue.save()
    assert main(["build", "--project", str(mini), "--quiet"]) == 0
    assert "Sur le sujet." in (mini / "site/fr/topics/safety.html").read_text("utf-8")
    about = (mini / "site/fr/about.html").read_text("utf-8")
    assert "Sur la page." in about and "Sur le sujet." not in about


def test_a_paragraph_moved_from_a_topic_to_a_news_item_and_edited_is_offered(mini: Path):
    """The index of old translations spans every domain of the locale: the edited
    paragraph is fuzzy with its old text as `#| msgid`, like msgmerge."""
    assert main(["update", "--project", str(mini)]) == 0
    old = "We protect people across the world. This paragraph is wrapped over several lines."
    topics = mini / "locales/fr/LC_MESSAGES/topics.po"
    catalogue = polib.pofile(str(topics), wrapwidth=0)
    catalogue.find(old).msgstr = "Nous protégeons les gens partout dans le monde."
    catalogue.save()
    safety = mini / "content/topics/safety.md"
    safety.write_text(safety.read_text("utf-8").replace(
        "We protect people\nacross the world. This paragraph is\nwrapped over several lines.\n",
        ""), "utf-8")
    edited = old.replace("across the world", "across the whole world")
    news = mini / "content/news/2021-06-30-third.md"
    news.write_text(news.read_text("utf-8") + f"\n{edited}\n", "utf-8")
    assert main(["update", "--project", str(mini)]) == 0
    moved = polib.pofile(str(mini / "locales/fr/LC_MESSAGES/news-2021.po")).find(edited)
    assert "fuzzy" in moved.flags and moved.previous_msgid == old
    assert moved.msgstr == "Nous protégeons les gens partout dans le monde."
    gone = polib.pofile(str(topics)).find(old, include_obsolete_entries=True)
    assert gone.obsolete and gone.msgstr == moved.msgstr     # kept where it was, too
    msgfmt_check(mini / "locales/fr/LC_MESSAGES/news-2021.po")


def test_a_domain_without_messages_loses_its_template_and_keeps_its_translations(mini: Path):
    assert main(["update", "--project", str(mini)]) == 0
    path = mini / "locales/fr/LC_MESSAGES/news-2021.po"
    catalogue = polib.pofile(str(path), wrapwidth=0)
    for entry in catalogue:
        entry.msgstr = "FR " + entry.msgid
    catalogue.save()
    (mini / "content/news/2021-06-30-third.md").unlink()
    assert main(["update", "--project", str(mini)]) == 0
    assert not (mini / "locales/news-2021.pot").exists()
    kept = polib.pofile(str(path))
    assert len(kept.obsolete_entries()) == 2 and not kept.translated_entries()
    assert main(["build", "--project", str(mini), "--quiet"]) == 0
    assert main(["update", "--project", str(mini), "--check"]) == 0


def test_news_in_one_catalogue(mini: Path):
    settings(mini, "catalogues: {news: all}")
    assert main(["update", "--project", str(mini)]) == 0
    assert [p.stem for p in catalogues(mini, "fr")] == ["news", "pages", "topics", "ui"]


@pytest.mark.parametrize("line, error", [
    ("catalogues: {split: some}", "unknown `catalogues: {split: some}` — use domains or none"),
    ("catalogues: {news: month}", "unknown `catalogues: {news: month}` — use year or all"),
    ("catalogues: {spilt: none}", "unknown key `spilt` — did you mean `split`?"),
])
def test_bad_settings_are_errors_with_their_line(mini: Path, capsys, line: str, error: str):
    settings(mini, line)
    assert main(["update", "--project", str(mini)]) == 2
    assert f"content/site.yaml:16: error: {error}" in capsys.readouterr().err


def test_a_single_catalogue_beside_domain_catalogues_loses_nothing(demo: Path, capsys):
    """A messages.po next to domain catalogues (say, restored from an old branch):
    its translation fills an untranslated entry; one that disagrees is refused."""
    settings(demo, "catalogues: {split: none}")
    assert main(["update", "--project", str(demo)]) == 0
    config = demo / "content/site.yaml"
    config.write_text(config.read_text("utf-8").replace("catalogues: {split: none}\n", ""))
    single = demo / "locales/fr/LC_MESSAGES/messages.po"
    saved = single.read_bytes()
    assert main(["update", "--project", str(demo)]) == 0      # the domain catalogues
    single.write_bytes(saved)
    topics = demo / "locales/fr/LC_MESSAGES/topics.po"
    catalogue = polib.pofile(str(topics), wrapwidth=0)
    entry = next(e for e in catalogue if e.msgid and not e.obsolete)
    expected, entry.msgstr = entry.msgstr, ""
    catalogue.save()
    capsys.readouterr()
    assert main(["update", "--project", str(demo)]) == 0
    assert "kept as obsolete" in capsys.readouterr().out
    assert polib.pofile(str(topics)).find(entry.msgid).msgstr == expected
    assert not single.exists()
    assert not polib.pofile(str(demo / "locales/fr/LC_MESSAGES/ui.po")).obsolete_entries() \
        or all(e.msgid in ("Page", "Published")   # the demo's own obsolete entries
               for e in polib.pofile(str(demo / "locales/fr/LC_MESSAGES/ui.po")
                                     ).obsolete_entries())
    # Disagreeing: refused, nothing written.
    single.write_bytes(saved.replace(expected.encode("utf-8"), b"Autre traduction", 1))
    before = {p: p.read_bytes() for p in (demo / "locales").rglob("*.po*")}
    assert main(["update", "--project", str(demo)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("locales/fr/LC_MESSAGES/messages.po:") and \
        "is translated differently in " in err
    assert {p: p.read_bytes() for p in (demo / "locales").rglob("*.po*")} == before
