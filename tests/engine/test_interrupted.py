"""A build killed part-way leaves the previous site exactly as it was."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from builder.cli.app import main
from tests.conftest import make_project


def big_project(tmp_path: Path) -> Path:
    root = make_project(tmp_path, "mini")
    news = root / "content" / "news"
    for index in range(1200):
        day = f"2019-{index % 12 + 1:02d}-{index % 28 + 1:02d}"
        (news / f"{day}-item-{index}.md").write_text(
            f"---\ntitle: Item {index}\ndate: {day}\ntopics: [safety]\n---\n\nText of item {index}.\n")
    return root


def snapshot(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def kill_when_staging(root: Path, sig: int) -> int:
    # A test run started in the background by a non-interactive shell has SIGINT ignored,
    # and a child inherits that (Python then installs no Ctrl-C handler at all): the
    # build starts with SIGINT at its default, as from a terminal.
    proc = subprocess.Popen([sys.executable, "-m", "builder", "build", "--project", str(root)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if list(root.glob(".site.infopages-new-*")):
            proc.send_signal(sig)
            break
        time.sleep(0.002)
    proc.wait(60)
    return proc.returncode


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL])
def test_killed_build_leaves_previous_site(tmp_path: Path, sig: int):
    root = big_project(tmp_path)
    shutil.rmtree(root / "content" / "news")   # the previous site is small…
    (root / "content" / "news").mkdir()
    assert main(["build", "--project", str(root)]) == 0
    before = snapshot(root / "site")
    shutil.rmtree(root / "content" / "news")
    big_project(tmp_path / "again")            # …the next one big, and killed while writing
    shutil.copytree(tmp_path / "again" / "mini" / "content" / "news", root / "content" / "news")
    status = kill_when_staging(root, sig)
    assert status != 0, "the build finished before it could be interrupted"
    assert snapshot(root / "site") == before
    if sig != signal.SIGKILL:
        assert status == 130
        assert not list(root.glob(".site.*")), "temporary folders left behind"
    # The next build removes whatever a killed one left, and succeeds.
    assert main(["build", "--project", str(root)]) == 0
    assert not list(root.glob(".site.*"))
    assert len(list((root / "site" / "en" / "news").glob("*.html"))) > 1200
