"""A crash never leaves a mixed site: builds killed with SIGKILL at random instants.

The promise (issue 12): killing a build or a rebuild at any instant leaves `site/`
wholly old or wholly new; where the file system cannot make that atomic, a
journal lets the next command of any kind finish or undo the interrupted swap
before it does anything else. So each trial kills a build, records what the
kill left (old, new, or a mix that only a recovery can repair), runs the next
command — `stats`, which has nothing to do with the site — and then requires
`site/` to be exactly the old or the new full build, and nothing temporary left
in the project. A final `build` must then give exactly the new site.

The builds run as real processes (`python -m builder`) in their own process
group, and the whole group is killed, as a power cut or the OOM killer of a CI
runner would. Kill instants come from a seeded `random.Random` and are printed
with every failure, so a failing trial can be replayed.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import polib
import pytest

from tests.conftest import REPO, copy_theme

SEED = 12_2024
NEWS_BEFORE, NEWS_ADDED = 70, 12       # × 4 locales: about 400 files before, 450 after
KILLS = 24                             # per rebuild; half as many per full build
SOURCES = ("content", "templates", "locales")
# Names writers give their temporary files and folders (ours: `.site.new-PID-…`,
# `.x.html.XXXX.tmp`; Jinja's bytecode cache: `*.tmp`). SQLite's `-wal`, `-shm` and
# `-journal` beside the build record are not among them: SQLite itself recovers them.
TEMPORARY = re.compile(r"\.tmp$|\.new-|\.old-|\.part$|~$|^tmp")

Tree = dict[str, bytes]


# --------------------------------------------------------------------------- the site

SITE_YAML = """\
title: Crash test
organisation: Example Agency
base_url: https://crash.example.org/
source_locale: en
locales: [en, fr, es, ar]
news_page_size: 10
latest_news: 5
navigation:
  - label: Home
    page: home
  - label: News
    page: news
footer: A generated site for the crash test.
"""
TOPICS = ("safety", "health", "travel")


def news_item(number: int) -> str:
    year, day = 2000 + number // 300, number % 300
    month, day = 1 + day // 28, 1 + day % 28
    return (f"---\ntitle: News item number {number}\ndate: {year}-{month:02}-{day:02}\n"
            f"topics: [{TOPICS[number % 3]}]\n---\n\n"
            f"The body of news item {number}, with a [link](page:topics/{TOPICS[number % 3]}).\n\n"
            f"## Details\n\nA second paragraph of item {number}.\n")


def write_news(project: Path, numbers: range) -> None:
    for number in numbers:
        name = f"{2000 + number // 300}-item-{number:04}.md"
        (project / "content/news" / name).write_text(news_item(number), "utf-8")


def generate(project: Path) -> None:
    """A site of NEWS_BEFORE news items, three topics and a page, in four locales,
    with French translated and Spanish half translated."""
    for folder in ("news", "topics", "pages"):
        (project / "content" / folder).mkdir(parents=True)
    (project / "content/site.yaml").write_text(SITE_YAML, "utf-8")
    for order, topic in enumerate(TOPICS, 1):
        (project / f"content/topics/{topic}.md").write_text(
            f"---\ntitle: {topic.title()}\nsummary: All about {topic}.\norder: {order}\n---\n\n"
            f"What we do for {topic}.\n", "utf-8")
    (project / "content/pages/about.md").write_text(
        "---\ntitle: About us\n---\n\nWho we are.\n", "utf-8")
    write_news(project, range(NEWS_BEFORE))
    copy_theme(project)   # the test edits templates/base.html
    assert infopages(project, "update").returncode == 0
    for locale, share in (("fr", 1), ("es", 2)):
        path = project / f"locales/{locale}/LC_MESSAGES/messages.po"
        catalogue = polib.pofile(str(path), wrapwidth=0)
        for number, entry in enumerate(catalogue):
            if number % share == 0:   # the source text, marked: placeholders stay intact
                if entry.msgid_plural:
                    entry.msgstr_plural = {k: f"{locale} {entry.msgid_plural}"
                                           for k in entry.msgstr_plural}
                else:
                    entry.msgstr = f"{locale} {entry.msgid}"
        catalogue.save()


def edit(project: Path) -> None:
    """A change of almost every output: a template edit and news items added."""
    base = project / "templates/base.html"
    text = base.read_text("utf-8")
    assert "</footer>" in text
    base.write_text(text.replace("</footer>", "<p>An edited footer.</p>\n</footer>", 1), "utf-8")
    write_news(project, range(NEWS_BEFORE, NEWS_BEFORE + NEWS_ADDED))


# --------------------------------------------------------------------------- tools

def infopages(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "builder", *args, "--project", str(project)],
                          capture_output=True, text=True, timeout=600)


def start_build(project: Path, *args: str) -> subprocess.Popen:
    """A build in its own process group, so that killing the group kills its workers too."""
    return subprocess.Popen([sys.executable, "-m", "builder", "build", "--quiet", *args,
                             "--project", str(project)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)


def tree(root: Path) -> Tree | None:
    """Every file under root with its bytes; None when root does not exist."""
    if not root.is_dir():
        return None
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file() or p.is_symlink()}


def folders(site: Path) -> list[Path]:
    return [site, *(p for p in site.rglob("*") if p.is_dir())] if site.is_dir() else [site]


def stamps(paths: list[Path]) -> list[tuple[int, int] | None]:
    """(inode, mtime) of each folder: a file moved in, written or removed, or site/
    itself swapped or created, changes one of them."""
    found = []
    for path in paths:
        try:
            stat = path.stat()
            found.append((stat.st_ino, stat.st_mtime_ns))
        except FileNotFoundError:
            found.append(None)
    return found


def describe(site: Tree | None, old: Tree | None, new: Tree) -> str:
    """'old', 'new', 'absent', or what a mix is made of."""
    if site == old:
        return "old" if old is not None else "absent (as before the first build)"
    if site == new:
        return "new"
    if site is None:
        return "absent"
    old = old or {}
    as_new = sum(1 for p, data in site.items() if new.get(p) == data)
    as_old = sum(1 for p, data in site.items() if old.get(p) == data and new.get(p) != data)
    other = len(site) - as_new - as_old
    missing = len(new.keys() - site.keys())
    return (f"MIXED: {len(site)} files, {as_new} as in the new site, {as_old} as in the old "
            f"only, {other} in neither; {missing} files of the new site missing")


def leftovers(project: Path, expected_sources: Tree) -> list[str]:
    """What the build left in the project besides its sources, site/ and build record."""
    found = []
    for entry in sorted(project.iterdir()):
        if entry.name not in (*SOURCES, "site", ".infopages-cache"):
            found.append(entry.name + ("/" if entry.is_dir() else ""))
    cache = project / ".infopages-cache"
    for path in sorted(cache.rglob("*")) if cache.is_dir() else []:
        if TEMPORARY.search(path.name):
            found.append(path.relative_to(project).as_posix())
    now = {f"{folder}/{rel}": data for folder in SOURCES
           for rel, data in (tree(project / folder) or {}).items()}
    found += [f"{p} (source changed)" for p in sorted(now.keys() | expected_sources.keys())
              if now.get(p) != expected_sources.get(p)]
    return found


# --------------------------------------------------------------------------- one trial

@dataclass(frozen=True)
class Moment:
    """When to kill: `delay` seconds after the start, or after `site/` first changes."""
    delay: float
    after_site_changes: bool

    def __str__(self) -> str:
        after = "site/ first changed" if self.after_site_changes else "the start"
        return f"{self.delay:.3f} s after {after}"


def kill_at(project: Path, args: tuple[str, ...], moment: Moment) -> str:
    """Start a build and kill its process group at `moment`; says whether it was
    still running then."""
    watched = folders(project / "site")
    before = stamps(watched)
    process = start_build(project, *args)
    start = time.monotonic()
    if moment.after_site_changes:
        while process.poll() is None and stamps(watched) == before:
            time.sleep(0.0005)
        start = time.monotonic()
    while process.poll() is None and time.monotonic() - start < moment.delay:
        time.sleep(0.0005)
    try:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:   # it exited between the two calls
        pass
    killed = process.wait() == -signal.SIGKILL
    return "killed" if killed else f"the build had already exited ({process.returncode})"


@dataclass(frozen=True)
class Case:
    """One kind of build to kill: how to set up the project, what old and new are."""
    name: str
    pristine: Path          # the project before the edit, with its build record and site
    args: tuple[str, ...]   # extra `build` arguments
    old: Tree | None
    new: Tree
    sources: Tree           # the sources the killed build was given


def trial(case: Case, project: Path, number: int, moment: Moment) -> tuple[str, list[str]]:
    """Kill one build; returns what the kill left, and the problems found after it."""
    shutil.rmtree(project, ignore_errors=True)
    shutil.copytree(case.pristine, project, symlinks=True)   # copy2: mtimes kept
    edit(project)
    how = kill_at(project, case.args, moment)
    after_kill = describe(tree(project / "site"), case.old, case.new)
    report = f"{case.name} #{number}, {moment} ({how}): after the kill: {after_kill}"
    problems = []
    stats = infopages(project, "stats")
    site = tree(project / "site")
    if stats.returncode != 0:
        problems.append(f"`stats` after the kill exited {stats.returncode}: {stats.stderr}")
    if site not in (case.old, case.new):
        problems.append(f"after `stats`: {describe(site, case.old, case.new)}")
    left = leftovers(project, case.sources)
    if left:
        problems.append(f"left after `stats`: {', '.join(left[:10])}")
    rebuild = infopages(project, "build", "--quiet")
    if rebuild.returncode != 0 or tree(project / "site") != case.new:
        problems.append(f"after `build` (exit {rebuild.returncode}): "
                        f"{describe(tree(project / 'site'), case.old, case.new)} {rebuild.stderr}")
    left = leftovers(project, case.sources)
    if left:
        problems.append(f"left after `build`: {', '.join(left[:10])}")
    return report, problems


# --------------------------------------------------------------------------- fixtures

@dataclass(frozen=True)
class Sites:
    project: Path     # where every trial runs (always the same path: the record names it)
    unbuilt: Path     # the old sources, never built
    built: Path       # the old sources after a build: site/ and the build record
    old: Tree         # the old site
    new: Tree         # a full build of the edited sources, made elsewhere
    sources: Tree     # the edited sources


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> Sites:
    work = tmp_path_factory.mktemp("crash")
    project = work / "project"
    generate(project)
    shutil.copytree(project, work / "unbuilt", symlinks=True)
    assert infopages(project, "build", "--quiet").returncode == 0
    shutil.copytree(project, work / "built", symlinks=True)
    reference = work / "reference"
    shutil.copytree(work / "unbuilt", reference, symlinks=True)
    edit(reference)
    assert infopages(reference, "build", "--quiet").returncode == 0
    edited = {f"{folder}/{rel}": data for folder in SOURCES
              for rel, data in tree(reference / folder).items()}
    return Sites(project, work / "unbuilt", work / "built", tree(project / "site"),
                 tree(reference / "site"), edited)


def moments(rng: random.Random, kills: int, duration: float, after_change: float) -> list[Moment]:
    """Half the instants spread over the whole build, half over the part that changes
    site/ (short, but where a mix is made): each interval is cut into equal slots
    with one random instant in each."""
    def spread(length: float, after: bool) -> list[Moment]:
        slot = max(length, 0.001) / (kills // 2)
        return [Moment(round(slot * (i + rng.random()), 4), after) for i in range(kills // 2)]
    return spread(duration, False) + spread(after_change, True)


def timing(case: Case, project: Path) -> tuple[float, float]:
    """(whole build, from the first change of site/ to the end) of an uninterrupted build,
    which must give the new site."""
    shutil.rmtree(project, ignore_errors=True)
    shutil.copytree(case.pristine, project, symlinks=True)
    edit(project)
    watched = folders(project / "site")
    before = stamps(watched)
    start = time.monotonic()
    process = start_build(project, *case.args)
    changed = None
    while process.poll() is None:
        if changed is None and stamps(watched) != before:
            changed = time.monotonic()
        time.sleep(0.0005)
    end = time.monotonic()
    assert process.returncode == 0
    assert tree(project / "site") == case.new, "an uninterrupted build must give the new site"
    return end - start, end - (changed or start)


def run_trials(case: Case, project: Path, kills: int, seed: int) -> None:
    duration, writing = timing(case, project)
    rng = random.Random(seed)
    lines, failed = [], 0
    for number, moment in enumerate(moments(rng, kills, duration, writing)):
        report, problems = trial(case, project, number, moment)
        failed += bool(problems)
        lines.append(report + "".join(f"\n    {p}" for p in problems))
    summary = (f"seed {seed}; an uninterrupted build takes {duration:.2f} s, of which "
               f"{writing:.3f} s change site/:\n" + "\n".join(lines))
    print(summary)   # what each kill left, shown with `pytest -rP` even when all is well
    assert not failed, f"{failed} of {kills} kills left a broken project ({summary}"


# --------------------------------------------------------------------------- the tests

def test_killed_rebuild_leaves_old_or_new_site(sites) -> None:
    """An incremental rebuild after a template edit and new news items."""
    case = Case("rebuild", sites.built, (), sites.old, sites.new, sites.sources)
    run_trials(case, sites.project, KILLS, SEED)


def test_killed_full_build_leaves_old_or_new_site(sites) -> None:
    """`build --full` over an existing site."""
    case = Case("build --full", sites.built, ("--full",), sites.old, sites.new, sites.sources)
    run_trials(case, sites.project, KILLS // 2, SEED + 1)


def test_killed_first_build_leaves_no_site_or_new_site(sites) -> None:
    """The first build of a project: before it there is no site/ at all."""
    case = Case("first build", sites.unbuilt, (), None, sites.new, sites.sources)
    run_trials(case, sites.project, KILLS // 2, SEED + 2)
