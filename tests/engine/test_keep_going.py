"""`build --keep-going`: a broken catalogue stops only its own locale. Its previous
pages stay as they were; every other locale publishes exactly what a build with a
sound catalogue would (issue 13 part 5, issue 16 part 3)."""

from __future__ import annotations

import shutil
from pathlib import Path

import polib

from builder.cli.app import main
from tests.engine.test_incremental import po, tree

LOCALES = ("fr", "ar")


def build(root: Path, *extra: str) -> int:
    return main(["build", "--project", str(root), "--quiet", *extra])


def translate(root: Path, locale: str, prefix: str) -> None:
    catalogue = polib.pofile(str(po(root, locale)), wrapwidth=0)
    for entry in catalogue:
        if not entry.msgid_plural:
            entry.msgstr = f"{prefix} {entry.msgid}"
    catalogue.save()


def of_locale(site: dict[str, bytes], locale: str) -> dict[str, bytes]:
    return {path: data for path, data in site.items() if path.startswith(f"{locale}/")}


def test_a_broken_catalogue_keeps_its_pages_and_never_changes_the_others(
        mini: Path, tmp_path: Path, capsys):
    assert main(["update", "--project", str(mini)]) == 0
    for locale in LOCALES:
        translate(mini, locale, locale)
    assert build(mini) == 0
    before = tree(mini / "site")
    sound = po(mini, "fr").read_bytes()
    translate(mini, "ar", "ar2")                        # the other locale moves on
    po(mini, "fr").write_bytes(sound + b'\nmsgid "broken"\nmsgstr "unterminated\n')
    capsys.readouterr()

    assert build(mini) == 2                              # by default: nothing is written
    assert "fr/LC_MESSAGES/" in capsys.readouterr().err
    assert tree(mini / "site") == before

    assert build(mini, "--keep-going") == 1
    err = capsys.readouterr().err
    assert f"fr/LC_MESSAGES/{po(mini, 'fr').name}:" in err and "kept the previous pages of fr" in err
    after = tree(mini / "site")
    assert of_locale(after, "fr") == of_locale(before, "fr")

    reference = tmp_path / "reference"                   # the same sources, fr sound
    shutil.copytree(mini, reference, ignore=shutil.ignore_patterns("site", ".infopages-cache"))
    po(reference, "fr").write_bytes(sound)
    assert build(reference) == 0
    expected = tree(reference / "site")
    for locale in ("en", "ar"):
        assert of_locale(after, locale) == of_locale(expected, locale)
        assert of_locale(after, locale) != of_locale(before, locale) or locale == "en"

    po(mini, "fr").write_bytes(sound)                    # fixed: the next build catches up
    assert build(mini) == 0
    assert tree(mini / "site") == expected
