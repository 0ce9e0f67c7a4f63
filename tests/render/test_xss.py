"""Untrusted content and translations cannot inject anything: known XSS payloads
go through content fields and msgstrs, and real Chromium shows them as text."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest
from selenium.common.exceptions import NoAlertPresentException

from builder.a11y.browser import BrowserSession
from builder.a11y.server import serve_directory
from builder.cli.app import main
from tests.conftest import catalogues

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(2)>",
    "<svg onload=alert(3)><circle/></svg>",
    "<ScRiPt>alert(4)</sCrIpT>",
    "\"><script>alert(5)</script>",
    "'><img src=x onerror=alert(6)>",
    "[click](javascript:alert(7))",
    "[click](JaVaScRiPt:alert(8))",
    "[click](&#106;avascript:alert(9))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxMCk8L3NjcmlwdD4=)",
    "[click](vbscript:msgbox(11))",
    "<a href=\"javascript:alert(12)\">x</a>",
    "&lt;script&gt;alert(13)&lt;/script&gt;",
    "<iframe src=\"javascript:alert(14)\"></iframe>",
    "{{ 7*7 }} {% raw %}",
    "<details open ontoggle=alert(15)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(16)>",
]
# Markdown-safe payloads for titles (one line, no YAML syntax problems).
TITLE = "<script>alert(20)</script> \"><img src=x onerror=alert(21)>"

# What the browser must never contain once the page has loaded.
INJECTED_JS = """
const bad = [];
document.querySelectorAll('script, iframe, svg, math, details, object, embed').forEach(
    e => bad.push(e.outerHTML.slice(0, 80)));
document.querySelectorAll('*').forEach(e => {
  for (const a of e.attributes) {
    if (/^on/i.test(a.name)) bad.push(e.tagName + ' ' + a.name);
    if (/^(href|src|action)$/i.test(a.name) && /^\\s*(javascript|vbscript|data):/i.test(a.value))
      bad.push(e.tagName + ' ' + a.name + '=' + a.value);
  }
});
return bad;
"""


def poison(root: Path) -> None:
    body = "\n\n".join(PAYLOADS)
    (root / "content" / "pages" / "about.md").write_text(
        f"---\ntitle: '{TITLE}'\nsummary: '<b onmouseover=alert(22)>hi</b>'\n---\n\n{body}\n")
    assert main(["update", "--project", str(root)]) == 0
    index = 0
    for path in catalogues(root, "fr"):
        catalogue = polib.pofile(str(path), wrapwidth=0)
        for entry in catalogue:
            payload = PAYLOADS[index % len(PAYLOADS)]
            index += 1
            if entry.msgid_plural:
                entry.msgstr_plural = {k: payload for k in entry.msgstr_plural}
            else:
                entry.msgstr = payload
        catalogue.save()


@pytest.fixture(scope="module")
def browser():
    with BrowserSession() as session:
        yield session.driver


def test_no_payload_executes_or_injects_markup(tmp_path: Path, browser):
    from tests.conftest import make_project

    root = make_project(tmp_path, "mini")
    poison(root)
    assert main(["build", "--project", str(root)]) == 0
    site = root / "site"
    pages = ["en/about.html", "fr/about.html", "fr/index.html", "fr/topics/safety.html",
             "fr/news/index.html", "fr/404.html", "index.html"]
    with serve_directory(site) as base:
        for rel in pages:
            browser.get(base + rel)
            with pytest.raises(NoAlertPresentException):
                browser.switch_to.alert.text   # an alert() would be open now
            assert browser.execute_script(INJECTED_JS) == [], rel
        browser.get(base + "en/about.html")
        text = browser.find_element("tag name", "main").text
    assert "<script>alert(1)</script>" in text          # shown, escaped, as text
    assert "<img src=x onerror=alert(2)>" in text
    assert "[click](javascript:alert(7))" in text
    assert "{{ 7*7 }}" in text
    assert browser.title.startswith("<script>alert(20)</script>")


def test_pages_carry_a_strict_content_security_policy(demo_site: Path):
    for page in demo_site.rglob("*.html"):
        html = page.read_text()
        assert "Content-Security-Policy" in html, page
        assert "default-src &#39;none&#39;" in html
        assert "unsafe-inline" not in html and " style=" not in html and "<script" not in html
