"""Golden HTML of the built-in theme: one page of each kind, from the demo (en, ar, with
its accent colours) and from a site made by `infopages new` with the theme's defaults
(pt-BR, zh-Hant, he; tests/newsite.py), under tests/golden/new-site/.

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
NEW_SITE = "new-site/"
PAGES = (
    "index.html",
    "{ll}/index.html",
    "{ll}/topics/crimes-against-children.html",
    "{ll}/topics/crimes-against-children/news/page-2.html",
    "{ll}/yellow-notices.html",
    "{ll}/news/index.html",
    "{ll}/news/2015-02-20-togo-police-arrest-suspected-child-rapist-accused-of.html",
    "{ll}/404.html",
    "{ll}/feed.xml",
)
LOCALES = ("en", "ar")
NEW_PAGES = (
    "index.html",
    "sitemap.xml",
    "assets/style.css",
    "{ll}/index.html",
    "{ll}/topics/our-work.html",
    "{ll}/about.html",
    "{ll}/news/index.html",
    "{ll}/news/2025-03-14-our-new-site.html",
    "{ll}/404.html",
    "{ll}/feed.xml",
)
NEW_LOCALES = ("pt-br", "zh-hant", "he")


def golden_files() -> list[str]:
    return sorted({page.format(ll=ll) for page in PAGES for ll in LOCALES})


def new_site_files(site: Path) -> list[str]:
    """The new site's golden pages that it has (zh-Hant's gate keeps some out)."""
    return sorted({page.format(ll=ll) for page in NEW_PAGES for ll in NEW_LOCALES
                   if (site / page.format(ll=ll)).is_file()})


def build_demo(out: Path) -> Path:
    build(REPO, BuildOptions(out=out))
    return out


def build_new_site(parent: Path) -> Path:
    from tests.newsite import make_new_site

    parent.mkdir(parents=True, exist_ok=True)
    root = make_new_site(parent)
    build(root, BuildOptions())
    return root / "site"


def regenerate() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        site = build_demo(Path(tmp) / "site")
        new_site = build_new_site(Path(tmp) / "new")
        written = [(rel, site / rel) for rel in golden_files()]
        written += [(NEW_SITE + rel, new_site / rel) for rel in new_site_files(new_site)]
        for rel, source in written:
            target = GOLDEN / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(source.read_bytes())
            print(f"wrote {target.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(regenerate())
