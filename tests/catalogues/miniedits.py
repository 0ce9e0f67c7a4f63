"""Edits of the `mini` test site, as the catalogue state machines make them (each does
nothing where its file is gone)."""

from __future__ import annotations

import shutil
from pathlib import Path

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, rule

from tests.conftest import SITES

NEWS = ("2020-01-15-first", "2020-03-01-second", "2021-06-30-third")


def news_page(root: Path, which: int | str) -> Path:
    name = NEWS[which] if isinstance(which, int) else which
    return root / "content" / "news" / f"{name}.md"


def replace_once(path: Path, old: str, new: str) -> None:
    if path.is_file():
        path.write_text(path.read_text("utf-8").replace(old, new, 1), "utf-8")


def set_body(path: Path, text: str) -> None:
    if path.is_file():
        head, _, _ = path.read_text("utf-8").rpartition("---\n")
        path.write_text(f"{head}---\n\n{text}\n", "utf-8")


def move_to_year(path: Path, year: str) -> None:
    """A new date can move the item to another year's domain."""
    if path.is_file():
        text = path.read_text("utf-8")
        date = text.split("date: ", 1)[1][:4]
        path.write_text(text.replace(f"date: {date}", f"date: {year}", 1), "utf-8")


def remove_or_restore(path: Path) -> None:
    if path.is_file():
        path.unlink()
    else:
        shutil.copy(SITES / "mini" / "content" / "news" / path.name, path)


def add_template_message(root: Path) -> None:
    replace_once(root / "templates" / "topic.html", "{% block after %}",
                 '{% block after %}<p>{{ _("Extra words") }}</p>')


class MiniEdits(RuleBasedStateMachine):
    """The authors' edits both catalogue state machines make, on `self.root`."""
    root: Path

    @rule(which=st.integers(0, 2), year=st.sampled_from(["2020", "2021", "2022"]))
    def move_to_year(self, which: int, year: str) -> None:
        """The item's text then leaves one domain's catalogue for another's."""
        move_to_year(news_page(self.root, which), year)

    @rule(which=st.integers(0, 2))
    def remove_or_restore(self, which: int) -> None:
        remove_or_restore(news_page(self.root, which))

    @rule()
    def edit_template(self) -> None:
        add_template_message(self.root)
