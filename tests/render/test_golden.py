"""The built-in theme's pages equal the golden files byte for byte: the demo's, and a
site made by `infopages new` (regenerate: make golden)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.golden import GOLDEN, NEW_SITE, build_new_site, golden_files, new_site_files


@pytest.fixture(scope="module")
def new_site(tmp_path_factory) -> Path:
    return build_new_site(tmp_path_factory.mktemp("golden"))


@pytest.mark.parametrize("rel", golden_files())
def test_page_matches_golden(rel: str, demo_site: Path):
    assert (demo_site / rel).read_bytes() == (GOLDEN / rel).read_bytes(), \
        f"{rel} differs from tests/golden/{rel}: if the change is intended, run `make golden`"


def test_new_site_pages_match_golden(new_site: Path):
    expected = sorted(p.relative_to(GOLDEN / NEW_SITE).as_posix()
                      for p in (GOLDEN / NEW_SITE).rglob("*") if p.is_file())
    assert new_site_files(new_site) == expected
    differ = [rel for rel in expected
              if (new_site / rel).read_bytes() != (GOLDEN / NEW_SITE / rel).read_bytes()]
    assert differ == [], f"differ from tests/golden/{NEW_SITE}: if intended, run `make golden`"
