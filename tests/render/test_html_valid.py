"""The W3C Nu HTML Checker (vnu-jar, with Debian's Java) finds no error in any page."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
VNU = REPO / ".tools" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def vnu_errors(paths: list[Path]) -> list[str]:
    assert VNU.is_file(), "vnu.jar missing: run `make test`, which installs it"
    result = subprocess.run(["java", "-jar", str(VNU), "--errors-only", "--format", "json",
                             *map(str, paths)], capture_output=True, text=True)
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    return [f"{m.get('url', '')}:{m.get('lastLine', '')}: {m['message']}" for m in messages]


def test_every_demo_page_is_valid_html(demo_site: Path):
    pages = sorted(demo_site.rglob("*.html"))
    assert len(pages) > 90
    assert vnu_errors(pages) == []


def test_the_checker_reports_invalid_html(tmp_path: Path):
    bad = tmp_path / "bad.html"
    bad.write_text("<!DOCTYPE html><html lang=en><title>x</title><p><div></p></div>")
    assert vnu_errors([bad]) != []
