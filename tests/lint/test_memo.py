"""`lint` and `stats` remember each catalogue's result under its bytes
(`engine.filememo`): the same findings and rows as the work done afresh, after any
sequence of edits, and only the files that changed are read again.

Proven on the demo's catalogues and glossary, on a site made by `infopages new` for
other locales, on saves by GNU msgcat, on a file that goes back to older bytes, on a
file saved while the command runs, and on a damaged memo.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from builder import pipeline
from builder.engine import filememo
from builder.engine.cache import RACY
from builder.engine.filememo import MEMO_FILE
from builder.lint import checks
from builder.lint.checks import lint_project
from builder.lint.glossary import load_glossary
from builder.source.config import load_config
from tests.conftest import REPO
from tests.newsite import make_new_site

CATALOGUES = sorted(p.relative_to(REPO).as_posix()
                    for p in REPO.glob("locales/*/LC_MESSAGES/*.po"))


def demo_project(parent: Path) -> Path:
    root = parent / "demo"
    for name in ("content", "locales"):
        shutil.copytree(REPO / name, root / name)
    return root


def fresh_lint(root: Path) -> list:
    """The findings without the memo: the catalogues linted one by one."""
    config = load_config(root)
    return lint_project(root, config.target_locales, load_glossary(root, config.target_locales))


def fresh_stats(root: Path, scratch: Path) -> list:
    """The rows of `stats` on a copy of the project without its cache."""
    if scratch.exists():
        shutil.rmtree(scratch)
    shutil.copytree(root, scratch, ignore=shutil.ignore_patterns(".infopages-cache"))
    return pipeline.stats(scratch)


def linted_files(monkeypatch) -> list[str]:
    """The catalogues `lint` reads from now on (lint_catalogue's calls, as it is run)."""
    seen: list[str] = []
    real = checks.lint_catalogue

    def counted(root, locale, path, glossary):
        seen.append(Path(path).relative_to(root).as_posix())
        return real(root, locale, path, glossary)

    counted.__module__, counted.__qualname__ = real.__module__, real.__qualname__
    monkeypatch.setattr(checks, "lint_catalogue", counted)
    return seen


def edit_msgstr(path: Path, text: str, nth: int = 0) -> None:
    """The `nth` translated msgstr of the file (after the header) given `text` at its end."""
    data = path.read_text("utf-8")
    at = data.index('\nmsgid "', data.index("\n\n"))
    for _ in range(nth):
        at = data.index('\nmsgid "', at + 1)
    start = data.index('msgstr "', at)
    end = data.index('"\n', start + 8)
    path.write_text(data[:end] + text.replace("\\", "\\\\").replace('"', '\\"') + data[end:],
                    "utf-8")


def test_a_second_lint_reads_only_the_file_saved(tmp_path: Path, monkeypatch):
    root = demo_project(tmp_path)
    first = pipeline.lint(root, ("fr", "es", "ar"))
    assert (root / ".infopages-cache" / MEMO_FILE).is_file()
    seen = linted_files(monkeypatch)
    assert pipeline.lint(root, ("fr", "es", "ar")) == first
    assert seen == []
    edit_msgstr(root / "locales/fr/LC_MESSAGES/topics.po", " %(count)s")
    after = pipeline.lint(root, ("fr", "es", "ar"))
    assert seen == ["locales/fr/LC_MESSAGES/topics.po"]
    assert after == fresh_lint(root) != first
    assert any(f.code == "placeholders" and f.path == "locales/fr/LC_MESSAGES/topics.po"
               for f in after)


def read_files(root: Path, monkeypatch) -> list[str]:
    """The catalogues the memo reads (hashes) from now on, in order."""
    seen: list[str] = []
    real = filememo._sha

    def counted(path):
        seen.append(Path(path).relative_to(root).as_posix())
        return real(path)

    monkeypatch.setattr(filememo, "_sha", counted)
    return seen


def test_nothing_changed_reads_no_catalogue(tmp_path: Path, monkeypatch):
    """A file whose fingerprint is the one kept with its row is not read: with nothing
    changed, neither `lint` nor `stats` opens a catalogue; a save is read (before and
    after the work); a file touched without a change is read once, not linted, and
    not read again."""
    root = demo_project(tmp_path)
    first, counts = pipeline.lint(root, ("fr", "es", "ar")), pipeline.stats(root)
    time.sleep(0.05)     # past the clock's tick: no fingerprint kept as racy
    pipeline.lint(root, ("fr", "es", "ar")), pipeline.stats(root)
    read, linted = read_files(root, monkeypatch), linted_files(monkeypatch)
    assert pipeline.lint(root, ("fr", "es", "ar")) == first and pipeline.stats(root) == counts
    assert read == [] and linted == []
    saved = "locales/es/LC_MESSAGES/topics.po"
    edit_msgstr(root / saved, " <b>")
    after = pipeline.lint(root, ("fr", "es", "ar"))
    assert read == [saved, saved] and linted == [saved]
    assert after == fresh_lint(root) != first     # (fresh_lint lints every file)
    read.clear(), linted.clear()
    time.sleep(0.05)
    touched = root / "locales/fr/LC_MESSAGES/topics.po"
    touched.write_bytes(touched.read_bytes())
    pipeline.lint(root, ("fr", "es", "ar"))
    # The touched file; and the one saved just before the last run, if the file
    # system's clock is coarse enough that its fingerprint was kept as racy.
    assert "locales/fr/LC_MESSAGES/topics.po" in read and linted == []
    assert set(read) <= {saved, "locales/fr/LC_MESSAGES/topics.po"}
    read.clear()
    time.sleep(0.05)
    again = pipeline.lint(root, ("fr", "es", "ar"))
    assert read == [] and linted == []
    assert again == fresh_lint(root)


def test_a_fingerprint_taken_just_after_a_save_is_not_trusted(tmp_path: Path, monkeypatch):
    """A save within a tick of the file system's clock of the fingerprint could leave
    it as it was: such a fingerprint is kept as one that matches nothing, and the file
    is read next time."""
    import sqlite3

    root = demo_project(tmp_path)
    path = root / "locales/fr/LC_MESSAGES/topics.po"
    pipeline.lint(root, ("fr",))
    # Stamped at the moment the next run looks, or after it: what a coarse clock's
    # tick gives a save made then (or a clock ahead, on a shared file system).
    later = time.time_ns() + 5_000_000_000
    os.utime(path, ns=(later, later))
    pipeline.lint(root, ("fr",))
    db = sqlite3.connect(root / ".infopages-cache" / MEMO_FILE)
    (mtime,) = db.execute("SELECT mtime_ns FROM memo WHERE kind = 'lint' AND path = ?",
                          ("locales/fr/LC_MESSAGES/topics.po",)).fetchone()
    db.close()
    assert mtime == RACY
    read = read_files(root, monkeypatch)
    assert pipeline.lint(root, ("fr",)) == [f for f in fresh_lint(root) if f.locale == "fr"]
    assert "locales/fr/LC_MESSAGES/topics.po" in read


def test_a_glossary_edit_lints_every_catalogue_again(tmp_path: Path, monkeypatch):
    root = demo_project(tmp_path)
    pipeline.lint(root, ("fr", "es", "ar"))
    seen = linted_files(monkeypatch)
    glossary = root / "locales" / "glossary.yaml"
    glossary.write_text(glossary.read_text("utf-8") + "\n# a comment changes no term\n",
                        "utf-8")
    found = pipeline.lint(root, ("fr", "es", "ar"))
    assert seen == []      # the same glossary, as loaded: nothing to do again
    assert found == fresh_lint(root)
    seen.clear()
    text = glossary.read_text("utf-8")
    glossary.write_text(text.replace("\ndo_not_translate:\n", "\ndo_not_translate:\n  - Zyxwv\n", 1),
                        "utf-8")
    found = pipeline.lint(root, ("fr", "es", "ar"))
    assert sorted(seen) == CATALOGUES
    assert found == fresh_lint(root)


def test_a_file_back_to_older_bytes_gets_the_older_findings(tmp_path: Path):
    root = demo_project(tmp_path)
    path = root / "locales/es/LC_MESSAGES/topics.po"
    old = path.read_bytes()
    before = pipeline.lint(root, ("es",))
    edit_msgstr(path, " <b>")
    broken = pipeline.lint(root, ("es",))
    assert broken != before
    assert broken == [f for f in fresh_lint(root) if f.locale == "es"]
    path.write_bytes(old)
    assert pipeline.lint(root, ("es",)) == before == \
        [f for f in fresh_lint(root) if f.locale == "es"]


def test_a_file_saved_while_it_is_linted_is_not_remembered_under_the_old_bytes(
        tmp_path: Path, monkeypatch):
    root = demo_project(tmp_path)
    path = root / "locales/fr/LC_MESSAGES/topics.po"
    old = path.read_bytes()
    real = checks.lint_catalogue

    def saved_meanwhile(root_, locale, file, glossary):
        if Path(file).name == "topics.po" and locale == "fr" and path.read_bytes() == old:
            edit_msgstr(path, " {1}")   # the translator saves after lint took the file's key
        return real(root_, locale, file, glossary)

    saved_meanwhile.__module__, saved_meanwhile.__qualname__ = real.__module__, real.__qualname__
    monkeypatch.setattr(checks, "lint_catalogue", saved_meanwhile)
    pipeline.lint(root, ("fr",))
    monkeypatch.setattr(checks, "lint_catalogue", real)
    path.write_bytes(old)      # the bytes whose key was taken: nothing was kept for them…
    assert pipeline.lint(root, ("fr",)) == [f for f in fresh_lint(root) if f.locale == "fr"]
    edit_msgstr(path, " {1}")  # …and the bytes that were linted are linted again
    assert pipeline.lint(root, ("fr",)) == [f for f in fresh_lint(root) if f.locale == "fr"]


def test_a_damaged_memo_is_only_slower(tmp_path: Path):
    root = demo_project(tmp_path)
    (root / ".infopages-cache").mkdir()
    (root / ".infopages-cache" / MEMO_FILE).write_bytes(b"not a database " * 100)
    expected = fresh_lint(root)
    assert pipeline.lint(root, ("fr", "es", "ar")) == expected
    assert pipeline.lint(root, ("fr", "es", "ar")) == expected
    assert pipeline.stats(root) == fresh_stats(root, tmp_path / "scratch")



class _Payload:
    """What a hostile memo could hold: a pickle that runs a command when loaded."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def test_a_memo_that_came_with_the_project_runs_nothing(tmp_path: Path):
    """A project's cache folder can come with it (a pull request checked out in CI): a
    row whose key matches but whose value is a pickle is neither loaded nor trusted."""
    import pickle
    import sqlite3

    root = demo_project(tmp_path)
    expected = pipeline.lint(root, ("fr", "es", "ar"))
    marker = tmp_path / "ran"
    db = sqlite3.connect(root / ".infopages-cache" / MEMO_FILE)
    with db:
        db.execute("UPDATE memo SET value = ?", (pickle.dumps([_Payload(marker)]),))
    db.close()
    assert pipeline.lint(root, ("fr", "es", "ar")) == expected
    assert pipeline.stats(root) == fresh_stats(root, tmp_path / "scratch")
    assert not marker.exists()
    assert pickle.loads(pickle.dumps(_Payload(marker))) is None and marker.exists()  # armed



def test_a_memo_that_points_out_of_the_project_is_neither_read_nor_written(tmp_path: Path):
    root = demo_project(tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    (root / ".infopages-cache").symlink_to(outside, target_is_directory=True)
    assert pipeline.lint(root, ("fr",)) == [f for f in fresh_lint(root) if f.locale == "fr"]
    assert pipeline.stats(root) == fresh_stats(root, tmp_path / "scratch")
    assert list(outside.iterdir()) == []
    (root / ".infopages-cache").unlink()
    (root / ".infopages-cache").mkdir()
    (root / ".infopages-cache" / MEMO_FILE).symlink_to(outside / MEMO_FILE)
    pipeline.lint(root, ("fr",))
    assert list(outside.iterdir()) == []


def msgcat(path: Path, *options: str) -> None:
    subprocess.run(["msgcat", *options, "-o", str(path), str(path)], check=True)


class LintWithMemo(RuleBasedStateMachine):
    """Random translators' edits and tools' saves on a site made by `infopages new` for
    de, pt-BR, zh-Hant and he: after each, `lint` and `stats` with the memo give what
    the work done afresh gives."""

    def __init__(self):
        super().__init__()
        self.tmp = Path(tempfile.mkdtemp(prefix="lint-memo-"))
        self.root = make_new_site(self.tmp)
        self.files = sorted(p for p in (self.root / "locales").glob("*/LC_MESSAGES/*.po"))
        self.saved: dict[int, bytes] = {}

    def teardown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    @rule(which=st.integers(0, 50), text=st.sampled_from(
        [" %(name)s", " {1}", " <i>", " x", "  ", "\\n", " [a](b)", " ** ", "!!"]),
        nth=st.integers(0, 3))
    def edit(self, which: int, text: str, nth: int) -> None:
        path = self.files[which % len(self.files)]
        if not path.is_file():
            return
        self.saved.setdefault(which % len(self.files), path.read_bytes())
        try:
            edit_msgstr(path, text, nth)
        except ValueError:
            pass     # fewer entries than `nth`

    @rule(which=st.integers(0, 50), width=st.sampled_from(["--width=40", "--no-wrap"]))
    def save_with_msgcat(self, which: int, width: str) -> None:
        path = self.files[which % len(self.files)]
        if path.is_file() and subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(path)],
                          capture_output=True).returncode == 0:
            msgcat(path, width)

    @rule(which=st.integers(0, 50))
    def save_with_translate_toolkit(self, which: int) -> None:
        from translate.storage import po

        path = self.files[which % len(self.files)]
        if path.is_file() and subprocess.run(["msgfmt", "--check", "-o", "/dev/null",
                                              str(path)], capture_output=True).returncode == 0:
            path.write_bytes(bytes(po.pofile.parsefile(str(path))))

    @rule(name=st.sampled_from(["Water", "Example Water Agency", "Boil", "Zyx"]),
          term=st.booleans())
    def edit_glossary(self, name: str, term: bool) -> None:
        """A name to keep as written, or a term with a German rendering: lint then
        warns where a translation breaks it."""
        text = (f"terms:\n  - source: {name}\n    de: {name}-de\n" if term
                else f"do_not_translate:\n  - {name}\n")
        (self.root / "locales" / "glossary.yaml").write_text(text, "utf-8")

    @precondition(lambda self: self.saved)
    @rule(data=st.data())
    def restore(self, data) -> None:
        which = data.draw(st.sampled_from(sorted(self.saved)))
        self.files[which].write_bytes(self.saved[which])

    @rule(which=st.integers(0, 50))
    def remove_or_restore(self, which: int) -> None:
        index = which % len(self.files)
        path = self.files[index]
        if path.is_file():
            self.saved.setdefault(index, path.read_bytes())
            path.unlink()
        elif index in self.saved:
            path.write_bytes(self.saved[index])

    @rule()
    def damage_memo(self) -> None:
        memo = self.root / ".infopages-cache" / MEMO_FILE
        if memo.is_file():
            memo.write_bytes(memo.read_bytes()[:100])

    @invariant()
    def the_same_as_afresh(self) -> None:
        locales = load_config(self.root).target_locales
        assert pipeline.lint(self.root, locales) == fresh_lint(self.root)
        assert pipeline.stats(self.root) == fresh_stats(self.root, self.tmp / "scratch")


TestLintWithMemo = LintWithMemo.TestCase
TestLintWithMemo.settings = settings(max_examples=12, stateful_step_count=6, deadline=None)



def test_the_cli_prints_the_same_from_the_memo_as_afresh(tmp_path: Path, monkeypatch, capsys):
    """`lint --json` and `stats --json`: a first run, a run from the memo, and a run with
    `--no-cache`, which reads every catalogue again."""
    from builder.cli.app import main

    root = demo_project(tmp_path)
    edit_msgstr(root / "locales/ar/LC_MESSAGES/ui.po", " {1}")

    def printed(*command: str) -> tuple[int, str]:
        status = main([*command, "--project", str(root), "--json"])
        return status, capsys.readouterr().out

    for command in ("lint", "stats"):
        first = printed(command)
        seen = linted_files(monkeypatch)
        assert printed(command) == first
        assert seen == []
        assert printed(command, "--no-cache") == first
        assert sorted(seen) == (CATALOGUES if command == "lint" else [])
        monkeypatch.undo()
    assert first[0] == 0 and '"locale": "ar"' in first[1]
    assert main(["lint", "--project", str(root)]) == 1    # the edit is an error
