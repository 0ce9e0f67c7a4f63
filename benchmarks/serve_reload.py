"""`infopages serve`: save-to-reload latency and idle CPU, on the demo or a big site.

    .venv/bin/python benchmarks/serve_reload.py [--site DIR] [--rounds N] [--idle S]

Copies the project (the demo, or DIR: e.g. one written by gen_site.py) to a
temporary folder and starts `infopages serve --port 0` as a process of its own,
as a user would. Then:

- idle: the server's CPU time (user + system, from /proc) over S seconds with
  nothing changing, as a share of one core (target: under 2 %);
- per round, it saves one PO entry (French) and one content file, and times
  from the save to the page fetched over HTTP showing the new text (target:
  under 1 s at N = 10,000). The browser's own reload is not included.

Prints the figures; exits 1 if a change never showed up.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TICKS = os.sysconf("SC_CLK_TCK")


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=120) as response:
        return response.read().decode("utf-8")


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its children that have exited."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(fields[i]) for i in (11, 12, 13, 14)) / TICKS


def start(project: Path) -> tuple[subprocess.Popen, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    server = subprocess.Popen([sys.executable, "-m", "builder", "serve", "--port", "0",
                               "--project", str(project)], stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, env=env)
    for line in server.stdout:
        found = re.search(r"serving (http://\S+/)", line)
        if found:
            return server, found.group(1)
    raise SystemExit("the server did not start")


def first_msgstr(po: Path) -> tuple[str, str]:
    """A translated entry of the catalogue: (its msgstr line, a page that shows it)."""
    text = po.read_text("utf-8")
    found = re.search(r'\nmsgid "Home"\nmsgstr "([^"]+)"', text) or \
        re.search(r'\nmsgstr "([^"]{8,})"', text)
    return f'msgstr "{found.group(1)}"', "fr/index.html"


def timed_edit(url: str, path: Path, old: str, new: str, page: str, shows: str) -> float:
    text = path.read_text("utf-8")
    assert old in text, f"{old!r} not in {path}"
    start = time.perf_counter()
    path.write_text(text.replace(old, new, 1), "utf-8")
    deadline = start + 120
    while time.perf_counter() < deadline:
        if shows in fetch(url + page):
            return time.perf_counter() - start
        time.sleep(0.01)
    raise SystemExit(f"{page} never showed the change to {path}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--site", type=Path, help="project to copy (default: the demo)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--idle", type=float, default=30.0, help="seconds of idle measured")
    args = parser.parse_args()
    source = args.site or REPO
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "project"
        for folder in ("content", "templates", "locales"):
            if (source / folder).exists():
                shutil.copytree(source / folder, project / folder)
        began = time.perf_counter()
        server, url = start(project)
        print(f"first build and start: {time.perf_counter() - began:.1f} s")
        try:
            before = cpu_seconds(server.pid)
            time.sleep(args.idle)
            idle = (cpu_seconds(server.pid) - before) / args.idle
            print(f"idle CPU: {100 * idle:.2f} % of one core over {args.idle:.0f} s")
            po = project / "locales" / "fr" / "LC_MESSAGES" / "messages.po"
            line, page = first_msgstr(po)
            topic = sorted((project / "content" / "topics").glob("*.md"))[0]
            body = topic.read_text("utf-8").rstrip().rsplit("\n", 1)[1].split(".")[0]
            times: dict[str, list[float]] = {"PO entry": [], "content file": []}
            for n in range(args.rounds):
                new = line[:-1] + f" {n}\""
                times["PO entry"].append(timed_edit(url, po, line, new, page, f" {n}<"))
                line = new
                marker = f"Saved{n}x"
                times["content file"].append(timed_edit(
                    url, topic, body, f"{body} {marker}", f"en/topics/{topic.stem}.html", marker))
                body = f"{body} {marker}"
            for what, seconds in times.items():
                print(f"save → page served, {what}: median {statistics.median(seconds):.3f} s, "
                      f"max {max(seconds):.3f} s over {len(seconds)} saves")
        finally:
            server.terminate()
            server.wait(30)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
