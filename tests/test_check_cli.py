"""`infopages check` end to end: the demo is clean, broken pages are caught."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from builder.cli import main

FIXTURES = Path(__file__).parent / "a11y_fixtures"


def test_check_catches_missing_alt_missing_lang_and_low_contrast(mini: Path, tmp_path: Path,
                                                                   capsys):
    site = tmp_path / "site"
    site.mkdir()
    shutil.copyfile(FIXTURES / "clean.html", site / "index.html")
    for name in ("image-alt.html", "no-lang.html", "contrast.html", "pixel.svg"):
        shutil.copyfile(FIXTURES / name, site / name)
    reports = tmp_path / "reports"
    status = main(["check", "--project", str(mini), "--site", str(site), "--reports", str(reports),
                   "--cells", "light:1280"])
    out = capsys.readouterr().out
    assert status == 1
    assert "Result: FAIL" in out
    results = json.loads((reports / "results.json").read_text())
    found = {page["path"]: {v["id"] for v in page["violations"]} for page in results["results"]}
    assert "image-alt" in found["image-alt.html"]
    assert "html-has-lang" in found["no-lang.html"]
    assert "color-contrast" in found["contrast.html"]
    assert found["index.html"] == set()
    assert (reports / "report.html").is_file()


def test_check_without_a_built_site_says_what_to_do(mini: Path, capsys):
    assert main(["check", "--project", str(mini)]) == 2
    assert "no built site here — run `infopages build` first" in capsys.readouterr().err


def test_check_rejects_a_bad_render_cell(mini: Path, capsys):
    assert main(["build", "--project", str(mini)]) == 0
    assert main(["check", "--project", str(mini), "--cells", "sepia:1280"]) == 2
    assert "bad render cell `sepia:1280` — write SCHEME:WIDTH" in capsys.readouterr().err


def test_demo_site_has_no_violation_in_any_locale_scheme_or_width(demo_site: Path, repo: Path,
                                                                  tmp_path: Path, capsys):
    """The repository's own site: 4 locales × light/dark × 1280/320 px, real Chromium."""
    reports = tmp_path / "reports"
    status = main(["check", "--project", str(repo), "--site", str(demo_site),
                   "--reports", str(reports)])
    out = capsys.readouterr().out
    assert status == 0, out
    results = json.loads((reports / "results.json").read_text())
    cells = {(p["cell"]["scheme"], p["cell"]["width"]) for p in results["results"]}
    assert cells == {("light", 1280), ("dark", 1280), ("light", 320), ("dark", 320)}
    locales = {p["locale"] for p in results["results"]}
    assert locales >= {"en", "fr", "es", "ar"}
    assert len({p["path"] for p in results["results"]}) == len(list(demo_site.rglob("*.html")))
    assert all(not p["violations"] and not p.get("error") for p in results["results"])
