"""Benchmark `builder.merge.merge` on a synthetic 20,000-paragraph catalogue × 4 locales.

    .venv/bin/python benchmarks/merge_bench.py [--seed N] [--msgmerge]

A seeded generator builds 500 pages × 8 sections × 5 paragraphs (40–120 words
each), translated PO files for fr, es, ar and pt, and a new POT with 350
wording edits, 50 insertions, 50 removals, 30 punctuation-only edits, 20
moves to another section and 40 paragraphs moved to another page and edited
there (some insertions sit just before an edited paragraph of the same
section, so ordinal anchors shift under the edit). The moved-and-edited ones
must come back fuzzy with their old translation (cross-page lookup through the
rare-word index); the 50 new paragraphs must get no guess at all. It then times what
`infopages update` does per locale — strict read (`catalogues.read_po`),
merge, atomic write — and checks every entry against the ground truth the
generator knows: no fuzzy guess lost, none invented. Not a timed test: it
prints its figures and exits 1 only if the ground truth is violated.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import polib

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from builder.catalogues.domains import SINGLE, po_path  # noqa: E402
from builder.catalogues.merge import merge, new_catalogue  # noqa: E402
from builder.catalogues.pofile import read_po
from builder.catalogues.poread import parse_po  # noqa: E402
from builder.output.write import atomic_write  # noqa: E402
from builder.engine.catalogues import merge_locales  # noqa: E402
from builder.engine.localemerge import LocaleJob  # noqa: E402

LOCALES = ("fr", "es", "ar", "pt")
PAGES, SECTIONS, PARAGRAPHS = 500, 8, 5
EDITS, ADDS, REMOVES, PUNCT, MOVES, SHIFTED, ACROSS = 350, 50, 50, 30, 20, 25, 40

Page = list[list[str]]   # sections → paragraph texts


@dataclass(frozen=True)
class Scenario:
    old: dict[str, Page]
    new: dict[str, Page]
    expect: dict[str, tuple[str, str | None]]   # new msgid → (kind, old msgid)
    removed: frozenset[str]


def vocabulary(rng: random.Random, size: int = 4000) -> list[str]:
    syllables = [c + v for c in "bcdfghjklmnprstvwz" for v in ("a", "e", "i", "o", "u", "ai", "ou")]
    return sorted({"".join(rng.choices(syllables, k=rng.randint(1, 4))) for _ in range(size)})


def paragraph(rng: random.Random, words: list[str]) -> str:
    out, count = [], rng.randint(40, 120)
    while count > 0:
        n = min(count, rng.randint(6, 18))
        sentence = rng.sample(words, n)
        out.append(" ".join([sentence[0].capitalize()] + sentence[1:]) + ".")
        count -= n
    return " ".join(out)


def scenario(seed: int) -> Scenario:
    rng = random.Random(seed)
    words = vocabulary(rng)
    old = {f"topics/page-{p:03d}": [[paragraph(rng, words) for _ in range(PARAGRAPHS)]
                                     for _ in range(SECTIONS)] for p in range(PAGES)}
    new = {page: [list(s) for s in sections] for page, sections in old.items()}
    expect = {t: ("kept", t) for sections in old.values() for s in sections for t in s}
    spots = rng.sample([(p, s) for p in sorted(old) for s in range(SECTIONS)],
                       EDITS + ADDS - SHIFTED + REMOVES + PUNCT + MOVES + ACROSS)
    removed: set[str] = set()
    for n, (page, s) in enumerate(spots):
        section = new[page][s]
        if n < EDITS:
            k = rng.randrange(1 if n < SHIFTED else 0, PARAGRAPHS)
            _replace(expect, section, k, ("fuzzy", section[k]), _edit(rng, words, section[k]))
            if n < SHIFTED:        # an insertion just before it shifts its anchor
                _insert(expect, section, rng.randrange(0, k + 1), paragraph(rng, words))
        elif n < EDITS + ADDS - SHIFTED:
            _insert(expect, section, rng.randrange(0, PARAGRAPHS + 1), paragraph(rng, words))
        elif n < EDITS + ADDS - SHIFTED + REMOVES:
            text = section.pop(rng.randrange(PARAGRAPHS))
            removed.add(text)
            del expect[text]
        elif n < EDITS + ADDS - SHIFTED + REMOVES + PUNCT:
            k = rng.randrange(PARAGRAPHS)
            _replace(expect, section, k, ("carried", section[k]), _punctuate(rng, section[k]))
        elif n < EDITS + ADDS - SHIFTED + REMOVES + PUNCT + MOVES:   # to another section
            text = section.pop(rng.randrange(PARAGRAPHS))
            new[page][(s + 1 + rng.randrange(SECTIONS - 1)) % SECTIONS].insert(0, text)
        else:                      # to another page, edited there
            text = section.pop(rng.randrange(len(section)))
            del expect[text]
            other = rng.choice([p for p in sorted(new) if p != page])
            edited = _edit(rng, words, text)
            new[other][rng.randrange(SECTIONS)].append(edited)
            expect[edited] = ("fuzzy", text)
    return Scenario(old, new, expect, frozenset(removed))


def _replace(expect: dict, section: list[str], k: int, outcome: tuple, text: str) -> None:
    del expect[section[k]]
    section[k] = text
    expect[text] = outcome


def _insert(expect: dict, section: list[str], k: int, text: str) -> None:
    section.insert(k, text)
    expect[text] = ("new", None)


def _edit(rng: random.Random, words: list[str], text: str) -> str:
    """A wording change: two to four words replaced, inserted or deleted."""
    changed = text
    while changed == text:
        changed = _reword(rng, words, text)
    return changed


def _reword(rng: random.Random, words: list[str], text: str) -> str:
    tokens = text.split(" ")
    for _ in range(rng.randint(2, 4)):
        k = rng.randrange(1, len(tokens) - 1)
        action = rng.choice(("replace", "insert", "delete"))
        if action == "replace" and not tokens[k].endswith("."):
            tokens[k] = rng.choice(words)
        elif action == "insert":
            tokens.insert(k, rng.choice(words))
        elif not tokens[k].endswith("."):
            del tokens[k]
    return " ".join(tokens)


def _punctuate(rng: random.Random, text: str) -> str:
    tokens = text.split(" ")
    k = rng.randrange(1, len(tokens) - 1)
    if tokens[k].endswith("."):
        tokens[k] = tokens[k][:-1] + ";"
    else:
        tokens[k] += ","
    return " ".join(tokens)


def pot_text(pages: dict[str, Page]) -> str:
    pot = polib.POFile(wrapwidth=0)
    pot.header = "Translations for Benchmark."
    pot.metadata = {"Project-Id-Version": "Benchmark", "Content-Type": "text/plain; charset=UTF-8",
                    "Content-Transfer-Encoding": "8bit", "Generated-By": "infopages"}
    for page, sections in pages.items():
        for s, texts in enumerate(sections, 1):
            for k, text in enumerate(texts, 1):
                digest = hashlib.sha256(text.encode()).hexdigest()[:8]
                comment = (f"id: {page}#section-{s}.p{k} (paragraph, source {digest})\n"
                           f"context: {page} › Section {s}")
                pot.append(polib.POEntry(msgid=text, msgstr="", comment=comment, flags=["md-text"],
                                         occurrences=[(f"content/{page}.md", "")]))
    return str(pot)


def translated_po(pot: polib.POFile, locale: str) -> str:
    """A fully translated catalogue, as `update` plus a translator would leave it."""
    text = merge(pot, new_catalogue(locale, "Benchmark"), locale).text
    po = polib.pofile(text, wrapwidth=0)
    for n, entry in enumerate(po):
        entry.msgstr = f"[{locale}] {entry.msgid}"
        entry.tcomment = "checked by the team" if n % 97 == 0 else ""
    return str(po)


def timed(fn):
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - wall, time.process_time() - cpu


def run_update(root: Path, pot_file: Path) -> tuple[dict[str, str], list[tuple]]:
    """What `infopages update` does after extraction, per locale, with timings."""
    rows = []
    # As `infopages update` does: the POT is parsed once with the fast reader.
    pot, wall, cpu = timed(lambda: parse_po(pot_file.read_text("utf-8")))
    rows.append(("POT parse (once)", wall, cpu))
    texts = {}
    for locale in LOCALES:
        path = po_path(root / "locales", locale, SINGLE)
        (before, old), w1, c1 = timed(lambda: (path.read_text("utf-8"), read_po(path, root)))
        result, w2, c2 = timed(lambda: merge(pot, old, locale, old_text=before))
        _, w3, c3 = timed(lambda: atomic_write(path, result.text.encode("utf-8")))
        texts[locale] = result.text
        rows.append((f"{locale}: read_po / merge / write", (w1, w2, w3), (c1, c2, c3), result))
    return texts, rows


def run_pipeline_update(root: Path, pot_file: Path) -> tuple[dict[str, str], float, float]:
    """The update exactly as `infopages update` runs it after extraction: the same
    function (parallel across locales for large catalogues), then atomic writes."""
    start, cpu = time.perf_counter(), time.process_time()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    pot_text = pot_file.read_text("utf-8")   # one catalogue per locale: `split: none`
    jobs = [LocaleJob(root, locale, ((SINGLE, pot_text),), "Benchmark", False, SINGLE)
            for locale in LOCALES]
    results = [merged for done in merge_locales(jobs) for merged in done.merged]
    for merged in results:   # as `update` writes them: the bytes made where they merged
        atomic_write(merged.path, merged.data)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    child_cpu = (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime)
    texts = {m.result.locale: m.data.decode("utf-8") for m in results}
    return texts, time.perf_counter() - start, time.process_time() - cpu + child_cpu


def verify(sc: Scenario, locale: str, text: str) -> dict[str, int]:
    """Count outcomes and every departure from the ground truth."""
    po = polib.pofile(text, wrapwidth=0)
    got = {e.msgid: e for e in po if not e.obsolete}
    gone = {e.msgid: e for e in po.obsolete_entries()}
    tally = dict.fromkeys(("kept", "fuzzy", "carried", "new", "obsolete", "wrong"), 0)
    for msgid, (kind, source) in sc.expect.items():
        entry = got.get(msgid)
        tally[kind] += 1
        want = f"[{locale}] {source}" if source else ""
        fuzzy = entry is not None and "fuzzy" in entry.flags
        ok = entry is not None and entry.msgstr == want and fuzzy == (kind == "fuzzy") and \
            (kind != "fuzzy" or entry.previous_msgid == source)
        tally["wrong"] += not ok
    for msgid in sc.removed:
        tally["obsolete"] += 1
        tally["wrong"] += msgid not in gone
    tally["wrong"] += len(got) != len(sc.expect) or len(gone) != len(sc.removed)
    return tally


def msgmerge_time(root: Path, pot_file: Path, olds: dict[str, str]) -> float:
    start = time.perf_counter()
    for locale in LOCALES:
        old = root / f"{locale}.old.po"
        old.write_text(olds[locale], "utf-8")
        # Without --no-fuzzy-matching, msgmerge ran for over 8 minutes on one locale.
        subprocess.run(["msgmerge", "--quiet", "--previous", "--no-wrap", "--no-fuzzy-matching",
                        "-o", str(root / f"{locale}.gnu.po"), str(old), str(pot_file)],
                       check=True, timeout=600)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--msgmerge", action="store_true", help="also time GNU msgmerge (exact matches only)")
    args = parser.parse_args()
    (sc, old_pot_text, new_pot_text), gen, _ = timed(lambda: _setup(args.seed))
    root = Path(tempfile.mkdtemp(prefix="merge-bench-"))
    try:
        pot_file = root / "locales" / "messages.pot"
        pot_file.parent.mkdir(parents=True)
        pot_file.write_text(new_pot_text, "utf-8")
        old_pot = polib.pofile(old_pot_text, wrapwidth=0)
        olds = {}
        for locale in LOCALES:
            path = po_path(root / "locales", locale, SINGLE)
            path.parent.mkdir(parents=True)
            olds[locale] = translated_po(old_pot, locale)
            path.write_text(olds[locale], "utf-8")
        print(f"generated {len(old_pot)} → {len(sc.expect)} messages × {len(LOCALES)} locales "
              f"in {gen:.1f} s (seed {args.seed})\n")
        for locale in LOCALES:   # the sequential breakdown must not see the parallel run's output
            shutil.copyfile(po_path(root / "locales", locale, SINGLE), root / f"{locale}.orig.po")
        texts, wall, cpu = run_pipeline_update(root, pot_file)
        again, wall_again, cpu_again = run_pipeline_update(root, pot_file)
        print("infopages update (what the command runs; parallel on 2+ cores)")
        print(f"  4 locales after the edits:   {wall:6.2f} s wall, {cpu:6.2f} s CPU (all processes)")
        print(f"  4 locales, nothing changed:  {wall_again:6.2f} s wall, {cpu_again:6.2f} s CPU\n")
        for locale in LOCALES:
            shutil.copyfile(root / f"{locale}.orig.po", po_path(root / "locales", locale, SINGLE))
        seq, rows = run_update(root, pot_file)
        report(rows, "sequential breakdown per step (350 edits, 50 added, 50 removed, "
                     "30 punctuation, 20 moves, 40 moved to another page and edited)")
        moved = sum(r[3].moved for r in rows[1:])
        print(f"found on another page (cross-page fuzzy), all 4 locales: {moved} "
              f"(expected {ACROSS * len(LOCALES)})\n")
        failures = _check(sc, texts, again) + sum(seq[l] != texts[l] for l in LOCALES)
        if args.msgmerge:
            print(f"\nGNU msgmerge --no-fuzzy-matching, 4 locales: {msgmerge_time(root, pot_file, olds):.2f} s wall")
        return 1 if failures else 0
    finally:
        shutil.rmtree(root)


def _setup(seed: int):
    sc = scenario(seed)
    return sc, pot_text(sc.old), pot_text(sc.new)


def report(rows: list[tuple], title: str) -> None:
    print(f"{title}\n{'step':<34}{'wall s':>22}{'cpu s':>22}")
    total_wall = rows[0][1]
    total_cpu = rows[0][2]
    print(f"{rows[0][0]:<34}{rows[0][1]:>22.3f}{rows[0][2]:>22.3f}")
    for name, walls, cpus, _ in rows[1:]:
        total_wall += sum(walls)
        total_cpu += sum(cpus)
        print(f"{name:<34}{' / '.join(f'{w:.2f}' for w in walls):>22}"
              f"{' / '.join(f'{c:.2f}' for c in cpus):>22}")
    print(f"{'total, 4 locales':<34}{total_wall:>22.2f}{total_cpu:>22.2f}\n")


def _check(sc: Scenario, texts: dict[str, str], again: dict[str, str]) -> int:
    print(f"{'locale':<8}{'kept':>7}{'fuzzy':>7}{'carried':>9}{'new':>6}{'obsolete':>10}"
          f"{'wrong':>7}{'idempotent':>12}")
    failures = 0
    for locale in LOCALES:
        t = verify(sc, locale, texts[locale])
        same = texts[locale] == again[locale]
        failures += t["wrong"] + (not same)
        print(f"{locale:<8}{t['kept']:>7}{t['fuzzy']:>7}{t['carried']:>9}{t['new']:>6}"
              f"{t['obsolete']:>10}{t['wrong']:>7}{str(same):>12}")
    print("\nground truth:", "all outcomes as expected" if not failures else f"{failures} problems")
    return failures


if __name__ == "__main__":
    sys.exit(main())
