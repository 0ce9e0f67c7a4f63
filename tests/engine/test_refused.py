"""`build` tells the translator which translations it refused (issue 16 part 8): a
count per locale, the first few with file, line and why; the same from an
incremental build, a full build and an up-to-date answer."""

from __future__ import annotations

from pathlib import Path

from tests.engine.test_incremental import build, edit_po, po, site  # noqa: F401 (fixture)


def msgstr_line(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text("utf-8").splitlines(), 1)
                if line == f'msgstr "{text}"')


def test_refused_translations_are_listed_by_every_kind_of_build(site: Path,  # noqa: F811
                                                               capsys):
    broken = "Corps avec un [lien](https://x.example)."
    edit_po(site, "fr", "Body of the second item.", broken)
    line = msgstr_line(po(site, "fr"), broken)
    where = f"locales/fr/LC_MESSAGES/{po(site, 'fr').name}:{line}: warning: translation not " \
            "published: links differ"
    count = "fr: 1 translation not published"
    capsys.readouterr()
    for how in ((), ("--full",)):
        assert build(site, *how) == 0
        out = capsys.readouterr()
        assert where in out.err and count in out.err
        assert "ar: " not in out.err
    assert build(site) == 0
    out = capsys.readouterr()
    assert out.out.startswith("up to date") and count in out.err and where in out.err

    edit_po(site, "fr", "Body of the second item.", "Corps du second article.")
    assert build(site) == 0
    assert "not published" not in capsys.readouterr().err
