"""Locale codes as people write them: BCP 47 tags or gettext's spelling in site.yaml; the
catalogue folder in gettext's; pages and URLs in BCP 47; a folder named another way is an
error naming both paths, for every command, and `update` never makes a second one."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from builder.cli.app import main
from builder.render.locales import site_locales
from builder.source.config import load_config
from builder.source.localecodes import (
    bcp47,
    catalogue_folder,
    default_prefix,
    og_locale,
    other_form_of,
    parse_locale,
)


@pytest.mark.parametrize("written, code", [
    ("pt-BR", "pt_BR"), ("pt_BR", "pt_BR"), ("pt-br", "pt_BR"), ("PT_br", "pt_BR"),
    ("zh-Hant", "zh_Hant"), ("zh_hant", "zh_Hant"), ("zh-TW", "zh_TW"),
    ("zh-Hant-TW", "zh_Hant_TW"), ("sr-Latn", "sr_Latn"), ("es-419", "es_419"),
    ("he", "he"), ("en", "en"), ("ar", "ar"),
    ("xx", None), ("en-US-x-private", None), ("", None), ("e", None), (None, None), (3, None),
])
def test_parse_locale(written, code):
    assert parse_locale(written) == code


@pytest.mark.parametrize("code, tag, prefix, og", [
    ("pt_BR", "pt-BR", "pt-br", "pt_BR"), ("zh_Hant", "zh-Hant", "zh-hant", "zh_TW"),
    ("zh_TW", "zh-TW", "zh-tw", "zh_TW"), ("sr_Latn", "sr-Latn", "sr-latn", "sr_RS"),
    ("es_419", "es-419", "es-419", "es_LA"), ("he", "he", "he", "he_IL"),
    ("pt", "pt", "pt", "pt_BR"), ("en", "en", "en", "en_US"), ("ar", "ar", "ar", "ar_EG"),
])
def test_tag_prefix_and_open_graph_locale(code, tag, prefix, og):
    assert (bcp47(code), default_prefix(code), og_locale(code)) == (tag, prefix, og)
    assert catalogue_folder(code) == code


def test_other_forms_of_a_configured_locale():
    locales = ("en", "pt_BR", "zh_Hant")
    assert [other_form_of(f, locales) for f in ("pt-BR", "pt_br", "PT_BR", "zh-hant")] == \
        ["pt_BR", "pt_BR", "pt_BR", "zh_Hant"]
    assert [other_form_of(f, locales) for f in ("pt_BR", "pt", "pt-PT", "de", "templates")] == \
        [None] * 5


def set_locales(root: Path, line: str, extra: str = "") -> None:
    path = root / "content" / "site.yaml"
    text = path.read_text("utf-8").replace("locales: [en, fr, ar]", line)
    path.write_text(text.replace("numbering:\n  ar: arab\n", "") + extra, "utf-8")


def test_site_yaml_takes_tags_and_settings_in_either_spelling(mini: Path):
    set_locales(mini, "locales: [en, pt-BR, zh_hant, ar]",
                "url_prefix: {pt_BR: br}\nog_locale: {zh-Hant: zh_HK}\nnumbering: {AR: arab}\n"
                "publish: {pt-br: {min_percent: 0}}\n")
    config = load_config(mini)
    assert config.locales == ("en", "pt_BR", "zh_Hant", "ar")
    assert dict(config.numbering) == {"ar": "arab"}
    assert [(i.bcp47, i.prefix, i.og_locale) for i in site_locales(config)] == [
        ("en", "en", "en_US"), ("pt-BR", "br", "pt_BR"), ("zh-Hant", "zh-hant", "zh_HK"),
        ("ar", "ar", "ar_EG")]
    assert config.gate("pt_BR").min_percent == 0 and dict(config.gates).keys() == {"pt_BR"}


def test_the_same_locale_twice_in_two_spellings_is_an_error(mini: Path, capsys):
    set_locales(mini, "locales: [en, pt-BR, pt_BR]")
    assert main(["build", "--project", str(mini)]) == 2
    assert "content/site.yaml:5: error: locale `pt_BR` is listed twice" in capsys.readouterr().err


def test_pages_and_urls_use_the_tag_and_the_prefix(mini: Path):
    set_locales(mini, "locales: [en, pt-BR, zh-Hant]", "url_prefix: {zh-Hant: tw}\n")
    assert main(["update", "--project", str(mini)]) == 0
    assert sorted(p.name for p in (mini / "locales").iterdir() if p.is_dir()) == [
        "pt_BR", "zh_Hant"]
    assert main(["build", "--project", str(mini), "--locale", "pt-br", "--locale", "zh_Hant",
                 "--locale", "en"]) == 0
    page = (mini / "site" / "pt-br" / "about.html").read_text("utf-8")
    assert '<html lang="pt-BR" dir="ltr">' in page
    assert '<link rel="alternate" hreflang="zh-Hant" href="https://mini.example.org/tw/about.html">' in page
    assert '<a href="../tw/about.html" lang="zh-Hant" hreflang="zh-Hant"' in page
    assert (mini / "site" / "tw" / "404.html").is_file()


@pytest.mark.parametrize("command", [["build"], ["update"], ["update", "--check"], ["extract"],
                                     ["lint"], ["stats"], ["stats", "--pages"]])
def test_a_catalogue_folder_named_another_way_stops_every_command(mini: Path, capsys, command):
    set_locales(mini, "locales: [en, pt-BR]")
    folder = mini / "locales" / "pt-BR" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "messages.po").write_text('msgid ""\nmsgstr ""\n"Language: pt_BR\\n"\n')
    before = sorted(p.relative_to(mini) for p in mini.rglob("*"))
    assert main([*command, "--project", str(mini)]) == 2
    err = capsys.readouterr().err
    assert ("locales/pt-BR: error: catalogue folder of pt-BR named `pt-BR`: every command "
            "reads locales/pt_BR — rename locales/pt-BR to locales/pt_BR (gettext's form), or "
            "merge it into locales/pt_BR if both exist") in err
    assert not (mini / "locales" / "pt_BR").exists()      # `update` made no second folder
    after = sorted(p.relative_to(mini) for p in mini.rglob("*")
                   if ".infopages-cache" not in p.parts)
    assert after == [p for p in before if ".infopages-cache" not in p.parts]


def test_an_unknown_locale_option_is_refused_in_either_spelling(mini: Path, capsys):
    assert main(["build", "--project", str(mini), "--locale", "FR"]) == 0
    assert main(["build", "--project", str(mini), "--locale", "de"]) == 2
    assert "--locale de is not one of this site's locales" in capsys.readouterr().err
    assert main(["lint", "--project", str(mini), "--locale", "Fr"]) == 0
