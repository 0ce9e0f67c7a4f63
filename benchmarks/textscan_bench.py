"""Each character set of the builder (`textscan.AnyOf`) against its character class,
on real texts: the translations of the synthetic site's largest catalogue.

    .venv/bin/python benchmarks/textscan_bench.py [--news 1000] [--work /dev/shm/infopages-bench]

Prints, per set, the µs a text of `regex.search` and of `found_in` (what the build
calls), over every msgstr of one catalogue per locale, in lengths under and over
`textscan.SHORT`. Both give the same answers (tests/test_textscan.py).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_bench import ensure_site  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from builder.catalogues.poread import parse_po  # noqa: E402
from builder.lint.checks import CHECKED, MARKUP  # noqa: E402
from builder.segments.blocks import OTHER_SPACE  # noqa: E402
from builder.segments.quickinline import INLINE_SYNTAX  # noqa: E402
from builder.source.content import HIDDEN  # noqa: E402
from builder.textscan import SHORT  # noqa: E402

SETS = {"INLINE_SYNTAX": INLINE_SYNTAX, "CHECKED": CHECKED, "MARKUP": MARKUP,
        "OTHER_SPACE": OTHER_SPACE, "HIDDEN": HIDDEN}


def per_text(function, texts: list[str], rounds: int = 5) -> float:
    """The best of `rounds` passes over `texts`, in µs a text."""
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for text in texts:
            function(text)
        best = min(best, time.perf_counter() - start)
    return best / max(len(texts), 1) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--news", type=int, default=1000)
    parser.add_argument("--work", type=Path, default=Path("/dev/shm/infopages-bench"))
    args = parser.parse_args()
    site = ensure_site(args.work / f"n{args.news}", args.news)[0]
    texts: dict[str, list[str]] = {}
    for po in sorted((site / "locales").glob("*/LC_MESSAGES/*.po")):
        locale = po.parts[-3]
        if locale not in texts or po.stat().st_size > sum(map(len, texts[locale])):
            texts[locale] = [e.msgstr for e in parse_po(po.read_text("utf-8")) if e.msgstr]
    print(f"N = {args.news}; texts: " + ", ".join(f"{k} {len(v)}" for k, v in texts.items()))
    print(f"{'set':14s} {'locale':6s} {'length':>8s} {'texts':>6s} {'regex µs':>9s} {'found_in µs':>12s}")
    for name, found in SETS.items():
        for locale, all_texts in texts.items():
            for label, chosen in (("short", [t for t in all_texts if len(t) <= SHORT]),
                                  ("long", [t for t in all_texts if len(t) > SHORT])):
                if not chosen:
                    continue
                print(f"{name:14s} {locale:6s} {label:>8s} {len(chosen):6d} "
                      f"{per_text(found.regex.search, chosen):9.2f} "
                      f"{per_text(found.found_in, chosen):12.2f}")


if __name__ == "__main__":
    main()
