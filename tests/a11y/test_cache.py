"""Results cache: unchanged pages are not re-checked; CSS and page edits invalidate exactly."""

from __future__ import annotations

import shutil
from pathlib import Path

from builder.a11y import CheckOptions, CheckTarget, RenderCell, check_site
from builder.a11y.cache import input_digest
from builder.a11y.reports import results_document

FIXTURES = Path(__file__).parents[1] / "a11y_fixtures"
OPTIONS = CheckOptions(cells=(RenderCell("light", 1280), RenderCell("dark", 320)), screenshots=1)


def _site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    shutil.copytree(FIXTURES / "locale-site", site)
    shutil.copyfile(FIXTURES / "image-alt.html", site / "image-alt.html")
    shutil.copyfile(FIXTURES / "pixel.svg", site / "pixel.svg")
    return site


def test_digest_follows_stylesheets_images_and_frames(tmp_path: Path) -> None:
    site = _site(tmp_path)
    (site / "framed.html").write_text('<iframe src="en/good.html" title="x"></iframe>', encoding="utf-8")
    before = input_digest(site, "framed.html")
    (site / "style.css").write_text("body { color: #000; }\n", encoding="utf-8")
    assert input_digest(site, "framed.html") != before  # framed page → its stylesheet
    image = input_digest(site, "image-alt.html")
    (site / "pixel.svg").write_bytes((site / "pixel.svg").read_bytes() + b"\n")
    assert input_digest(site, "image-alt.html") != image


def test_hits_and_misses(tmp_path: Path) -> None:
    site = _site(tmp_path)
    cache = tmp_path / ".infopages-cache" / "a11y.sqlite"
    targets = [CheckTarget("en/good.html", "en", "ltr"), CheckTarget("fr/good.html", "fr", "ltr"),
               CheckTarget("image-alt.html", "en", "ltr")]
    first = check_site(site, targets, OPTIONS, jobs=2, cache_path=cache)
    assert first.cache_hits == 0 and cache.is_file()
    second = check_site(site, targets, OPTIONS, jobs=2, cache_path=cache)
    assert second.cache_hits == 6  # 3 pages × 2 cells, no browser work
    # Cached results are the same results (screenshots included).
    assert results_document(second) == results_document(first)
    assert any(n.screenshot for r in second.results for f in r.violations for n in f.nodes)

    page = site / "fr" / "good.html"
    page.write_text(page.read_text(encoding="utf-8").replace("Tout en", "Entièrement en"),
                    encoding="utf-8")
    third = check_site(site, targets, OPTIONS, jobs=2, cache_path=cache)
    assert third.cache_hits == 4  # only the edited page was checked again

    css = site / "style.css"
    css.write_text(css.read_text(encoding="utf-8") + "p { margin: 0; }\n", encoding="utf-8")
    fourth = check_site(site, targets, OPTIONS, jobs=2, cache_path=cache)
    assert fourth.cache_hits == 2  # every page using style.css; image-alt.html does not

    other = CheckOptions(cells=OPTIONS.cells, screenshots=1, max_focus_stops=10)
    assert check_site(site, targets, other, jobs=2, cache_path=cache).cache_hits == 0
