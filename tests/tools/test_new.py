"""`infopages new DIR`: a project of one's own, outside the tool's checkout, that builds
and lints at once; bad options and occupied folders are refused, nothing half-made."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import polib
import pytest
import yaml

from builder.cli.app import main
from builder.source.config import SITE_SCHEMA, load_config


def new(tmp_path: Path, *args: str) -> int:
    return main(["new", str(tmp_path / "site"), *args])


def test_a_new_project_has_settings_pages_catalogues_and_no_templates(tmp_path: Path, capsys):
    assert new(tmp_path, "--name", "Clean Water", "--organisation", "Water Agency",
               "--locales", "en,de,pt-BR,zh-Hant,he") == 0
    root = tmp_path / "site"
    assert not (root / "templates").exists()
    assert [p.name for p in sorted((root / "content").rglob("*.md"))][1:] == [
        "about.md", "our-work.md"]
    assert len(list((root / "content" / "news").glob("*.md"))) == 1
    folders = sorted(p.name for p in (root / "locales").iterdir() if p.is_dir())
    assert folders == ["de", "he", "pt_BR", "zh_Hant"]        # gettext's folder names
    for folder in folders:
        po = root / "locales" / folder / "LC_MESSAGES" / "messages.po"
        subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(po)], check=True)
        assert polib.pofile(str(po)).metadata["Language"] == folder
    config = load_config(root)
    assert (config.title, config.organisation) == ("Clean Water", "Water Agency")
    assert config.locales == ("en", "de", "pt_BR", "zh_Hant", "he")
    assert "locales: [en, de, pt-BR, zh-Hant, he]" in (root / "content/site.yaml").read_text()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".site.")]   # no leftovers
    assert not (root / ".infopages-cache").exists()
    assert main(["build", "--project", str(root)]) == 0
    assert main(["lint", "--project", str(root)]) == 0
    assert "0 error(s), 0 warning(s)" in capsys.readouterr().err


def test_the_settings_file_explains_every_key(tmp_path: Path):
    """Every key site.yaml takes is in the file `new` writes (set, or commented out)."""
    assert new(tmp_path, "--locales", "en,fr") == 0
    text = (tmp_path / "site" / "content" / "site.yaml").read_text("utf-8")
    keys = {m.group(1) for m in re.finditer(r"^(?:# )?([a-z_]+):", text, re.MULTILINE)}
    assert set(SITE_SCHEMA) <= keys
    assert set(yaml.safe_load(text)) <= set(SITE_SCHEMA)


def test_the_source_locale_defaults_to_the_only_locale(tmp_path: Path):
    assert new(tmp_path, "--source-locale", "pt-BR") == 0
    config = load_config(tmp_path / "site")
    assert (config.source_locale, config.locales) == ("pt_BR", ("pt_BR",))
    assert [p.name for p in (tmp_path / "site" / "locales").iterdir()] == ["messages.pot"]


def test_an_empty_folder_is_used(tmp_path: Path):
    (tmp_path / "site").mkdir()
    assert new(tmp_path) == 0
    assert (tmp_path / "site" / "content" / "site.yaml").is_file()


@pytest.mark.parametrize("args, message", [
    (("--locales", "en,xx-nowhere"), "--locales: error: unknown locale code `xx-nowhere` — use "
                                     "BCP 47 tags such as en, de, pt-BR, zh-Hant, he or es-419"),
    (("--source-locale", "klingon"), "--source-locale: error: unknown locale code `klingon`"),
    (("--base-url", "www.example.org"), "--base-url: error: `www.example.org` is not an "
                                        "absolute URL"),
    (("--name", " "), "--name: error: must be one line of text"),
])
def test_bad_options_are_refused_and_nothing_is_made(tmp_path: Path, capsys, args, message):
    assert new(tmp_path, *args) == 2
    assert message in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_a_folder_that_is_not_empty_is_never_written_to(tmp_path: Path, capsys):
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "notes.txt").write_text("mine")
    assert new(tmp_path) == 2
    assert "already exists and is not an empty folder — give the name of a new folder" in \
        capsys.readouterr().err
    assert [p.name for p in (tmp_path / "site").iterdir()] == ["notes.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["site"]
