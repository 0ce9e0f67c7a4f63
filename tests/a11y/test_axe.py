"""axe-core loading and result classification (no browser needed)."""

from __future__ import annotations

import hashlib
import importlib.resources
import json

from builder.a11y import WCAG_TAGS
from builder.a11y.axe import axe_options, classify, load_axe_script


def _rule(rule_id: str, tags: list[str], target: list[object] | None = None) -> dict[str, object]:
    return {"id": rule_id, "impact": "serious", "tags": tags, "help": "h", "helpUrl": "u",
            "description": "d",
            "nodes": [{"target": target or ["img"], "html": "<img>", "failureSummary": "Fix"}]}


def test_script_comes_from_the_pinned_wheel() -> None:
    script = load_axe_script()
    raw = (importlib.resources.files("axe_selenium_python")
           .joinpath("node_modules/axe-core/axe.min.js").read_bytes())
    assert script.sha256 == hashlib.sha256(raw).hexdigest()
    assert script.version == "4.10.2"


def test_options_are_plain_json() -> None:
    options = axe_options(("wcag2a", "best-practice"))
    assert json.loads(json.dumps(options))["runOnly"] == {"type": "tag", "values": ["wcag2a", "best-practice"]}
    # Passing nodes are not wanted (only which rules passed): axe skips their selectors.
    assert options["resultTypes"] == ["violations", "incomplete"]
    assert options["rules"]["avoid-inline-spacing"] == {"enabled": False}  # infopages-text-spacing
    assert options["rules"]["label-content-name-mismatch"] == {"enabled": True}


def test_classification() -> None:
    outcome = classify(
        violations=[_rule("image-alt", ["cat.text-alternatives", "wcag2a", "wcag111"]),
                    _rule("region", ["cat.keyboard", "best-practice"])],
        incomplete=[_rule("frame-tested", ["cat.structure", "best-practice", "review-item"]),
                    _rule("color-contrast", ["wcag2aa", "wcag143"])],
        blocking_tags=frozenset(WCAG_TAGS),
    )
    assert [f.rule_id for f in outcome.violations] == ["image-alt", "frame-tested"]
    assert [f.rule_id for f in outcome.best_practice] == ["region"]
    assert [f.rule_id for f in outcome.incomplete] == ["color-contrast"]


def test_frame_and_shadow_targets() -> None:
    outcome = classify([_rule("image-alt", ["wcag2a"], ["iframe", ["#host", "img"]])], [],
                       frozenset(WCAG_TAGS))
    node = outcome.violations[0].nodes[0]
    assert node.target == ("iframe", "#host >> img")
    assert node.selector == "iframe >>> #host >> img"
