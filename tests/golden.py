"""Golden HTML: one page of each kind, in English and Arabic, from the demo site.

Regenerate after an intended change with `make golden` (python -m tests.golden),
then read the diff of tests/golden/ before committing it.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from builder.engine.build import BuildOptions
from builder.pipeline import build

REPO = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"
PAGES = (
    "index.html",
    "{ll}/index.html",
    "{ll}/topics/crimes-against-children.html",
    "{ll}/yellow-notices.html",
    "{ll}/news/index.html",
    "{ll}/news/2015-02-20-togo-police-arrest-suspected-child-rapist-accused-of.html",
    "{ll}/404.html",
    "{ll}/feed.xml",
)
LOCALES = ("en", "ar")


def golden_files() -> list[str]:
    return sorted({page.format(ll=ll) for page in PAGES for ll in LOCALES})


def build_demo(out: Path) -> Path:
    build(REPO, BuildOptions(out=out))
    return out


def regenerate() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        site = build_demo(Path(tmp) / "site")
        for rel in golden_files():
            target = GOLDEN / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes((site / rel).read_bytes())
            print(f"wrote {target.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(regenerate())
