"""W3C ACT rules test cases: our axe integration vs plain axe-selenium-python, same run.

    .venv/bin/python benchmarks/act_rules.py [--act-root DIR] [--jobs N] [--rule ID]… [--limit N]

Prints a per-rule consistency table (consistent / cantTell / inconsistent /
error, for ours and for plain axe) and totals; exits 1 if our checker loses
a result plain axe got right.
"""

from __future__ import annotations

import argparse
import queue
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from builder.a11y.act import (
    OURS,
    PLAIN,
    ActCase,
    CaseResult,
    act_map,
    check_case,
    load_cases,
    load_earl,
    serve_act,
)
from builder.a11y.axe import load_axe_script, preload_axe  # noqa: E402
from builder.a11y.browser import BrowserSession  # noqa: E402

DEFAULT_ROOT = REPO / "tests" / "act-rules"
VERDICTS = ("consistent", "cantTell", "inconsistent", "error")


def mapped_cases(cases: Sequence[ActCase], mapping: dict[str, tuple[str, ...]],
                 rules: Sequence[str] = ()) -> list[ActCase]:
    return [c for c in cases if c.rule_id in mapping and (not rules or c.rule_id in rules)]


def run_cases(act_root: Path, cases: Sequence[ActCase] | None = None, jobs: int = 2,
              rules: Sequence[str] = (), limit: int | None = None) -> list[CaseResult]:
    """Every selected case through both implementations; one browser pair per worker."""
    script = load_axe_script()
    pairs: queue.Queue = queue.Queue()
    opened = []
    with serve_act(act_root) as base:
        try:
            for _ in range(jobs):
                pair = {OURS: BrowserSession(deadline=30, on_start=lambda d: preload_axe(d, script)),
                        PLAIN: BrowserSession(deadline=30)}
                opened.append(pair)
                pairs.put(pair)
            mapping = act_map(opened[0][PLAIN].driver, script)
            todo = mapped_cases(cases if cases is not None else load_cases(act_root), mapping, rules)
            todo = todo[:limit] if limit else todo

            def work(case: ActCase) -> CaseResult:
                pair = pairs.get()
                try:
                    return check_case(pair, script, base, case, mapping[case.rule_id])
                finally:
                    pairs.put(pair)

            with ThreadPoolExecutor(max_workers=jobs) as pool:
                return list(pool.map(work, todo))
        finally:
            for pair in opened:
                for session in pair.values():
                    session.close()


# What each outcome already contains: a failure implies the rule also ran, etc.
_COVERS = {"failed": {"failed"}, "cantTell": {"failed", "cantTell"},
           "passed": {"failed", "cantTell", "passed"}}


def lost(results: Sequence[CaseResult]) -> list[CaseResult]:
    """Cases where plain axe got a correct result ours does not have (a dropped result).

    A wrong result of plain axe that ours does not repeat is not "lost".
    """
    return [r for r in results if r.verdict(PLAIN) == "consistent" and r.outcomes[PLAIN] in _COVERS
            and r.outcomes[OURS] not in _COVERS[r.outcomes[PLAIN]]]


def worse(results: Sequence[CaseResult]) -> list[CaseResult]:
    """Cases plain axe got right and we did not (e.g. plain could not see into a frame)."""
    return [r for r in results if r.verdict(PLAIN) == "consistent" != r.verdict(OURS)]


def tally(rows: Sequence[CaseResult], who: str) -> dict[str, int]:
    return {v: sum(1 for r in rows if r.verdict(who) == v) for v in VERDICTS}


def earl_agreement(rows: Sequence[CaseResult], earl: dict[str, str], who: str) -> tuple[int, int]:
    """(cases with the same outcome as axe-core's own EARL report, cases the report has)."""
    known = [r for r in rows if r.case.relative_path in earl]
    return sum(r.outcomes[who] == earl[r.case.relative_path] for r in known), len(known)


def table(results: Sequence[CaseResult], earl: dict[str, str] | None = None) -> list[str]:
    earl = earl or {}
    by_rule: dict[str, list[CaseResult]] = defaultdict(list)
    for result in results:
        by_rule[result.case.rule_id].append(result)
    head = (f"{'ACT rule':<8} {'axe rules':<30} {'cases':>5}  {'ours c/t/i/e':>13} {'EARL':>7}  "
            f"{'plain c/t/i/e':>13} {'EARL':>7}")
    lines = [head, "-" * len(head)]
    for rule in sorted(by_rule):
        lines.append(_row(rule, ",".join(by_rule[rule][0].axe_rules)[:30], by_rule[rule], earl))
    lines.append("-" * len(head))
    lines.append(_row("total", f"{len(by_rule)} rules", results, earl))
    return lines


def _row(name: str, rules: str, rows: Sequence[CaseResult], earl: dict[str, str]) -> str:
    cells = []
    for who in (OURS, PLAIN):
        counts = "/".join(str(n) for n in tally(rows, who).values())
        same, known = earl_agreement(rows, earl, who)
        cells.append(f"{counts:>13} {f'{same}/{known}':>7}")
    return f"{name:<8} {rules:<30} {len(rows):>5}  {cells[0]}  {cells[1]}"


def gate(results: Sequence[CaseResult]) -> list[str]:
    """Why ours is less consistent than plain axe, if it is ([] = at least as consistent)."""
    ours, plain = tally(results, OURS), tally(results, PLAIN)
    problems = [f"lost result: {r.case.relative_path}" for r in lost(results)]
    if ours["inconsistent"] + ours["error"] > plain["inconsistent"] + plain["error"]:
        problems.append(f"more inconsistent cases: {ours['inconsistent']} vs {plain['inconsistent']}")
    if ours["consistent"] + ours["cantTell"] < plain["consistent"] + plain["cantTell"]:
        problems.append("fewer consistent (or cantTell) cases than plain axe")
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--act-root", type=Path, default=DEFAULT_ROOT)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--rule", action="append", default=[], help="only this ACT rule id")
    parser.add_argument("--limit", type=int, help="only the first N cases (smoke run)")
    args = parser.parse_args(argv)
    started = time.monotonic()
    results = run_cases(args.act_root, jobs=args.jobs, rules=args.rule, limit=args.limit)
    for line in table(results, load_earl(args.act_root)):
        print(line)
    print("c/t/i/e = consistent / cantTell / inconsistent / error (ACT: failed examples must "
          "fail; passed and inapplicable ones must not). EARL = same outcome as axe-core's own "
          "report to W3C (earl/axe-core.json), of the cases it covers.")
    missing = lost(results)
    earl = load_earl(args.act_root)
    for label, rows in (("LOST", missing), ("plain consistent, ours not", worse(results))):
        for r in rows:
            print(f"{label}: {r.case.rule_id} {r.case.relative_path} expected {r.case.expected}, "
                  f"ours {r.outcomes[OURS]}, plain {r.outcomes[PLAIN]}, axe-core's EARL "
                  f"{earl.get(r.case.relative_path, 'n/a')}")
    gained = sum(1 for r in results if r.verdict(OURS) == "consistent" != r.verdict(PLAIN))
    problems = gate(results)
    print(f"{len(results)} cases in {time.monotonic() - started:.0f}s: ours consistent on {gained} "
          f"case(s) plain axe is not, and the reverse on {len(worse(results))}; lost results: "
          f"{len(missing)}.")
    print("Verdict: " + ("ours at least as consistent as plain axe" if not problems
                         else "; ".join(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
