"""Incremental builds: each kind of change rewrites only what it touches, and the
site is byte-identical to a full build of the same sources."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

from builder.cli.app import main
from builder.output.manifest import is_manifest_file
from tests.conftest import REPO, THEME, catalogue_of, copy_theme, translate_catalogues

LOCALES = ("fr", "ar")


def build(root: Path, *extra: str) -> int:
    return main(["build", "--project", str(root), "--quiet", *extra])


def tree(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes()
            for p in sorted(site.rglob("*")) if p.is_file()}


def stamps(site: Path) -> dict[str, tuple[int, int]]:
    return {p.relative_to(site).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in site.rglob("*") if p.is_file()}


def touched(before: dict, site: Path) -> set[str]:
    after = stamps(site)
    return {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}


def reference(project: Path, tmp_path: Path) -> dict[str, bytes]:
    """A full build of the same sources, in a fresh copy with no build record."""
    copy = tmp_path / "reference"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(project, copy, ignore=shutil.ignore_patterns("site", ".infopages-cache"))
    assert build(copy, "--full") == 0
    return tree(copy / "site")


def po(project: Path, locale: str) -> Path:
    """The catalogue of the news items of 2020."""
    return project / "locales" / locale / "LC_MESSAGES" / "news-2020.po"


def edit_po(project: Path, locale: str, msgid: str, msgstr: str) -> None:
    path = catalogue_of(project, locale, msgid)
    catalogue = polib.pofile(str(path), wrapwidth=0)
    entry = next(e for e in catalogue if e.msgid == msgid)
    entry.msgstr = msgstr
    catalogue.save()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


@pytest.fixture
def site(mini: Path) -> Path:
    """The mini site translated into French and Arabic, built once."""
    assert main(["update", "--project", str(mini)]) == 0
    for locale in LOCALES:
        translate_catalogues(mini, locale, lambda text, locale=locale: f"{locale}: {text}")
    assert build(mini) == 0
    return mini


def rebuild_and_compare(project: Path, tmp_path: Path, capsys) -> set[str]:
    before = stamps(project / "site")
    capsys.readouterr()
    assert build(project) == 0
    assert capsys.readouterr().out.startswith(("rebuilt ", "up to date: "))
    written = touched(before, project / "site")
    assert tree(project / "site") == reference(project, tmp_path)
    return written


def test_nothing_changed_writes_nothing(site: Path, tmp_path: Path, capsys):
    assert rebuild_and_compare(site, tmp_path, capsys) == set()


def test_touching_a_file_without_changing_it_writes_nothing(site: Path, tmp_path: Path, capsys):
    page = site / "content" / "topics" / "safety.md"
    page.write_bytes(page.read_bytes())
    assert rebuild_and_compare(site, tmp_path, capsys) == set()


def test_one_body_translation_rewrites_only_its_page(site: Path, tmp_path: Path, capsys):
    edit_po(site, "fr", "Body of the second item.", "Corps du deuxième article.")
    written = rebuild_and_compare(site, tmp_path, capsys)
    # The page, and the feed that carries its body.
    assert {f for f in written if not is_manifest_file(f)} == {
        "fr/news/2020-03-01-second.html", "fr/feed.xml"}
    assert "Corps du deuxième article." in (site / "site" / "fr/news/2020-03-01-second.html"
                                            ).read_text("utf-8")


def test_a_title_translation_reaches_every_card(site: Path, tmp_path: Path, capsys):
    edit_po(site, "ar", "The second news item", "الخبر الثاني")
    written = rebuild_and_compare(site, tmp_path, capsys)
    assert "ar/news/2020-03-01-second.html" in written
    assert "ar/feed.xml" in written
    assert not any(path.startswith(("fr/", "en/")) for path in written)


def test_a_template_string_translation_rewrites_its_locale(site: Path, tmp_path: Path, capsys):
    edit_po(site, "fr", "News", "Actualités")
    written = rebuild_and_compare(site, tmp_path, capsys)
    assert {"fr/index.html", "fr/news/index.html"} <= written
    assert not any(path.startswith("ar/") for path in written)


def test_a_body_edit_rewrites_that_page_in_every_locale(site: Path, tmp_path: Path, capsys):
    edit(site / "content/news/2020-03-01-second.md", "Body of the second", "New body of the second")
    written = rebuild_and_compare(site, tmp_path, capsys)
    pages = {p for p in written if p.endswith(".html")}
    assert pages == {f"{code}/news/2020-03-01-second.html" for code in ("en", "fr", "ar")}


def test_a_title_edit_reaches_cards_and_feeds(site: Path, tmp_path: Path, capsys):
    edit(site / "content/news/2020-03-01-second.md", "The second news item", "Second item")
    written = rebuild_and_compare(site, tmp_path, capsys)
    assert {"en/feed.xml", "en/topics/safety.html"} <= written


@pytest.mark.parametrize("old, new", [("2020-03-01", "2022-01-01"), ("topics: [safety]",
                                                                      "topics: []")])
def test_a_date_or_topic_change_reorders_the_listings(site: Path, tmp_path: Path, capsys,
                                                       old: str, new: str):
    edit(site / "content/news/2020-03-01-second.md", old, new)
    rebuild_and_compare(site, tmp_path, capsys)


def test_an_added_page_and_a_removed_page(site: Path, tmp_path: Path, capsys):
    news = site / "content/news"
    (news / "2022-05-05-fourth.md").write_text(
        "---\ntitle: A fourth item\ndate: 2022-05-05\ntopics: [safety]\n---\n\nFourth.\n",
        "utf-8")
    (news / "2020-01-15-first.md").unlink()
    written = rebuild_and_compare(site, tmp_path, capsys)
    assert "fr/news/2020-01-15-first.html" in written
    assert not (site / "site/fr/news/2020-01-15-first.html").exists()
    assert (site / "site/fr/news/2022-05-05-fourth.html").is_file()


def test_a_template_edit_and_a_stylesheet_edit(site: Path, tmp_path: Path, capsys):
    copy_theme(site)
    rebuild_and_compare(site, tmp_path, capsys)
    edit(site / "templates/news_item.html", "</article>", "</article>\n<!-- changed -->")
    (site / "templates/static/style.css").write_text(
        (site / "templates/static/style.css").read_text("utf-8") + "\n/* changed */\n", "utf-8")
    written = rebuild_and_compare(site, tmp_path, capsys)
    assert "assets/style.css" in written and "fr/news/2020-03-01-second.html" in written


def test_a_rebuild_in_worker_processes_reads_the_translations_it_changed(
        site: Path, tmp_path: Path, capsys, monkeypatch):
    """Above `PARALLEL_MIN` outputs a rebuild renders in a process pool. The workers read
    the record's committed translations themselves, except those of a locale whose
    catalogue this build changed (still in its transaction), which they inherit loaded.
    Here a template edit renders every page in two worker processes, in the build that
    also takes a new French translation: identical to a full build, the French new."""
    from builder.engine import incremental

    monkeypatch.setattr(incremental, "PARALLEL_MIN", 1)
    copy_theme(site)
    rebuild_and_compare(site, tmp_path, capsys)
    edit(site / "templates/news_item.html", "</article>", "</article>\n<!-- changed -->")
    edit_po(site, "fr", "Body of the second item.", "Corps du deuxième article.")
    before = stamps(site / "site")
    capsys.readouterr()
    assert build(site, "--jobs", "2") == 0
    assert capsys.readouterr().out.startswith("rebuilt ")
    assert {"fr/news/2020-03-01-second.html", "ar/news/2020-03-01-second.html"} <= \
        touched(before, site / "site")
    assert tree(site / "site") == reference(site, tmp_path)
    page = (site / "site" / "fr/news/2020-03-01-second.html").read_text("utf-8")
    assert "Corps du deuxième article." in page and "<!-- changed -->" in page
    assert "ar: " in (site / "site" / "ar/news/2020-03-01-second.html").read_text("utf-8")


def test_an_override_of_a_theme_file_added_and_removed(site: Path, tmp_path: Path, capsys):
    """templates/static/style.css over the theme's: the same assets/style.css, from
    another source; removed, the theme's comes back. A template that extends the
    theme's changes every page that uses it."""
    (site / "templates/static").mkdir(parents=True)
    (site / "templates/static/style.css").write_text("body { margin: 0; }\n", "utf-8")
    (site / "templates/page.html").write_text(
        '{% extends "theme/page.html" %}\n{% block after %}<p>Our own.</p>{% endblock %}\n')
    written = rebuild_and_compare(site, tmp_path, capsys)
    assert "assets/style.css" in written and "fr/about.html" in written
    assert (site / "site/assets/style.css").read_text("utf-8") == "body { margin: 0; }\n"
    assert "<p>Our own.</p>" in (site / "site/fr/about.html").read_text("utf-8")
    (site / "templates/static/style.css").unlink()
    (site / "templates/page.html").unlink()
    written = rebuild_and_compare(site, tmp_path, capsys)
    assert "assets/style.css" in written and "fr/about.html" in written
    assert (site / "site/assets/style.css").read_bytes() == (THEME / "static/style.css").read_bytes()


def test_site_settings_change_means_a_full_build(site: Path, tmp_path: Path, capsys):
    edit(site / "content/site.yaml", "footer: A small site for tests.", "footer: Another footer.")
    capsys.readouterr()
    assert build(site) == 0
    assert capsys.readouterr().out.startswith("built ")
    assert tree(site / "site") == reference(site, tmp_path)


def test_bad_input_in_a_rebuild_changes_nothing(site: Path, tmp_path: Path, capsys):
    before = tree(site / "site")
    page = site / "content/news/2020-03-01-second.md"
    edit(page, "topics: [safety]", "topics: [safty]")
    assert build(site) == 2
    assert "2020-03-01-second.md:4: error: unknown topic `safty`" in capsys.readouterr().err
    assert tree(site / "site") == before
    edit(page, "topics: [safty]", "topics: [safety]")
    assert rebuild_and_compare(site, tmp_path, capsys) == set()


def test_a_broken_catalogue_entry_is_reported_with_its_line(site: Path, capsys):
    before = tree(site / "site")
    path = po(site, "fr")
    text = path.read_text("utf-8")
    path.write_text(text.replace('msgstr "fr: Body of the second item."',
                                 'msgstr "fr: Body of the second item.'), "utf-8")
    line = next(n for n, t in enumerate(path.read_text("utf-8").splitlines(), 1)
                if t.startswith('msgstr "fr: Body of the second item.'))
    assert build(site) == 2
    assert f"news-2020.po:{line}: error: PO syntax error" in capsys.readouterr().err
    assert tree(site / "site") == before


def test_a_full_build_after_a_locale_only_build(site: Path, tmp_path: Path, capsys):
    assert build(site, "--locale", "fr") == 0
    capsys.readouterr()
    assert build(site) == 0
    assert capsys.readouterr().out.startswith("built ")
    assert tree(site / "site") == reference(site, tmp_path)


def test_a_save_that_also_changes_the_header_rewrites_only_the_page(site: Path, tmp_path: Path,
                                                                    capsys):
    """Poedit and Lokalize stamp PO-Revision-Date on every save."""
    path = po(site, "fr")
    text = path.read_text("utf-8").replace('"PO-Revision-Date: YEAR-MO-DA HO:MI+ZONE\\n"',
                                            '"PO-Revision-Date: 2026-11-29 10:00+0100\\n"')
    assert "2026-11-29 10:00" in text
    path.write_text(text.replace('msgstr "fr: Body of the second item."',
                                 'msgstr "Corps du deuxième."'), "utf-8")
    written = rebuild_and_compare(site, tmp_path, capsys)
    assert {p for p in written if p.endswith(".html")} == {"fr/news/2020-03-01-second.html"}


def test_a_translation_the_build_refuses_falls_back_incrementally(site: Path, tmp_path: Path,
                                                                  capsys):
    edit_po(site, "fr", "Body of the second item.", "Corps avec un [lien](https://x.example).")
    rebuild_and_compare(site, tmp_path, capsys)
    html = (site / "site/fr/news/2020-03-01-second.html").read_text("utf-8")
    assert "Body of the second item." in html and "x.example" not in html


def test_a_new_catalogue_entry_for_a_new_paragraph(site: Path, tmp_path: Path, capsys):
    edit(site / "content/news/2020-03-01-second.md", "Body of the second item.",
         "Body of the second item.\n\nA new paragraph.")
    rebuild_and_compare(site, tmp_path, capsys)
    assert main(["update", "--project", str(site)]) == 0
    edit_po(site, "fr", "A new paragraph.", "Un nouveau paragraphe.")
    rebuild_and_compare(site, tmp_path, capsys)
    assert "Un nouveau paragraphe." in (site / "site/fr/news/2020-03-01-second.html"
                                        ).read_text("utf-8")


def test_a_project_given_as_a_relative_path(site: Path, tmp_path: Path, capsys, monkeypatch):
    """`infopages build` in the project folder (what `make site` runs)."""
    monkeypatch.chdir(site)
    assert main(["build", "--quiet"]) == 0
    edit(Path("content/news/2020-03-01-second.md"), "Body of the second", "New body of the second")
    capsys.readouterr()
    assert main(["build", "--quiet"]) == 0
    assert capsys.readouterr().out.startswith("rebuilt ")
    assert tree(Path("site")) == reference(site, tmp_path)


def test_a_news_item_dated_in_a_new_year_keeps_its_translations(site: Path, tmp_path: Path,
                                                                 capsys):
    """Its text moves to the new year's catalogue, which `update` makes with the
    translations; the incremental build follows the new catalogue."""
    edit(site / "content/news/2020-03-01-second.md", "date: 2020-03-01", "date: 2019-12-31")
    assert main(["update", "--project", str(site)]) == 0
    moved = polib.pofile(str(site / "locales/fr/LC_MESSAGES/news-2019.po"))
    assert moved.find("Body of the second item.").msgstr == "fr: Body of the second item."
    assert moved.find("Body of the second item.").flags == ["md-text"]
    assert polib.pofile(str(po(site, "fr"))).find("Body of the second item.",
                                                  include_obsolete_entries=True).obsolete
    written = rebuild_and_compare(site, tmp_path, capsys)
    assert "fr/news/2020-03-01-second.html" in written
    assert "fr: Body of the second item." in (site / "site/fr/news/2020-03-01-second.html"
                                              ).read_text("utf-8")


def test_a_catalogue_deleted_falls_back_only_where_it_was_used(site: Path, tmp_path: Path,
                                                               capsys):
    (site / "locales/fr/LC_MESSAGES/pages.po").unlink()
    written = rebuild_and_compare(site, tmp_path, capsys)
    assert {p for p in written if p.endswith(".html")} >= {"fr/about.html"}
    assert not any(p.startswith(("ar/", "en/")) for p in written)
    assert "fr: Body of the second item." in (site / "site/fr/news/2020-03-01-second.html"
                                              ).read_text("utf-8")


def test_a_one_page_rebuild_runs_in_one_process_without_the_pool_s_imports(site: Path):
    """A translator's save rebuilds one page: it must not pay for importing the process
    pool (about 20 ms of a 0.3 s rebuild), which `engine.pool` imports only when a pool
    is made."""
    edit_po(site, "fr", "Body of the second item.", "Corps du deuxième article.")
    probe = ("import sys; from builder.cli.app import main; "
             f"code = main(['build', '--quiet', '--project', {str(site)!r}]); "
             "print(code, sorted(m for m in sys.modules if m.startswith("
             "('multiprocessing', 'concurrent.futures.process'))))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          cwd=REPO, check=True)
    assert done.stdout.splitlines()[-1] == "0 []", done.stdout + done.stderr
    assert "Corps du deuxième article." in (site / "site/fr/news/2020-03-01-second.html"
                                            ).read_text("utf-8")


def test_a_one_locale_rebuild_reads_no_other_locale_s_cldr_data(site: Path):
    """The language switcher names every locale in its own language, which Babel finds
    in each locale's CLDR data (some 10 ms a locale). A full build records the names;
    a rebuild of French pages takes them from the record and loads French data only."""
    from builder.engine.cache import BuildCache
    from builder.render.locales import babel_name

    record = BuildCache(site)
    try:
        names = record.get("locale_names")
    finally:
        record.close()
    assert names == {code: babel_name(code) for code in ("en", "fr", "ar")}
    assert names["ar"] == ("العربية", "rtl")
    edit_po(site, "fr", "Body of the second item.", "Corps du deuxième article.")
    probe = ("import babel.localedata as data; from builder.cli.app import main; "
             f"code = main(['build', '--quiet', '--project', {str(site)!r}]); "
             "print(code, sorted(data._cache))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          cwd=REPO, check=True)
    assert done.stdout.splitlines()[-1] == "0 ['fr', 'root']", done.stdout + done.stderr
    html = (site / "site/fr/news/2020-03-01-second.html").read_text("utf-8")
    assert "Corps du deuxième article." in html and 'lang="ar"' in html and "العربية" in html


def test_listings_are_hashed_again_only_when_a_listed_field_changed(site: Path):
    """A rebuild skips hashing every listing when each changed page keeps its kind,
    date, order and topics (`_listed_same`); the listings stored then must be those a
    hash of the new content gives. Held to `list_hashes` on real edits of the mini site."""
    from builder.engine.cache import BuildCache
    from builder.engine.deps import list_hashes
    from builder.engine.incremental import _listed_same
    from builder.source.config import load_config
    from builder.source.content import load_content
    from builder.source.inputs import scan
    from builder.errors import Collector

    def content():
        config = load_config(site)
        return config, load_content(config, scan(site), Collector(site))

    item = site / "content/news/2020-03-01-second.md"
    original = item.read_text("utf-8")
    edits = [("Body of the second", "New body of the second", True),
             ("The second news item", "Second item", True),
             ("2020-03-01", "2022-01-01", False), ("topics: [safety]", "topics: []", False)]
    for old, new, same in edits:
        config, before = content()
        item.write_text(original.replace(old, new, 1), "utf-8")
        config, after = content()
        item.write_text(original, "utf-8")
        changed = ("content/news/2020-03-01-second.md",)
        assert _listed_same(before, after, changed) is same, old
        assert (list_hashes(before, config) == list_hashes(after, config)) is same, old
    record = BuildCache(site)
    try:
        stored = record.get("lists")
    finally:
        record.close()
    edit(item, "Body of the second", "New body of the second")
    assert build(site) == 0
    config, now = content()
    record = BuildCache(site)
    try:
        assert record.get("lists") == stored == list_hashes(now, config)
    finally:
        record.close()
