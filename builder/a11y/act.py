"""W3C ACT rules test cases against our axe integration and against plain axe.

Each case runs twice in the same harness: through our checker's path
(axe preloaded into every frame, run with JSON options) and through plain
axe-selenium-python (`Axe(driver).inject(); Axe(driver).run()`, which only
reaches the top frame). Outcomes are classified the way ACT implementation
reports do, so "no lost results" can be asserted case by case.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from axe_selenium_python import Axe
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.remote.webdriver import WebDriver

from builder.a11y.axe import AxeError, AxeScript, ensure_axe, run_axe_ids
from builder.a11y.browser import BrowserSession
from builder.a11y.server import serve_directory

ACT_PREFIX = "WAI/content-assets/wcag-act-rules"
OURS, PLAIN = "ours", "plain"


@dataclass(frozen=True)
class ActCase:
    rule_id: str
    rule_name: str
    expected: str  # passed | failed | inapplicable
    testcase_id: str
    relative_path: str
    title: str


@dataclass(frozen=True)
class CaseResult:
    case: ActCase
    axe_rules: tuple[str, ...]
    outcomes: Mapping[str, str]  # implementation → failed | cantTell | passed | inapplicable | error

    def verdict(self, who: str) -> str:
        return consistency(self.case.expected, self.outcomes[who])


def load_cases(act_root: Path) -> tuple[ActCase, ...]:
    data = json.loads((Path(act_root) / "testcases.json").read_text(encoding="utf-8"))
    return tuple(ActCase(t["ruleId"], t["ruleName"], t["expected"], t["testcaseId"],
                         t["relativePath"], t.get("testcaseTitle", ""))
                 for t in data["testcases"])


def load_earl(act_root: Path) -> dict[str, str]:
    """Outcome per case (relative path) in axe-core's own EARL report to W3C.

    A case with several mapped axe rules gets the strongest outcome, as in
    `outcome()`. Cases added after that report are absent.
    """
    data = json.loads((Path(act_root) / "earl" / "axe-core.json").read_text(encoding="utf-8"))
    found: dict[str, set[str]] = {}
    for assertion in data.get("@graph", ()):
        source = assertion.get("subject", {}).get("source", "")
        if "/testcases/" not in source:
            continue
        path = "testcases/" + source.split("/testcases/", 1)[1]
        found.setdefault(path, set()).add(assertion["result"]["outcome"].removeprefix("earl:"))
    order = ("failed", "cantTell", "passed")
    return {path: next((o for o in order if o in outs), "inapplicable") for path, outs in found.items()}


def act_map(driver: WebDriver, script: AxeScript) -> dict[str, tuple[str, ...]]:
    """ACT rule id → axe rule ids, from axe's own metadata (axe.getRules())."""
    ensure_axe(driver, script)
    rules = driver.execute_script("return axe.getRules();")
    mapping: dict[str, list[str]] = {}
    for rule in rules:
        for act_id in rule.get("actIds") or ():
            mapping.setdefault(act_id, []).append(rule["ruleId"])
    return {k: tuple(sorted(v)) for k, v in mapping.items()}


def outcome(ids: Mapping[str, Sequence[str]], rules: Sequence[str]) -> str:
    """failed if a mapped rule has a violation, cantTell if incomplete, passed if it passed."""
    for kind, name in (("violations", "failed"), ("incomplete", "cantTell"), ("passes", "passed")):
        if set(ids.get(kind, ())) & set(rules):
            return name
    return "inapplicable"


def consistency(expected: str, got: str) -> str:
    """ACT's reading: failed examples must fail; passed/inapplicable ones must not."""
    if got == "error":
        return "error"
    if expected == "failed":
        return {"failed": "consistent", "cantTell": "cantTell"}.get(got, "inconsistent")
    return "inconsistent" if got == "failed" else "consistent"


@contextmanager
def serve_act(act_root: Path) -> Iterator[str]:
    """Serve the ACT folder at /WAI/content-assets/wcag-act-rules/ (its cases use that path)."""
    with tempfile.TemporaryDirectory(prefix="infopages-act-") as tmp:
        link = Path(tmp) / ACT_PREFIX
        link.parent.mkdir(parents=True)
        os.symlink(Path(act_root).resolve(), link, target_is_directory=True)
        with serve_directory(Path(tmp)) as base:
            yield base + ACT_PREFIX + "/"


def run_ours(driver: WebDriver, script: AxeScript, url: str, rules: Sequence[str]) -> dict:
    driver.get(url)
    options = {"runOnly": {"type": "rule", "values": list(rules)}}
    return run_axe_ids(driver, script, options)


def run_plain(driver: WebDriver, url: str) -> dict:
    """axe-selenium-python as documented: inject into the top document, run defaults."""
    driver.get(url)
    axe = Axe(driver)
    axe.inject()
    raw = axe.run()
    return {k: [r["id"] for r in raw.get(k, ())] for k in ("violations", "incomplete", "passes",
                                                          "inapplicable")}


def check_case(sessions: Mapping[str, BrowserSession], script: AxeScript, base: str, case: ActCase,
               rules: Sequence[str]) -> CaseResult:
    url = base + case.relative_path
    outcomes = {}
    for who, session in sessions.items():
        outcomes[who] = _attempt(session, lambda d: (run_ours(d, script, url, rules) if who == OURS
                                                     else run_plain(d, url)), rules)
    return CaseResult(case, tuple(rules), outcomes)


def _attempt(session: BrowserSession, run, rules: Sequence[str]) -> str:
    # A case that hangs the browser (media, alerts) is retried once on a fresh one.
    for _ in range(2):
        try:
            return outcome(run(session.driver), rules)
        except (WebDriverException, AxeError, OSError):
            session.restart()
    return "error"
