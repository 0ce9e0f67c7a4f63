"""`infopages check` end to end: the demo is clean, broken pages are caught."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from builder.cli.app import main

FIXTURES = Path(__file__).parents[1] / "a11y_fixtures"


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


def test_a_target_with_no_page_is_nothing_to_check(mini: Path, tmp_path: Path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.txt").write_text("no pages here", encoding="utf-8")
    assert main(["check", "--project", str(mini), str(empty)]) == 2
    err = capsys.readouterr().err
    assert f"{empty}: error: nothing to check: no HTML page here" in err
    assert "Traceback" not in err


def test_check_rejects_a_bad_deadline(mini: Path, capsys):
    assert main(["check", "--project", str(mini), "--deadline", "0"]) == 2
    assert "bad deadline `0` — give a number of seconds above 0" in capsys.readouterr().err


def test_check_rejects_a_bad_render_cell(mini: Path, capsys):
    assert main(["build", "--project", str(mini)]) == 0
    assert main(["check", "--project", str(mini), "--cells", "sepia:1280"]) == 2
    assert "bad render cell `sepia:1280` — write SCHEME:WIDTH" in capsys.readouterr().err


def test_demo_site_has_no_violation_in_any_locale_scheme_or_width(demo_site: Path, repo: Path,
                                                                  tmp_path: Path, capsys):
    """The repository's own site: 4 locales × light/dark × 1280/320 px, real Chromium."""
    reports = tmp_path / "reports"
    # --no-cache: the point is a real check, not the repository's cached results.
    status = main(["check", "--project", str(repo), "--site", str(demo_site),
                   "--reports", str(reports), "--no-cache"])
    out = capsys.readouterr().out
    assert status == 0, out
    results = json.loads((reports / "results.json").read_text())
    cells = {(p["cell"]["scheme"], p["cell"]["width"]) for p in results["results"]}
    assert cells == {("light", 1280), ("dark", 1280), ("light", 320), ("dark", 320)}
    locales = {p["locale"] for p in results["results"]}
    assert locales >= {"en", "fr", "es", "ar"}
    assert len({p["path"] for p in results["results"]}) == len(list(demo_site.rglob("*.html")))
    assert all(not p["violations"] and not p.get("error") for p in results["results"])
    # Our own pages raise none of our own "needs review" items either.
    ours = [(p["path"], f["id"]) for p in results["results"] for f in p["incomplete"]
            if f["source"] == "probe"]
    assert ours == []


# --- scale, gates and reports through the CLI (one small site shared by the tests below) ---

import datetime as dt  # noqa: E402
import xml.etree.ElementTree as ET  # noqa: E402

import pytest  # noqa: E402
import yaml  # noqa: E402

from builder.a11y.server import serve_directory  # noqa: E402

ONE_CELL = ["--cells", "light:1280"]


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    """A project folder (no content: any site) with a site of 5 pages, 2 of them failing."""
    project = tmp_path_factory.mktemp("cli")
    site = project / "site"
    shutil.copytree(FIXTURES / "locale-site", site)
    for name in ("image-alt.html", "contrast.html", "pixel.svg"):
        shutil.copyfile(FIXTURES / name, site / name)
    for broken in ("fr/bad.html", "es/bad.html", "en/bad.html"):  # locale probes: own tests
        (site / broken).unlink()
    manifest = json.loads((site / "_infopages/pages.json").read_text())
    manifest["pages"] = {k: v for k, v in manifest["pages"].items() if "bad" not in k}
    (site / "_infopages/pages.json").write_text(json.dumps(manifest))
    return project


def _check(project: Path, *args: str) -> int:
    return main(["check", "--project", str(project), *ONE_CELL, *args])


def _findings(report_dir: Path) -> set[tuple[str, str, str]]:
    doc = json.loads((report_dir / "results.json").read_text())
    return {(p["path"], p["cell"]["label"], v["id"]) for p in doc["results"] for v in p["violations"]}


def test_json_output_is_only_the_summary_document(small: Path, capsys) -> None:
    status = _check(small, "--json", "--reports", str(small / "r-json"))
    captured = capsys.readouterr()
    document = json.loads(captured.out)  # nothing else on stdout
    assert status == 1 and document["passed"] is False and captured.err == ""
    assert document["summary"]["violations_by_rule"] == {"color-contrast": 1, "image-alt": 1}
    assert document["baseline"]["new"] == 2
    reports = small / "r-json"
    assert sorted(p.name for p in reports.iterdir()) == [
        "junit.xml", "report.html", "results.json", "results.sarif"]
    suites = ET.parse(reports / "junit.xml").getroot()
    failures = [c.get("name") for c in suites.iter("testcase") if c.find("failure") is not None]
    assert sorted(failures) == ["color-contrast [light-1280]", "image-alt [light-1280]"]
    assert len(list(suites.iter("testcase"))) > 20  # passing rules are test cases too
    sarif = json.loads((reports / "results.sarif").read_text())
    assert sarif["version"] == "2.1.0"
    assert {r["ruleId"] for r in sarif["runs"][0]["results"] if r["level"] == "error"} == {
        "color-contrast", "image-alt"}
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in sarif["runs"][0]["results"]}
    assert "site/image-alt.html" in uris


def test_quiet_prints_nothing(small: Path, capsys) -> None:
    assert _check(small, "--quiet", "--reports", str(small / "r-quiet")) == 1
    assert capsys.readouterr() == ("", "")


def test_baseline_new_expired_stale_and_update(small: Path, capsys) -> None:
    reports = str(small / "r-base")
    baseline = small / "a11y-baseline.yaml"
    assert _check(small, "--update-baseline", "--reports", reports) == 0
    out = capsys.readouterr().out
    assert f"Baseline written: {baseline}" in out and "Result: PASS" in out
    data = yaml.safe_load(baseline.read_text())
    assert sorted(e["rule"] for e in data["entries"]) == ["color-contrast", "image-alt"]
    assert {e["reason"] for e in data["entries"]} == {"TODO"}
    assert {e["component"] for e in data["entries"]} == {"page"}

    data["entries"][0]["reason"], data["entries"][0]["owner"] = "third-party widget", "qa"
    baseline.write_text(yaml.safe_dump(data, sort_keys=False))
    assert _check(small, "--reports", reports) == 0
    assert "Known issues (in a11y-baseline.yaml, not blocking): 2 element(s)." in capsys.readouterr().out

    expired = json.loads(json.dumps(data))
    expired["entries"][1]["expires"] = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    baseline.write_text(yaml.safe_dump(expired, sort_keys=False))
    assert _check(small, "--reports", reports) == 1
    assert "error: baseline entry expired on" in capsys.readouterr().out

    stale = json.loads(json.dumps(data))
    stale["entries"].append(dict(data["entries"][0], html_hash="0123456789abcdef"))
    baseline.write_text(yaml.safe_dump(stale, sort_keys=False))
    assert _check(small, "--reports", reports) == 1
    assert "error: stale baseline entry matches nothing" in capsys.readouterr().out

    del data["entries"][1]
    baseline.write_text(yaml.safe_dump(data, sort_keys=False))
    assert _check(small, "--reports", reports) == 1  # the removed finding is new again
    assert "New findings (not in a11y-baseline.yaml): 1 element(s)." in capsys.readouterr().out

    assert _check(small, "--update-baseline", "--reports", reports) == 0
    kept = yaml.safe_load(baseline.read_text())["entries"]
    assert ("third-party widget", "qa") in {(e["reason"], e["owner"]) for e in kept}

    baseline.write_text("entries:\n  - rule: image-alt\n    expires: soon\n")
    assert _check(small, "--reports", reports) == 2
    err = capsys.readouterr().err
    assert f"{baseline}:2: error: baseline entry is missing `component`" in err
    baseline.unlink()


def test_shards_merged_equal_a_single_run(small: Path, capsys) -> None:
    single = small / "r-single"
    assert _check(small, "--no-cache", "--reports", str(single)) == 1
    shards = []
    for index in (1, 2):
        shards.append(small / f"r-shard{index}")
        _check(small, "--no-cache", "--shard", f"{index}/2", "--reports", str(shards[-1]))
    parts = [json.loads((s / "results.json").read_text())["summary"]["pages"] for s in shards]
    assert all(parts) and sum(parts) == 6
    merged = small / "r-merged"
    status = main(["check", "--project", str(small), "merge", *map(str, shards), "--out", str(merged)])
    assert status == 1
    assert _findings(merged) == _findings(single)
    one = json.loads((single / "results.json").read_text())
    both = json.loads((merged / "results.json").read_text())
    assert both["results"] == one["results"] and both["summary"] == one["summary"]
    capsys.readouterr()
    assert _check(small, "--shard", "3/2") == 2
    assert "bad shard `3/2`" in capsys.readouterr().err


def test_url_targets_and_sitemap(small: Path, tmp_path: Path, capsys) -> None:
    with serve_directory(small / "site") as base:
        sitemap = tmp_path / "served"
        sitemap.mkdir()
        (sitemap / "sitemap.xml").write_text(
            '<?xml version="1.0" encoding="utf-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"<url><loc>{base}image-alt.html</loc></url><url><loc>{base}en/good.html</loc></url>"
            "</urlset>", encoding="utf-8")
        with serve_directory(sitemap) as map_base:
            reports = tmp_path / "r"
            status = _check(small, "--sitemap", map_base + "sitemap.xml", base + "contrast.html",
                            "--reports", str(reports))
    assert status == 1
    doc = json.loads((reports / "results.json").read_text())
    assert sorted(p["path"] for p in doc["results"]) == sorted(
        base + p for p in ("contrast.html", "image-alt.html", "en/good.html"))
    assert {(p.rsplit("/", 1)[1], r) for p, _, r in _findings(reports)} == {
        ("contrast.html", "color-contrast"), ("image-alt.html", "image-alt")}
    capsys.readouterr()
    assert _check(small, "--sitemap", "http://127.0.0.1:9/nothing.xml") == 2
    assert "Cannot fetch the sitemap" in capsys.readouterr().err


def test_progress_lines_in_ci_and_bar_on_a_terminal() -> None:
    import io

    from builder.cli.check import Progress   # the one every command uses

    plain = io.StringIO()
    progress = Progress(0, "pages", plain, prefix="check")
    for done in range(0, 41):
        progress(done, 40, "p.html")
    lines = plain.getvalue().splitlines()
    assert len(lines) == 11 and lines[-1].startswith("check: 40/40 pages, ")
    assert lines[-1].endswith("/s (100 %)") and "/s, ETA " in lines[5]

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    tty = Terminal()
    bar = Progress(0, "pages", tty, prefix="check")
    bar(1, 4, "a")
    bar(4, 4, "b")
    bar.close()
    text = tty.getvalue()
    assert text.count("\r") == 2 and "[####################] 4/4 pages" in text and text.endswith("\n")
