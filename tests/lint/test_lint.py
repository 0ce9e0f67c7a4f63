"""`builder.lint`: each check fires on a broken translation and stays silent on a good one."""

from __future__ import annotations

import shutil
from pathlib import Path

import polib
import pytest

from builder.catalogues.plurals import plural_header
from builder.lint.checks import FLAGS, SILENCED_BY, lint_project, publishable
from builder.lint.glossary import Glossary, load_glossary

FIXTURES = Path(__file__).resolve().parents[1] / "lint_fixtures"
CONTENT = "content/topics/x.md"


def write_po(root: Path, locale: str, entries: list[dict], header: dict | None = None) -> Path:
    """A PO file for `locale` holding `entries` (polib.POEntry keyword arguments)."""
    po = polib.POFile(wrapwidth=0)
    po.metadata = header if header is not None else {
        "Language": locale, "Content-Type": "text/plain; charset=UTF-8",
        "Plural-Forms": plural_header(locale)[1]}
    for kwargs in entries:
        kwargs = {"occurrences": [(CONTENT, "")], **kwargs}
        po.append(polib.POEntry(**kwargs))
    path = root / "locales" / locale / "LC_MESSAGES" / "topics.po"   # CONTENT's domain
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(str(po), "utf-8")
    return path


def make_site(tmp_path: Path, glossary: str | None = "glossary.yaml") -> Path:
    root = tmp_path / "site"
    (root / "content").mkdir(parents=True)
    (root / "locales").mkdir()
    shutil.copy(FIXTURES / "site.yaml", root / "content" / "site.yaml")
    if glossary:
        shutil.copy(FIXTURES / glossary, root / "locales" / "glossary.yaml")
    return root


def lint_one(tmp_path: Path, locale: str, msgid: str, msgstr: str, **extra):
    root = make_site(tmp_path)
    write_po(root, locale, [dict(msgid=msgid, msgstr=msgstr, **extra)])
    glossary = load_glossary(root, ("fr", "es", "ar"))
    return lint_project(root, (locale,), glossary)


def codes(findings) -> list[tuple[str, str]]:
    return [(f.severity, f.code) for f in findings]


# (locale, msgid, broken msgstr, good msgstr, expected code) — one row per check.
ERRORS = [
    ("fr", "Page %(number)s of %(total)s", "Page %(number)s", "Page %(number)s sur %(total)s",
     "placeholders"),
    ("fr", "Read the [report]{1} now.", "Lisez le rapport maintenant.",
     "Lisez le [rapport]{1} maintenant.", "markdown-links"),
    ("fr", "See [the site](https://example.org).", "Voir [le site](https://example.com).",
     "Voir [le site](https://example.org).", "markdown-links"),
    ("fr", "**Internet crimes:** more.", "**Criminalité sur Internet\u00a0:* plus.",
     "**Criminalité sur Internet\u00a0:** plus.", "markdown-emphasis"),
    ("fr", "Run `infopages lint` daily.", "Lancez `infopages lynt` chaque jour.",
     "Lancez `infopages lint` chaque jour.", "markdown-code"),
    ("fr", "Crimes against children.", "Crimes <b>contre</b> les enfants.",
     "Crimes contre les enfants.", "raw-html"),
    ("ar", "Crimes against children.", "الجرائم \u202eالمرتكبة ضد الأطفال.",
     "الجرائم المرتكبة ضد الأطفال.", "hidden-control"),
    ("fr", "Crimes against children.\n", "Crimes contre les enfants.",
     "Crimes contre les enfants.\n", "newline"),
]


@pytest.mark.parametrize("locale, msgid, bad, good, code", ERRORS)
def test_error_checks_fire_and_stay_silent(tmp_path: Path, locale, msgid, bad, good, code):
    found = lint_one(tmp_path / "bad", locale, msgid, bad)
    assert ("error", code) in codes(found)
    assert lint_one(tmp_path / "good", locale, msgid, good) == []


def test_raw_html_is_an_error_and_the_build_would_not_publish_it(tmp_path: Path):
    found = lint_one(tmp_path, "fr", "Crimes against children.", "Crimes <b>contre</b> enfants.")
    assert ("error", "raw-html") in codes(found)
    assert not publishable("Crimes against children.", "Crimes <b>contre</b> enfants.", "fr")
    assert publishable("Use <https://example.org>.", "Voir <https://example.org>.", "fr")


@pytest.mark.parametrize("locale, msgid, bad, good, code", ERRORS)
def test_every_error_tier_finding_makes_the_build_fall_back(locale, msgid, bad, good, code):
    assert not publishable(msgid, bad, locale)
    assert publishable(msgid, good, locale)


def test_markdown_rules_do_not_apply_to_template_strings():
    assert publishable("Skip to *main*", "Aller au contenu", "fr", markdown=False)
    assert not publishable("50 per page", "50 % par page", "fr", markdown=False)


def test_plural_forms_count_emptiness_and_placeholders(tmp_path: Path):
    root = make_site(tmp_path)
    forms = {0: "%(num)s sujet", 1: "", 2: "sujets"}
    write_po(root, "fr", [dict(msgid="%(num)s topic", msgid_plural="%(num)s topics",
                               msgstr_plural=forms, occurrences=[("templates/a.html", "")]),
                          dict(msgid="One", msgid_plural="Many", msgstr_plural={0: "Un"},
                               occurrences=[("templates/a.html", "")])])
    found = lint_project(root, ("fr",), Glossary())
    assert codes(found) == [("error", "plural-empty"), ("error", "placeholders"),
                            ("error", "plural-count")]
    text = (root / "locales/fr/LC_MESSAGES/topics.po").read_text().splitlines()
    assert text[found[0].line - 1].startswith("msgstr[1]")
    assert text[found[1].line - 1].startswith("msgstr[2]")


def test_arabic_forms_for_zero_one_and_two_may_omit_the_count(tmp_path: Path):
    root = make_site(tmp_path)
    forms = {0: "لا مواضيع", 1: "موضوع واحد", 2: "موضوعان", 3: "%(num)s مواضيع",
             4: "%(num)s موضوعًا", 5: "%(num)s موضوع"}
    write_po(root, "ar", [dict(msgid="%(num)s topic", msgid_plural="%(num)s topics",
                               msgstr_plural=forms, occurrences=[("templates/a.html", "")])])
    assert lint_project(root, ("ar",), Glossary()) == []
    forms[5] = "مواضيع"
    write_po(root, "ar", [dict(msgid="%(num)s topic", msgid_plural="%(num)s topics",
                               msgstr_plural=forms, occurrences=[("templates/a.html", "")])])
    assert codes(lint_project(root, ("ar",), Glossary())) == [("error", "placeholders")]


def test_untranslated_fuzzy_and_obsolete_entries_are_not_checked(tmp_path: Path):
    root = make_site(tmp_path)
    write_po(root, "fr", [dict(msgid="A %(x)s", msgstr=""),
                          dict(msgid="B %(x)s", msgstr="B", flags=["fuzzy"]),
                          dict(msgid="C %(x)s", msgstr="C", obsolete=True)])
    assert lint_project(root, ("fr",), Glossary()) == []


def test_syntax_and_header_errors_come_from_read_po_with_lines(tmp_path: Path):
    root = make_site(tmp_path)
    path = write_po(root, "fr", [dict(msgid="A", msgstr="B")])
    path.write_text(path.read_text() + 'msgid "A"\nmsgstr "C"\n', "utf-8")
    found = lint_project(root, ("fr",), Glossary())
    assert codes(found) == [("error", "syntax")] and "duplicate" in found[0].message
    assert found[0].format().startswith("locales/fr/LC_MESSAGES/topics.po:")
    write_po(root, "es", [dict(msgid="A", msgstr="B")],
             header={"Language": "fr", "Content-Type": "text/plain; charset=ISO-8859-1",
                     "Plural-Forms": plural_header("es")[1]})
    found = lint_project(root, ("es",), Glossary())
    assert codes(found) == [("error", "header")] and "charset=ISO-8859-1" in found[0].message


@pytest.mark.parametrize("language, expected", [
    ("es", []), ("es_ES", []), ("es-MX", []), ("es_ES.UTF-8", []),
    ("fr", [("warning", "header")]), ("", [("warning", "header")])])
def test_language_header_as_the_translators_tool_wrote_it(tmp_path: Path, language, expected):
    """`fr_FR` names French: lint accepts it (update keeps it); another language is
    a warning, since the build goes by the folder, not the header."""
    root = make_site(tmp_path)
    header = {"Language": language, "Content-Type": "text/plain; charset=UTF-8",
              "Plural-Forms": plural_header("es")[1]}
    write_po(root, "es", [dict(msgid="A", msgstr="B")],
             header={k: v for k, v in header.items() if v})
    assert codes(lint_project(root, ("es",), Glossary())) == expected


def test_plural_forms_header_errors(tmp_path: Path):
    root = make_site(tmp_path)
    write_po(root, "ar", [dict(msgid="A", msgstr="B")],
             header={"Language": "ar", "Plural-Forms": "nplurals=2; plural=(n != 1);"})
    found = lint_project(root, ("ar",), Glossary())
    assert codes(found) == [("error", "header")] and "nplurals=2" in found[0].message


WARNINGS = [
    ("ar", "Do you know?", "هل تعلم?", "هل تعلم؟", "punctuation"),
    ("ar", "Arabic, English and French.", "العربية, والإنكليزية والفرنسية.",
     "العربية، والإنكليزية والفرنسية.", "punctuation"),
    ("fr", "**Internet crimes:** more.", "**Criminalité sur Internet :** plus.",
     "**Criminalité sur Internet\u00a0:** plus.", "punctuation"),
    ("fr", "Really?", "Vraiment?", "Vraiment\u202f?", "punctuation"),
    ("fr", "The term “sex tourism” is used.", "Le terme «tourisme sexuel» est employé.",
     "Le terme «\u00a0tourisme sexuel\u00a0» est employé.", "punctuation"),
    ("es", "Do you know?", "Lo sabes?", "¿Lo sabes?", "punctuation"),
    ("es", "Crimes against children.", "Delitos contra menores", "Delitos contra menores.",
     "punctuation"),
    ("fr", "Crimes against children.", "Crimes contre  les enfants.",
     "Crimes contre les enfants.", "double-space"),
    ("fr", "Crimes against children.", "Crimes contre les les enfants.",
     "Nous nous employons à aider les enfants.", "doubled-word"),
    ("fr", "Formed in 1992 with 1,500 members.", "Créé en 1993 avec 1 500 membres.",
     "Créé en 1992 avec 1\u202f500 membres.", "numbers"),
    ("ar", "Formed in 1992.", "أُنشئ في عام 1993.", "أُنشئ في عام ١٩٩٢.", "numbers"),
    ("fr", "Crimes against children are local.", "Crimes against children are local.",
     "Les crimes contre les enfants sont locaux.", "unchanged"),
    ("fr", "Crimes against children tend to be local crimes.", "Crimes locaux.",
     "Les crimes contre les enfants sont généralement locaux.", "length"),
    ("ar", "Crimes against children.", "الجرائم المرتكبة ضد الأطفـــال.",
     "الجرائم المرتكبة ضد الأطفال.", "tatweel"),
    ("fr", "Crimes against children.", "Crimes contre\u200b les enfants.",
     "Crimes contre les enfants.", "zero-width"),
    ("fr", "INTERPOL can issue a Yellow Notice.", "INTERPOL peut publier un avis jaune.",
     "INTERPOL peut publier une notice jaune.", "glossary"),
    ("ar", "Yellow Notices help.", "الإشعارات الصفراء تساعد.", "النشرات الصفراء تساعد.",
     "glossary"),
    ("fr", "Summit #WeProtect.", "Sommet NousProtégeons.", "Sommet #WeProtect.",
     "do-not-translate"),
]


@pytest.mark.parametrize("locale, msgid, bad, good, code", WARNINGS)
def test_warning_checks_fire_and_stay_silent(tmp_path: Path, locale, msgid, bad, good, code):
    found = lint_one(tmp_path / "bad", locale, msgid, bad)
    assert ("warning", code) in codes(found)
    assert all(f.severity == "warning" for f in found)
    assert lint_one(tmp_path / "good", locale, msgid, good) == []


@pytest.mark.parametrize("locale, msgid, bad, good, code", WARNINGS)
def test_a_flag_silences_its_warning(tmp_path: Path, locale, msgid, bad, good, code):
    found = lint_one(tmp_path, locale, msgid, bad, flags=[SILENCED_BY[code]])
    assert ("warning", code) not in codes(found)


def test_flags_do_not_silence_errors_and_unknown_flags_are_reported(tmp_path: Path):
    found = lint_one(tmp_path, "fr", "Page %(n)s", "Page", flags=sorted(FLAGS) +
                     ["infopages-no-lenght"])
    assert codes(found) == [("warning", "unknown-flag"), ("error", "placeholders")]


def test_inflected_arabic_interpol_passes_and_names_stay_in_french(tmp_path: Path):
    assert lint_one(tmp_path / "a", "ar", "Pages of INTERPOL.", "صفحات للإنتربول.") == []
    found = lint_one(tmp_path / "b", "fr", "Pages of INTERPOL.", "Pages d’Interpol.")
    assert codes(found) == [("warning", "do-not-translate")]


def test_findings_point_at_the_msgstr_line(tmp_path: Path):
    root = make_site(tmp_path)
    path = write_po(root, "fr", [dict(msgid="Crimes against children.", msgctxt="nav",
                                      msgstr="Crimes contre les enfants", comment="id: x")])
    found = lint_project(root, ("fr",), Glossary())
    assert path.read_text().splitlines()[found[0].line - 1].startswith('msgstr "Crimes')


def test_plural_publishable_agrees_with_the_plural_errors():
    from builder.lint.checks import plural_publishable

    good = {0: "Thème\u00a0:", 1: "Thèmes\u00a0:", 2: "Thèmes\u00a0:"}
    assert plural_publishable("Topics:", good, "fr")
    assert not plural_publishable("Topics:", {0: "Thème", 1: "Thèmes"}, "fr")
    assert not plural_publishable("%(n)s topics", {0: "%(n)s thème", 1: "%(n)s thèmes",
                                                   2: "thèmes"}, "fr")
    assert not plural_publishable("Topics", {0: "Thème", 1: "<b>Thèmes</b>", 2: "Thèmes"}, "fr")




@pytest.mark.parametrize("locale, msgid, bad, good, code", WARNINGS)
def test_a_translator_comment_silences_its_warning(tmp_path: Path, locale, msgid, bad, good,
                                                   code):
    """GNU msgcat and msgmerge drop flags they do not know; a `#` comment survives them."""
    found = lint_one(tmp_path, locale, msgid, bad,
                     tcomment=f"checked by the team\n{SILENCED_BY[code]}: meant this way")
    assert ("warning", code) not in codes(found)


def test_lint_on_every_core_finds_what_one_process_finds(tmp_path: Path, monkeypatch):
    """Past PARALLEL_BYTES of catalogues `lint` runs the files on a process pool:
    the same findings, in the same order (by locale, domain, then line)."""
    from builder import pipeline
    from builder.engine import pool

    root = make_site(tmp_path)
    for locale, wrong in (("fr", "Bonjour  le  monde"), ("es", "Hola hola mundo 2"),
                          ("ar", "مرحبا, بالعالم")):
        path = write_po(root, locale, [
            dict(msgid="Hello world 1.", msgstr=wrong),
            dict(msgid="Police and justice {name}", msgstr=f"{wrong} {{nom}}")])
        shutil.copy(path, path.with_name("ui.po"))     # a second domain of each locale
    glossary = load_glossary(root, ("fr", "es", "ar"))
    one = lint_project(root, ("fr", "es", "ar"), glossary)
    pools, fork_pool = [], pool.fork_pool

    def counted(workers: int):
        pools.append(workers)
        return fork_pool(workers)

    monkeypatch.setattr(pipeline, "PARALLEL_BYTES", 0)
    monkeypatch.setattr(pool, "fork_pool", counted)
    assert pipeline.lint(root, ("fr", "es", "ar")) == one
    assert pools and len({f.path for f in one}) == 6 and len(one) > 12
