"""Terms to avoid (`avoid:` in the glossary): reported wherever a translation uses
them, with path:line, the note and the approved term; the demo's glossary rules out
the "child pornography" renderings in French, Spanish and Arabic."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from builder.lint.checks import lint_project
from builder.lint.glossary import load_glossary
from tests.lint.test_lint import make_site, write_po

REPO = Path(__file__).resolve().parents[2]
LOCALES = ("fr", "es", "ar")
APPROVED = {"fr": "matériel d’abus sexuels sur enfants",
            "es": "material de abuso sexual infantil",
            "ar": "مواد الاعتداء الجنسي على الأطفال"}


def demo_site(tmp_path: Path) -> Path:
    root = make_site(tmp_path, glossary=None)
    shutil.copy(REPO / "locales" / "glossary.yaml", root / "locales" / "glossary.yaml")
    return root


@pytest.mark.parametrize("locale, msgid, msgstr", [
    ("fr", "Offenders share images online.", "Les auteurs partagent de la pornographie "
     "enfantine en ligne."),
    ("fr", "Offenders share images online.", "Les auteurs diffusent de la Pédopornographie."),
    ("es", "Offenders share images online.", "Los delincuentes comparten pornografía "
     "infantil en línea."),
    ("ar", "Offenders share images online.", "يتبادل الجناة المواد الإباحية للأطفال عبر الإنترنت."),
])
def test_an_avoided_term_in_any_segment_is_reported(tmp_path: Path, locale, msgid, msgstr):
    root = demo_site(tmp_path)
    path = write_po(root, locale, [dict(msgid="Home", msgstr="x"),
                                   dict(msgid=msgid, msgstr=msgstr)])
    glossary = load_glossary(root, LOCALES)
    found = [f for f in lint_project(root, (locale,), glossary) if f.code == "glossary-avoid"]
    assert len(found) == 1 and found[0].severity == "warning"
    line = path.read_text("utf-8").splitlines()[found[0].line - 1]
    assert line.startswith("msgstr ")
    text = found[0].format()
    assert text.startswith(f"locales/{locale}/LC_MESSAGES/messages.po:{found[0].line}: warning:")
    assert "is a term to avoid" in text and "never \"child pornography\"" in text
    assert f"use “{APPROVED[locale]}”" in text


def test_quoting_the_avoided_term_is_allowed_and_a_comment_silences_it(tmp_path: Path):
    root = demo_site(tmp_path)
    quoted = ('We avoid the term "child pornography".',
              "Nous évitons le terme « pédopornographie ».")
    legal = ("The law of 1998 is cited here.",
             "La loi de 1998 sur la pornographie enfantine est citée ici.")
    write_po(root, "fr", [dict(msgid=quoted[0], msgstr=quoted[1]),
                          dict(msgid=legal[0], msgstr=legal[1],
                               tcomment="infopages-no-glossary: the title of the law")])
    glossary = load_glossary(root, LOCALES)
    assert [f for f in lint_project(root, ("fr",), glossary) if f.code.startswith("glossary")] \
        == []


def test_the_demo_catalogues_use_no_avoided_term(tmp_path: Path):
    glossary = load_glossary(REPO, LOCALES)
    for locale in LOCALES:
        assert glossary.terms[0].avoided(locale), locale
    assert [f.format() for f in lint_project(REPO, LOCALES, glossary)
            if f.code == "glossary-avoid"] == []


def test_a_malformed_avoid_list_is_an_error_with_its_line(tmp_path: Path):
    from builder.errors import InputError

    root = make_site(tmp_path, glossary=None)
    (root / "locales" / "glossary.yaml").write_text(
        "terms:\n  - source: x\n    avoid:\n      fr: [ok, 3]\n      de: [y]\n", "utf-8")
    with pytest.raises(InputError) as caught:
        load_glossary(root, LOCALES)
    messages = [d.format() for d in caught.value.diagnostics]
    assert any("unknown key `de`" in m for m in messages)
