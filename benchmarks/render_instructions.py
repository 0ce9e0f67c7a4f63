"""How many instructions rendering takes: a count that does not move with the machine.

    .venv/bin/python benchmarks/render_instructions.py [--news 1000] [--work DIR]
        [--tree DIR ...] [--what items] [--what index] [--pages 50]

This machine's speed moves by a fifth from one run to the next, more than most
changes to the renderer gain, so timing a change needs many interleaved runs
(ab_build.py) and still cannot show a few per cent. Valgrind's callgrind counts
the instructions the CPU executes instead: the same work gives the same count
to within 0.1 % (Python's hash seeds move it a little), whatever else runs.

For each builder TREE (a checkout: its `builder` package is imported, default
this repository's), a child process loads the synthetic site of build_bench.py
(N news items, generated once into WORK/nN/site) as a build loads it, renders
a few outputs to warm up, then, with instrumentation switched on around that
part alone, renders:

- items: the news items of PAGES keys in every locale, grouped by key as a
  render worker gets them (their bodies parsed on the way), then their
  pages.json entries;
- index: PAGES pages of the news lists (every locale).

and prints the instructions counted (callgrind's `totals`). Valgrind runs the
child about fifty times slower: a run takes a minute or two.

    apt-get install valgrind     # benchmarks only; not needed by the tool or its tests
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_bench import PYTHON, REPO, ensure_site  # noqa: E402


def child(site: Path, what: str, pages: int, flag: Path) -> None:
    """Load the site, warm up, say READY; render once the flag file exists; say DONE."""
    from builder.engine.build import BuildOptions, load_all_messages, load_site, with_messages
    from builder.render.manifest import manifest_entry
    from builder.render.outputs import PUBLISHED, Renderers, render_output
    from builder.source.config import load_config
    from builder.source.inputs import checked_scan

    config = load_config(site)
    inputs = checked_scan(site, config)
    source = load_site(site, site / "site", inputs, config, {}, False, BuildOptions())
    source = with_messages(source, load_all_messages(config, config.locales, 1))
    outputs = source.outputs()
    renderers = Renderers(source.model, source.messages, source.variants, None, source.read)
    if what == "items":
        keys = list(dict.fromkeys(o.key for o in outputs if o.key.startswith("news/1991")))
        chosen = set(keys[:pages])
        batch = sorted((o for o in outputs if o.key in chosen), key=lambda o: o.key)
        warm = [o for o in outputs if o.key in set(keys[pages:pages + 5])]
    else:
        lists = [o for o in outputs if "news" in o.key and "page" in o.key]
        batch, warm = lists[:pages], lists[pages:pages + 20]
    for output in warm:          # renderers, compiled templates, memos of the locale
        render_output(renderers, output)
    print("READY", flush=True)
    while not flag.exists():
        time.sleep(0.02)
    for output in batch:
        render_output(renderers, output)
    if what == "items":
        try:
            from builder.render.manifest import ManifestMemo
            memo = ManifestMemo()
        except ImportError:      # a tree before 72ea172: a dict of template chains
            memo = {}
        for output in batch:
            manifest_entry(renderers.get(PUBLISHED, output.locale), output.key, memo)
    print("DONE", len(batch), flush=True)
    while flag.exists():
        time.sleep(0.02)


def count(tree: Path, site: Path, what: str, pages: int) -> tuple[int, int]:
    """(instructions, outputs) of one child run under callgrind."""
    with tempfile.TemporaryDirectory() as tmp:
        flag, out = Path(tmp) / "go", Path(tmp) / "callgrind.out"
        env = dict(os.environ, PYTHONPATH=str(tree), PYTHONHASHSEED="0")
        process = subprocess.Popen(
            ["valgrind", "--tool=callgrind", "--instr-atstart=no",
             f"--callgrind-out-file={out}", str(PYTHON), str(Path(__file__).resolve()),
             "--child", str(site),
             what, str(pages), str(flag)],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=tmp)
        assert process.stdout is not None
        _expect(process, "READY")
        control = ["callgrind_control", "-i"]
        subprocess.run([*control, "on", str(process.pid)], check=True, capture_output=True)
        flag.touch()
        done = _expect(process, "DONE")
        subprocess.run([*control, "off", str(process.pid)], check=True, capture_output=True)
        flag.unlink()
        if process.wait() != 0:
            raise SystemExit(f"the child failed under valgrind ({tree})")
        totals = re.search(r"^totals: (\d+)", out.read_text(), re.M)
        assert totals, "no totals in callgrind's output"
        return int(totals.group(1)), int(done.split()[1])


def _expect(process: subprocess.Popen, word: str) -> str:
    for line in process.stdout:
        if line.startswith(word):
            return line
    raise SystemExit(f"the child ended before {word}")


def main() -> int:
    if sys.argv[1:2] == ["--child"]:
        site, what, pages, flag = sys.argv[2:6]
        child(Path(site), what, int(pages), Path(flag))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--news", type=int, default=1000)
    parser.add_argument("--work", type=Path, default=Path("/dev/shm/infopages-bench"))
    parser.add_argument("--tree", type=Path, action="append",
                        help="a checkout whose builder to count (repeatable; default: this one)")
    parser.add_argument("--what", action="append", choices=("items", "index"))
    parser.add_argument("--pages", type=int, default=50)
    args = parser.parse_args()
    site, _ = ensure_site(args.work / f"n{args.news}", args.news)
    for tree in args.tree or [REPO]:
        for what in args.what or ["items", "index"]:
            instructions, outputs = count(tree.resolve(), site, what, args.pages)
            print(f"{str(tree):40} {what:6} {outputs:4} outputs  {instructions:>15,} "
                  f"instructions  {instructions / outputs / 1e6:6.2f} M an output", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
