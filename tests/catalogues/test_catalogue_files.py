"""An empty, CRLF, BOM or header-less PO file means the same thing to the full build,
the incremental build, update, lint and stats (one decoding: `catalogues.podata`)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import polib
import pytest

from builder.cli.app import main

EMPTY_ERROR = ("locales/fr/LC_MESSAGES/messages.po:1: error: catalogue is empty — run "
               "`infopages update` to recreate it from the template, or restore it from "
               "version control")
NO_HEADER_ERROR = ('locales/fr/LC_MESSAGES/messages.po:1: error: no header entry (`msgid ""` '
                   "with Language, Content-Type and Plural-Forms) — run `infopages update` "
                   "to add it")


def po(root: Path) -> Path:
    return root / "locales" / "fr" / "LC_MESSAGES" / "messages.po"


def variant(text: str, kind: str) -> bytes:
    if kind == "empty":
        return b""
    if kind == "blank":
        return b"\n\n  \n"
    if kind == "crlf":
        return text.replace("\n", "\r\n").encode("utf-8")
    if kind == "bom":
        return b"\xef\xbb\xbf" + text.encode("utf-8")
    if kind == "headerless":
        return text.split("\n\n", 1)[1].encode("utf-8")
    raise ValueError(kind)


@pytest.fixture
def translated(mini: Path) -> Path:
    assert main(["update", "--project", str(mini)]) == 0
    catalogue = polib.pofile(str(po(mini)), wrapwidth=0)
    for entry in catalogue:
        if not entry.msgid_plural:
            entry.msgstr = "FR " + entry.msgid if "%" not in entry.msgid else entry.msgid
    catalogue.save()
    return mini


def run(capsys, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def msgfmt_check(path: Path) -> None:
    result = subprocess.run(["msgfmt", "--check", "-o", os.devnull, str(path)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("kind, error", [("empty", EMPTY_ERROR), ("blank", EMPTY_ERROR),
                                         ("headerless", NO_HEADER_ERROR)])
def test_file_level_problems_are_the_same_error_everywhere(translated: Path, capsys, kind,
                                                           error):
    root = str(translated)
    assert main(["build", "--project", root, "--quiet"]) == 0      # a build record exists
    site = {p: p.read_bytes() for p in (translated / "site").rglob("*.html")}
    po(translated).write_bytes(variant(po(translated).read_text("utf-8"), kind))
    for command in (["build"], ["build", "--full"], ["stats"]):
        code, _, err = run(capsys, *command, "--project", root)
        assert (code, err.strip()) == (2, error), command
    code, out, _ = run(capsys, "lint", "--project", root)
    assert code == 1 and out.strip() == error
    assert {p: p.read_bytes() for p in (translated / "site").rglob("*.html")} == site


@pytest.mark.parametrize("kind", ["crlf", "bom"])
def test_crlf_and_bom_read_like_the_plain_file(translated: Path, capsys, kind):
    root = str(translated)
    plain = po(translated).read_text("utf-8")
    assert main(["build", "--project", root, "--quiet", "--out", str(translated / "plain")]) == 0
    _, stats, _ = run(capsys, "stats", "--project", root)
    _, lint, _ = run(capsys, "lint", "--project", root)
    assert main(["build", "--project", root, "--quiet"]) == 0
    po(translated).write_bytes(variant(plain, kind))
    assert run(capsys, "stats", "--project", root)[1] == stats
    assert run(capsys, "lint", "--project", root)[1] == lint
    assert main(["build", "--project", root, "--quiet"]) == 0           # incremental
    assert main(["build", "--project", root, "--quiet", "--full", "--out",
                 str(translated / "full")]) == 0
    for name in ("site", "full"):
        built = {p.relative_to(translated / name): p.read_bytes()
                 for p in (translated / name).rglob("*.html")}
        assert built == {p.relative_to(translated / "plain"): p.read_bytes()
                         for p in (translated / "plain").rglob("*.html")}
    assert "FR The first news item" in (translated / "site/fr/news/2020-01-15-first.html"
                                        ).read_text("utf-8")


def test_update_keeps_crlf_and_its_changes_are_crlf_too(translated: Path, capsys):
    root = str(translated)
    po(translated).write_bytes(variant(po(translated).read_text("utf-8"), "crlf"))
    before = po(translated).read_bytes()
    assert run(capsys, "update", "--project", root, "--check")[0] == 0
    about = translated / "content/pages/about.md"
    about.write_text(about.read_text("utf-8") + "\nA new closing paragraph.\n", "utf-8")
    assert main(["update", "--project", root]) == 0
    after = po(translated).read_bytes()
    assert after != before and b"A new closing paragraph." in after
    assert after.count(b"\n") == after.count(b"\r\n"), "every line ends in CRLF"
    msgfmt_check(po(translated))


def test_update_drops_a_bom_and_says_so(translated: Path, capsys):
    root = str(translated)
    plain = po(translated).read_bytes()
    po(translated).write_bytes(b"\xef\xbb\xbf" + plain)
    assert run(capsys, "update", "--project", root, "--check")[0] == 1
    code, out, _ = run(capsys, "update", "--project", root)
    assert code == 0 and "byte-order mark" in out
    assert po(translated).read_bytes() == plain
    msgfmt_check(po(translated))


def test_update_recreates_an_empty_file(translated: Path, capsys):
    root = str(translated)
    po(translated).write_bytes(b"")
    assert main(["update", "--project", root]) == 0
    msgfmt_check(po(translated))
    catalogue = polib.pofile(str(po(translated)))
    assert catalogue.metadata["Language"] == "fr" and "Plural-Forms" in catalogue.metadata
    assert len(catalogue) > 40 and not catalogue.translated_entries()
    assert main(["build", "--project", root, "--quiet"]) == 0


def test_update_adds_the_header_to_a_headerless_file_keeping_translations(translated: Path):
    root = str(translated)
    po(translated).write_bytes(variant(po(translated).read_text("utf-8"), "headerless"))
    assert main(["update", "--project", root]) == 0
    msgfmt_check(po(translated))
    catalogue = polib.pofile(str(po(translated)))
    assert "Plural-Forms" in catalogue.metadata
    assert catalogue.find("The first news item").msgstr == "FR The first news item"
