"""A killed `update` leaves the catalogues as they were or as it makes them, never a mix.

The migration of a single catalogue per locale into one per domain writes the
new files and removes the old one in one journalled step: the demo's
catalogues, joined into one `messages.po` per locale, are split again by an
`update` killed with SIGKILL at seeded random instants (half of them spread
over the whole run, half over the part that changes locales/). The next
command of any kind (`stats`) finishes a committed step; the catalogues must
then be wholly old or wholly new, and the next `update` must give the new ones.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from builder.cli.app import main
from tests.conftest import REPO
from tests.engine.test_crash import folders, stamps

SEED = 16_2026
KILLS = 16
ENV = dict(os.environ, SOURCE_DATE_EPOCH="1767225600")   # the same POT dates every run

Tree = dict[str, bytes]


def tree(root: Path) -> Tree:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def run(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "builder", *args, "--project", str(project)],
                          capture_output=True, text=True, timeout=600, env=ENV)


@pytest.fixture(scope="module")
def single(tmp_path_factory) -> tuple[Path, Tree, Tree]:
    """(a demo whose catalogues are one messages.po per locale, its locales/, what
    `update` makes of them)."""
    work = tmp_path_factory.mktemp("update-crash")
    project = work / "single"
    for folder in ("content", "locales"):       # the demo has no templates of its own
        shutil.copytree(REPO / folder, project / folder)
    config = project / "content/site.yaml"
    text = config.read_text("utf-8")
    config.write_text(text + "catalogues: {split: none}\n", "utf-8")
    assert main(["update", "--project", str(project)]) == 0
    config.write_text(text, "utf-8")
    shutil.rmtree(project / ".infopages-cache")
    reference = work / "reference"
    shutil.copytree(project, reference)
    assert run(reference, "update").returncode == 0
    old, new = tree(project / "locales"), tree(reference / "locales")
    assert "fr/LC_MESSAGES/messages.po" in old and "fr/LC_MESSAGES/topics.po" in new
    assert "fr/LC_MESSAGES/messages.po" not in new
    return project, old, new


def kill_at(project: Path, delay: float, after_change: bool) -> bool:
    watched = folders(project / "locales")
    before = stamps(watched)
    process = subprocess.Popen([sys.executable, "-m", "builder", "update", "--project",
                                str(project)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True, env=ENV)
    start = time.monotonic()
    if after_change:
        while process.poll() is None and stamps(watched) == before:
            time.sleep(0.0002)
        start = time.monotonic()
    while process.poll() is None and time.monotonic() - start < delay:
        time.sleep(0.0002)
    try:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    return process.wait() == -signal.SIGKILL


def timing(project: Path) -> tuple[float, float]:
    """(whole run, from the first change of locales/ to the end) of an uninterrupted
    update."""
    watched = folders(project / "locales")
    before = stamps(watched)
    start, changed = time.monotonic(), None
    process = subprocess.Popen([sys.executable, "-m", "builder", "update", "--project",
                                str(project)], stdout=subprocess.DEVNULL, env=ENV)
    while process.poll() is None:
        if changed is None and stamps(watched) != before:
            changed = time.monotonic()
        time.sleep(0.0002)
    assert process.returncode == 0
    end = time.monotonic()
    return end - start, end - (changed or start)


def test_a_killed_migration_leaves_the_old_catalogues_or_the_new(single, tmp_path: Path):
    pristine, old, new = single
    project = tmp_path / "project"
    shutil.copytree(pristine, project)
    duration, writing = timing(project)
    assert tree(project / "locales") == new
    rng = random.Random(SEED)
    half = KILLS // 2
    moments = [(duration * (i + rng.random()) / half, False) for i in range(half)]
    moments += [(writing * (i + rng.random()) / half, True) for i in range(half)]
    seen, problems = [], []
    for number, (delay, after_change) in enumerate(moments):
        shutil.rmtree(project)
        shutil.copytree(pristine, project)
        killed = kill_at(project, delay, after_change)
        run(project, "stats")             # finishes a committed step, whatever it says
        now = tree(project / "locales")
        state = "old" if now == old else "new" if now == new else "MIXED"
        seen.append(f"#{number} {delay:.3f} s{' after the first change' * after_change}: "
                    f"{'killed' if killed else 'finished'}, {state}")
        if state == "MIXED":
            problems.append(seen[-1] + f": {sorted(set(now) ^ set(new))[:6]}")
        if run(project, "update").returncode != 0 or tree(project / "locales") != new:
            problems.append(seen[-1] + ": the next update did not give the new catalogues")
        if list((project / "locales").rglob(".*.tmp")):
            problems.append(seen[-1] + ": temporary files left in locales/")
    print("\n".join(seen))
    assert not problems, "\n".join(problems)
