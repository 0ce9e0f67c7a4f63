"""Whole left-to-right runs in Arabic text: Chromium shows each one as written.

Each case is rendered as our Arabic pages render inline text (`render_inline`
with isolation), laid out by Debian's Chromium, and its characters' x positions
are read with Range.getBoundingClientRect: a run reads as written when they
increase from its first character to its last. The same check on the old,
cut-apart isolation (`<bdi>ISO 9001</bdi>:2015`) fails, so it can see the bug.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from builder.a11y.browser import BrowserSession
from builder.render.bidi import isolate_ltr_runs, ltr_runs
from builder.render.body import render_inline
from builder.segments.blocks import make_markdown

CASES = ("3M", "PhotoDNA 2.0", "ISO 9001:2015", "iOS 17.4", "7-Eleven", "U.S.", "#WeProtect")
BEFORE, AFTER = "تستخدم الشرطة", "في التحقيقات."
CUT_APART = {"3M": "3<bdi>M</bdi>", "PhotoDNA 2.0": "<bdi>PhotoDNA 2</bdi>.0",
             "ISO 9001:2015": "<bdi>ISO 9001</bdi>:2015", "iOS 17.4": "<bdi>iOS 17</bdi>.4",
             "7-Eleven": "7-<bdi>Eleven</bdi>"}

# For each paragraph: the x of each non-space character of the case, in logical order.
POSITIONS = """
const out = {};
for (const p of document.querySelectorAll('p[data-case]')) {
  const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
  const chars = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode())
    for (let i = 0; i < node.length; i++) chars.push([node, i]);
  const text = chars.map(([n, i]) => n.data[i]).join('');
  const start = text.indexOf(p.dataset.case);
  const xs = [];
  for (let k = start; k < start + p.dataset.case.length; k++) {
    const [node, i] = chars[k];
    if (node.data[i] === ' ') continue;
    const range = document.createRange();
    range.setStart(node, i); range.setEnd(node, i + 1);
    const box = range.getBoundingClientRect();
    xs.push(box.left + box.width / 2);
  }
  out[p.id] = xs;
}
return out;
"""


@pytest.fixture(scope="module")
def browser() -> Iterator[BrowserSession]:
    with BrowserSession() as session:
        yield session


def page(paragraphs: dict[str, tuple[str, str]], tmp_path: Path) -> str:
    body = "\n".join(f'<p id="{key}" data-case="{html.escape(case)}">{inner}</p>'
                     for key, (case, inner) in paragraphs.items())
    path = tmp_path / "ar.html"
    path.write_text('<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8">'
                    '<title>اختبار</title><style>body{font:20px sans-serif}</style></head>'
                    f"<body>{body}</body></html>", "utf-8")
    return path.as_uri()


def reads_as_written(xs: list[float]) -> bool:
    return len(xs) > 1 and all(a < b for a, b in zip(xs, xs[1:]))


def test_each_latin_run_reads_as_written_in_an_arabic_page(browser: BrowserSession,
                                                           tmp_path: Path):
    md = make_markdown()
    ours = {f"ours{i}": (case, render_inline(md, f"{BEFORE} {case} {AFTER}", True)[0])
            for i, case in enumerate(CASES)}
    old = {f"old{i}": (case, f"{BEFORE} {CUT_APART[case]} {AFTER}")
           for i, case in enumerate(CASES) if case in CUT_APART}
    driver = browser.driver
    driver.get(page(ours | old, tmp_path))
    found = driver.execute_script(POSITIONS)
    assert {ours[key][0] for key in ours if not reads_as_written(found[key])} == set()
    # The check sees the bug it guards against: every cut-apart form fails it.
    assert all(not reads_as_written(found[key]) for key in old), found


@given(st.text(alphabet=st.sampled_from(list("abcXYZ019 .:-/%#@,؟،أبت'’&_+\n")), max_size=60))
def test_isolating_never_changes_the_text(text: str):
    md = make_markdown()
    children = md.parseInline(text)[0].children or [] if text.strip() else []
    isolated = isolate_ltr_runs(children)
    assert "".join(t.content for t in isolated if t.type == "text") == \
        "".join(t.content for t in children if t.type == "text")
    tags = [t.content for t in isolated if t.type == "html_inline"]
    assert tags == ['<bdi dir="ltr">', "</bdi>"] * (len(tags) // 2)
    for start, end in ltr_runs(text):
        run = text[start:end]
        assert any(ch.isalpha() and ch.isascii() for ch in run), run   # never a bare number
        assert run == run.strip(" ,"), run
