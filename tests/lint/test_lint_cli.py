"""`infopages lint`: output, exit status, JSON, the glossary file, and the demo catalogues."""

from __future__ import annotations

import json
from pathlib import Path

from builder.cli.app import main
from tests.lint.test_lint import FIXTURES, make_site, write_po

REPO = Path(__file__).resolve().parents[2]


def test_errors_exit_1_with_path_line_and_hint(tmp_path: Path, capsys):
    root = make_site(tmp_path)
    write_po(root, "fr", [dict(msgid="Page %(n)s", msgstr="Page")])
    assert main(["lint", "--project", str(root)]) == 1
    out = capsys.readouterr()
    assert out.out.startswith("locales/fr/LC_MESSAGES/topics.po:")
    assert ": error: placeholders differ" in out.out and " — copy every placeholder" in out.out
    assert "1 error(s), 0 warning(s)" in out.err


def test_warnings_alone_exit_0(tmp_path: Path, capsys):
    root = make_site(tmp_path)
    write_po(root, "fr", [dict(msgid="Really?", msgstr="Vraiment?")])
    assert main(["lint", "--project", str(root)]) == 0
    assert ": warning: no space before `?`" in capsys.readouterr().out


def test_json_lists_every_finding_with_its_fields(tmp_path: Path, capsys):
    root = make_site(tmp_path)
    write_po(root, "fr", [dict(msgid="Page %(n)s", msgstr="Page")])
    write_po(root, "ar", [dict(msgid="Do you know?", msgstr="هل تعلم?")])
    assert main(["lint", "--project", str(root), "--json"]) == 1
    found = json.loads(capsys.readouterr().out)
    assert [(f["locale"], f["severity"], f["code"]) for f in found] == [
        ("fr", "error", "placeholders"), ("ar", "warning", "punctuation")]
    assert set(found[0]) == {"path", "line", "severity", "code", "message", "hint", "locale",
                             "msgid", "domain"}
    assert found[0]["domain"] == "topics"
    assert found[1]["msgid"] == "Do you know?" and found[1]["line"] == 10


def test_locale_option_limits_the_run_and_rejects_unknown_codes(tmp_path: Path, capsys):
    root = make_site(tmp_path)
    write_po(root, "fr", [dict(msgid="Page %(n)s", msgstr="Page")])
    assert main(["lint", "--project", str(root), "--locale", "ar", "--locale", "es"]) == 0
    assert main(["lint", "--project", str(root), "--locale", "de"]) == 2
    assert "unknown locale `de`" in capsys.readouterr().err


def test_domain_option_limits_the_run_and_rejects_unknown_domains(tmp_path: Path, capsys):
    root = make_site(tmp_path)
    write_po(root, "fr", [dict(msgid="Page %(n)s", msgstr="Page")])
    assert main(["lint", "--project", str(root), "--domain", "ui", "--domain", "news-2015"]) == 0
    assert main(["lint", "--project", str(root), "--domain", "topics"]) == 1
    capsys.readouterr()
    assert main(["lint", "--project", str(root), "--domain", "messages"]) == 2
    assert "unknown domain `messages`" in capsys.readouterr().err


def test_a_catalogue_of_another_layout_is_an_error_until_update_moves_it(tmp_path: Path,
                                                                         capsys):
    root = make_site(tmp_path)
    path = write_po(root, "fr", [dict(msgid="Page %(n)s", msgstr="Page %(n)s")])
    path.rename(path.with_name("messages.po"))
    assert main(["lint", "--project", str(root)]) == 1
    out = capsys.readouterr().out
    assert out.startswith("locales/fr/LC_MESSAGES/messages.po: error: a catalogue of another "
                          "layout: site.yaml asks for one catalogue per domain"), out
    assert "run `infopages update`" in out


def test_no_project_exits_2(tmp_path: Path, capsys):
    assert main(["lint", "--project", str(tmp_path)]) == 2
    assert "no site configuration" in capsys.readouterr().err


def test_bad_glossary_exits_2_with_every_problem_and_its_line(tmp_path: Path, capsys):
    root = make_site(tmp_path, glossary="bad_glossary.yaml")
    assert main(["lint", "--project", str(root)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert "locales/glossary.yaml:4: error: unknown key `mtach` — did you mean `match`?" in err
    assert any(line.startswith("locales/glossary.yaml:9: error: bad regular expression for fr")
               for line in err)
    assert any(line.startswith("locales/glossary.yaml:12: error: a do_not_translate entry")
               for line in err)


def test_glossary_that_is_not_yaml_exits_2(tmp_path: Path, capsys):
    root = make_site(tmp_path)
    (root / "locales" / "glossary.yaml").write_text("terms:\n  - source: [x\n", "utf-8")
    assert main(["lint", "--project", str(root)]) == 2
    assert capsys.readouterr().err.startswith("locales/glossary.yaml:2: error: invalid YAML")


def test_the_repository_glossary_is_valid(tmp_path: Path):
    from builder.lint.glossary import load_glossary
    from builder.source.config import load_config

    glossary = load_glossary(REPO, load_config(REPO).target_locales)
    assert len(glossary.terms) >= 8 and "INTERPOL" in glossary.names
    assert (FIXTURES / "glossary.yaml").is_file()


def test_the_demo_catalogues_pass_without_errors_or_warnings(capsys):
    """Fails until every demo catalogue is translated: an untranslated catalogue has
    nothing to lint, so it is required to be complete here."""
    import polib

    from builder.catalogues.domains import po_files
    from builder.catalogues.merge import complete

    for locale in ("fr", "es", "ar"):
        files = po_files(REPO / "locales", locale)
        assert list(files) == ["ui", "topics", "pages", "news-2013", "news-2014", "news-2015"]
        entries = [e for path in files.values() for e in polib.pofile(str(path))
                   if e.msgid and not e.obsolete]
        assert all(complete(e) for e in entries), f"{locale} is not fully translated yet"
    status = main(["lint", "--project", str(REPO), "--json"])
    findings = json.loads(capsys.readouterr().out)
    assert [f"{f['path']}:{f['line']}: {f['message']}" for f in findings] == []
    assert status == 0
