"""`infopages serve`: save-to-reload latency and idle CPU, on the demo or a big site.

    .venv/bin/python benchmarks/serve_reload.py [--site DIR] [--rounds N] [--idle S]

Copies the project (the demo, or DIR: e.g. one written by gen_site.py) to a
temporary folder and starts `infopages serve --port 0` as a process of its own,
as a user would. Then:

- idle: the server's CPU time (user + system, from /proc) over S seconds with
  nothing changing, as a share of one core (target: under 2 %);
- per round, it saves one PO entry (a French news paragraph, or title) and one content
  file, then breaks that file's front matter (a typo an author makes), and times
  from the save to the page fetched over HTTP showing the new text, or the build's
  error on the last good page, then its fix (target:
  under 1 s at N = 10,000), waiting as the page's reload script does (a long-poll,
  then one fetch). The browser's own rendering is not included.

Prints the figures; exits 1 if a change never showed up.
"""

from __future__ import annotations

import argparse
import json
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


def first_msgstr(folder: Path) -> tuple[Path, str, str]:
    """A translated news paragraph (or, where none fits on one line, a news title):
    (its catalogue, its msgstr line, the item's page). A paragraph is on its own page
    only, so the rebuild is as small as the change (an interface string, such as the
    navigation's, is on every page of the locale)."""
    for role in ("paragraph", "title"):
        for po in sorted(folder.glob("news*.po")):
            for found in re.finditer(r'\n#\. id: news/[^#\n]+#\S+ \(' + role + r'[^\n]*\n'
                                     r'(?:#[^\n]*\n)*?#: content/(news/[^\s:]+)\.md[^\n]*\n'
                                     r'(?:#[^\n]*\n)*msgid "[^\n]+"\nmsgstr "([^"\n]{8,})"\n',
                                     po.read_text("utf-8")):
                return po, f'msgstr "{found.group(2)}"', f"fr/{found.group(1)}.html"
    raise SystemExit(f"no translated news paragraph or title in {folder}")


def timed_edit(url: str, path: Path, old: str, new: str, page: str, shows: str) -> float:
    """Save the edit, then do what the page's reload script does in a browser: one
    long-poll for "this page changed", then fetch the page once. Seconds from the save
    to the new page fetched (polling the page in a loop instead would compete with
    the build for the server's interpreter)."""
    text = path.read_text("utf-8")
    assert old in text, f"{old!r} not in {path}"
    html = fetch(url + page)
    gen = re.search(r'data-generation="(\d+)"', html).group(1)
    digest = re.search(r'data-hash="([^"]*)"', html).group(1)
    start = time.perf_counter()
    path.write_text(text.replace(old, new, 1), "utf-8")
    deadline = start + 120
    while time.perf_counter() < deadline:
        answer = json.loads(fetch(f"{url}__infopages__/wait?gen={gen}&page=/{page}&hash={digest}"))
        gen = answer["generation"]
        if answer["reload"]:
            if shows in fetch(url + page):
                return time.perf_counter() - start
            status = fetch(f"{url}__infopages__/status")
            raise SystemExit(f"{page} was reloaded without the change to {path}; "
                             f"the server says {status}")
    status = fetch(f"{url}__infopages__/status")
    raise SystemExit(f"{page} never showed the change to {path}; the server says {status}")


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
            po, line, page = first_msgstr(project / "locales" / "fr" / "LC_MESSAGES")
            topic = sorted((project / "content" / "topics").glob("*.md"))[0]
            body = topic.read_text("utf-8").rstrip().rsplit("\n", 1)[1].split(".")[0]
            times: dict[str, list[float]] = {"PO entry": [], "content file": [],
                                             "typo (error shown)": [], "typo fixed": []}
            for n in range(args.rounds):
                new = line[:-1] + f" {n}\""
                times["PO entry"].append(timed_edit(url, po, line, new, page, f" {n}<"))
                line = new
                marker = f"Saved{n}x"
                times["content file"].append(timed_edit(
                    url, topic, body, f"{body} {marker}", f"en/topics/{topic.stem}.html", marker))
                body = f"{body} {marker}"
                shown, title = f"en/topics/{topic.stem}.html", "\ntitle: "
                times["typo (error shown)"].append(timed_edit(
                    url, topic, title, "\ntitle: [", shown, "invalid YAML"))
                times["typo fixed"].append(timed_edit(
                    url, topic, "\ntitle: [", title, shown, marker))
            for what, seconds in times.items():
                print(f"save → page served, {what}: median {statistics.median(seconds):.3f} s, "
                      f"max {max(seconds):.3f} s over {len(seconds)} saves")
        finally:
            server.terminate()
            server.wait(30)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
