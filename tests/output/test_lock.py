"""One writing command at a time per project: the second one says who holds the lock."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from builder.cli.app import main

HOLD = """
import sys, time
from pathlib import Path
from builder.output.lock import project_lock
with project_lock(Path(sys.argv[1])):
    print("holding", flush=True)
    time.sleep(600)
"""


def test_a_second_command_is_refused_while_one_runs(mini: Path, capsys):
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(mini)], stdout=subprocess.PIPE,
                              text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        for command in (["build"], ["update"], ["extract"]):
            capsys.readouterr()
            assert main([*command, "--project", str(mini)]) == 2
            err = capsys.readouterr().err
            assert f"another infopages command (pid {holder.pid}) is running on this project" \
                in err, err
        assert not (mini / "site").exists()
        assert main(["stats", "--project", str(mini)]) == 0      # reading needs no lock
    finally:
        holder.kill()
        holder.wait()
    assert main(["build", "--project", str(mini)]) == 0          # released by the kernel


def test_builds_started_together_never_see_a_locked_database(mini: Path):
    runs = [subprocess.Popen([sys.executable, "-m", "builder", "build", "--project", str(mini)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(3)]
    results = [(run.wait(300), run.stderr.read()) for run in runs]
    assert any(code == 0 for code, _ in results)
    for code, err in results:
        assert code in (0, 2), err
        assert "database is locked" not in err and "internal error" not in err
        if code == 2:
            assert "another infopages command" in err
