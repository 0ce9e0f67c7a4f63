"""W3C ACT rules test cases against our axe integration and against plain axe.

Each case runs twice in the same harness: through our checker's path
(axe preloaded into every frame, run with JSON options, its results
classified as the checker classifies them, plus the infopages probes that
implement the same ACT rule) and through plain axe-selenium-python
(`Axe(driver).inject(); Axe(driver).run()`, which only reaches the top frame).
Outcomes are classified the way ACT implementation reports do, so "no lost
results" can be asserted case by case.
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

from builder.a11y.axe import AxeError, AxeScript, ensure_axe, rule_options, run_axe_ids
from builder.a11y.browser import BrowserSession
from builder.a11y.model import CheckTarget, RenderCell
from builder.a11y.probes import ProbeError, run_probes
from builder.a11y.server import serve_directory

ACT_PREFIX = "WAI/content-assets/wcag-act-rules"
OURS, PLAIN = "ours", "plain"
# axe rules that check part of an ACT rule although axe's metadata does not name it:
# bc4a75 (ARIA required owned elements) covers a native <ul>/<ol>, whose implicit role
# list must own list items — axe checks that with `list`, not aria-required-children.
# Used for both implementations (plain axe runs `list` too).
AXE_ALSO: dict[str, tuple[str, ...]] = {"bc4a75": ("list",)}
# ACT rules an infopages probe implements too (all or part of): its result counts
# for "ours" beside the axe rules the ACT rule maps to.
PROBE_RULES: dict[str, tuple[str, ...]] = {
    "24afc2": ("infopages-text-spacing",),   # letter spacing (replaces avoid-inline-spacing)
    "9e45ec": ("infopages-text-spacing",),   # word spacing
    "78fd32": ("infopages-text-spacing",),   # line height
    "b4f0c3": ("infopages-meta-viewport",),  # zoom: values browsers read as "no"
    "ye5d6e": ("infopages-link-target",),    # a skip link to an element that does not exist
    "b20e66": ("infopages-link-text",),      # identical link texts, different destinations
}


@dataclass(frozen=True)
class ActCase:
    """One W3C ACT rules test case (testcases.json) and the outcome it expects."""

    rule_id: str
    rule_name: str
    expected: str  # passed | failed | inapplicable
    testcase_id: str
    relative_path: str
    title: str


@dataclass(frozen=True)
class CaseResult:
    """What each implementation (ours, plain axe) made of one ACT case, and by which axe rules."""

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
    """ACT rule id → axe rule ids, from axe's own metadata (axe.getRules()), plus the
    axe rules that test the same requirement without saying so (AXE_ALSO)."""
    ensure_axe(driver, script)
    rules = driver.execute_script("return axe.getRules();")
    mapping: dict[str, list[str]] = {}
    for rule in rules:
        for act_id in rule.get("actIds") or ():
            mapping.setdefault(act_id, []).append(rule["ruleId"])
    for act_id, extra in AXE_ALSO.items():
        if act_id in mapping:
            mapping[act_id] += [r for r in extra if r not in mapping[act_id]]
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


def run_ours(driver: WebDriver, script: AxeScript, url: str, rules: Sequence[str],
             probes: Sequence[str] = ()) -> dict:
    """The checker on one case: the mapped axe rules and the probes for the same ACT rule."""
    driver.get(url)
    options = rule_options(rules)
    ids: dict[str, list[str]] = {"violations": [], "incomplete": [], "passes": [], "inapplicable": []}
    if options["runOnly"]["values"]:  # all of them replaced by probes: axe has nothing to run
        ids = run_axe_ids(driver, script, options)
    if probes:
        found = run_probes(driver, CheckTarget(url, url=url), RenderCell("light", 1280))
        failed = {f.rule_id for f in found.failures}
        review = {f.rule_id for f in found.review}
        ids["violations"] += [p for p in probes if p in failed]
        ids["incomplete"] += [p for p in probes if p in review and p not in failed]
        ids["passes"] += [p for p in probes if p not in failed | review]
    return ids


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
    probes = PROBE_RULES.get(case.rule_id, ())
    outcomes = {
        OURS: _attempt(sessions[OURS], lambda d: run_ours(d, script, url, rules, probes),
                       (*rules, *probes)),
        PLAIN: _attempt(sessions[PLAIN], lambda d: run_plain(d, url), rules),
    }
    return CaseResult(case, tuple(rules), outcomes)


def _attempt(session: BrowserSession, run, rules: Sequence[str]) -> str:
    # A case that hangs the browser (media, alerts) is retried once on a fresh one.
    for _ in range(2):
        try:
            with session.watch():
                return outcome(run(session.driver), rules)
        except (WebDriverException, AxeError, ProbeError, OSError):
            session.restart()
    return "error"


def probe_case(session: BrowserSession, base: str, case: ActCase,
               cell: RenderCell = RenderCell("light", 1280)) -> list[tuple[str, str]]:
    """(kind, rule) of every finding the infopages probes (focus included) report on a case,
    loaded as `check` loads a URL target; [("error", why)] if the case could not be probed."""
    from builder.a11y.browser import apply_cell
    from builder.a11y.focus import focus_probe

    url = base + case.relative_path
    error = ""
    for _ in range(2):
        try:
            with session.watch():
                driver = session.driver
                apply_cell(driver, cell)
                driver.get(url)
                found = run_probes(driver, CheckTarget(url, url=url), cell)
                focus = focus_probe(driver)
            return ([("fail", f.rule_id) for f in found.failures]
                    + [("review", f.rule_id) for f in found.review]
                    + ([("fail", focus.rule_id)] if focus else []))
        except (WebDriverException, ProbeError, OSError) as err:
            error = f"{type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}"
            session.restart()
    return [("error", error)]
