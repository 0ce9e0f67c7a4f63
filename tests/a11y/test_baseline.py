"""Known-issues baseline: fingerprints, new / known / expired / stale, file errors, update."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from builder.a11y import baseline as known
from builder.a11y.model import CheckRun, Finding, NodeRef, PageResult, RenderCell
from builder.errors import InputError

TODAY = dt.date(2026, 1, 15)
CELL = RenderCell("light", 1280)


def _finding(rule: str, *nodes: NodeRef) -> Finding:
    return Finding(rule, "serious", ("wcag2aa",), "help", "https://x", "d", nodes)


def _run(*results: PageResult) -> CheckRun:
    return CheckRun(results=results, axe_version="4.10.2", axe_sha256="0" * 64, chromium_version="1")


LINK = NodeRef(("main > p:nth-of-type(2) > a",), '<a  href="x">\n  Read more</a>')
IMG = NodeRef(("#card-17 > img",), '<img src="a.png">')
NEWS = PageResult("u", "en/news/a.html", "en", CELL, (_finding("color-contrast", LINK),), key="news/a")
NEWS_FR = PageResult("u", "fr/news/a.html", "fr", CELL,
                     (_finding("color-contrast", NodeRef(("main > p:nth-of-type(3) > a",),
                                                         '<a href="x"> Read more</a>')),),
                     key="news/a")
TOPIC = PageResult("u", "en/topics/t.html", "en", CELL, (_finding("image-alt", IMG),), key="topics/t")


def test_fingerprint_ignores_positions_generated_ids_and_whitespace() -> None:
    a, b = known.fingerprint(NEWS, "color-contrast", LINK), known.fingerprint(NEWS_FR, "color-contrast",
                                                                              NEWS_FR.violations[0].nodes[0])
    assert a == b == known.Fingerprint("color-contrast", "news", "main > p > a",
                                       known.html_hash('<a href="x"> Read more</a>'))
    assert known.fingerprint(TOPIC, "image-alt", IMG).selector == "* > img"
    assert len(a.html_hash) == 16


def _entry(fp: known.Fingerprint, expires: dt.date = TODAY + dt.timedelta(days=1)) -> known.Entry:
    return known.Entry(fp, "vendor widget", "web-team", expires)


def test_new_known_expired_and_stale() -> None:
    run = _run(NEWS, NEWS_FR, TOPIC)
    news = known.fingerprint(NEWS, "color-contrast", LINK)
    topic = known.fingerprint(TOPIC, "image-alt", IMG)
    gate = known.evaluate(run, [_entry(news)], TODAY)
    assert [o.path for o in gate.new] == ["en/topics/t.html"] and len(gate.known) == 2
    assert gate.failed and not gate.expired and not gate.stale

    gate = known.evaluate(run, [_entry(news), _entry(topic)], TODAY)
    assert not gate.failed and not gate.new

    gate = known.evaluate(run, [_entry(news, TODAY - dt.timedelta(days=1)), _entry(topic)], TODAY)
    assert gate.failed and [e.fingerprint for e in gate.expired] == [news]

    gone = known.Fingerprint("image-alt", "topics", "main > img", "0123456789abcdef")
    gate = known.evaluate(run, [_entry(news), _entry(topic), _entry(gone)], TODAY)
    assert gate.failed and [e.fingerprint for e in gate.stale] == [gone]
    # A run that never looked at a component cannot call its entries stale (shards).
    other = known.Fingerprint("image-alt", "home", "img", "0123456789abcdef")
    assert not known.evaluate(run, [_entry(news), _entry(topic), _entry(other)], TODAY).stale


def test_update_keeps_reasons_and_round_trips(tmp_path: Path) -> None:
    run = _run(NEWS, NEWS_FR, TOPIC)
    news = known.fingerprint(NEWS, "color-contrast", LINK)
    stale = known.Fingerprint("x", "news", "p", "0123456789abcdef")
    entries = known.updated_entries(run, [_entry(news), _entry(stale)], TODAY)
    assert [e.fingerprint.rule for e in entries] == ["color-contrast", "image-alt"]
    assert (entries[0].reason, entries[0].owner) == ("vendor widget", "web-team")
    assert (entries[1].reason, entries[1].owner, entries[1].expires) == ("TODO", "", dt.date(2026, 4, 15))
    path = tmp_path / known.FILE_NAME
    path.write_text(known.baseline_text(entries), encoding="utf-8")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data["entries"][1]["expires"] in ("2026-04-15", dt.date(2026, 4, 15))
    loaded = known.load_baseline(path)
    assert [e.fingerprint for e in loaded] == [e.fingerprint for e in entries]
    assert loaded[0].line == 5 and not known.evaluate(run, loaded, TODAY).failed


@pytest.mark.parametrize(("text", "message"), [
    ("entries:\n  - rule: image-alt\n    component: news\n", ":2: error: baseline entry is missing `selector`"),
    ("entries:\n  - rule: a\n    component: b\n    selector: c\n    html_hash: XYZ\n    reason: r\n"
     "    owner: o\n    expires: 2026-01-01\n", ":5: error: bad html_hash `XYZ`"),
    ("entries:\n  - rule: a\n    component: b\n    selector: c\n    html_hash: 0123456789abcdef\n"
     "    reason: r\n    owner: o\n    expires: 2026-13-01\n", ":8: error: bad expiry date `2026-13-01`"),
    ("entries: [\n", ": error: invalid YAML"),
    ("entries: 3\n", ":1: error: the baseline must be a list of entries"),
])
def test_bad_files_name_the_line_and_the_fix(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / known.FILE_NAME
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        known.load_baseline(path)
    formatted = caught.value.diagnostics[0].format()
    assert formatted.startswith(str(path) + ":") and message in formatted and " — " in formatted


def test_missing_file_is_an_empty_baseline(tmp_path: Path) -> None:
    assert known.load_baseline(tmp_path / "nope.yaml") == ()
