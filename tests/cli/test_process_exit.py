"""The `infopages` process ends without Python's shutdown collecting over every object
it holds (`cli.app.process_main`): real processes, a real build."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

from tests.conftest import REPO

# `python -m builder`, as a user runs it, then what the collector still tracks.
RUN_AND_COUNT = """
import gc, runpy, sys
sys.argv = ["infopages", *sys.argv[1:]]
try:
    runpy.run_module("builder", run_name="__main__")
except SystemExit as done:
    print(done.code, gc.get_freeze_count(), len(gc.get_objects()))
"""


def counts_after(*args: str) -> tuple[int, int, int]:
    found = subprocess.run([sys.executable, "-c", RUN_AND_COUNT, *args], capture_output=True,
                           text=True, check=True, timeout=300)
    code, frozen, tracked = map(int, found.stdout.splitlines()[-1].split())
    return code, frozen, tracked


def test_a_build_leaves_nothing_for_the_last_collection(mini: Path) -> None:
    code, frozen, tracked = counts_after("build", "--quiet", "--project", str(mini))
    assert code == 0 and (mini / "site" / "en" / "index.html").is_file()
    # Everything the process holds is out of the collector's reach: tens of thousands
    # of objects (the modules of Babel, Jinja, markdown-it…), which Python's shutdown
    # walked several times over.
    assert frozen > 20_000 and tracked < 100


def test_a_failed_command_exits_the_same_way(mini: Path) -> None:
    (mini / "content" / "pages" / "about.md").write_text("no front matter\n", "utf-8")
    code, frozen, tracked = counts_after("build", "--quiet", "--project", str(mini))
    assert code == 2 and frozen > 0 and tracked < 100


def test_the_console_script_is_the_process_entry() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"]
    assert project["scripts"]["infopages"] == "builder.cli:process_main"
