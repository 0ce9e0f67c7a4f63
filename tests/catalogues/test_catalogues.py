"""extract / update / stats on the `mini` fixture site, checked with GNU msgfmt."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import polib

from builder.cli.app import main


def run(*args: str) -> int:
    return main(list(args))


def msgfmt_check(path: Path) -> str:
    result = subprocess.run(["msgfmt", "--check", "--statistics", "-o", os.devnull, str(path)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stderr


def po(root: Path, locale: str, domain: str = "ui") -> Path:
    return root / "locales" / locale / "LC_MESSAGES" / f"{domain}.po"


def catalogues(root: Path, locale: str) -> list[Path]:
    return sorted((root / "locales" / locale / "LC_MESSAGES").glob("*.po"))


DOMAINS = ["ui", "topics", "pages", "news-2020", "news-2021"]


def test_extract_writes_a_valid_deterministic_pot_per_domain(mini: Path, capsys):
    capsys.readouterr()
    assert run("extract", "--project", str(mini)) == 0
    pots = [mini / "locales" / f"{domain}.pot" for domain in DOMAINS]
    assert [line.split(":")[0] for line in capsys.readouterr().out.splitlines()] == \
        [str(pot) for pot in pots]
    assert sorted((mini / "locales").glob("*.pot")) == sorted(pots)
    first = {pot: pot.read_bytes() for pot in pots}
    mtimes = {pot: pot.stat().st_mtime_ns for pot in pots}
    for pot in pots:
        msgfmt_check(pot)
    assert run("extract", "--project", str(mini)) == 0
    assert {pot: pot.read_bytes() for pot in pots} == first
    assert {pot: pot.stat().st_mtime_ns for pot in pots} == mtimes, \
        "an unchanged POT must not be rewritten"
    text = {pot.stem: data.decode() for pot, data in first.items()}
    assert "#: content/topics/safety.md\n" in text["topics"]  # file references, no line numbers
    assert "#. id: topics/safety#our-work.p1 (paragraph, source " in text["topics"]
    assert "#. context: Safety › Our work\n" in text["topics"]
    assert "Raw <script>alert(1)</script> HTML stays text." in text["topics"]
    # The same paragraph on a topic and on a page: one entry in each domain.
    wrapped = 'msgid "We protect people across the world. This paragraph is wrapped over ' \
        'several lines."'
    assert f"#: content/pages/about.md\n#, md-text\n{wrapped}" in text["pages"]
    assert f"#: content/topics/safety.md\n#, md-text\n{wrapped}" in text["topics"]
    # The interface: templates and site settings.
    assert 'msgctxt "nav"\nmsgid "Home"' in text["ui"]
    assert "#: content/site.yaml\nmsgid \"Mini site\"" in text["ui"]
    assert "#. link that lets keyboard and screen-reader users" in text["ui"]  # Translators:
    assert 'msgid_plural "Topics:"' in text["ui"]
    # News items by the year of their date.
    assert "#: content/news/2020-01-15-first.md" in text["news-2020"]
    assert "#: content/news/2021-06-30-third.md" in text["news-2021"]
    assert "content/news/" not in text["ui"] + text["topics"] + text["pages"]


def creation_date(pot: Path) -> str:
    return pot.read_text("utf-8").split('"POT-Creation-Date: ', 1)[1].split("\\n", 1)[0]


def test_a_pot_s_creation_date_is_the_clock_s_and_moves_only_with_its_messages(
        mini: Path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    pot = mini / "locales" / "pages.pot"
    pot.parent.mkdir(exist_ok=True)
    pot.write_text(pot_of(mini).replace("POT-Creation-Date: ", "POT-Creation-Date: 1999-"),
                   "utf-8")
    assert run("extract", "--project", str(mini)) == 0    # messages the same: date kept
    assert creation_date(pot).startswith("1999-")
    about = mini / "content/pages/about.md"
    about.write_text(about.read_text("utf-8") + "\nOne more paragraph.\n", "utf-8")
    before = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)
    assert run("extract", "--project", str(mini)) == 0
    written = dt.datetime.strptime(creation_date(pot), "%Y-%m-%d %H:%M%z")
    assert before <= written <= dt.datetime.now(dt.UTC)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")                # reproducible builds
    about.write_text(about.read_text("utf-8") + "\nAnd another.\n", "utf-8")
    assert run("extract", "--project", str(mini)) == 0
    assert creation_date(pot) == "1970-01-01 00:00+0000"


def pot_of(root: Path) -> str:
    """pages.pot as `extract` writes it, from a copy of the site."""
    copy = root.parent / "pot-of"
    shutil.copytree(root, copy)
    assert run("extract", "--project", str(copy)) == 0
    return (copy / "locales" / "pages.pot").read_text("utf-8")


def test_update_creates_catalogues_with_canonical_plural_forms(mini: Path):
    assert run("update", "--project", str(mini)) == 0
    ar = polib.pofile(str(po(mini, "ar")))
    assert ar.metadata["Language"] == "ar"
    assert ar.metadata["Plural-Forms"].startswith("nplurals=6; plural=(n == 0 ? 0 : n == 1 ? 1")
    plural = next(e for e in ar if e.msgid_plural)
    assert sorted(plural.msgstr_plural) == [0, 1, 2, 3, 4, 5]
    for locale in ("fr", "ar"):
        assert [path.stem for path in catalogues(mini, locale)] == sorted(DOMAINS)
        for path in catalogues(mini, locale):
            msgfmt_check(path)
            assert polib.pofile(str(path)).metadata["Plural-Forms"] == \
                polib.pofile(str(po(mini, locale))).metadata["Plural-Forms"]
    assert not (mini / "locales/en").exists()


def translate_all(path: Path, prefix: str) -> None:
    """Every entry of `path` translated; a folder: every catalogue in it."""
    if path.is_dir():
        for each in sorted(path.glob("*.po")):
            translate_all(each, prefix)
        return
    catalogue = polib.pofile(str(path), wrapwidth=0)
    for entry in catalogue:
        if entry.msgid_plural:
            entry.msgstr_plural = {k: prefix + entry.msgid_plural for k in entry.msgstr_plural}
        else:
            entry.msgstr = prefix + entry.msgid
    catalogue.save()


def test_update_keeps_translations_marks_changed_text_fuzzy_and_keeps_removed(mini: Path):
    run("update", "--project", str(mini))
    translate_all(po(mini, "fr").parent, "FR ")
    safety = mini / "content" / "topics" / "safety.md"
    safety.write_text(safety.read_text().replace("- First point with **bold** text.\n", "")
                      .replace("title: Safety", "title: Safety first"))
    assert run("update", "--project", str(mini)) == 0
    text = po(mini, "fr", "topics").read_text()
    msgfmt_check(po(mini, "fr", "topics"))
    catalogue = polib.pofile(text)
    changed = catalogue.find("Safety first")
    assert changed is not None and "fuzzy" in changed.flags
    assert changed.previous_msgid == "Safety"
    assert changed.msgstr == "FR Safety"
    assert "#| msgid \"Safety\"" in text
    assert polib.pofile(str(po(mini, "fr", "pages"))).find("About us").msgstr == "FR About us"
    gone = [e for e in catalogue.obsolete_entries() if e.msgid == "First point with **bold** text."]
    assert gone and gone[0].msgstr == "FR First point with **bold** text."
    # The removed text comes back: its translation is revived, not duplicated.
    safety.write_text(safety.read_text().replace("- Second point", "- First point with **bold** text.\n- Second point"))
    assert run("update", "--project", str(mini)) == 0
    catalogue = polib.pofile(str(po(mini, "fr", "topics")))
    revived = catalogue.find("First point with **bold** text.")
    assert revived is not None and not revived.obsolete and "fuzzy" not in revived.flags
    assert revived.msgstr == "FR First point with **bold** text."
    assert not [e for e in catalogue.obsolete_entries() if e.msgid == revived.msgid]
    msgfmt_check(po(mini, "fr", "topics"))


def test_stats_counts_fuzzy_as_not_translated_like_msgfmt(mini: Path, capsys):
    run("update", "--project", str(mini))
    catalogue = polib.pofile(str(po(mini, "fr")), wrapwidth=0)
    entries = [e for e in catalogue if not e.msgid_plural]
    for entry in entries[:5]:
        entry.msgstr = "X " + entry.msgid
    entries[5].msgstr = "Y " + entries[5].msgid
    entries[5].flags.append("fuzzy")
    catalogue.save()
    capsys.readouterr()
    assert run("stats", "--project", str(mini), "--json") == 0
    import json

    rows = {row["locale"]: row for row in json.loads(capsys.readouterr().out)}
    report = msgfmt_check(po(mini, "fr"))
    ui = next(d for d in rows["fr"]["domains"] if d["domain"] == "ui")
    assert report.splitlines()[-1].startswith(f"{ui['translated']} translated messages, "
                                              f"{ui['fuzzy']} fuzzy translation, "
                                              f"{ui['untranslated']} untranslated messages")
    assert (ui["translated"], ui["fuzzy"]) == (5, 1)
    # The locale's figures are the sums of its domains'.
    assert [d["domain"] for d in rows["fr"]["domains"]] == DOMAINS
    for name in ("total", "translated", "fuzzy", "untranslated", "obsolete", "words"):
        assert rows["fr"][name] == sum(d[name] for d in rows["fr"]["domains"]), name
    assert (rows["fr"]["translated"], rows["fr"]["fuzzy"]) == (5, 1)


def test_update_refuses_to_overwrite_a_catalogue_saved_meanwhile(mini: Path):
    from builder.errors import InputError
    from builder.source.inputs import checked_scan
    from builder.engine.catalogues import apply_update, plan_update

    run("update", "--project", str(mini))
    mini.joinpath("content/pages/about.md").write_text("---\ntitle: About the team\n---\n")
    plan = plan_update(mini, checked_scan(mini))
    # A translator saves in Poedit while the merge is in memory.
    translate_all(po(mini, "fr", "pages"), "FR ")
    saved = po(mini, "fr", "pages").read_bytes()
    ar_before = po(mini, "ar", "pages").read_bytes()
    pot_before = (mini / "locales/pages.pot").read_bytes()
    try:
        apply_update(mini, plan)
    except InputError as exc:
        assert "fr/LC_MESSAGES/pages.po: error: changed on disk while `update` was merging it" \
            in exc.diagnostics[0].format()
    else:
        raise AssertionError("update overwrote a catalogue saved meanwhile")
    assert po(mini, "fr", "pages").read_bytes() == saved
    assert po(mini, "ar", "pages").read_bytes() == ar_before, \
        "no catalogue is written when one fails"
    assert (mini / "locales/pages.pot").read_bytes() == pot_before


def test_update_plan_holds_only_the_catalogues_that_change(mini: Path):
    """Every catalogue merged again (nothing remembered: the record is gone) gives back
    its file: the plan keeps its digests, not its bytes (at N = 10,000 the bytes read
    and merged of every locale were 1.3 GB in one process). A translator's save
    meanwhile is still refused, in a catalogue the merge left as it was too."""
    import shutil

    from builder.engine.catalogues import apply_update, plan_update
    from builder.errors import InputError
    from builder.source.inputs import checked_scan

    run("update", "--project", str(mini))
    about = mini / "content" / "pages" / "about.md"
    about.write_text(about.read_text("utf-8") + "\nA new paragraph.\n", "utf-8")
    shutil.rmtree(mini / ".infopages-cache")
    plan = plan_update(mini, checked_scan(mini))
    assert plan.merged and not any(m.result.remembered or m.before for m in plan.merged)
    changed = {m.path for m in plan.merged if not m.same}
    assert changed == {po(mini, "fr", "pages"), po(mini, "ar", "pages")}
    assert all(m.data == b"" and m.read_sha for m in plan.merged if m.path not in changed)
    assert all(m.data and m.data != m.path.read_bytes() for m in plan.merged
               if m.path in changed)
    unchanged = next(m.path for m in plan.merged if m.path not in changed)
    unchanged.write_bytes(unchanged.read_bytes() + b"\n")    # a save meanwhile
    before = {p: p.read_bytes() for p in (mini / "locales").rglob("*.po*")}
    try:
        apply_update(mini, plan)
    except InputError as exc:
        assert f"{unchanged.relative_to(mini / 'locales')}: error: changed on disk" in \
            exc.diagnostics[0].format()
    else:
        raise AssertionError("update overwrote a catalogue saved meanwhile")
    assert {p: p.read_bytes() for p in (mini / "locales").rglob("*.po*")} == before
    unchanged.write_bytes(unchanged.read_bytes()[:-1])     # the save undone
    before[unchanged] = unchanged.read_bytes()
    apply_update(mini, plan)
    assert {p for p, data in before.items() if p.read_bytes() != data} == changed | {
        mini / "locales/pages.pot"}


def test_update_check_reports_stale_catalogues_and_writes_nothing(mini: Path, capsys):
    assert run("update", "--project", str(mini)) == 0
    assert run("update", "--check", "--project", str(mini)) == 0
    about = mini / "content" / "pages" / "about.md"
    about.write_text(about.read_text() + "\nA new paragraph.\n")
    before = {p: p.read_bytes() for p in (mini / "locales").rglob("*.po*")}
    capsys.readouterr()
    assert run("update", "--check", "--project", str(mini)) == 1
    out = capsys.readouterr().out
    # Only the domain of the page that changed.
    assert sorted(line.split(": ")[0].removeprefix(str(mini) + "/")
                  for line in out.splitlines()) == [
        "locales/ar/LC_MESSAGES/pages.po", "locales/fr/LC_MESSAGES/pages.po",
        "locales/pages.pot"]
    assert {p: p.read_bytes() for p in (mini / "locales").rglob("*.po*")} == before
    assert run("update", "--project", str(mini)) == 0
    assert run("update", "--check", "--project", str(mini)) == 0


def test_prune_obsolete_drops_removed_entries_on_request(mini: Path):
    run("update", "--project", str(mini))
    translate_all(po(mini, "fr").parent, "FR ")
    safety = mini / "content" / "topics" / "safety.md"
    safety.write_text(safety.read_text().split("| Region")[0])
    run("update", "--project", str(mini))
    assert polib.pofile(str(po(mini, "fr", "topics"))).obsolete_entries()
    run("update", "--prune-obsolete", "--project", str(mini))
    assert not polib.pofile(str(po(mini, "fr", "topics"))).obsolete_entries()


def test_pot_entries_are_written_exactly_as_polib_writes_them(repo: Path):
    from builder.catalogues.extract import Entry, _po_entry, entry_text, extract
    from builder.source.inputs import checked_scan
    from builder.engine.pagememo import analyse_pages
    from builder.errors import Collector
    from builder.source.config import load_config
    from builder.source.content import load_content

    inputs, config = checked_scan(repo), load_config(repo)
    content = load_content(config, inputs, Collector(repo))
    _, analysed = analyse_pages(repo, content.pages, {p.key for p in content.pages})
    segments = {k: list(a.segments) for k, a in analysed.items()}
    templates = {f.path: repo / f.path for f in inputs.of_kind("template")}
    entries = [e for domain in extract(config, content, segments, templates).values()
               for e in domain]
    entries.append(Entry("two\nlines \"quoted\"\t", "ctx", "plural %(n)s",
                                    {"templates/a.html"}, ["", "note"], ["python-format"]))
    for entry in entries:
        assert entry_text(entry) == _po_entry(entry).__unicode__(0)


def test_update_reports_the_counts_stats_gives(mini: Path, capsys):
    """"N fuzzy" is every fuzzy entry of the file (what stats counts); "(M new this
    run)" those this update made fuzzy — also when an older fuzzy entry remains."""
    import json
    import re

    assert run("update", "--project", str(mini)) == 0
    catalogue = polib.pofile(str(po(mini, "fr", "news-2020")), wrapwidth=0)
    for entry in catalogue:
        if not entry.msgid_plural and "%" not in entry.msgid:
            entry.msgstr = "FR " + entry.msgid
    catalogue[3].flags.append("fuzzy")          # a translator left one fuzzy
    catalogue.save()
    news = mini / "content" / "news" / "2020-01-15-first.md"
    news.write_text(news.read_text().replace("Body of the first item.",
                                             "Body of the very first item.") +
                    "\nA brand-new closing line.\n")
    capsys.readouterr()
    assert run("update", "--project", str(mini)) == 0
    line = next(l for l in capsys.readouterr().out.splitlines() if "/fr/" in l and "2020" in l)
    found = re.search(r": (\d+) translated, (\d+) fuzzy \((\d+) new this run\), "
                      r"(\d+) untranslated \((\d+) new messages\), (\d+) obsolete", line)
    assert found, line
    translated, fuzzy, fuzzy_now, untranslated, new, obsolete = map(int, found.groups())
    assert (fuzzy, fuzzy_now, new) == (2, 1, 1)
    assert run("stats", "--project", str(mini), "--json") == 0
    fr = next(r for r in json.loads(capsys.readouterr().out) if r["locale"] == "fr")
    news_2020 = next(d for d in fr["domains"] if d["domain"] == "news-2020")
    assert (news_2020["translated"], news_2020["fuzzy"], news_2020["untranslated"],
            news_2020["obsolete"]) == (translated, fuzzy, untranslated, obsolete)


def test_an_update_with_nothing_to_do_reports_nothing_new(mini: Path, capsys):
    assert run("update", "--project", str(mini)) == 0
    capsys.readouterr()
    assert run("update", "--project", str(mini)) == 0
    lines = [l for l in capsys.readouterr().out.splitlines() if "/fr/" in l]
    assert len(lines) == len(DOMAINS)
    assert lines[0].endswith("/fr/LC_MESSAGES/ui.po: 0 translated, 0 fuzzy, 34 untranslated, "
                             "0 obsolete (unchanged)"), lines


def test_stats_on_every_core_counts_what_one_process_counts(mini: Path, monkeypatch):
    """Past PARALLEL_BYTES of catalogues `stats` reads the files on a process pool: the
    same rows in the same order, and a broken catalogue's error, file and line, as
    one process reports it."""
    from builder import pipeline
    from builder.errors import InputError

    run("update", "--project", str(mini))
    edit = po(mini, "fr")
    catalogue = polib.pofile(str(edit), wrapwidth=0)
    for entry in [e for e in catalogue if not e.msgid_plural][:3]:
        entry.msgstr = "X " + entry.msgid
    catalogue.save()
    one = pipeline.stats(mini)
    monkeypatch.setattr(pipeline, "PARALLEL_BYTES", 0)
    assert pipeline.stats(mini) == one and any(row.translated for row in one)
    edit.write_text(edit.read_text("utf-8") + '\nmsgid "x"\nmsgstr "y" z\n', "utf-8")
    errors = []
    for limit in (0, 1 << 40):
        monkeypatch.setattr(pipeline, "PARALLEL_BYTES", limit)
        try:
            pipeline.stats(mini)
        except InputError as exc:
            errors.append(exc.diagnostics)
    assert len(errors) == 2 and errors[0] == errors[1] and errors[0][0].line
