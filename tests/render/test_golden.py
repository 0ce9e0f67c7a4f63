"""The demo's pages equal the golden files byte for byte (regenerate: make golden)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.golden import GOLDEN, golden_files


@pytest.mark.parametrize("rel", golden_files())
def test_page_matches_golden(rel: str, demo_site: Path):
    assert (demo_site / rel).read_bytes() == (GOLDEN / rel).read_bytes(), \
        f"{rel} differs from tests/golden/{rel}: if the change is intended, run `make golden`"
